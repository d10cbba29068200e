// The fix that keeps a file out of git or the build context: one line appended to .gitignore or .dockerignore.
import type { Analysis } from '../analysis';
import type { Fix } from '../types';

/** An edit appending `line` to a file (creating it when missing: an edit at 0:0 of a file that does not exist; the LSP and --fix create it). */
export function appendLineFix(a: Analysis, file: string, line: string, title: string): Fix {
  const text = a.text(file) ?? '';
  const lines = text.split('\n');
  const last = lines.length - 1;
  const end = { line: last, character: lines[last]!.length };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // Without a final newline the file keeps none, so that several appends in one pass join up.
  const newText = text === '' || text.endsWith('\n') ? line + eol : eol + line;
  return { title, edits: [{ file, range: { start: end, end }, newText }], isPreferred: true };
}
