// A minimal LSP client for tests: starts the bundled server as a separate process over stdio, as an editor would.
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  /** Latest diagnostics per URI, and every publication in order. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly log: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  private waiters: (() => void)[] = [];

  /** `nodeArgs` go before the server script (e.g. `-r preload.js`). */
  constructor(settings: Record<string, unknown> = {}, nodeArgs: string[] = []) {
    this.proc = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => this.logs.push(String(d)));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.log.push(p);
      this.waiters.forEach((w) => w());
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  async initialize(rootUri: string): Promise<unknown> {
    const r = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'ws' }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
      },
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  /** Resolves once `pred` holds for the diagnostics seen so far (checked on every publication). */
  waitFor(pred: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (pred()) return resolve();
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server log:\n${this.logs.join('\n')}`)), timeoutMs);
      const check = () => {
        if (pred()) {
          clearTimeout(t);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        }
      };
      this.waiters.push(check);
    });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.conn.dispose();
    this.proc.kill();
  }
}
