// A folder's compose files -> the projects `docker compose` would run: the default file and its override merged by Compose's rules, `extends`, `include`, and fragments merged on their base.
import { basename, dirname, join, normalize } from '../fs';
import { resetComposeKey } from './compose';
import type { ContainerSpec, EnvVar, Located, MountSpec, ParsedManifests, PortSpec, Workload } from './types';

/** `docker compose` without `-f` takes the first of these in the folder... (compose-go `DefaultFileNames`) */
export const COMPOSE_DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** ...and, when there is one, the first of these beside it (`DefaultOverrideFileNames`). */
export const COMPOSE_OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** Bounds `extends` / `include` chains (cycles are an error in Compose; here they end the chain). */
const MAX_DEPTH = 8;

type How = 'override' | 'extends' | 'include';

/**
 * Merges `over` onto `base` the way Compose merges two definitions of one service: single values are
 * replaced; `command`, `entrypoint` and `healthcheck.test` replaced whole; `environment` and `build.args`
 * merged by name; `ports` appended (a repeated container port once); `volumes` merged by target; `env_file`
 * appended. Keys `over` tags `!override` replace instead of merging. The result keeps the identity (file,
 * range, name) of `base` for an override and of `over` for `extends` (the extending service is what runs);
 * every value written in the other file carries that `file`.
 */
export function mergeComposeService(base: Workload, over: Workload, how: How): Workload {
  const ownFile = how === 'extends' ? over.file : base.file;
  const b = base.containers[0];
  const o = over.containers[0];
  const id = how === 'extends' ? over : base;
  const tagB = <T extends { file?: string }>(x: T): T => tag(x, base.file, ownFile);
  const tagO = <T extends { file?: string }>(x: T): T => tag(x, over.file, ownFile);
  const replaced = new Set(over.compose?.override ?? []);
  const c: ContainerSpec = {
    ...(id === over ? o : b),
    env: mergeBy(b.env.map(tagB), o.env.map(tagO), (e: EnvVar) => e.name, replaced.has('environment')),
    ports: mergeBy(b.ports.map((p) => ({ ...p, containerPort: tagB(p.containerPort) })), o.ports.map((p) => ({ ...p, containerPort: tagO(p.containerPort) })), (p: PortSpec) => String(p.containerPort.value), replaced.has('ports')),
    probes: [],
  };
  const single = ['image', 'command', 'args', 'workingDir', 'user'] as const;
  for (const k of single) {
    const v = o[k] ? tagO(o[k]!) : b[k] ? tagB(b[k]!) : undefined;
    if (v) (c as unknown as Record<string, unknown>)[k] = v;
    else delete c[k];
  }
  const mounts = mergeBy((b.mounts ?? []).map(tagB), (o.mounts ?? []).map(tagO), (m: MountSpec) => normalize(m.target), replaced.has('volumes'));
  if (mounts.length) c.mounts = mounts;
  else delete c.mounts;
  const envFiles = mergeBy((b.envFiles ?? []).map(tagB), (o.envFiles ?? []).map(tagO), (f: Located<string>) => f.value, replaced.has('env_file'));
  if (envFiles.length) c.envFiles = envFiles;
  else delete c.envFiles;
  if (o.healthcheck && b.healthcheck && !replaced.has('healthcheck')) {
    const h = tagO({ ...b.healthcheck, ...definedOf(o.healthcheck) });
    for (const k of ['interval', 'timeout', 'retries', 'startPeriod', 'startInterval', 'test'] as const) {
      const v = o.healthcheck[k] ? tagO(o.healthcheck[k]!) : b.healthcheck[k] ? tagB(b.healthcheck[k]!) : undefined;
      if (v) (h as unknown as Record<string, unknown>)[k] = v;
    }
    h.disabled = o.healthcheck.disabled || (b.healthcheck.disabled && !o.healthcheck.test);
    c.healthcheck = h;
  } else if (o.healthcheck || b.healthcheck) c.healthcheck = o.healthcheck ? tagO(o.healthcheck) : tagB(b.healthcheck!);
  else delete c.healthcheck;
  if (o.resources || b.resources) {
    c.resources = {
      memoryLimits: mergeBy((b.resources?.memoryLimits ?? []).map(tagB), (o.resources?.memoryLimits ?? []).map(tagO), (s) => s.key, false),
      memoryRequests: mergeBy((b.resources?.memoryRequests ?? []).map(tagB), (o.resources?.memoryRequests ?? []).map(tagO), (s) => s.key, false),
    };
  } else delete c.resources;

  const w: Workload = { ...id, containers: [c] };
  const build = over.build || base.build;
  if (over.build && base.build && !replaced.has('build')) {
    w.build = { ...base.build, context: tagB(base.build.context) };
    if (base.build.dockerfile) w.build.dockerfile = tagB(base.build.dockerfile);
    // `build: ./dir` is the context alone: the base's other build keys stay.
    if (!isDefaultContext(over.build.context)) w.build.context = tagO(over.build.context);
    if (over.build.dockerfile) w.build.dockerfile = tagO(over.build.dockerfile);
    if (over.build.target !== undefined) w.build.target = over.build.target;
    if (base.build.args || over.build.args) w.build.args = { ...base.build.args, ...over.build.args };
  } else if (build) {
    w.build = { ...build, context: build === over.build ? tagO(build.context) : tagB(build.context) };
    if (build.dockerfile) w.build.dockerfile = build === over.build ? tagO(build.dockerfile) : tagB(build.dockerfile);
  } else delete w.build;
  const info = id.compose ?? { complete: false };
  w.compose = {
    ...info,
    complete: !!(c.image || w.build),
    layers: [...(base.compose?.layers ?? []), ...(over.compose?.layers ?? []), how === 'extends' ? { file: base.file, range: base.range, how } : { file: over.file, range: over.range, how }],
  };
  // `extends` is resolved once; the merged service no longer extends anything.
  if (how === 'extends') delete w.compose.extends;
  // `KEY: !reset` in the override removes what the definitions before it set.
  if (how !== 'extends') for (const key of over.compose?.reset ?? []) resetComposeKey(w, c, key);
  return w;
}

/** The compose default `build:` context when only `dockerfile:` is given is `.`, recorded at the `build:` key. */
function isDefaultContext(ctx: Located<string>): boolean {
  return ctx.value === '.' && ctx.keyRange !== undefined && ctx.keyRange.start.line === ctx.range.start.line && ctx.keyRange.start.character === ctx.range.start.character;
}

function definedOf<T extends object>(x: T): Partial<T> {
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A copy that records `file` when it is not the merged service's own file (keeps an existing, deeper `file`). */
function tag<T extends { file?: string }>(x: T, file: string, ownFile: string): T {
  const where = x.file ?? file;
  if (where === ownFile) {
    if (x.file === undefined) return x;
    const copy = { ...x };
    delete copy.file;
    return copy;
  }
  return { ...x, file: where };
}

/** Base entries whose key `over` does not set, then `over`'s (a key repeated in `over` once, last wins); `replace`: `over`'s alone when it has any. */
function mergeBy<T>(base: T[], over: T[], key: (x: T) => string, replace: boolean): T[] {
  const out = new Map<string, T>();
  for (const x of replace && over.length ? [] : base) out.set(key(x), x);
  for (const x of over) {
    out.delete(key(x));
    out.set(key(x), x);
  }
  return [...out.values()];
}

/**
 * A COMPOSE_FILE value as absolute paths: separated by COMPOSE_PATH_SEPARATOR's default (`:`; `;` as on
 * Windows when the value has one), relative to the folder; values with variables are not read.
 */
function composeFileList(dir: string, value: string | undefined): string[] {
  if (!value || value.includes('$')) return [];
  const parts = value.split(value.includes(';') ? ';' : ':').map((p) => p.trim()).filter((p) => p);
  return [...new Set(parts.map((p) => normalize(p.startsWith('/') ? p : join(dir, p))))];
}

/** The result of assembling the compose files of a repository. */
export interface ComposeProjects {
  /** One workload per service per project, merged (the first file that defines a service is its `file`). */
  workloads: Workload[];
  /** The projects, each as its files in merge order (for --explain and tests). */
  projects: { files: string[]; note?: string }[];
}

/**
 * The compose projects among `files` (the YAML files that hold compose services), as `docker compose`
 * would assemble them: in each folder the first default file with the first override file; `X.override.yml`
 * merged on `X.yml`; another file whose services lack `image`/`build` but are defined in the default file
 * merged on that file (`-f base -f fragment`); any other file on its own. Files a project `include`s join it.
 * `extends` is resolved within each file first (another file's service included).
 */
export function composeProjects(files: string[], read: (file: string) => ParsedManifests | undefined, composeFileOf: (dir: string) => string | undefined = () => undefined, flagged: { files: string[]; at: string }[] = []): ComposeProjects {
  const services = new Map<string, Workload[]>();
  const includes = new Map<string, string[]>();
  for (const f of files) {
    const m = read(f);
    const ws = (m?.workloads ?? []).filter((w) => w.platform === 'compose');
    if (ws.length) services.set(f, ws);
    const inc = (m?.includes ?? []).map((i) => normalize(i.value.startsWith('/') ? i.value : join(dirname(f), i.value)));
    if (inc.length) includes.set(f, inc);
  }
  const composeFiles = [...new Set([...services.keys(), ...includes.keys()])].sort();
  const included = new Set([...includes.values()].flat().filter((f) => services.has(f)));
  // A file other services `extends` from is a library of definitions, not a project (unless it has a default name).
  const extended = new Set([...services.values()].flat().map((w) => w.compose?.extends?.file === undefined ? undefined : normalize(join(dirname(w.file), w.compose.extends.file))).filter((f): f is string => f !== undefined));

  const resolved = new Map<string, Workload[]>();
  /** A file's services with `extends` resolved (memoised; `stack` breaks cycles). */
  const fileServices = (f: string, stack: string[] = []): Workload[] => {
    const hit = resolved.get(f);
    if (hit) return hit;
    const own = services.get(f) ?? [];
    const out = own.map((w) => resolveExtends(w, own, stack));
    if (!stack.length) resolved.set(f, out);
    return out;
  };
  const resolveExtends = (w: Workload, siblings: Workload[], stack: string[]): Workload => {
    const ext = w.compose?.extends;
    if (!ext || stack.length >= MAX_DEPTH) return w;
    const key = `${w.file}#${w.name}`;
    if (stack.includes(key)) return w;
    const from = ext.file !== undefined ? normalize(ext.file.startsWith('/') ? ext.file : join(dirname(w.file), ext.file)) : w.file;
    const pool = from === w.file ? siblings : services.get(from) ?? [];
    const src = pool.find((s) => s.name === ext.service);
    if (!src) return w;
    const parent = resolveExtends(src, pool, [...stack, key]);
    return mergeComposeService(parent, w, 'extends');
  };

  const projects: { files: string[]; note?: string }[] = [];
  // `docker compose -f A -f B` in a workflow or script: the later files are overrides of the first, not projects of their own.
  const overlaid = new Set<string>();
  for (const p of flagged) {
    if (!p.files.every((f) => services.has(f) || includes.has(f))) continue;
    projects.push({ files: p.files, note: `${p.at.split('/').slice(-2).join('/')} runs \`docker compose ${p.files.map((f) => `-f ${f.split('/').slice(-2).join('/')}`).join(' ')}\`: merged in that order` });
    for (const f of p.files.slice(1)) overlaid.add(f);
  }
  const byFolder = new Map<string, string[]>();
  for (const f of composeFiles) byFolder.set(dirname(f), [...(byFolder.get(dirname(f)) ?? []), f]);
  for (const [dir, inDir] of byFolder) {
    const has = (name: string) => inDir.find((f) => basename(f) === name);
    // COMPOSE_FILE (here from the folder's .env, which Compose reads for its own variables) replaces the default discovery.
    const listed = composeFileList(dir, composeFileOf(dir)).filter((f) => services.has(f));
    const base = listed.length ? listed[0] : COMPOSE_DEFAULT_NAMES.map(has).find((x) => x && !included.has(x));
    const override = base && !listed.length ? COMPOSE_OVERRIDE_NAMES.map(has).find((x) => x) : undefined;
    const taken = new Set<string>();
    if (listed.length) {
      projects.push({ files: listed, note: `COMPOSE_FILE in ${basename(dir) || '.'}/.env lists ${listed.map(basename).join(', ')}: \`docker compose\` there merges them in that order` });
      for (const f of listed) taken.add(f);
    } else if (base) {
      projects.push({ files: override ? [base, override] : [base] });
      taken.add(base);
      if (override) taken.add(override);
    }
    const baseNames = new Set((base ? fileServices(base) : []).map((w) => w.name));
    for (const f of inDir) {
      if (taken.has(f) || included.has(f) || extended.has(f) || overlaid.has(f)) continue;
      const name = basename(f);
      const m = /^(.*)\.override\.(ya?ml)$/i.exec(name);
      const named = m ? [`${m[1]}.yaml`, `${m[1]}.yml`].map((n) => join(dir, n)).find((x) => services.has(x) && !taken.has(x)) : undefined;
      if (named) {
        projects.push({ files: [named, f], note: `${name} is named as an override of ${basename(named)}: merged on it, as \`docker compose -f ${basename(named)} -f ${name}\`` });
        taken.add(named).add(f);
        continue;
      }
      const fragment = base && (services.get(f) ?? []).some((w) => !w.compose?.complete && !w.compose?.extends && baseNames.has(w.name));
      if (fragment) {
        projects.push({ files: [base, f], note: `${name} defines services without image or build that ${basename(base)} defines: merged on it, as \`docker compose -f ${basename(base)} -f ${name}\`` });
        taken.add(f);
        continue;
      }
      projects.push({ files: [f] });
      taken.add(f);
    }
  }
  const workloads: Workload[] = [];
  for (const p of projects) {
    const merged = new Map<string, Workload>();
    const add = (w: Workload, how: How) => {
      const prev = merged.get(w.name!);
      merged.set(w.name!, prev ? mergeComposeService(prev, w, how) : w);
    };
    const withIncludes = (f: string, depth: number): void => {
      if (depth > MAX_DEPTH) return;
      for (const inc of includes.get(f) ?? []) {
        withIncludes(inc, depth + 1);
        for (const w of fileServices(inc)) add(w, 'include');
      }
    };
    p.files.forEach((f) => {
      withIncludes(f, 0);
      for (const w of fileServices(f)) add(w, 'override');
    });
    for (const w of merged.values()) {
      if (p.note) w.compose = { ...(w.compose ?? { complete: false }), note: p.note };
      workloads.push(w);
    }
  }
  return { workloads, projects };
}
