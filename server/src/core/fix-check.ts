// Every fix is checked before it leaves the engine: its files are workspace text the engine read, and the edited text still parses as well as before.
import { parseAllDocuments } from 'yaml';
import type { Analysis } from './analysis';
import { parseDockerfile } from './docker/parse';
import { applyEdits } from './edits';
import { basename, relativeInside } from './fs';
import { isDockerfileName } from './project';
import { isPythonReady, parsePython, type PyFileInfo, type PyString } from './python/parser';
import { compareRanges, type Finding, type Fix, type Range, type TextEdit } from './types';

/** How many parse problems a file's text has, by the file's kind (0 for line-based files: ignore files, .env, requirements). */
export function parseProblemCount(file: string, text: string): number {
  const name = basename(file);
  const lower = name.toLowerCase();
  if (isDockerfileName(name)) return parseDockerfile(text).problems.length;
  if (lower.endsWith('.py')) {
    if (!isPythonReady()) return 0;
    const info = parsePython(text);
    return info.syntaxErrors.length + sameQuoteInFString(info, text);
  }
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
    try {
      return parseAllDocuments(text).reduce((n, d) => n + d.errors.length, 0);
    } catch {
      return 1;
    }
  }
  if (lower.endsWith('.json')) {
    try {
      JSON.parse(text);
      return 0;
    } catch {
      return 1;
    }
  }
  return 0;
}

/**
 * String literals inside an f-string's replacement field that use the f-string's own quote:
 * valid since Python 3.12 (PEP 701), a SyntaxError before, and tree-sitter accepts both.
 */
function sameQuoteInFString(info: PyFileInfo, text: string): number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const quoteAt = (s: PyString) => /^[A-Za-z]*(["']+)/.exec(text.slice(starts[s.range.start.line] + s.range.start.character))?.[1] ?? '';
  const within = (inner: Range, outer: Range) => compareRanges({ start: inner.start, end: inner.start }, { start: outer.start, end: outer.start }) > 0
    && compareRanges({ start: inner.end, end: inner.end }, { start: outer.end, end: outer.end }) < 0;
  let n = 0;
  for (const f of info.strings) {
    if (!f.isFString) continue;
    const q = quoteAt(f)[0];
    for (const s of info.strings) if (s !== f && within(s.range, f.contentRange) && quoteAt(s).includes(q)) n++;
  }
  return n;
}

/** Why a fix cannot be offered (undefined when it can): a file outside the workspace, a symlink, unreadable text, or a result that parses worse. */
export function fixRefusal(a: Pick<Analysis, 'fs' | 'root' | 'text' | 'rel'>, fix: Fix): string | undefined {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    if (relativeInside(a.root, file) === undefined) return `${file} is outside the workspace`;
    if (a.fs.isSymlink?.(file)) return `${a.rel(file)} is a symbolic link`;
    const before = a.text(file);
    if (before === undefined && a.fs.stat(file)) return `${a.rel(file)} is not UTF-8 text the linter read`;
    const old = before ?? '';
    const after = applyEdits(old, edits);
    if (parseProblemCount(file, after) > parseProblemCount(file, old)) return `${a.rel(file)} would no longer parse`;
  }
  return undefined;
}

/** Drops the fixes that cannot be offered, each with a notice saying why. */
export function keepSafeFixes(a: Analysis, findings: Finding[]): void {
  for (const f of findings) {
    if (!f.fixes.length) continue;
    f.fixes = f.fixes.filter((fix) => {
      const why = fixRefusal(a, fix);
      if (why) a.notices.push({ file: f.file, line: f.range.start.line, cause: 'fix-not-offered', message: `fix not offered (${f.ruleId}): "${fix.title}": ${why}` });
      return !why;
    });
  }
}
