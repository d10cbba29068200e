// Finds the command a shell script (an `sh -c` string or an entrypoint script) ends up running, with the env and cwd it runs in.
import { normalize } from '../fs';
import { ExpandOptions, ShellEnv, ShellWord, expandWord, splitShell } from './shell';

/** One argument of the chosen command after expansion, with the word it came from. */
export interface ScriptArg {
  value: string;
  word: ShellWord;
  /** The word held a variable without a known value (its reference is kept in `value`). */
  unknown: boolean;
  /** `value` equals the word as written, so offsets inside the word map to the source. */
  verbatim: boolean;
  /** Stands for the script's own arguments (`"$@"`) when none were supplied. */
  scriptArgs?: boolean;
}

export interface ScriptAnalysis {
  /** The command that runs the service, expanded; undefined when none was found. */
  args?: ScriptArg[];
  /** The command was `exec ...` (the process replaces the shell). */
  exec: boolean;
  /** Environment in effect for the command: the input env plus exports and assignments before it. */
  env: ShellEnv;
  /** Working directory after `cd` commands before it (relative paths stay relative to the start). */
  cwd?: string;
  /** Why the result may be wrong (the command runs only under a condition, `set --` rewrote the arguments). */
  uncertain?: string;
}

export interface ScriptOptions {
  /** Arguments the script receives (`$@`); when undefined a `"$@"` word is kept as one marker argument. */
  positional?: string[];
  /** Whether an argv starts a known server, used to pick among several commands. */
  isServer?: (argv: string[]) => boolean;
}

/** Words that are no service: setup commands skipped when looking for what the script runs. */
export const SETUP = new Set([
  'echo', 'printf', 'set', 'export', 'cd', 'true', 'false', ':', 'exit', 'wait', 'sleep', 'trap', 'umask', 'ulimit',
  'mkdir', 'chmod', 'chown', 'rm', 'cp', 'mv', 'ln', 'touch', 'test', '[', '[[', 'source', '.', 'unset', 'shift',
  'return', 'local', 'readonly', 'cat', 'tee', 'envsubst', 'sed', 'grep', 'read', 'wait-for-it',
  'wait-for-it.sh', 'dockerize', 'nc', 'curl', 'wget', 'ls', 'pip', 'whoami', 'id', 'date', 'eval', 'tail', 'head', 'pushd', 'popd', 'dirs',
]);
const OPENERS = new Set(['if', 'while', 'until', 'for', 'case', 'select']);
const CLOSERS = new Set(['fi', 'done', 'esac']);
const PREFIX_KEYWORDS = new Set(['then', 'else', 'elif', 'do', '{', '}', '!', 'time']);
const ASSIGNMENT = /^[A-Za-z_]\w*=/;

interface Cmd {
  words: ShellWord[];
  depth: number;
  env: ShellEnv;
  cwd?: string;
  positionalChanged: boolean;
}

/** The virtualenv whose `bin/activate` a `.`/`source` argument names (`/venv/bin/activate`, `.venv/bin/activate` from `cwd`). */
export function activatedVenv(arg: string, cwd: string | undefined): string | undefined {
  const m = /^(.*[^/])\/bin\/activate$/.exec(arg);
  if (!m || m[1].includes('$')) return undefined;
  return m[1].startsWith('/') ? normalize(m[1]) : cwd ? normalize(`${cwd}/${m[1]}`) : undefined;
}

/** What sourcing a virtualenv's `bin/activate` sets: VIRTUAL_ENV, and its bin folder first on PATH. */
export function activateEnv(venv: string, env: ShellEnv): ShellEnv {
  const path = env.PATH;
  return { VIRTUAL_ENV: venv, PATH: path === undefined && 'PATH' in env ? undefined : `${venv}/bin:${path ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'}` };
}

/**
 * Walks a shell script's simple commands, tracking `export`/assignments, `cd` and control-flow depth,
 * and picks the command that runs the service: the last top-level `exec`, else the last command the
 * `isServer` callback recognises, else the last command that is not a setup builtin.
 */
export function analyzeScript(text: string, env: ShellEnv, opts: ScriptOptions = {}): ScriptAnalysis {
  const cmds: Cmd[] = [];
  let curEnv: ShellEnv = { ...env };
  let cwd: string | undefined;
  let depth = 0;
  let positionalChanged = false;
  for (let words of splitShell(text)) {
    while (words.length && PREFIX_KEYWORDS.has(words[0].text) && !words[0].quoted) words = words.slice(1);
    if (!words.length) continue;
    const first = words[0].text;
    if (CLOSERS.has(first)) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (OPENERS.has(first)) {
      depth++;
      // `if cmd` / `while cmd`: the condition runs, but is no candidate.
      continue;
    }
    const value = (w: ShellWord): string => expandWord(w, curEnv).value;
    if (first === 'export' || first === 'readonly' || first === 'local' || words.every((w) => ASSIGNMENT.test(w.raw))) {
      for (const w of words) {
        const eq = w.text.indexOf('=');
        if (!ASSIGNMENT.test(w.raw)) continue;
        const name = w.text.slice(0, eq);
        const e = expandWord(w.raw.slice(w.raw.indexOf('=') + 1), curEnv);
        curEnv = { ...curEnv, [name]: depth > 0 || e.unknown ? undefined : e.value };
      }
      continue;
    }
    if (first === 'cd') {
      const target = words[1] ? value(words[1]) : undefined;
      if (depth === 0 && target !== undefined && !target.includes('$')) {
        cwd = target.startsWith('/') || cwd === undefined ? normalize(target) : normalize(`${cwd}/${target}`);
      }
      continue;
    }
    // `. /venv/bin/activate` (or `source`): what virtualenv's activate does for what follows: its bin first on PATH.
    if ((first === '.' || first === 'source') && words[1]) {
      const venv = activatedVenv(value(words[1]), cwd);
      if (venv && depth === 0) curEnv = { ...curEnv, ...activateEnv(venv, curEnv) };
      if (venv) continue;
    }
    if (first === 'set' && words[1]?.text === '--') {
      positionalChanged = true;
      continue;
    }
    cmds.push({ words, depth, env: curEnv, cwd, positionalChanged });
  }

  const argvOf = (c: Cmd): ScriptArg[] => expandCommand(c.words, c.env, opts.positional);
  const strip = (a: ScriptArg[]): string[] => {
    const v = a.map((x) => x.value);
    let i = 0;
    while (i < v.length && (v[i] === 'exec' || ASSIGNMENT.test(v[i]))) i++;
    return v.slice(i);
  };
  const isExec = (c: Cmd): boolean => c.words[0].text === 'exec' && c.words.length > 1;
  let chosen: Cmd | undefined;
  for (let i = cmds.length - 1; i >= 0 && !chosen; i--) if (isExec(cmds[i]) && cmds[i].depth === 0) chosen = cmds[i];
  if (!chosen && opts.isServer) {
    for (let i = cmds.length - 1; i >= 0 && !chosen; i--) if (opts.isServer(strip(argvOf(cmds[i])))) chosen = cmds[i];
  }
  for (let i = cmds.length - 1; i >= 0 && !chosen; i--) if (isExec(cmds[i])) chosen = cmds[i];
  for (let i = cmds.length - 1; i >= 0 && !chosen; i--) {
    const a = strip(argvOf(cmds[i]));
    if (a.length && !SETUP.has(a[0])) chosen = cmds[i];
  }
  if (!chosen) return { exec: false, env: curEnv, cwd, uncertain: cmds.length ? 'no service command found' : undefined };

  let args = argvOf(chosen);
  const exec = args[0]?.value === 'exec';
  let runEnv = chosen.env;
  let i = exec ? 1 : 0;
  while (i < args.length && ASSIGNMENT.test(args[i].word.raw)) {
    const eq = args[i].value.indexOf('=');
    runEnv = { ...runEnv, [args[i].value.slice(0, eq)]: args[i].unknown ? undefined : args[i].value.slice(eq + 1) };
    i++;
  }
  args = args.slice(i);
  let uncertain: string | undefined;
  if (chosen.depth > 0) uncertain = 'the command runs only under a condition';
  else if (chosen.positionalChanged && chosen.words.some((w) => /\$[@*1-9]|\$\{[@*1-9]/.test(w.raw))) {
    uncertain = 'the script rewrites its arguments (set --)';
  }
  return { args, exec, env: runEnv, cwd: chosen.cwd, uncertain };
}

/** Expands a command's words (field splitting included); `"$@"` splices the positional arguments. */
export function expandCommand(words: ShellWord[], env: ShellEnv, positional?: string[], opts: ExpandOptions = {}): ScriptArg[] {
  const out: ScriptArg[] = [];
  for (const w of words) {
    if (/^(?:"\$@"|\$@|"\$\{@\}"|\$\{@\}|"\$\*"|\$\*|\$\{\*\}|"\$\{\*\}")$/.test(w.raw)) {
      if (positional === undefined) out.push({ value: '"$@"', word: w, unknown: true, verbatim: false, scriptArgs: true });
      // `"$*"` is one field, the parameters joined by a space (POSIX 2.5.2); unquoted `$@`/`$*` split each parameter into fields.
      else if (w.raw.startsWith('"') && w.raw.includes('*')) out.push({ value: positional.join(' '), word: w, unknown: false, verbatim: false });
      else if (!w.raw.startsWith('"')) for (const p of positional) for (const f of p.split(/[ \t\n]+/).filter(Boolean)) out.push({ value: f, word: w, unknown: false, verbatim: false });
      else for (const p of positional) out.push({ value: p, word: w, unknown: false, verbatim: false });
      continue;
    }
    const e = expandWord(w, env, opts);
    if (ASSIGNMENT.test(w.raw) && e.fields.length !== 1) e.fields = [e.value];
    const verbatim = e.fields.length === 1 && e.fields[0] === w.raw;
    for (const f of e.fields) out.push({ value: f, word: w, unknown: e.unknown, verbatim });
  }
  return out;
}
