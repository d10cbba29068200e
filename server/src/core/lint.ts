// The engine entry: lint(project, config) -> findings, with severities and suppressions applied once, centrally.
import { analyse, Analysis, Notice } from './analysis';
import { ConfigProblem, LintConfig, loadConfig } from './config';
import type { FileSystem } from './fs';
import { rules as allRules, Rule } from './rules';
import { applySuppressions } from './suppressions';
import { keepSafeFixes } from './fix-check';
import { redactOutput } from './redact';
import { initPython } from './python/parser';
import { compareRanges, Finding } from './types';

export interface Project {
  fs: FileSystem;
  /** Absolute POSIX path of the workspace root. */
  root: string;
  /** Limit Dockerfile-rooted analysis to these files (CLI path arguments). */
  only?: (path: string) => boolean;
}

export interface LintResult {
  findings: Finding[];
  notices: Notice[];
  /** Problems in `.deploylint.yaml`, at the offending key (also in notices). */
  configProblems: ConfigProblem[];
  /** The analysis the rules ran on (files, image models), for callers that need more than findings. */
  analysis: Analysis;
}

export interface LintOptions {
  rules?: Rule[];
  /** Settings from the editor, merged over `.deploylint.yaml`. */
  overrides?: Partial<LintConfig>;
}

/** Runs every enabled rule over the project. Never throws for bad input: problems become notices. */
export async function lint(project: Project, options: LintOptions = {}): Promise<LintResult> {
  project.fs.beginPass?.();
  const { config, problems } = loadConfig(project.fs, project.root, options.overrides, allRules.map((r) => r.id));
  project.fs.setMaxFileSize?.(config.maxFileSize);
  let pythonProblem: string | undefined;
  try {
    await initPython();
  } catch (e) {
    pythonProblem = `Python analysis is off: ${(e as Error).message}`;
  }
  const analysis = analyse(project.fs, project.root, config, project.only);
  if (pythonProblem) analysis.notices.push({ message: pythonProblem });
  for (const p of problems) analysis.notices.push({ file: p.file, line: p.line, message: `configuration: ${p.message}` });
  const findings: Finding[] = [];
  for (const rule of options.rules ?? allRules) {
    const level = config.rules[rule.id];
    if (level === 'off') continue;
    let drafts;
    try {
      drafts = rule.check(analysis);
    } catch (e) {
      analysis.notices.push({ message: `internal error in rule ${rule.id}: ${(e as Error).stack ?? String(e)}` });
      continue;
    }
    for (const d of drafts) {
      findings.push({ ...d, ruleId: rule.id, severity: level ?? d.severity ?? rule.meta.severity });
    }
  }
  keepSafeFixes(analysis, findings);
  const kept = applySuppressions(findings, (f) => analysis.text(f));
  kept.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : compareRanges(x.range, y.range) || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0)));
  redactOutput(analysis, kept, analysis.notices);
  return { findings: kept, notices: analysis.notices, configProblems: problems, analysis };
}
