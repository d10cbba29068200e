// Python tokenizer-level checks tree-sitter does not make: indentation, unterminated strings, unbalanced brackets.
import type { Range } from '../types';

/** A syntax error as CPython would describe it. */
export interface PySyntaxError {
  range: Range;
  message: string;
}

/** Maps UTF-16 offsets of one text to zero-based LSP positions (line breaks: \r\n, \r, \n). */
export class LineIndex {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): { line: number; character: number } {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  /** Offset just past the last character of `line` (before its line break). */
  lineEnd(line: number): number {
    let e = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (e > this.starts[line] && (this.text[e - 1] === '\n' || this.text[e - 1] === '\r')) e--;
    return e;
  }
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);
const MAX_FSTRING_NESTING = 100;

class LexError {
  constructor(readonly start: number, readonly end: number, readonly message: string, readonly parserLevel = false) {}
}

/** Gives up scanning (input too odd to judge); no error is reported. */
class GiveUp {}

/** [A-Za-z0-9_] or any non-ASCII code unit (compared by code, not by a regular expression: it runs per character). */
function isIdentChar(c: string): boolean {
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) || k === 95 || k > 127;
}

function isNewline(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}

/**
 * Scans Python source the way CPython's tokenizer does and returns its first error, if any:
 * "unexpected indent", "unindent does not match any outer indentation level",
 * "expected an indented block after ...", "inconsistent use of tabs and spaces in indentation",
 * unterminated (triple-quoted) string literals, and unmatched, mismatched or unclosed brackets.
 * f-strings follow PEP 701 (3.12): nested quotes inside replacement fields are accepted.
 */
export function scanLexical(text: string, lines: LineIndex = new LineIndex(text)): LexicalResult {
  const scanner = new Scanner(text, lines);
  try {
    scanner.run();
    return { errors: [], dedentedBrackets: scanner.dedented };
  } catch (e) {
    if (e instanceof LexError) {
      return {
        errors: [{ range: lines.range(e.start, e.end), message: e.message }],
        ...(e.parserLevel ? { parserLevel: true as const } : {}),
        dedentedBrackets: scanner.dedented,
      };
    }
    if (e instanceof GiveUp) return { errors: [], dedentedBrackets: scanner.dedented };
    throw e;
  }
}

/**
 * Where a Python file's `#` comments are (offsets of real comments, not `#` inside strings) and which
 * lines are joined to the line before them (they start inside a string literal, or follow a backslash
 * continuation): a comment line cannot be inserted before those. Undefined when the text does not tokenize.
 */
export function pythonCommentLayout(text: string, lines: LineIndex = new LineIndex(text)): { comments: number[]; joined: Set<number> } | undefined {
  const layout: Layout = { comments: [], joined: new Set() };
  try {
    new Scanner(text, lines, layout).run();
    return layout;
  } catch (e) {
    if (e instanceof LexError || e instanceof GiveUp) return undefined;
    throw e;
  }
}

export interface LexicalResult {
  /** The tokenizer's first error (CPython stops there), or none. */
  errors: PySyntaxError[];
  /**
   * The error is one CPython's parser raises on the tokens (unexpected indent, expected an
   * indented block), so an earlier grammar error wins; other errors stop the tokenizer itself.
   */
  parserLevel?: true;
  /**
   * Offsets [start, end] of bracketed expressions in which a continuation line is indented less
   * than the statement: tree-sitter-python's indentation scanner can mis-parse these.
   */
  dedentedBrackets: { start: number; end: number }[];
}

/** What `pythonCommentLayout` records while scanning. */
interface Layout {
  comments: number[];
  joined: Set<number>;
}

class Scanner {
  private pos = 0;
  private readonly n: number;
  private readonly brackets: { ch: string; at: number }[] = [];
  private nesting = 0;
  readonly dedented: { start: number; end: number }[] = [];
  private dedentedOpen: number | undefined;

  constructor(private readonly text: string, private readonly lines: LineIndex, private readonly layout?: Layout) {
    this.n = text.length;
  }

  run(): void {
    const { text, lines } = this;
    const indents = [0];
    const altIndents = [0];
    let pending: { line: number; what: string } | undefined;
    let lastLine = 0;
    while (this.pos < this.n) {
      // At the start of a logical line.
      let col = 0;
      let alt = 0;
      while (this.pos < this.n) {
        const c = text[this.pos];
        if (c === ' ') {
          col++;
          alt++;
        } else if (c === '\t') {
          col = (Math.floor(col / 8) + 1) * 8;
          alt++;
        } else if (c === '\f') {
          col = alt = 0;
        } else break;
        this.pos++;
      }
      const c = text[this.pos];
      if (this.pos >= this.n || c === '#' || isNewline(c)) {
        if (c === '#') this.layout?.comments.push(this.pos);
        this.skipToNextLine();
        continue;
      }
      if (c === '\\' && isNewline(text[this.pos + 1])) {
        this.skipToNextLine();
        continue;
      }
      const first = this.pos;
      const line = lines.lineOf(first);
      lastLine = line;
      const top = indents[indents.length - 1];
      const errAt = (message: string, parserLevel = false): LexError => new LexError(first, lines.lineEnd(line), message, parserLevel);
      const tabError = (): LexError => errAt('inconsistent use of tabs and spaces in indentation');
      // Tokenizer first (INDENT / DEDENT, TabError), then what the parser expects of them.
      let indented = false;
      if (col === top) {
        if (alt !== altIndents[altIndents.length - 1]) throw tabError();
      } else if (col > top) {
        if (alt <= altIndents[altIndents.length - 1]) throw tabError();
        indents.push(col);
        altIndents.push(alt);
        indented = true;
      } else {
        while (indents.length > 1 && col < indents[indents.length - 1]) {
          indents.pop();
          altIndents.pop();
        }
        if (col !== indents[indents.length - 1]) throw errAt('unindent does not match any outer indentation level');
        if (alt !== altIndents[altIndents.length - 1]) throw tabError();
      }
      if (pending && !indented) throw errAt(`expected an indented block after ${pending.what} on line ${pending.line + 1}`, true);
      if (!pending && indented) throw errAt('unexpected indent', true);
      pending = undefined;
      const lastChar = this.logicalLine(col);
      if (lastChar === ':') pending = { line, what: headerName(text, first) };
    }
    if (this.brackets.length) {
      const b = this.brackets[0];
      throw new LexError(b.at, b.at + 1, `'${b.ch}' was never closed`);
    }
    if (pending) {
      const end = lines.lineEnd(lastLine);
      throw new LexError(end, end, `expected an indented block after ${pending.what} on line ${pending.line + 1}`, true);
    }
  }

  private skipToNextLine(): void {
    const { text } = this;
    while (this.pos < this.n && !isNewline(text[this.pos])) this.pos++;
    if (text[this.pos] === '\r' && text[this.pos + 1] === '\n') this.pos++;
    this.pos++;
  }

  /** Consumes one logical line (through its line break); returns its last significant character. */
  private logicalLine(indent: number): string | undefined {
    const { text } = this;
    let last: string | undefined;
    while (this.pos < this.n) {
      const c = text[this.pos];
      if (c === '#') {
        this.layout?.comments.push(this.pos);
        while (this.pos < this.n && !isNewline(text[this.pos])) this.pos++;
        continue;
      }
      if (isNewline(c)) {
        this.pos += c === '\r' && text[this.pos + 1] === '\n' ? 2 : 1;
        if (this.brackets.length === 0) return last;
        if (this.dedentedOpen === undefined && this.continuationIndent() < indent) this.dedentedOpen = this.brackets[0].at;
        continue;
      }
      if (c === '\\') {
        const nl = text[this.pos + 1];
        if (isNewline(nl)) {
          this.pos += nl === '\r' && text[this.pos + 2] === '\n' ? 3 : 2;
          this.layout?.joined.add(this.lines.lineOf(this.pos));
          continue;
        }
        this.pos++;
        last = c;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\f') {
        this.pos++;
        continue;
      }
      if (c === '"' || c === "'") {
        this.string(this.pos, '');
        last = c;
        continue;
      }
      if (isIdentChar(c)) {
        const s = this.pos;
        while (this.pos < this.n && isIdentChar(text[this.pos])) this.pos++;
        const word = text.slice(s, this.pos);
        const q = text[this.pos];
        if ((q === '"' || q === "'") && STRING_PREFIXES.has(word.toLowerCase())) {
          this.string(this.pos, word.toLowerCase());
          last = q;
        } else last = word[word.length - 1];
        continue;
      }
      this.bracket(c);
      last = c;
      this.pos++;
    }
    return last;
  }

  private bracket(c: string): void {
    if (OPEN[c]) this.brackets.push({ ch: c, at: this.pos });
    else if (CLOSE[c]) {
      const open = this.brackets.pop();
      if (!open) throw new LexError(this.pos, this.pos + 1, `unmatched '${c}'`);
      if (this.brackets.length === 0 && this.dedentedOpen !== undefined) {
        this.dedented.push({ start: this.dedentedOpen, end: this.pos + 1 });
        this.dedentedOpen = undefined;
      }
      if (OPEN[open.ch] !== c) {
        const openLine = this.lines.lineOf(open.at);
        const where = openLine !== this.lines.lineOf(this.pos) ? ` on line ${openLine + 1}` : '';
        throw new LexError(this.pos, this.pos + 1, `closing parenthesis '${c}' does not match opening parenthesis '${open.ch}'${where}`);
      }
    }
  }

  /** Indentation of the line starting at `pos` (Infinity for blank and comment lines). */
  private continuationIndent(): number {
    let col = 0;
    for (let i = this.pos; i < this.n; i++) {
      const c = this.text[i];
      if (c === ' ') col++;
      else if (c === '\t') col = (Math.floor(col / 8) + 1) * 8;
      else if (c === '#' || isNewline(c)) return Infinity;
      else return col;
    }
    return Infinity;
  }

  /** Scans a string literal whose opening quote is at `at`; leaves `pos` after it. */
  private string(at: number, prefix: string): void {
    const { text } = this;
    const q = text[at];
    const triple = text[at + 1] === q && text[at + 2] === q;
    const isF = prefix.includes('f') || prefix.includes('t');
    const start = at - prefix.length;
    this.pos = at + (triple ? 3 : 1);
    const unterminated = (): LexError => {
      if (triple) {
        const endLine = this.lines.lineOf(Math.max(0, this.n - 1));
        return new LexError(start, start, `unterminated triple-quoted string literal (detected at line ${endLine + 1})`);
      }
      return new LexError(start, start, `unterminated string literal (detected at line ${this.lines.lineOf(start) + 1})`);
    };
    if (++this.nesting > MAX_FSTRING_NESTING) throw new GiveUp();
    try {
      while (true) {
        if (this.pos >= this.n) throw unterminated();
        const c = text[this.pos];
        if (c === q && (!triple || (text[this.pos + 1] === q && text[this.pos + 2] === q))) {
          this.pos += triple ? 3 : 1;
          if (this.layout) for (let l = this.lines.lineOf(start) + 1; l <= this.lines.lineOf(this.pos - 1); l++) this.layout.joined.add(l);
          return;
        }
        if (c === '\\') {
          const e = text[this.pos + 1];
          // In f-strings a backslash does not escape a brace: rf'\{{' is a backslash and an escaped brace.
          this.pos += isF && (e === '{' || e === '}') ? 1 : e === '\r' && text[this.pos + 2] === '\n' ? 3 : 2;
          continue;
        }
        if (isNewline(c) && !triple) throw unterminated();
        if (isF && c === '{') {
          if (text[this.pos + 1] === '{') this.pos += 2;
          else {
            this.pos++;
            this.replacementField(unterminated);
          }
          continue;
        }
        this.pos++;
      }
    } finally {
      this.nesting--;
    }
  }

  /** Scans an f-string replacement field after its `{`; leaves `pos` after the closing `}`. */
  private replacementField(unterminated: () => LexError): void {
    const { text } = this;
    let depth = 0;
    while (true) {
      if (this.pos >= this.n) throw unterminated();
      const c = text[this.pos];
      if (c === '"' || c === "'") {
        this.string(this.pos, '');
        continue;
      }
      if (isIdentChar(c)) {
        const s = this.pos;
        while (this.pos < this.n && isIdentChar(text[this.pos])) this.pos++;
        const word = text.slice(s, this.pos).toLowerCase();
        const q = text[this.pos];
        if ((q === '"' || q === "'") && STRING_PREFIXES.has(word)) this.string(this.pos, word);
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === '}') {
        if (depth === 0) {
          this.pos++;
          return;
        }
        depth--;
      } else if (c === ':' && depth === 0) {
        this.pos++;
        this.formatSpec(unterminated);
        return;
      }
      this.pos++;
    }
  }

  /** Scans a format spec after `:`; leaves `pos` after the field's closing `}`. */
  private formatSpec(unterminated: () => LexError): void {
    const { text } = this;
    while (true) {
      if (this.pos >= this.n) throw unterminated();
      const c = text[this.pos];
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c === '{') {
        this.pos++;
        this.replacementField(unterminated);
        continue;
      }
      if (isNewline(c)) throw unterminated();
      this.pos++;
    }
  }
}

/** How CPython names a block header in "expected an indented block after ...". */
function headerName(text: string, at: number): string {
  const m = /^(async\s+)?([A-Za-z_]+)/.exec(text.slice(at, at + 40));
  const word = m ? m[2] : '';
  if (word === 'def') return 'function definition';
  if (word === 'class') return 'class definition';
  if (['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'match', 'case'].includes(word)) {
    return `'${word}' statement`;
  }
  return 'statement';
}
