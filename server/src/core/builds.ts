// Known builds: which Dockerfile is built with which context, from compose files, skaffold.yaml, CI workflows, cloudbuild.yaml and shell scripts.
import type { Analysis } from './analysis';
import { basename, dirname, FileSystem, isFile, join, normalize, relativeInside } from './fs';
import { parseAllDocuments } from 'yaml';
import { BuildSpec, composeProjects, findDockerBuilds } from './manifests';
import { scriptVariables } from './manifests/script-vars';
import { parseBake } from './manifests/bake';
import { splitShellWords } from './manifests/commands';
import type { ComposeProjects, Workload } from './manifests';
import type { KnownBuild } from './project';
import { parseDotenv } from './secrets/dotenv';
import { expandWord, ShellEnv } from './entrypoint/shell';

/** Absolute context and Dockerfile of a compose `build:` (the context is relative to the compose file, the Dockerfile to the context). */
export function composeBuildPaths(composeFile: string, build: BuildSpec): { context: string; dockerfile: string } {
  // A context merged from another file (`extends` from another folder, an `include`d file) is relative to that file.
  const context = normalize(join(dirname(build.context.file ?? composeFile), build.context.value));
  const df = build.dockerfile?.value;
  return { context, dockerfile: normalize(df ? (df.startsWith('/') ? df : join(context, df)) : join(context, 'Dockerfile')) };
}

type ComposeInputs = Pick<Analysis, 'files' | 'text' | 'manifests' | 'memo' | 'fs' | 'root'>;

/** The repository's compose services, each merged over the files of its project as `docker compose` would (memoised per lint). */
export function composeServices(a: ComposeInputs): Workload[] {
  return composeAssembly(a).workloads;
}

/**
 * `docker compose -f A -f B ...` (or docker-compose) in workflows and scripts: the files that command merges, in order,
 * with where it is written. Paths are relative to the repository root in workflows, to the script's folder (else the
 * root) in scripts; a pair is kept only when every file exists. Variables and globs are not read.
 */
function composeFileFlags(a: Pick<Analysis, 'root' | 'files' | 'text' | 'fs'>): { files: string[]; at: string }[] {
  const out: { files: string[]; at: string }[] = [];
  for (const f of [...a.files.yamlFiles.filter((x) => /(^|\/)\.github\/workflows\//.test(x)), ...a.files.scripts]) {
    const t = a.text(f);
    if (t === undefined || !/\bdocker[- ]compose\b[^\n]*\s(?:-f|--file)[\s=]/.test(t)) continue;
    for (const line of t.split('\n')) {
      const m = /\bdocker(?:-compose|\s+compose)\b(.*)$/.exec(line);
      if (!m) continue;
      const words = splitShellWords(m[1]);
      const named: string[] = [];
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        const v = w === '-f' || w === '--file' ? words[++i] : /^--file=/.test(w) ? w.slice(7) : /^-f./.test(w) ? w.slice(2) : undefined;
        if (v !== undefined) named.push(v);
      }
      if (named.length < 2 || named.some((n) => /[$*?{]/.test(n))) continue;
      const bases = /(^|\/)\.github\/workflows\//.test(f) ? [a.root] : [dirname(f), a.root];
      for (const base of bases) {
        const abs = named.map((n) => normalize(n.startsWith('/') ? n : join(base, n)));
        if (abs.every((x) => isFile(a.fs, x))) {
          if (!out.some((o) => o.files.join('\0') === abs.join('\0'))) out.push({ files: abs, at: f });
          break;
        }
      }
    }
  }
  return out;
}

/** The compose projects (files in merge order) and their merged services (memoised per lint). */
export function composeAssembly(a: ComposeInputs): ComposeProjects {
  const memo = a.memo.get('compose-projects') as ComposeProjects | undefined;
  if (memo) return memo;
  const files = a.files.yamlFiles.filter((f) => /^\s*(services|include)\s*:/m.test(a.text(f) ?? ''));
  const out = composeProjects(files, (f) => a.manifests(f), (dir) => {
    const env = a.text(join(dir, '.env'));
    return env === undefined ? undefined : parseDotenv(env).find((e) => e.name === 'COMPOSE_FILE')?.value;
  }, composeFileFlags(a));
  // Compose interpolates every value, build.context and build.dockerfile included, from the shell and the project's .env.
  const dotenv = new Map<string, Map<string, string>>();
  const envOf = (file: string) => {
    const dir = dirname(file);
    let env = dotenv.get(dir);
    if (!env) {
      const text = a.text(join(dir, '.env'));
      dotenv.set(dir, (env = new Map((text === undefined ? [] : parseDotenv(text)).map((e) => [e.name, e.value]))));
    }
    return env;
  };
  out.workloads = out.workloads.map((w) => {
    const b = w.build;
    if (!b || !/\$/.test(`${b.context.value}${b.dockerfile?.value ?? ''}${b.target ?? ''}`)) return w;
    const env = envOf(w.file);
    const context = interpolateCompose(b.context.value, env);
    const dockerfile = b.dockerfile && interpolateCompose(b.dockerfile.value, env);
    const target = b.target === undefined ? undefined : interpolateCompose(b.target, env);
    // A value the model cannot know (a variable set only in the shell) leaves the build as written: not linked.
    if (context === undefined || (b.dockerfile && dockerfile === undefined) || (b.target !== undefined && target === undefined)) return w;
    const build: BuildSpec = { ...b, context: { ...b.context, value: context } };
    if (b.dockerfile) build.dockerfile = { ...b.dockerfile, value: dockerfile! };
    if (target !== undefined) build.target = target;
    return { ...w, build };
  });
  a.memo.set('compose-projects', out);
  return out;
}

/**
 * A compose value with its variables replaced as `docker compose` does: `$$` is `$`; otherwise compose's `${VAR}`,
 * `$VAR`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+a}` and `${VAR?e}` are the shell's parameter expansions, so the shell
 * expander does the work, over the project's .env (the only environment the model reads). Undefined when a variable
 * without a default is not in .env (the shell may set it).
 */
export function interpolateCompose(value: string, env: ReadonlyMap<string, string>): string | undefined {
  const vars: ShellEnv = Object.fromEntries(env);
  const parts = value.split('$$').map((part) => expandWord(part, vars));
  return parts.some((p) => p.unknown) ? undefined : parts.map((p) => p.value).join('$');
}

/** Every `docker build` the repository describes, resolved to absolute Dockerfile and context paths. */
export function findBuilds(a: Pick<Analysis, 'fs' | 'root' | 'files' | 'text' | 'manifests' | 'memo'>): KnownBuild[] {
  const { fs, root, files } = a;
  const out: KnownBuild[] = [];
  for (const w of composeServices(a)) {
    if (!w.build) continue;
    const { context, dockerfile } = composeBuildPaths(w.file, w.build);
    const image = w.containers[0]?.image?.value;
    // A service with both `image:` and `build:` tags what it builds with that name (another Dockerfile's FROM may name it);
    // without `image:`, Compose names it `<project>-<service>`.
    const project = image ? undefined : composeProjectName(a, w.file);
    const tags = image ? [image] : project ? [`${project}-${w.kind}`] : [];
    out.push({ dockerfile, context, how: 'compose', evidence: w.build.context.file ?? w.file, buildArgs: w.build.args, target: w.build.target, tag: image ?? tags[0] ?? w.kind, ...(tags.length ? { tags } : {}) });
  }
  for (const f of files.yamlFiles) {
    const t = a.text(f);
    if (t === undefined) continue;
    if (/\b(docker|podman|buildx)\b[^\n]*\bbuild\b|gcr\.io\/cloud-builders\/docker|kaniko|build-push-action/.test(t)) out.push(...fromCommands(fs, root, f, /(^|\/)\.github\/workflows\//.test(f) ? workflowEnvExpanded(t) : t, false));
    if (/^apiVersion:\s*skaffold\//m.test(t)) out.push(...fromSkaffold(fs, f, t));
  }
  for (const f of files.scripts) {
    const t = a.text(f);
    if (t !== undefined && /\bbuild\b/.test(t)) out.push(...fromCommands(fs, root, f, t, true));
  }
  out.push(...fromBake(a));
  return out;
}

/**
 * A compose file's project name: its top-level `name:`, else its folder's name lower-cased without the
 * characters a project name cannot hold (Compose's default); undefined when it uses a variable.
 */
function composeProjectName(a: Pick<Analysis, 'text'>, file: string): string | undefined {
  const m = /^name:\s*["']?([^"'\s#]+)["']?\s*(?:#.*)?$/m.exec(a.text(file) ?? '');
  const raw = m ? m[1] : basename(dirname(file));
  if (raw.includes('$')) return undefined;
  const name = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return /^[a-z0-9]/.test(name) ? name : undefined;
}

/**
 * A GitHub workflow with `${{ env.NAME }}` replaced where every `env:` map of the file (workflow, job, step)
 * that sets NAME sets it to the same literal: the value a build step's `--build-arg K=${{ env.NAME }}` passes.
 * Set to several values, or to an expression, NAME stays as written (unknown).
 */
export function workflowEnvExpanded(text: string): string {
  if (!text.includes('${{')) return text;
  const values = new Map<string, Set<string>>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:-\s+)?env:\s*$/.exec(lines[i]);
    if (!m) continue;
    let indent: number | undefined;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (/^\s*(#.*)?$/.test(l)) continue;
      const ind = /^\s*/.exec(l)![0].length;
      if (ind <= m[1].length) break;
      indent ??= ind;
      if (ind !== indent) continue;
      const kv = /^\s*([A-Za-z_][A-Za-z0-9_]*):\s*(.*?)\s*$/.exec(l);
      if (!kv) continue;
      const raw = kv[2].replace(/\s+#.*$/, '');
      const v = /^"([^"\\]*)"$|^'([^']*)'$|^([^"'{}[\]&*!|>%@`]*)$/.exec(raw);
      const value = v ? (v[1] ?? v[2] ?? v[3]) : undefined;
      const set = values.get(kv[1]) ?? new Set<string>();
      set.add(value === undefined || value.includes('${{') ? '\0' : value);
      values.set(kv[1], set);
    }
  }
  return text.replace(/\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (all, name: string) => {
    const set = values.get(name);
    const only = set && set.size === 1 ? [...set][0] : undefined;
    return only !== undefined && only !== '\0' && !/[\s'"\\$]/.test(only) ? only : all;
  });
}

/** Bake's file names, in the order it looks them up in the folder where it runs. */
const BAKE_FILES = ['docker-bake.override.hcl', 'docker-bake.hcl', 'docker-bake.override.json', 'docker-bake.json'];

/**
 * `docker buildx bake` targets, from bake files at the root or beside a Dockerfile (or its folder's parent):
 * context relative to the bake file's folder (default `.`), dockerfile relative to the context (default
 * `Dockerfile`), target, tags, args. A `contexts = { name = "target:t" }` entry makes `FROM name` in that
 * target's Dockerfile the image of target t: t's build gets `name` as one more tag.
 */
function fromBake(a: Pick<Analysis, 'fs' | 'root' | 'files' | 'text'>): KnownBuild[] {
  const { fs, root } = a;
  const dirs = new Set([root]);
  for (const df of a.files.dockerfiles) for (const d of [dirname(df), dirname(dirname(df))]) if (relativeInside(root, d) !== undefined) dirs.add(d);
  const out: KnownBuild[] = [];
  for (const dir of dirs) {
    for (const name of BAKE_FILES) {
      const file = join(dir, name);
      if (!isFile(fs, file)) continue;
      const text = a.text(file);
      if (text === undefined) continue;
      const targets = parseBake(text, name.endsWith('.json'));
      const byName = new Map<string, KnownBuild>();
      for (const t of targets) {
        if (/:\/\/|\$/.test(t.context) || /\$/.test(t.dockerfile)) continue;
        const context = normalize(join(dir, t.context));
        const dockerfile = normalize(t.dockerfile.startsWith('/') ? t.dockerfile : join(context, t.dockerfile));
        if (!isFile(fs, dockerfile)) continue;
        const b: KnownBuild = { dockerfile, context, how: 'script', evidence: file, target: t.target, ...(t.tags.length ? { tag: t.tags[0], tags: [...t.tags] } : {}), ...(Object.keys(t.args).length ? { buildArgs: t.args } : {}) };
        byName.set(t.name, b);
        out.push(b);
      }
      for (const t of targets) {
        for (const [ctxName, value] of Object.entries(t.contexts)) {
          const from = value?.startsWith('target:') ? byName.get(value.slice('target:'.length)) : undefined;
          if (from && /^[a-z0-9][a-z0-9._-]*$/.test(ctxName)) (from.tags ??= []).push(ctxName);
        }
      }
    }
  }
  return out;
}

/**
 * Skaffold's `build.artifacts` (top level and in profiles): `image`, `context` (default `.`, relative to
 * skaffold.yaml) and `docker.dockerfile` (default `Dockerfile`, relative to the context), `docker.target`.
 */
function fromSkaffold(fs: FileSystem, file: string, text: string): KnownBuild[] {
  const out: KnownBuild[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return out;
  }
  if (!Array.isArray(docs)) return out;
  const artifacts = (build: unknown): unknown[] => (build && typeof build === 'object' && Array.isArray((build as { artifacts?: unknown }).artifacts) ? (build as { artifacts: unknown[] }).artifacts : []);
  for (const doc of docs) {
    const js = doc.errors.length ? undefined : (doc.toJSON() as { build?: unknown; profiles?: { build?: unknown }[] } | null);
    if (!js || typeof js !== 'object') continue;
    const all = [...artifacts(js.build), ...(Array.isArray(js.profiles) ? js.profiles.flatMap((p) => artifacts(p?.build)) : [])];
    for (const x of all as { image?: unknown; context?: unknown; docker?: { dockerfile?: unknown; target?: unknown } }[]) {
      if (typeof x?.image !== 'string') continue;
      const context = normalize(join(dirname(file), typeof x.context === 'string' ? x.context : '.'));
      const df = typeof x.docker?.dockerfile === 'string' ? x.docker.dockerfile : 'Dockerfile';
      const dockerfile = normalize(df.startsWith('/') ? df : join(context, df));
      if (!isFile(fs, dockerfile) || out.some((b) => b.dockerfile === dockerfile && b.tag === x.image)) continue;
      out.push({ dockerfile, context, how: 'script', evidence: file, target: typeof x.docker?.target === 'string' ? x.docker.target : undefined, tag: x.image, tags: [x.image] });
    }
  }
  return out;
}

/**
 * `docker build -f X CTX` in a workflow or script. Relative paths depend on where it runs:
 * the repository root for workflows, the script's folder or the root for scripts; the first
 * base under which the Dockerfile exists wins.
 */
function fromCommands(fs: FileSystem, root: string, file: string, text: string, script: boolean): KnownBuild[] {
  const out: KnownBuild[] = [];
  const bases = [root, dirname(file), dirname(dirname(file))].filter((b, i, all) => all.indexOf(b) === i && relativeInside(root, b) !== undefined);
  // A shell script's or Makefile's own variables are expanded in its build lines (tags, -f, --build-arg values).
  const vars = script ? scriptVariables(text, splitShellWords, /(^|\/)(GNU)?makefile$/i.test(file) || /\.mk$/.test(file)) : undefined;
  for (const b of findDockerBuilds(text, vars)) {
    if (/\$|^-$|:\/\//.test(b.context) || (b.dockerfile && /\$/.test(b.dockerfile))) continue;
    for (const base of bases) {
      const context = normalize(join(base, b.context));
      const dockerfile = normalize(b.dockerfile ? (b.dockerfile.startsWith('/') ? b.dockerfile : join(base, b.dockerfile)) : join(context, 'Dockerfile'));
      if (!isFile(fs, dockerfile)) continue;
      const tags = b.tags ?? (b.tag !== undefined ? [b.tag] : []);
      out.push({ dockerfile, context, how: 'script', evidence: file, target: b.target, tag: b.tag, ...(tags.length ? { tags } : {}), ...(b.buildArgs ? { buildArgs: b.buildArgs } : {}), line: b.line });
      break;
    }
  }
  return out;
}

/**
 * An image reference as Docker and Podman resolve a local name: `docker.io/library/x`, `docker.io/x`,
 * `library/x` and Podman's `localhost/x` are `x`; no tag means `:latest`. The repository part is
 * lower-cased (Docker refuses upper case there); the tag is kept as written (it is case-sensitive).
 */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  const at = r.indexOf('@');
  const digest = at >= 0 ? r.slice(at) : '';
  if (at >= 0) r = r.slice(0, at);
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  let tag = colon > slash ? r.slice(colon) : '';
  let name = colon > slash ? r.slice(0, colon) : r;
  name = name.toLowerCase().replace(/^(?:(?:index\.)?docker\.io\/|localhost\/)/, '').replace(/^library\//, '');
  if (!tag && !digest) tag = ':latest';
  return name + tag + digest;
}

/** A build whose tag (one of them) names the image a FROM asks for. */
export interface BaseProducer {
  build: KnownBuild;
  tag: string;
}

/**
 * The builds of the repository that produce `ref`: `exact` when a tag equals it once both are normalised;
 * else `maybe`, the builds whose tag has parts the model could not resolve (`$?`, `${VAR}`, `${{ ... }}`)
 * and could be it. Empty lists when nothing builds it.
 */
export function producersOf(builds: KnownBuild[], ref: string): { exact: BaseProducer[]; maybe: BaseProducer[] } {
  const want = normalizeImageRef(ref);
  const exact: BaseProducer[] = [];
  const maybe: BaseProducer[] = [];
  for (const b of builds) {
    for (const tag of b.tags ?? []) {
      if (!/\$/.test(tag)) {
        if (normalizeImageRef(tag) === want) exact.push({ build: b, tag });
        continue;
      }
      // Each unresolved part may be anything but a separator of the reference's parts; a tag with no name of its
      // own (`${{ steps.meta.outputs.tags }}`) says nothing about which image it is.
      if (!/[A-Za-z0-9]{2,}/.test(tag.replace(/\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\?|\$[A-Za-z_]\w*|\$\([^)]*\)/g, '').replace(/:latest$/, ''))) continue;
      const parts = normalizeImageRef(tag.replace(/\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\?|\$[A-Za-z_]\w*|\$\([^)]*\)/g, '\0')).split('\0');
      const re = new RegExp('^' + parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/:@]*') + '$');
      if (re.test(want) || re.test(want.replace(/:latest$/, ''))) maybe.push({ build: b, tag });
    }
  }
  return { exact, maybe };
}
