// Output formats of the CLI: text (one line per finding, like compilers), JSON, and SARIF 2.1.0.
import type { Notice } from '../core/analysis';
import { rules } from '../core/rules';
import { maskProviderSecrets as m } from '../core/redact';
import type { Finding } from '../core/types';

export interface FormatOptions {
  /** Makes paths relative for display (to the working directory for text, to the root for SARIF). */
  rel(path: string): string;
  root: string;
  version: string;
  color?: boolean;
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
  if (findings.length) lines.push('', `${findings.length} problem${findings.length === 1 ? '' : 's'} (${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}${i ? `, ${i} info` : ''})`);
  else lines.push('no problems found');
  return lines.join('\n') + '\n';
}

export function formatNotices(notices: Notice[], o: FormatOptions): string {
  return notices.map((n) => `deploylint: ${n.file ? o.rel(n.file) + (n.line !== undefined ? `:${n.line + 1}` : '') + ': ' : ''}${m(n.message)}\n`).join('');
}

/** Findings as JSON with workspace-relative paths and one-based lines. */
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
    related: f.related.map((r) => ({ ...loc(r.file, r.range), message: m(r.message ?? '') })),
    fixes: f.fixes.map((x) => ({
      title: m(x.title),
      isPreferred: !!x.isPreferred,
      edits: x.edits.map((e) => ({ ...loc(e.file, e.range), newText: m(e.newText) })),
    })),
  }));
  return JSON.stringify(out, null, 2) + '\n';
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
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file://' + encodeURI(o.root.endsWith('/') ? o.root : o.root + '/') } },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
          level: level(f.severity),
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
