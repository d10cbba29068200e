// LSP adapter: open buffers -> overlay file system -> lint -> diagnostics for every affected file; code actions from the fixes the findings carry.
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  InitializeParams,
  InitializeResult,
  TextDocumentEdit,
  TextDocuments,
  TextDocumentSyncKind,
  TextEdit as LspTextEdit,
  WorkspaceEdit,
  CreateFile,
  DiagnosticRelatedInformation,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintConfig } from '../core/config';
import { DiskFileSystem, OverlayFileSystem, relativeInside, toPosix } from '../core/fs';
import { lint } from '../core/lint';
import { maskProviderSecrets as mask } from '../core/redact';
import type { Finding, Fix, Location } from '../core/types';
import { registerSurfaces, SURFACE_CAPABILITIES } from './surfaces';
import type { LintResult } from '../core/lint';

/** What a diagnostic carries so that code actions need no per-rule code. */
interface DiagnosticData {
  fixes: Fix[];
}

const DEBOUNCE_MS = 250;
const DOCS = 'https://github.com/deploylint/deploylint/blob/main/docs/rules/';

/** Converts between file URIs and absolute POSIX paths, remembering the client's spelling of open documents. */
class Uris {
  private readonly known = new Map<string, string>();

  toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      const p = toPosix(fileURLToPath(uri));
      this.known.set(p, uri);
      return p;
    } catch {
      return undefined;
    }
  }

  toUri(path: string): string {
    return this.known.get(path) ?? pathToFileURL(path).href;
  }
}

/** Wires a connection: call `listen()` on it afterwards. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const uris = new Uris();
  let roots: string[] = [];
  let overlay: OverlayFileSystem | undefined;
  let settings: Partial<LintConfig> = {};
  let supportsConfig = false;
  let supportsRelated = false;
  let supportsWatchRegistration = false;
  let supportsFolderEvents = false;
  /** Files that currently have diagnostics published, so stale ones can be cleared. */
  let published = new Set<string>();
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const lastNotices = new Map<string, string>();
  const surfaces = registerSurfaces(connection, { toPath: (u) => uris.toPath(u), toUri: (p) => uris.toUri(p), version: VERSION });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.map((u) => uris.toPath(u)).filter((p): p is string => !!p);
    overlay = new OverlayFileSystem(new DiskFileSystem(roots));
    supportsConfig = !!params.capabilities.workspace?.configuration;
    supportsRelated = !!params.capabilities.textDocument?.publishDiagnostics?.relatedInformation;
    supportsWatchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    supportsFolderEvents = !!params.capabilities.workspace?.workspaceFolders;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...SURFACE_CAPABILITIES,
      },
      serverInfo: { name: 'deploylint', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    if (supportsWatchRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
    }
    if (supportsFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const r of e.removed) roots = roots.filter((p) => p !== uris.toPath(r.uri));
        for (const a of e.added) {
          const p = uris.toPath(a.uri);
          if (p) roots.push(p);
        }
        overlay = rebuildOverlay();
        schedule(0);
      });
    }
    await refreshSettings();
    schedule(0);
  });

  function rebuildOverlay(): OverlayFileSystem {
    const o = new OverlayFileSystem(new DiskFileSystem(roots));
    for (const d of documents.all()) {
      const p = uris.toPath(d.uri);
      if (p) o.set(p, d.getText());
    }
    return o;
  }

  async function refreshSettings(): Promise<void> {
    if (!supportsConfig) return;
    try {
      const s = (await connection.workspace.getConfiguration('deploylint')) as Record<string, unknown> | null;
      settings = {};
      if (s && typeof s === 'object') {
        if (s.rules && typeof s.rules === 'object') settings.rules = s.rules as LintConfig['rules'];
        if (typeof s.modelLoadSeconds === 'number') settings.modelLoadSeconds = s.modelLoadSeconds;
        if (typeof s.modelMemoryMB === 'number') settings.modelMemoryMB = s.modelMemoryMB;
        if (typeof s.maxFileSize === 'number' && s.maxFileSize > 0) settings.maxFileSize = s.maxFileSize;
        if (s.contexts && typeof s.contexts === 'object') settings.contexts = s.contexts as Record<string, string>;
        if (Array.isArray(s.exclude)) settings.exclude = s.exclude.filter((x): x is string => typeof x === 'string');
      }
    } catch (e) {
      connection.console.warn(`deploylint: cannot read settings: ${String(e)}`);
    }
  }

  connection.onDidChangeConfiguration(async () => {
    await refreshSettings();
    schedule(0);
  });

  documents.onDidChangeContent((e) => {
    const p = uris.toPath(e.document.uri);
    if (p && overlay) overlay.set(p, e.document.getText());
    schedule(DEBOUNCE_MS);
  });

  documents.onDidClose((e) => {
    const p = uris.toPath(e.document.uri);
    if (p && overlay) overlay.delete(p);
    schedule(DEBOUNCE_MS);
  });

  connection.onDidChangeWatchedFiles(() => schedule(DEBOUNCE_MS));

  /** Debounces a burst of edits into one lint; only the newest lint's results are published. */
  function schedule(delay: number): void {
    generation++;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const gen = generation;
      running = running.then(() => runLint(gen)).catch((e: unknown) => {
        surfaces.failed(e);
        connection.console.error(`deploylint: ${(e as Error)?.stack ?? String(e)}`);
      });
    }, delay);
  }

  async function runLint(gen: number): Promise<void> {
    if (gen !== generation || !overlay) return;
    const byFile = new Map<string, Diagnostic[]>();
    const results = new Map<string, LintResult>();
    surfaces.linting();
    for (const root of roots) {
      const started = Date.now();
      const result = await lint({ fs: overlay, root }, { overrides: settings });
      if (gen !== generation) return; // a newer edit arrived: its lint will publish
      results.set(root, result);
      for (const f of result.findings) {
        add(byFile, f.file, toDiagnostic(f, f.message, f.related));
        for (const m of f.mirrors ?? []) {
          add(byFile, m.file, toDiagnostic({ ...f, file: m.file, range: m.range }, m.message ?? f.message, [{ file: f.file, range: f.range, message: 'reported here' }]));
        }
      }
      // Notices (skipped files, config problems) are logged when they change, not on every keystroke.
      const notices = result.notices.map((n) => `deploylint: ${n.file ? (relativeInside(root, n.file) ?? n.file) + ': ' : ''}${n.message}`).join('\n');
      if (notices && notices !== lastNotices.get(root)) connection.console.info(mask(notices));
      lastNotices.set(root, notices);
      connection.console.log(`deploylint: linted ${root} in ${Date.now() - started} ms: ${result.findings.length} finding(s)`);
    }
    // Open documents always get a publication, so an editor sees "no problems" as an answer.
    for (const d of documents.all()) {
      const p = uris.toPath(d.uri);
      if (p && !byFile.has(p)) byFile.set(p, []);
    }
    const next = new Set([...byFile].filter(([, d]) => d.length).map(([f]) => f));
    for (const file of published) if (!byFile.has(file)) connection.sendDiagnostics({ uri: uris.toUri(file), diagnostics: [] });
    for (const [file, diags] of byFile) connection.sendDiagnostics({ uri: uris.toUri(file), diagnostics: diags });
    published = next;
    surfaces.linted(results);
  }


  function toDiagnostic(f: Finding, message: string, related: Location[]): Diagnostic {
    const d: Diagnostic = {
      range: f.range,
      severity: f.severity === 'error' ? DiagnosticSeverity.Error : f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      code: f.ruleId,
      codeDescription: { href: DOCS + f.ruleId + '.md' },
      source: 'deploylint',
      message: mask(message),
      data: { fixes: f.fixes } satisfies DiagnosticData,
    };
    if (supportsRelated && related.length) {
      d.relatedInformation = related.map((r): DiagnosticRelatedInformation => ({ location: { uri: uris.toUri(r.file), range: r.range }, message: mask(r.message ?? '') }));
    }
    return d;
  }

  connection.onCodeAction((params: CodeActionParams): CodeAction[] => {
    const out: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
      if (d.source !== 'deploylint') continue;
      const data = d.data as DiagnosticData | undefined;
      for (const fix of data?.fixes ?? []) {
        out.push({ title: mask(fix.title), kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: !!fix.isPreferred, edit: toWorkspaceEdit(fix) });
      }
    }
    return out;
  });

  function toWorkspaceEdit(fix: Fix): WorkspaceEdit {
    const byFile = new Map<string, LspTextEdit[]>();
    for (const e of fix.edits) add(byFile, e.file, { range: e.range, newText: e.newText });
    const changes: (TextDocumentEdit | CreateFile)[] = [];
    for (const [file, edits] of byFile) {
      const uri = uris.toUri(file);
      const open = documents.get(uri);
      if (!open && !overlay?.stat(file)) changes.push(CreateFile.create(uri, { ignoreIfExists: true }));
      changes.push(TextDocumentEdit.create({ uri, version: open ? open.version : null }, edits));
    }
    return { documentChanges: changes };
  }


  documents.listen(connection);
}

/** Appends to the list kept under `key`. */
function add<T>(m: Map<string, T[]>, key: string, value: T): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
