// Code actions over stdio: deduplicated fixes with one preferred per diagnostic, no conflicting fixes side by side, suppressions added and checked, fix-all equal to --fix, config and settings problems.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { CodeAction, CreateFile, Diagnostic, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from '../helpers/lsp-client';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const EXAMPLES = path.resolve(__dirname, '../../examples');
const uri = (p: string) => pathToFileURL(p).href;

function tmp(files: Record<string, string> = {}, from?: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-actions-')));
  if (from) fs.cpSync(from, dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Applies a workspace edit to the files on disk, as an editor would. */
function applyToDisk(edit: WorkspaceEdit): void {
  for (const c of edit.documentChanges ?? []) {
    if ('kind' in c) {
      if ((c as CreateFile).kind === 'create' && !fs.existsSync(fileURLToPath((c as CreateFile).uri))) fs.writeFileSync(fileURLToPath((c as CreateFile).uri), '');
      continue;
    }
    const e = c as TextDocumentEdit;
    const file = fileURLToPath(e.textDocument.uri);
    const doc = TextDocument.create(e.textDocument.uri, 'x', 0, fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, TextDocument.applyEdits(doc, e.edits as never));
  }
}

/** Every file under `dir` with its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const summary = (actions: CodeAction[]) => actions.map((a) => [a.title, a.kind, a.isPreferred, a.diagnostics?.length]);
const short = (ds: Diagnostic[] | undefined) => (ds ?? []).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.severity} ${d.code ?? '-'} ${d.message}`);

describe('language server: code actions', function () {
  let client: TestClient;
  const dirs: string[] = [];
  afterEach(async () => {
    await client?.stop();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A workspace from `files` (or a copy of `from`) with a server started on it. */
  async function start(files: Record<string, string>, from?: string, settings: Record<string, unknown> = {}): Promise<string> {
    const dir = tmp(files, from);
    dirs.push(dir);
    client = new TestClient(settings);
    await client.initialize(uri(dir));
    return dir;
  }

  async function open(file: string, languageId: string): Promise<Diagnostic[]> {
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId, version: 1, text: fs.readFileSync(file, 'utf8') } });
    await client.waitFor(() => (client.diagnostics.get(uri(file))?.length ?? 0) > 0, `diagnostics of ${file}`);
    return client.diagnostics.get(uri(file))!;
  }
  const actionsFor = (file: string, diagnostics: Diagnostic[], only?: string[]) =>
    client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics, only } }) as Promise<CodeAction[]>;

  it('three findings on one line: each own fix preferred, the shared "Copy all" fix once, one ignore per scope', async () => {
    const dir = tmp({}, EXAMPLES);
    dirs.push(dir);
    client = new TestClient();
    const init = (await client.initialize(uri(dir))) as { capabilities: { codeActionProvider: unknown; executeCommandProvider: unknown } };
    assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.deploylint'] });
    assert.deepEqual(init.capabilities.executeCommandProvider, { commands: ['deploylint.fixAll'] });
    const df = path.join(dir, 'docker/predictions-worker.Dockerfile');
    const diags = (await open(df, 'dockerfile')).filter((d) => d.code === 'missing-module');
    assert.equal(diags.length, 3);
    // The code link opens the rule's doc shipped beside the server, offline.
    assert.equal(diags[0].codeDescription?.href, uri(path.resolve(__dirname, '../../docs/rules/missing-module.md')));
    const actions = await actionsFor(df, diags);
    assert.deepEqual(summary(actions), [
      ["Add 'COPY predictions/worker/system_circuit_breaker.py /app/'", 'quickfix', true, 1],
      ['Copy all 3 missing modules into the image', 'quickfix', false, 3],
      ["Add 'COPY predictions/worker/execution_logger.py /app/'", 'quickfix', true, 1],
      ["Add 'COPY shared/ /app/shared/'", 'quickfix', true, 1],
      ['Ignore missing-module on this line', 'quickfix', false, 3],
      ['Ignore missing-module in this file', 'quickfix', false, 3],
    ]);
    for (const d of diags) assert.equal(actions.filter((a) => a.isPreferred && a.diagnostics!.some((x) => x.message === d.message)).length, 1, String(d.message));

    // The line suppression clears all three; the file-level one would too.
    const text = fs.readFileSync(df, 'utf8');
    const line = diags[0].range.start.line;
    const ignore = (actions[4].edit!.documentChanges![0] as TextDocumentEdit).edits;
    const suppressed = TextDocument.applyEdits(TextDocument.create(uri(df), 'dockerfile', 1, text), ignore as never);
    assert.equal(suppressed.split('\n')[line], '# deploylint: ignore[missing-module]');
    const fileWide = TextDocument.applyEdits(TextDocument.create(uri(df), 'dockerfile', 1, text), (actions[5].edit!.documentChanges![0] as TextDocumentEdit).edits as never);
    assert.equal(fileWide, '# deploylint: ignore-file[missing-module]\n' + text);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(df), version: 2 }, contentChanges: [{ text: suppressed }] });
    await client.waitFor(() => !client.diagnostics.get(uri(df))!.some((d) => d.code === 'missing-module'), 'suppressed');
  });

  it('source.fixAll.deploylint and the deploylint.fixAll command change exactly what --fix changes', async () => {
    const viaServer = tmp({}, EXAMPLES);
    const viaCli = tmp({}, EXAMPLES);
    dirs.push(viaServer, viaCli);
    const cli = spawnSync(process.execPath, [CLI, '--fix', viaCli], { encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stderr);
    const expected = tree(viaCli);
    const original = tree(viaServer);
    const changedByCli = Object.keys(expected).filter((f) => expected[f] !== original[f]).sort();
    assert.ok(changedByCli.length >= 4, changedByCli.join(', '));

    client = new TestClient();
    await client.initialize(uri(viaServer));
    // Fix-all of one file: its text becomes what --fix writes there.
    for (const rel of ['docker/predictions-worker.Dockerfile', 'docker/predictions-coordinator.Dockerfile']) {
      const file = path.join(viaServer, rel);
      const actions = await actionsFor(file, [], ['source.fixAll']);
      assert.deepEqual(summary(actions), [['Fix all deploylint problems in this file', 'source.fixAll.deploylint', undefined, undefined]]);
      const changes = actions[0].edit!.documentChanges! as TextDocumentEdit[];
      assert.deepEqual(changes.map((c) => c.textDocument.uri), [uri(file)]);
      const after = TextDocument.applyEdits(TextDocument.create(uri(file), 'dockerfile', 1, original[rel]), changes[0].edits as never);
      assert.equal(after, expected[rel], rel);
    }
    // Not computed for the lightbulb (no `only`), nor for quick fixes only.
    assert.deepEqual(await actionsFor(path.join(viaServer, 'docker/predictions-worker.Dockerfile'), []), []);
    assert.deepEqual(await actionsFor(path.join(viaServer, 'docker/predictions-worker.Dockerfile'), [], ['quickfix']), []);

    // The workspace command: one applyEdit whose result equals --fix's on every file.
    let applied: WorkspaceEdit | undefined;
    client.conn.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEdit }) => {
      applied = p.edit;
      applyToDisk(p.edit);
      return { applied: true };
    });
    const r = await client.conn.sendRequest('workspace/executeCommand', { command: 'deploylint.fixAll', arguments: [] });
    assert.ok(applied);
    assert.deepEqual(r, { applied: true, files: changedByCli.length });
    assert.deepEqual(tree(viaServer), expected);
  });

  it('fixes of different diagnostics that overlap are not offered side by side; alternatives of one diagnostic are', async () => {
    const dir = await start({ 'app.py': 'x = 1\n', Dockerfile: 'FROM python:3.11\nCOPY app.py /app/\n' });
    const df = path.join(dir, 'Dockerfile');
    const r = (l: number, a: number, b: number) => ({ start: { line: l, character: a }, end: { line: l, character: b } });
    const edit = (range: ReturnType<typeof r>, newText: string) => ({ file: df, range, newText });
    const diag = (code: string, fixes: unknown[]): Diagnostic => ({ range: r(1, 0, 17), source: 'deploylint', code, message: code, data: { fixes } });
    const a = diag('entrypoint-target', [{ title: 'A: rewrite', edits: [edit(r(1, 5, 11), 'pkg/')], isPreferred: true }, { title: 'A: other', edits: [edit(r(1, 5, 11), 'lib/')] }]);
    const b = diag('missing-module', [{ title: 'B: rewrite back', edits: [edit(r(1, 0, 17), 'COPY app.py /srv/')], isPreferred: true }, { title: 'B: add a line', edits: [edit(r(2, 0, 0), 'COPY x /x\n')] }]);
    const actions = await actionsFor(df, [a, b]);
    assert.deepEqual(summary(actions).slice(0, 3), [
      ['A: rewrite', 'quickfix', true, 1],
      ['A: other', 'quickfix', false, 1],
      ['B: add a line', 'quickfix', false, 1],
    ]);
    // Diagnostics from elsewhere are not ours.
    assert.deepEqual(await actionsFor(df, [{ ...a, source: 'hadolint' }]), []);
  });

  it('suppressions are checked: an unknown id (with its fix), an unused one (faded, with a removal fix)', async () => {
    const dir = await start({ 'app.py': '', Dockerfile: 'FROM python:3.11\n# deploylint: ignore[missing-copy-sorce]\nCOPY app.py /app/\n# deploylint: ignore[secret-in-image]\nCOPY app.py /srv/\n' });
    const df = path.join(dir, 'Dockerfile');
    const diags = await open(df, 'dockerfile');
    assert.deepEqual(short(diags), [
      "2:22-2:40 2 - unknown rule 'missing-copy-sorce' in a deploylint suppression; did you mean 'missing-copy-source'?",
      '4:1-4:38 2 - unused suppression: no secret-in-image finding on the next line',
    ]);
    assert.deepEqual(diags.map((d) => [d.source, d.tags]), [['deploylint', undefined], ['deploylint', [1]]]);
    const actions = await actionsFor(df, diags);
    assert.deepEqual(summary(actions), [
      ["Replace with 'missing-copy-source'", 'quickfix', true, 1],
      ['Remove the unused suppression', 'quickfix', true, 1],
    ]);
    let text = fs.readFileSync(df, 'utf8');
    for (const a of actions) text = TextDocument.applyEdits(TextDocument.create(uri(df), 'dockerfile', 1, text), (a.edit!.documentChanges![0] as TextDocumentEdit).edits as never);
    assert.equal(text, 'FROM python:3.11\n# deploylint: ignore[missing-copy-source]\nCOPY app.py /app/\nCOPY app.py /srv/\n');
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(df), version: 2 }, contentChanges: [{ text }] });
    await client.waitFor(() => short(client.diagnostics.get(uri(df))).join() === '2:1-2:42 2 - unused suppression: no missing-copy-source finding on the next line', 'only the now-unused one left');
  });

  it('.deploylint.yaml problems are diagnostics at the key; invalid settings are a warning and an error line, never applied', async () => {
    const dir = tmp({
      '.deploylint.yaml': 'rules:\n  missing-copy-sorce: off\n  missing-copy-source: loud\n',
      Dockerfile: 'FROM python:3.11\nCOPY nope.py /app/\n',
    });
    dirs.push(dir);
    client = new TestClient({ rules: { 'missing-copy-source': 'quiet' }, modelLoadSeconds: -5, modelMemoryMb: 10 });
    const warnings: string[] = [];
    client.conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      warnings.push(`${p.type} ${p.message}`);
    });
    await client.initialize(uri(dir));
    const cfg = uri(path.join(dir, '.deploylint.yaml'));
    await client.waitFor(() => (client.diagnostics.get(cfg)?.length ?? 0) === 2, 'config diagnostics');
    assert.deepEqual(short(client.diagnostics.get(cfg)), [
      "2:3-2:21 2 - configuration: unknown rule 'missing-copy-sorce'; did you mean 'missing-copy-source'?",
      '3:3-3:22 2 - configuration: rule \'missing-copy-source\': level "loud" is not error, warning, info or off; the rule keeps its default',
    ]);
    // Neither "loud" nor "quiet" turns the error into Information.
    await client.waitFor(() => (client.diagnostics.get(uri(path.join(dir, 'Dockerfile')))?.length ?? 0) === 1, 'finding');
    assert.deepEqual(client.diagnostics.get(uri(path.join(dir, 'Dockerfile')))!.map((d) => [d.code, d.severity]), [['missing-copy-source', 1]]);
    assert.deepEqual(warnings, ['2 deploylint: ignored invalid settings: unknown setting \'deploylint.modelMemoryMb\'; did you mean \'deploylint.modelMemoryMB\'?; rule \'missing-copy-source\': level "quiet" is not error, warning, info or off; the rule keeps its default; \'modelLoadSeconds\' must be a non-negative number']);
    assert.ok(client.logs.some((l) => l.includes("deploylint: settings: unknown setting 'deploylint.modelMemoryMb'; did you mean 'deploylint.modelMemoryMB'?")), client.logs.join('\n'));
    assert.ok(client.logs.some((l) => l.includes("deploylint: settings: 'modelLoadSeconds' must be a non-negative number")), client.logs.join('\n'));
  });
});
