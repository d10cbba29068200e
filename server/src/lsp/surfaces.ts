// Registers the image model's editor surfaces on a connection: hover, document links, definition, CodeLens, the image-contents and explain requests, and the status notification.
import type { Connection, Hover, ServerCapabilities } from 'vscode-languageserver/node';
import type { Analysis } from '../core/analysis';
import { relativeInside } from '../core/fs';
import type { LintResult } from '../core/lint';
import { hoverAt } from './hover';
import { codeLenses, explainText } from './lens';
import { definition, documentLinks } from './links';
import { imageContentsItems, ImageContentsItem } from './view';

/** Capabilities the surfaces add to the server's `initialize` answer. */
export const SURFACE_CAPABILITIES: ServerCapabilities = {
  hoverProvider: true,
  documentLinkProvider: { resolveProvider: false },
  definitionProvider: true,
  codeLensProvider: { resolveProvider: false },
};

/** `deploylint/status`: sent when a lint starts, ends or fails. */
export interface StatusParams {
  state: 'linting' | 'done' | 'error';
  /** Diagnostics the last lint published (findings and their mirrors), when done. */
  problems?: number;
  message?: string;
}

export const STATUS_NOTIFICATION = 'deploylint/status';
export const IMAGE_CONTENTS_REQUEST = 'deploylint/imageContents';
export const EXPLAIN_REQUEST = 'deploylint/explain';

export interface SurfaceHost {
  toPath(uri: string): string | undefined;
  toUri(path: string): string;
  version: string;
}

/** What the server tells the surfaces; call `linting` before each lint pass, `linted` after it, `failed` on an internal error. */
export interface Surfaces {
  linting(): void;
  linted(results: Map<string, LintResult>): void;
  failed(e: unknown): void;
}

export function registerSurfaces(connection: Connection, host: SurfaceHost): Surfaces {
  let results = new Map<string, LintResult>();
  let loggedContexts = '';

  /** The analysis of the deepest workspace root holding `path`. */
  function analysisFor(path: string): Analysis | undefined {
    let best: string | undefined;
    for (const root of results.keys()) if (relativeInside(root, path) !== undefined && (!best || root.length > best.length)) best = root;
    return best !== undefined ? results.get(best)!.analysis : undefined;
  }

  /** Runs `f` on the analysis for a document; a failure is logged and answered with `fallback`, never thrown. */
  function answer<T>(uri: string, fallback: T, f: (a: Analysis, path: string) => T): T {
    const path = host.toPath(uri);
    const a = path ? analysisFor(path) : undefined;
    if (!a || !path) return fallback;
    try {
      return f(a, path);
    } catch (e) {
      connection.console.error(`deploylint: internal error answering for ${path}: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
  }

  connection.onHover((p): Hover | null => answer(p.textDocument.uri, null, (a, path) => {
    const md = hoverAt(a, path, p.position);
    return md ? { contents: { kind: 'markdown', value: md } } : null;
  }));
  connection.onDocumentLinks((p) => answer(p.textDocument.uri, [], (a, path) => documentLinks(a, path, host.toUri)));
  connection.onDefinition((p) => answer(p.textDocument.uri, null, (a, path) => definition(a, path, p.position, host.toUri)));
  connection.onCodeLens((p) => answer(p.textDocument.uri, [], (a, path) => codeLenses(a, path, p.textDocument.uri)));
  connection.onRequest(EXPLAIN_REQUEST, (p: { uri: string; id: string }) => answer(p.uri, null, (a) => explainText(a, p.id) ?? null));
  connection.onRequest(IMAGE_CONTENTS_REQUEST, (p: { uri?: string }): ImageContentsItem[] => {
    const out: ImageContentsItem[] = [];
    const only = p?.uri ? host.toPath(p.uri) : undefined;
    for (const r of results.values()) {
      try {
        out.push(...imageContentsItems(r.analysis, host.toUri, only));
      } catch (e) {
        connection.console.error(`deploylint: internal error listing image contents: ${(e as Error)?.stack ?? String(e)}`);
      }
    }
    return out;
  });

  return {
    linting() {
      void connection.sendNotification(STATUS_NOTIFICATION, { state: 'linting' } satisfies StatusParams);
    },
    linted(next) {
      results = next;
      let problems = 0;
      // As the Problems panel counts them: each finding, and its mirror on the importing file.
      for (const r of next.values()) for (const f of r.findings) problems += 1 + (f.mirrors?.length ?? 0);
      // The version and the build context chosen for each Dockerfile, logged when they change.
      const lines = [`deploylint ${host.version}`];
      for (const [root, r] of next) {
        for (const t of r.analysis.targets) {
          const c = t.context;
          const ctx = relativeInside(root, c.root) || '.';
          lines.push(`  context of ${r.analysis.rel(t.dockerfile)}: ${ctx} (${c.how}${c.evidence ? ', from ' + r.analysis.rel(c.evidence) : ''})`);
        }
      }
      const text = lines.join('\n');
      if (text !== loggedContexts) connection.console.info(text);
      loggedContexts = text;
      void connection.sendNotification(STATUS_NOTIFICATION, { state: 'done', problems } satisfies StatusParams);
    },
    failed(e) {
      void connection.sendNotification(STATUS_NOTIFICATION, { state: 'error', message: String((e as Error)?.message ?? e) } satisfies StatusParams);
    },
  };
}
