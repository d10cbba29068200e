// The bundled language server over stdio: diagnostics for open and unopened files, quick fixes, on-disk changes, debouncing, bad input.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from '../helpers/lsp-client';

function workspace(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-lsp-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const uri = (p: string) => pathToFileURL(p).href;
const short = (ds: Diagnostic[] | undefined) => (ds ?? []).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FILES = { 'a.py': '', Dockerfile: 'FROM python:3.11\nCOPY a.py /x/\n', 'other/Dockerfile': 'FROM python:3.11\nCOPY missing.py /x/\n' };
const MISSING_OTHER = "2:6 missing-copy-source COPY source 'missing.py' is not in the build context, 'other' (inferred)";

describe('language server over stdio (bundled dist/server.js)', function () {
  let client: TestClient;
  let dir: string;
  afterEach(async () => {
    await client?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes, fixes, clears, and follows changes on disk', async () => {
    dir = workspace({
      'app/main.py': 'print(1)\n',
      'requirements.txt': 'flask\n',
      'Dockerfile': 'FROM python:3.11\nWORKDIR /srv\nCOPY requirments.txt ./\nCOPY app/ ./app/\n',
      'other/Dockerfile': 'FROM python:3.11\nCOPY missing.py /x/\n',
    });
    client = new TestClient();
    const init = (await client.initialize(uri(dir))) as { capabilities: { codeActionProvider: unknown } };
    assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.deploylint'] });
    const df = path.join(dir, 'Dockerfile');
    const text = fs.readFileSync(df, 'utf8');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(df), languageId: 'dockerfile', version: 1, text } });

    // Diagnostics for the open file and for a Dockerfile that is not open.
    const otherUri = uri(path.join(dir, 'other/Dockerfile'));
    await client.waitFor(() => (client.diagnostics.get(uri(df))?.length ?? 0) === 1 && (client.diagnostics.get(otherUri)?.length ?? 0) === 1, 'initial diagnostics');
    assert.deepEqual(short(client.diagnostics.get(uri(df))), ["3:6 missing-copy-source COPY source 'requirments.txt' is not in the build context, the workspace root (inferred); did you mean 'requirements.txt'?"]);
    assert.deepEqual(short(client.diagnostics.get(otherUri)), ["2:6 missing-copy-source COPY source 'missing.py' is not in the build context, 'other' (inferred)"]);
    const diag = client.diagnostics.get(uri(df))![0];
    assert.equal(diag.source, 'deploylint');
    assert.equal(diag.severity, 1);

    // Code action: the fix carried by the diagnostic.
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(df) }, range: diag.range, context: { diagnostics: [diag] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred]), [
      ["Replace with 'requirements.txt'", 'quickfix', true],
      ['Ignore missing-copy-source on this line', 'quickfix', false],
      ['Ignore missing-copy-source in this file', 'quickfix', false],
    ]);
    const change = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.uri, uri(df));
    const doc = TextDocument.create(uri(df), 'dockerfile', 1, text);
    const fixed = TextDocument.applyEdits(doc, change.edits as never);
    assert.equal(fixed, 'FROM python:3.11\nWORKDIR /srv\nCOPY requirements.txt ./\nCOPY app/ ./app/\n');
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(df), version: 2 }, contentChanges: [{ text: fixed }] });
    await client.waitFor(() => client.diagnostics.get(uri(df))?.length === 0, 'cleared diagnostics');

    // A file removed on disk changes the Dockerfile's diagnostics (watched-file notification).
    fs.rmSync(path.join(dir, 'requirements.txt'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(path.join(dir, 'requirements.txt')), type: 3 }] });
    await client.waitFor(() => client.diagnostics.get(uri(df))?.length === 1, 'diagnostic after delete');
    assert.deepEqual(short(client.diagnostics.get(uri(df))), ["3:6 missing-copy-source COPY source 'requirements.txt' is not in the build context, the workspace root (inferred)"]);

    // And adding it back clears it again.
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(path.join(dir, 'requirements.txt')), type: 1 }] });
    await client.waitFor(() => client.diagnostics.get(uri(df))?.length === 0, 'diagnostic cleared after re-create');
  });

  it('debounces a burst of edits and publishes only the latest state', async () => {
    dir = workspace({ 'a.py': '', Dockerfile: 'FROM python:3.11\nCOPY a.py /x/\n' });
    client = new TestClient();
    await client.initialize(uri(dir));
    const df = path.join(dir, 'Dockerfile');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(df), languageId: 'dockerfile', version: 1, text: 'FROM python:3.11\nCOPY a.py /x/\n' } });
    await client.waitFor(() => client.diagnostics.has(uri(df)), 'first publication');
    const before = client.log.length;
    for (let v = 2; v <= 30; v++) {
      await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(df), version: v }, contentChanges: [{ text: `FROM python:3.11\nCOPY b${v}.py /x/\n` }] });
    }
    await client.waitFor(() => short(client.diagnostics.get(uri(df)))[0]?.includes("'b30.py'") ?? false, 'latest state');
    await new Promise((r) => setTimeout(r, 600));
    const pubs = client.log.slice(before).filter((p) => p.uri === uri(df));
    assert.ok(pubs.length <= 3, `expected the burst to be coalesced, got ${pubs.length} publications`);
    assert.deepEqual(short(pubs[pubs.length - 1].diagnostics), ["2:6 missing-copy-source COPY source 'b30.py' is not in the build context, the workspace root (inferred)"]);
  });

  it('keeps answering on bad input: binary, non-UTF-8 and garbage Dockerfiles, symlink loops', async () => {
    dir = workspace({ 'ok.py': '', Dockerfile: 'FROM python:3.11\nCOPY nope.py /x/\n' });
    fs.writeFileSync(path.join(dir, 'bin.Dockerfile'), Buffer.from([0, 1, 2, 3, 0xff]));
    fs.writeFileSync(path.join(dir, 'latin.Dockerfile'), Buffer.from('FROM python:3.11\nCOPY caf\xe9.py /x/\n', 'latin1'));
    fs.mkdirSync(path.join(dir, 'loop'));
    fs.symlinkSync(dir, path.join(dir, 'loop', 'again'));
    client = new TestClient();
    await client.initialize(uri(dir));
    const df = path.join(dir, 'Dockerfile');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(df), languageId: 'dockerfile', version: 1, text: '\u0000\u0001FROM\n\tCOPY [\n"' } });
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(df), version: 2 }, contentChanges: [{ text: 'FROM python:3.11\nCOPY nope.py /x/\n' }] });
    await client.waitFor(() => client.diagnostics.get(uri(df))?.length === 1, 'diagnostics despite bad files');
    assert.ok(client.logs.some((l) => l.includes('bin.Dockerfile: skipped: binary file')), client.logs.join('\n'));
    assert.ok(client.logs.some((l) => l.includes('latin.Dockerfile: skipped: not UTF-8 text')), client.logs.join('\n'));
    assert.ok(client.logs.some((l) => l.includes('loop/again: skipped: symlink loop')), client.logs.join('\n'));
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(df) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.deepEqual(actions, []);
  });
  it('publishes a file only when its diagnostics changed, with the open document version, and clears stale ones', async () => {
    dir = workspace(FILES);
    client = new TestClient();
    await client.initialize(uri(dir));
    const df = uri(path.join(dir, 'Dockerfile'));
    const other = path.join(dir, 'other/Dockerfile');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: df, languageId: 'dockerfile', version: 1, text: FILES.Dockerfile } });
    await client.waitFor(() => client.diagnostics.has(df) && client.diagnostics.has(uri(other)), 'initial diagnostics');
    assert.deepEqual(short(client.diagnostics.get(uri(other))), [MISSING_OTHER]);
    await sleep(200);
    let mark = client.log.length;
    // A change that leaves every file's problems as they were publishes nothing.
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: df, version: 2 }, contentChanges: [{ text: FILES.Dockerfile + '# a comment\n' }] });
    const lints = client.logs.filter((l) => l.includes('deploylint: linted')).length;
    await sleep(500);
    assert.equal(client.logs.filter((l) => l.includes('deploylint: linted')).length, lints + 1);
    assert.deepEqual(client.log.slice(mark), []);
    // A change to one file publishes that file alone.
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: df, version: 3 }, contentChanges: [{ text: 'FROM python:3.11\nCOPY b.py /x/\n' }] });
    await client.waitFor(() => client.diagnostics.get(df)?.length === 1, 'new diagnostic');
    await sleep(300);
    assert.deepEqual(client.log.slice(mark).map((p) => [p.uri, p.version, short(p.diagnostics)]), [[df, 3, ["2:6 missing-copy-source COPY source 'b.py' is not in the build context, the workspace root (inferred); did you mean 'a.py'?"]]]);
    // A fix on disk to the unopened file clears its diagnostic; the open file is not published again.
    mark = client.log.length;
    fs.writeFileSync(other, 'FROM python:3.11\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(other), type: 2 }] });
    await client.waitFor(() => client.diagnostics.get(uri(other))?.length === 0, 'stale diagnostic cleared');
    await sleep(300);
    assert.deepEqual(client.log.slice(mark).map((p) => [p.uri, p.diagnostics.length]), [[uri(other), 0]]);
  });

  it("diagnosticMode 'openFiles' publishes only for open files and clears a file when it closes", async () => {
    dir = workspace(FILES);
    client = new TestClient({ diagnosticMode: 'openFiles' });
    await client.initialize(uri(dir));
    const df = uri(path.join(dir, 'Dockerfile'));
    const other = uri(path.join(dir, 'other/Dockerfile'));
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: df, languageId: 'dockerfile', version: 1, text: FILES.Dockerfile } });
    await client.waitFor(() => client.diagnostics.has(df), 'the open file');
    await sleep(300);
    assert.deepEqual(client.log.map((p) => [p.uri, p.diagnostics.length]), [[df, 0]]);
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: other, languageId: 'dockerfile', version: 1, text: FILES['other/Dockerfile'] } });
    await client.waitFor(() => client.diagnostics.get(other)?.length === 1, 'the second open file');
    assert.deepEqual(short(client.diagnostics.get(other)), [MISSING_OTHER]);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
    await client.waitFor(() => client.diagnostics.get(other)?.length === 0, 'cleared on close');
    await sleep(300);
    assert.deepEqual(client.log.map((p) => [p.uri, p.diagnostics.length]), [[df, 0], [other, 1], [other, 0]]);
  });
});

describe('language server: missing-module mirrored on the Python import line', function () {
  let client: TestClient;
  let dir: string;
  afterEach(async () => {
    await client?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the finding in the Python file and fixes the Dockerfile from there', async () => {
    dir = workspace({
      'svc/app.py': 'from flask import Flask\nfrom helpers import greet\n\napp = Flask(__name__)\n',
      'svc/helpers.py': 'def greet():\n    return "hi"\n',
      'svc/requirements.txt': 'flask\n',
      'Dockerfile': 'FROM python:3.11-slim\nWORKDIR /app\nCOPY svc/app.py /app/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n',
    });
    client = new TestClient();
    await client.initialize(uri(dir));
    const py = path.join(dir, 'svc/app.py');
    const df = path.join(dir, 'Dockerfile');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(py), languageId: 'python', version: 1, text: fs.readFileSync(py, 'utf8') } });
    await client.waitFor(() => (client.diagnostics.get(uri(py))?.length ?? 0) === 1 && (client.diagnostics.get(uri(df))?.length ?? 0) === 1, 'mirrored diagnostics');
    const primary = "'helpers' is imported by /app/app.py but is not in the image: svc/helpers.py is never copied";
    assert.deepEqual(short(client.diagnostics.get(uri(df))), [`3:1 missing-module ${primary}`]);
    assert.deepEqual(short(client.diagnostics.get(uri(py))), [`2:6 missing-module ${primary} (Dockerfile, gunicorn app:app)`]);
    const d = client.diagnostics.get(uri(py))![0];
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(py) }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ["Add 'COPY svc/helpers.py /app/'", 'Ignore missing-module on this line', 'Ignore missing-module in this file']);
    const change = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.uri, uri(df));
    const fixed = TextDocument.applyEdits(TextDocument.create(uri(df), 'dockerfile', 1, fs.readFileSync(df, 'utf8')), change.edits as never);
    assert.equal(fixed, 'FROM python:3.11-slim\nWORKDIR /app\nCOPY svc/app.py /app/\nCOPY svc/helpers.py /app/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n');
    // The editor applies the edit to the (unopened) Dockerfile and saves it: both diagnostics clear.
    fs.writeFileSync(df, fixed);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(df), type: 2 }] });
    await client.waitFor(() => client.diagnostics.get(uri(py))?.length === 0 && (client.diagnostics.get(uri(df))?.length ?? 0) === 0, 'cleared');
  });
});
