// From a container's final argv to a structured entrypoint: unwraps shells and wrappers, then reads the server's own options.
import { basename, normalize } from '../fs';
import type { Range } from '../types';
import { Arg, ArgRef, DJANGO_RUNSERVER, hasFlag, lastValue, parseArgs, rangeIn, subArg } from './options';
import { ScriptArg, analyzeScript } from './script';
import { ShellEnv } from './shell';
import { skipWrapper, wrapperFor } from './wrappers';
import { Ctx, SERVER_MODULES, base, interpretServer, markVars, note, serverFor } from './servers';

export type { ArgRef } from './options';
export { parseAddress, parseAppTarget, splitPythonPath } from './address';
export { parseGunicornConfig, mergeGunicornConfig } from './gunicorn-config';
export type { GunicornConfig } from './gunicorn-config';

export type ServerKind =
  | 'gunicorn' | 'uvicorn' | 'hypercorn' | 'granian' | 'daphne' | 'waitress' | 'uwsgi' | 'celery' | 'python-module' | 'python-script'
  | 'flask' | 'fastapi' | 'streamlit' | 'django-manage' | 'console-script' | 'python-code' | 'unit' | 'lambda' | 'locust' | 'dramatiq' | 'unknown';

/** Where a setting's value came from. `env` is a server's own environment variable (`UVICORN_PORT`, `FLASK_RUN_HOST`). */
export type SettingSource = 'argv' | 'GUNICORN_CMD_ARGS' | 'config' | 'env' | 'default';

/** Where the server listens. */
export interface Bind {
  /** Host as given; `''` (gunicorn `:8080`) and `0.0.0.0` listen on all interfaces. */
  host?: string;
  port?: string;
  /** The address as one string (`0.0.0.0:8080`, `unix:/tmp/s.sock`). */
  raw: string;
  /** The argument holding the whole address (gunicorn/hypercorn `--bind`, waitress `--listen`, runserver's addrport). */
  arg?: ArgRef;
  /** The arguments holding host and port when they are separate options (uvicorn, flask, daphne ...). */
  hostArg?: ArgRef;
  portArg?: ArgRef;
  /** Nothing set it: the server's default. */
  isDefault: boolean;
  from?: SettingSource;
  /** The server's own environment variables that set it (`UVICORN_PORT`, `FLASK_RUN_HOST`). */
  env?: string[];
  /** Every address, when several are bound (gunicorn/hypercorn `-b` repeated, waitress `--listen`). */
  all?: string[];
  /** Exec form passed `$VAR` literally: Docker does not expand exec-form arguments, so the server gets the text `$PORT`. */
  literalVariable?: boolean;
  /** A shell variable in it has no known value here; it is resolved at run time. */
  unresolved?: boolean;
  /** A UNIX socket path instead of TCP. */
  unix?: string;
  /** Why the address may be something else (a file descriptor, a config file we cannot see, an env var without a value). */
  uncertain?: string;
  /** Range of the value in the gunicorn config file when it came from there. */
  configRange?: Range;
}

export interface Timeout {
  seconds: number;
  arg?: ArgRef;
  isDefault: boolean;
  from?: SettingSource;
  /** The value is `os.environ.get(NAME, default)`'s default in the config file. */
  fromEnvDefault?: boolean;
  configRange?: Range;
}

export interface Entrypoint {
  kind: ServerKind;
  /**
   * The environment the program runs with, when the command changes the container's: assignments before it (POSIX
   * Shell Command Language 2.9.1: they are exported to that command), `env X=1`, a shell string's exports.
   */
  env?: ShellEnv;
  /** What was analysed: the server's argv after unwrapping `sh -c`, `exec`, `env`, init wrappers, `python -m gunicorn` ... */
  argv: string[];
  /**
   * The Python interpreter the command names (`python`, `/opt/venv/bin/python3`), for `python ...` and `python -m SERVER`,
   * or the tool that picks the project's environment (`uv run`, `poetry run`); absent for console scripts.
   */
  interpreter?: string;
  /** Dotted module to import (the target's module; celery `-A`; `python -m`; FLASK_APP; a fastapi/streamlit path's module). */
  module?: string;
  /** Script path (`python app.py`, `streamlit run x.py`, `fastapi run x.py`, `manage.py`, a FLASK_APP path). */
  script?: string;
  /** Attribute looked up in the module (`app`; gunicorn's default `application`; the factory's name). */
  callable?: string;
  /** The callable is a factory (`module:create_app()`, uvicorn `--factory`, waitress `--call`). */
  factory?: boolean;
  /** Text inside the factory call's parentheses. */
  factoryArgs?: string;
  /** The argument holding the target, for fixes that rewrite it. */
  targetArg?: ArgRef;
  /** Modules one of which the server imports when no target is given (flask: `wsgi`, `app`; fastapi's discovery). */
  moduleCandidates?: string[];
  bind?: Bind;
  /** gunicorn worker timeout (default 30; 0 disables). Undefined for other servers or when it has no known value. */
  timeout?: Timeout;
  workerClass?: string;
  workers?: number;
  preload?: boolean;
  reload?: boolean;
  /** gunicorn `--chdir`, celery `--workdir`: the server changes directory before importing. */
  chdir?: string;
  /** Working directory change before the server starts (`cd /app && exec gunicorn ...`, `uv run --directory`). */
  cwd?: string;
  /** Folders the server puts on sys.path, in order: gunicorn `--pythonpath`, uvicorn `--app-dir` (first; default `.`), a FLASK_APP path's folder ... */
  pythonPath: string[];
  /** gunicorn `-c PATH` / `file:PATH`. */
  configFile?: string;
  /** The config file the server read options or its target from (uwsgi `--ini`, fastapi's pyproject.toml), and the ranges in it of the values taken from it (their `ArgRef.range`s). */
  iniFile?: { path: string; ranges: Range[] };
  /**
   * A config file the server reads at start that the model could not read (uwsgi `--ini`, `UWSGI_INI`;
   * gunicorn `-c`, set by the caller when the image lacks it); `imagePath`: where it is looked for (set by the caller);
   * `flag`: the option as messages name it.
   */
  unreadConfig?: { path: string; ref: ArgRef; imagePath?: string; flag: string };
  /** Where gunicorn's `-c` value is written, and the option as written (`-c`, `--config`). */
  configRef?: { ref: ArgRef; flag: string };
  /** Range of the `wsgi_app` value in gunicorn's config file, when the target comes from there. */
  appConfigRange?: Range;
  /** gunicorn `-c python:MODULE`. */
  configModule?: string;
  /** gunicorn reads this file from the working directory when no `-c` is given, if it exists (the caller checks). */
  defaultConfig?: 'gunicorn.conf.py';
  /** Where each gunicorn setting came from (`bind`, `timeout`, `preload`, `workerClass`, `chdir`, `pythonpath`, `app`). */
  sources?: Record<string, SettingSource>;
  djangoSettings?: string;
  /** Subcommand (`celery worker`, `flask run`, `fastapi run`, `manage.py runserver`). */
  subcommand?: string;
  /** `python -P` / PYTHONSAFEPATH: the working directory is not put on sys.path. */
  safePath?: boolean;
  /** `python -c CODE`: the code, which runs as `__main__` with the working directory first on sys.path. */
  code?: string;
  /** A server's own CLI mounted as a subcommand of the project's CLI (`dispatch server start`): that command, for messages. */
  mountedIn?: string;
  /** The program's own arguments (after a console script's name, `python -m mod`'s module, `python app.py`'s script), as parsed: a CLI in the code reads them. */
  programArgs?: Arg[];
  /** A console script: its declared name and the metadata file/line that declares it (`module`/`callable` hold its target). */
  consoleScript?: { name: string; file: string; line: number };
  /** The argv runs a shell script (`./docker-entrypoint.sh`); the caller may follow it with `followCommand`. */
  shellScript?: string;
  /** AWS Lambda's `/lambda-entrypoint.sh` given more than the one argument it takes (a shell-form CMD): those arguments. */
  lambdaArgs?: string[];
  /** Why the argv could not be fully understood; callers stay quiet when set. */
  uncertain?: string;
}

export interface ParseOptions {
  /**
   * Source ranges of the argv elements. For a shell string (`sh -c TEXT`), give the range of the verbatim
   * script text so word ranges can be computed inside it.
   */
  ranges?: (Range | undefined)[];
  /**
   * For exec-form (JSON) elements: the range of the string's content inside its quotes, so parts of an
   * element (`X` of `"--bind=X"`) get exact ranges. Defaults to `ranges`.
   */
  contentRanges?: (Range | undefined)[];
  /**
   * The argv was produced by a shell (words of a script, already expanded): a `$` left in an element is a
   * variable without a known value (`unknown[i]`), not literal text as in exec form.
   */
  expanded?: { unknown: boolean[] };
  /** Console scripts the image installed (command name -> `module:function`), so such a command runs that function. */
  consoleScripts?: ReadonlyMap<string, { module: string; func: string; file: string; line: number }>;
  /** Reads a file the server loads (a uwsgi ini) from the image; without it such files are not visible. */
  readFile?: Ctx['readFile'];
}

/** `python -m X` tools that do their job and exit: installers, byte-compilers, test runners, migrations, downloaders. */
const TOOL_MODULES = new Set(['pip', 'ensurepip', 'venv', 'virtualenv', 'compileall', 'py_compile', 'piptools', 'uv', 'alembic', 'pytest', 'unittest', 'nltk', 'spacy', 'playwright']);

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);
const ASSIGNMENT = /^[A-Za-z_]\w*=/;
const PYTHON = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$/;

/**
 * Analyses the argv a container runs. `env` is the environment known at run time (Dockerfile ENV plus
 * platform variables; a name mapped to `undefined` is set to an unknown value). Exec-form elements are
 * never expanded; words of an `sh -c` string are, with `env` plus the script's own exports.
 */
export function parseEntrypoint(argv: string[], env: ShellEnv, opts: ParseOptions = {}): Entrypoint {
  const ctx: Ctx = { env: { ...env }, consoleScripts: opts.consoleScripts, readFile: opts.readFile };
  const args: Arg[] = argv.map((value, index) => {
    const ref: ArgRef = { value, index };
    const range = opts.ranges?.[index];
    if (range) ref.range = range;
    const content = opts.contentRanges?.[index] ?? range;
    const shell = opts.expanded !== undefined;
    return { value, ref, literal: !shell, unknown: opts.expanded?.unknown[index] ?? false, verbatim: !shell, source: content ? { text: value, range: content } : undefined };
  });
  const ep = classify(unwrap(args, ctx), ctx);
  // `sh -c "HOST=0.0.0.0 python serve.py"`, `env HOST=0.0.0.0 python serve.py`: the program's environment has them.
  const keys = new Set([...Object.keys(env), ...Object.keys(ctx.env)]);
  if ([...keys].some((k) => env[k] !== ctx.env[k] || (k in env) !== (k in ctx.env))) ep.env = ctx.env;
  return ep;
}

/**
 * A server's own CLI mounted inside another program's (`add_command(uvicorn.main, name="start")`): the
 * arguments after that command, parsed as `program`'s (their ranges kept, so findings and fixes point at them).
 */
export function parseMountedProgram(program: string, args: Arg[], env: ShellEnv, cwd?: string): Entrypoint {
  const ctx: Ctx = { env: { ...env } };
  if (cwd !== undefined) ctx.cwd = cwd;
  const head: Arg = { value: program, ref: { value: program, index: -1 }, literal: true, unknown: false, verbatim: false };
  const ep = classify([head, ...args], ctx);
  delete ep.cwd;
  return ep;
}

/** A command with its wrappers removed (`exec`, `env X=1`, `tini --`, `gosu user`, `uv run`, `python -m gunicorn` ...). */
export interface Unwrapped {
  argv: string[];
  /** Per element: held a shell variable without a known value. */
  unknown: boolean[];
  env: ShellEnv;
  cwd?: string;
  uncertain?: string;
}

/**
 * Removes the wrappers `parseEntrypoint` sees through, stopping at a shell (`sh -c`, `bash script`) so
 * the caller can follow it. `unknown` flags elements that are expanded shell words without a known value.
 */
export function unwrapWrappers(argv: string[], env: ShellEnv, unknown?: boolean[]): Unwrapped {
  const ctx: Ctx = { env: { ...env }, stopAtShell: true };
  const args: Arg[] = argv.map((value, index) => ({
    value, ref: { value, index }, literal: !unknown, unknown: unknown?.[index] ?? false, verbatim: !unknown,
  }));
  const out = unwrap(args, ctx);
  const r: Unwrapped = { argv: out.map((a) => a.value), unknown: out.map((a) => a.unknown), env: ctx.env };
  if (ctx.cwd !== undefined) r.cwd = ctx.cwd;
  if (ctx.uncertain) r.uncertain = ctx.uncertain;
  return r;
}

/** Whether an argv (after unwrapping) starts a server or Python program we know. */
export function startsServer(argv: string[]): boolean {
  const ep = parseEntrypoint(argv, {});
  if (ep.kind === 'django-manage') return ep.subcommand === 'runserver';
  if (ep.kind === 'flask') return ep.subcommand === 'run';
  // `python -m pip install --upgrade yt-dlp` in a start script installs and returns (study h7 Ma: tubearchivist run.sh).
  if (ep.kind === 'python-module' && ep.module && TOOL_MODULES.has(ep.module.split('.')[0])) return false;
  return ep.kind !== 'unknown';
}

function unwrap(input: Arg[], ctx: Ctx): Arg[] {
  let args = input;
  for (let guard = 0; guard < 32 && args.length; guard++) {
    const a0 = args[0];
    const prog = basename(a0.value);
    const nextIs = (i: number, ...v: string[]): boolean => args[i] !== undefined && v.includes(args[i].value);
    if (SHELLS.has(prog)) {
      if (ctx.stopAtShell) break;
      let i = 1;
      if (prog === 'busybox' && nextIs(1, 'sh', 'ash')) i = 2;
      let scriptAt = -1;
      while (i < args.length && /^[-+]/.test(args[i].value) && args[i].value.length > 1) {
        const v = args[i].value;
        if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v)) {
          scriptAt = i + 1;
          break;
        }
        i += v === '-o' || v === '+o' ? 2 : 1;
      }
      if (scriptAt < 0 || !args[scriptAt]) break;
      const s = args[scriptAt];
      const positional = args.slice(scriptAt + 2).map((x) => x.value);
      const an = analyzeScript(s.value, ctx.env, { positional, isServer: startsServer });
      ctx.env = an.env;
      if (an.cwd !== undefined) ctx.cwd = an.cwd.startsWith('/') || !ctx.cwd ? an.cwd : normalize(`${ctx.cwd}/${an.cwd}`);
      ctx.uncertain ??= an.uncertain;
      if (!an.args) {
        ctx.uncertain ??= 'no command found in the shell string';
        return [];
      }
      args = an.args.map((sa) => fromScript(sa, s));
      continue;
    }
    if (prog === 'exec') {
      args = args.slice(1);
      continue;
    }
    if (ASSIGNMENT.test(a0.value) && !a0.literal) {
      const eq = a0.value.indexOf('=');
      ctx.env[a0.value.slice(0, eq)] = a0.unknown ? undefined : a0.value.slice(eq + 1);
      args = args.slice(1);
      continue;
    }
    if (prog === 'env') {
      let i = 1;
      for (; i < args.length; i++) {
        const v = args[i].value;
        if (v === '-i' || v === '--ignore-environment' || v === '-') ctx.env = {};
        else if (v === '-u' || v === '--unset') delete ctx.env[args[++i]?.value ?? ''];
        else if (v.startsWith('--unset=')) delete ctx.env[v.slice(8)];
        else if (v === '--') {
          i++;
          break;
        } else if (v === '-C' || v === '--chdir') ctx.cwd = args[++i]?.value;
        else if (v.startsWith('-')) ctx.uncertain ??= `unknown env option ${v}`;
        else if (ASSIGNMENT.test(v)) {
          const eq = v.indexOf('=');
          ctx.env[v.slice(0, eq)] = args[i].unknown ? undefined : v.slice(eq + 1);
        } else break;
      }
      for (; i < args.length && ASSIGNMENT.test(args[i].value); i++) {
        const eq = args[i].value.indexOf('=');
        ctx.env[args[i].value.slice(0, eq)] = args[i].value.slice(eq + 1);
      }
      args = args.slice(i);
      continue;
    }
    const wrapper = wrapperFor(prog);
    if (wrapper) {
      const w = skipWrapper(wrapper, args.map((x) => x.value));
      if (!w) {
        ctx.uncertain ??= `${prog} ${wrapper.noCommand ?? 'without a command it runs (a login shell)'}`;
        return [];
      }
      // `su -c CMD` / `runuser -c CMD` run CMD with the shell.
      args = 'shell' in w ? [{ ...args[0], value: 'sh' }, { ...args[w.shell - 1], value: '-c' }, args[w.shell]] : args.slice(w.at);
      continue;
    }
    if ((prog === 'poetry' || prog === 'pipenv' || prog === 'pdm' || prog === 'hatch' || prog === 'rye') && nextIs(1, 'run')) {
      ctx.interpreter = `${prog} run`;
      args = args.slice(2);
      continue;
    }
    if (prog === 'uv' && nextIs(1, 'run')) {
      ctx.interpreter = 'uv run';
      const r = unwrapUvRun(args, ctx);
      if (!r) break;
      args = r;
      continue;
    }
    if (prog === 'opentelemetry-instrument') {
      let i = 1;
      while (i < args.length && args[i].value.startsWith('-')) {
        const v = args[i].value;
        if (v === '--') {
          i++;
          break;
        }
        i += v.includes('=') || v === '-h' || v === '--help' || v === '--version' ? 1 : 2;
      }
      args = args.slice(i);
      continue;
    }
    if (prog === 'ddtrace-run') {
      let i = 1;
      while (i < args.length && args[i].value.startsWith('-')) i++;
      args = args.slice(i);
      continue;
    }
    if (prog === 'newrelic-admin' && nextIs(1, 'run-program')) {
      args = args.slice(2);
      continue;
    }
    if (prog === 'newrelic-admin' && nextIs(1, 'run-python')) {
      args = [{ ...args[1], value: 'python' }, ...args.slice(2)];
      continue;
    }
    if (prog === 'hupper') {
      // hupper's CLI reads its own options with argparse parse_known_args (anywhere on the line) and runs
      // `-m MODULE` with runpy like `python -m`, the rest as the module's argv (docs/assumptions.md, "hupper").
      const own: Arg[] = [];
      let mod: Arg | undefined;
      for (let i = 1; i < args.length; i++) {
        const v = args[i].value;
        if (v === '-m') mod = args[++i];
        else if (/^-m./.test(v)) mod = { ...args[i], value: v.slice(2) };
        else if (HUPPER_VALUES.has(v)) i++;
        else if (HUPPER_FLAGS.has(v) || /^-[wx]./.test(v) || /^--(?:shutdown|reload)-interval=/.test(v)) continue;
        else own.push(args[i]);
      }
      if (!mod) break;
      args = [{ ...args[0], value: 'python' }, { ...args[0], value: '-m' }, mod, ...own];
      continue;
    }
    if (prog === 'watchmedo' && nextIs(1, 'auto-restart')) {
      const dd = args.findIndex((x) => x.value === '--');
      if (dd < 0) break;
      args = args.slice(dd + 1);
      continue;
    }
    if (PYTHON.test(prog)) {
      const py = pythonOptions(args);
      if (py.module && SERVER_MODULES.has(py.module.value)) {
        ctx.interpreter = args[0].value;
        args = [py.module, ...args.slice(py.rest)];
        continue;
      }
    }
    break;
  }
  return args;
}

const HUPPER_VALUES = new Set(['-w', '-x', '--shutdown-interval', '--reload-interval']);
const HUPPER_FLAGS = new Set(['-v', '-q']);

const UV_VALUES = new Set([
  '--with', '--with-editable', '--with-requirements', '--extra', '--group', '--only-group', '--no-group', '--python',
  '-p', '--env-file', '--directory', '--project', '--package', '--index', '--index-url', '--default-index',
  '--extra-index-url', '-f', '--find-links', '--cache-dir', '--config-file', '--color', '--index-strategy',
  '--keyring-provider', '--resolution', '--prerelease', '--link-mode', '--reinstall-package', '--upgrade-package',
  '-P', '--refresh-package', '--exclude-newer', '--python-platform',
]);

/**
 * Where the command `uv run` / `poetry run` / `pipenv run` / `pdm run` / `hatch run` / `rye run` runs starts in `argv`
 * (`uv run --frozen --with httpx python x.py` -> 4), or undefined when it is no runner, names no command, or runs it
 * elsewhere (`--directory`, `--project`) or as a module (`-m`): the same option reading as the entrypoint parser's.
 */
export function runnerCommandStart(argv: readonly string[]): number | undefined {
  if (argv[1] !== 'run') return undefined;
  if (['poetry', 'pipenv', 'pdm', 'hatch', 'rye'].includes(argv[0])) return argv.length > 2 ? 2 : undefined;
  if (argv[0] !== 'uv') return undefined;
  let i = 2;
  while (i < argv.length && argv[i].startsWith('-')) {
    const v = argv[i];
    if (v === '--') return i + 1 < argv.length ? i + 1 : undefined;
    const eq = v.indexOf('=');
    const name = eq >= 0 ? v.slice(0, eq) : v;
    if (name === '--directory' || name === '--project' || v === '-m' || v === '--module') return undefined;
    i += UV_VALUES.has(name) && eq < 0 ? 2 : 1;
  }
  return i < argv.length ? i : undefined;
}

function unwrapUvRun(args: Arg[], ctx: Ctx): Arg[] | undefined {
  let i = 2;
  while (i < args.length && args[i].value.startsWith('-')) {
    const v = args[i].value;
    if (v === '--') return args.slice(i + 1);
    if (v === '-m' || v === '--module') return [{ ...args[i], value: 'python' }, ...args.slice(i)];
    const eq = v.indexOf('=');
    const name = eq >= 0 ? v.slice(0, eq) : v;
    if (name === '--directory') {
      const dir = eq >= 0 ? v.slice(eq + 1) : args[i + 1]?.value;
      if (dir !== undefined) ctx.cwd = dir.startsWith('/') || !ctx.cwd ? dir : normalize(`${ctx.cwd}/${dir}`);
    }
    i += UV_VALUES.has(name) && eq < 0 ? 2 : 1;
  }
  // `uv run app.py` runs the file with the project's Python (uv docs, "Running scripts").
  if (args[i] && /\.pyw?$/.test(args[i].value)) return [{ ...args[i], value: 'python' }, ...args.slice(i)];
  return args.slice(i);
}

/** Reads the interpreter's options: `-m module`, `-c code`, or the script, and where the program's own args start. */
function pythonOptions(args: Arg[]): { module?: Arg; code?: Arg; script?: Arg; stdin?: boolean; safePath: boolean; rest: number } {
  let safePath = false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    const v = a.value;
    if (v === '-') return { stdin: true, safePath, rest: i + 1 };
    if (v === '--') return { script: args[i + 1], safePath, rest: i + 2 };
    if (!v.startsWith('-')) return { script: a, safePath, rest: i + 1 };
    if (v.startsWith('--')) {
      if (v === '--check-hash-based-pycs') i++;
      continue;
    }
    for (let j = 1; j < v.length; j++) {
      const ch = v[j];
      if (ch === 'P') safePath = true;
      if (ch === 'm' || ch === 'c' || ch === 'W' || ch === 'X') {
        let value: Arg | undefined;
        let next = i + 1;
        if (j + 1 < v.length) value = subArg(a, j + 1);
        else {
          value = args[i + 1];
          next = i + 2;
        }
        if (ch === 'm') return { module: value, safePath, rest: next };
        if (ch === 'c') return value ? { code: value, safePath, rest: next } : { safePath, rest: next };
        i = next - 1;
        break;
      }
    }
  }
  return { safePath, rest: args.length };
}

function fromScript(sa: ScriptArg, s: Arg): Arg {
  const whole = s.ref.start === undefined;
  const ref: ArgRef = { value: sa.value, index: s.ref.index };
  if (whole) {
    ref.start = sa.word.start;
    ref.end = sa.word.end;
  } else {
    ref.start = s.ref.start;
    ref.end = s.ref.end;
  }
  const source = whole && s.verbatim && s.ref.range ? { text: s.value, range: s.ref.range } : undefined;
  if (source) ref.range = rangeIn(source.text, source.range, ref.start!, ref.end!);
  else if (s.ref.range) ref.range = s.ref.range;
  return { value: sa.value, ref, literal: false, unknown: sa.unknown, verbatim: sa.verbatim && whole, source };
}

function classify(args: Arg[], ctx: Ctx): Entrypoint {
  if (!args.length) return base('unknown', args, { ...ctx, uncertain: ctx.uncertain ?? 'empty command' });
  const prog = basename(args[0].value);
  const rest = args.slice(1);
  const server = serverFor(prog);
  // A `lambda-entrypoint.sh` the Dockerfile copied in is a script of its own (followed as one), not the base image's.
  const ownScript = server?.kind === 'lambda' && prog !== 'awslambdaric' && !args[0].unknown && ctx.readFile?.(args[0].value, ctx.cwd) !== undefined;
  if (server && !ownScript) return interpretServer(server, args, ctx);
  if (prog === 'manage.py') return django(args, args[0], rest, ctx);
  if (PYTHON.test(prog)) return python(args, ctx);
  const cs = ctx.consoleScripts?.get(prog);
  if (cs && !args[0].unknown) {
    const ep = base('console-script', args, ctx);
    ep.module = cs.module;
    ep.callable = cs.func;
    ep.consoleScript = { name: prog, file: cs.file, line: cs.line };
    ep.programArgs = rest;
    return ep;
  }
  const ep = base('unknown', args, ctx);
  if (prog.endsWith('.sh')) ep.shellScript = args[0].value;
  else if (SHELLS.has(prog) && args[1] && !args[1].value.startsWith('-')) ep.shellScript = args[1].value;
  return ep;
}

function python(args: Arg[], ctx: Ctx): Entrypoint {
  const py = pythonOptions(args);
  if (py.module) {
    const ep = base('python-module', args, ctx);
    ep.module = py.module.value;
    ep.targetArg = py.module.ref;
    if (py.module.unknown || (py.module.literal && py.module.value.includes('$'))) note(ep, `the module ${py.module.value} holds a variable`);
    if (py.safePath) ep.safePath = true;
    ep.programArgs = args.slice(py.rest);
    return ep;
  }
  if (py.script && basename(py.script.value) === 'manage.py') return django(args, py.script, args.slice(py.rest), ctx);
  if (py.script) {
    const ep = base('python-script', args, ctx);
    ep.script = py.script.value;
    ep.targetArg = py.script.ref;
    if (py.script.unknown || (py.script.literal && py.script.value.includes('$'))) note(ep, `the script ${py.script.value} holds a variable`);
    ep.programArgs = args.slice(py.rest);
    return ep;
  }
  if (py.code) {
    const ep = base('python-code', args, ctx);
    ep.code = py.code.value;
    ep.targetArg = py.code.ref;
    if (py.code.unknown) note(ep, 'the python -c code holds a variable without a known value');
    return ep;
  }
  const ep = base('unknown', args, ctx);
  note(ep, py.stdin ? 'python reads the program from stdin' : 'python without a program');
  return ep;
}

function django(args: Arg[], script: Arg, rest: Arg[], ctx: Ctx): Entrypoint {
  // A manage.py is Django's only when it runs Django: Flask/click projects (redash) name their CLI manage.py
  // too, and their `runserver -h 0.0.0.0` is not Django's runserver. Unreadable: Django, as the name says.
  const file = script.unknown ? undefined : ctx.readFile?.(script.value, ctx.cwd);
  if (file && !/\bdjango\b/i.test(file.text)) {
    const ep = base('python-script', args, ctx);
    ep.script = script.value;
    ep.targetArg = script.ref;
    return ep;
  }
  const ep = base('django-manage', args, ctx);
  ep.script = script.value;
  ep.targetArg = script.ref;
  const p = parseArgs(rest, DJANGO_RUNSERVER);
  const sub = p.positionals[0];
  const settings = lastValue(p, '--settings');
  if (settings) ep.djangoSettings = settings.value;
  const pp = lastValue(p, '--pythonpath');
  if (pp) ep.pythonPath = [pp.value];
  if (!sub) return ep;
  ep.subcommand = sub.value;
  if (sub.value !== 'runserver') return ep;
  const addr = p.positionals[1];
  const ipv6 = hasFlag(p, '--ipv6', '-6');
  if (!addr) {
    const host = ipv6 ? '::1' : '127.0.0.1';
    ep.bind = { host, port: '8000', raw: ipv6 ? '[::1]:8000' : '127.0.0.1:8000', isDefault: true, from: 'default' };
    return ep;
  }
  // Django's runserver takes `[addr:]port` with a numeric port (its naiveip_re); anything else (`0.0.0.0`
  // alone) stops it with "is not a valid port number or address:port pair": no address to compare.
  if (!addr.unknown && !addr.value.includes('$') && !/^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*):)?\d+$/.test(addr.value)) {
    note(ep, `runserver's address ${addr.value} is not [addr:]port (Django refuses it)`);
    return ep;
  }
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[\w.-]+):)?(\S+)$/.exec(addr.value);
  let host = m?.[1] ?? (ipv6 ? '::1' : '127.0.0.1');
  if (host === '0') host = '0.0.0.0';
  host = host.replace(/^\[|\]$/g, '');
  ep.bind = markVars({ host, port: m?.[2] ?? addr.value, raw: addr.value, isDefault: false, from: 'argv', arg: addr.ref }, addr);
  return ep;
}
