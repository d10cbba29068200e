// Follows a container's command through shells and scripts at any depth, the way the shell runs them: case dispatch, functions, exec "$@", exports, cd, sourced files.
import { join, normalize } from '../fs';
import { LineIndex } from '../python/lexical';
import { startsServer, unwrapWrappers } from './parse';
import { ScriptArg, SETUP, activateEnv, activatedVenv, expandCommand } from './script';
import { ExpandOptions, ShellCommand, ShellEnv, ShellWord, compareUid, expandWord, globSource, splitShellOps, userOutputs } from './shell';

/** What following needs to know about the image: file contents and kinds, by absolute path. */
export interface ImageReader {
  /** Content of a file, or undefined when absent or not visible to the model. */
  text(path: string): string | undefined;
  stat(path: string): 'file' | 'dir' | undefined;
  /** What is at the path is not known (a folder an unseen step wrote, a volume): a file test there is not decided. Without it, every absent path is uncertain. */
  uncertain?(path: string): boolean;
}

export interface FollowOptions {
  /** The container's environment (undefined value: set to something unknown). */
  env: ShellEnv;
  /** Working directory (absolute). */
  cwd: string;
  /** PATH when the environment does not set it (Docker's default otherwise). */
  path?: string;
  image: ImageReader;
  /**
   * Every variable the container starts with is in `env` (no `envFrom`, unreadable env_file...): a test
   * of a variable nothing sets (`[ "$LD_SUPERVISOR_MANAGED" = "True" ]`) sees it empty, as the shell does
   * in a container started without it, so the branch the image runs by default is followed.
   */
  envComplete?: boolean;
  /**
   * The user the command starts as (Docker's USER form), when known: `$(id -u)`, `$(whoami)` in a script
   * expand to it (the `if [ "$(id -u)" = "0" ]; then exec gosu app "$0" "$@"; fi` of many entrypoints).
   * A user switcher on the way (`gosu app`, `su-exec`, `s6-setuidgid`; `su`, `runuser`, `setpriv`, `chpst`: unknown) changes it.
   */
  user?: string;
  /** What `/bin/sh` is in the image (base image facts): `sh -c` and `#!/bin/sh` scripts run in that shell. */
  binSh?: 'dash' | 'ash' | 'bash' | 'none';
}

/** The shell a script runs in: dash (Debian's and Ubuntu's /bin/sh), BusyBox ash (Alpine's), bash. */
export type ShellDialect = 'dash' | 'ash' | 'bash';

/**
 * A command the shell cannot run, so that the container's command fails before its server starts: `source` in dash
 * (Debian's /bin/sh) is "source: not found" (status 127), and the `&&` after it never runs.
 */
export interface ShellFault {
  /** The script's image path; undefined: the `sh -c` text of the container's command. */
  file?: string;
  /** Offsets of the failing word in that text. */
  start: number;
  end: number;
  word: string;
  /** The shell that runs it, for messages: `dash`. */
  shell: ShellDialect;
  /** The first command that does not run because of it (`exec gunicorn app:app`). */
  skipped?: string;
}

/** test(1)'s file tests that deploylint decides from the image: exists as a regular file, a folder, anything, non-empty; readable/writable/executable only when absent. */
const FILE_TESTS = new Set(['-f', '-d', '-e', '-a', '-s', '-x', '-r', '-w']);

/** test(1)'s integer comparisons. */
const INTEGER_TESTS: Record<string, (a: number, b: number) => boolean> = {
  '-eq': (a, b) => a === b, '-ne': (a, b) => a !== b, '-lt': (a, b) => a < b, '-le': (a, b) => a <= b, '-gt': (a, b) => a > b, '-ge': (a, b) => a >= b,
};

/** Wrappers that run the command as another user: the user their first argument names, or undefined (not read). */
const USER_SWITCHERS: Record<string, 'first' | 'unknown'> = {
  gosu: 'first', 'su-exec': 'first', 's6-setuidgid': 'first', setuidgid: 'first',
  su: 'unknown', runuser: 'unknown', setpriv: 'unknown', chpst: 'unknown', 's6-applyuidgid': 'unknown', 's6-envuidgid': 'unknown',
};

/** The user after the wrappers `unwrapWrappers` took off the front of `argv` (`kept` elements remain). */
function userAfter(argv: string[], kept: number, user: string | undefined): string | undefined {
  const prefix = argv.slice(0, argv.length - kept);
  for (let k = 0; k < prefix.length; k++) {
    const how = USER_SWITCHERS[prefix[k].split('/').pop()!];
    if (how === 'first') user = prefix[k + 1]?.startsWith('-') ? undefined : prefix[k + 1];
    else if (how === 'unknown') user = undefined;
  }
  return user;
}

/** One step of the chain: the script, and the line of the command that leads on. */
export interface FollowStep {
  file: string;
  /** 0-based line of the command in `file`. */
  line: number;
  /** The command as written, shortened. */
  what: string;
}

export interface FollowedCommand {
  /** The command that finally runs (still wrapped as written when nothing was followed). */
  argv: string[];
  /** Per element: a shell variable in it had no known value (its reference is kept in the text). */
  unknown: boolean[];
  /** The argv came out of a shell (its elements are expanded words, not exec-form text). */
  shell: boolean;
  /** Environment of the final command (variables the scripts exported included). */
  env: ShellEnv;
  cwd: string;
  /** Scripts followed, outermost first; empty when the argv did not go through a shell. */
  chain: FollowStep[];
  /** When the argv is a command of the last script file in `chain`: each element's word in that file (offsets into its text). */
  words?: ShellWord[];
  /**
   * Per element: its index in the argv that was followed, when a script's `"$@"` passed it on unchanged
   * (so it is written where the container's command is, not in the script); undefined elsewhere.
   */
  passedFrom?: (number | undefined)[];
  /** Why what runs is not known (a branch that cannot be chosen, a script that cannot be read). */
  uncertain?: string;
  /** The command fails in its shell before a server starts (see ShellFault). */
  fault?: ShellFault;
  /** Reverse proxies and web servers the scripts start beside the server (see `proxyStarted`): where, and which. */
  proxies?: StartedProxy[];
}

/** A proxy a script starts: the script's image path, the 0-based line, the program. */
export interface StartedProxy {
  file: string;
  line: number;
  prog: string;
}

/** Reverse proxies and web servers a start script may run in front of the app server (nginx on 8000 -> uvicorn on 8080). */
const PROXIES = new Set(['nginx', 'openresty', 'caddy', 'haproxy', 'traefik', 'envoy', 'httpd', 'apache2ctl', 'lighttpd']);
const PROXY_SERVICES = new Set(['nginx', 'apache2', 'haproxy', 'lighttpd']);

/**
 * The proxy a command starts, if it starts one: `nginx &`, `nginx` (it daemonizes: `daemon on` is nginx's default),
 * `sudo nginx`, `service nginx start`. What listens on the published port is then the proxy, whose config is not read.
 */
function proxyStarted(args: string[]): string | undefined {
  let i = 0;
  while (args[i] === 'exec' || args[i] === 'sudo') i++;
  const prog = (args[i] ?? '').split('/').pop()!;
  if (PROXIES.has(prog)) return prog;
  if (prog === 'service' && PROXY_SERVICES.has(args[i + 1] ?? '') && /^(?:re)?start$/.test(args[i + 2] ?? '')) return args[i + 1];
  return undefined;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash']);
const MAX_SCRIPTS = 16;

/**
 * Follows `argv` through `sh -c` strings and shell scripts (found via PATH or relative to `cwd`, with
 * or without extension: a `#!` line for sh/bash/dash/ash, or a `.sh` name) until a command that is no
 * shell. Each script is evaluated with its arguments: `exec "$@"` passes them on, `case "$1"` picks the
 * arm they select, functions run, `export`/`cd`/`set --`/`shift`/`source` change what follows. When a
 * branch cannot be chosen, `uncertain` says why instead of guessing.
 */
export function followCommand(argv: string[], opts: FollowOptions): FollowedCommand {
  let out: FollowedCommand = { argv, unknown: argv.map(() => false), shell: false, env: { ...opts.env }, cwd: opts.cwd, chain: [] };
  const visited = new Set<string>();
  let user = opts.user;
  for (let guard = 0; guard < MAX_SCRIPTS; guard++) {
    const u = unwrapWrappers(out.argv, out.env, out.shell ? out.unknown : undefined);
    if (!u.argv.length) return out;
    user = userAfter(out.argv, u.argv.length, user);
    const cwd = u.cwd ? abs(out.cwd, u.cwd) : out.cwd;
    const prog = u.argv[0].split('/').pop()!;
    let script: { path?: string; text: string; positional: string[]; name: string; dialect?: ShellDialect } | undefined;
    if (SHELLS.has(prog)) {
      const s = shellInvocation(u.argv);
      if (!s) return out;
      const dialect = dialectOf(prog, opts.binSh);
      if (s.code !== undefined) script = { text: s.code, positional: s.args.slice(1), name: s.args[0] ?? prog, ...(dialect ? { dialect } : {}) };
      else {
        const path = resolve(s.file!, cwd, u.env, opts, true);
        if (!path) return out;
        const text = opts.image.text(path);
        if (text === undefined) return { ...out, uncertain: `the script ${path} is not visible in the image` };
        script = { path, text, positional: s.args, name: s.file!, ...(dialect ? { dialect } : {}) };
      }
    } else {
      const path = resolve(u.argv[0], cwd, u.env, opts, false);
      const text = path ? opts.image.text(path) : undefined;
      // An executable Python file (`#!/usr/bin/env python3`): the kernel runs it with that interpreter, as `python3 FILE ARGS`.
      const py = path && text !== undefined ? pythonShebang(text) : undefined;
      if (py) {
        const rest = u.argv.slice(1);
        return { ...out, argv: [py, path!, ...rest], unknown: [false, false, ...(out.shell ? u.unknown.slice(1) : rest.map(() => false))], env: u.env, cwd, chain: [...out.chain, { file: path!, line: 0, what: `${py} ${path}` }] };
      }
      if (!path || text === undefined || !isShellScript(path, text)) return out;
      // The kernel runs it with its #! interpreter (a file without one: not a shell's choice the model makes).
      const interp = shebangProgram(text)?.split('/').pop();
      const dialect = interp ? dialectOf(interp, opts.binSh) : undefined;
      script = { path, text, positional: u.argv.slice(1), name: u.argv[0], ...(dialect ? { dialect } : {}) };
    }
    if (script.path) {
      // A script that re-runs itself as another user (`exec gosu app "$0" "$@"`) is another run of it.
      const run = `${script.path}\0${user ?? ''}`;
      if (visited.has(run)) return { ...out, uncertain: `${script.path} runs itself again` };
      visited.add(run);
    }
    const r = evaluateScript(script.text, {
      env: u.env, cwd, positional: script.positional, name: script.name, file: script.path, image: opts.image, path: opts.path, envComplete: opts.envComplete,
      ...(user !== undefined ? { user } : {}), ...(script.dialect ? { dialect: script.dialect } : {}),
      ...(script.path && /^#!\s*\S+(?:\s+\S*sh)?\s+-\w*e/.test(script.text) ? { errexit: true } : {}),
    });
    const file = script.path ?? '(sh -c)';
    if (r.fault) {
      const fault: ShellFault = { ...r.fault, ...(script.path ? { file: script.path } : {}) };
      out.chain = [...out.chain, { file, line: r.fault.line, what: r.fault.word }];
      return { ...out, fault, uncertain: `${file}: ${r.fault.word} is not a command in ${r.fault.shell}, so the command stops there` };
    }
    out.chain = [...out.chain, { file, line: r.line ?? 0, what: r.what ?? '' }];
    if (r.proxies?.length && script.path) out.proxies = [...(out.proxies ?? []), ...r.proxies.map((x) => ({ file: script!.path!, ...x }))];
    if (r.uncertain || !r.args) return { ...out, uncertain: r.uncertain ?? `no command found in ${file}` };
    const passedFrom = passedOn(out, u.argv, script.positional, r.args);
    out = { argv: r.args.map((a) => a.value), unknown: r.args.map((a) => a.unknown), shell: true, env: r.env, cwd: r.cwd, chain: out.chain, passedFrom, ...(out.proxies ? { proxies: out.proxies } : {}) };
    if (script.path && r.inFile !== false) out.words = r.args.map((a) => a.word);
  }
  return { ...out, uncertain: `more than ${MAX_SCRIPTS} scripts` };
}

/**
 * Where each argument of the command a script ran came from in the argv that was followed: `"$@"`
 * splices the script's positional arguments in order, and those are the last elements of that argv
 * (after any wrapper, `sh` or script name). Other arguments were written in the script.
 */
function passedOn(prev: FollowedCommand, unwrapped: string[], positional: string[], args: { value: string; word: ShellWord }[]): (number | undefined)[] {
  const base = prev.argv.length - positional.length;
  const suffix = unwrapped.length <= prev.argv.length && positional.every((v, k) => prev.argv[base + k] === v);
  const out: (number | undefined)[] = [];
  let k = 0;
  for (let i = 0; i < args.length; i++) {
    const splice = /^"?\$(?:[@*]|\{[@*]\})"?$/.test(args[i].word.raw);
    if (i > 0 && args[i].word !== args[i - 1].word) k = 0;
    out.push(splice && suffix && k < positional.length && args[i].value === positional[k] ? (prev.passedFrom ? prev.passedFrom[base + k++] : base + k++) : undefined);
  }
  return out;
}

/** The dialect a shell program runs: `sh` is whatever /bin/sh is in the image. */
function dialectOf(prog: string, binSh: FollowOptions['binSh']): ShellDialect | undefined {
  if (prog === 'sh') return binSh === 'none' ? undefined : binSh;
  return prog === 'bash' || prog === 'dash' || prog === 'ash' ? prog : undefined;
}

function abs(cwd: string, p: string): string {
  return normalize(p.startsWith('/') ? p : join(cwd, p));
}

/** `sh [opts] -c CODE [$0 args...]` or `sh [opts] FILE [args...]`. */
function shellInvocation(argv: string[]): { code?: string; file?: string; args: string[] } | undefined {
  let i = 1;
  while (i < argv.length && /^[-+]./.test(argv[i])) {
    const v = argv[i];
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v)) return argv[i + 1] === undefined ? undefined : { code: argv[i + 1], args: argv.slice(i + 2) };
    i += v === '-o' || v === '+o' ? 2 : 1;
  }
  return argv[i] === undefined ? undefined : { file: argv[i], args: argv.slice(i + 1) };
}

/** The image path a command name runs: relative to `cwd` when it has a slash, else found on PATH (a shell's script argument also relative to `cwd`). */
function resolve(name: string, cwd: string, env: ShellEnv, opts: FollowOptions, scriptArg: boolean): string | undefined {
  if (name.includes('$')) return undefined;
  if (name.includes('/') || scriptArg) {
    const p = abs(cwd, name);
    if (opts.image.stat(p) === 'file' || name.includes('/')) return opts.image.stat(p) === 'file' ? p : undefined;
  }
  for (const dir of (env.PATH ?? opts.path ?? DEFAULT_PATH).split(':')) {
    if (!dir.startsWith('/')) continue;
    const p = join(dir, name);
    if (opts.image.stat(p) === 'file') return p;
  }
  return undefined;
}

/** A file the shell would run: a `#!` line naming sh/bash/dash/ash (directly or through env or with-contenv), or a `.sh` name without another `#!`. */
/** The program a `#!` line runs: `#!/usr/bin/env python3` and s6-overlay's `#!/command/with-contenv bash` name it after the launcher. */
function shebangProgram(text: string): string | undefined {
  const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(text);
  if (!m) return undefined;
  const interp = m[1].split('/').pop()!;
  return interp === 'env' || interp === 'with-contenv' ? m[2]?.replace(/^-\S*$/, '') : m[1];
}

/** The interpreter of a `#!` line that runs Python (`/usr/bin/env python3`, `/opt/venv/bin/python`), undefined otherwise. */
export function pythonShebang(text: string): string | undefined {
  const prog = shebangProgram(text);
  return prog && /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$/.test(prog.split('/').pop()!) ? prog : undefined;
}

export function isShellScript(path: string, text: string): boolean {
  if (!text.startsWith('#!')) return /\.(?:sh|bash)$/.test(path);
  return SHELLS.has(shebangProgram(text)?.split('/').pop() ?? '');
}

// ---- parsing: simple commands from the lexer -> a small tree of control structures ----

/** A parsed shell command list: simple commands, and/or lists and control structures (also walked by docker/run.ts for RUN). */
export type ShellNode = Node;
type Node =
  | { t: 'cmd'; words: ShellWord[]; start: number; bg?: boolean; pipe?: boolean }
  | { t: 'andor'; items: Node[]; ops: ('&&' | '||')[] }
  | { t: 'if'; arms: { cond: Node[]; body: Node[] }[]; otherwise?: Node[]; start: number }
  | { t: 'case'; word: ShellWord; arms: { patterns: ShellWord[]; body: Node[] }[]; start: number }
  /** `for NAME in WORDS`: `name` and `list` (undefined for `for NAME; do`, which loops over the positional parameters); while/until have neither. */
  | { t: 'loop'; body: Node[]; start: number; kind: 'for' | 'select' | 'while' | 'until'; name?: string; list?: ShellWord[] }
  | { t: 'group'; body: Node[]; subshell: boolean }
  | { t: 'func'; name: string; body: Node[] };

/**
 * An `if` arm that tests a variable and only reports and exits with a failure status: every command of its body
 * prints (echo, printf, logger, cat, >&2 messages) and the last is `exit N` with N other than 0.
 */
/** The operands of `op` at the top level of a `[[ ]]` test (outside parentheses); one part when it has none. */
function splitTest(ws: ShellWord[], op: string): ShellWord[][] {
  const parts: ShellWord[][] = [[]];
  let depth = 0;
  for (const w of ws) {
    if (!w.quoted && w.text === '(') depth++;
    else if (!w.quoted && w.text === ')') depth--;
    if (depth === 0 && !w.quoted && w.text === op) parts.push([]);
    else parts[parts.length - 1].push(w);
  }
  return parts;
}

/** The `(` that starts `ws` is closed by its last word. */
function closesAtEnd(ws: ShellWord[]): boolean {
  let depth = 0;
  for (let i = 0; i < ws.length; i++) {
    if (ws[i].quoted) continue;
    if (ws[i].text === '(') depth++;
    else if (ws[i].text === ')' && --depth === 0) return i === ws.length - 1;
  }
  return false;
}

function failureGuard(cond: Node[], body: Node[]): boolean {
  const words = (n: Node): ShellWord[] => (n.t === 'cmd' ? n.words : []);
  // A variable the deployment sets, or a file under /run/secrets (compose and swarm mount secrets there when the container starts).
  if (!cond.some((n) => n.t === 'cmd' && words(n).some((w) => /\$|^\/run\/secrets\//.test(w.raw.replace(/^["']/, ''))))) return false;
  if (!body.length || !body.every((n) => n.t === 'cmd')) return false;
  const last = words(body[body.length - 1]);
  if (last[0]?.text !== 'exit' || !/^[1-9]\d*$/.test(last[1]?.text ?? '')) return false;
  return body.slice(0, -1).every((n) => ['echo', 'printf', 'logger', 'cat', '>&2'].includes(words(n)[0]?.text ?? ''));
}

const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'case', 'esac', 'for', 'while', 'until', 'select', 'do', 'done', '{', '}', '!', 'function', 'in']);

class Parser {
  private i = 0;
  constructor(private readonly toks: ShellCommand[]) {}

  /** First word of the current command when it is an unquoted reserved word. */
  private kw(): string | undefined {
    const t = this.toks[this.i];
    const w = t?.words[0];
    return w && !w.quoted && w.raw === w.text && RESERVED.has(w.text) ? w.text : undefined;
  }

  /** Drops the first word of the current command (a keyword already read). */
  private eat(): void {
    const t = this.toks[this.i];
    const rest = t.words.slice(1);
    if (rest.length || t.op === '(' || t.op === ')' || t.op === ';;') this.toks[this.i] = { ...t, words: rest, start: rest[0]?.start ?? t.start };
    else this.i++;
  }

  private skipEmpty(): void {
    while (this.i < this.toks.length && !this.toks[this.i].words.length && !['(', ')', ';;'].includes(this.toks[this.i].op)) this.i++;
  }

  parseList(ends: Set<string>, stopAfterArm = false): Node[] {
    const out: Node[] = [];
    for (;;) {
      this.skipEmpty();
      if (this.i >= this.toks.length) return out;
      const k = this.kw();
      if (k && ends.has(k)) return out;
      const t = this.toks[this.i];
      if (!t.words.length && t.op === ';;') {
        this.i++;
        if (stopAfterArm) return out;
        continue;
      }
      const node = this.parseAndOr(ends);
      if (node) out.push(node);
      if (stopAfterArm && this.toks[this.i - 1]?.op === ';;') return out;
    }
  }

  private parseAndOr(ends: Set<string>): Node | undefined {
    const items: Node[] = [];
    const ops: ('&&' | '||')[] = [];
    for (;;) {
      const before = this.i;
      const n = this.parseCommand(ends);
      if (n) items.push(n);
      const last = this.toks[this.i - 1];
      if (!n || this.i === before || !last || (last.op !== '&&' && last.op !== '||')) break;
      ops.push(last.op);
    }
    if (!items.length) return undefined;
    return items.length === 1 ? items[0] : { t: 'andor', items, ops: ops.slice(0, items.length - 1) };
  }

  private parseCommand(ends: Set<string>): Node | undefined {
    this.skipEmpty();
    const t = this.toks[this.i];
    if (!t) return undefined;
    const k = this.kw();
    const start = t.start;
    if (k === '!') {
      this.eat();
      return this.parseCommand(ends);
    }
    if (k === 'if') {
      this.eat();
      const arms: { cond: Node[]; body: Node[] }[] = [];
      let otherwise: Node[] | undefined;
      for (;;) {
        const cond = this.parseList(new Set(['then']));
        if (this.kw() !== 'then') break;
        this.eat();
        const body = this.parseList(new Set(['elif', 'else', 'fi']));
        arms.push({ cond, body });
        const next = this.kw();
        if (next === 'elif') {
          this.eat();
          continue;
        }
        if (next === 'else') {
          this.eat();
          otherwise = this.parseList(new Set(['fi']));
        }
        break;
      }
      if (this.kw() === 'fi') this.eat();
      return { t: 'if', arms, otherwise, start };
    }
    if (k === 'case') {
      this.eat();
      const word = this.toks[this.i]?.words[0];
      if (!word) return undefined;
      this.eat();
      if (this.kw() === 'in') this.eat();
      const arms: { patterns: ShellWord[]; body: Node[] }[] = [];
      for (;;) {
        this.skipEmpty();
        if (this.i >= this.toks.length || this.kw() === 'esac') break;
        const patterns: ShellWord[] = [];
        for (;;) {
          const p = this.toks[this.i];
          if (!p) break;
          patterns.push(...p.words);
          this.i++;
          if (p.op === ')') break;
        }
        arms.push({ patterns, body: this.parseList(new Set(['esac']), true) });
      }
      if (this.kw() === 'esac') this.eat();
      return { t: 'case', word, arms, start };
    }
    if (k === 'for' || k === 'while' || k === 'until' || k === 'select') {
      let name: string | undefined;
      let list: ShellWord[] | undefined;
      if (k === 'for' || k === 'select') {
        const head = t.words;
        name = head[1]?.text;
        if (head[2]?.text === 'in' && !head[2].quoted) list = head.slice(3);
        this.i++;
      } else {
        this.eat();
        this.parseList(new Set(['do']));
      }
      this.skipEmpty();
      if (this.kw() === 'do') this.eat();
      const body = this.parseList(new Set(['done']));
      if (this.kw() === 'done') this.eat();
      return { t: 'loop', body, start, kind: k, ...(name !== undefined ? { name } : {}), ...(list ? { list } : {}) };
    }
    if (k === '{') {
      this.eat();
      const body = this.parseList(new Set(['}']));
      if (this.kw() === '}') this.eat();
      return { t: 'group', body, subshell: false };
    }
    if (k === 'function') {
      this.eat();
      const name = this.toks[this.i]?.words[0]?.text;
      if (!name) return undefined;
      this.eat();
      if (this.toks[this.i] && !this.toks[this.i].words.length && this.toks[this.i].op === ')') this.i++;
      return { t: 'func', name, body: this.funcBody(ends) };
    }
    if (!t.words.length && t.op === '(') {
      this.i++;
      const body = this.parseUntilClose();
      return { t: 'group', body, subshell: true };
    }
    if (k && ends.has(k)) return undefined;
    // `name() { ... }`
    const next = this.toks[this.i + 1];
    if (t.words.length === 1 && t.op === '(' && next && !next.words.length && next.op === ')') {
      this.i += 2;
      return { t: 'func', name: t.words[0].text, body: this.funcBody(ends) };
    }
    this.i++;
    if (!t.words.length) return undefined;
    return { t: 'cmd', words: t.words, start: t.start, ...(t.op === '&' ? { bg: true } : {}), ...(t.op === '|' ? { pipe: true } : {}) };
  }

  private funcBody(ends: Set<string>): Node[] {
    const n = this.parseCommand(ends);
    if (!n) return [];
    return n.t === 'group' ? n.body : [n];
  }

  private parseUntilClose(): Node[] {
    const body: Node[] = [];
    while (this.i < this.toks.length) {
      const t = this.toks[this.i];
      if (!t.words.length && t.op === ')') {
        this.i++;
        break;
      }
      const n = this.parseAndOr(new Set());
      if (n) body.push(n);
      else this.i++;
      if (this.toks[this.i - 1]?.op === ')' && this.toks[this.i - 1].words.length) break;
    }
    return body;
  }
}

/** Parses a script into control structures over the shell lexer's commands (`heredocs`: skip here-document bodies, as a script file holds them inline). */
export function parseScript(text: string, heredocs = true): Node[] {
  return new Parser(splitShellOps(text, heredocs)).parseList(new Set());
}

/**
 * Decides an `if`/`elif`/`while` condition (or one `&&`/`||` operand that is a test) outside a script, as the
 * follower decides them: `[ ]`/`test`/`[[ ]]` string, integer and file tests, `true`/`false`, `!`, and/or lists
 * of tests. Undefined when it cannot be decided (a variable without a known value, a command that is no test).
 * Without `positional`, `$1`/`$#` are not known.
 */
export function decideCondition(cond: Node[], o: Omit<EvalOptions, 'positional'> & { positional?: string[] }): boolean | undefined {
  const st: State = {
    vars: { ...o.env }, exported: new Set(Object.keys(o.env)), positional: o.positional && [...o.positional], cwd: o.cwd,
    opaque: false, funcs: new Map(), ran: [], depth: 0, ...(o.errexit ? { errexit: true } : {}),
  };
  return new Evaluator('', { ...o, positional: o.positional ?? [] }).decide(cond, st);
}

// ---- evaluation ----

export interface EvalOptions {
  env: ShellEnv;
  cwd: string;
  /** The script's arguments. */
  positional: string[];
  /** `$0`. */
  name: string;
  /** The script's image path, when it is a file (to recognise it re-running itself). */
  file?: string;
  image: ImageReader;
  path?: string;
  /** See {@link FollowOptions.envComplete}. */
  envComplete?: boolean;
  /** See {@link FollowOptions.user}. */
  user?: string;
  /** The shell that runs the script, when known: bash-only builtins fail in dash. */
  dialect?: ShellDialect;
  /** `set -e` from the start (`#!/bin/sh -e`). */
  errexit?: boolean;
}

export interface ScriptRun {
  /** The command the script hands the process to (`exec X`), or the service it runs last. */
  args?: ScriptArg[];
  /** Exported environment of that command. */
  env: ShellEnv;
  cwd: string;
  /** Line of that command in the script (0-based). */
  line?: number;
  what?: string;
  /** False when the command is written in another file (a sourced one), so `args[i].word` offsets are not this script's. */
  inFile?: boolean;
  uncertain?: string;
  /** The script fails (see ShellFault) and no server starts after it: where, in this script's text (0-based line). */
  fault?: Omit<ShellFault, 'file'> & { line: number };
  /** Proxies the script starts (0-based lines of this script's text). */
  proxies?: { line: number; prog: string }[];
}

/** A command the script ran: expanded arguments, its environment and folder, and its words as written. */
interface Ran {
  args: ScriptArg[];
  env: ShellEnv;
  cwd: string;
  words: ShellWord[];
  /** Run from a sourced file, not the script itself. */
  sourced?: boolean;
  /** Started beside the script (`cmd &`) or as the first part of a pipeline (`cmd | tee log`), not waited for in turn. */
  beside?: 'background' | 'pipe';
}

interface State {
  vars: ShellEnv;
  exported: Set<string>;
  positional: string[] | undefined;
  cwd: string;
  /** pushd's directory stack. */
  dirs?: string[];
  /** Proxies started so far (proxyStarted), written in this script. */
  proxies?: { line: number; prog: string }[];
  opaque: boolean;
  funcs: Map<string, Node[]>;
  uncertain?: string;
  /** Foreground commands run, in order. */
  ran: Ran[];
  result?: Ran;
  /** A service may have been started by a command that runs only under a condition. */
  maybe?: string;
  depth: number;
  /** `set -e` is on: a failing command outside a condition ends the script. */
  errexit?: boolean;
  /** The first command the shell could not run (see ShellFault), in the top script's text. */
  fault?: { start: number; end: number; word: string; skipped?: string; sourced: boolean };
}

type Flow = 'next' | 'exec' | 'exit' | 'return';

const ASSIGNMENT = /^[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=/;
const MAX_DEPTH = 24;

/**
 * Runs a script in the model: the command it execs (or, without exec, the last service it starts in
 * the foreground), with the environment and working directory it has then.
 */
export function evaluateScript(text: string, o: EvalOptions): ScriptRun {
  const st: State = {
    vars: { ...o.env }, exported: new Set(Object.keys(o.env)), positional: [...o.positional], cwd: o.cwd,
    opaque: false, funcs: new Map(), ran: [], depth: 0,
  };
  const ev = new Evaluator(text, o);
  ev.list(parseScript(text), st);
  let chosen = st.result;
  if (!chosen && st.maybe) st.uncertain ??= st.maybe;
  if (!chosen && !st.uncertain) {
    const argv = (r: State['ran'][number]): string[] => r.args.map((a) => a.value);
    const fg = st.ran.filter((r) => !r.beside).reverse();
    const server = fg.find((r) => startsServer(argv(r)));
    const last = fg.find((r) => !SETUP.has(argv(r)[0] ?? '') && !SETUP.has((argv(r)[0] ?? '').split('/').pop()!));
    // Foreground commands run one after another: a server followed by another command had exited before it ran, so
    // the container's process is that last command (feast: `python materialize.py`, then `feast serve ...`).
    chosen = (server && last && fg.indexOf(last) < fg.indexOf(server) ? last : server ?? last) ?? [...st.ran].reverse().find((r) => r.beside);
  }
  const out: ScriptRun = { env: chosen?.env ?? ev.exportedEnv(st), cwd: chosen?.cwd ?? st.cwd, ...(st.proxies ? { proxies: st.proxies } : {}) };
  // A failed `source` reported only when no server starts after it (one that does runs, with or without what it set),
  // and only where it is written in this script (a sourced file's offsets are another file's).
  if (st.fault && !st.fault.sourced && o.dialect && !(chosen && startsServer(chosen.args.map((a) => a.value)))) {
    const { sourced: _s, ...f } = st.fault;
    out.fault = { ...f, shell: o.dialect, line: ev.lineOf(f.start) };
    return out;
  }
  if (st.uncertain) out.uncertain = st.uncertain;
  if (chosen) {
    out.args = chosen.args;
    if (chosen.sourced) out.inFile = false;
    else {
      out.line = ev.lineOf(chosen.words[0]?.start ?? 0);
      out.what = ev.cmdText(chosen.words);
    }
  }
  return out;
}

class Evaluator {
  private readonly lines: LineIndex;
  /** The script being evaluated (a sourced file's evaluator has another `o.file`). */
  /** What `$(id -u)` and the like print for the user the script runs as: in commands, and in tests (where a named user's uid is known not to be 0). */
  private readonly outputs: ReadonlyMap<string, string> | undefined;
  private readonly testOutputs: ReadonlyMap<string, string> | undefined;
  constructor(private readonly text: string, private readonly o: EvalOptions, private readonly top = o.file) {
    this.lines = new LineIndex(text);
    this.outputs = userOutputs(o.user);
    this.testOutputs = userOutputs(o.user, true);
  }

  lineOf(offset: number): number {
    return this.lines.lineOf(offset);
  }

  /** A command as written, shortened. */
  cmdText(words: ShellWord[]): string {
    const s = words.length ? this.text.slice(words[0].start, words[words.length - 1].end).replace(/\\\r?\n\s*/g, ' ') : '';
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  }

  exportedEnv(st: State): ShellEnv {
    const env: ShellEnv = {};
    for (const k of st.exported) if (Object.prototype.hasOwnProperty.call(st.vars, k)) env[k] = st.vars[k];
    return env;
  }

  private xopts(st: State): ExpandOptions {
    return { ...(st.positional ? { positional: st.positional } : {}), name: this.o.name, opaque: st.opaque, cwd: st.cwd, ...(this.outputs ? { outputs: this.outputs } : {}) };
  }

  private expand(w: ShellWord | string, st: State): { value: string; unknown: boolean } {
    const e = expandWord(w, st.vars, this.xopts(st));
    return { value: e.value, unknown: e.unknown };
  }

  private uncertain(st: State, why: string): void {
    st.uncertain ??= why;
  }

  list(nodes: Node[], st: State): Flow {
    for (const n of nodes) {
      const f = this.node(n, st);
      if (f !== 'next' || st.uncertain) return f;
    }
    return 'next';
  }

  /** Runs one node; `status` of the last command is tracked by `cond`. */
  private node(n: Node, st: State): Flow {
    switch (n.t) {
      case 'func':
        st.funcs.set(n.name, n.body);
        return 'next';
      case 'group':
        if (n.subshell) {
          // `( ... )` runs in a child shell: its variables, cd and exit stay there, its commands run in the container
          // in turn (an exec replaces only the subshell, which the script then waits for).
          const t: State = { ...st, vars: { ...st.vars }, dirs: st.dirs && [...st.dirs], exported: new Set(st.exported), positional: st.positional && [...st.positional], funcs: new Map(st.funcs), ran: [], result: undefined };
          this.list(n.body, t);
          st.ran.push(...t.ran, ...(t.result ? [t.result] : []));
          if (t.uncertain) st.uncertain ??= t.uncertain;
          if (t.maybe) st.maybe ??= t.maybe;
          return 'next';
        }
        return this.list(n.body, st);
      case 'loop':
        this.unknownEffects(n.body, st, 'a loop');
        return 'next';
      case 'if': {
        for (const [i, arm] of n.arms.entries()) {
          const c = this.cond(arm.cond, st);
          if (c === undefined) {
            const same = this.sameExec([...n.arms.slice(i).map((a) => a.body), ...(n.otherwise ? [n.otherwise] : [])], !!n.otherwise, st);
            if (same) return same;
            const open = [...n.arms.slice(i).flatMap((a) => a.body), ...(n.otherwise ?? [])];
            this.unknownEffects(open, st, `a condition the model cannot decide (line ${this.lineOf(arm.cond[0]?.t === 'cmd' ? arm.cond[0].start : n.start) + 1})`);
            return 'next';
          }
          // A guard that stops the container unless the operator sets a variable (`if [ -z "$ADMIN_PASSWORD" ];
          // then echo ... >&2; exit 1; fi`): the deployment provides it (docker run -e, compose, a pod's env), which
          // the model may not see; it follows the run that starts, past the guard.
          if (c && failureGuard(arm.cond, arm.body)) continue;
          if (c) return this.list(arm.body, st);
        }
        return n.otherwise ? this.list(n.otherwise, st) : 'next';
      }
      case 'case': {
        const w = this.expand(n.word, st);
        if (w.unknown) {
          this.unknownEffects(n.arms.flatMap((a) => a.body), st, `case on ${n.word.raw}, whose value is not known (line ${this.lineOf(n.start) + 1})`);
          return 'next';
        }
        for (const arm of n.arms) {
          const pats = arm.patterns.map((p) => this.expand(p, st));
          if (pats.some((p) => p.unknown)) {
            this.unknownEffects(n.arms.flatMap((a) => a.body), st, `a case pattern whose value is not known (line ${this.lineOf(n.start) + 1})`);
            return 'next';
          }
          if (arm.patterns.some((p, i) => globMatch(p.quoted ? escapeGlob(pats[i].value) : pats[i].value, w.value))) return this.list(arm.body, st);
        }
        return 'next';
      }
      case 'andor': {
        let ok: boolean | undefined = true;
        for (let i = 0; i < n.items.length; i++) {
          const item = n.items[i];
          const runs = i === 0 ? true : n.ops[i - 1] === '&&' ? ok : ok === undefined ? undefined : !ok;
          if (runs === undefined) {
            this.unknownEffects([item], st, 'a command that runs only if another one fails or succeeds');
            ok = undefined;
            continue;
          }
          if (!runs) continue;
          // `[ -n "$DATABASE_URL" ] || exit 1` (or `|| { echo ...; exit 1; }`): a guard, read as the `if` form is.
          if (i > 0 && failureGuard([n.items[i - 1]], item.t === 'group' && !item.subshell ? item.body : [item])) {
            ok = true;
            continue;
          }
          if (item.t === 'cmd' && this.notACommand(item, st)) {
            // `source x && exec server`: status 127, so what follows `&&` does not run.
            const next = n.items.slice(i + 1).find((_x, k) => n.ops[i + k] === '&&');
            if (st.fault && !st.fault.skipped && next?.t === 'cmd') st.fault.skipped = this.cmdText(next.words);
            ok = false;
            continue;
          }
          const c = item.t === 'cmd' ? this.testOf(item.words, st) : undefined;
          if (c !== 'not-a-test') {
            ok = c;
            continue;
          }
          const f = this.node(item, st);
          if (f !== 'next') return f;
          ok = true;
        }
        return 'next';
      }
      case 'cmd':
        return this.command(n, st);
    }
  }

  /** {@link decideCondition}. */
  decide(nodes: Node[], st: State): boolean | undefined {
    return this.cond(nodes, st);
  }

  /** A condition's value: `[ ... ]`/`test`/`[[ ... ]]`, `true`/`false`, negations; undefined when it cannot be decided. */
  private cond(nodes: Node[], st: State): boolean | undefined {
    if (nodes.length !== 1) return undefined;
    const n = nodes[0];
    // `[ -d /app/static ] && [ -s /app/main.py ]`: a list of tests, evaluated as the shell does (left to right, short-circuit).
    if (n.t === 'andor') {
      if (!n.items.every((i) => i.t === 'cmd')) return undefined;
      let ok = this.cond([n.items[0]], st);
      for (let i = 1; i < n.items.length; i++) {
        const and = n.ops[i - 1] === '&&';
        if (ok === (and ? false : true)) continue;
        const next = this.cond([n.items[i]], st);
        if (ok === undefined) ok = and ? (next === false ? false : undefined) : next === true ? true : undefined;
        else ok = next;
      }
      return ok;
    }
    if (n.t !== 'cmd') return undefined;
    const r = this.testOf(n.words, st);
    return r === 'not-a-test' ? undefined : r;
  }

  private testOf(words: ShellWord[], st: State): boolean | undefined | 'not-a-test' {
    let ws = words;
    let neg = false;
    while (ws[0] && ws[0].text === '!' && !ws[0].quoted) {
      neg = !neg;
      ws = ws.slice(1);
    }
    const w0 = ws[0]?.text;
    let inner: ShellWord[];
    if (w0 === 'true' || w0 === ':') return !neg;
    if (w0 === 'false') return neg;
    if (w0 === '[' && ws[ws.length - 1]?.text === ']') inner = ws.slice(1, -1);
    else if (w0 === '[[' && ws[ws.length - 1]?.text === ']]') inner = ws.slice(1, -1);
    else if (w0 === 'test') inner = ws.slice(1);
    else return neg && ws.length ? undefined : 'not-a-test';
    const r = this.testExpr(inner, st, w0 === '[[');
    return r === undefined ? undefined : neg ? !r : r;
  }

  private testExpr(ws: ShellWord[], st: State, double: boolean): boolean | undefined {
    // bash's `[[ a || b ]]`, `[[ a && b ]]` (`&&` binding tighter) and `( ... )`, evaluated left to right with short-circuit.
    if (double) {
      for (const op of ['||', '&&']) {
        const parts = splitTest(ws, op);
        if (parts.length < 2) continue;
        let known = true;
        for (const part of parts) {
          const r = this.testExpr(part, st, true);
          if (r === (op === '||')) return r;
          if (r === undefined) known = false;
        }
        return known ? op !== '||' : undefined;
      }
      if (ws[0]?.text === '(' && !ws[0].quoted && closesAtEnd(ws)) return this.testExpr(ws.slice(1, -1), st, true);
    }
    if (ws[0]?.text === '!' && !ws[0].quoted) {
      const r = this.testExpr(ws.slice(1), st, double);
      return r === undefined ? undefined : !r;
    }
    // In a test, a variable nothing set is empty when the container's environment is known in full.
    const unsetEmpty = !!this.o.envComplete && !st.opaque;
    const val = (w: ShellWord): string | undefined => {
      const e = expandWord(w, st.vars, { ...this.xopts(st), unsetEmpty, ...(this.testOutputs ? { outputs: this.testOutputs } : {}) });
      return e.unknown ? undefined : e.value;
    };
    if (ws.length === 1) {
      const v = val(ws[0]);
      return v === undefined ? undefined : v !== '';
    }
    if (ws.length === 2 && (ws[0].text === '-z' || ws[0].text === '-n')) {
      const v = val(ws[1]);
      return v === undefined ? undefined : ws[0].text === '-z' ? v === '' : v !== '';
    }
    // `[[ $1 =~ ^-+ ]]`: an extended regular expression, unanchored (read as a JavaScript one; undecided when it is not one).
    if (double && ws.length === 3 && ws[1].text === '=~' && !ws[1].quoted) {
      const a = val(ws[0]);
      const re = val(ws[2]);
      if (a === undefined || re === undefined || /\[\[:|\\[<>]/.test(re)) return undefined;
      try {
        return new RegExp(ws[2].quoted ? re.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : re).test(a);
      } catch {
        return undefined;
      }
    }
    if (double && ws.length === 3 && (ws[1].text === '<' || ws[1].text === '>') && !ws[1].quoted) {
      const a = val(ws[0]);
      const b = val(ws[2]);
      if (a === undefined || b === undefined) return undefined;
      return ws[1].text === '<' ? a < b : a > b;
    }
    if (ws.length === 3 && ['=', '==', '!='].includes(ws[1].text)) {
      const a = val(ws[0]);
      const b = val(ws[2]);
      if (a === undefined || b === undefined) return undefined;
      const uid = compareUid(a, b);
      if (uid === 'unknown') return undefined;
      const eq = uid !== undefined ? uid : double && !ws[2].quoted ? globMatch(b, a) : a === b;
      return ws[1].text === '!=' ? !eq : eq;
    }
    // File tests against the image (`if [ -f /app/app/main.py ]; then MODULE=app.main`): what the build put there.
    if (ws.length === 2 && !ws[0].quoted && FILE_TESTS.has(ws[0].text)) {
      const raw = val(ws[1]);
      if (raw === undefined || /[*?[]/.test(raw)) return undefined;
      if (raw === '') return false;
      const path = abs(st.cwd, raw);
      const kind = this.o.image.stat(path);
      if (kind === undefined) return this.o.image.uncertain && !this.o.image.uncertain(path) ? false : undefined;
      const t = ws[0].text;
      if (t === '-f') return kind === 'file';
      if (t === '-d') return kind === 'dir';
      if (t === '-e' || t === '-a') return true;
      if (t === '-s' && kind === 'file') {
        const text = this.o.image.text(path);
        return text === undefined ? undefined : text.length > 0;
      }
      // -x, -r, -w: modes and owners are not modelled; only that it is absent is known.
      return undefined;
    }
    // Integer comparisons (`[ "$(id -u)" -eq 0 ]`, `[ "$WORKERS" -gt 1 ]`): both sides must be integers.
    const op = ws.length === 3 && !ws[1].quoted ? INTEGER_TESTS[ws[1].text] : undefined;
    if (op) {
      const a = val(ws[0])?.trim();
      const b = val(ws[2])?.trim();
      if (a === undefined || b === undefined) return undefined;
      // A named user's uid is known only not to be 0: -eq/-ne against 0 are decided, nothing else.
      const uid = compareUid(a, b);
      if (uid !== undefined) {
        if (uid === 'unknown' || (ws[1].text !== '-eq' && ws[1].text !== '-ne')) return undefined;
        return ws[1].text === '-eq' ? uid : !uid;
      }
      if (!/^-?\d+$/.test(a) || !/^-?\d+$/.test(b)) return undefined;
      return op(Number(a), Number(b));
    }
    return undefined;
  }

  /**
   * A structure whose branches may or may not run: variables they assign become unknown, and a
   * service they could exec or start makes the result uncertain.
   */
  /**
   * When a condition cannot be decided but every branch (an `else` included) execs the same program, only
   * through different wrappers (`exec granian ...` vs `exec s6-setuidgid paperless granian ...`), the script
   * execs that program either way: the first branch is taken. Undefined when the branches differ.
   */
  private sameExec(bodies: Node[][], complete: boolean, st: State): Flow | undefined {
    if (!complete || bodies.length < 2) return undefined;
    const runs = bodies.map((body) => {
      const t: State = { ...st, vars: { ...st.vars }, dirs: st.dirs && [...st.dirs], exported: new Set(st.exported), positional: st.positional && [...st.positional], funcs: new Map(st.funcs), ran: [...st.ran], result: undefined };
      const flow = this.list(body, t);
      return { t, flow };
    });
    const key = (r: (typeof runs)[number]) => {
      if (r.flow !== 'exec' || !r.t.result || r.t.uncertain || r.t.maybe !== st.maybe) return undefined;
      const u = unwrapWrappers(r.t.result.args.map((a) => a.value), r.t.result.env, r.t.result.args.map((a) => a.unknown));
      return u.uncertain ? undefined : JSON.stringify([u.argv, r.t.result.cwd]);
    };
    const k0 = key(runs[0]);
    if (k0 === undefined || runs.some((r) => key(r) !== k0)) return undefined;
    Object.assign(st, runs[0].t);
    return 'exec';
  }

  private unknownEffects(nodes: Node[], st: State, why: string): void {
    const stack = [...nodes];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.t) {
        case 'cmd': {
          const words = n.words;
          const first = words[0].text;
          for (const w of words) {
            if (!ASSIGNMENT.test(w.raw) || !(first === 'export' || first === 'local' || first === 'readonly' || ASSIGNMENT.test(words[0].raw))) continue;
            st.vars[w.text.slice(0, w.text.indexOf('='))] = undefined;
          }
          if (first === 'set' && words[1]?.text === '--') st.positional = undefined;
          if (first === 'cd') this.uncertain(st, `the working directory changes under ${why}`);
          if ((first === 'source' || first === '.') && !n.bg) st.opaque = true;
          if (first === 'exec' && words.length > 1 && !this.isSelf(words.slice(1), st)) this.uncertain(st, `the script may exec ${this.cmdText(words.slice(1))} under ${why}`);
          else if (!n.bg && !n.pipe && first !== 'exec') {
            const args = expandCommand(words, st.vars, st.positional, this.xopts(st)).map((a) => a.value);
            if (startsServer(args)) st.maybe ??= `the script may start ${this.cmdText(n.words)} under ${why}`;
          }
          const fn = st.funcs.get(first);
          if (fn && st.depth < MAX_DEPTH) {
            st.depth++;
            this.unknownEffects(fn, st, why);
            st.depth--;
          }
          break;
        }
        case 'andor':
        case 'group':
        case 'loop':
        case 'func':
          if (n.t === 'func') st.funcs.set(n.name, n.body);
          else stack.push(...(n.t === 'andor' ? n.items : n.body));
          break;
        case 'if':
          stack.push(...n.arms.flatMap((a) => [...a.cond, ...a.body]), ...(n.otherwise ?? []));
          break;
        case 'case':
          stack.push(...n.arms.flatMap((a) => a.body));
          break;
      }
    }
  }

  /** `exec gosu user "$0" "$@"`: the script re-runs itself (as another user); what follows is the same script. */
  private isSelf(words: ShellWord[], st: State): boolean {
    const u = unwrapWrappers(expandCommand(words, st.vars, st.positional, this.xopts(st)).map((a) => a.value), {});
    const w = u.argv[0];
    if (w === undefined) return false;
    // In `sh -c CODE ARG0 ...` $0 is ARG0 (Docker passes CMD there after a shell-form ENTRYPOINT), not this script.
    const dollar0 = this.o.file !== undefined && words.some((x) => /^"?\$(?:0|\{0\})"?$/.test(x.raw));
    return w === this.o.name || (this.o.file !== undefined && w === this.o.file) || /BASH_SOURCE/.test(w) || dollar0 || words.some((x) => /BASH_SOURCE/.test(x.raw));
  }

  private command(n: Extract<Node, { t: 'cmd' }>, st: State): Flow {
    let words = n.words;
    const first = words[0].text;
    const proxy = this.o.file === this.top ? proxyStarted(words.map((w) => w.text)) : undefined;
    if (proxy) (st.proxies ??= []).push({ line: this.lineOf(n.start), prog: proxy });
    // Assignments alone: shell variables (exported when already exported).
    if (words.every((w) => ASSIGNMENT.test(w.raw))) {
      for (const w of words) this.assign(st, w, false);
      return 'next';
    }
    // `server &` (then `wait` or a watch loop) and `server | tee log` run it beside the script: kept as a
    // candidate when it starts a server, for a script that runs no server in the foreground.
    if (n.bg || n.pipe) {
      if (st.funcs.has(first) || ['exec', 'cd', 'pushd', 'popd', 'export', 'source', '.', 'set', 'shift', 'exit', 'return'].includes(first)) return 'next';
      const args = expandCommand(words, st.vars, st.positional, this.xopts(st));
      if (!args.some((a) => a.scriptArgs) && startsServer(args.map((a) => a.value))) st.ran.push({ args, env: this.exportedEnv(st), cwd: st.cwd, words, beside: n.bg ? 'background' : 'pipe', ...(this.o.file !== this.top ? { sourced: true } : {}) });
      return 'next';
    }
    switch (first) {
      case 'export':
      case 'readonly':
      case 'local':
      case 'declare':
      case 'typeset':
        for (const w of words.slice(1)) {
          if (ASSIGNMENT.test(w.raw)) this.assign(st, w, first === 'export');
          else if (first === 'export' && /^[A-Za-z_]\w*$/.test(w.text)) st.exported.add(w.text);
        }
        return 'next';
      case 'unset':
        for (const w of words.slice(1)) if (!w.text.startsWith('-')) delete st.vars[w.text];
        return 'next';
      case 'cd':
      case 'pushd': {
        // `pushd DIR` is `cd DIR` that remembers where it was, for `popd` (bash builtins).
        const dirArg = words.slice(1).find((w) => !/^[-+]/.test(w.text));
        if (first === 'pushd' && !dirArg) return 'next';
        const t = dirArg ? this.expand(dirArg, st) : { value: st.vars.HOME ?? '/root', unknown: st.vars.HOME === undefined && 'HOME' in st.vars };
        if (t.unknown || t.value.includes('$')) this.uncertain(st, `${first} to ${dirArg?.raw ?? '$HOME'}, whose value is not known`);
        else if (t.value !== '-') {
          if (first === 'pushd') (st.dirs ??= []).push(st.cwd);
          st.cwd = abs(st.cwd, t.value);
        }
        return 'next';
      }
      case 'popd': {
        const back = st.dirs?.pop();
        if (back !== undefined) st.cwd = back;
        return 'next';
      }
      case 'set':
        for (let k = 1; k < words.length; k++) {
          const o = words[k].text;
          if (/^[-+][a-zA-Z]*e[a-zA-Z]*$/.test(o)) st.errexit = o.startsWith('-');
          else if ((o === '-o' || o === '+o') && words[k + 1]?.text === 'errexit') st.errexit = o === '-o';
          else if (o === '--' || !/^[-+]/.test(o)) break;
        }
        if (words[1]?.text === '--' || (words[1] && !words[1].text.startsWith('-') && !words[1].text.startsWith('+'))) {
          const args = expandCommand(words.slice(words[1].text === '--' ? 2 : 1), st.vars, st.positional, this.xopts(st));
          st.positional = args.some((a) => a.unknown || a.scriptArgs) ? undefined : args.map((a) => a.value);
        }
        return 'next';
      case 'shift': {
        const k = words[1] ? Number(this.expand(words[1], st).value) : 1;
        if (st.positional && Number.isInteger(k)) st.positional = st.positional.slice(k);
        else st.positional = undefined;
        return 'next';
      }
      case 'exit':
        return 'exit';
      case 'return':
        return 'return';
      case 'source':
      case '.':
        // dash has no `source`: it fails (and sets nothing); under `set -e` the script ends there.
        if (this.notACommand(n, st)) return st.errexit ? 'exit' : 'next';
        this.source(words[1], st);
        return 'next';
    }
    const fn = st.funcs.get(first);
    if (fn && !words[0].quoted) return this.callFunction(fn, words.slice(1), st);
    let args = expandCommand(words, st.vars, st.positional, this.xopts(st));
    // `VAR=x [exec] cmd`: the variables are exported to that command only.
    let env = this.exportedEnv(st);
    const prefix = (): void => {
      while (args.length && ASSIGNMENT.test(args[0].word.raw)) {
        const eq = args[0].value.indexOf('=');
        env = { ...env, [args[0].value.slice(0, eq)]: args[0].unknown ? undefined : args[0].value.slice(eq + 1) };
        args = args.slice(1);
        words = words.slice(1);
      }
    };
    prefix();
    const exec = args[0]?.value === 'exec';
    if (exec) {
      args = args.slice(1);
      words = words.slice(1);
      while (args[0] && /^-[acl]+$/.test(args[0].value)) args = args.slice(1);
      prefix();
    }
    if (exec && !args.length) return 'next';
    if (args.some((a) => a.scriptArgs)) {
      this.uncertain(st, 'the script\'s arguments are not known here');
      return 'exec';
    }
    const rec: Ran = { args, env, cwd: st.cwd, words: exec ? n.words : words, ...(this.o.file !== this.top ? { sourced: true } : {}) };
    if (exec) {
      if (this.isSelf(words, st)) return 'next';
      st.result = rec;
      return 'exec';
    }
    st.ran.push(rec);
    return 'next';
  }

  private callFunction(body: Node[], argWords: ShellWord[], st: State): Flow {
    if (st.depth >= MAX_DEPTH) {
      this.uncertain(st, 'functions call each other too deeply');
      return 'exec';
    }
    const args = expandCommand(argWords, st.vars, st.positional, this.xopts(st));
    const saved = st.positional;
    st.positional = args.some((a) => a.unknown || a.scriptArgs) ? undefined : args.map((a) => a.value);
    st.depth++;
    const f = this.list(body, st);
    st.depth--;
    st.positional = saved;
    return f === 'return' ? 'next' : f;
  }

  private assign(st: State, w: ShellWord, exported: boolean): void {
    const m = /^([A-Za-z_]\w*)(\[[^\]]*\])?(\+?)=/.exec(w.raw)!;
    const name = m[1];
    const valueRaw = w.raw.slice(m[0].length);
    // Arrays (`keys=(a b)`, `arr+=(c)`, `arr[1]=x`) and appends are not modelled: the variable's value is not known.
    if (m[2] || m[3] || valueRaw.startsWith('(')) {
      st.vars[name] = undefined;
      if (exported) st.exported.add(name);
      return;
    }
    const e = expandWord(valueRaw, st.vars, this.xopts(st));
    st.vars[name] = e.unknown ? undefined : e.value;
    if (exported) st.exported.add(name);
  }

  /**
   * A builtin the script's shell does not have: `source` in dash ("source: not found", status 127; `.` is the POSIX
   * name). Records the first such fault; true when the command fails.
   */
  private notACommand(n: Extract<Node, { t: 'cmd' }>, st: State): boolean {
    const w = n.words[0];
    if (this.o.dialect !== 'dash' || w.text !== 'source' || w.quoted || w.raw !== 'source') return false;
    st.fault ??= { start: w.start, end: w.end, word: 'source', sourced: this.o.file !== this.top };
    return true;
  }

  /** `. file`: a readable file runs in this shell; an unreadable one may set anything. */
  private source(w: ShellWord | undefined, st: State): void {
    if (!w) return;
    const p = this.expand(w, st);
    const path = p.unknown ? undefined : abs(st.cwd, p.value);
    // A virtualenv's activate script (made by a RUN, so rarely readable): what it does is known.
    const venv = path ? activatedVenv(path, st.cwd) : undefined;
    if (venv) {
      const set = activateEnv(venv, st.vars);
      for (const [k, v] of Object.entries(set)) {
        st.vars[k] = v;
        st.exported.add(k);
      }
      return;
    }
    const text = path ? this.o.image.text(path) : undefined;
    if (text === undefined || st.depth >= MAX_DEPTH) {
      st.opaque = true;
      return;
    }
    st.depth++;
    const sub = new Evaluator(text, { ...this.o, file: path, name: this.o.name }, this.top);
    const f = sub.list(parseScript(text), st);
    st.depth--;
    if (f === 'exec' && st.result) this.uncertain(st, `the sourced file ${path} execs a command`);
  }
}

/** Marks glob characters in quoted text as literal. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** Shell pattern matching (`*`, `?`, `[...]`, backslash escapes) of a whole string. */
export function globMatch(pattern: string, s: string): boolean {
  return new RegExp(`^${globSource(pattern)}$`).test(s);
}
