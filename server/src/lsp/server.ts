// LSP adapter: open buffers -> overlay file system -> lint loop (lint-loop.ts) -> diagnostics for every affected file; code actions from the fixes the findings carry.
import { fileURLToPath, pathToFileURL } from 'url';
import {
  Connection,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  InitializeParams,
  InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
  DiagnosticRelatedInformation,
  MessageType,
  ShowMessageNotification,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintConfig } from '../core/config';
import { DiskFileSystem, FileSystem, OverlayFileSystem, toPosix } from '../core/fs';
import { RetainedFileSystem } from '../core/retained-fs';
import { maskProviderSecrets as mask } from '../core/redact';
import type { Finding, Location } from '../core/types';
import { ACTION_CAPABILITIES, DiagnosticData, problemDiagnostics, registerActions } from './actions';
import { readSettings } from './settings';
import { ruleDocUri } from './docs';
import { registerSurfaces, SURFACE_CAPABILITIES } from './surfaces';
import { DiagnosticMode, LintLoop } from './lint-loop';


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
  /** Disk answers kept across lints while the client reports changes on disk (watched files); undefined otherwise. */
  let retained: RetainedFileSystem | undefined;
  let settings: Partial<LintConfig> = {};
  let mode: DiagnosticMode = 'workspace';
  let supportsConfig = false;
  let supportsRelated = false;
  let supportsWatchRegistration = false;
  let supportsFolderEvents = false;
  let lastSettingsProblems = '';
  registerActions(connection, {
    toPath: (u) => uris.toPath(u),
    toUri: (p) => uris.toUri(p),
    versionOf: (u) => documents.get(u)?.version ?? null,
    fs: () => overlay,
    roots: () => roots,
    settings: () => settings,
  });
  const surfaces = registerSurfaces(connection, { toPath: (u) => uris.toPath(u), toUri: (p) => uris.toUri(p), version: VERSION });
  const loop = new LintLoop({
    connection,
    roots: () => roots,
    fs: () => overlay,
    settings: () => settings,
    mode: () => mode,
    openFiles: () => {
      const open = new Map<string, number>();
      for (const d of documents.all()) {
        const p = uris.toPath(d.uri);
        if (p) open.set(p, d.version);
      }
      return open;
    },
    toUri: (p) => uris.toUri(p),
    toDiagnostics,
    problemDiagnostics,
    linting: () => surfaces.linting(),
    linted: (results) => surfaces.linted(results),
    failed: (e) => surfaces.failed(e),
  });
  const schedule = (delay?: number) => loop.schedule(delay);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.map((u) => uris.toPath(u)).filter((p): p is string => !!p);
    supportsConfig = !!params.capabilities.workspace?.configuration;
    supportsRelated = !!params.capabilities.textDocument?.publishDiagnostics?.relatedInformation;
    supportsWatchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    supportsFolderEvents = !!params.capabilities.workspace?.workspaceFolders;
    overlay = rebuildOverlay();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...ACTION_CAPABILITIES,
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
        loop.reset();
        schedule(0);
      });
    }
    await refreshSettings();
    schedule(0);
  });

  function rebuildOverlay(): OverlayFileSystem {
    const disk = new DiskFileSystem(roots);
    // Without change notifications from the client, disk is read afresh on every lint.
    retained = supportsWatchRegistration ? new RetainedFileSystem(disk) : undefined;
    const o = new OverlayFileSystem(retained ?? (disk as FileSystem));
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
      const read = readSettings(s);
      settings = read.settings;
      mode = s?.diagnosticMode === 'openFiles' ? 'openFiles' : 'workspace';
      // Invalid settings are ignored, and said so: a warning once per change, and an error line in the output.
      const said = read.problems.join('\n');
      if (said && said !== lastSettingsProblems) {
        for (const m of read.problems) connection.console.error(`deploylint: settings: ${m}`);
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `deploylint: ignored invalid settings: ${read.problems.join('; ')}` });
      }
      lastSettingsProblems = said;
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
    schedule();
  });

  documents.onDidClose((e) => {
    const p = uris.toPath(e.document.uri);
    if (p && overlay) overlay.delete(p);
    // The buffer may have been saved meanwhile: its disk text is read again.
    if (p) retained?.invalidate(p);
    schedule();
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const c of params.changes) {
      const p = uris.toPath(c.uri);
      if (p) retained?.invalidate(p);
    }
    schedule();
  });

  /** A finding as diagnostics: in its own file, and mirrored (the import line in Python) where the engine says so. */
  function toDiagnostics(f: Finding): { file: string; diagnostic: Diagnostic }[] {
    const out = [{ file: f.file, diagnostic: toDiagnostic(f, f.message, f.related) }];
    for (const m of f.mirrors ?? []) {
      out.push({ file: m.file, diagnostic: toDiagnostic({ ...f, file: m.file, range: m.range }, m.message ?? f.message, [{ file: f.file, range: f.range, message: 'reported here' }]) });
    }
    return out;
  }

  function toDiagnostic(f: Finding, message: string, related: Location[]): Diagnostic {
    const d: Diagnostic = {
      range: f.range,
      severity: f.severity === 'error' ? DiagnosticSeverity.Error : f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      code: f.ruleId,
      codeDescription: { href: ruleDocUri(f.ruleId) },
      source: 'deploylint',
      message: mask(message),
      data: { fixes: f.fixes } satisfies DiagnosticData,
    };
    if (supportsRelated && related.length) {
      d.relatedInformation = related.map((r): DiagnosticRelatedInformation => ({ location: { uri: uris.toUri(r.file), range: r.range }, message: mask(r.message ?? '') }));
    }
    return d;
  }

  documents.listen(connection);
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
