// Line-level edits of YAML manifests shared by the rules that fix them (insert whole lines under a key).
import type { Analysis } from '../analysis';
import type { TextEdit } from '../types';

/** The file's lines without their line ends. */
export function linesOf(a: Analysis, file: string): string[] {
  return (a.text(file) ?? '').split('\n').map((l) => l.replace(/\r$/, ''));
}

/** Inserts whole lines after line `after` (at the end of the file when it is the last line). */
export function insertLinesAfter(file: string, lines: string[], after: number, text: string[]): TextEdit {
  const body = text.join('\n');
  if (after + 1 < lines.length) return { file, range: { start: { line: after + 1, character: 0 }, end: { line: after + 1, character: 0 } }, newText: body + '\n' };
  const end = { line: after, character: lines[after]?.length ?? 0 };
  return { file, range: { start: end, end }, newText: '\n' + body };
}
