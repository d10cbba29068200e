// The language server under load and hostile input: a burst of edits publishes the latest state only; bad JSON-RPC, unknown methods, unopened and outside documents get protocol answers and the server keeps answering.
import { strict as assert } from 'assert';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { pathToFileURL } from 'url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient } from '../helpers/lsp-client';

const uri = (p: string) => pathToFileURL(p).href;
const msg = (d: Diagnostic) => String(d.message);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('robust: language server under load', function () {
  this.timeout(60000);
  let dir: string;
  let client: TestClient;
  beforeEach(() => {
    dir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-load-')));
    nodeFs.writeFileSync(nodePath.join(dir, 'Dockerfile'), 'FROM python:3.11\n');
    nodeFs.writeFileSync(nodePath.join(dir, 'app.py'), '');
  });
  afterEach(async () => {
    await client?.stop();
    nodeFs.rmSync(dir, { recursive: true, force: true });
  });

  it('1,000 edits in a burst publish the latest state, and nothing stale after it', async () => {
    client = new TestClient();
    await client.initialize(uri(dir));
    const df = uri(nodePath.join(dir, 'Dockerfile'));
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: df, languageId: 'dockerfile', version: 0, text: 'FROM python:3.11\n' } });
    const text = (v: number) => `FROM python:3.11\nCOPY missing-${v}.py /app/\n`;
    for (let v = 1; v <= 1000; v++) {
      void client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: df, version: v }, contentChanges: [{ text: text(v) }] });
    }
    const latest = (ds: Diagnostic[] | undefined) => (ds ?? []).some((d) => msg(d).includes("'missing-1000.py'"));
    await client.waitFor(() => latest(client.diagnostics.get(df)), 'diagnostics for the last edit');
    const seen = client.log.length;
    await settle(1500);
    const after = client.log.slice(seen).filter((p) => p.uri === df);
    assert.ok(after.every((p) => latest(p.diagnostics)), `a stale publication followed the latest: ${JSON.stringify(after.map((p) => p.diagnostics.map((d) => msg(d))))}`);
    assert.deepEqual(client.diagnostics.get(df)!.map((d) => msg(d).replace(/,.*/, '')), ["COPY source 'missing-1000.py' is not in the build context"]);
    const stale = client.log.filter((p) => p.uri === df && p.diagnostics.some((d) => /missing-(\d+)\.py/.exec(msg(d))?.[1] !== '1000' && /missing-\d+/.test(msg(d))));
    assert.ok(stale.length < 20, `${stale.length} intermediate publications: the burst was not debounced`);
  });

  it('answers unknown methods with MethodNotFound, survives malformed messages, edits for unopened and outside documents', async () => {
    client = new TestClient();
    await client.initialize(uri(dir));
    await assert.rejects(client.conn.sendRequest('deploylint/noSuchMethod', {}), (e: { code?: number }) => e.code === -32601);
    void client.conn.sendNotification('deploylint/noSuchNotification', { x: 1 });
    // Malformed JSON, a body shorter than its header says is not sent (it would stall the stream by design).
    client.proc.stdin!.write('Content-Length: 11\r\n\r\n{not json!}');
    client.proc.stdin!.write('Content-Length: 2\r\n\r\n[]');
    client.proc.stdin!.write('Content-Length: 40\r\n\r\n{"jsonrpc":"2.0","id":"x","method":5}   ');
    // Changes and closes for documents never opened, and a document outside the workspace.
    const outside = nodePath.join(os.tmpdir(), 'deploylint-outside-' + process.pid, 'Dockerfile');
    void client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(nodePath.join(dir, 'nope.py')), version: 3 }, contentChanges: [{ text: 'import x\n' }] });
    void client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(nodePath.join(dir, 'never.py')) } });
    void client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(outside), languageId: 'dockerfile', version: 1, text: 'FROM python:3.11\nCOPY x /y\n' } });
    void client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'dockerfile', version: 1, text: 'FROM python:3.11\n' } });
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(outside) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })) as CodeAction[];
    assert.deepEqual(actions, []);
    // Still answering: an edit in the workspace is linted and published.
    const df = uri(nodePath.join(dir, 'Dockerfile'));
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: df, languageId: 'dockerfile', version: 1, text: 'FROM python:3.11\nCOPY gone.py /app/\n' } });
    await client.waitFor(() => (client.diagnostics.get(df) ?? []).some((d) => msg(d).includes("'gone.py'")), 'diagnostics after hostile input');
    assert.deepEqual(client.diagnostics.get(uri(outside)) ?? [], []);
    assert.equal(client.proc.exitCode, null);
  });
});
