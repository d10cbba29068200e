// A small POSIX shell word splitter and parameter expander for Dockerfile shell-form commands and entrypoint scripts.

/** One word of a simple command. */
export interface ShellWord {
  /** The word with quotes and escapes removed; expansions (`$X`, `$(...)`, backticks) are kept verbatim. */
  text: string;
  /** Offsets of the word in the command text, half-open. */
  start: number;
  end: number;
  /** The word as written (`cmd.slice(start, end)`), needed by {@link expandWord} to know what was quoted. */
  raw: string;
  /** Some part of the word was quoted or escaped. */
  quoted: boolean;
  /** The word contains `$VAR`, `${...}`, `$(...)` or backticks. */
  hasExpansion: boolean;
}

/** The result of expanding one word. */
export interface Expansion {
  /** The expanded word, fields joined back with single spaces; unknown references are kept verbatim (`$PORT`). */
  value: string;
  /** Some variable had no known value (or a command substitution ran), so `value` still holds a reference. */
  unknown: boolean;
  /**
   * The fields after field splitting of unquoted expansions (`$OPTS` holding `-w 4` gives two fields);
   * empty when the word expanded to nothing unquoted (`$EMPTY`).
   */
  fields: string[];
}

/**
 * Environment for expansion. A name mapped to a string has that value; a name present with the value
 * `undefined` is set to something unknown (a platform variable such as Cloud Run's `PORT`); an absent
 * name is unset, so `${X:-default}` takes the default but a bare `$X` is reported unknown.
 */
export type ShellEnv = Record<string, string | undefined>;

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '\n']);
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const REDIRECT = /^(?:\d*(?:>>|>&|<&|<>|>\||<<<|<<-|<<|>|<)|&>>|&>)/;

/** The operator that ended a simple command in {@link splitShellOps}; `''` at the end of the text. */
export type ShellOp = ';' | ';;' | '&' | '&&' | '|' | '||' | '(' | ')' | '\n' | '';

/** A simple command with the operator after it (words may be empty before `(`/`)`, as in `f() {`). */
export interface ShellCommand {
  words: ShellWord[];
  op: ShellOp;
  /** Offset where the command starts (its first word, else its operator). */
  start: number;
}

/**
 * Splits a shell command into simple commands (separated by `&&`, `||`, `;`, `|`, `&`, newlines and
 * parentheses) of words. Comments and redirections (`> log 2>&1`) are dropped; line continuations
 * (backslash-newline) are removed.
 */
export function splitShell(cmd: string): ShellWord[][] {
  return splitShellOps(cmd).filter((c) => c.words.length).map((c) => c.words);
}

/**
 * {@link splitShell} keeping each command's terminating operator, for parsing control structures
 * (`case` patterns end in `)`, arms in `;;`). With `heredocs`, here-document bodies (`<<EOF` ... `EOF`)
 * are skipped (a script file holds them inline; a Dockerfile RUN heredoc is the script itself).
 */
export function splitShellOps(cmd: string, heredocs = false): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let cur: ShellWord[] = [];
  let pending: { word: string; strip: boolean }[] = [];
  const flush = (op: ShellOp, at: number): void => {
    if (cur.length || op === '(' || op === ')' || op === ';;') commands.push({ words: cur, op, start: cur[0]?.start ?? at });
    cur = [];
  };
  let i = 0;
  // Inside bash's `[[ ... ]]`, `&&`, `||`, `(`, `)`, `<` and `>` are the test's own operators, and newlines are blanks.
  const inTest = (): boolean => {
    for (let k = cur.length - 1; k >= 0; k--) {
      if (cur[k].raw === ']]') return false;
      if (cur[k].raw === '[[') return true;
    }
    return false;
  };
  while (i < cmd.length) {
    const c = cmd[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\\' && cmd[i + 1] === '\n') {
      i += 2;
    } else if (c === '\\' && cmd[i + 1] === '\r' && cmd[i + 2] === '\n') {
      i += 3;
    } else if (inTest() && (c === '\n' || c === '(' || c === ')' || c === '<' || c === '>' || ((c === '&' || c === '|') && cmd[i + 1] === c))) {
      const len = c === '&' || c === '|' ? 2 : 1;
      if (c !== '\n') cur.push({ text: cmd.slice(i, i + len), start: i, end: i + len, raw: cmd.slice(i, i + len), quoted: false, hasExpansion: false });
      i += len;
    } else if (c === '(' && arrayAssignment(cur, i)) {
      // `name=( a b ... )` (bash arrays, also after local/declare): one assignment word, whatever newlines it spans.
      const w = cur.pop()!;
      const end = matchClose(cmd, i, '(', ')');
      cur.push({ ...w, text: w.text + cmd.slice(i, end), end, raw: cmd.slice(w.start, end), hasExpansion: true });
      i = end;
    } else if (OPERATOR_CHARS.has(c)) {
      if (c === '&' && cmd[i + 1] === '>') {
        i = skipRedirect(cmd, i);
        continue;
      }
      const two = cmd.slice(i, i + 2);
      const op: ShellOp = two === ';;' || two === '&&' || two === '||' ? two : (c as ShellOp);
      flush(op, i);
      i += op.length;
      if (c === '\n' && pending.length) {
        i = skipHeredocs(cmd, i, pending);
        pending = [];
      }
    } else if (c === '#') {
      while (i < cmd.length && cmd[i] !== '\n') i++;
    } else if ((c === '<' || c === '>') && cmd[i + 1] === '(') {
      // Process substitution: bash passes the command a /dev/fd path.
      const end = matchClose(cmd, i + 1, '(', ')');
      cur.push({ text: '/dev/fd/63', start: i, end, raw: cmd.slice(i, end), quoted: false, hasExpansion: false });
      i = end;
    } else if (c === '<' || c === '>' || /^\d+[<>]/.test(cmd.slice(i, i + 12))) {
      const m = /^\d*<<(-?)\s*(['"]?)([\w.-]+)\2/.exec(cmd.slice(i));
      if (m && heredocs) pending.push({ word: m[3], strip: m[1] === '-' });
      i = skipRedirect(cmd, i);
    } else {
      const w = readWord(cmd, i);
      // bash's `{fd}<file` / `{fd}>&-`: a redirection that allocates (or closes) a numbered descriptor, not a word.
      if (/^\{[A-Za-z_]\w*\}$/.test(w.raw) && (cmd[w.end] === '<' || cmd[w.end] === '>')) {
        i = skipRedirect(cmd, w.end);
        continue;
      }
      cur.push(w);
      i = w.end;
    }
  }
  flush('', cmd.length);
  return commands;
}

/** True when the `(` at `i` opens a bash array value: the word before it, with no space, is an assignment (`keys=`, `local arr+=`). */
function arrayAssignment(cur: ShellWord[], i: number): boolean {
  const w = cur[cur.length - 1];
  return !!w && w.end === i && /^[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=$/.test(w.raw);
}

/** Offset after the bodies of pending here-documents, which start at `i` (just after a newline). */
function skipHeredocs(cmd: string, i: number, docs: { word: string; strip: boolean }[]): number {
  for (const d of docs) {
    while (i < cmd.length) {
      const nl = cmd.indexOf('\n', i);
      const line = cmd.slice(i, nl < 0 ? cmd.length : nl).replace(/\r$/, '');
      i = nl < 0 ? cmd.length : nl + 1;
      if ((d.strip ? line.replace(/^\t+/, '') : line) === d.word) break;
    }
  }
  return i;
}

/** Skips a redirection operator and its target word. */
function skipRedirect(cmd: string, i: number): number {
  const m = REDIRECT.exec(cmd.slice(i))!;
  i += m[0].length;
  while (cmd[i] === ' ' || cmd[i] === '\t') i++;
  if ((cmd[i] === '<' || cmd[i] === '>') && cmd[i + 1] === '(') return matchClose(cmd, i + 1, '(', ')');
  if (i < cmd.length && !OPERATOR_CHARS.has(cmd[i])) i = readWord(cmd, i).end;
  return i;
}

function readWord(cmd: string, start: number): ShellWord {
  let i = start;
  let text = '';
  let quoted = false;
  let hasExpansion = false;
  while (i < cmd.length && !WORD_END.has(cmd[i]) && cmd[i] !== '\r') {
    const c = cmd[i];
    if (c === '\\') {
      if (cmd[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 < cmd.length) {
        text += cmd[i + 1];
        quoted = true;
      }
      i += 2;
    } else if (c === "'") {
      const close = cmd.indexOf("'", i + 1);
      const end = close < 0 ? cmd.length : close;
      text += cmd.slice(i + 1, end);
      quoted = true;
      i = end + 1;
    } else if (c === '"') {
      quoted = true;
      i++;
      while (i < cmd.length && cmd[i] !== '"') {
        const d = cmd[i];
        if (d === '\\' && i + 1 < cmd.length) {
          const n = cmd[i + 1];
          if (n === '\n') {
            i += 2;
          } else if (n === '$' || n === '`' || n === '"' || n === '\\') {
            text += n;
            i += 2;
          } else {
            text += d;
            i++;
          }
        } else if (d === '$' || d === '`') {
          const e = expansionEnd(cmd, i);
          if (e > i + 1 || d === '`') hasExpansion = true;
          text += cmd.slice(i, e);
          i = e;
        } else {
          text += d;
          i++;
        }
      }
      i++;
    } else if (c === '$' || c === '`') {
      const e = expansionEnd(cmd, i);
      if (e > i + 1 || c === '`') hasExpansion = true;
      text += cmd.slice(i, e);
      i = e;
    } else {
      text += c;
      i++;
    }
  }
  const end = Math.min(i, cmd.length);
  return { text, start, end, raw: cmd.slice(start, end), quoted, hasExpansion };
}

/** End offset of the expansion starting at `i` (`$X`, `${..}`, `$(..)`, `$((..))`, backticks); i+1 for a lone `$`. */
function expansionEnd(s: string, i: number): number {
  if (s[i] === '`') {
    let j = i + 1;
    while (j < s.length && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, s.length);
  }
  const n = s[i + 1];
  if (n === '{') return matchClose(s, i + 1, '{', '}');
  if (n === '(') return matchClose(s, i + 1, '(', ')');
  if (n !== undefined && /[A-Za-z_]/.test(n)) {
    let j = i + 1;
    while (j < s.length && /\w/.test(s[j])) j++;
    return j;
  }
  if (n !== undefined && /[0-9@*#?$!-]/.test(n)) return i + 2;
  return i + 1;
}

/** Offset just past the bracket matching the one at `open`, skipping quoted text. */
function matchClose(s: string, open: number, o: string, c: string): number {
  let depth = 0;
  let j = open;
  // `$(case "$x" in a) ...;; esac)`: a case pattern's `)` closes no parenthesis (the depth each open `case` began at).
  const cases: number[] = [];
  const word = (w: string) => s.startsWith(w, j) && (j === 0 || /[\s;&|(]/.test(s[j - 1])) && (j + w.length >= s.length || /[\s;&|)]/.test(s[j + w.length]));
  while (j < s.length) {
    const ch = s[j];
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === "'") {
      const k = s.indexOf("'", j + 1);
      j = k < 0 ? s.length : k + 1;
      continue;
    }
    if (o === '(' && word('case')) {
      cases.push(depth);
      j += 4;
      continue;
    }
    if (o === '(' && cases.length && word('esac')) {
      cases.pop();
      j += 4;
      continue;
    }
    if (ch === o) depth++;
    else if (ch === c && cases.length && cases[cases.length - 1] === depth) {
      // a pattern's closing `)`
    } else if (ch === c && --depth === 0) return j + 1;
    j++;
  }
  return s.length;
}

interface Piece {
  text: string;
  /** Result of an unquoted expansion: subject to field splitting. */
  split: boolean;
  /** Came from quoted text (so an empty piece still makes a field). */
  quoted: boolean;
}

/** What a script knows besides its variables. */
export interface ExpandOptions {
  /** The script's arguments (`$1`, `${2:-x}`, `$#`); when absent they are unknown. */
  positional?: string[];
  /** `$0`. */
  name?: string;
  /** Something the model cannot see (an unreadable sourced file) may have set any variable: unset names are unknown. */
  opaque?: boolean;
  /** `$X` of a name not in the environment is empty (as the shell has it) rather than unknown. */
  unsetEmpty?: boolean;
  /** What some commands print, when the model knows (`id -u` of a container that runs as root: `0`): their `$(...)` expands to it. */
  outputs?: ReadonlyMap<string, string>;
  /** The working folder, for `$(pwd)` and `$(cd DIR && pwd)`. */
  cwd?: string;
}

/**
 * What `id -u`, `id -un`, `whoami` (and `id -g` for root) print for a container that runs as `user` (Docker's USER form:
 * `name`, `uid`, `name:group`, `uid:gid`); undefined when the user is not known. A named user's uid is in /etc/passwd,
 * which the model does not read, so only its name is known (and, `inTests`, that its uid is not 0).
 */
export function userOutputs(user: string | undefined, inTests = false): ReadonlyMap<string, string> | undefined {
  if (user === undefined) return undefined;
  const [u, g] = user.split(':');
  const m = new Map<string, string>();
  const named = (name: string) => {
    for (const c of ['id -un', 'id -nu', 'id -u -n', 'id -n -u', 'whoami']) m.set(c, name);
  };
  if (u === 'root' || u === '0') {
    m.set('id -u', '0');
    named('root');
    if (g === undefined || g === '0' || g === 'root') m.set('id -g', '0');
  } else if (/^\d+$/.test(u)) m.set('id -u', u);
  else if (/^[a-z_][a-z0-9_-]*\$?$/i.test(u)) {
    named(u);
    // Its uid is in /etc/passwd; a user created by name is not uid 0, which is all the usual test asks (`[ "$(id -u)" = 0 ]`).
    // Only tests see that (compareUid); in a command the uid stays unknown.
    if (inTests) m.set('id -u', NONZERO_UID);
  }
  return m;
}

/** What `id -u` gives for a named user other than root: a uid the model does not know, except that it is not 0 (see `compareUid`). */
export const NONZERO_UID = '\u0000uid';

/**
 * A test's comparison when one side may be {@link NONZERO_UID}: equal to "0" never; to any other number not known.
 * Undefined when neither side is it (the caller compares as usual) or when the answer is not known ('unknown').
 */
export function compareUid(a: string, b: string): boolean | 'unknown' | undefined {
  if (a !== NONZERO_UID && b !== NONZERO_UID) return undefined;
  const other = a === NONZERO_UID ? b : a;
  return /^0+$/.test(other) ? false : 'unknown';
}

/**
 * Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:=d}`, `${X:+a}`, `${X+a}`, `${X:off:len}`, `${@:off:len}` in a word (a
 * {@link ShellWord} or raw shell text), honouring quotes. Positional parameters (`$1`, `$#`) expand when
 * `opts.positional` is given. Command substitutions, `$@` and other forms are kept verbatim and make the
 * result unknown.
 */
export function expandWord(word: ShellWord | string, env: ShellEnv, opts: ExpandOptions = {}): Expansion {
  const raw = typeof word === 'string' ? word : word.raw;
  const state: ExpandState = { unknown: false, opts };
  const pieces = expandRaw(raw, env, state, false);
  const fields = splitFields(pieces);
  return { value: fields.join(' '), unknown: state.unknown, fields };
}

function splitFields(pieces: Piece[]): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  for (const p of pieces) {
    if (!p.split) {
      cur += p.text;
      if (p.quoted || p.text !== '') has = true;
      continue;
    }
    const parts = p.text.split(/[ \t\n]+/);
    parts.forEach((part, j) => {
      if (j > 0) {
        if (has) fields.push(cur);
        cur = '';
        has = false;
      }
      cur += part;
      if (part !== '') has = true;
    });
  }
  if (has) fields.push(cur);
  return fields;
}

interface ExpandState {
  unknown: boolean;
  opts: ExpandOptions;
}

function expandRaw(raw: string, env: ShellEnv, state: ExpandState, inDouble: boolean): Piece[] {
  const out: Piece[] = [];
  const lit = (text: string, quoted: boolean): void => {
    out.push({ text, split: false, quoted });
  };
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '\n') {
        i += 2;
      } else if (n === undefined) {
        lit('\\', inDouble);
        i++;
      } else if (!inDouble || n === '$' || n === '`' || n === '"' || n === '\\') {
        lit(n, true);
        i += 2;
      } else {
        lit('\\', true);
        i++;
      }
    } else if (c === "'" && !inDouble) {
      const close = raw.indexOf("'", i + 1);
      const end = close < 0 ? raw.length : close;
      lit(raw.slice(i + 1, end), true);
      i = end + 1;
    } else if (c === '"' && !inDouble) {
      let j = i + 1;
      while (j < raw.length && raw[j] !== '"') {
        if (raw[j] === '\\') j += 2;
        else if (raw[j] === '$' || raw[j] === '`') j = Math.max(expansionEnd(raw, j), j + 1);
        else j++;
      }
      const inner = expandRaw(raw.slice(i + 1, Math.min(j, raw.length)), env, state, true);
      out.push({ text: inner.map((p) => p.text).join(''), split: false, quoted: true });
      i = j + 1;
    } else if (c === '$' || c === '`') {
      const end = expansionEnd(raw, i);
      if (end === i + 1 && c === '$') {
        lit('$', inDouble);
      } else {
        const r = expandOne(raw.slice(i, end), env, state);
        if (r === undefined) out.push({ text: raw.slice(i, end), split: false, quoted: inDouble });
        else for (const p of r) out.push({ text: p.text, split: p.split && !inDouble, quoted: inDouble || p.quoted });
      }
      i = end;
    } else {
      lit(c, inDouble);
      i++;
    }
  }
  return out;
}

/**
 * What a command substitution that only computes a path prints: `dirname P`, `basename P [SUFFIX]`, `pwd`,
 * `realpath P` / `readlink -f P` (symlinks not resolved), and `cd DIR && pwd` or `cd DIR; pwd -P` (the
 * folder-of-this-script idiom `$(cd "$(dirname "$0")" && pwd)`); undefined for anything else or an argument without a known value.
 */
function pathOutput(inner: string, env: ShellEnv, state: ExpandState): string | undefined {
  const cmds = splitShellOps(inner).filter((c) => c.words.length);
  const argv = (c: ShellCommand): string[] | undefined => {
    const out: string[] = [];
    for (const w of c.words) {
      // `"$@"` is one argument per positional parameter.
      if (/^"\$(?:@|\{@\})"$/.test(w.raw)) {
        if (!state.opts.positional) return undefined;
        out.push(...state.opts.positional);
        continue;
      }
      const e = expandWord(w, env, state.opts);
      if (e.unknown || e.fields.length !== 1) return undefined;
      out.push(e.fields[0]);
    }
    return out.filter((x, i) => !(x === '--' && i === 1));
  };
  const cwd = state.opts.cwd;
  const absolute = (p: string) => (cwd === undefined && !p.startsWith('/') ? undefined : posixNormalize(p.startsWith('/') ? p : `${cwd}/${p}`));
  // `cd DIR && pwd`, `cd DIR; pwd -P` (symlinks are not modelled, so -P and -L print the same folder).
  if (cmds.length === 2 && (cmds[0].op === '&&' || cmds[0].op === ';')) {
    const [cd, pwd] = [argv(cmds[0]), argv(cmds[1])];
    if (cd?.[0] !== 'cd' || pwd?.[0] !== 'pwd' || !pwd.slice(1).every((x) => x === '-P' || x === '-L')) return undefined;
    const dir = cd.slice(1).filter((x) => x !== '-P' && x !== '-L' && x !== '--');
    return dir.length === 1 ? absolute(dir[0]) : undefined;
  }
  if (cmds.length !== 1) return undefined;
  const a = argv(cmds[0]);
  if (!a) return undefined;
  const [cmd, ...rest] = a;
  if (cmd === 'pwd' && rest.every((x) => x === '-P' || x === '-L')) return cwd;
  // `printf ' %q' "$@"` (re-quoting the arguments for another shell): a format of %s, %q and text, reused until the arguments run out.
  if (cmd === 'printf' && rest.length >= 1 && !rest[0].startsWith('-') && /^(?:[^%\\]|%[sq]|%%)*$/.test(rest[0])) return printfOutput(rest[0], rest.slice(1));
  if (cmd === 'dirname' && rest.length === 1) {
    const p = rest[0].replace(/\/+$/, '') || '/';
    const i = p.lastIndexOf('/');
    return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i).replace(/\/+$/, '') || '/';
  }
  if (cmd === 'basename' && (rest.length === 1 || rest.length === 2)) {
    const b = rest[0].replace(/\/+$/, '').split('/').pop() || '/';
    return rest[1] && b.endsWith(rest[1]) && b !== rest[1] ? b.slice(0, -rest[1].length) : b;
  }
  if ((cmd === 'realpath' && rest.length === 1) || (cmd === 'readlink' && rest.length === 2 && rest[0] === '-f')) return absolute(rest[rest.length - 1]);
  return undefined;
}

/** bash's printf with only %s, %q and %% conversions: the format is applied again while arguments remain. */
function printfOutput(format: string, args: string[]): string {
  const convs = (format.match(/%[sq]/g) ?? []).length;
  let out = '';
  let k = 0;
  do {
    out += format.replace(/%([sq%])/g, (_, c: string) => {
      if (c === '%') return '%';
      const a = args[k++] ?? '';
      return c === 's' ? a : shellQuote(a);
    });
  } while (convs > 0 && k < args.length);
  return out;
}

/** A word quoted the way bash's `printf %q` does for plain text: unchanged when safe, else each special character escaped; `''` for empty. */
function shellQuote(s: string): string {
  if (s === '') return "''";
  return s.replace(/[^A-Za-z0-9_\/.,:=@%+-]/g, '\\$&');
}

function posixNormalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/**
 * Expands a single `$...` or backtick expression into pieces (a `${X:-"a b"}` default keeps its quoting);
 * undefined, with `state.unknown` set, when it has no known value (the caller keeps it verbatim).
 */
function expandOne(expr: string, env: ShellEnv, state: ExpandState): Piece[] | undefined {
  const unknown = (): undefined => {
    state.unknown = true;
    return undefined;
  };
  if (expr.startsWith('`') || expr.startsWith('$(')) {
    const inner = (expr.startsWith('`') ? expr.slice(1, -1) : expr.slice(2, -1)).trim().replace(/\s+/g, ' ');
    const closed = expr.endsWith(expr.startsWith('`') ? '`' : ')');
    const out = closed ? state.opts.outputs?.get(inner) ?? pathOutput(inner, env, state) : undefined;
    // An unquoted substitution is split into fields like a variable.
    return out === undefined ? unknown() : [{ text: out, split: true, quoted: false }];
  }
  let body: string;
  if (expr.startsWith('${')) {
    if (!expr.endsWith('}')) return unknown();
    body = expr.slice(2, -1);
  } else {
    body = expr.slice(1);
  }
  // bash's `${@:off:len}`: positional parameters from `off` (0 is $0), `len` of them, joined by spaces.
  const slice = /^[@*]:\s*(\d+)(?::\s*(\d+))?$/.exec(body);
  if (slice) {
    const all = state.opts.positional && state.opts.name !== undefined ? [state.opts.name, ...state.opts.positional] : undefined;
    if (!all) return unknown();
    const off = Number(slice[1]);
    const picked = slice[2] === undefined ? all.slice(off) : all.slice(off, off + Number(slice[2]));
    return [{ text: picked.join(' '), split: true, quoted: false }];
  }
  // `$*`, `$@` and `${*}` inside a longer word (`"exec $*"`): the positional parameters joined by spaces.
  if (body === '*' || body === '@') {
    if (!state.opts.positional) return unknown();
    return [{ text: state.opts.positional.join(' '), split: true, quoted: false }];
  }
  // Removal of a matching prefix or suffix: `${1#-}`, `${X##*/}`, `${X%.py}`, `${X%%:*}`.
  const trim = /^([A-Za-z_]\w*|\d+)(##?|%%?)([\s\S]*)$/.exec(body);
  if (trim) {
    const [, tname, top, tpat] = trim;
    let v: string | undefined;
    if (/^\d+$/.test(tname)) {
      if (tname === '0') v = state.opts.name;
      else if (state.opts.positional) v = state.opts.positional[Number(tname) - 1] ?? '';
    } else if (Object.prototype.hasOwnProperty.call(env, tname)) v = env[tname];
    else if (state.opts.unsetEmpty && !state.opts.opaque) v = '';
    if (v === undefined) return unknown();
    const inner: ExpandState = { unknown: false, opts: state.opts };
    const pat = expandRaw(tpat, env, inner, false).map((p) => (p.quoted ? p.text.replace(/[*?[\]\\]/g, '\\$&') : p.text)).join('');
    if (inner.unknown) return unknown();
    const longest = top.length === 2;
    let text = v;
    if (top[0] === '#') {
      // The shortest (lazy) or longest (greedy) prefix that matches.
      const m = new RegExp(`^(?:${globSource(pat, !longest)})`).exec(v);
      if (m) text = v.slice(m[0].length);
    } else {
      // The shortest (from the end) or longest (from the start) suffix that matches the whole pattern.
      const whole = new RegExp(`^(?:${globSource(pat)})$`);
      const starts = [...Array(v.length + 1).keys()];
      const cut = (longest ? starts : starts.reverse()).find((k) => whole.test(v.slice(k)));
      if (cut !== undefined) text = v.slice(0, cut);
    }
    return [{ text, split: true, quoted: false }];
  }
  // bash's BASH_SOURCE[0] is the script's path as it was run, like $0 outside sourced files.
  if (/^BASH_SOURCE(?:\[0\])?$/.test(body)) {
    if (state.opts.name === undefined) return unknown();
    return [{ text: state.opts.name, split: true, quoted: false }];
  }
  const sub = /^([A-Za-z_]\w*|\d+):\s*(\d+)(?::\s*(\d+))?$/.exec(body);
  const m = sub ? [sub[0], sub[1]] : /^([A-Za-z_]\w*|\d+|#)(?:(:?[-=+?])([\s\S]*))?$/.exec(body);
  if (!m) return unknown();
  const [, name, op, arg] = m;
  const special = /^(?:\d+|#)$/.test(name);
  const pos = state.opts.positional;
  if (special && name !== '0' && !pos) return unknown();
  if (special && name === '0' && state.opts.name === undefined) return unknown();
  let isSet: boolean;
  let value: string | undefined;
  if (name === '#') [isSet, value] = [true, String(pos!.length)];
  else if (name === '0') [isSet, value] = [true, state.opts.name];
  else if (special) [isSet, value] = [Number(name) <= pos!.length, pos![Number(name) - 1]];
  else {
    isSet = Object.prototype.hasOwnProperty.call(env, name);
    value = isSet ? env[name] : undefined;
    if (!isSet && state.opts.opaque) return unknown();
  }
  if (sub) {
    if (!isSet) return [];
    if (value === undefined) return unknown();
    const off = Number(sub[2]);
    const text = sub[3] === undefined ? value.slice(off) : value.slice(off, off + Number(sub[3]));
    return [{ text, split: true, quoted: false }];
  }
  const val = (): Piece[] => [{ text: value!, split: true, quoted: false }];
  const none: Piece[] = [];
  const word = (): Piece[] | undefined => {
    const inner: ExpandState = { unknown: false, opts: state.opts };
    const pieces = expandRaw(arg ?? '', env, inner, false);
    if (inner.unknown) return unknown();
    return pieces.map((p) => ({ text: p.text, split: !p.quoted, quoted: p.quoted }));
  };
  if (isSet && value === undefined) return unknown();
  switch (op) {
    case undefined:
      return isSet ? val() : state.opts.unsetEmpty ? none : unknown();
    case ':-':
    case ':=':
      return isSet && value !== '' ? val() : word();
    case '-':
    case '=':
      return isSet ? val() : word();
    case ':+':
      return isSet && value !== '' ? word() : none;
    case '+':
      return isSet ? word() : none;
    default:
      return isSet && (op === '?' || value !== '') ? val() : unknown();
  }
}

/** Splits a string the way Python's `shlex.split` does: quotes and backslash escapes, no expansion. */
export function shlexSplit(s: string): string[] {
  return shlexWords(s).map((w) => w.text);
}

/** `shlexSplit` with each word's offsets in `s` (half-open). */
export function shlexWords(s: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  let cur = '';
  let has = false;
  let from = 0;
  let i = 0;
  const begin = () => {
    if (!has) from = i;
    has = true;
  };
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (has) out.push({ text: cur, start: from, end: i });
      cur = '';
      has = false;
      i++;
    } else if (c === '\\') {
      begin();
      if (i + 1 < s.length) cur += s[i + 1];
      i += 2;
    } else if (c === "'" || c === '"') {
      begin();
      let j = i + 1;
      while (j < s.length && s[j] !== c) {
        if (c === '"' && s[j] === '\\' && (s[j + 1] === '"' || s[j + 1] === '\\')) j++;
        cur += s[j];
        j++;
      }
      i = j + 1;
    } else {
      begin();
      cur += c;
      i++;
    }
  }
  if (has) out.push({ text: cur, start: from, end: Math.min(i, s.length) });
  return out;
}

/** A shell pattern (`*`, `?`, `[...]`, `[!...]`, backslash escapes) as the source of an unanchored regular expression. */
export function globSource(pattern: string, lazy = false): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += lazy ? '[\\s\\S]*?' : '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}
