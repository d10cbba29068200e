// What the container runs: ENTRYPOINT + CMD of a stage (through an entrypoint script if there is one) -> a parsed Entrypoint with the working directory and sys.path.
import { applyOverrides, combineCommand, CommandInstruction, CommandOverrides, DEFAULT_SHELL } from './entrypoint/combine';
import { FollowStep, followCommand, ShellFault, type StartedProxy } from './entrypoint/follow';
import { processStarter, StartedProcess, Starter, UnitApp } from './entrypoint/starters';
import { Entrypoint, mergeGunicornConfig, parseAddress, parseEntrypoint, parseGunicornConfig } from './entrypoint/parse';
import { consoleScripts } from './python/console-scripts';
import type { ShellEnv, ShellWord } from './entrypoint/shell';
import { LineIndex } from './python/lexical';
import type { Instruction } from './docker/parse';
import { firstLineRange, StageModel, uncertainSitePackages } from './docker/image';
import { dirname, join, normalize, FileSystem, readText } from './fs';
import type { Range } from './types';

/** Where one part of the command (ENTRYPOINT or CMD) was written: a Dockerfile instruction or a manifest key. */
export interface CommandSource {
  /** `ENTRYPOINT`, `CMD`, or the manifest key or flag (`entrypoint`, `command`, `args`, `--command`, `--args`). */
  key: string;
  file: string;
  /** The instruction's first line, or the YAML value / the command line. */
  range: Range;
  /** The file's lines, for edits. */
  lines: string[];
  /** Each argv element as written (exec form and lists: with quotes); undefined where unknown. */
  argRanges: (Range | undefined)[];
  /** Each element's text inside its quotes. */
  contentRanges: (Range | undefined)[];
  /** Set when the source is the Dockerfile's instruction. */
  instr?: Instruction;
}

export interface ContainerEntry {
  ep: Entrypoint;
  /** The Dockerfile instruction holding the server command (CMD, or ENTRYPOINT when CMD only adds arguments; FROM when a manifest overrides both). */
  instr: Instruction;
  /** Both instructions, for related locations. */
  cmd?: Instruction;
  entrypoint?: Instruction;
  /**
   * Where the ENTRYPOINT and CMD that run came from; `cmdReset`: an ENTRYPOINT override dropped the image's CMD;
   * `script`: the build-context file of the last script followed, which holds the command that runs.
   */
  /**
   * `passedThrough`: some arguments of the command a script runs were passed on by `exec "$@"` from the
   * container's command, so their ranges point into the Dockerfile or manifest, not into the script.
   * `config`: the server's own config file that gave some of its options (a uwsgi `--ini`), with their ranges.
   */
  sources: { entrypoint?: CommandSource; cmd?: CommandSource; cmdReset?: boolean; script?: CommandSource; passedThrough?: boolean; config?: CommandSource };
  /** Where the server command is written, for findings and fixes: the Dockerfile instruction or the manifest key that overrides it. */
  at: CommandSource;
  /** The command comes from the deployment, not the image. */
  overridden: boolean;
  /** The argv the container starts (before any script is followed). */
  argv: string[];
  /** Folder the server imports from: gunicorn --chdir, a `cd` before it, else WORKDIR. */
  cwd: string;
  env: ShellEnv;
  /** Image path of the first script the command went through, when any. */
  script?: string;
  /** The scripts followed to the command that runs (script -> script -> server), outermost first. */
  chain: FollowStep[];
  /** Reverse proxies those scripts start beside the server (`nginx &`): they, not the server, may hold the published port. */
  proxies?: StartedProxy[];
  /** Where Python looks for modules, in order (absolute image folders). */
  sysPath: string[];
  /** Why parts of the command could not be followed (an unreadable script, a script whose command is conditional). */
  notes: string[];
  /** The command is a process starter (s6-overlay `/init`, supervisord): one entry per process it runs. */
  processes?: ContainerEntry[];
  /** This entry is one process of a starter: which, and the file and line that say what it runs. */
  process?: { starter: StartedProcess['starter']; name: string; describe: string; file?: string; line?: number };
  /** The command fails in its shell before a server starts (`source` in dash), and where that is written when the model can place it. */
  fault?: ShellFault & { site?: { file: string; range: Range; lines: string[] }; /** In the container's own `sh -c` text. */ inCommand?: true };
}

/** Docker's exec-form args or the shell-form text of a CMD/ENTRYPOINT, with the source range of each argv element. */
function commandOf(ins: Instruction | undefined, key: string, dockerfile: { file: string; lines: string[] }, shell?: string[]): { c: CommandInstruction; source: CommandSource } | undefined {
  if (!ins) return undefined;
  const base = { key, file: dockerfile.file, lines: dockerfile.lines, range: firstLineRange(ins, dockerfile.lines), instr: ins };
  if (ins.json) {
    // Inside the quotes; only exact when the JSON string has no escapes.
    const content = ins.args.map((a) => (a.raw.length === a.text.length + 2 && a.range.start.line === a.range.end.line
      ? { start: { line: a.range.start.line, character: a.range.start.character + 1 }, end: { line: a.range.end.line, character: a.range.end.character - 1 } }
      : undefined));
    return { c: { form: 'exec', args: ins.args.map((a) => a.text) }, source: { ...base, argRanges: ins.args.map((a) => a.range), contentRanges: content } };
  }
  if (!ins.args.length) return undefined;
  const single = ins.endLine === ins.line;
  const first = ins.args[0].range.start;
  const last = ins.args[ins.args.length - 1].range.end;
  // The shell's own words (`/bin/sh -c`, or the SHELL instruction's) are written nowhere here; the command text is.
  const ranges = [...(shell ?? DEFAULT_SHELL).map(() => undefined), single ? { start: first, end: last } : undefined];
  return { c: { form: 'shell', args: [ins.commandText], ...(shell ? { shell } : {}) }, source: { ...base, argRanges: ranges, contentRanges: ranges } };
}

/**
 * The ENTRYPOINT a known external base image's config sets (AWS Lambda's `/lambda-entrypoint.sh`), when no stage of
 * this Dockerfile (or a repository-built base's) sets one: it is written nowhere here, so its source is the FROM line.
 */
function baseEntrypointOf(stage: StageModel, dockerfile: { file: string; lines: string[] }): { c: CommandInstruction; source: CommandSource } | undefined {
  const b = stage.baseEntrypoint;
  if (!b || stage.baseCommand?.entrypoint) return undefined;
  const from = stage.from;
  return {
    c: { form: 'exec', args: b.argv },
    source: { key: `ENTRYPOINT of ${b.image}`, file: dockerfile.file, lines: dockerfile.lines, range: firstLineRange(from, dockerfile.lines), argRanges: b.argv.map(() => undefined), contentRanges: b.argv.map(() => undefined) },
  };
}

/** Runtime environment of a stage: its ENV values. */
export function stageEnv(stage: StageModel): ShellEnv {
  const env: ShellEnv = {};
  for (const [k, v] of stage.env) env[k] = v.value;
  return env;
}

/** A deployment's replacement for ENTRYPOINT or CMD: a list, or compose's string form, with where it is written. */
export interface CommandOverride {
  value: string[] | string;
  source: CommandSource;
}

/** What a deployment changes about how the image runs: compose/Kubernetes command and args, environment, working folder. */
export interface EntryOverrides {
  env?: ShellEnv;
  /** compose `entrypoint`/`command`, Kubernetes `command`/`args` (Docker's and Kubernetes' rules: see `applyOverrides`); null: cleared. */
  command?: { entrypoint?: CommandOverride | null; cmd?: CommandOverride | null; kind: CommandOverrides['kind'] };
  workingDir?: string;
  /** The deployment sets variables the model cannot see (`envFrom`, an unreadable env_file). */
  hiddenEnv?: boolean;
  /**
   * The user the deployment runs the container as (compose `user:`, Kubernetes `runAsUser`); null: the platform may pick
   * one the model cannot know (Kubernetes without runAsUser: OpenShift runs an arbitrary uid). Absent: the image's USER.
   */
  user?: string | null;
}

/**
 * The user a container starts as: the deployment's, else the image's USER, else root when the base image is one the
 * model knows (its own USER would be in the model); undefined when not known. The one place this is decided: the
 * follower's `$(id -u)` and `--explain` read it.
 */
export function startUser(stage: StageModel, overrides: Pick<EntryOverrides, 'user'>): string | undefined {
  if (overrides.user === null) return undefined;
  return overrides.user ?? stage.user ?? (stage.baseKnown ? 'root' : undefined);
}

/**
 * The entrypoint of a stage, or undefined when it runs nothing we can analyse. Every argv element
 * keeps the range where it is written, in the Dockerfile or in the manifest that overrides it.
 */
export function containerEntry(fs: FileSystem, stage: StageModel, dockerfile: { file: string; lines: string[] }, overrides: EntryOverrides = {}): ContainerEntry | undefined {
  const env: ShellEnv = { ...stageEnv(stage), ...overrides.env };
  const image = { e: commandOf(stage.entrypoint, 'ENTRYPOINT', dockerfile, stage.entrypointShell) ?? baseEntrypointOf(stage, dockerfile), c: commandOf(stage.cmd, 'CMD', dockerfile, stage.cmdShell) };
  let e = image.e;
  let c = image.c;
  let cmdReset = false;
  const o = overrides.command;
  if (o) {
    const r = applyOverrides({ entrypoint: e?.c, cmd: c?.c }, { entrypoint: o.entrypoint === null ? null : o.entrypoint?.value, cmd: o.cmd === null ? null : o.cmd?.value, kind: o.kind, env });
    const pick = (res: CommandInstruction | null, img: typeof e, ov: CommandOverride | null | undefined) => {
      if (res === null) return undefined;
      if (res === img?.c || !ov) return img;
      // compose's string form is split into words: their ranges are the words'.
      const exact = res.args.length === ov.source.argRanges.length;
      return { c: res, source: exact ? ov.source : { ...ov.source, argRanges: [], contentRanges: [] } };
    };
    const ne = pick(r.entrypoint, image.e, o.entrypoint);
    const nc = pick(r.cmd, image.c, o.cmd);
    cmdReset = !!image.c && !nc && ne !== image.e;
    e = ne;
    c = nc;
  }
  if (!e && !c) return undefined;
  const combined = combineCommand(e?.c, c?.c);
  const pick = (k: 'argRanges' | 'contentRanges') => (combined.fromEntrypoint ? [...(e?.source[k] ?? []), ...(combined.cmdIgnored || !c ? [] : c.source[k])] : c?.source[k] ?? []);
  const ranges = { ranges: pick('argRanges'), contentRanges: pick('contentRanges') };
  if (!combined.argv.length) return undefined;
  // Project metadata a RUN read through a bind mount (`uv sync` with pyproject.toml mounted) declared the scripts it installed.
  const mounted = new Map<string, string>();
  for (const r of stage.installs) for (const [name, src] of Object.entries(r.project?.metadata ?? {})) mounted.set(join(r.project!.dir, name), src);
  const reader = { text: (p: string) => stage.tree.text(p, fs) ?? (mounted.has(p) ? readText(fs, mounted.get(p)!) : undefined), stat: (p: string) => stage.tree.stat(p) };
  const scripts = consoleScripts(reader, stage.installed.filter((i) => !i.tree).map((i) => i.dir));
  // A wheel built in another stage declares its scripts in the metadata it was built from there.
  for (const i of stage.installed) {
    if (!i.tree) continue;
    const built = i.tree;
    for (const [name, sc] of consoleScripts({ text: (p: string) => built.text(p, fs) }, [i.dir])) if (!scripts.has(name)) scripts.set(name, sc);
  }
  const workdir = overrides.workingDir ? normalize(overrides.workingDir.startsWith('/') ? overrides.workingDir : join(stage.workdir, overrides.workingDir)) : stage.workdir;
  // Files the server itself loads (a uwsgi ini), relative to the working folder after a `cd`.
  const readFile = (from: string) => (path: string, sub?: string) => {
    const dir = sub === undefined ? from : normalize(sub.startsWith('/') ? sub : join(from, sub));
    const abs = normalize(path.startsWith('/') ? path : join(dir, path));
    const text = stage.tree.text(abs, fs);
    return text === undefined ? undefined : { path: abs, text };
  };
  const atPart = combined.fromEntrypoint && (!c || combined.cmdIgnored) ? e! : c ?? e!;
  const instr = atPart.source.instr ?? (combined.fromEntrypoint && (!stage.cmd || combined.cmdIgnored) ? stage.entrypoint : stage.cmd ?? stage.entrypoint) ?? stage.from;
  const user = startUser(stage, overrides);
  const runner: CommandRunner = { stage, fs, scripts, readFile, envComplete: !overrides.hiddenEnv, ...(user !== undefined ? { user } : {}) };
  const r = runCommand(runner, combined.argv, ranges, env, workdir);
  const sources: ContainerEntry['sources'] = {};
  if (e) sources.entrypoint = e.source;
  if (c && !combined.cmdIgnored) sources.cmd = c.source;
  if (cmdReset) sources.cmdReset = true;
  if (r.scriptSource) sources.script = r.scriptSource;
  if (r.passedThrough) sources.passedThrough = true;
  if (r.configSource) sources.config = r.configSource;
  const entry: ContainerEntry = {
    ep: r.ep, instr, cmd: stage.cmd, entrypoint: stage.entrypoint, sources, at: r.scriptSource ?? atPart.source, overridden: !atPart.source.instr,
    argv: combined.argv, cwd: r.cwd, env: r.env, script: r.script, chain: r.chain, sysPath: sysPathOf(r.ep, r.cwd, r.env, stage, fs), notes: r.notes,
    ...(r.proxies ? { proxies: r.proxies } : {}),
  };
  if (r.fault) {
    entry.fault = r.fault;
    const site = r.fault.inCommand ? commandFaultSite(r.fault, combined.argv, ranges.ranges, atPart.source) : undefined;
    if (site) entry.fault.site = site;
  }
  const started = r.ep.kind === 'unknown' && !r.ep.uncertain ? processStarter(r.ep.argv, r.env, r.cwd, { ...reader, readDir: (p) => stage.tree.readDir(p), isUncertain: (p) => stage.tree.isUncertain(p) }, { scripts: r.chain.map((c) => c.file) }) : undefined;
  if (started) {
    entry.processes = startedEntries(runner, entry, started, ranges);
    if (!entry.processes.length) entry.notes.push(...started.notes);
  }
  return entry;
}

/** What running a command needs: the stage, its console scripts and the files its servers read. */
interface CommandRunner {
  stage: StageModel;
  fs: FileSystem;
  scripts: ReturnType<typeof consoleScripts>;
  readFile: (from: string) => (path: string, sub?: string) => { path: string; text: string } | undefined;
  /** The container's environment is known in full (see FollowOptions.envComplete). */
  envComplete: boolean;
  /** The user the command starts as, when known (see FollowOptions.user). */
  user?: string;
}

interface RunResult {
  ep: Entrypoint;
  fault?: ContainerEntry['fault'];
  chain: FollowStep[];
  script?: string;
  scriptSource?: CommandSource;
  configSource?: CommandSource;
  passedThrough: boolean;
  env: ShellEnv;
  cwd: string;
  notes: string[];
  proxies?: StartedProxy[];
}

/** Parses an argv, follows it through shell scripts to the command that runs, and reads the gunicorn config it uses. */
function runCommand(run: CommandRunner, argv: string[], ranges: { ranges?: (Range | undefined)[]; contentRanges?: (Range | undefined)[] }, env: ShellEnv, workdir: string): RunResult {
  const { stage, fs, scripts, readFile } = run;
  const reader = { text: (p: string) => stage.tree.text(p, fs), stat: (p: string) => stage.tree.stat(p), uncertain: (p: string) => stage.tree.isUncertain(p) };
  let ep = parseEntrypoint(argv, env, { ...ranges, consoleScripts: scripts, readFile: readFile(workdir) });
  const out: RunResult = { ep, chain: [], passedThrough: false, env: ep.env ?? env, cwd: workdir, notes: [] };
  // A `sh -c` string the parse read directly (`source venv/bin/activate && exec gunicorn ...`) is also run in the model's
  // shell when /bin/sh is dash, which has no `source`: the command then fails before the server.
  const shellText = (re: RegExp) => argv.some((a, k) => k > 1 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(argv[k - 1]) && re.test(a));
  const dashSource = ep.kind !== 'unknown' && stage.binSh === 'dash' && shellText(/(?:^|[\s;&|(])source\s/);
  // `. /venv/bin/activate && exec gunicorn ...`: the server runs with the PATH the activation set (followed for it).
  const activates = ep.kind !== 'unknown' && shellText(/(?:^|[\s;&|(])(?:source|\.)\s+\S*bin\/activate\b/);
  // Shell scripts (`/entrypoint` -> `exec "$@"` -> `/start` -> `exec gunicorn ...`): follow them the way the shell runs them.
  if (ep.kind === 'unknown' || dashSource || activates) {
    const f = followCommand(argv, { env, cwd: workdir, image: reader, envComplete: run.envComplete, ...(run.user !== undefined ? { user: run.user } : {}), ...(stage.binSh ? { binSh: stage.binSh } : {}) });
    if (f.fault) {
      out.fault = { ...f.fault, ...scriptFaultSite(stage, fs, f.fault) };
      if (f.chain.length === 1 && f.fault.file === undefined) out.fault.inCommand = true;
      out.chain = f.chain;
      out.notes.push(f.uncertain!);
      ep = { kind: 'unknown', argv, pythonPath: [], uncertain: f.uncertain };
    } else if (ep.kind !== 'unknown') {
      // The direct parse stands; the shell's environment for it is the followed one.
      if (!f.uncertain && f.chain.length === 1) out.env = f.env;
    } else if (f.uncertain) out.notes.push(f.chain.length ? `${f.chain[f.chain.length - 1].file}: ${f.uncertain}` : f.uncertain);
    else if (f.chain.length) {
      const scriptSource = f.words ? scriptCommandSource(stage, fs, f.chain[f.chain.length - 1].file, f.words) : undefined;
      // Arguments the scripts' "$@" passed on are written in the container's command: they keep its ranges.
      const from = (own: (Range | undefined)[], theirs: (Range | undefined)[] = []) => own.map((r, i) => (f.passedFrom?.[i] !== undefined ? theirs[f.passedFrom[i]!] : r));
      if (scriptSource && f.passedFrom?.some((i) => i !== undefined)) out.passedThrough = true;
      const r = scriptSource ? { ranges: from(scriptSource.argRanges, ranges.ranges), contentRanges: from(scriptSource.contentRanges, ranges.contentRanges) } : {};
      ep = parseEntrypoint(f.argv, f.env, { ...r, expanded: { unknown: f.unknown }, consoleScripts: scripts, readFile: readFile(f.cwd) });
      if (scriptSource) out.scriptSource = scriptSource;
      out.chain = f.chain;
      out.script = f.chain[0].file;
      out.env = f.env;
      out.cwd = f.cwd;
      if (f.proxies) out.proxies = f.proxies;
    }
  }
  const runEnv = out.env;
  let cwd = out.cwd;
  if (ep.cwd) cwd = normalize(ep.cwd.startsWith('/') ? ep.cwd : join(cwd, ep.cwd));
  // gunicorn settings from its config file (-c, or ./gunicorn.conf.py in the working folder).
  if (ep.kind === 'gunicorn') {
    const cfgPath = ep.configFile ?? (ep.configModule ? undefined : ep.defaultConfig);
    if (cfgPath) {
      const text = stage.tree.text(normalize(cfgPath.startsWith('/') ? cfgPath : join(cwd, cfgPath)), fs);
      if (text !== undefined) ep = mergeGunicornConfig(ep, parseGunicornConfig(text, runEnv));
      else if (ep.configFile && stage.tree.isUncertain(normalize(join(cwd, ep.configFile)))) ep = { ...ep, uncertain: 'the gunicorn config file is not visible' };
      // gunicorn opens -c FILE before anything else and exits when it is missing ("Error: 'FILE' doesn't exist"): entrypoint-target judges it.
      else if (ep.configFile && ep.configRef && /^[\w./-]+$/.test(ep.configFile)) {
        // The file it cannot read may set the bind (and gunicorn exits before binding when it is missing).
        const bind = ep.bind?.isDefault ? { ...ep.bind, uncertain: 'the gunicorn config file is not readable: it may set the bind' } : ep.bind;
        ep = { ...ep, bind, unreadConfig: { path: ep.configFile, ...ep.configRef } };
      }
    } else if (ep.configModule) ep = { ...ep, uncertain: 'gunicorn reads its config from a module' };
  }
  // The ini file is opened from the folder the server starts in (before its own --chdir).
  const cfg = ep.unreadConfig;
  if (cfg) ep = { ...ep, unreadConfig: { ...cfg, imagePath: normalize(cfg.path.startsWith('/') ? cfg.path : join(cwd, cfg.path)) } };
  if (ep.chdir) cwd = normalize(ep.chdir.startsWith('/') ? ep.chdir : join(cwd, ep.chdir));
  if (ep.iniFile) {
    const file = stage.tree.lookup(ep.iniFile.path)?.source;
    const text = file !== undefined ? stage.tree.text(ep.iniFile.path, fs) : undefined;
    const r = ep.iniFile.ranges;
    if (file !== undefined && text !== undefined && r.length) out.configSource = { key: 'ini', file, range: r[0], lines: text.split('\n').map((l) => l.replace(/\r$/, '')), argRanges: r, contentRanges: r };
  }
  out.ep = ep;
  out.cwd = cwd;
  return out;
}

/**
 * One entry per process a starter runs (s6-overlay services and its CMD, supervisord programs): each is
 * followed like a container's command, and what it runs is reported where its command is written
 * (the run script, the config's `command=` line).
 */
function startedEntries(run: CommandRunner, outer: ContainerEntry, started: Starter, ranges: { ranges?: (Range | undefined)[]; contentRanges?: (Range | undefined)[] }): ContainerEntry[] {
  const { stage, fs } = run;
  const out: ContainerEntry[] = [];
  const notes = [...outer.notes, ...started.notes];
  const entryOf = (process: NonNullable<ContainerEntry['process']>, r: RunResult, own: CommandSource | undefined, step?: FollowStep): ContainerEntry => {
    const sources: ContainerEntry['sources'] = { ...outer.sources, passedThrough: r.passedThrough || undefined };
    delete sources.script;
    delete sources.config;
    if (r.configSource) sources.config = r.configSource;
    if (!r.passedThrough) delete sources.passedThrough;
    const at = r.scriptSource ?? own;
    if (at) sources.script = at;
    return {
      ...outer, ep: r.ep, sources, at: at ?? outer.at, cwd: r.cwd, env: r.env, script: outer.script ?? r.script, process,
      chain: [...outer.chain, ...(step ? [step] : []), ...r.chain], sysPath: sysPathOf(r.ep, r.cwd, r.env, stage, run.fs), notes: [...notes, ...r.notes], processes: undefined,
    };
  };
  if (started.mainFrom !== undefined && outer.chain.length === 0) {
    // s6-overlay runs the CMD as the container's main program, once the services are up.
    const from = started.mainFrom;
    const r = runCommand(run, outer.argv.slice(from), { ranges: ranges.ranges?.slice(from), contentRanges: ranges.contentRanges?.slice(from) }, outer.env, outer.cwd);
    out.push(entryOf({ starter: started.starter, name: 'CMD', describe: `${started.starter} main program (CMD)` }, r, undefined));
  } else if (started.mainFrom !== undefined) notes.push(`the program ${started.starter} runs after its services (${outer.ep.argv.slice(started.mainFrom).join(' ')}) is not followed`);
  for (const p of started.processes) {
    const process = { starter: p.starter, name: p.name, describe: p.describe, file: p.file, line: p.line };
    const step: FollowStep = { file: p.file, line: p.line, what: p.describe };
    if (p.uncertain) {
      const ep: Entrypoint = { kind: 'unknown', argv: p.words?.map((w) => w.text) ?? [], pythonPath: [], uncertain: p.uncertain };
      out.push(entryOf(process, { ep, chain: [], passedThrough: false, env: p.env, cwd: p.cwd, notes: [] }, undefined, step));
      continue;
    }
    if (p.app) {
      out.push(entryOf(process, unitApp(stage, fs, p, p.app, outer.ep.argv), undefined, step));
      continue;
    }
    if (p.script) {
      const r = runCommand(run, [p.script], {}, p.env, p.cwd);
      out.push(entryOf(process, r, undefined, r.chain.length ? undefined : step));
      continue;
    }
    if (p.shell) {
      // Run with `sh -c`: the command text keeps its place in the file, so its words do too.
      const own = starterSource(stage, fs, p, [undefined, undefined, p.shell]);
      const r = runCommand(run, ['/bin/sh', '-c', p.shell.text], own ? { ranges: own.argRanges, contentRanges: own.contentRanges } : {}, p.env, p.cwd);
      out.push(entryOf(process, r, own, step));
      continue;
    }
    const words = p.words ?? [];
    const own = starterSource(stage, fs, p, words.map((w) => (w.expanded ? undefined : w)));
    const r = runCommand(run, words.map((w) => w.text), own ? { ranges: own.argRanges, contentRanges: own.contentRanges } : {}, p.env, p.cwd);
    out.push(entryOf(process, r, own, step));
  }
  return out;
}

/** An NGINX Unit Python application as a server: its module and callable, `path` first on sys.path (not the working folder), its listeners. */
function unitApp(stage: StageModel, fs: FileSystem, p: StartedProcess, app: UnitApp, argv: string[]): RunResult {
  const src = starterSource(stage, fs, p, [app.moduleAt, app.listenAt]);
  // Unit imports the module in its own embedded interpreter: `path` is prepended to sys.path; nothing says the working folder is on it.
  const ep: Entrypoint = { kind: 'unit', argv, module: app.module, callable: app.callable, pythonPath: app.path, safePath: true };
  if (app.factory) ep.factory = true;
  const moduleRange = src?.argRanges[0];
  ep.targetArg = { value: app.module, index: -1, ...(moduleRange ? { range: moduleRange } : {}) };
  if (app.listen.length) {
    const raw = app.listen[0];
    const a = parseAddress(raw.replace(/^\*:/, ':'), '80');
    const listenRange = src?.argRanges[1];
    ep.bind = { raw, isDefault: false, from: 'config', ...(a.host !== undefined ? { host: a.host } : {}), ...(a.port !== undefined ? { port: a.port } : {}) };
    if (listenRange) ep.bind.arg = { value: raw, index: -1, range: listenRange };
    if (app.listen.length > 1) ep.bind.all = app.listen;
  }
  const r: RunResult = { ep, chain: [], passedThrough: false, env: p.env, cwd: p.cwd, notes: [] };
  if (src) r.configSource = src;
  return r;
}

/** The build-context file a starter's config was copied from, as the source of a command written in it. */
function starterSource(stage: StageModel, fs: FileSystem, p: StartedProcess, spans: ({ start: number; end: number } | undefined)[]): CommandSource | undefined {
  const file = stage.tree.lookup(p.file)?.source;
  const text = file !== undefined ? stage.tree.text(p.file, fs) : undefined;
  const known = spans.filter((w): w is { start: number; end: number } => w !== undefined);
  if (file === undefined || text === undefined || !known.length) return undefined;
  const index = new LineIndex(text);
  const argRanges = spans.map((w) => (w ? index.range(w.start, w.end) : undefined));
  const range = index.range(known[0].start, known[known.length - 1].end);
  return { key: p.describe, file, range, lines: text.split('\n').map((l) => l.replace(/\r$/, '')), argRanges, contentRanges: argRanges };
}

/** The command source an argument's range lies in (where an edit to it goes); undefined when it is not written anywhere. */
export function sourceOfArg(entry: ContainerEntry, r: Range | undefined): CommandSource | undefined {
  if (!r) return undefined;
  // A value read from the server's config file carries that file's range (the same object).
  if (entry.sources.config?.argRanges.includes(r)) return entry.sources.config;
  const inside = (x: Range | undefined) => x !== undefined && x.start.line <= r.start.line && x.end.line >= r.end.line
    && (x.start.line < r.start.line || x.start.character <= r.start.character) && (x.end.line > r.end.line || x.end.character >= r.end.character);
  // A command followed into a script carries that script's ranges, and those of the arguments `exec "$@"` passed on.
  if (entry.sources.script) {
    if (entry.sources.script.argRanges.some(inside)) return entry.sources.script;
    if (!entry.sources.passedThrough) return undefined;
  }
  for (const s of [entry.sources.entrypoint, entry.sources.cmd]) if (s && s.argRanges.some(inside)) return s;
  return undefined;
}

/** The build-context file a followed script was copied from, as the source of the command it runs (ranges of its words). */
/** Where a shell fault in a script file is written: the build-context file the image got the script from. */
function scriptFaultSite(stage: StageModel, fs: FileSystem, fault: ShellFault): { site?: { file: string; range: Range; lines: string[] } } {
  if (fault.file === undefined) return {};
  const file = stage.tree.lookup(fault.file)?.source;
  const text = file !== undefined ? stage.tree.text(fault.file, fs) : undefined;
  if (file === undefined || text === undefined) return {};
  return { site: { file, range: new LineIndex(text).range(fault.start, fault.end), lines: text.split('\n').map((l) => l.replace(/\r$/, '')) } };
}

/**
 * Where a shell fault in the container's own `sh -c` text is written, in the Dockerfile or manifest: exact when the
 * text is on one line, else the one place in the instruction's lines where the word is written (none or several: not placed).
 */
function commandFaultSite(fault: ShellFault, argv: string[], ranges: (Range | undefined)[], source: CommandSource): { file: string; range: Range; lines: string[] } | undefined {
  const i = argv.findIndex((_a, k) => k > 1 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(argv[k - 1]));
  const r = i >= 0 ? ranges[i] : undefined;
  if (r && r.start.line === r.end.line) return { file: source.file, range: { start: { line: r.start.line, character: r.start.character + fault.start }, end: { line: r.start.line, character: r.start.character + fault.end } }, lines: source.lines };
  const span = source.instr ? [source.instr.line, source.instr.endLine] : [source.range.start.line, source.range.end.line];
  const hits: Range[] = [];
  for (let l = span[0]; l <= span[1]; l++) {
    for (const m of (source.lines[l] ?? '').matchAll(new RegExp(`(?<![\\w.-])${fault.word}(?![\\w.-])`, 'g'))) hits.push({ start: { line: l, character: m.index! }, end: { line: l, character: m.index! + fault.word.length } });
  }
  return hits.length === 1 ? { file: source.file, range: hits[0], lines: source.lines } : undefined;
}

function scriptCommandSource(stage: StageModel, fs: FileSystem, imagePath: string, words: ShellWord[]): CommandSource | undefined {
  const file = stage.tree.lookup(imagePath)?.source;
  const text = file !== undefined ? stage.tree.text(imagePath, fs) : undefined;
  if (file === undefined || text === undefined || !words.length) return undefined;
  const index = new LineIndex(text);
  // Arguments spliced in by "$@" are written elsewhere (the CMD, the calling script).
  const argRanges = words.map((w) => (/^"?\$(?:[@*]|\{[@*]\})"?$/.test(w.raw) ? undefined : index.range(w.start, w.end)));
  const range = index.range(words[0].start, words[words.length - 1].end);
  return { key: 'script', file, range, lines: text.split('\n').map((l) => l.replace(/\r$/, '')), argRanges, contentRanges: argRanges };
}

/**
 * A regular (not editable) install of a src-layout project with no packaging configuration of its own: the build copies
 * the packages under `src/` into site-packages (setuptools' and hatchling's automatic discovery of a src layout look
 * only there), so neither the project folder nor `src/` is on sys.path (a console script's sys.path[0] is its bin
 * folder): a top-level `helpers.py` beside pyproject.toml is not importable. Flat layouts, `setup.py`/`setup.cfg`,
 * and explicit `[tool.setuptools]` packages, py-modules or package-dir keep the folders (what they install is not
 * modelled).
 */
function srcLayoutCopied(stage: StageModel, dir: string, fs: FileSystem | undefined): boolean {
  if (!fs) return false;
  const rec = stage.installs.find((r) => r.project?.dir === dir);
  if (!rec?.project || rec.project.editable || !rec.project.packages.length) return false;
  const t = stage.tree;
  if (t.stat(join(dir, 'src')) !== 'dir' || t.stat(join(dir, 'setup.py')) !== undefined || t.stat(join(dir, 'setup.cfg')) !== undefined) return false;
  const pyproject = t.text(join(dir, 'pyproject.toml'), fs);
  if (pyproject === undefined) return false;
  return !/^\s*\[tool\.(?:setuptools|hatch\.build|poetry|pdm\.build|flit)|^\s*(?:packages|py-modules|package-dir|include|packages\.find)\s*=/m.test(pyproject);
}

/**
 * sys.path as the server sees it: the script's folder (`python x.py`) or the working folder
 * (`-m`, gunicorn, uvicorn, celery), then gunicorn --pythonpath / uvicorn --app-dir, then
 * PYTHONPATH, then the projects pip installed (their `src/` layout first).
 */
export function sysPathOf(ep: Entrypoint, cwd: string, env: ShellEnv, stage: StageModel, fs?: FileSystem): string[] {
  const abs = (p: string) => normalize(p.startsWith('/') ? p : join(cwd, p));
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  for (const p of ep.pythonPath) add(abs(p));
  if (ep.kind === 'python-script' || (ep.script && ep.kind !== 'django-manage' && !ep.module)) {
    if (ep.script) add(dirname(abs(ep.script)));
  } else if (!ep.safePath && ep.kind !== 'console-script') add(cwd);
  if (ep.kind === 'django-manage' && ep.script) add(dirname(abs(ep.script)));
  for (const p of (env.PYTHONPATH ?? '').split(':')) if (p && !p.includes('$')) add(abs(p));
  // site-packages of the stage's Python and of its virtual environments, when the model put something there (a project's packages, an unseen install).
  for (const env of [stage.python, ...stage.venvs]) {
    const sp = env?.sitePackages;
    if (sp && (stage.tree.readDir(sp)?.length || stage.tree.isUncertain(join(sp, '_')))) add(sp);
  }
  for (const i of stage.installed) {
    if (i.tree) continue;
    if (srcLayoutCopied(stage, i.dir, fs)) continue;
    if (stage.tree.stat(join(i.dir, 'src')) === 'dir') add(join(i.dir, 'src'));
    add(i.dir);
  }
  // Something was pip-installed that the model cannot see: site-packages (uncertain in the tree) may hold any module.
  if (stage.sitePackagesUncertain) add(uncertainSitePackages(stage));
  return out;
}
