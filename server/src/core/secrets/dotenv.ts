// Parses `.env` files into assignments with source ranges, so their values can be scanned for secrets.
import type { Position, Range } from '../types';

/** One `NAME=value` assignment of a `.env` file. */
export interface DotenvEntry {
  name: string;
  /**
   * The value as written: without its quotes and without an inline comment, but with escapes left
   * as they are, so that offset `i` in `value` is `valueRange.start` advanced by `i` characters
   * (see `dotenvValuePosition`). A quoted value may span lines; its line breaks are '\n' even in a
   * CRLF file.
   */
  value: string;
  nameRange: Range;
  valueRange: Range;
  /** Zero-based line of the name. */
  line: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;

/**
 * Assignments of a `.env` file in order: `NAME=value`, `export NAME=value`, spaces around `=`,
 * single, double or back quotes (which may span lines and may contain backslash-escaped quotes),
 * `#` comments on their own line or after an unquoted value when preceded by whitespace, empty
 * values, LF or CRLF line ends. Lines that are not assignments are skipped.
 */
export function parseDotenv(text: string): DotenvEntry[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const out: DotenvEntry[] = [];
  for (let ln = 0; ln < lines.length; ln++) {
    const src = lines[ln]!;
    let i = src.length - src.trimStart().length;
    if (src[i] === '#' || i === src.length) continue;
    const exp = /^export\s+/.exec(src.slice(i));
    if (exp) i += exp[0].length;
    const name = NAME.exec(src.slice(i))?.[0];
    if (!name) continue;
    const nameStart = i;
    i += name.length;
    while (src[i] === ' ' || src[i] === '\t') i++;
    if (src[i] !== '=') continue;
    i++;
    while (src[i] === ' ' || src[i] === '\t') i++;
    const entry = (value: string, start: Position, end: Position): DotenvEntry => ({
      name,
      value,
      nameRange: { start: { line: ln, character: nameStart }, end: { line: ln, character: nameStart + name.length } },
      valueRange: { start, end },
      line: ln,
    });
    const quote = src[i];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = findClosingQuote(lines, ln, i + 1, quote);
      if (close) {
        const value = close.line === ln ? src.slice(i + 1, close.character) : joinLines(lines, ln, i + 1, close);
        out.push(entry(value, { line: ln, character: i + 1 }, close));
        ln = close.line;
        continue;
      }
    }
    const rest = src.slice(i);
    const comment = /(?:^|\s)#/.exec(rest);
    const value = (comment ? rest.slice(0, comment.index) : rest).trimEnd();
    out.push(entry(value, { line: ln, character: i }, { line: ln, character: i + value.length }));
  }
  return out;
}

/** Position of the closing quote, searching from `character` on `line` onwards; undefined when unterminated. */
function findClosingQuote(lines: string[], line: number, character: number, quote: string): Position | undefined {
  for (let ln = line; ln < lines.length; ln++) {
    const s = lines[ln]!;
    for (let c = ln === line ? character : 0; c < s.length; c++) {
      if (s[c] === '\\') c++;
      else if (s[c] === quote) return { line: ln, character: c };
    }
  }
  return undefined;
}

/** The source text from (`line`, `character`) up to `end`, lines joined with '\n' (a CRLF's '\r' is dropped). */
function joinLines(lines: string[], line: number, character: number, end: Position): string {
  const parts = [lines[line]!.slice(character)];
  for (let ln = line + 1; ln < end.line; ln++) parts.push(lines[ln]!);
  parts.push(lines[end.line]!.slice(0, end.character));
  return parts.join('\n');
}

/**
 * Position in the file of offset `offset` within `entry.value`, for mapping a `scanValue` match
 * back to the source. Line breaks inside a multi-line value move to the next line.
 */
export function dotenvValuePosition(entry: DotenvEntry, offset: number): Position {
  let { line, character } = entry.valueRange.start;
  const v = entry.value;
  for (let i = 0; i < offset && i < v.length; i++) {
    if (v[i] === '\n') {
      line++;
      character = 0;
    } else {
      character++;
    }
  }
  return { line, character };
}
