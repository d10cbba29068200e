// The CLI's --fix: each finding's preferred fix, tried on an in-memory overlay first (kept only when its finding is gone), then written through the one write path.
import { applyEdits } from '../core/edits';
import { parseProblemCount } from '../core/fix-check';
import { OverlayFileSystem } from '../core/fs';
import { lint, Project } from '../core/lint';
import type { Notice } from '../core/analysis';
import type { Finding, Fix, TextEdit } from '../core/types';
import { writeEdits } from '../core/write';

export interface FixReport {
  /** Files written. */
  changed: string[];
  /** Fixes not applied, and why. */
  notices: Notice[];
}

const key = (f: Finding) => `${f.ruleId}\0${f.file}\0${f.message}`;

function preferred(f: Finding): Fix | undefined {
  return f.fixes.find((x) => x.isPreferred) ?? (f.fixes.length === 1 ? f.fixes[0] : undefined);
}

function editsByFile(chosen: [Finding, Fix][]): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const [, fix] of chosen) for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return byFile;
}

/**
 * Applies the findings' preferred fixes to the files on disk. The fixes are first applied to an
 * overlay and the project linted again: a fix whose finding is still reported is dropped (and the
 * rest tried again). Returns the files written and a notice for each fix left out.
 */
export async function applyFixes(project: Project, findings: Finding[]): Promise<FixReport> {
  const notices: Notice[] = [];
  let chosen = findings.flatMap((f): [Finding, Fix][] => {
    const fix = preferred(f);
    return fix ? [[f, fix]] : [];
  });
  for (let round = 0; round < 3 && chosen.length; round++) {
    const overlay = new OverlayFileSystem(project.fs);
    for (const [file, edits] of editsByFile(chosen)) {
      const r = project.fs.read(file);
      overlay.set(file, applyEdits('text' in r ? r.text : '', edits));
    }
    const after = await lint({ ...project, fs: overlay });
    const left = new Set(after.findings.map(key));
    const survivors = chosen.filter(([f]) => left.has(key(f)));
    if (!survivors.length) break;
    for (const [f, fix] of survivors) notices.push({ file: f.file, line: f.range.start.line, message: `fix not applied (${f.ruleId}): "${fix.title}" does not remove the finding` });
    chosen = chosen.filter((c) => !survivors.includes(c));
  }
  const changed: string[] = [];
  for (const [file, edits] of editsByFile(chosen)) {
    const out = writeEdits([project.root], file, edits, (before, after) =>
      parseProblemCount(file, after) > parseProblemCount(file, before) ? 'the result would not parse' : undefined);
    if (out.written) changed.push(file);
    else if (out.refused) notices.push({ file, message: `fix not applied: ${out.refused}` });
  }
  return { changed, notices };
}
