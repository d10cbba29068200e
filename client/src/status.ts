// The language status item: linting / N problems / error, from the server's deploylint/status notification; links to the output and restart.
import * as vscode from 'vscode';

import type { StatusParams } from '../../server/src/lsp/surfaces';

/** What the server reports about its last lint, or that it has not reported yet. */
export type LintStatus = StatusParams | { state: 'starting'; problems?: undefined; message?: undefined };

export const SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { language: 'python' },
  { language: 'yaml' },
  { language: 'dotenv' },
  { language: 'dockerignore' },
];

/** Two items: the lint state (click: output) and the server (click: restart). */
export class StatusItems implements vscode.Disposable {
  private readonly lint = vscode.languages.createLanguageStatusItem('deploylint.status', SELECTOR);
  private readonly server = vscode.languages.createLanguageStatusItem('deploylint.server', SELECTOR);
  current: LintStatus = { state: 'starting' };

  constructor(version: string) {
    this.lint.name = 'deploylint';
    this.lint.command = { title: 'Show output', command: 'deploylint.showOutput' };
    this.server.name = 'deploylint server';
    this.server.text = `deploylint ${version}`;
    this.server.command = { title: 'Restart', command: 'deploylint.restartServer' };
    this.update({ state: 'starting' });
  }

  update(s: LintStatus): void {
    this.current = s;
    this.lint.busy = s.state === 'linting' || s.state === 'starting';
    this.lint.severity = s.state === 'error' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    if (s.state === 'starting') this.lint.text = 'deploylint: starting';
    else if (s.state === 'linting') this.lint.text = 'deploylint: linting';
    else if (s.state === 'error') this.lint.text = 'deploylint: error';
    else this.lint.text = `deploylint: ${s.problems ?? 0} problem${s.problems === 1 ? '' : 's'}`;
    this.lint.detail = s.state === 'error' ? s.message : undefined;
  }

  /** The text the lint item shows (for tests). */
  get text(): string {
    return this.lint.text;
  }

  dispose(): void {
    this.lint.dispose();
    this.server.dispose();
  }
}
