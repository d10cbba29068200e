// Deployments: which manifest container (k8s, Cloud Run, compose) or `gcloud run deploy` runs the image of which Dockerfile (an input of the runtime layer).
import type { Analysis, DockerTarget } from './analysis';
import { composeBuildPaths, composeServices } from './builds';
import { isKnownBase } from './docker/image';
import type { ShellEnv } from './entrypoint';
import { dirname, isFile, join, normalize } from './fs';
import { cloudRunPort, CLOUD_RUN_DEFAULT_PORT, findGcloudRunDeploys, isKustomizationFile, KUSTOMIZATION_NAMES, parseKustomization } from './manifests';
import type { ContainerSpec, GcloudRunDeploy, Platform, Workload } from './manifests';
import type { Range } from './types';

/** How a deployment was tied to its Dockerfile, strongest first. */
export type LinkHow = 'compose-build' | 'image' | 'gcloud-source' | 'single-dockerfile';

export interface Deployment {
  platform: Platform;
  /** The manifest, workflow or script that deploys it. */
  file: string;
  /** Where it is declared: the container (or compose service) mapping, or the `gcloud run deploy` line. */
  range: Range;
  workload?: Workload;
  container?: ContainerSpec;
  /** A `gcloud run deploy` without a service YAML. */
  gcloud?: GcloudRunDeploy;
  target: DockerTarget;
  how: LinkHow;
  /** For messages: `compose.yaml builds it`, `its image 'worker' is built from it by deploy.sh`. */
  evidence: string;
  /** Variables the manifest and the platform set (k8s/compose `env`, Cloud Run's PORT); undefined values are set but unknown. */
  env: ShellEnv;
  /** The manifest replaces the image's command (k8s command/args, compose entrypoint/command, gcloud --command/--args). */
  overridesCommand: boolean;
  /** The port the platform sends requests (and its default probe) to: Cloud Run's PORT. */
  platformPort?: { port: number; why: string; range?: Range };
  /** A Kubernetes initContainer: it runs to completion before the pod's containers start. */
  init?: boolean;
  /** The stage the linked build produces (`--target`, compose `build.target`); null: the Dockerfile's last stage; absent: unknown. */
  buildTarget?: string | null;
}

/** The repository name of an image reference without registry, path, tag or digest: `us-docker.pkg.dev/p/r/worker:1` -> `worker`. */
export function imageName(ref: string): string | undefined {
  const noDigest = ref.trim().replace(/@.*$/, '');
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const name = last.replace(/:.*$/, '');
  return /^[a-z0-9][a-z0-9._-]*$/i.test(name) ? name.toLowerCase() : undefined;
}

type Link = { target: DockerTarget; how: LinkHow; evidence: string; buildTarget?: string | null };

/** Images that are someone else's software (databases, proxies): never linked to the repository's only Dockerfile. */
const THIRD_PARTY = /^(redis|postgres|postgis|mysql|mariadb|mongo|memcached|rabbitmq|nginx|envoy|traefik|haproxy|busybox|alpine|python|node|elasticsearch|kibana|grafana|prometheus|minio|localstack|cloud-sql-proxy|cloudsql-proxy|otel|opentelemetry-collector|jaeger|zookeeper|kafka|vault|consul)([-_].*)?$/;

/** Every deployment of a Dockerfile the analysis models, initContainers included (memoised per lint). */
export function allDeployments(a: Analysis): Deployment[] {
  const memo = a.memo.get('deployments') as Deployment[] | undefined;
  if (memo) return memo;
  const out = computeDeployments(a);
  a.memo.set('deployments', out);
  return out;
}

/** The deployments whose containers serve (initContainers left out). */
export function deployments(a: Analysis): Deployment[] {
  return allDeployments(a).filter((d) => !d.init);
}

function computeDeployments(a: Analysis): Deployment[] {
  const out: Deployment[] = [];
  const byDockerfile = new Map(a.targets.map((t) => [t.dockerfile, t]));
  const builds = a.builds;
  const only = a.targets.length === 1 && a.files.dockerfiles.length === 1 ? a.targets[0] : undefined;

  const renames = kustomizeRenames(a);

  /**
   * The Dockerfile an image reference is built from: unambiguous name match with a known build (the name
   * itself, else what a kustomization that deploys `manifest` renames it to), else the only Dockerfile.
   */
  const byImage = (image: string | undefined, single: boolean, manifest?: string): Link | undefined => {
    const name = image ? imageName(image) : undefined;
    if (!name) return undefined;
    const built = (n: string) => builds.filter((b) => b.tag !== undefined && imageName(b.tag) === n && byDockerfile.has(b.dockerfile));
    let matches = built(name);
    let via = '';
    if (!matches.length && manifest) {
      // kustomize `images:` (name -> newName) changes what the container runs; only an unambiguous rename links.
      const to = (renames.get(manifest) ?? []).filter((r) => r.from === imageRef(image!) && r.to !== undefined);
      const names = [...new Set(to.map((r) => imageName(r.to!)).filter((n): n is string => !!n && n !== name))];
      if (names.length === 1) {
        matches = built(names[0]);
        via = ` (renamed '${names[0]}' by ${to.filter((r) => imageName(r.to!) === names[0]).map((r) => a.rel(r.file)).join(', ')})`;
      }
    }
    if (manifest && matches.length) {
      // Locality: a manifest beside its own Dockerfile (other/go/k8s/ under other/go/Dockerfile) deploys that folder's
      // image; a build elsewhere whose tag only ends in the same name (ml/jax: gcr.io/${P}/jax/hello vs image: hello)
      // is another image unless the whole repository path is the same.
      const own = ownDockerfileDir(a, manifest);
      if (own !== undefined) matches = matches.filter((b) => within(own, b.dockerfile) || imageRef(b.tag!) === imageRef(image!));
    }
    const want = image!.trim().replace(/@.*$/, '');
    if (new Set(matches.map((b) => b.dockerfile)).size > 1 && imageRef(want) !== want) {
      // One repository, several Dockerfiles pushed under different tags (me/app:web, me/app:backend): the tag decides.
      const exact = matches.filter((b) => [b.tag, ...(b.tags ?? [])].some((t) => t !== undefined && t.trim() === want));
      if (exact.length) matches = exact;
    }
    const dockerfiles = [...new Set(matches.map((b) => b.dockerfile))];
    if (dockerfiles.length === 1) {
      // The stage that build produces: its --target, else the last one.
      return { target: byDockerfile.get(dockerfiles[0])!, how: 'image', evidence: `its image '${name}'${via} is built from it in ${a.rel(matches[0].evidence)}`, buildTarget: matches[0].target ?? null };
    }
    if (dockerfiles.length > 1 || !single || !only || THIRD_PARTY.test(name) || isKnownBase(image!)) return undefined;
    return { target: only, how: 'single-dockerfile', evidence: `${a.rel(only.dockerfile)} is the repository's only Dockerfile` };
  };

  // Compose services as their project merges them (override files, extends, include), in file order with the manifests.
  const compose = composeServices(a);
  const manifestWorkloads: Workload[] = [];
  for (const f of a.files.yamlFiles) {
    const text = a.text(f);
    if (text !== undefined && /\bkind\s*:/.test(text)) manifestWorkloads.push(...(a.manifests(f)?.workloads ?? []).filter((w) => w.platform !== 'compose'));
    manifestWorkloads.push(...compose.filter((w) => w.file === f));
  }
  for (const w of manifestWorkloads) {
    const f = w.file;
    const app = w.containers.filter((c) => !c.initContainer);
    const linked = new Map<string, Link>();
    // App containers first: an initContainer running the same image is linked like them.
    for (const c of [...app, ...w.containers.filter((x) => x.initContainer)]) {
      let link: Link | undefined;
      if (w.platform === 'compose') {
        if (w.build) {
          const t = byDockerfile.get(composeBuildPaths(f, w.build).dockerfile);
          if (t) link = { target: t, how: 'compose-build', evidence: `${a.rel(w.build.context.file ?? f)} builds it`, buildTarget: w.build.target ?? null };
        } else {
          link = byImage(c.image?.value, false);
        }
      } else if (c.initContainer) {
        link = (c.image && linked.get(c.image.value)) ?? byImage(c.image?.value, false, f);
      } else {
        link = byImage(c.image?.value, app.length === 1, f);
      }
      if (!link) continue;
      if (c.image && !c.initContainer) linked.set(c.image.value, link);
      const d: Deployment = {
        platform: w.platform, file: f, range: c.range, workload: w, container: c, ...link,
        env: manifestEnv(c), overridesCommand: !!(c.command || c.args),
      };
      if (c.initContainer) d.init = true;
      if (w.platform === 'cloudrun' && w.kind !== 'Job') {
        const p = cloudRunPort(c);
        d.platformPort = p.located
          ? { port: p.port, why: `containerPort ${p.port}`, range: p.located.range }
          : { port: p.port, why: `Cloud Run's default PORT ${CLOUD_RUN_DEFAULT_PORT}` };
        d.env.PORT = String(p.port);
      }
      out.push(d);
    }
  }

  for (const f of [...a.files.yamlFiles, ...a.files.scripts]) {
    const text = a.text(f);
    if (text === undefined || !/\brun\b[\s\S]*\bdeploy\b|deploy-cloudrun/.test(text)) continue;
    const lines = text.split('\n');
    for (const g of findGcloudRunDeploys(text)) {
      let link: Link | undefined;
      if (g.image) link = byImage(g.image, true);
      else if (g.source !== undefined && !g.source.includes('$')) {
        for (const base of [a.root, dirname(f)]) {
          const df = normalize(join(base, g.source, 'Dockerfile'));
          if (isFile(a.fs, df) && byDockerfile.has(df)) {
            link = { target: byDockerfile.get(df)!, how: 'gcloud-source', evidence: `${a.rel(f)} deploys --source ${g.source}`, buildTarget: null };
            break;
          }
        }
      }
      if (!link) continue;
      const port = g.port ?? CLOUD_RUN_DEFAULT_PORT;
      const env: ShellEnv = { ...gcloudEnv(g), PORT: String(port) };
      const line = lines[g.line] ?? '';
      out.push({
        platform: 'cloudrun', file: f, range: { start: { line: g.line, character: line.length - line.trimStart().length }, end: { line: g.line, character: line.trimEnd().length } },
        gcloud: g, ...link, env, overridesCommand: g.flags.command !== undefined || g.flags.args !== undefined,
        platformPort: { port, why: g.port !== undefined ? `--port ${port}` : `Cloud Run's default PORT ${CLOUD_RUN_DEFAULT_PORT}` },
      });
    }
  }
  return out;
}

/** An image reference without tag or digest, as kustomize's `images[].name` matches it: `gcr.io/p/api:1` -> `gcr.io/p/api`. */
/** The nearest folder at or above the manifest's (below the workspace root) that holds a Dockerfile of the workspace. */
function ownDockerfileDir(a: Analysis, manifest: string): string | undefined {
  const dirs = new Set(a.files.dockerfiles.map((d) => dirname(d)));
  for (let dir = dirname(manifest); dir !== a.root && within(a.root, dir); dir = dirname(dir)) {
    if (dirs.has(dir)) return dir;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root + '/');
}

function imageRef(ref: string): string {
  const noDigest = ref.trim().replace(/@.*$/, '');
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Bounds the walk through kustomizations that include others. */
const MAX_KUSTOMIZE_DEPTH = 8;

/**
 * For each manifest a kustomization deploys (its `resources:`, through folders with their own
 * kustomization), the `images:` renames that apply to it: the kustomization's own, its components',
 * and those of every kustomization that includes it. Remote resources are not followed.
 */
function kustomizeRenames(a: Analysis): Map<string, { from: string; to?: string; file: string }[]> {
  const out = new Map<string, { from: string; to?: string; file: string }[]>();
  const files = a.files.yamlFiles.filter(isKustomizationFile);
  if (!files.length) return out;
  const read = (dir: string) => {
    for (const n of KUSTOMIZATION_NAMES) {
      const f = join(dir, n);
      const t = isFile(a.fs, f) ? a.text(f) : undefined;
      const k = t === undefined ? undefined : parseKustomization(t);
      if (k) return { file: f, k };
    }
    return undefined;
  };
  const walk = (dir: string, inherited: { from: string; to?: string; file: string }[], depth: number, seen: Set<string>): void => {
    const here = read(dir);
    if (!here || depth > MAX_KUSTOMIZE_DEPTH || seen.has(here.file)) return;
    seen.add(here.file);
    const own = [...here.k.images.map((i) => ({ i, file: here.file }))];
    for (const c of here.k.components) {
      const comp = read(normalize(join(dir, c)));
      if (comp) own.push(...comp.k.images.map((i) => ({ i, file: comp.file })));
    }
    const renames = [...own.map(({ i, file }) => ({ from: i.name, to: i.newName, file })), ...inherited];
    for (const r of here.k.resources) {
      if (/^[a-z]+:\/\/|^git@|\?ref=/.test(r)) continue;
      const p = normalize(join(dir, r));
      if (isFile(a.fs, p)) out.set(p, [...(out.get(p) ?? []), ...renames]);
      else walk(p, renames, depth + 1, seen);
    }
  };
  for (const f of files) walk(dirname(f), [], 0, new Set());
  return out;
}

/** A container's env: literal values; valueFrom, interpolated or shell-supplied values are set but unknown. */
function manifestEnv(c: ContainerSpec): ShellEnv {
  const env: ShellEnv = {};
  for (const e of c.env) env[e.name] = e.value && !e.valueFrom && !e.value.value.includes('$') ? e.value.value : undefined;
  return env;
}

/** `--set-env-vars A=1,B=2` / `--update-env-vars`; `--env-vars-file` makes every variable uncertain, so nothing is assumed. */
function gcloudEnv(g: GcloudRunDeploy): ShellEnv {
  const env: ShellEnv = {};
  for (const k of ['set-env-vars', 'update-env-vars']) {
    const v = g.flags[k];
    if (!v) continue;
    const body = v.startsWith('^') ? v.replace(/^\^(.)\^/, '') : v;
    const sep = v.startsWith('^') ? v[1] : ',';
    for (const pair of body.split(sep)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** For messages: `k8s/worker.yaml: Deployment worker, container api`, `compose.yaml: service worker`, `deploy.sh line 12: gcloud run deploy worker`. */
export function describeDeployment(a: Analysis, d: Deployment): string {
  if (d.gcloud) return `${a.rel(d.file)} line ${d.gcloud.line + 1}: gcloud run deploy ${d.gcloud.service}`;
  const w = d.workload!;
  if (w.platform === 'compose') {
    const more = [...new Set((w.compose?.layers ?? []).map((l) => l.file).filter((f) => f !== d.file))];
    return `${[d.file, ...more].map((f) => a.rel(f)).join(' + ')}: service ${w.name}`;
  }
  const kind = w.platform === 'cloudrun' ? (w.kind === 'Job' ? 'Cloud Run job' : 'Cloud Run service') : w.kind;
  return `${a.rel(d.file)}: ${kind}${w.name ? ' ' + w.name : ''}${d.container?.name ? `, ${d.init ? 'initContainer' : 'container'} ${d.container.name.value}` : ''}`;
}
