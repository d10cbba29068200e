// Code actions from what diagnostics carry (no per-rule code): each fix once per range, one preferred per diagnostic, conflicting fixes of different diagnostics never side by side; "Ignore <rule>" on the line or in the file; source.fixAll.deploylint and the deploylint.fixAll command (the CLI's --fix selection).
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  CreateFile,
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  ExecuteCommandParams,
  ServerCapabilities,
  TextDocumentEdit,
  TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { LintConfig } from '../core/config';
import { fixProject, overlaySink, parsesWorse } from '../core/fix-all';
import { OverlayFileSystem, relativeInside } from '../core/fs';
import { lint, LintResult } from '../core/lint';
import { LineIndex } from '../core/python/lexical';
import { maskProviderSecrets as mask } from '../core/redact';
import { suppressionEdit } from '../core/suppressions';
import { applyEdits } from '../core/edits';
import type { Fix, Range, TextEdit } from '../core/types';

/** What a diagnostic carries so that code actions need no per-rule code. */
export interface DiagnosticData {
  fixes: Fix[];
}

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.deploylint`;
export const FIX_ALL_COMMAND = 'deploylint.fixAll';

/** Capabilities the actions add to the server's `initialize` answer. */
export const ACTION_CAPABILITIES: ServerCapabilities = {
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
  executeCommandProvider: { commands: [FIX_ALL_COMMAND] },
};

export interface ActionHost {
  toPath(uri: string): string | undefined;
  toUri(path: string): string;
  /** The open document's version, or null when it is not open. */
  versionOf(uri: string): number | null;
  /** The server's file system (disk under the open buffers). */
  fs(): OverlayFileSystem | undefined;
  roots(): string[];
  settings(): Partial<LintConfig>;
}

/** Registers the code-action and execute-command handlers. */
export function registerActions(connection: Connection, host: ActionHost): void {
  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const file = host.toPath(params.textDocument.uri);
    const fs = host.fs();
    if (!file || !fs) return [];
    const wants = (kind: string) => !params.context.only || params.context.only.some((k) => kind === k || kind.startsWith(k + '.'));
    const out: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const r = fs.read(file);
      out.push(...quickFixes(params.context.diagnostics, file, 'text' in r ? r.text : undefined, (fix) => toWorkspaceEdit(host, fix.edits)));
    }
    // Fix-all lints the project several times: only when asked for by kind (on save, the source-action menu), never for the lightbulb.
    if (params.context.only && wants(FIX_ALL_KIND)) {
      const edit = await fixAllEdit(host, file);
      if (edit) out.push({ title: 'Fix all deploylint problems in this file', kind: FIX_ALL_KIND, edit });
    }
    return out;
  });

  connection.onExecuteCommand(async (params: ExecuteCommandParams) => {
    if (params.command !== FIX_ALL_COMMAND) return null;
    const edit = await fixAllEdit(host, undefined);
    if (!edit) return { applied: false, files: 0 };
    const files = new Set(edit.documentChanges!.flatMap((c) => ('textDocument' in c ? [c.textDocument.uri] : []))).size;
    const r = await connection.workspace.applyEdit({ label: 'deploylint: fix all problems', edit });
    return { applied: r.applied, files };
  });
}

interface Candidate {
  fix: Fix;
  diagnostics: Diagnostic[];
}

const spans = (fix: Fix) => fix.edits.map((e) => ({ file: e.file, range: e.range }));
const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
/** Two edits of one file that cannot both apply: their ranges overlap (insertions at one point do not). */
function overlaps(a: Fix, b: Fix): boolean {
  return spans(a).some((x) => spans(b).some((y) => x.file === y.file && before(x.range.start, y.range.end) && before(y.range.start, x.range.end)));
}

/**
 * The quick fixes for `diagnostics` of the document `file` (text `text`): fixes with the same title
 * and edits merged into one action listing every diagnostic they fix; per diagnostic exactly one
 * preferred (its preferred fix, else its only one: what --fix applies); a fix that overlaps a fix of
 * other diagnostics is left out rather than offered beside it; then the suppressions.
 */
export function quickFixes(diagnostics: Diagnostic[], file: string, text: string | undefined, toEdit: (fix: Fix) => WorkspaceEdit): CodeAction[] {
  const ours = diagnostics.filter((d) => d.source === 'deploylint');
  const byKey = new Map<string, Candidate>();
  const chosenFor = new Map<Diagnostic, Candidate>();
  for (const d of ours) {
    const fixes = (d.data as DiagnosticData | undefined)?.fixes ?? [];
    const preferred = fixes.find((x) => x.isPreferred) ?? (fixes.length === 1 ? fixes[0] : undefined);
    for (const fix of fixes) {
      const key = JSON.stringify([fix.title, fix.edits]);
      const c = byKey.get(key) ?? { fix, diagnostics: [] };
      c.diagnostics.push(d);
      byKey.set(key, c);
      if (fix === preferred) chosenFor.set(d, c);
    }
  }
  const candidates = [...byKey.values()];
  // Preferred ones decide conflicts first; the order shown stays the diagnostics' order.
  const ranked = [...candidates].sort((a, b) => Number(isChosen(b)) - Number(isChosen(a)));
  const kept = new Set<Candidate>();
  for (const c of ranked) {
    const rival = [...kept].find((k) => !k.diagnostics.some((d) => c.diagnostics.includes(d)) && overlaps(k.fix, c.fix));
    if (!rival) kept.add(c);
  }
  function isChosen(c: Candidate): boolean {
    return c.diagnostics.some((d) => chosenFor.get(d) === c);
  }
  const preferred = new Set<Candidate>();
  for (const d of ours) {
    if ([...preferred].some((p) => p.diagnostics.includes(d))) continue;
    const c = chosenFor.get(d);
    if (c && kept.has(c)) preferred.add(c);
  }
  const out: CodeAction[] = candidates.filter((c) => kept.has(c)).map((c) => ({
    title: mask(c.fix.title),
    kind: CodeActionKind.QuickFix,
    diagnostics: c.diagnostics,
    isPreferred: preferred.has(c),
    edit: toEdit(c.fix),
  }));
  if (text !== undefined) out.push(...ignoreActions(ours, file, text, toEdit));
  return out;
}

/** "Ignore <rule> on this line" (one per rule and line) and "Ignore <rule> in this file" (one per rule), when the file takes `#` comments and still parses. */
function ignoreActions(diagnostics: Diagnostic[], file: string, text: string, toEdit: (fix: Fix) => WorkspaceEdit): CodeAction[] {
  const groups = new Map<string, { title: string; edit: TextEdit; diagnostics: Diagnostic[] }>();
  for (const d of diagnostics) {
    if (typeof d.code !== 'string') continue;
    const rule = d.code;
    for (const scope of [d.range.start.line, 'file'] as const) {
      const edit = suppressionEdit(file, text, rule, scope);
      if (!edit) continue;
      // Keyed by where the directive goes: diagnostics on lines of one Python string share one directive.
      const key = `${rule}\0${scope === 'file' ? scope : JSON.stringify(edit.range.start)}`;
      const g = groups.get(key);
      if (g) {
        g.diagnostics.push(d);
        continue;
      }
      if (parsesWorse(file, text, applyEdits(text, [edit]))) continue;
      groups.set(key, { title: scope === 'file' ? `Ignore ${rule} in this file` : `Ignore ${rule} on this line`, edit, diagnostics: [d] });
    }
  }
  const all = [...groups.values()];
  // Line-level first, then file-level.
  return [...all.filter((g) => !g.title.endsWith('in this file')), ...all.filter((g) => g.title.endsWith('in this file'))]
    .map((g) => ({ title: g.title, kind: CodeActionKind.QuickFix, diagnostics: g.diagnostics, isPreferred: false, edit: toEdit({ title: g.title, edits: [g.edit] }) }));
}

/** Engine edits as an LSP workspace edit: versioned for open documents, creating files that do not exist. */
function toWorkspaceEdit(host: ActionHost, edits: TextEdit[]): WorkspaceEdit {
  const byFile = new Map<string, LspTextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), { range: e.range, newText: e.newText }]);
  const changes: (TextDocumentEdit | CreateFile)[] = [];
  for (const [file, list] of byFile) {
    const uri = host.toUri(file);
    const version = host.versionOf(uri);
    if (version === null && !host.fs()?.stat(file)) changes.push(CreateFile.create(uri, { ignoreIfExists: true }));
    changes.push(TextDocumentEdit.create({ uri, version }, list));
  }
  return { documentChanges: changes };
}

/**
 * What --fix would change, as one workspace edit: over the workspace (`file` undefined) or for the
 * fixes that edit `file` (with their edits in other files, so no fix is applied half). Undefined when nothing changes.
 */
async function fixAllEdit(host: ActionHost, file: string | undefined): Promise<WorkspaceEdit | undefined> {
  const base = host.fs();
  if (!base) return undefined;
  const edits: TextEdit[] = [];
  for (const root of host.roots()) {
    if (file !== undefined && relativeInside(root, file) === undefined) continue;
    const work = new OverlayFileSystem(base);
    const project = { fs: work, root };
    const options = { lint: { overrides: host.settings() }, scope: file === undefined ? undefined : (fix: Fix) => fix.edits.some((e) => e.file === file) };
    const { changed } = await fixProject(project, await lint(project, options.lint), overlaySink(work), options);
    for (const f of changed) {
      const was = base.read(f);
      const now = work.read(f);
      if ('text' in now) edits.push(wholeChange(f, 'text' in was ? was.text : '', now.text));
    }
  }
  return edits.length ? toWorkspaceEdit(host, edits) : undefined;
}

/** One edit turning `before` into `after`: the lines between their common first and last lines. */
export function wholeChange(file: string, before: string, after: string): TextEdit {
  const a = before.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const lines = new LineIndex(before);
  const startOff = a.slice(0, p).join('').length;
  const endOff = before.length - a.slice(a.length - s).join('').length;
  return { file, range: { start: lines.position(startOff), end: lines.position(endOff) }, newText: b.slice(p, b.length - s).join('') };
}

/** Diagnostics for configuration and suppression problems: source deploylint, no rule id (they are not findings of a rule). */
export function problemDiagnostics(result: LintResult): { file: string; diagnostic: Diagnostic }[] {
  const out: { file: string; diagnostic: Diagnostic }[] = [];
  for (const p of result.configProblems) {
    const range = p.range ?? { start: { line: p.line, character: 0 }, end: { line: p.line, character: 0 } };
    out.push({ file: p.file, diagnostic: { range, severity: DiagnosticSeverity.Warning, source: 'deploylint', message: `configuration: ${p.message}` } });
  }
  for (const p of result.suppressionProblems) {
    const diagnostic: Diagnostic = { range: p.range, severity: DiagnosticSeverity.Warning, source: 'deploylint', message: p.message, data: { fixes: p.fixes } satisfies DiagnosticData };
    if (p.kind === 'unused') diagnostic.tags = [DiagnosticTag.Unnecessary];
    out.push({ file: p.file, diagnostic });
  }
  return out;
}
