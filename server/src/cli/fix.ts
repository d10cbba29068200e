// The CLI's --fix: the engine's fix selection (core/fix-all.ts) written to disk through the one write path.
import type { Notice } from '../core/analysis';
import { fixProject, FixSink, parsesWorse } from '../core/fix-all';
import type { LintOptions, LintResult, Project } from '../core/lint';
import type { Finding } from '../core/types';
import { writeEdits } from '../core/write';

export interface FixReport {
  /** Files written. */
  changed: string[];
  /** Fixes not applied, and why. */
  notices: Notice[];
}

/** Writes edits to the file on disk, refusing a result that parses worse. */
const diskSink = (project: Project): FixSink => (file, edits) => writeEdits([project.root], file, edits, (before, after) => parsesWorse(file, before, after));

/** One pass: the findings' preferred fixes that remove their findings, written to disk. */
export async function applyFixes(project: Project, findings: Finding[]): Promise<FixReport> {
  const { changed, notices } = await fixProject(project, { findings } as LintResult, diskSink(project), { passes: 1 });
  return { changed, notices };
}

/** --fix over a project: passes until nothing changes; the result is the last lint (with `lint`'s options: rule selection, baseline), with the notices of every pass. */
export async function fixOnDisk(project: Project, first: LintResult, lint: LintOptions = {}): Promise<LintResult> {
  const { result, notices } = await fixProject(project, first, diskSink(project), { lint });
  result.notices.push(...notices);
  return result;
}
