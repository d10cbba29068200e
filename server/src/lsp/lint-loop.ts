// The server's lint loop: an edit starts a lint after a short pause and cancels the one running; each workspace folder keeps a LintSession; diagnostics are published per file only when they changed.
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import type { LintConfig } from '../core/config';
import type { FileSystem } from '../core/fs';
import { relativeInside } from '../core/fs';
import { lint, LintCancelled, LintResult } from '../core/lint';
import { maskProviderSecrets as mask } from '../core/redact';
import { LintSession } from '../core/session';
import type { Finding } from '../core/types';

/** Where diagnostics go: every file of the workspace (default), or only the files open in the editor (Pylance's `diagnosticMode`). */
export type DiagnosticMode = 'workspace' | 'openFiles';

/** Pause after an edit before linting: short, because a newer edit cancels the lint anyway. */
export const DEBOUNCE_MS = 5;

/** What the loop needs from the server around it. */
export interface LintHost {
  connection: Connection;
  roots(): string[];
  fs(): FileSystem | undefined;
  settings(): Partial<LintConfig>;
  mode(): DiagnosticMode;
  /** Absolute paths of the open documents, with their versions. */
  openFiles(): Map<string, number>;
  toUri(path: string): string;
  /** A finding as the diagnostics it shows as: in its own file, and mirrored where the editor should show it too. */
  toDiagnostics(f: Finding): { file: string; diagnostic: Diagnostic }[];
  /** Diagnostics that are no rule's finding (configuration, suppression comments). */
  problemDiagnostics?(result: LintResult): { file: string; diagnostic: Diagnostic }[];
  /** A lint starts (it may be cancelled before `linted`). */
  linting?(): void;
  /** A lint ran to its end: the results are the newest complete state. */
  linted?(results: Map<string, LintResult>): void;
  /** An internal error stopped a lint. */
  failed?(e: unknown): void;
}

/** The result of the newest lint that ran to its end, for requests (hovers, lenses, actions) to answer from. */
export interface LintState {
  /** Per workspace folder. */
  results: Map<string, LintResult>;
  /** Diagnostics per file, as published (before the `openFiles` filter). */
  diagnostics: Map<string, Diagnostic[]>;
}

export class LintLoop {
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private sessions = new Map<string, LintSession>();
  /** What each file's last publication said (JSON), so that unchanged files are not published again. */
  private published = new Map<string, string>();
  private readonly lastNotices = new Map<string, string>();
  /** The newest complete state; undefined until the first lint ends. */
  latest: LintState | undefined;
  /** Called after each publication round (tests and the benchmark use the log line instead). */
  onPublished?: (state: LintState) => void;

  constructor(private readonly host: LintHost) {}

  /** Lints after `delay` ms; an edit meanwhile restarts the wait, and a lint running now is cancelled at its next step. */
  schedule(delay = DEBOUNCE_MS): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const gen = this.generation;
      this.running = this.running.then(() => this.run(gen)).catch((e: unknown) => {
        this.host.failed?.(e);
        this.host.connection.console.error(`deploylint: ${(e as Error)?.stack ?? String(e)}`);
      });
    }, delay);
  }

  /** Forgets what sessions know (workspace folders or the file system changed wholesale). */
  reset(): void {
    this.sessions.clear();
  }

  /** Promise of the lint queued or running now (tests). */
  idle(): Promise<void> {
    return this.running;
  }

  private async run(gen: number): Promise<void> {
    const fs = this.host.fs();
    if (gen !== this.generation || !fs) return;
    const cancelled = () => gen !== this.generation;
    const results = new Map<string, LintResult>();
    const roots = this.host.roots();
    for (const s of [...this.sessions.keys()]) if (!roots.includes(s)) this.sessions.delete(s);
    this.host.linting?.();
    for (const root of roots) {
      const started = Date.now();
      let session = this.sessions.get(root);
      if (!session) this.sessions.set(root, (session = new LintSession()));
      let result: LintResult;
      try {
        result = await lint({ fs, root }, { overrides: this.host.settings(), session, cancelled });
      } catch (e) {
        if (e instanceof LintCancelled) return; // a newer edit arrived: its lint will publish
        throw e;
      }
      if (cancelled()) return;
      results.set(root, result);
      this.logNotices(root, result);
      const { reused, ran } = session.stats;
      this.host.connection.console.log(`deploylint: linted ${root} in ${Date.now() - started} ms: ${result.findings.length} finding(s); ${ran} rule(s) ran, ${reused} reused`);
    }
    this.publish(results);
    this.host.linted?.(results);
  }

  /** Notices (skipped files, config problems) are logged when they change, not on every keystroke. */
  private logNotices(root: string, result: LintResult): void {
    const notices = result.notices.map((n) => `deploylint: ${n.file ? (relativeInside(root, n.file) ?? n.file) + ': ' : ''}${n.message}`).join('\n');
    if (notices && notices !== this.lastNotices.get(root)) this.host.connection.console.info(mask(notices));
    this.lastNotices.set(root, notices);
  }

  private publish(results: Map<string, LintResult>): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const result of results.values()) {
      for (const { file, diagnostic } of [...result.findings.flatMap((f) => this.host.toDiagnostics(f)), ...(this.host.problemDiagnostics?.(result) ?? [])]) {
        const list = byFile.get(file);
        if (list) list.push(diagnostic);
        else byFile.set(file, [diagnostic]);
      }
    }
    this.latest = { results, diagnostics: byFile };
    const open = this.host.openFiles();
    const shown = new Map<string, Diagnostic[]>();
    if (this.host.mode() === 'openFiles') {
      for (const file of open.keys()) shown.set(file, byFile.get(file) ?? []);
    } else {
      for (const [file, diags] of byFile) shown.set(file, diags);
      // Open documents always get a publication, so an editor sees "no problems" as an answer.
      for (const file of open.keys()) if (!shown.has(file)) shown.set(file, []);
    }
    for (const [file, before] of this.published) {
      if (shown.has(file)) continue;
      if (before !== '[]') this.host.connection.sendDiagnostics({ uri: this.host.toUri(file), diagnostics: [] });
      this.published.delete(file);
    }
    for (const [file, diags] of shown) {
      const json = JSON.stringify(diags);
      if (this.published.get(file) === json) continue;
      this.published.set(file, json);
      this.host.connection.sendDiagnostics({ uri: this.host.toUri(file), version: open.get(file), diagnostics: diags });
    }
    this.onPublished?.(this.latest);
  }
}
