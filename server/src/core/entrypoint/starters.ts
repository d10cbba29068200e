// Process starters that run several programs in one container (s6-overlay's /init, supervisord): the processes they start, read from the image's files.
import { goMatch } from '../text/glob';
import { dirname, join, normalize } from '../fs';
import { iniSection, iniSectionNames } from './ini';
import { ShellEnv, shlexWords } from './shell';

/** What the starters need to know about the image. */
export interface StarterReader {
  text(path: string): string | undefined;
  stat(path: string): 'file' | 'dir' | undefined;
  readDir(path: string): string[] | undefined;
  /** Files may exist there that the model does not know (an unknown base image, an unmodelled RUN). */
  isUncertain(path: string): boolean;
}

/** One word of a command written in a starter's file, with its offsets in that file's text. */
export interface StarterWord {
  text: string;
  start: number;
  end: number;
  /** The word was changed by `%(name)s` expansion: its offsets hold the text before expansion. */
  expanded?: boolean;
}

/** A process a starter runs: a service's `run` script, or a command written in a config file. */
export interface StartedProcess {
  starter: 's6-overlay' | 'supervisord' | 'unit' | 'honcho';
  name: string;
  /** For --explain: `s6-rc longrun svc-web`, `supervisord [program:web]`. */
  describe: string;
  /** Image path of the file that says what runs (the run script, the config holding `command=`). */
  file: string;
  /** 0-based line of the command in `file`. */
  line: number;
  /** s6: the run script, executed with the service directory as working folder. */
  script?: string;
  /** supervisord: the command's words (no shell: `$X` reaches the program as written). */
  words?: StarterWord[];
  /** honcho: the command text, which runs with `sh -c`. */
  shell?: StarterWord;
  env: ShellEnv;
  cwd: string;
  /** NGINX Unit: the Python application it loads in-process (a WSGI/ASGI server with its target in the config JSON). */
  app?: UnitApp;
  /** Why what this process runs is not known. */
  uncertain?: string;
}

/** A Python application of an NGINX Unit config, with the offsets in the config's text of what a finding points at. */
export interface UnitApp {
  module: string;
  callable: string;
  factory: boolean;
  /** `path`: prepended to sys.path. */
  path: string[];
  /** `home`: its virtual environment. */
  home?: string;
  /** The listener addresses that pass requests to it (`*:8080`, `0.0.0.0:8080`, `[::]:8080`). */
  listen: string[];
  /** Offsets of the module's string (inside its quotes) and of the first listener's address. */
  moduleAt?: { start: number; end: number };
  listenAt?: { start: number; end: number };
}

export interface Starter {
  starter: StartedProcess['starter'];
  processes: StartedProcess[];
  /** Why processes may be missing from the list, or were left out (oneshots, autostart=false). */
  notes: string[];
  /** s6-overlay `/init CMD...`: the CMD runs as a process too, from this index of the argv. */
  mainFrom?: number;
}

/**
 * The processes `argv` starts when its program is a process starter (`/init` of s6-overlay, `supervisord`);
 * undefined for any other program. `env` is the starter's environment, `cwd` its working folder.
 */
export function processStarter(argv: string[], env: ShellEnv, cwd: string, image: StarterReader, opts: { scripts?: string[] } = {}): Starter | undefined {
  const prog = argv[0];
  if (prog === '/init' || prog === '/package/admin/s6-overlay/command/init') return s6Overlay(argv, env, image);
  const name = prog?.split('/').pop();
  if (name === 'supervisord') return supervisord(argv, env, cwd, image);
  if (name === 'unitd' || name === 'unitd-debug') return unitd(env, cwd, image, opts.scripts ?? []);
  if (name === 'honcho' && argv[1] === 'start') return honcho(argv, env, cwd, image);
  return undefined;
}

// ---- s6-overlay ----

const S6_RC = '/etc/s6-overlay/s6-rc.d';
const S6_BUNDLES = '/etc/s6-overlay/user-bundles.d';
const S6_LEGACY = '/etc/services.d';
const S6_CONT_INIT = '/etc/cont-init.d';

/** The value an unindented `printf VALUE > PATH` / `echo [-n] VALUE > PATH` line writes, when VALUE is a literal; `at` is in PATH. */
function literalWrite(text: string, at: number): string | undefined {
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  const line = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
  const m = /^(?:printf|echo(?: -n)?) +(?:"([^"$`\\%]*)"|'([^'%\\]*)'|([^\s"'$`\\%;|&<>]+)) *> *\S*container_environment\/[A-Za-z_]\w* *$/.exec(line);
  return m ? m[1] ?? m[2] ?? m[3] : undefined;
}

function s6Overlay(argv: string[], env: ShellEnv, image: StarterReader): Starter {
  const out: Starter = { starter: 's6-overlay', processes: [], notes: [] };
  if (argv.length > 1) out.mainFrom = 1;
  // Oneshots and cont-init scripts may write variables into the container environment that with-contenv hands on:
  // such a name is unknown, unless its only write is an unindented `printf "literal" > .../container_environment/NAME`.
  const written = new Map<string, string | undefined>();
  const scan = (p: string) => {
    const text = image.text(p) ?? '';
    for (const m of text.matchAll(/container_environment\/([A-Za-z_]\w*)/g)) written.set(m[1], written.has(m[1]) ? undefined : literalWrite(text, m.index!));
  };
  for (const n of image.readDir(S6_CONT_INIT) ?? []) scan(join(S6_CONT_INIT, n));
  for (const n of image.readDir(S6_RC) ?? []) for (const f of ['run', 'up']) scan(join(S6_RC, n, f));
  const serviceEnv = (run: string): { env: ShellEnv; note?: string } => {
    const text = image.text(run) ?? '';
    const contenv = /^#!\s*\S*with-contenv\b/.test(text) || /^#!\s*\S*execlineb\b[^\n]*\n(?:\s*#[^\n]*\n|\s*\n)*\s*(?:\S*\/)?with-contenv\b/.test(text);
    const e: ShellEnv = { ...env };
    if (!contenv && env.S6_KEEP_ENV !== '1') {
      // S6_KEEP_ENV unset: the supervision tree runs with a reset environment; only with-contenv restores the container's.
      for (const k of Object.keys(e)) if (k !== 'PATH') e[k] = undefined;
      return { env: e, note: 'it does not use with-contenv, so the image ENV may not reach it (values taken as unknown)' };
    }
    for (const [k, v] of written) e[k] = v;
    return { env: e };
  };
  const add = (name: string, dir: string, describe: string) => {
    const run = join(dir, 'run');
    const live = `/run/service/${name}`;
    if (image.stat(run) !== 'file') {
      out.processes.push({ starter: 's6-overlay', name, describe, file: run, line: 0, env, cwd: live, uncertain: `${run} is not visible in the image` });
      return;
    }
    const { env: e, note } = serviceEnv(run);
    const p: StartedProcess = { starter: 's6-overlay', name, describe, file: run, line: 0, script: run, env: e, cwd: live };
    if (note) out.notes.push(`${describe}: ${note}`);
    const text = image.text(run) ?? '';
    if (/^#!\s*\S*execlineb\b/.test(text)) {
      // An execline script: read its chain of programs here (the shell follower does not speak execline).
      delete p.script;
      const x = execlineCommand(text, e);
      if (x.cwd) p.cwd = normalize(x.cwd.startsWith('/') ? x.cwd : join(live, x.cwd));
      p.env = x.env;
      if (x.uncertain) p.uncertain = x.uncertain;
      else {
        p.words = x.words;
        p.line = text.slice(0, x.words[0]?.start ?? 0).split('\n').length - 1;
      }
    }
    out.processes.push(p);
  };
  // s6-rc (v3): the services of the user bundles, with their dependencies; longruns are processes, oneshots run once at boot.
  const wanted: string[] = [];
  for (const b of ['user', 'user2']) {
    for (const root of [S6_BUNDLES, S6_RC]) wanted.push(...(image.readDir(join(root, b, 'contents.d')) ?? []).filter((n) => !n.startsWith('.')));
  }
  const seen = new Set<string>(['user', 'user2', 'base']);
  const oneshots: string[] = [];
  for (let i = 0; i < wanted.length; i++) {
    const name = wanted[i];
    if (seen.has(name)) continue;
    seen.add(name);
    const dir = join(S6_RC, name);
    const type = image.text(join(dir, 'type'))?.trim();
    const more = (sub: string) => wanted.push(...(image.readDir(join(dir, sub)) ?? []).filter((n) => !n.startsWith('.')));
    more('dependencies.d');
    if (type === 'bundle') more('contents.d');
    else if (type === 'longrun') add(name, dir, `s6-rc longrun ${name}`);
    else if (type === 'oneshot') oneshots.push(name);
    else if (type === undefined && image.isUncertain(dir)) out.notes.push(`the s6-rc service ${name} is not visible in the image (${dir}): what it runs is not known`);
  }
  if (oneshots.length) out.notes.push(`s6-rc oneshots run once at boot and are not followed: ${oneshots.join(', ')}`);
  // Legacy (v2-style) service directories.
  for (const name of image.readDir(S6_LEGACY) ?? []) {
    if (!name.startsWith('.') && image.stat(join(S6_LEGACY, name)) === 'dir') add(name, join(S6_LEGACY, name), `s6 service ${name} (${S6_LEGACY})`);
  }
  if (!out.processes.length && out.mainFrom === undefined) {
    const unseen = [S6_RC, S6_LEGACY].some((p) => image.isUncertain(p));
    out.notes.push(unseen ? 's6-overlay services may come from files the model cannot see (the base image or an unmodelled RUN)' : 's6-overlay runs no longrun service the model can see');
  }
  return out;
}

// ---- supervisord ----

/** supervisord's own config search when no `-c` is given (after the paths relative to its executable). */
const SUPERVISORD_CONFIGS = ['supervisord.conf', 'etc/supervisord.conf', '/etc/supervisord.conf', '/etc/supervisor/supervisord.conf'];
const SUPERVISORD_VALUES = new Set(['-c', '--configuration', '-u', '--user', '-d', '--directory', '-l', '--logfile', '-y', '--logfile_maxbytes', '-z', '--logfile_backups', '-e', '--loglevel', '-j', '--pidfile', '-q', '--childlogdir', '-i', '--identifier', '-a', '--minfds', '--minprocs']);

interface ConfFile {
  path: string;
  text: string;
}

function supervisord(argv: string[], env: ShellEnv, cwd: string, image: StarterReader): Starter {
  const out: Starter = { starter: 'supervisord', processes: [], notes: [] };
  let given: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i];
    const eq = v.indexOf('=');
    const name = v.startsWith('--') && eq > 0 ? v.slice(0, eq) : v;
    if (name === '-c' || name === '--configuration') given = eq > 0 && v.startsWith('--') ? v.slice(eq + 1) : argv[++i];
    else if (/^-c./.test(v)) given = v.slice(2);
    else if (SUPERVISORD_VALUES.has(name) && eq < 0) i++;
  }
  const read = (p: string, from: string): ConfFile | undefined => {
    const abs = normalize(p.startsWith('/') ? p : join(from, p));
    const text = image.text(abs);
    return text === undefined ? undefined : { path: abs, text };
  };
  if (given?.includes('$')) {
    out.notes.push(`the supervisord config ${given} holds a variable without a known value`);
    return out;
  }
  const main = given ? read(given, cwd) : SUPERVISORD_CONFIGS.map((c) => read(c, cwd)).find((f) => f);
  if (!main) {
    out.notes.push(given ? `the supervisord config ${given} is not visible` : 'no supervisord config is visible');
    return out;
  }
  // [supervisord] environment= is added to what every child gets, and to the ENV_ names of expansions.
  const supEnv: ShellEnv = { ...env, ...keyValues(iniSection(main.text, 'supervisord')?.filter((e) => e.key === 'environment').pop()?.value ?? '', env, { here: dirname(main.path) }) };
  const files = [main, ...includes(main, image, out.notes)];
  for (const f of files) {
    for (const section of iniSectionNames(f.text).filter((n) => n.startsWith('program:'))) {
      const name = section.slice('program:'.length);
      const entries = iniSection(f.text, section) ?? [];
      // An inline comment starts with ` ;` or ` #` (supervisord's parser sets inline_comment_prefixes).
      const get = (k: string) => {
        const e = entries.filter((x) => x.key === k).pop();
        return e?.value === undefined ? e : { ...e, value: e.value.replace(/\s+[;#].*$/, '') };
      };
      const describe = `supervisord [${section}]`;
      const command = get('command');
      if (!command?.value) continue;
      const autostart = get('autostart')?.value?.toLowerCase();
      if (autostart === 'false' || autostart === 'no' || autostart === 'off' || autostart === '0') {
        out.notes.push(`${describe} has autostart=false: not started with the container`);
        continue;
      }
      const vars: Expansions = { here: dirname(f.path), program_name: name, group_name: name, process_num: '0', numprocs: get('numprocs')?.value ?? '1' };
      const childEnv: ShellEnv = { ...supEnv, ...keyValues(get('environment')?.value ?? '', supEnv, vars) };
      const dir = get('directory')?.value;
      const p: StartedProcess = { starter: 'supervisord', name, describe, file: f.path, line: command.line, env: childEnv, cwd };
      const dirX = dir === undefined ? undefined : expandPercent(dir, supEnv, vars);
      if (dirX && dirX.value === undefined) p.uncertain = `its directory=${dir} holds ${dirX.unknown}, which has no known value`;
      else if (dirX?.value) p.cwd = normalize(dirX.value.startsWith('/') ? dirX.value : join(cwd, dirX.value));
      const words = commandWords(f.text, command.line, command.value, supEnv, vars);
      if (typeof words === 'string') p.uncertain ??= `its command= holds ${words}, which has no known value`;
      else p.words = words;
      out.processes.push(p);
    }
  }
  if (!out.processes.length) out.notes.push(`${files.map((f) => f.path).join(', ')} start no program`);
  return out;
}

/** The files `[include] files=` names (space-separated globs relative to the including file's folder), one level deep. */
function includes(main: ConfFile, image: StarterReader, notes: string[]): ConfFile[] {
  const out: ConfFile[] = [];
  const spec = iniSection(main.text, 'include')?.filter((e) => e.key === 'files').pop()?.value;
  if (!spec) return out;
  for (const pattern of spec.split(/\s+/).filter(Boolean)) {
    const x = expandPercent(pattern, {}, { here: dirname(main.path) });
    if (x.value === undefined) {
      notes.push(`[include] ${pattern} holds ${x.unknown}, which has no known value: the files it names are not read`);
      continue;
    }
    const abs = normalize(x.value.startsWith('/') ? x.value : join(dirname(main.path), x.value));
    const dir = dirname(abs);
    const base = abs.slice(dir.length + 1);
    if (/[*?[]/.test(dir)) {
      notes.push(`[include] ${pattern} has a glob in a folder name: the files it names are not read`);
      continue;
    }
    const names = /[*?[]/.test(base) ? (image.readDir(dir) ?? []).filter((n) => goMatch(base, n)).sort() : [base];
    if (image.isUncertain(dir)) notes.push(`[include] ${pattern}: ${dir} may hold files the model cannot see`);
    for (const n of names) {
      const path = join(dir, n);
      const text = image.stat(path) === 'file' ? image.text(path) : undefined;
      if (text !== undefined) out.push({ path, text });
    }
  }
  return out;
}

/** Values `%(name)s` expands to besides `ENV_X`: `here`, `program_name`, `process_num` ... */
type Expansions = Record<string, string>;

/**
 * supervisord's `%(name)s` expansion (Python %-formatting): `ENV_X` from the environment supervisord
 * started with, `here` (the config file's folder), `program_name`, `group_name`, `process_num`, `numprocs`.
 * `value` is undefined when a name has no known value (`unknown` names it); `%%` is a literal `%`.
 */
export function expandPercent(text: string, env: ShellEnv, vars: Expansions): { value?: string; unknown?: string } {
  let unknown: string | undefined;
  const value = text.replace(/%%|%\(([^)]*)\)(0?)(\d*)([sd])/g, (m, name: string | undefined, zero: string, width: string, conv: string) => {
    if (name === undefined) return '%';
    const v = name.startsWith('ENV_') ? env[name.slice(4)] : vars[name];
    if (v === undefined) unknown ??= m;
    // `%(process_num)02d`: Python's width and zero padding.
    return (v ?? '').padStart(Number(width || 0), zero && conv === 'd' ? '0' : ' ');
  });
  return unknown ? { unknown } : { value };
}

/** `KEY="val",KEY2=val2` (supervisord `environment=`), each value `%(...)s`-expanded; a value it cannot expand is unknown. */
function keyValues(text: string, env: ShellEnv, vars: Expansions): ShellEnv {
  const out: ShellEnv = {};
  for (const m of text.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^,]*)/g)) {
    const v = m[2].trim().replace(/^(["'])(.*)\1$/s, '$2');
    out[m[1]] = expandPercent(v, env, vars).value;
  }
  return out;
}

/** The words of `command=` (Python's shlex, after expansion) with offsets in the file; a string names an expansion without a value. */
function commandWords(text: string, line: number, value: string, env: ShellEnv, vars: Expansions): StarterWord[] | string {
  const lineStart = text.split('\n').slice(0, line).reduce((n, l) => n + l.length + 1, 0);
  const lineText = text.split('\n')[line] ?? '';
  const at = lineStart + Math.max(0, lineText.indexOf(value));
  if (!value.includes('%')) return shlexWords(value).map((w) => ({ text: w.text, start: at + w.start, end: at + w.end }));
  const x = expandPercent(value, env, vars);
  if (x.value === undefined) return x.unknown!;
  // Expansion happens before splitting: words keep offsets only when each written word expands to one word.
  const raw = shlexWords(value);
  const done = shlexWords(x.value);
  if (raw.length === done.length) {
    return done.map((w, i) => ({ text: w.text, start: at + raw[i].start, end: at + raw[i].end, ...(w.text !== raw[i].text ? { expanded: true } : {}) }));
  }
  return done.map((w) => ({ text: w.text, start: at, end: at + value.length, expanded: true }));
}

// ---- NGINX Unit ----

/** Where the official images take the config from at first start (Unit docs, installation.rst: "/docker-entrypoint.d/"). */
const UNIT_ENTRYPOINT_D = '/docker-entrypoint.d';

/**
 * unitd starts with the configuration its state folder holds; images apply one at start-up through the
 * control socket: the official images PUT each `/docker-entrypoint.d/*.json`, others a JSON file their
 * start script names (netbox-docker's `curl --data-binary @$UNIT_CONFIG ... /config`). Each Python
 * application of that config is a process; when the config is not one file the model can see, it says why.
 */
function unitd(env: ShellEnv, cwd: string, image: StarterReader, scripts: string[]): Starter {
  const out: Starter = { starter: 'unit', processes: [], notes: [] };
  const candidates = new Set<string>();
  for (const n of image.readDir(UNIT_ENTRYPOINT_D) ?? []) if (n.endsWith('.json')) candidates.add(join(UNIT_ENTRYPOINT_D, n));
  for (const sc of scripts) for (const m of (image.text(sc) ?? '').matchAll(/(?:^|[\s"'=@-])(\/[\w./-]+\.json)\b/g)) candidates.add(m[1]);
  const configs: { path: string; text: string; json: Record<string, unknown> }[] = [];
  for (const path of candidates) {
    const text = image.text(path);
    if (text === undefined) continue;
    try {
      const json = JSON.parse(text) as unknown;
      if (json && typeof json === 'object' && 'applications' in json) configs.push({ path, text, json: json as Record<string, unknown> });
    } catch {
      out.notes.push(`${path} is not valid JSON: unitd's configuration is not known`);
    }
  }
  if (configs.length !== 1) {
    out.notes.push(configs.length ? `several Unit configs may be applied (${configs.map((c) => c.path).join(', ')}): which one runs is not known` : 'unitd is configured at run time through its control socket, and no config JSON the model can see says with what');
    return out;
  }
  const { path: file, text, json } = configs[0];
  const apps = (json.applications ?? {}) as Record<string, Record<string, unknown>>;
  const listeners = (json.listeners ?? {}) as Record<string, { pass?: unknown }>;
  const routesText = JSON.stringify(json.routes ?? {});
  for (const [name, app] of Object.entries(apps)) {
    if (typeof app?.type !== 'string' || !/^python\b/.test(app.type)) continue;
    const describe = `Unit application ${name}`;
    const appAt = text.indexOf(JSON.stringify(name));
    const line = appAt < 0 ? 0 : text.slice(0, appAt).split('\n').length - 1;
    const wd = typeof app.working_directory === 'string' ? app.working_directory : undefined;
    const base: StartedProcess = { starter: 'unit', name, describe, file, line, env: { ...env, ...stringValues(app.environment) }, cwd: wd ? normalize(wd.startsWith('/') ? wd : join(cwd, wd)) : cwd };
    // Listeners that pass to the app, directly or through routes that name it.
    const listen = Object.entries(listeners).filter(([, l]) => typeof l?.pass === 'string' && (l.pass === `applications/${name}` || l.pass.startsWith(`applications/${name}/`) || (l.pass.startsWith('routes') && routesText.includes(`applications/${name}`)))).map(([addr]) => addr);
    const targets = app.targets && typeof app.targets === 'object' ? Object.entries(app.targets as Record<string, Record<string, unknown>>) : [[undefined, app] as const];
    for (const [target, t] of targets) {
      const p: StartedProcess = { ...base, name: target ? `${name}/${target}` : name, describe: target ? `${describe}, target ${target}` : describe };
      if (typeof t?.module !== 'string') {
        p.uncertain = `${describe} names no module`;
        out.processes.push(p);
        continue;
      }
      const paths = typeof app.path === 'string' ? [app.path] : Array.isArray(app.path) ? app.path.filter((x): x is string => typeof x === 'string') : [];
      const a: UnitApp = {
        module: t.module, callable: typeof t.callable === 'string' ? t.callable : 'application', factory: t.factory === true,
        path: paths.map((x) => normalize(x.startsWith('/') ? x : join(p.cwd, x))), listen,
      };
      if (typeof app.home === 'string') a.home = app.home;
      const from = Math.max(0, target ? text.indexOf(JSON.stringify(target), appAt) : appAt);
      const m = new RegExp(`"module"\\s*:\\s*"(${escapeRe(t.module)})"`).exec(text.slice(from));
      if (m) {
        const start = from + m.index + m[0].length - 1 - m[1].length;
        a.moduleAt = { start, end: start + m[1].length };
        p.line = text.slice(0, start).split('\n').length - 1;
      }
      const l0 = listen[0] !== undefined ? text.indexOf(JSON.stringify(listen[0])) : -1;
      if (l0 >= 0) a.listenAt = { start: l0 + 1, end: l0 + 1 + listen[0].length };
      p.app = a;
      out.processes.push(p);
    }
  }
  if (!out.processes.length) out.notes.push(`${file} runs no Python application`);
  return out;
}

function stringValues(v: unknown): ShellEnv {
  const out: ShellEnv = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') out[k] = x;
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- execline (s6 run scripts) ----

/** Words of an execline script after the `#!` line: whitespace-separated, `"..."` quoted with backslash escapes, `#` comments, `{`/`}` blocks. */
function execlineWords(text: string): StarterWord[] {
  const out: StarterWord[] = [];
  let i = text.startsWith('#!') ? text.indexOf('\n') + 1 || text.length : 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
      continue;
    }
    const start = i;
    let word = '';
    while (i < text.length && !/\s/.test(text[i])) {
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          word += text[i++];
        }
        i++;
      } else word += text[i++];
    }
    out.push({ text: word, start, end: i });
  }
  return out;
}

/** execline programs that do something and then run the rest of the command line (chain loading), with how many arguments they take. */
const EXECLINE_CHAIN: Record<string, number> = { 'with-contenv': 0, fdclose: 1, fdswap: 2, fdreserve: 1, umask: 1, unexport: 1, exec: 0 };

/**
 * The program an execline run script finally runs (s6's chain loading: each builtin execs into the rest):
 * `with-contenv`, `fdmove [-c] A B`, `redirfd -w N FILE`, `cd DIR`, `export VAR VALUE`, `foreground { ... }` /
 * `background { ... }` blocks (they run and return). Substitution (`importas`, `backtick`, `define`, `multisubstitute`)
 * and `if`/`ifelse` leave it uncertain.
 */
export function execlineCommand(text: string, env: ShellEnv): { words: StarterWord[]; env: ShellEnv; cwd?: string; uncertain?: string } {
  const w = execlineWords(text);
  const e: ShellEnv = { ...env };
  let cwd: string | undefined;
  let i = 0;
  const skipBlock = (k: number): number => {
    if (w[k]?.text !== '{') return k;
    let depth = 0;
    for (; k < w.length; k++) {
      if (w[k].text === '{') depth++;
      else if (w[k].text === '}' && --depth === 0) return k + 1;
    }
    return k;
  };
  while (i < w.length) {
    const t = w[i].text;
    const opts = (k: number) => {
      while (w[k]?.text.startsWith('-') && w[k].text.length > 1) k++;
      return k;
    };
    if (t in EXECLINE_CHAIN) i = opts(i + 1) + EXECLINE_CHAIN[t];
    else if (t === 'fdmove') i = opts(i + 1) + 2;
    else if (t === 'redirfd') i = opts(i + 1) + 2;
    else if (t === 'cd') {
      cwd = w[i + 1]?.text;
      i += 2;
    } else if (t === 'export') {
      if (w[i + 1]) e[w[i + 1].text] = w[i + 2]?.text;
      i += 3;
    } else if (t === 'foreground' || t === 'background') i = skipBlock(i + 1);
    else if (['importas', 'backtick', 'define', 'multisubstitute', 'multidefine', 'elglob', 'forx', 'forbacktickx', 'if', 'ifelse', 'ifte', 'ifthenelse', 'emptyenv', 's6-envdir', 'envfile'].includes(t)) {
      return { words: [], env: e, uncertain: `the execline script uses ${t}, which the model does not evaluate` };
    } else break;
  }
  const rest = w.slice(i);
  if (!rest.length) return { words: [], env: e, uncertain: 'the execline script runs no program' };
  if (rest.some((x) => x.text === '{' || x.text === '}' || x.text.includes('$'))) return { words: [], env: e, uncertain: 'the execline command holds a block or a substitution' };
  return { words: rest, env: e, ...(cwd !== undefined ? { cwd } : {}) };
}

// ---- honcho (Procfile) ----

/** honcho's Procfile line (honcho/environ.py `PROCFILE_LINE`). */
const PROCFILE_LINE = /^([A-Za-z0-9_-]+):[ \t]*(.+)$/;
const HONCHO_VALUES = new Set(['-e', '--env', '-d', '--app-root', '-f', '--procfile', '-p', '--port', '-c', '--concurrency', '-q', '--quiet']);

/**
 * `honcho start [-f Procfile] [-d root] [-e .env] [-p port] [process ...]`: each Procfile process (or those
 * named) runs with `sh -c`, with the `.env` variables and `PORT`: the base port (the .env's PORT, else `-p`,
 * else `$PORT`, else 5000) plus 100 for each process type before it (honcho/command.py, environ.py).
 */
function honcho(argv: string[], env: ShellEnv, cwd: string, image: StarterReader): Starter {
  const out: Starter = { starter: 'honcho', processes: [], notes: [] };
  const opt: Record<string, string> = {};
  const names: string[] = [];
  for (let i = 2; i < argv.length; i++) {
    const v = argv[i];
    const eq = v.indexOf('=');
    const key = v.startsWith('--') && eq > 0 ? v.slice(0, eq) : v;
    if (HONCHO_VALUES.has(key)) opt[key.replace(/^--?/, '').charAt(0)] = eq > 0 && v.startsWith('--') ? v.slice(eq + 1) : argv[++i] ?? '';
    else if (!v.startsWith('-')) names.push(v);
  }
  const abs = (p: string, from: string) => normalize(p.startsWith('/') ? p : join(from, p));
  const root = abs(opt.d ?? '.', cwd);
  const dotenv: ShellEnv = {};
  for (const f of (opt.e ?? '.env').split(',')) {
    for (const line of (image.text(abs(f.trim(), root)) ?? '').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) dotenv[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
    }
  }
  const file = abs(opt.f ?? env.PROCFILE ?? dotenv.PROCFILE ?? 'Procfile', root);
  const text = image.text(file);
  if (text === undefined) {
    out.notes.push(`honcho reads ${file}, which is not visible in the image`);
    return out;
  }
  const base = dotenv.PORT ?? opt.p ?? (Object.prototype.hasOwnProperty.call(env, 'PORT') ? env.PORT : '5000');
  let port = base !== undefined && /^\d+$/.test(base) ? Number(base) : undefined;
  const entries: { name: string; command: string; line: number; start: number }[] = [];
  let offset = 0;
  const lines = text.split('\n');
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].replace(/\r$/, '');
    const m = PROCFILE_LINE.exec(line);
    if (m) entries.push({ name: m[1], command: m[2], line: l, start: offset + line.length - m[2].length });
    offset += lines[l].length + 1;
  }
  // The processes named on the command line, in that order, else all; each type's PORT is 100 above the previous one's.
  const selected = names.length ? names.map((n) => entries.find((x) => x.name === n)).filter((x): x is (typeof entries)[number] => !!x) : entries;
  for (const x of selected) {
    const e: ShellEnv = { ...env, ...dotenv, PORT: port === undefined ? undefined : String(port) };
    out.processes.push({ starter: 'honcho', name: x.name, describe: `Procfile process ${x.name}`, file, line: x.line, shell: { text: x.command, start: x.start, end: x.start + x.command.length }, env: e, cwd: root });
    if (port !== undefined) port += 100;
  }
  for (const n of names) if (!out.processes.some((p) => p.name === n)) out.notes.push(`honcho start ${n}: ${file} has no process ${n}`);
  if (!out.processes.length) out.notes.push(`${file} lists no process`);
  return out;
}
