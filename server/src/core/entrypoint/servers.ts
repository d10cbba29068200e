// Server kinds as data: each server's options, app target, bind, timeout, workers, the environment variables it reads and how it loads code; one interpreter reads the table.
import { basename, dirname, normalize } from '../fs';
import {
  Arg, ArgRef, CELERY, DAPHNE, DRAMATIQ, FASTAPI, FLASK, FLASK_RUN, GRANIAN, GUNICORN, HYPERCORN, LOCUST, OptionTable, ParsedArgs, UVICORN, UWSGI, WAITRESS,
  allValues, hasFlag, lastValue, parseArgs, subArg,
} from './options';
import { parseAddress, parseAppTarget, splitPythonPath } from './address';
import { iniSection } from './ini';
import { tomlStringKey } from './toml-key';
import { ShellEnv, shlexSplit } from './shell';
import type { Bind, Entrypoint, ServerKind, SettingSource } from './parse';

/** A setting read from argv options, else from environment variables (the first one set wins), else a default. */
export interface SettingSpec {
  flags: readonly string[];
  env?: readonly string[];
  default?: string;
}

/**
 * How a target string names the code: `module:callable` (gunicorn, uvicorn ...); `flask-app` (flask's
 * `--app`/FLASK_APP: a module, `module:name`, `module:factory()` or a file path); `path` (a file or
 * package path whose folder goes first on sys.path: fastapi, streamlit); `handler` (AWS Lambda's `module.function`,
 * split at the last dot, a `/` in the module read as a dot).
 */
export type TargetForm = 'module:callable' | 'flask-app' | 'path' | 'handler';

/** One place a server looks for the app, tried in the order listed. */
export type TargetSource =
  | { from: 'positional'; form: TargetForm }
  | { from: 'option'; flags: readonly string[]; form: TargetForm }
  | { from: 'env'; name: string; form: TargetForm }
  /** A string key of a TOML file in the working folder (fastapi-cli's pyproject.toml `[tool.fastapi] entrypoint`); not read when `unlessOption` is given. */
  | { from: 'toml'; file: string; table: string; key: string; form: 'module:callable'; unlessOption?: readonly string[] };

/** How a server binds when it takes one address (`host:port`, `unix:path`, `fd://n`) per option. */
export interface AddressBind {
  form: 'address';
  flags: readonly string[];
  default: { host: string; port: string };
  /** When this variable is set (even to an unknown value) and no address is given, the default becomes `0.0.0.0:$VAR` (gunicorn's PORT). */
  portEnv?: string;
}

/** How a server binds when host and port are separate options. */
export interface HostPortBind {
  form: 'host-port';
  host: SettingSpec & { defaultFor?: Record<string, string> };
  port: SettingSpec;
  /** A UNIX socket replaces the TCP address (uvicorn `--uds`). */
  unix?: SettingSpec;
  /** An inherited file descriptor: the address is unknown (uvicorn `--fd`). */
  fd?: SettingSpec;
  /** Only these subcommands listen (celery's `flower`; a worker or beat serves nothing). */
  subcommands?: readonly string[];
}

export interface ServerSpec {
  kind: ServerKind;
  /** Program names (basename of argv[0]). */
  programs: readonly string[];
  /** `python -m NAME` runs the same command line. */
  pythonModule?: string;
  /** The option table; `dotted-sections`: every `--section.option` takes a value (streamlit). */
  options: OptionTable | 'dotted-sections';
  /** A variable holding more options, read after argv (GUNICORN_CMD_ARGS); `ep.sources` then says where each setting came from. */
  argsEnv?: string;
  /**
   * A subcommand: `first`: the first argument, and the server only runs under `only` (other subcommands are
   * noted with `otherNote`); `group`: the first positional after group options (flask), with `options` after it.
   * `serve`: the subcommands that start a server (bind, reload); others leave them unset.
   */
  subcommand?: { at: 'first' | 'group' | 'positional'; only?: readonly string[]; otherNote?: (sub: string) => string; keepOther?: boolean; serve?: readonly string[]; options?: OptionTable };
  target?: {
    sources: TargetSource[];
    /** The attribute looked up when the target names only a module (gunicorn: `application`). */
    defaultCallable?: string;
    /** Modules tried when no target is given (flask's `wsgi`, `app`; fastapi-cli's default paths). */
    candidates?: string[];
    /** An option naming the attribute separately (fastapi `--app`). */
    callableOption?: readonly string[];
    /** A positional right after an unknown option may be that option's value: the target is then uncertain. */
    ambiguous?: boolean;
    /** The server takes one app; more positionals are an error (noted). */
    single?: string;
    /** Notes the first unknown option with this prefix. */
    unknownOption?: string;
  };
  /** The target is a factory to call. */
  factory?: { flags: readonly string[]; env?: string };
  bind?: AddressBind | HostPortBind;
  /** A server-specific bind rule applied after the generic one (daphne endpoints, waitress --listen). */
  bindRule?: (ep: Entrypoint, r: Reader) => void;
  /** Worker timeout in seconds, with the server's default. */
  timeout?: { flags: readonly string[]; default: number };
  /** Worker processes; `env`: variables that set the default (WEB_CONCURRENCY). */
  workers?: SettingSpec;
  workerClass?: readonly string[];
  /** Load the app in the master before forking (always reported: `ep.preload` is false when absent). */
  preload?: readonly string[];
  reload?: { flags: readonly string[]; off?: readonly string[]; env?: string; onFor?: readonly string[] };
  /** The server changes directory before importing (gunicorn --chdir, celery --workdir). */
  chdir?: readonly string[];
  /** Folders the server puts on sys.path: `split`: a comma-separated list (gunicorn --pythonpath); `repeat`: each use adds one (uwsgi). */
  pythonPath?: SettingSpec & { split?: boolean; repeat?: boolean };
  /** A config file; `prefixes`: `python:MODULE` / `file:PATH` forms; `defaultFile`: read from the working folder when none is given; `mayBind`: it may set the bind. */
  config?: { flags: readonly string[]; prefixes?: boolean; defaultFile?: 'gunicorn.conf.py'; mayBind?: string };
  /**
   * The server also reads every option from `PREFIX<OPTION>` variables and from `[section]` of ini files (uwsgi):
   * options from the environment come first, then the ini file's (named by `flags` or a positional `*.ini`), then argv's.
   */
  iniOptions?: { envPrefix: string; flags: readonly string[]; section: string };
  /** Options that load the app some way the model does not follow. */
  unsupported?: { flags: readonly string[]; note: string }[];
  /** How the server puts code on sys.path beyond the generic rules (AWS Lambda's LAMBDA_TASK_ROOT). */
  loads?: (ep: Entrypoint, args: Arg[], ctx: Ctx) => void;
}

/** The known servers. Facts and sources: docs/assumptions.md ("Servers as data"). */
export const SERVERS: readonly ServerSpec[] = [
  {
    kind: 'gunicorn', programs: ['gunicorn'], pythonModule: 'gunicorn', options: GUNICORN, argsEnv: 'GUNICORN_CMD_ARGS',
    target: { sources: [{ from: 'positional', form: 'module:callable' }], defaultCallable: 'application', ambiguous: true },
    unsupported: [{ flags: ['--paste', '--paster'], note: 'gunicorn --paste loads the app from a PasteDeploy file' }],
    bind: { form: 'address', flags: ['-b', '--bind'], default: { host: '127.0.0.1', port: '8000' }, portEnv: 'PORT' },
    timeout: { flags: ['-t', '--timeout'], default: 30 },
    workerClass: ['-k', '--worker-class'],
    workers: { flags: ['-w', '--workers'], env: ['WEB_CONCURRENCY'] },
    preload: ['--preload'],
    reload: { flags: ['--reload'] },
    chdir: ['--chdir'],
    pythonPath: { flags: ['--pythonpath'], split: true },
    config: { flags: ['-c', '--config'], prefixes: true, defaultFile: 'gunicorn.conf.py' },
  },
  {
    kind: 'uvicorn', programs: ['uvicorn'], pythonModule: 'uvicorn', options: UVICORN,
    target: { sources: [{ from: 'positional', form: 'module:callable' }, { from: 'env', name: 'UVICORN_APP', form: 'module:callable' }], ambiguous: true },
    factory: { flags: ['--factory'], env: 'UVICORN_FACTORY' },
    bind: {
      form: 'host-port',
      host: { flags: ['--host'], env: ['UVICORN_HOST'], default: '127.0.0.1' },
      port: { flags: ['--port'], env: ['UVICORN_PORT'], default: '8000' },
      unix: { flags: ['--uds'], env: ['UVICORN_UDS'] },
      fd: { flags: ['--fd'], env: ['UVICORN_FD'] },
    },
    pythonPath: { flags: ['--app-dir'], env: ['UVICORN_APP_DIR'], default: '.' },
    workers: { flags: ['--workers'], env: ['UVICORN_WORKERS', 'WEB_CONCURRENCY'] },
    reload: { flags: ['--reload'], env: 'UVICORN_RELOAD' },
  },
  {
    kind: 'hypercorn', programs: ['hypercorn'], pythonModule: 'hypercorn', options: HYPERCORN,
    target: { sources: [{ from: 'positional', form: 'module:callable' }], ambiguous: true },
    bind: { form: 'address', flags: ['-b', '--bind'], default: { host: '127.0.0.1', port: '8000' } },
    config: { flags: ['-c', '--config'], mayBind: 'the config file may set the bind' },
    workerClass: ['-k', '--worker-class'],
    workers: { flags: ['-w', '--workers'] },
    reload: { flags: ['--reload'] },
  },
  {
    // granian reads every option from GRANIAN_<OPTION> too; --working-dir goes first on sys.path (default: the working folder).
    kind: 'granian', programs: ['granian'], pythonModule: 'granian', options: GRANIAN,
    target: { sources: [{ from: 'positional', form: 'module:callable' }], ambiguous: true },
    factory: { flags: ['--factory'], env: 'GRANIAN_FACTORY' },
    bind: {
      form: 'host-port',
      host: { flags: ['--host'], env: ['GRANIAN_HOST'], default: '127.0.0.1' },
      port: { flags: ['--port'], env: ['GRANIAN_PORT'], default: '8000' },
      unix: { flags: ['--uds'], env: ['GRANIAN_UDS'] },
    },
    pythonPath: { flags: ['--working-dir'], env: ['GRANIAN_WORKING_DIR'], default: '.' },
    workers: { flags: ['--workers'], env: ['GRANIAN_WORKERS'] },
    reload: { flags: ['--reload'], off: ['--no-reload'], env: 'GRANIAN_RELOAD' },
  },
  {
    kind: 'daphne', programs: ['daphne'], pythonModule: 'daphne', options: DAPHNE,
    target: { sources: [{ from: 'positional', form: 'module:callable' }], ambiguous: true },
    bind: { form: 'host-port', host: { flags: ['-b', '--bind'], default: '127.0.0.1' }, port: { flags: ['-p', '--port'], default: '8000' } },
    bindRule: daphneEndpoints,
  },
  {
    kind: 'waitress', programs: ['waitress-serve', 'waitress'], pythonModule: 'waitress', options: WAITRESS,
    target: {
      sources: [{ from: 'positional', form: 'module:callable' }],
      single: 'waitress-serve takes exactly one application (options go before it)', unknownOption: 'unknown waitress-serve option',
    },
    factory: { flags: ['--call'] },
    bind: { form: 'host-port', host: { flags: ['--host'], default: '0.0.0.0' }, port: { flags: ['--port'], default: '8080' } },
    bindRule: waitressListen,
  },
  {
    // uwsgi: `--module pkg.wsgi[:callable]` or `--wsgi-file path` (callable `application`, or --callable); no default bind.
    kind: 'uwsgi', programs: ['uwsgi'], options: UWSGI,
    iniOptions: { envPrefix: 'UWSGI_', flags: ['--ini'], section: 'uwsgi' },
    target: {
      sources: [{ from: 'option', flags: ['-w', '--module', '--wsgi'], form: 'module:callable' }, { from: 'option', flags: ['--wsgi-file', '--file'], form: 'path' }],
      defaultCallable: 'application', callableOption: ['--callable'],
    },
    bindRule: uwsgiBind,
    workers: { flags: ['-p', '--processes', '--workers'] },
    chdir: ['--chdir'],
    pythonPath: { flags: ['--pythonpath', '--pp'], repeat: true },
  },
  {
    kind: 'celery', programs: ['celery'], pythonModule: 'celery', options: CELERY,
    subcommand: { at: 'positional' },
    target: { sources: [{ from: 'option', flags: ['-A', '--app'], form: 'module:callable' }] },
    chdir: ['--workdir'],
    // `celery flower` (mher/flower docs, config.rst): --address (all interfaces by default), --port 5555; FLOWER_<OPTION> variables.
    bind: { form: 'host-port', host: { flags: ['--address'], env: ['FLOWER_ADDRESS'], default: '0.0.0.0' }, port: { flags: ['--port'], env: ['FLOWER_PORT'], default: '5555' }, subcommands: ['flower'] },
  },
  {
    kind: 'flask', programs: ['flask'], pythonModule: 'flask', options: FLASK,
    subcommand: { at: 'group', serve: ['run'], options: FLASK_RUN },
    target: {
      sources: [{ from: 'option', flags: ['-A', '--app'], form: 'flask-app' }, { from: 'env', name: 'FLASK_APP', form: 'flask-app' }],
      candidates: ['wsgi', 'app'],
    },
    bind: {
      form: 'host-port',
      host: { flags: ['-h', '--host'], env: ['FLASK_RUN_HOST'], default: '127.0.0.1' },
      port: { flags: ['-p', '--port'], env: ['FLASK_RUN_PORT'], default: '5000' },
    },
    reload: { flags: ['--reload'], off: ['--no-reload'], env: 'FLASK_DEBUG' },
  },
  {
    kind: 'fastapi', programs: ['fastapi'], pythonModule: 'fastapi', options: FASTAPI,
    subcommand: { at: 'first', only: ['run', 'dev'], otherNote: (s) => `unknown fastapi command ${s}`.trim() },
    target: {
      // fastapi-cli's order: `-e`, the path argument (with or without `--app`), pyproject.toml's entrypoint (not with `--app`), then its default paths.
      sources: [
        { from: 'option', flags: ['-e', '--entrypoint'], form: 'module:callable' }, { from: 'positional', form: 'path' },
        { from: 'toml', file: 'pyproject.toml', table: 'tool.fastapi', key: 'entrypoint', form: 'module:callable', unlessOption: ['--app'] },
      ],
      // fastapi-cli's default paths, in the order it tries them: main.py, app.py, api.py, app/main.py, app/app.py, app/api.py.
      candidates: ['main', 'app', 'api', 'app.main', 'app.app', 'app.api'],
      callableOption: ['--app'],
      ambiguous: true,
    },
    bind: { form: 'host-port', host: { flags: ['--host'], default: '127.0.0.1', defaultFor: { run: '0.0.0.0' } }, port: { flags: ['--port'], default: '8000' } },
    workers: { flags: ['--workers'] },
    reload: { flags: ['--reload'], off: ['--no-reload'], onFor: ['dev'] },
  },
  {
    // dramatiq workers: `dramatiq BROKER [MODULES...]`, BROKER a module (its broker is the global one it sets) or `module:attr`;
    // `--path` (default the working folder) is put first on sys.path.
    kind: 'dramatiq', programs: ['dramatiq'], pythonModule: 'dramatiq', options: DRAMATIQ,
    target: { sources: [{ from: 'positional', form: 'module:callable' }] },
    pythonPath: { flags: ['-P', '--path'], repeat: true },
  },
  {
    // Locust (load tests): it imports the locustfile (`-f`, LOCUST_LOCUSTFILE, default `locustfile` in the working folder) by its path.
    kind: 'locust', programs: ['locust'], pythonModule: 'locust', options: LOCUST,
    target: { sources: [{ from: 'option', flags: ['-f', '--locustfile'], form: 'path' }, { from: 'env', name: 'LOCUST_LOCUSTFILE', form: 'path' }], candidates: ['locustfile'] },
  },
  {
    // AWS Lambda's runtime interface client: the base image's `/lambda-entrypoint.sh HANDLER` or `python -m awslambdaric HANDLER`.
    kind: 'lambda', programs: ['lambda-entrypoint.sh', 'awslambdaric'], pythonModule: 'awslambdaric', options: { values: [], flags: [] },
    target: { sources: [{ from: 'positional', form: 'handler' }], single: 'the Lambda entrypoint takes one argument, the handler' },
    loads: lambdaPath,
  },
  {
    kind: 'streamlit', programs: ['streamlit'], pythonModule: 'streamlit', options: 'dotted-sections',
    subcommand: { at: 'first', only: ['run'], otherNote: () => 'not a streamlit run command', keepOther: true },
    target: { sources: [{ from: 'positional', form: 'path' }] },
    bind: {
      form: 'host-port',
      host: { flags: ['--server.address'], env: ['STREAMLIT_SERVER_ADDRESS'], default: '0.0.0.0' },
      port: { flags: ['--server.port'], env: ['STREAMLIT_SERVER_PORT'], default: '8501' },
    },
  },
];

const BY_PROGRAM = new Map(SERVERS.flatMap((s) => s.programs.map((p) => [p, s] as const)));

/** The server a program name runs (`gunicorn`, `waitress-serve`), if it is one in the table. */
export function serverFor(program: string): ServerSpec | undefined {
  return BY_PROGRAM.get(program);
}

/** Module names whose `python -m NAME` runs a server in the table. */
export const SERVER_MODULES: ReadonlySet<string> = new Set(SERVERS.map((s) => s.pythonModule).filter((m): m is string => !!m));

/** What the interpreter knows while reading one command line. */
export interface Ctx {
  env: ShellEnv;
  cwd?: string;
  uncertain?: string;
  consoleScripts?: ReadonlyMap<string, { module: string; func: string; file: string; line: number }>;
  /** Stop unwrapping at a shell (the caller follows shells and scripts itself). */
  stopAtShell?: boolean;
  /** Reads a file the server loads (a uwsgi ini) from the image: `path` relative to the working folder after `cwd`. */
  readFile?: (path: string, cwd?: string) => { path: string; text: string } | undefined;
  /** The interpreter that runs a server module (`python3` of `python3 -m gunicorn`), or `uv run` / `poetry run`, set while unwrapping. */
  interpreter?: string;
}

/** A setting's value and where it came from. */
export interface Picked {
  arg?: Arg;
  from: SettingSource;
  value: string;
  /** The environment variable it came from (`from: 'env'`). */
  env?: string;
}

/** Reads settings from argv (and the args variable), then the environment, then the defaults. */
export interface Reader {
  spec: ServerSpec;
  ctx: Ctx;
  /** The parsed options that hold the settings (after the subcommand for group CLIs). */
  p: ParsedArgs;
  subcommand?: string;
  /** Values of an option: argv's when given there, else the args variable's. */
  values(names: readonly string[]): { args: Arg[]; from: SettingSource };
  flag(names: readonly string[]): SettingSource | undefined;
  pick(s: SettingSpec, def?: string): Picked;
}

/** Interprets a server's command line (`args[0]` is the program) with its table entry. */
export function interpretServer(spec: ServerSpec, args: Arg[], ctx: Ctx): Entrypoint {
  const ep = base(spec.kind, args, ctx);
  if (spec.iniOptions) args = withIniOptions(ep, spec.iniOptions, args, ctx);
  let rest = args.slice(1);
  let sub: Arg | undefined;
  const sc = spec.subcommand;
  if (sc?.at === 'first') {
    sub = rest[0];
    if (!sub || !sc.only!.includes(sub.value)) {
      if (sub && sc.keepOther) ep.subcommand = sub.value;
      note(ep, sc.otherNote!(sub?.value ?? ''));
      return ep;
    }
    ep.subcommand = sub.value;
    rest = rest.slice(1);
  }
  const group = spec.options === 'dotted-sections' ? dottedSections(rest) : parseArgs(rest, spec.options);
  if (sc?.at === 'group' || sc?.at === 'positional') {
    sub = group.positionals[0];
    if (sub) ep.subcommand = sub.value;
  }
  // Group CLIs read the server's settings after the subcommand; a group without one that serves has none.
  let p = group;
  let serves = true;
  if (sc?.at === 'group') {
    serves = !!sub && (!sc.serve || sc.serve.includes(sub.value));
    if (serves && sc.options) p = parseArgs(rest.slice(rest.indexOf(sub!) + 1), sc.options);
  }
  const envText = spec.argsEnv ? ctx.env[spec.argsEnv] : undefined;
  const envKnown = !spec.argsEnv || !has(ctx.env, spec.argsEnv) || envText !== undefined;
  const e = typeof envText === 'string' ? parseArgs(shlexSplit(envText).map((v) => envArg(v)), spec.options as OptionTable) : undefined;
  const sources: Record<string, SettingSource> | undefined = spec.argsEnv ? {} : undefined;
  if (sources) ep.sources = sources;
  const r: Reader = {
    spec, ctx, p, subcommand: ep.subcommand,
    values(names) {
      const a = allValues(p, ...names);
      if (a.length) return { args: a, from: 'argv' };
      const b = e ? allValues(e, ...names) : [];
      if (b.length) return { args: b, from: spec.argsEnv as SettingSource };
      return { args: [], from: 'default' };
    },
    flag(names) {
      return hasFlag(p, ...names) ? 'argv' : e && hasFlag(e, ...names) ? (spec.argsEnv as SettingSource) : undefined;
    },
    pick(s, def) {
      const v = r.values(s.flags);
      if (v.args.length) return { arg: v.args[v.args.length - 1], from: v.from, value: v.args[v.args.length - 1].value };
      for (const name of s.env ?? []) {
        if (!has(ctx.env, name)) continue;
        const val = ctx.env[name];
        const arg = envArg(val ?? `$${name}`, val === undefined);
        return { arg, from: 'env', value: arg.value, env: name };
      }
      return { from: 'default', value: def ?? s.default ?? '' };
    },
  };

  readTarget(ep, spec, group, r, sources);
  for (const u of spec.unsupported ?? []) if (r.flag(u.flags) || r.values(u.flags).args.length) note(ep, u.note);
  if (spec.factory && (hasFlag(p, ...spec.factory.flags) || (spec.factory.env && truthy(ctx.env[spec.factory.env])))) ep.factory = true;
  const listens = serves && !!spec.bind && (spec.bind.form !== 'host-port' || !spec.bind.subcommands || spec.bind.subcommands.includes(ep.subcommand ?? ''));
  if (spec.bind && listens) ep.bind = readBind(spec.bind, r, sources);
  if (spec.bind && listens && !envKnown && sources?.bind === 'default') ep.bind!.uncertain = `${spec.argsEnv} has no known value`;
  spec.bindRule?.(ep, r);

  if (spec.timeout) {
    const t = r.values(spec.timeout.flags);
    if (sources) sources.timeout = t.from;
    const tArg = t.args[t.args.length - 1];
    if (!tArg) {
      if (envKnown) ep.timeout = { seconds: spec.timeout.default, isDefault: true, from: 'default' };
    } else {
      const seconds = toInt(tArg);
      if (seconds !== undefined) {
        ep.timeout = { seconds, isDefault: false, from: t.from };
        if (t.from === 'argv') ep.timeout.arg = tArg.ref;
      }
    }
  }
  if (spec.workerClass) {
    const k = r.values(spec.workerClass);
    if (k.args.length) {
      ep.workerClass = k.args[k.args.length - 1].value;
      if (sources) sources.workerClass = k.from;
    }
  }
  if (spec.workers) {
    const w = r.pick(spec.workers);
    const workers = toInt(w.arg);
    if (workers !== undefined) {
      ep.workers = workers;
      if (w.from === 'env') (ep.sources ??= {}).workers = 'env';
    }
  }
  if (spec.preload) {
    const preload = r.flag(spec.preload);
    ep.preload = preload !== undefined;
    if (preload && sources) sources.preload = preload;
  }
  if (spec.reload && serves) {
    const rl = spec.reload;
    const on = r.flag(rl.flags) !== undefined;
    const off = rl.off ? hasFlag(p, ...rl.off) : false;
    if (on || (!off && ((rl.env && truthy(ctx.env[rl.env])) || (ep.subcommand && rl.onFor?.includes(ep.subcommand))))) ep.reload = true;
  }
  if (spec.chdir) {
    const c = r.values(spec.chdir);
    if (c.args.length) {
      ep.chdir = c.args[c.args.length - 1].value;
      if (sources) sources.chdir = c.from;
    }
  }
  if (spec.pythonPath) {
    const pp = spec.pythonPath;
    if (pp.repeat) {
      ep.pythonPath = [...ep.pythonPath, ...r.values(pp.flags).args.map((a) => a.value)];
    } else if (pp.split) {
      const v = r.values(pp.flags);
      if (v.args.length) {
        ep.pythonPath = splitPythonPath(v.args[v.args.length - 1].value);
        if (sources) sources.pythonpath = v.from;
      }
    } else {
      const v = r.pick(pp);
      ep.pythonPath = [v.value === '' ? pp.default ?? '.' : v.value];
    }
  }
  if (spec.config) {
    const c = r.values(spec.config.flags);
    const cfg = c.args[c.args.length - 1];
    if (cfg) {
      if (sources) sources.config = c.from;
      if (spec.config.prefixes && cfg.value.startsWith('python:')) ep.configModule = cfg.value.slice(7);
      else {
        ep.configFile = spec.config.prefixes ? cfg.value.replace(/^file:/, '') : cfg.value;
        if (!cfg.unknown) ep.configRef = { ref: cfg.ref, flag: r.p.options.find((o) => o.value === cfg)?.name ?? spec.config.flags[0] };
      }
      if (spec.config.mayBind && ep.bind && ep.bind.isDefault) ep.bind.uncertain = spec.config.mayBind;
    } else if (spec.config.defaultFile) {
      ep.defaultConfig = spec.config.defaultFile;
    }
  }
  spec.loads?.(ep, args, ctx);
  // A word with no known value (`$(eval echo "$args")`, `$EXTRA_OPTS` unset here) may expand to any options: what
  // was taken from defaults may be set there.
  const wild = p.positionals.find((x) => x.unknown && x.ref !== ep.targetArg);
  if (wild) {
    const why = `${wild.value} has no known value here and may set options`;
    if (ep.bind && !ep.bind.arg && !(ep.bind.hostArg && ep.bind.portArg)) ep.bind = { ...ep.bind, uncertain: ep.bind.uncertain ?? why };
    if (ep.timeout?.isDefault) delete ep.timeout;
  }
  return ep;
}

function readTarget(ep: Entrypoint, spec: ServerSpec, p: ParsedArgs, r: Reader, sources: Record<string, SettingSource> | undefined): void {
  const t = spec.target;
  if (!t) return;
  let target: Arg | undefined;
  // A group CLI's first positional is its subcommand.
  const positional = p.positionals[spec.subcommand?.at === 'group' || spec.subcommand?.at === 'positional' ? 1 : 0];
  for (const s of t.sources) {
    if (s.from === 'positional') {
      target = positional;
    } else if (s.from === 'option') {
      target = lastValue(p, ...s.flags);
    } else if (s.from === 'toml') {
      if (s.unlessOption && lastValue(p, ...s.unlessOption)) continue;
      const fromToml = tomlTarget(ep, s, r.ctx);
      if (fromToml === 'unreadable') return;
      target = fromToml;
    } else if (has(r.ctx.env, s.name)) {
      const v = r.ctx.env[s.name];
      if (typeof v === 'string' && v !== '') target = envArg(v);
      else if (v === undefined && s.form === 'flask-app') {
        note(ep, `${s.name} has no known value`);
        return;
      }
    }
    if (target) {
      setTargetAs(ep, target, s.form, t.defaultCallable);
      if (s.form === 'path' && t.defaultCallable) ep.callable ??= t.defaultCallable;
      if (sources) sources.app = 'argv';
      break;
    }
  }
  if (!target && t.candidates) ep.moduleCandidates = t.candidates;
  if (t.callableOption) {
    const c = lastValue(p, ...t.callableOption);
    if (c) ep.callable = c.value;
  }
  if (t.ambiguous && positional && p.ambiguous.has(positional)) note(ep, `unknown option before the target (${p.unknown.join(', ')})`);
  if (t.single && p.positionals.length > 1) note(ep, t.single);
  if (t.unknownOption && p.unknown.length) note(ep, `${t.unknownOption} ${p.unknown[0]}`);
}

/**
 * The target a TOML file in the working folder names, kept at its place in the file (findings and fixes go there).
 * `'unreadable'` (noted) when the file sets it in a form not followed, or not as `module:attribute`.
 */
function tomlTarget(ep: Entrypoint, s: Extract<TargetSource, { from: 'toml' }>, ctx: Ctx): Arg | 'unreadable' | undefined {
  const file = ctx.readFile?.(s.file, ctx.cwd);
  if (!file) return undefined;
  const v = tomlStringKey(file.text, s.table, s.key);
  const where = `${s.file} [${s.table}] ${s.key}`;
  if (v === 'unreadable' || (v && !/^[^:]+:[^:]+$/.test(v.value))) {
    note(ep, v === 'unreadable' ? `${where} is written in a form not followed` : `${where} ${v!.value} is not module:attribute`);
    return 'unreadable';
  }
  if (!v) return undefined;
  const range = { start: { line: v.line, character: v.column }, end: { line: v.line, character: v.column + v.value.length } };
  (ep.iniFile ??= { path: file.path, ranges: [] }).ranges.push(range);
  return { value: v.value, ref: { value: v.value, index: -1, range }, literal: false, unknown: false, verbatim: false };
}

/**
 * AWS Lambda's base image: `/lambda-entrypoint.sh` runs the runtime's bootstrap.py, which puts LAMBDA_TASK_ROOT first on
 * sys.path (then /opt/python, where layers go, unless PYTHONPATH is set); the working folder is not on it (a script's
 * sys.path[0] is its own folder, /var/runtime). `python -m awslambdaric` has the working folder first, as any `-m`.
 */
function lambdaPath(ep: Entrypoint, args: Arg[], ctx: Ctx): void {
  if (basename(args[0].value) !== 'lambda-entrypoint.sh') return;
  // The script takes exactly one argument (`[ $# -ne 1 ]` ... "entrypoint requires the handler name to be the first
  // argument", exit 142): a shell-form CMD gives it `/bin/sh -c HANDLER`, three.
  const rest = args.slice(1);
  // Only the notes the handler reading made (`/bin/sh` is no module.function; more than one argument) give way to it.
  const ownNote = ep.uncertain === undefined || ep.uncertain === 'the Lambda entrypoint takes one argument, the handler' || ep.uncertain.startsWith(`the handler ${rest[0]?.value} `);
  if (rest.length > 1 && ownNote && !rest.some((a) => a.unknown)) {
    delete ep.uncertain;
    delete ep.module;
    delete ep.callable;
    ep.lambdaArgs = rest.map((a) => a.value);
    return;
  }
  const root = ctx.env.LAMBDA_TASK_ROOT;
  if (typeof root !== 'string' || !root.startsWith('/')) {
    note(ep, 'LAMBDA_TASK_ROOT, the folder the Lambda runtime imports the handler from, has no known value');
    return;
  }
  ep.pythonPath = [root, ...(ctx.env.PYTHONPATH === undefined ? ['/opt/python'] : [])];
  ep.safePath = true;
}

/** `module.function` (AWS Lambda): the module is everything before the last dot, with `/` read as `.` (awslambdaric's _get_handler). */
function setHandler(ep: Entrypoint, a: Arg): void {
  if (a.ref.index >= 0 || a.ref.range) ep.targetArg = a.ref;
  if (a.unknown || a.value.includes('$')) return note(ep, `the handler ${a.value} holds a variable without a known value`);
  const dot = a.value.lastIndexOf('.');
  if (dot <= 0 || dot === a.value.length - 1) return note(ep, `the handler ${a.value} is not module.function`);
  ep.module = a.value.slice(0, dot).replace(/\//g, '.');
  ep.callable = a.value.slice(dot + 1);
}

function setTargetAs(ep: Entrypoint, a: Arg, form: TargetForm, defaultCallable?: string): void {
  if (form === 'module:callable') return setTarget(ep, a, defaultCallable);
  if (form === 'handler') return setHandler(ep, a);
  if (form === 'flask-app') return setFlaskApp(ep, a);
  ep.script = a.value;
  ep.targetArg = a.ref;
  if (a.unknown) note(ep, `the script ${a.value} holds a variable without a known value`);
  setPathModule(ep, a.value);
}

function readBind(b: AddressBind | HostPortBind, r: Reader, sources: Record<string, SettingSource> | undefined): Bind {
  if (b.form === 'address') {
    const binds = r.values(b.flags);
    if (sources) sources.bind = binds.from;
    if (binds.args.length) return addressBind(binds.args[0].value, b.default.port, binds.args[0], binds.from, binds.args.map((a) => a.value));
    if (b.portEnv && has(r.ctx.env, b.portEnv)) {
      const port = r.ctx.env[b.portEnv];
      const bind: Bind = { host: '0.0.0.0', port: port ?? `$${b.portEnv}`, raw: `0.0.0.0:${port ?? `$${b.portEnv}`}`, isDefault: true, from: 'default' };
      if (port === undefined) bind.unresolved = true;
      return bind;
    }
    const { host, port } = b.default;
    return { host, port, raw: `${host}:${port}`, isDefault: true, from: 'default' };
  }
  const hostDefault = (r.subcommand && b.host.defaultFor?.[r.subcommand]) ?? b.host.default;
  let bind = hostPortBind(r.pick(b.host, hostDefault), r.pick(b.port));
  const unix = b.unix ? r.pick(b.unix) : undefined;
  if (unix && unix.from !== 'default') {
    bind = { raw: `unix:${unix.value}`, unix: unix.value, isDefault: false, from: unix.from };
    if (unix.env) bind.env = [unix.env];
    if (unix.from === 'argv') bind.arg = unix.arg!.ref;
  } else if (b.fd && r.pick(b.fd).from !== 'default') {
    bind.uncertain = 'binds an inherited file descriptor';
  }
  return bind;
}

/**
 * The options uwsgi reads besides argv: `UWSGI_<OPTION>` variables (`UWSGI_HTTP_SOCKET` is `--http-socket`), then the
 * `[uwsgi]` section of the ini file, then argv (the last value of a setting wins). Values come without argv positions.
 */
function withIniOptions(ep: Entrypoint, o: NonNullable<ServerSpec['iniOptions']>, args: Arg[], ctx: Ctx): Arg[] {
  const fromEnv: Arg[] = [];
  for (const [name, val] of Object.entries(ctx.env)) {
    if (!name.startsWith(o.envPrefix) || name.length === o.envPrefix.length) continue;
    fromEnv.push(envArg(`--${name.slice(o.envPrefix.length).toLowerCase().replace(/_/g, '-')}=${val ?? `$${name}`}`, val === undefined));
  }
  const p = parseArgs([...fromEnv, ...args.slice(1)], UWSGI);
  const ini = lastValue(p, ...o.flags) ?? p.positionals.find((a) => a.value.endsWith('.ini'));
  const fromIni: Arg[] = [];
  if (ini) {
    const file = ini.unknown ? undefined : ctx.readFile?.(ini.value, ctx.cwd);
    const entries = file ? iniSection(file.text, o.section) : undefined;
    if (!file) {
      note(ep, `the uwsgi ini file ${ini.value} is not visible`);
      // A plain path (not `file.ini:section`, an http:// URL or another of uwsgi's loaders).
      if (!ini.unknown && /^[\w./-]+$/.test(ini.value)) ep.unreadConfig = { path: ini.value, ref: ini.ref, flag: '--ini' };
    } else if (!entries) note(ep, `${ini.value} has no [${o.section}] section`);
    for (const e of entries ?? []) {
      const opt = `--${e.key}`;
      if (UWSGI.flags.includes(opt) || e.value === undefined) {
        if (e.value === undefined || /^(1|true|yes|on)$/i.test(e.value)) fromIni.push(envArg(opt));
        continue;
      }
      // `%d` is the ini file's folder; `$(VAR)` an environment variable; other placeholders are not modelled.
      let unknown = false;
      const value = e.value.replace(/%d/g, `${dirname(file!.path)}/`).replace(/\$\(([A-Za-z_]\w*)\)/g, (m, n: string) => {
        const v = ctx.env[n];
        if (v === undefined) unknown = true;
        return v ?? m;
      });
      if (/%[\w(]/.test(value)) unknown = true;
      if (value === e.value && e.valueColumn !== undefined && UWSGI.values.includes(opt)) {
        // Written as is: the value keeps its place in the ini file, so findings and fixes go to that line.
        const range = { start: { line: e.line, character: e.valueColumn }, end: { line: e.line, character: e.valueColumn + value.length } };
        (ep.iniFile ??= { path: file!.path, ranges: [] }).ranges.push(range);
        fromIni.push(envArg(opt), { value, ref: { value, index: -1, range }, literal: false, unknown, verbatim: false });
        continue;
      }
      fromIni.push(envArg(`${opt}=${value}`, unknown));
    }
  }
  return [args[0], ...fromEnv, ...fromIni, ...args.slice(1)];
}

/** uwsgi listens only where told: `--http`/`--http-socket` (HTTP), else `--socket` (the uwsgi protocol, for a proxy in front). */
function uwsgiBind(ep: Entrypoint, r: Reader): void {
  const http = allValues(r.p, '--http', '--http-socket');
  const sock = allValues(r.p, '-s', '--socket', '--uwsgi-socket');
  const a = http[0] ?? sock[0];
  if (!a) return;
  const from: SettingSource = a.ref.index >= 0 ? 'argv' : 'config';
  const all = [...http, ...sock].map((x) => x.value);
  ep.bind = a.value.includes('/') && !a.value.includes(':')
    ? { raw: a.value, unix: a.value, isDefault: false, from }
    : addressBind(a.value, '', a, from, all);
  if (!http.length) ep.bind.uncertain = 'uwsgi --socket speaks the uwsgi protocol, not HTTP';
}

/** daphne fills in the default host/port only when no other kind of endpoint is given. */
function daphneEndpoints(ep: Entrypoint, r: Reader): void {
  const bind = ep.bind!;
  const unix = lastValue(r.p, '-u', '--unix-socket');
  const other = lastValue(r.p, '--fd') ?? lastValue(r.p, '-e', '--endpoint');
  if (bind.isDefault && unix) {
    ep.bind = { raw: `unix:${unix.value}`, unix: unix.value, isDefault: false, from: 'argv', arg: unix.ref };
    if (other) ep.bind.uncertain = 'also binds endpoints or file descriptors';
  } else if (bind.isDefault && other) {
    ep.bind = { raw: other.value, isDefault: false, from: 'argv', arg: other.ref, uncertain: 'binds endpoints or file descriptors' };
  } else if (unix || other) {
    bind.uncertain = 'also binds other endpoints';
  }
}

/** waitress `--listen host:port` (repeatable, several per value) replaces --host/--port; `--unix-socket` replaces TCP. */
function waitressListen(ep: Entrypoint, r: Reader): void {
  const listens = allValues(r.p, '--listen');
  const unix = lastValue(r.p, '--unix-socket');
  if (listens.length) {
    const first = listens[0].value.split(/\s+/)[0];
    const colon = first.lastIndexOf(':');
    const bind: Bind = {
      host: colon >= 0 ? first.slice(0, colon).replace(/^\[|\]$/g, '') : first,
      port: colon >= 0 ? first.slice(colon + 1) : ep.bind!.port,
      raw: first, isDefault: false, from: 'argv', arg: listens[0].ref,
    };
    const all = listens.flatMap((l) => l.value.split(/\s+/)).filter((x) => x);
    if (all.length > 1) bind.all = all;
    if (!ep.bind!.isDefault) note(ep, 'waitress refuses --listen together with --host/--port');
    ep.bind = markVars(bind, listens[0]);
  } else if (unix) {
    ep.bind = { raw: `unix:${unix.value}`, unix: unix.value, isDefault: false, from: 'argv', arg: unix.ref };
  }
}

/** streamlit: every `--section.option` takes a value; the script is the first positional (what follows `--` goes to it). */
function dottedSections(rest: Arg[]): ParsedArgs {
  const res: ParsedArgs = { options: [], positionals: [], unknown: [], ambiguous: new Set() };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const v = a.value;
    if (v === '--') break;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq >= 0) res.options.push({ name: v.slice(0, eq), value: subArg(a, eq + 1), arg: a });
      else if (rest[i + 1]) res.options.push({ name: v, value: rest[++i], arg: a });
    } else {
      res.positionals.push(a);
    }
  }
  return res;
}

/** The entrypoint every kind starts from: argv, the working-folder change and notes gathered while unwrapping. */
export function base(kind: ServerKind, args: Arg[], ctx: Ctx): Entrypoint {
  const ep: Entrypoint = { kind, argv: args.map((a) => a.value), pythonPath: [] };
  if (ctx.cwd !== undefined) ep.cwd = ctx.cwd;
  const dsm = ctx.env.DJANGO_SETTINGS_MODULE;
  if (dsm) ep.djangoSettings = dsm;
  if (ctx.env.PYTHONSAFEPATH) ep.safePath = true;
  if (ctx.uncertain) ep.uncertain = ctx.uncertain;
  const prog = args[0]?.value;
  if (ctx.interpreter) ep.interpreter = ctx.interpreter;
  else if (prog && /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$/.test(prog.split('/').pop()!)) ep.interpreter = prog;
  return ep;
}

/** Records why the entrypoint is not fully understood (the first reason wins). */
export function note(ep: Entrypoint, reason: string): void {
  ep.uncertain ??= reason;
}

/** Sets module/callable/factory from a `module:callable` target and flags targets we cannot read. */
function setTarget(ep: Entrypoint, target: Arg, defaultCallable?: string): void {
  // A target read from a config file keeps its place there (uwsgi's --ini).
  if (target.ref.index >= 0 || target.ref.range) ep.targetArg = target.ref;
  if (target.unknown) note(ep, `the target ${target.value} holds a variable without a known value`);
  else if (target.literal && target.value.includes('$')) note(ep, `the target ${target.value} holds a literal $ (exec form does not expand variables)`);
  Object.assign(ep, parseAppTarget(target.value, defaultCallable));
}

/** FLASK_APP / `--app`: `module`, `module:app`, `module:create_app()`, `path/app.py[:name]`. */
function setFlaskApp(ep: Entrypoint, a: Arg): void {
  const m = /^(.*?)(?::(?![\\/])(.*))?$/s.exec(a.value)!;
  const path = m[1];
  setTarget(ep, a);
  if (m[2] === undefined) delete ep.callable;
  if (path.endsWith('.py') || path.includes('/')) {
    ep.script = path;
    setPathModule(ep, path);
  } else {
    ep.module = path;
  }
}

/**
 * The module a file path imports as when its folder is put on sys.path (flask, fastapi, streamlit). Folders
 * with `__init__.py` above the file would make it a package module; the caller can refine with the file system.
 */
function setPathModule(ep: Entrypoint, path: string): void {
  let p = path.replace(/\.py$/, '');
  if (basename(p) === '__init__') p = dirname(p);
  ep.module = basename(p);
  const dir = p.includes('/') ? (p.startsWith('/') ? dirname(p) : normalize(p.slice(0, p.lastIndexOf('/')))) : '.';
  if (dir !== '.') ep.pythonPath = [dir, ...ep.pythonPath];
}

/** Marks variables in bind arguments: literal in exec form, unresolved in shell form. */
export function markVars(bind: Bind, ...args: (Arg | undefined)[]): Bind {
  for (const a of args) {
    if (!a) continue;
    if (a.unknown) bind.unresolved = true;
    else if (a.literal && /\$(?:\{|[A-Za-z_])/.test(a.value)) bind.literalVariable = true;
  }
  return bind;
}

function addressBind(raw: string, defaultPort: string, arg: Arg | undefined, from: SettingSource, all?: string[]): Bind {
  const a = parseAddress(raw, defaultPort);
  const bind: Bind = { raw, isDefault: from === 'default', from };
  if (a.host !== undefined) bind.host = a.host;
  if (a.port !== undefined) bind.port = a.port;
  if (a.unix !== undefined) bind.unix = a.unix;
  if (a.fd !== undefined) bind.uncertain = 'binds an inherited file descriptor';
  if (arg && (from === 'argv' || (from === 'config' && arg.ref.range))) bind.arg = arg.ref;
  if (all && all.length > 1) bind.all = all;
  return markVars(bind, arg);
}

/** Builds a bind from separate host and port values with their defaults. */
function hostPortBind(host: Picked, port: Picked): Bind {
  const isDefault = host.from === 'default' && port.from === 'default';
  const h = host.value.includes(':') && !host.value.startsWith('[') ? `[${host.value}]` : host.value;
  const bind: Bind = { host: host.value, port: port.value, raw: `${h}:${port.value}`, isDefault };
  bind.from = isDefault ? 'default' : port.from !== 'default' ? port.from : host.from;
  const envs = [host.env, port.env].filter((n): n is string => !!n);
  if (envs.length) bind.env = envs;
  if (host.arg && host.from === 'argv') bind.hostArg = host.arg.ref;
  if (port.arg && port.from === 'argv') bind.portArg = port.arg.ref;
  return markVars(bind, host.arg, port.arg);
}

/** An argument that came from an environment variable's value (no argv position). */
export function envArg(value: string, unknown = false): Arg {
  const ref: ArgRef = { value, index: -1 };
  return { value, ref, literal: false, unknown, verbatim: false };
}

function toInt(a: Arg | undefined): number | undefined {
  return a && /^\d+$/.test(a.value.trim()) ? Number(a.value.trim()) : undefined;
}

function has(env: ShellEnv, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(env, name);
}

export function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on|t|y)$/i.test(v.trim());
}
