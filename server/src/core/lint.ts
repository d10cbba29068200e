// The engine entry: lint(project, config) -> findings, with severities and suppressions applied once, centrally.
import { analyse, Analysis, Notice } from './analysis';
import { applyBaseline, assignFingerprints, parseBaseline } from './baseline';
import { ConfigProblem, LintConfig, loadConfig } from './config';
import { FileSystem, join, readText } from './fs';
import { rules as allRules, Draft, Rule } from './rules';
import { applySuppressions, SuppressionProblem } from './suppressions';
import { keepSafeFixes } from './fix-check';
import { redactOutput } from './redact';
import { initPython } from './python/parser';
import { compareRanges, Finding } from './types';
import { prepareContainers } from './runtime';
import type { LintSession } from './session';

export interface Project {
  fs: FileSystem;
  /** Absolute POSIX path of the workspace root. */
  root: string;
  /** Limit Dockerfile-rooted analysis to these files (CLI path arguments). */
  only?: (path: string) => boolean;
  /** Absolute path of the configuration file to use instead of `<root>/.deploylint.yaml`. */
  configFile?: string;
}

export interface LintResult {
  findings: Finding[];
  notices: Notice[];
  /** Problems in `.deploylint.yaml`, at the offending key (also in notices). */
  configProblems: ConfigProblem[];
  /** Suppression comments naming unknown rules or suppressing nothing (also in notices). */
  suppressionProblems: SuppressionProblem[];
  /** The analysis the rules ran on (files, image models), for callers that need more than findings. */
  analysis: Analysis;
  /** Findings left out because the baseline (`baseline` setting) records them. */
  baselined: number;
}

export interface LintOptions {
  /** The rules to run (default: all); a subset selects (CLI --select/--ignore). */
  rules?: Rule[];
  /** Settings from the editor, merged over `.deploylint.yaml`. */
  overrides?: Partial<LintConfig>;
  /** Keeps derived facts between lints in one process (the language server): only what an edit touched is recomputed. */
  session?: LintSession;
  /**
   * Asked between containers and between rules (the lint yields to the event loop there when given): true stops the
   * lint with a {@link LintCancelled} error, because a newer edit makes its result stale.
   */
  cancelled?: () => boolean;
}

/** Thrown by `lint()` when `cancelled()` said so. */
export class LintCancelled extends Error {
  constructor() {
    super('lint cancelled');
  }
}

/** Rules that read every file of the workspace run last, so that the others do not depend on what only they read (see LintSession). */
const READS_EVERY_FILE = new Set(['hardcoded-secret']);

/** Runs every enabled rule over the project. Never throws for bad input: problems become notices. */
export async function lint(project: Project, options: LintOptions = {}): Promise<LintResult> {
  const { session, cancelled } = options;
  const fs = session ? session.begin(project.fs) : project.fs;
  fs.beginPass?.();
  let pythonProblem: string | undefined;
  try {
    await initPython();
  } catch (e) {
    pythonProblem = `Python analysis is off: ${(e as Error).message}`;
  }
  const order = runOrder(options.rules ?? allRules);
  session?.prepare(JSON.stringify([options.overrides ?? {}, order.map((r) => r.id), !!project.only, pythonProblem ?? '']));
  session?.enter(0);
  const { config, problems } = loadConfig(fs, project.root, options.overrides, { file: project.configFile, knownRules: allRules.map((r) => r.id) });
  fs.setMaxFileSize?.(config.maxFileSize);
  const analysis = analyse(fs, project.root, config, project.only, session);
  if (pythonProblem) analysis.notices.push({ cause: 'python-unavailable', message: pythonProblem });
  for (const p of problems) analysis.notices.push({ file: p.file, line: p.line, cause: 'configuration', message: `configuration: ${p.message}` });
  const stop = async (i: number): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    if (cancelled!()) {
      session?.truncate(i);
      session?.leave();
      throw new LintCancelled();
    }
  };
  // The containers and their import closures (most of a lint's work) are built before the rules,
  // one container at a time, so that a newer edit stops the lint between them; not when every rule
  // but the secret scan is replayed (nothing asks for them then).
  if (cancelled && order.some((r, i) => !READS_EVERY_FILE.has(r.id) && !session?.replays(i, r.id))) {
    await prepareContainers(analysis, () => stop(0));
  }
  const findings: Finding[] = [];
  /** Rules that ran to the end (not off, no internal error): their unused suppressions are reported. */
  const ran: string[] = [];
  for (const [i, rule] of order.entries()) {
    if (cancelled) await stop(i);
    const level = config.rules[rule.id];
    let drafts: Draft[] = [];
    const reused = session?.reusable(i, rule.id);
    let failed = false;
    if (reused) {
      drafts = reused.drafts;
      analysis.notices.push(...reused.notices.map((n) => ({ ...n })));
      failed = reused.notices.some((n) => n.message.startsWith(`internal error in rule ${rule.id}:`));
    } else {
      session?.enter(i + 1);
      const before = analysis.notices.length;
      if (level !== 'off') {
        try {
          drafts = rule.check(analysis);
        } catch (e) {
          failed = true;
          analysis.notices.push({ cause: 'internal-error', message: `internal error in rule ${rule.id}: ${(e as Error).stack ?? String(e)}` });
        }
      }
      session?.store(i, rule.id, drafts, analysis.notices.slice(before).map((n) => ({ ...n })));
    }
    if (level !== 'off' && !failed) ran.push(rule.id);
    const severity = level === 'off' ? undefined : level;
    for (const d of drafts) {
      findings.push({ ...d, ruleId: rule.id, severity: severity ?? d.severity ?? rule.meta.severity });
    }
  }
  session?.leave();
  keepSafeFixes(analysis, findings);
  // A directive is unused only when its rule ran over the whole workspace (not for a path argument or a subset of rules).
  // Directives are checked in every file discovery lists, so a re-lint that reuses rules reports the same ones.
  const whole = !project.only && !options.rules;
  const listed = analysis.files;
  const { kept, problems: suppressionProblems } = applySuppressions(findings, (f) => analysis.text(f), {
    knownRules: allRules.map((r) => r.id),
    ranRules: whole ? ran : [],
    files: [...listed.dockerfiles, ...listed.yamlFiles, ...listed.scripts, ...listed.envFiles, ...listed.pythonFiles],
    read: (f) => {
      const r = fs.read(f);
      return 'text' in r ? r.text : undefined;
    },
  });
  for (const p of suppressionProblems) analysis.notices.push({ file: p.file, line: p.range.start.line, cause: 'suppression', message: p.message });
  kept.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : compareRanges(x.range, y.range) || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0)));
  redactOutput(analysis, kept, analysis.notices);
  assignFingerprints(kept, (p) => analysis.rel(p), (p) => analysis.text(p));
  const { findings: reported, baselined } = filterByBaseline(project, config, kept, analysis);
  return { findings: reported, notices: analysis.notices, configProblems: problems, suppressionProblems, analysis, baselined };
}

/** Drops the findings the `baseline` file records; an unreadable baseline is a notice and filters nothing. */
function filterByBaseline(project: Project, config: LintConfig, findings: Finding[], analysis: Analysis): { findings: Finding[]; baselined: number } {
  if (!config.baseline) return { findings, baselined: 0 };
  const file = /^([A-Za-z]:)?\//.test(config.baseline) ? config.baseline : join(project.root, config.baseline);
  const text = readText(project.fs, file);
  const parsed = text === undefined ? 'cannot read it' : parseBaseline(text);
  if (typeof parsed === 'string') {
    analysis.notices.push({ file, cause: 'baseline', message: `baseline not applied: ${parsed}` });
    return { findings, baselined: 0 };
  }
  const { kept, baselined } = applyBaseline(findings, parsed);
  return { findings: kept, baselined };
}

/** The rules in the order they run: the ones that read every file last (findings are sorted afterwards, so the order shows nowhere else). */
function runOrder(rules: Rule[]): Rule[] {
  return [...rules.filter((r) => !READS_EVERY_FILE.has(r.id)), ...rules.filter((r) => READS_EVERY_FILE.has(r.id))];
}
