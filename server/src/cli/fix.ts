// Applies findings' preferred fixes to files on disk (the CLI's --fix), never two overlapping edits in one pass.
import * as nodeFs from 'fs';
import { applyEdits } from '../core/edits';
import type { Finding, TextEdit } from '../core/types';

/** Writes each finding's preferred fix; returns the files changed. */
export function applyFixes(findings: Finding[]): string[] {
  const byFile = new Map<string, TextEdit[]>();
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.isPreferred) ?? (f.fixes.length === 1 ? f.fixes[0] : undefined);
    if (!fix) continue;
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  }
  const changed: string[] = [];
  for (const [file, edits] of byFile) {
    let text = '';
    try {
      text = nodeFs.existsSync(file) ? nodeFs.readFileSync(file, 'utf8') : '';
    } catch {
      continue;
    }
    const next = applyEdits(text, edits);
    if (next !== text) {
      nodeFs.writeFileSync(file, next);
      changed.push(file);
    }
  }
  return changed;
}
