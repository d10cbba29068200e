// Applying text edits (LSP semantics: ranges refer to the original text; overlapping edits are dropped).
import type { Position, TextEdit } from './types';

/** Applies edits to a text; ranges refer to the original text. An edit overlapping an earlier one is skipped, an identical insertion applied once. */
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
  let last: (typeof spans)[number] | undefined;
  for (const sp of spans) {
    // The same insertion twice (two findings adding one .dockerignore line) is applied once.
    if (last && sp.s === sp.e && last.s === sp.s && last.e === sp.e && last.t === sp.t) continue;
    if (sp.s < pos) continue;
    last = sp;
    out += text.slice(pos, sp.s) + sp.t;
    pos = sp.e;
  }
  return out + text.slice(pos);
}
