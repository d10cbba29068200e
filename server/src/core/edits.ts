// Applying text edits (LSP semantics: ranges refer to the original text; overlapping edits are dropped).
import type { Position, TextEdit } from './types';

/** Applies edits to a text; ranges refer to the original text. An edit overlapping an earlier one is skipped. */
export function applyEdits(text: string, edits: Pick<TextEdit, 'range' | 'newText'>[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: Position) => {
    if (p.line >= starts.length) return text.length;
    const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] - 1 : text.length;
    return Math.min(starts[p.line] + p.character, lineEnd);
  };
  const spans = edits
    .map((e, i) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText, i }))
    .sort((a, b) => a.s - b.s || a.e - b.e || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const sp of spans) {
    if (sp.s < pos) continue;
    out += text.slice(pos, sp.s) + sp.t;
    pos = sp.e;
  }
  return out + text.slice(pos);
}
