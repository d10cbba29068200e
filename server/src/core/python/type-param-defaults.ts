// Type parameter defaults (PEP 696, Python 3.13: `def first[T = int]()`, `class Box[T = str]:`, `type Pair[K = str] = ...`), which the grammar does not parse: blanked before parsing and reported as a feature.

/** One `= default` of a type parameter, as offsets in the text. */
export interface TypeParamDefault {
  start: number;
  end: number;
}

/** A header that opens a type parameter list: `def name[`, `async def name[`, `class name[`, `type name[` at the start of a line. */
const HEADER = /^[ \t]*(?:(?:async[ \t]+)?def|class|type)[ \t]+[A-Za-z_]\w*[ \t]*\[/gm;
const OPEN = '([{';
const CLOSE = ')]}';

/**
 * The `= default` parts of type parameter lists. Each list is read to its closing bracket (nested brackets and
 * quoted strings skipped); a parameter's default is the text after a top-level `=` up to its top-level comma.
 */
export function typeParamDefaults(text: string): TypeParamDefault[] {
  if (!text.includes('[')) return [];
  const out: TypeParamDefault[] = [];
  HEADER.lastIndex = 0;
  for (let m = HEADER.exec(text); m; m = HEADER.exec(text)) {
    let i = m.index + m[0].length;
    let depth = 0;
    let eq = -1;
    const found: TypeParamDefault[] = [];
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const q = c;
        for (i++; i < text.length && text[i] !== q && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
        continue;
      }
      if (c === '#') return out; // a comment inside a header: not something to rewrite
      if (OPEN.includes(c)) depth++;
      else if (CLOSE.includes(c)) {
        if (depth === 0) {
          if (c === ']' && eq >= 0) found.push({ start: eq, end: i });
          break;
        }
        depth--;
      } else if (depth === 0 && c === ',') {
        if (eq >= 0) found.push({ start: eq, end: i });
        eq = -1;
      } else if (depth === 0 && c === '=' && text[i + 1] !== '=' && !'=!<>'.includes(text[i - 1] ?? '')) {
        if (eq < 0) eq = i;
      }
    }
    if (i < text.length && text[i] === ']') out.push(...found);
    HEADER.lastIndex = Math.max(HEADER.lastIndex, i);
  }
  return out;
}

/** The text with each default blanked (newlines kept), so offsets and lines stay those of the original. */
export function blankDefaults(text: string, defaults: TypeParamDefault[]): string {
  let out = '';
  let at = 0;
  for (const d of defaults) {
    out += text.slice(at, d.start) + text.slice(d.start, d.end).replace(/[^\n]/g, ' ');
    at = d.end;
  }
  return out + text.slice(at);
}
