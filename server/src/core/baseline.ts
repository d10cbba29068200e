// Baselines: a fingerprint per finding that survives unrelated edits (rule + file + normalised subject, no line numbers), and the file that records them.
import { createHash } from 'crypto';
import type { Finding, Range } from './types';

/** One recorded finding. `file` and `message` are there for people reading the file; matching uses `fingerprint` alone. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  message: string;
}

export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

/** The text a range covers, whitespace collapsed, at most 200 characters. */
function rangeText(text: string | undefined, r: Range): string {
  if (text === undefined) return '';
  const lines = text.split(/\r?\n/).slice(r.start.line, r.end.line + 1);
  if (!lines.length) return '';
  if (lines.length === 1) lines[0] = lines[0].slice(r.start.character, r.end.character);
  else {
    lines[0] = lines[0].slice(r.start.character);
    lines[lines.length - 1] = lines[lines.length - 1].slice(0, r.end.character);
  }
  return lines.join(' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The message without line numbers (`Dockerfile:12`, `line 12`), which move when unrelated lines are added. */
export function normaliseMessage(message: string): string {
  return message
    .replace(/\bline \d+/g, 'line #')
    .replace(/((?:\.[A-Za-z0-9]+|Dockerfile|Containerfile)):\d+(?::\d+)?/g, '$1:#')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Sets `fingerprint` on each finding: a hash of rule id, workspace-relative file, the normalised
 * message and the text the finding's range covers. Findings with the same hash in one file are
 * numbered in file order (`…#2`), so a second identical defect is new. `findings` must be sorted.
 */
export function assignFingerprints(findings: Finding[], rel: (path: string) => string, text: (path: string) => string | undefined): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const h = createHash('sha256').update(`${f.ruleId}\0${rel(f.file)}\0${normaliseMessage(f.message)}\0${rangeText(text(f.file), f.range)}`).digest('hex').slice(0, 32);
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    f.fingerprint = n === 1 ? h : `${h}#${n}`;
  }
}

/** What a baseline records of these findings (fingerprints assigned); `rel` makes paths workspace-relative. */
export function baselineEntries(findings: Finding[], rel: (path: string) => string): BaselineEntry[] {
  return findings.map((f) => ({ fingerprint: f.fingerprint ?? '', ruleId: f.ruleId, file: rel(f.file), message: f.message }));
}

/** The baseline file's text. */
export function formatBaseline(entries: BaselineEntry[]): string {
  const b: Baseline = { version: 1, findings: entries };
  return JSON.stringify(b, null, 2) + '\n';
}

/** Parses a baseline file; a string says why it is not one. */
export function parseBaseline(text: string): Baseline | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  const b = raw as Partial<Baseline>;
  if (typeof raw !== 'object' || raw === null || b.version !== 1 || !Array.isArray(b.findings)) return 'not a deploylint baseline (expected {"version": 1, "findings": [...]})';
  if (!b.findings.every((e) => typeof e === 'object' && e !== null && typeof e.fingerprint === 'string')) return 'a finding without a fingerprint';
  return b as Baseline;
}

/** Splits findings into those the baseline does not record (reported) and the count it does. */
export function applyBaseline(findings: Finding[], baseline: Baseline): { kept: Finding[]; baselined: number } {
  const known = new Set(baseline.findings.map((e) => e.fingerprint));
  const kept = findings.filter((f) => !f.fingerprint || !known.has(f.fingerprint));
  return { kept, baselined: findings.length - kept.length };
}
