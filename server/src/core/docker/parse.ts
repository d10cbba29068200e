// Dockerfile text -> instructions with words, flags and exact ranges (dockerfile-ast finds the instructions; we tokenize their arguments the way BuildKit does).
import { DockerfileParser } from 'dockerfile-ast';
import type { Range } from '../types';

/** One argument word of an instruction, with its document range. */
export interface Word {
  /** The word after quote removal and escape processing, variables not yet expanded. */
  text: string;
  /** The exact document text (for messages and edits). */
  raw: string;
  range: Range;
  /** Offset of `text`'s characters in the document, used to expand variables with ranges intact. */
  quoting: QuoteSpan[];
}

/** Which parts of a word were single-quoted (never expanded). */
export interface QuoteSpan {
  start: number;
  end: number;
  single: boolean;
}

export interface Flag {
  name: string;
  value: string | undefined;
  range: Range;
}

export interface Heredoc {
  name: string;
  content: string;
}

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN... */
  keyword: string;
  /** Whole instruction, keyword to last argument. */
  range: Range;
  keywordRange: Range;
  /** Zero-based line of the keyword. */
  line: number;
  /** Last line the instruction spans (continuations included). */
  endLine: number;
  /** Leading `--name=value` flags (COPY, ADD, RUN, FROM, HEALTHCHECK). */
  flags: Flag[];
  /** Arguments after the flags. For exec (JSON) form, the array's strings. */
  args: Word[];
  /** True when the arguments were a JSON array (exec form). */
  json: boolean;
  /** The argument text with line continuations joined, flags included. */
  argText: string;
  /** The text after the flags, continuations joined (the shell command of a shell-form RUN/CMD). */
  commandText: string;
  heredocs: Heredoc[];
}

export interface ParsedDockerfile {
  instructions: Instruction[];
  escape: string;
  /** Lines of the document (for inserting edits). */
  lines: string[];
  /** Problems that make the Dockerfile unusable for modelling (no FROM, for example). */
  problems: { message: string; range: Range }[];
}

const FLAG_KEYWORDS = new Set(['COPY', 'ADD', 'RUN', 'FROM', 'HEALTHCHECK']);
const JSON_KEYWORDS = new Set(['COPY', 'ADD', 'RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'VOLUME', 'HEALTHCHECK']);

/** Parses a Dockerfile. Never throws: unusable text yields no instructions and a problem. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split(/\r?\n/);
  const lineStarts = computeLineStarts(text);
  const toOffset = (p: { line: number; character: number }) =>
    (lineStarts[p.line] ?? text.length) + p.character;
  const toPos = (offset: number) => offsetToPosition(lineStarts, offset);
  let df;
  try {
    df = DockerfileParser.parse(text);
  } catch (e) {
    return { instructions: [], escape: '\\', lines, problems: [{ message: `cannot parse Dockerfile: ${String(e)}`, range: zero() }] };
  }
  const escape = df.getEscapeCharacter() || '\\';
  const instructions: Instruction[] = [];
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    const keywordRange = ins.getInstructionRange() as Range;
    const whole = ins.getRange() as Range;
    const argsRange = ins.getArgumentsRange() as Range | null;
    const heredocs: Heredoc[] = [];
    const hd = (ins as unknown as { getHeredocs?: () => { getName(): string; getContentRange(): Range | null }[] }).getHeredocs;
    if (typeof hd === 'function') {
      for (const h of hd.call(ins)) {
        const cr = h.getContentRange();
        heredocs.push({ name: h.getName(), content: cr ? text.slice(toOffset(cr.start), toOffset(cr.end)) : '' });
      }
    }
    let words: Word[] = [];
    let json = false;
    let argText = '';
    if (argsRange) {
      // dockerfile-ast's argument range leaves out COPY/ADD flags: tokenize from the keyword's end.
      const start = toOffset(keywordRange.end);
      const end = toOffset(argsRange.end);
      const raw = text.slice(start, end);
      argText = joinContinuations(raw, escape).trim();
      if (JSON_KEYWORDS.has(keyword)) {
        const arr = parseJsonArray(text, start, end, escape, toPos);
        if (arr) {
          words = arr;
          json = true;
        }
      }
      if (!json) words = tokenize(text, start, end, escape, toPos);
    }
    if (heredocs.length) {
      // The heredoc bodies follow the instruction line; they are content, not arguments.
      words = words.filter((w) => w.range.start.line === keywordRange.start.line);
    }
    const flags: Flag[] = [];
    if (FLAG_KEYWORDS.has(keyword) && !json) {
      while (words.length && words[0].text.startsWith('--')) {
        const w = words.shift()!;
        const eq = w.text.indexOf('=');
        flags.push({
          name: (eq < 0 ? w.text.slice(2) : w.text.slice(2, eq)).toLowerCase(),
          value: eq < 0 ? undefined : w.text.slice(eq + 1),
          range: w.range,
        });
      }
      // A JSON array may follow flags: COPY --chown=a ["x", "y"]
      if (words.length && words[0].raw.startsWith('[') && JSON_KEYWORDS.has(keyword)) {
        const s = toOffset(words[0].range.start);
        const e = toOffset(words[words.length - 1].range.end);
        const arr = parseJsonArray(text, s, e, escape, toPos);
        if (arr) {
          words = arr;
          json = true;
        }
      }
    }
    let commandText = '';
    if (argsRange && words.length) {
      const endOffset = heredocs.length ? toOffset(words[words.length - 1].range.end) : toOffset(argsRange.end);
      commandText = joinContinuations(text.slice(toOffset(words[0].range.start), endOffset), escape).trim();
    }
    instructions.push({
      keyword,
      commandText,
      range: whole,
      keywordRange,
      line: keywordRange.start.line,
      endLine: whole.end.line,
      flags,
      args: words,
      json,
      argText,
      heredocs,
    });
  }
  const problems: { message: string; range: Range }[] = [];
  if (instructions.length && !instructions.some((i) => i.keyword === 'FROM')) {
    problems.push({ message: 'no FROM instruction: this is not a buildable Dockerfile', range: instructions[0].keywordRange });
  }
  return { instructions, escape, lines, problems };
}

/**
 * Gives `parsed` back with every instruction that is exactly as it was in `before` (the same
 * keyword, words, flags and ranges: unchanged and not moved by the edit) replaced by `before`'s
 * object, so that what refers to instructions by identity (image-tree origins, install records)
 * matches across versions of the file. Instructions are plain data, so an equal one is the same.
 */
export function keepInstructions(parsed: ParsedDockerfile, before: ParsedDockerfile | undefined): ParsedDockerfile {
  if (!before?.instructions.length || parsed.escape !== before.escape) return parsed;
  const old = new Map<string, Instruction>();
  for (const ins of before.instructions) old.set(JSON.stringify(ins), ins);
  parsed.instructions = parsed.instructions.map((ins) => old.get(JSON.stringify(ins)) ?? ins);
  return parsed;
}

function zero(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function offsetToPosition(lineStarts: number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lineStarts[lo] };
}

/** Removes escape+newline continuations and the comment lines Docker drops inside them. */
export function joinContinuations(raw: string, escape: string): string {
  const lines = raw.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    if (i > 0 && /^\s*#/.test(l)) continue;
    const t = l.replace(/\s+$/, '');
    if (t.endsWith(escape) && i < lines.length - 1) l = t.slice(0, -1);
    out.push(l);
  }
  return out.join('');
}

/**
 * Splits shell-form arguments into words: whitespace separates, quotes group, the escape
 * character escapes, escape+newline continues the line, comment lines inside a continuation vanish.
 */
function tokenize(
  text: string,
  start: number,
  end: number,
  escape: string,
  toPos: (o: number) => { line: number; character: number },
): Word[] {
  const words: Word[] = [];
  let i = start;
  let cur: { text: string; from: number; to: number; quoting: QuoteSpan[] } | undefined;
  const flush = () => {
    if (cur) {
      words.push({ text: cur.text, raw: text.slice(cur.from, cur.to), range: { start: toPos(cur.from), end: toPos(cur.to) }, quoting: cur.quoting });
      cur = undefined;
    }
  };
  const atLineStart = (k: number) => k === 0 || text[k - 1] === '\n';
  while (i < end) {
    const c = text[i];
    if (c === escape) {
      // escape + optional trailing spaces + newline = continuation
      let j = i + 1;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j >= end || text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n')) {
        i = text[j] === '\r' ? j + 2 : j + 1;
        // skip comment / empty lines that follow a continuation
        while (i < end) {
          let k = i;
          while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
          if (text[k] === '#' && atLineStart(i)) {
            while (k < end && text[k] !== '\n') k++;
            i = k + 1;
          } else break;
        }
        continue;
      }
      // An escaped character is taken literally.
      cur ??= { text: '', from: i, to: i, quoting: [] };
      if (i + 1 < end) {
        cur.text += text[i + 1];
        cur.quoting.push({ start: cur.text.length - 1, end: cur.text.length, single: true });
        i += 2;
      } else {
        cur.text += c;
        i++;
      }
      cur.to = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      flush();
      i++;
      continue;
    }
    cur ??= { text: '', from: i, to: i, quoting: [] };
    if (c === "'" || c === '"') {
      const q = c;
      const s = cur.text.length;
      let j = i + 1;
      while (j < end && text[j] !== q) {
        if (q === '"' && text[j] === escape && j + 1 < end && /["\\$`]/.test(text[j + 1])) {
          cur.text += text[j + 1];
          j += 2;
          continue;
        }
        if (text[j] === escape && (text[j + 1] === '\n' || text[j + 1] === '\r')) {
          j += text[j + 1] === '\r' ? 3 : 2;
          continue;
        }
        cur.text += text[j];
        j++;
      }
      if (q === "'") cur.quoting.push({ start: s, end: cur.text.length, single: true });
      i = Math.min(j + 1, end);
      cur.to = i;
      continue;
    }
    cur.text += c;
    i++;
    cur.to = i;
  }
  flush();
  return words;
}

/** Parses `["a", "b"]` spanning [start, end) with positions; undefined when not a JSON string array. */
function parseJsonArray(
  text: string,
  start: number,
  end: number,
  escape: string,
  toPos: (o: number) => { line: number; character: number },
): Word[] | undefined {
  let i = start;
  const skipWs = () => {
    while (i < end) {
      if (/\s/.test(text[i])) i++;
      else if (text[i] === escape && /[\r\n]/.test(text[i + 1] ?? '')) i += 2;
      else break;
    }
  };
  skipWs();
  if (text[i] !== '[') return undefined;
  i++;
  const out: Word[] = [];
  skipWs();
  if (text[i] === ']') {
    i++;
    skipWs();
    return i >= end ? out : undefined;
  }
  while (i < end) {
    skipWs();
    if (text[i] !== '"') return undefined;
    const from = i;
    let j = i + 1;
    while (j < end && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= end) return undefined;
    let value: string;
    try {
      value = JSON.parse(text.slice(from, j + 1)) as string;
    } catch {
      return undefined;
    }
    out.push({ text: value, raw: text.slice(from, j + 1), range: { start: toPos(from), end: toPos(j + 1) }, quoting: [{ start: 0, end: value.length, single: false }] });
    i = j + 1;
    skipWs();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === ']') {
      i++;
      skipWs();
      return i >= end ? out : undefined;
    }
    return undefined;
  }
  return undefined;
}

/** Variables visible to an instruction; values are undefined for ARGs declared without a default. */
export type Vars = Map<string, string | undefined>;

export interface Expanded {
  value: string;
  /** Names used without a value (expanded to '' as Docker does). */
  unresolved: string[];
}

/**
 * Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}` as BuildKit does for
 * COPY/ADD/WORKDIR/ENV/ARG/EXPOSE/USER/FROM. Single-quoted spans stay literal.
 */
export function expandWord(word: Pick<Word, 'text' | 'quoting'>, vars: Vars): Expanded {
  const { text } = word;
  const literal = (k: number) => word.quoting.some((q) => q.single && k >= q.start && k < q.end);
  let out = '';
  const unresolved: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$' || literal(i)) {
      out += c;
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = findClose(text, i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(inner);
      if (!m) {
        out += text.slice(i, close + 1);
      } else {
        const [, name, op, operand] = m;
        const has = vars.has(name) && vars.get(name) !== undefined;
        const val = has ? vars.get(name)! : undefined;
        if (!op) {
          if (val === undefined) unresolved.push(name);
          out += val ?? '';
        } else {
          const sub = expandWord({ text: operand ?? '', quoting: [] }, vars);
          const setNonEmpty = val !== undefined && val !== '';
          const isSet = val !== undefined;
          if (op === ':-') out += setNonEmpty ? val : sub.value;
          else if (op === '-') out += isSet ? val : sub.value;
          else if (op === ':+') out += setNonEmpty ? sub.value : '';
          else if (op === '+') out += isSet ? sub.value : '';
          if ((op === ':-' && !setNonEmpty) || (op === '-' && !isSet)) unresolved.push(...sub.unresolved);
        }
      }
      i = close + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!m) {
      out += c;
      i++;
      continue;
    }
    const name = m[0];
    const val = vars.get(name);
    if (val === undefined) unresolved.push(name);
    out += val ?? '';
    i += 1 + name.length;
  }
  return { value: out, unresolved };
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let k = from; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) return k;
  }
  return -1;
}
