// docker-compose files -> one workload per service: build, image, command/entrypoint, environment, ports, healthcheck.
import { YAMLMap, isMap, isScalar, isSeq } from 'yaml';
import { basename } from '../fs';
import { parseDuration } from './duration';
import type { YamlSource } from './nodes';
import { readMemorySetting } from './memory';
import type { BuildSpec, CommandSpec, ComposeServiceInfo, ContainerSpec, EnvVar, HealthcheckSpec, Located, MountSpec, PortSpec, ResourcesSpec, Workload } from './types';

/** Keys that make a `services:` entry recognisably a compose service when the file name does not say so. */
const SERVICE_KEYS = ['image', 'build'];

/** At most this many ports are listed for one `8000-8999` range. */
const MAX_RANGE_PORTS = 1024;

/** compose.yaml, docker-compose.yml, docker-compose.prod.yaml, compose.override.yml, ... */
export function isComposeFileName(path: string): boolean {
  return /^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/i.test(basename(path));
}

/**
 * A compose file has a top-level `services:` map (and no `apiVersion`/`kind`). By name, that is
 * enough; otherwise some service must have `image:` or `build:`.
 */
export function isComposeDocument(src: YamlSource, root: YAMLMap, file: string): boolean {
  if (src.pair(root, 'kind') || src.pair(root, 'apiVersion')) return false;
  const services = src.map(src.get(root, 'services'));
  if (!services) return false;
  if (isComposeFileName(file)) return true;
  return src.entries(services).some((p) => SERVICE_KEYS.some((k) => src.pair(src.map(p.value), k)));
}

/** One workload per service; `kind` and `name` are the service name. */
export function composeWorkloads(src: YamlSource, root: YAMLMap, file: string): Workload[] {
  const out: Workload[] = [];
  for (const p of src.entries(src.map(src.get(root, 'services')))) {
    const name = String(p.key.value);
    const m = src.map(p.value);
    const valueRange = m ? src.nodeRange(m) : src.pairRange(p);
    const keyRange = src.nodeRange(p.key);
    const c: ContainerSpec = {
      name: { value: name, range: keyRange },
      env: composeEnv(src, m),
      ports: composePorts(src, m),
      probes: [],
      range: valueRange,
      indent: src.indentOf(m, keyRange.start.character + 2),
    };
    const image = src.str(m, 'image');
    if (image) c.image = image;
    const entrypoint = composeCommand(src, m, 'entrypoint');
    if (entrypoint) c.command = entrypoint;
    const command = composeCommand(src, m, 'command');
    if (command) c.args = command;
    const workingDir = src.str(m, 'working_dir');
    if (workingDir) c.workingDir = workingDir;
    const envFile = src.get(m, 'env_file');
    const envFiles = src.seq(envFile)
      ? src.seq(envFile)!.items.map((it) => {
        const path = src.scalarText(it) ?? src.str(src.map(it), 'path')?.value;
        return path === undefined ? undefined : src.located(path, it);
      }).filter((x): x is NonNullable<typeof x> => !!x)
      : src.scalarText(envFile) !== undefined ? [src.located(src.scalarText(envFile)!, envFile)] : [];
    if (envFiles.length) c.envFiles = envFiles;
    const user = src.str(m, 'user');
    if (user) c.user = user;
    const mounts = composeMounts(src, m);
    if (mounts.length) c.mounts = mounts;
    const healthcheck = composeHealthcheck(src, m);
    if (healthcheck) c.healthcheck = healthcheck;
    const resources = composeResources(src, m);
    if (resources) c.resources = resources;

    const w: Workload = { platform: 'compose', kind: name, name, file, containers: [c], annotations: {}, range: src.pairRange(p) };
    const build = composeBuild(src, m);
    if (build) w.build = build;
    w.compose = composeInfo(src, m, !!(image || src.pair(m, 'build')));
    for (const key of w.compose.reset ?? []) resetComposeKey(w, c, key);
    out.push(w);
  }
  return out;
}

/** `extends`, `profiles`, and the keys tagged `!reset` / `!override` (compose 2.24+). */
function composeInfo(src: YamlSource, m: YAMLMap | undefined, complete: boolean): ComposeServiceInfo {
  const info: ComposeServiceInfo = { complete };
  const ext = src.pair(m, 'extends');
  if (ext) {
    const asString = src.scalarText(ext.value);
    const em = src.map(ext.value);
    const service = asString ?? src.str(em, 'service')?.value;
    if (service !== undefined) {
      info.extends = { service, range: src.pairRange(ext) };
      const f = src.str(em, 'file')?.value;
      if (f !== undefined) info.extends.file = f;
    }
  }
  const profiles = src.strList(m, 'profiles')?.value;
  if (profiles?.length) info.profiles = profiles;
  for (const p of src.entries(m)) {
    const tag = (p.value as { tag?: string } | null)?.tag;
    if (tag === '!reset') (info.reset ??= []).push(String(p.key.value));
    if (tag === '!override') (info.override ??= []).push(String(p.key.value));
  }
  return info;
}

/** `KEY: !reset ...` removes what the key sets (its value, whatever it is, is not read). */
export function resetComposeKey(w: Workload, c: ContainerSpec, key: string): void {
  switch (key) {
    case 'image': delete c.image; break;
    case 'command': delete c.args; break;
    case 'entrypoint': delete c.command; break;
    case 'working_dir': delete c.workingDir; break;
    case 'user': delete c.user; break;
    case 'environment': c.env = []; break;
    case 'ports': case 'expose': c.ports = []; break;
    case 'volumes': delete c.mounts; break;
    case 'healthcheck': delete c.healthcheck; break;
    case 'env_file': delete c.envFiles; break;
    case 'build': delete w.build; break;
    case 'mem_limit': case 'deploy': delete c.resources; break;
  }
}

/** Top-level `include:` entries: `- path`, `- path: x` or `- path: [x, y]` (paths relative to the file). */
export function composeIncludes(src: YamlSource, root: YAMLMap): Located<string>[] {
  const out: Located<string>[] = [];
  for (const it of src.seq(src.get(root, 'include'))?.items ?? []) {
    const text = src.scalarText(it);
    if (text !== undefined) {
      out.push(src.located(text, it));
      continue;
    }
    const m = src.map(it);
    const p = src.pair(m, 'path');
    const list = src.seq(p?.value);
    for (const x of list ? list.items : p ? [p.value] : []) {
      const t = src.scalarText(x);
      if (t !== undefined) out.push(src.located(t, x));
    }
  }
  return out;
}

/** `mem_limit` / `deploy.resources.limits.memory` and `mem_reservation` / `deploy.resources.reservations.memory`. */
function composeResources(src: YamlSource, service: YAMLMap | undefined): ResourcesSpec | undefined {
  const deploy = src.map(src.get(src.map(src.get(service, 'deploy')), 'resources'));
  const limits = [
    readMemorySetting(src, service, 'mem_limit', 'mem_limit', 'compose'),
    readMemorySetting(src, src.map(src.get(deploy, 'limits')), 'memory', 'deploy.resources.limits.memory', 'compose'),
  ].filter((x) => x !== undefined);
  const requests = [
    readMemorySetting(src, service, 'mem_reservation', 'mem_reservation', 'compose'),
    readMemorySetting(src, src.map(src.get(deploy, 'reservations')), 'memory', 'deploy.resources.reservations.memory', 'compose'),
  ].filter((x) => x !== undefined);
  return limits.length || requests.length ? { memoryLimits: limits, memoryRequests: requests } : undefined;
}

function composeBuild(src: YamlSource, service: YAMLMap | undefined): BuildSpec | undefined {
  const p = src.pair(service, 'build');
  if (!p) return undefined;
  const asString = src.str(service, 'build');
  if (asString) return { context: asString };
  const m = src.map(p.value);
  if (!m) return undefined;
  // Compose's default context is the compose file's folder.
  const build: BuildSpec = { context: src.str(m, 'context') ?? { value: '.', range: src.nodeRange(p.key), keyRange: src.nodeRange(p.key) } };
  const dockerfile = src.str(m, 'dockerfile');
  if (dockerfile) build.dockerfile = dockerfile;
  const target = src.str(m, 'target')?.value;
  if (target !== undefined) build.target = target;
  const args = src.get(m, 'args');
  const js = args && typeof (args as { toJSON?: unknown }).toJSON === 'function' ? (args as { toJSON(): unknown }).toJSON() : undefined;
  if (js && typeof js === 'object') {
    build.args = {};
    if (Array.isArray(js)) {
      for (const a of js) {
        const eq = String(a).indexOf('=');
        if (eq > 0) build.args[String(a).slice(0, eq)] = composeLiteral(String(a).slice(eq + 1));
      }
    } else {
      for (const [k, v] of Object.entries(js as Record<string, unknown>)) if (v !== null && v !== undefined) build.args[k] = composeLiteral(String(v));
    }
  }
  return build;
}

/**
 * A build arg's value as Compose passes it: `$$` is a literal `$`; a value with `${NAME}` or `$NAME` is interpolated
 * from the shell or the project's .env when Compose runs, so it is passed but unknown here (undefined).
 */
function composeLiteral(v: string): string | undefined {
  return /\$(?!\$)/.test(v.replace(/\$\$/g, '')) ? undefined : v.replace(/\$\$/g, '$');
}

function composeCommand(src: YamlSource, service: YAMLMap | undefined, key: string): CommandSpec | undefined {
  const p = src.pair(service, key);
  if (!p) return undefined;
  const list = src.commandList(service, key);
  if (list) return list;
  const s = src.str(service, key);
  if (!s) return undefined; // null: the image's own
  return s.value.trim() === '' ? { ...s, value: [] } : { ...s, value: [s.value], shell: true, items: src.wordRanges(p.value) };
}

/**
 * A service's `volumes:`. Short syntax `SOURCE:TARGET[:MODE]`: a SOURCE that is a path (`./x`, `/abs`, `~/x`,
 * `${VAR}`) is a bind mount, a name a named volume; a lone `TARGET` is an anonymous volume. Long syntax:
 * `type: bind|volume|tmpfs` with `source` and `target`.
 */
function composeMounts(src: YamlSource, service: YAMLMap | undefined): MountSpec[] {
  const out: MountSpec[] = [];
  for (const it of src.seq(src.get(service, 'volumes'))?.items ?? []) {
    const range = src.nodeRange(it);
    const text = src.scalarText(it);
    if (text !== undefined) {
      // Fields are separated by colons; a Windows drive (`C:\src`) belongs to the source.
      const drive = /^[A-Za-z]:[\\/]/.test(text) ? text.slice(0, 2) : '';
      const parts = text.slice(drive.length).split(':');
      parts[0] = drive + parts[0];
      const [source, target] = parts.length === 1 ? [undefined, parts[0]] : parts;
      if (!target?.startsWith('/')) continue;
      if (source === undefined) out.push({ kind: 'volume', target, range });
      else out.push({ kind: drive || /^[./~$]/.test(source) ? 'bind' : 'volume', source, target, range });
      continue;
    }
    const m = src.map(it);
    const target = src.str(m, 'target')?.value;
    if (!m || !target) continue;
    const type = src.str(m, 'type')?.value;
    const kind: MountSpec['kind'] = type === 'bind' ? 'bind' : type === 'tmpfs' ? 'tmpfs' : type === 'volume' || type === undefined ? 'volume' : 'other';
    const mount: MountSpec = { kind, target, range };
    const source = src.str(m, 'source')?.value;
    if (source !== undefined) mount.source = source;
    out.push(mount);
  }
  return out;
}

function composeEnv(src: YamlSource, service: YAMLMap | undefined): EnvVar[] {
  const p = src.pair(service, 'environment');
  const node = p ? src.deref(p.value) : undefined;
  const out: EnvVar[] = [];
  if (isMap(node)) {
    for (const e of src.entries(node)) {
      const env: EnvVar = { name: String(e.key.value), nameRange: src.nodeRange(e.key), itemRange: src.pairRange(e) };
      const v = src.scalarText(e.value);
      if (v !== undefined) env.value = src.located(v, e.value, e.key);
      out.push(env);
    }
  } else if (isSeq(node)) {
    for (const it of node.items) {
      const text = src.scalarText(it);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      const name = eq < 0 ? text : text.slice(0, eq);
      const env: EnvVar = { name, nameRange: src.subRange(it, 0, name.length), itemRange: src.nodeRange(it) };
      if (eq >= 0) env.value = { value: text.slice(eq + 1), range: src.subRange(it, eq + 1, text.length) };
      out.push(env);
    }
  }
  return out;
}

function composePorts(src: YamlSource, service: YAMLMap | undefined): PortSpec[] {
  const out: PortSpec[] = [];
  for (const key of ['ports', 'expose']) {
    for (const it of src.seq(src.get(service, key))?.items ?? []) {
      const node = src.deref(it);
      if (isScalar(node)) {
        const text = src.scalarText(node);
        if (text !== undefined) out.push(...shortPort(src, node, text));
      } else if (isMap(node)) {
        const target = src.pair(node, 'target');
        const t = target ? src.scalarText(target.value) : undefined;
        if (!target || t === undefined || !/^\d+$/.test(t)) continue;
        const port: PortSpec = { containerPort: src.located(Number(t), target.value, target.key) };
        const name = src.str(node, 'name')?.value;
        if (name !== undefined) port.name = name;
        out.push(port);
      }
    }
  }
  return out;
}

/** `80`, `8080:80`, `127.0.0.1:8080:80/tcp`, `[::1]:8080:80`, `8000-8010:8000-8010`: the part after the last `:`. */
function shortPort(src: YamlSource, node: unknown, text: string): PortSpec[] {
  const slash = text.indexOf('/');
  const spec = slash < 0 ? text : text.slice(0, slash);
  const from = spec.lastIndexOf(':') + 1;
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec.slice(from));
  if (!m) return [];
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Math.min(Number(m[2]), lo + MAX_RANGE_PORTS - 1);
  const range = src.subRange(node, from, spec.length);
  const out: PortSpec[] = [];
  for (let port = lo; port <= hi; port++) out.push({ containerPort: { value: port, range } });
  return out;
}

function composeHealthcheck(src: YamlSource, service: YAMLMap | undefined): HealthcheckSpec | undefined {
  const p = src.pair(service, 'healthcheck');
  if (!p) return undefined;
  const m = src.map(p.value);
  const keyRange = src.nodeRange(p.key);
  const h: HealthcheckSpec = {
    disabled: false,
    range: m ? src.nodeRange(m) : src.pairRange(p),
    keyRange,
    indent: src.indentOf(m, keyRange.start.character + 2),
  };
  const durations = [
    ['interval', 'interval'],
    ['timeout', 'timeout'],
    ['start_period', 'startPeriod'],
    ['start_interval', 'startInterval'],
  ] as const;
  for (const [key, field] of durations) {
    const d = duration(src, m, key);
    if (d) h[field] = d;
  }
  const retries = src.num(m, 'retries');
  if (retries) h.retries = retries;
  const test = src.strList(m, 'test') ?? shellTest(src.str(m, 'test'));
  if (test) h.test = test;
  const disable = src.get(m, 'disable');
  if ((isScalar(disable) && disable.value === true) || test?.value[0] === 'NONE') h.disabled = true;
  return h;
}

function shellTest(s: Located<string> | undefined): Located<string[]> | undefined {
  return s && { ...s, value: ['CMD-SHELL', s.value] };
}

function duration(src: YamlSource, m: YAMLMap | undefined, key: string): Located<number> | undefined {
  const s = src.str(m, key);
  const seconds = s ? parseDuration(s.value) : undefined;
  return s && seconds !== undefined ? { ...s, value: seconds } : undefined;
}
