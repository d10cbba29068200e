// Output formats of the CLI: text (one line per finding, like compilers), JSON, SARIF 2.1.0, GitHub workflow commands, GitLab Code Quality.
import type { Notice, NoticeCause } from '../core/analysis';
import { rules } from '../core/rules';
import { maskProviderSecrets as m } from '../core/redact';
import type { Finding } from '../core/types';

export interface FormatOptions {
  /** Makes paths relative for display (to the working directory for text, to the root for SARIF). */
  rel(path: string): string;
  root: string;
  version: string;
  color?: boolean;
  /** Notices of the run (skipped files, uncertainty...), for the machine formats. */
  notices?: Notice[];
  /** Findings left out because the baseline records them. */
  baselined?: number;
}

/** Formats by name, for --format. */
export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
export type FormatName = (typeof FORMATS)[number];

/** The report in one format. */
export function formatReport(format: FormatName, findings: Finding[], o: FormatOptions): string {
  if (format === 'json') return formatJson(findings, o);
  if (format === 'sarif') return formatSarif(findings, o);
  if (format === 'github') return formatGithub(findings, o);
  if (format === 'gitlab') return formatGitlab(findings, o);
  return formatText(findings, o);
}

const C = { red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/** `file:line:col: severity [rule] message`, then related places and available fixes, then a summary. */
export function formatText(findings: Finding[], o: FormatOptions): string {
  const paint = (c: string, s: string) => (o.color ? c + s + C.reset : s);
  const lines: string[] = [];
  for (const f of findings) {
    const sev = f.severity === 'error' ? paint(C.red, 'error') : f.severity === 'warning' ? paint(C.yellow, 'warning') : paint(C.cyan, 'info');
    lines.push(`${paint(C.bold, `${o.rel(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}`)}: ${sev} [${f.ruleId}] ${m(f.message)}`);
    for (const r of f.related) {
      lines.push(paint(C.dim, `    ${o.rel(r.file)}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${m(r.message ?? '')}`.trimEnd()));
    }
    for (const x of f.fixes) lines.push(paint(C.dim, `    fix: ${m(x.title)}`));
  }
  const e = findings.filter((f) => f.severity === 'error').length;
  const w = findings.filter((f) => f.severity === 'warning').length;
  const i = findings.length - e - w;
  const base = o.baselined ? `; ${o.baselined} baselined` : '';
  if (findings.length) lines.push('', `${findings.length} problem${findings.length === 1 ? '' : 's'} (${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}${i ? `, ${i} info` : ''}${base})`);
  else lines.push(o.baselined ? `no new problems (${o.baselined} baselined)` : 'no problems found');
  return lines.join('\n') + '\n';
}

export function formatNotices(notices: Notice[], o: FormatOptions): string {
  return notices.map((n) => `deploylint: ${n.file ? o.rel(n.file) + (n.line !== undefined ? `:${n.line + 1}` : '') + ': ' : ''}${m(n.message)}\n`).join('');
}

/** How serious each cause of a notice is, in SARIF's levels. */
const NOTICE_LEVEL: Record<NoticeCause, 'error' | 'warning' | 'note'> = {
  'internal-error': 'error',
  configuration: 'error',
  baseline: 'error',
  'python-unavailable': 'warning',
  'dockerfile-invalid': 'warning',
  'dockerignore-invalid': 'warning',
  'context-outside-workspace': 'warning',
  'file-skipped': 'warning',
  'not-scanned': 'note',
  'not-reported': 'note',
  'fix-not-offered': 'note',
  'fix-not-applied': 'note',
  suppression: 'warning',
};

/** The cause of a notice; notices from before causes were recorded count as skips. */
const causeOf = (n: Notice): NoticeCause => n.cause ?? 'file-skipped';

/**
 * `{findings, notices, baselined}`: findings with workspace-relative paths and one-based lines,
 * notices with their cause (`file-skipped`, `context-outside-workspace`, ...), and how many findings
 * the baseline left out.
 */
export function formatJson(findings: Finding[], o: FormatOptions): string {
  const loc = (file: string, r: Finding['range']) => ({
    file: o.rel(file),
    line: r.start.line + 1,
    column: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  const out = findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: m(f.message),
    ...loc(f.file, f.range),
    fingerprint: f.fingerprint,
    related: f.related.map((r) => ({ ...loc(r.file, r.range), message: m(r.message ?? '') })),
    fixes: f.fixes.map((x) => ({
      title: m(x.title),
      isPreferred: !!x.isPreferred,
      edits: x.edits.map((e) => ({ ...loc(e.file, e.range), newText: m(e.newText) })),
    })),
  }));
  const notices = (o.notices ?? []).map((n) => ({
    cause: causeOf(n),
    level: NOTICE_LEVEL[causeOf(n)],
    message: m(n.message),
    ...(n.file ? { file: o.rel(n.file) } : {}),
    ...(n.line !== undefined ? { line: n.line + 1 } : {}),
  }));
  return JSON.stringify({ findings: out, notices, baselined: o.baselined ?? 0 }, null, 2) + '\n';
}

/** Escapes a workflow command's message (`%`, CR, LF), as the GitHub Actions runner decodes it. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value: the message escapes plus `:` and `,`. */
function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands, one per finding:
 * `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message`; info is `::notice`.
 * Paths are relative to the working folder (the checkout, in a workflow step).
 */
export function formatGithub(findings: Finding[], o: FormatOptions): string {
  const lines = findings.map((f) => {
    const cmd = f.severity === 'info' ? 'notice' : f.severity;
    const r = f.range;
    const props = [
      `file=${ghProperty(o.rel(f.file))}`,
      `line=${r.start.line + 1}`,
      `col=${r.start.character + 1}`,
      `endLine=${r.end.line + 1}`,
      `endColumn=${r.end.character + 1}`,
      `title=${ghProperty(f.ruleId)}`,
    ];
    const related = f.related.map((x) => `\n  ${o.rel(x.file)}:${x.range.start.line + 1}: ${x.message ?? ''}`.trimEnd()).join('');
    return `::${cmd} ${props.join(',')}::${ghData(m(f.message + related))}`;
  });
  return lines.map((l) => l + '\n').join('');
}

/** GitLab's five Code Quality severities, from ours: an error breaks the deploy (critical). */
const GITLAB_SEVERITY: Record<Finding['severity'], 'info' | 'minor' | 'major' | 'critical' | 'blocker'> = {
  error: 'critical',
  warning: 'minor',
  info: 'info',
};

/** GitLab Code Quality report: a JSON array of issues with stable fingerprints (the baseline's). */
export function formatGitlab(findings: Finding[], o: FormatOptions): string {
  const issues = findings.map((f) => ({
    type: 'issue',
    description: m(f.message),
    check_name: f.ruleId,
    fingerprint: f.fingerprint ?? '',
    severity: GITLAB_SEVERITY[f.severity],
    location: { path: o.rel(f.file), lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
  }));
  return JSON.stringify(issues, null, 2) + '\n';
}

/** SARIF 2.1.0: rule metadata from the registry, `%SRCROOT%`-relative artifact URIs, related locations and fixes. */
export function formatSarif(findings: Finding[], o: FormatOptions): string {
  const uri = (file: string) => encodeURI(o.rel(file));
  const region = (r: Finding['range']) => ({
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  const level = (s: string) => (s === 'info' ? 'note' : s);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'deploylint',
            version: o.version,
            informationUri: 'https://github.com/deploylint/deploylint',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.docs.why },
              helpUri: `https://github.com/deploylint/deploylint/blob/main/docs/rules/${r.id}.md`,
              help: { text: `${r.meta.docs.why}\n\nBad:\n${r.meta.docs.bad}\n\nGood:\n${r.meta.docs.good}` },
              defaultConfiguration: { level: level(r.meta.severity) },
              properties: { fixable: r.meta.fixable },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: !(o.notices ?? []).some((n) => causeOf(n) === 'internal-error'),
            toolExecutionNotifications: (o.notices ?? []).map((n) => ({
              level: NOTICE_LEVEL[causeOf(n)],
              message: { text: m(n.message) },
              descriptor: { id: causeOf(n) },
              ...(n.file
                ? { locations: [{ physicalLocation: { artifactLocation: { uri: uri(n.file), uriBaseId: '%SRCROOT%' }, ...(n.line !== undefined ? { region: { startLine: n.line + 1 } } : {}) } }] }
                : {}),
            })),
          },
        ],
        properties: { baselined: o.baselined ?? 0 },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file://' + encodeURI(o.root.endsWith('/') ? o.root : o.root + '/') } },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
          level: level(f.severity),
          ...(f.fingerprint ? { partialFingerprints: { 'deploylint/v1': f.fingerprint } } : {}),
          message: { text: m(f.message) },
          locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' }, region: region(f.range) } }],
          relatedLocations: f.related.map((r, id) => ({
            id,
            message: { text: m(r.message ?? '') },
            physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' }, region: region(r.range) },
          })),
          fixes: f.fixes.map((x) => ({
            description: { text: m(x.title) },
            artifactChanges: groupEdits(x.edits).map(([file, edits]) => ({
              artifactLocation: { uri: uri(file), uriBaseId: '%SRCROOT%' },
              replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: m(e.newText) } })),
            })),
          })),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function groupEdits<T extends { file: string }>(edits: T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const e of edits) m.set(e.file, [...(m.get(e.file) ?? []), e]);
  return [...m];
}
