// Variables of a build script (shell assignments, bash arrays, Makefile variables) and the expansion of the words of its `docker build` lines with them.

/** One assignment: `X=v` sets (another possible value: the branches of an if are not told apart), `X+=v` appends to every value. */
interface Assign {
  op: 'set' | 'append';
  value: string;
}

/** What a script assigns, read without running it. */
export interface ScriptVars {
  scalars: Map<string, Assign[]>;
  /** Bash arrays: every element any `A=(...)` or `A+=(...)` puts in, in order (branches are not told apart). */
  arrays: Map<string, string[]>;
  /** Makefile: `$(NAME)` is a variable, `$$` a shell `$`. */
  make: boolean;
}

/** A word expanded with the script's variables: its possible values (one when certain), or unknown. */
export type Expansion = { values: string[] } | { unknown: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Values kept per variable at most (the branches of a script multiply them). */
const MAX_VALUES = 8;

/**
 * Reads the assignments of a shell script (`X=v`, `export X=v`, `local X=v`, `readonly`/`declare`,
 * `X+=v`, `A=( ... )` over several lines, `A+=( ... )`) or a Makefile (`X = v`, `X := v`, `X ?= v`,
 * `X += v`). `split` turns a line into shell words (quotes removed); assignments in any branch count.
 */
export function scriptVariables(text: string, split: (line: string) => string[], make = false): ScriptVars {
  const vars: ScriptVars = { scalars: new Map(), arrays: new Map(), make };
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (make) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(\?=|:=|::=|\+=|=)\s*(.*)$/.exec(line);
      if (m) addScalar(vars, m[1], m[2] === '+=' ? 'append' : 'set', m[2] === '+=' ? ' ' + m[3].trim() : m[3].trim());
      continue;
    }
    const arr = /^\s*(?:(?:export|local|declare(?:\s+-a)?|readonly)\s+)?([A-Za-z_][A-Za-z0-9_]*)(\+?)=\((.*)$/.exec(line);
    if (arr) {
      // The elements run to the closing parenthesis, maybe several lines on.
      let body = arr[3];
      const words: string[] = [];
      for (;;) {
        const close = closingParen(body);
        words.push(...split(close < 0 ? body : body.slice(0, close)));
        if (close >= 0 || i + 1 >= lines.length) break;
        body = lines[++i];
      }
      // `A=(...)` after `A+=(...)` resets the array when it runs; not knowing which branch runs, every element is kept.
      const list = vars.arrays.get(arr[1]) ?? [];
      list.push(...words);
      vars.arrays.set(arr[1], list);
      continue;
    }
    for (const seg of line.split(/;|&&|\|\||\bthen\b|\bdo\b|\belse\b/)) {
      const words = split(seg.trim());
      let k = 0;
      if (['export', 'local', 'readonly', 'declare', 'typeset'].includes(words[0] ?? '')) k = 1;
      for (; k < words.length; k++) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=(.*)$/s.exec(words[k]);
        if (!m) break;
        addScalar(vars, m[1], m[2] ? 'append' : 'set', m[3]);
      }
    }
  }
  return vars;
}

function addScalar(vars: ScriptVars, name: string, op: Assign['op'], value: string): void {
  const list = vars.scalars.get(name) ?? [];
  if (!list.some((a) => a.op === op && a.value === value)) list.push({ op, value });
  vars.scalars.set(name, list);
}

/** Index of the `)` that closes an array's `(` (quotes skipped), or -1. */
function closingParen(s: string): number {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) return -1;
    else if (c === ')') return i;
  }
  return -1;
}

/** The possible values of a variable, or unknown (unset in the script: the caller's environment decides). */
function valuesOf(vars: ScriptVars, name: string, depth: number, lenient = false): string[] | undefined {
  const ops = vars.scalars.get(name);
  if (!ops || depth > 6) return undefined;
  let values: string[] = [];
  for (const a of ops) {
    const e = expandString(vars, a.value, depth + 1, name, lenient);
    if ('unknown' in e) return undefined;
    if (a.op === 'set') values.push(...e.values);
    else values = (values.length ? values : ['']).flatMap((v) => e.values.map((x) => v + x));
    values = [...new Set(values)];
    if (values.length > MAX_VALUES) return undefined;
  }
  return values;
}

/** Stands for a part of a value the script leaves unknown (`--timestamp=$?`): a `$` keeps it unresolved for every reader. */
export const UNKNOWN_PART = '$?';

/**
 * Expands `$X`, `${X}`, `${X:-d}`/`${X-d}`/`${X:=d}` (the default when the script leaves X unset, or
 * sets it from itself: `X=${X:-d}`), `${X:+alt}`, and in Makefiles `$(X)`; `$(cmd)`, `$1`, `$@` and
 * variables the script never sets are unknown. `lenient`: an unknown part becomes {@link UNKNOWN_PART}
 * instead of making the whole string unknown.
 */
export function expandString(vars: ScriptVars, s: string, depth = 0, self?: string, lenient = false): Expansion {
  let outs = [''];
  let i = 0;
  let overflow = false;
  const add = (piece: string[] | string) => {
    const ps = typeof piece === 'string' ? [piece] : piece;
    outs = [...new Set(outs.flatMap((o) => ps.map((p) => o + p)))];
    if (outs.length > MAX_VALUES) {
      overflow = true;
      outs = outs.slice(0, 1);
    }
  };
  while (i < s.length) {
    const c = s[i];
    if (vars.make && s.startsWith('$$', i)) {
      add('$');
      i += 2;
      continue;
    }
    if (c !== '$') {
      const j = s.indexOf('$', i);
      const stop = j < 0 ? s.length : j;
      add(s.slice(i, stop));
      i = stop;
      continue;
    }
    const r = expandOne(vars, s, i, depth, self, lenient);
    // Leniently, a part with several values inside a longer string is an unknown part too (the values of a lone variable are kept).
    if ('unknown' in r || (lenient && r.values.length > 1 && (i > 0 || r.end < s.length))) {
      if (!lenient) return { unknown: 'unknown' in r ? r.unknown : s };
      add(UNKNOWN_PART);
    } else add(r.values);
    i = r.end;
  }
  if (overflow) return { unknown: `${s} (more than ${MAX_VALUES} possible values)` };
  return { values: outs };
}

/** The `$...` at `i`: its values, or unknown; `end` is just past it. */
function expandOne(vars: ScriptVars, s: string, i: number, depth: number, self: string | undefined, lenient: boolean): ({ values: string[] } | { unknown: string }) & { end: number } {
  const open = s[i + 1];
  if (open === '(' && (!vars.make || s[i + 2] === '(')) {
    // A command substitution or arithmetic: not run.
    let d = 0;
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === '(') d++;
      else if (s[j] === ')' && --d === 0) break;
    }
    return { unknown: s.slice(i, j + 1), end: Math.min(s.length, j + 1) };
  }
  let name: string;
  let op: string | undefined;
  let word = '';
  let end: number;
  if (open === '{' || open === '(') {
    const close = open === '{' ? '}' : ')';
    const stop = s.indexOf(close, i + 2);
    if (stop < 0) return { unknown: s.slice(i), end: s.length };
    const body = s.slice(i + 2, stop);
    end = stop + 1;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+?])(.*))?$/s.exec(body);
    if (!m) return { unknown: s.slice(i, end), end };
    name = m[1];
    op = m[2];
    word = m[3] ?? '';
  } else {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (!m) return { unknown: s.slice(i, i + 2), end: Math.min(s.length, i + 2) };
    name = m[0];
    end = i + 1 + name.length;
  }
  const vals = name === self ? undefined : valuesOf(vars, name, depth, lenient);
  if (op === undefined || op === '?' || op === ':?') {
    return vals ? { values: vals, end } : { unknown: '$' + name, end };
  }
  if (op === ':+' || op === '+') {
    if (!vals) return { unknown: '$' + name, end };
    const alt = expandString(vars, word, depth + 1, self, lenient);
    if ('unknown' in alt) return { ...alt, end };
    return { values: vals.flatMap((v) => (op === ':+' && v === '' ? [''] : alt.values)), end };
  }
  // `:-`, `-`, `:=`, `=`: the default stands for a variable the script leaves to its caller.
  const def = expandString(vars, word, depth + 1, self, lenient);
  if ('unknown' in def) return { ...def, end };
  if (!vals) return { values: def.values, end };
  return { values: vals.flatMap((v) => (v === '' && op!.startsWith(':') ? def.values : [v])), end };
}

/** Flags whose values the build reads (`-f`, `--target`, `--build-arg`): a word that may or may not hold one makes the command unreadable. */
const READ_FLAGS = /^(-f|--file|--target|--build-arg)(=|$)|^-f./;
/** A tag flag with its value in the same word. */
const TAG_WORD = /^(--tag=|-t=?)./;

/** The words of a command line with the script's variables in: `"${ARGS[@]}"` spliced, a lone `$X` split into words. `unsure`: a word could not be read. */
export function expandWords(words: string[], vars: ScriptVars): { words: string[]; unsure?: string } {
  const out: string[] = [];
  let unsure: string | undefined;
  for (const w of words) {
    // `"$container_engine"`: the tool itself, whichever the script picks (docker or podman).
    if (isEngineVariable(w)) {
      out.push(w);
      continue;
    }
    const arr = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}$/.exec(w);
    if (arr) {
      const elems = vars.arrays.get(arr[1]);
      if (!elems) {
        unsure ??= `${w} is not an array the script fills`;
        continue;
      }
      for (const e of elems) {
        const x = expandString(vars, e);
        out.push('unknown' in x ? e : x.values.length === 1 ? x.values[0] : e);
      }
      continue;
    }
    const lone = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(w);
    if (lone && vars.scalars.has(lone[1] ?? lone[2])) {
      // Unquoted options held in a variable (`$params_build`): its words, with unknown parts marked.
      const x = expandString(vars, w, 0, undefined, true);
      if ('unknown' in x) {
        out.push(w);
        continue;
      }
      const splits = x.values.map((v) => v.split(/\s+/).filter((p) => p !== ''));
      if (splits.length === 1) {
        out.push(...splits[0]);
        continue;
      }
      // Several possible values (an if/else): their common leading words, provided none of the rest is a flag the build reads.
      let n = 0;
      while (splits.every((p) => n < p.length && p[n] === splits[0][n])) n++;
      out.push(...splits[0].slice(0, n));
      // Tags any of them gives are kept (each is a name the Dockerfile's image may have).
      for (const t of new Set(splits.flatMap((p) => p.slice(n).filter((x2) => TAG_WORD.test(x2))))) out.push(t);
      if (splits.some((p) => p.some((x2) => READ_FLAGS.test(x2) || /^(-t|--tag)$/.test(x2)))) unsure ??= `${w} has several values that set build options`;
      continue;
    }
    const x = expandString(vars, w);
    out.push('unknown' in x || x.values.length !== 1 ? w : x.values[0]);
  }
  return unsure ? { words: out, unsure } : { words: out };
}

/** True for a name a script gives the container tool it runs (`$container_engine`, `$DOCKER`, `${CONTAINER_CLI}`). */
export function isEngineVariable(word: string): boolean {
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(word);
  return !!m && NAME.test(m[1]) && /engine|docker|podman|container_?(cli|tool|cmd|runtime)|oci|runtime/i.test(m[1]);
}
