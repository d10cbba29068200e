// Fixing a whole project, shared by the CLI's --fix and the editor's fix-all: each finding's preferred fix, tried on an overlay first (kept only when its finding is gone), applied through a sink, in passes until nothing changes.
import type { Notice } from './analysis';
import { applyEdits } from './edits';
import { parseProblemCount } from './fix-check';
import { OverlayFileSystem } from './fs';
import { lint, LintOptions, LintResult, Project } from './lint';
import type { Finding, Fix, TextEdit } from './types';

/** Most fix passes over one workspace (a fix can reveal a finding with a fix of its own). */
export const FIX_PASSES = 5;

/** Writes one file's edits somewhere (the disk, an overlay); says whether the file changed or why not. */
export type FixSink = (file: string, edits: TextEdit[]) => { written: boolean; refused?: string };

export interface FixOptions {
  /** Options for the re-lints (editor settings). */
  lint?: LintOptions;
  /** Only fixes this accepts are applied (the editor's fix-all of one file). */
  scope?: (fix: Fix) => boolean;
  /** Passes at most (default FIX_PASSES). */
  passes?: number;
}

/** The fix applied for a finding: its preferred one, or its only one. */
export function preferredFix(f: Finding): Fix | undefined {
  return f.fixes.find((x) => x.isPreferred) ?? (f.fixes.length === 1 ? f.fixes[0] : undefined);
}

/** The edits of several fixes, by file. */
export function editsByFile(fixes: Fix[]): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const fix of fixes) for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return byFile;
}

const key = (f: Finding) => `${f.ruleId}\0${f.file}\0${f.message}`;

/**
 * Chooses the fixes to apply together: each finding's preferred fix, applied to an overlay and the
 * project linted again; a fix whose finding is still reported is dropped (with a notice) and the rest tried again.
 */
export async function chooseFixes(project: Project, findings: Finding[], options: FixOptions = {}): Promise<{ chosen: [Finding, Fix][]; notices: Notice[] }> {
  const notices: Notice[] = [];
  let chosen = findings.flatMap((f): [Finding, Fix][] => {
    const fix = preferredFix(f);
    return fix && (!options.scope || options.scope(fix)) ? [[f, fix]] : [];
  });
  for (let round = 0; round < 3 && chosen.length; round++) {
    const overlay = new OverlayFileSystem(project.fs);
    for (const [file, edits] of editsByFile(chosen.map(([, fix]) => fix))) {
      const r = project.fs.read(file);
      overlay.set(file, applyEdits('text' in r ? r.text : '', edits));
    }
    const after = await lint({ ...project, fs: overlay }, options.lint);
    const left = new Set(after.findings.map(key));
    const survivors = chosen.filter(([f]) => left.has(key(f)));
    if (!survivors.length) break;
    for (const [f, fix] of survivors) notices.push({ file: f.file, line: f.range.start.line, cause: 'fix-not-applied', message: `fix not applied (${f.ruleId}): "${fix.title}" does not remove the finding` });
    chosen = chosen.filter((c) => !survivors.includes(c));
  }
  return { chosen, notices };
}

/** Why `after` may not replace `before` in `file` (it parses worse), else undefined. */
export function parsesWorse(file: string, before: string, after: string): string | undefined {
  return parseProblemCount(file, after) > parseProblemCount(file, before) ? 'the result would not parse' : undefined;
}

/** A sink into an in-memory overlay (the editor's fix-all): the result must parse as well as before. */
export function overlaySink(overlay: OverlayFileSystem): FixSink {
  return (file, edits) => {
    const r = overlay.read(file);
    const before = 'text' in r ? r.text : '';
    const after = applyEdits(before, edits);
    if (after === before) return { written: false };
    const why = parsesWorse(file, before, after);
    if (why) return { written: false, refused: why };
    overlay.set(file, after);
    return { written: true };
  };
}

/**
 * Applies the chosen fixes through `sink`, re-lints, and repeats (at most FIX_PASSES) until a pass
 * changes nothing, so fixing twice is a no-op. `first` is the project's current lint result; the
 * result returned is the lint after the last pass.
 */
export async function fixProject(project: Project, first: LintResult, sink: FixSink, options: FixOptions = {}): Promise<{ result: LintResult; changed: string[]; notices: Notice[] }> {
  const notices: Notice[] = [];
  const changed = new Set<string>();
  let result = first;
  for (let pass = 0; pass < (options.passes ?? FIX_PASSES); pass++) {
    const { chosen, notices: why } = await chooseFixes(project, result.findings, options);
    notices.push(...why);
    let wrote = false;
    for (const [file, edits] of editsByFile(chosen.map(([, fix]) => fix))) {
      const out = sink(file, edits);
      if (out.written) {
        wrote = true;
        changed.add(file);
      } else if (out.refused) notices.push({ file, cause: 'fix-not-applied', message: `fix not applied: ${out.refused}` });
    }
    if (!wrote) break;
    result = await lint(project, options.lint);
  }
  return { result, changed: [...changed], notices };
}
