// Extension-host suite on a copy of examples/: runs inside code-server's node extension host (loaded by exthost.js
// through extensionTestsPath) and checks the extension through the vscode API: diagnostics, quick fix, hovers,
// links, definition, CodeLens and the explain document, the image-contents tree, the status item, an ignore
// quick fix and fix-all on save.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const expected = require('./expected.json');

const log = (...a) => console.log('[suite]', ...a);
async function waitFor(fn, what, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timeout waiting for ' + what);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'deploylint');
const short = (ds) => ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${typeof d.code === 'object' ? d.code.value : d.code}`).sort();
const hoverText = async (uri, line, ch) => {
  const hs = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(line, ch));
  return hs.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).filter((v) => v.includes('**')).join('\n');
};

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

let api, root, worker, coordinator, workerPy;
step('activates and lints the examples (Problems: exact findings per file)', async () => {
  root = vscode.workspace.workspaceFolders[0].uri;
  const at = (p) => vscode.Uri.joinPath(root, p);
  worker = at('docker/predictions-worker.Dockerfile');
  coordinator = at('docker/predictions-coordinator.Dockerfile');
  workerPy = at('predictions/worker/worker.py');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(worker));
  const ext = vscode.extensions.getExtension('deploylint.deploylint');
  assert.ok(ext, 'extension deploylint.deploylint is loaded');
  api = await ext.activate();
  await waitFor(() => ours(worker).length === 3 && ours(coordinator).length === 2 && ours(workerPy).length === 3, 'diagnostics on both Dockerfiles and worker.py');
  assert.deepEqual(short(ours(worker)), ['9:1 missing-module', '9:1 missing-module', '9:1 missing-module']);
  assert.deepEqual(short(ours(coordinator)), ['6:6 missing-copy-source', '9:1 missing-module']);
  assert.deepEqual(short(ours(workerPy)), ['7:6 missing-module', '8:6 missing-module', '9:6 missing-module']);
});

step('an unknown deploylint.* setting is in the configuration the client sends (the server names the closest key)', async () => {
  const config = vscode.workspace.getConfiguration('deploylint');
  assert.equal(config.get('modelLoadSecond'), 5);
  assert.ok(Object.keys(config).includes('modelLoadSecond'), Object.keys(config).join(', '));
  assert.deepEqual(config.inspect('modelLoadSecond').workspaceValue, 5);
});

step('status item: N problems', async () => {
  await waitFor(() => api.status().state === 'done', 'status done');
  assert.equal(api.status().text, 'deploylint: 16 problems');
});

step('hover on a COPY: what it brings into the image', async () => {
  assert.equal(await hoverText(worker, 9, 2), expected.hoverCopy.join('\n'));
});

step('hover on the target: module file, callable, sys.path, listen address', async () => {
  const lines = (await hoverText(worker, 12, 72)).split('\n');
  assert.deepEqual(lines.slice(0, 7), expected.hoverTarget);
});

step('hover on a Python import: missing in each image that loads the file', async () => {
  const text = await hoverText(workerPy, 6, 10);
  assert.equal(text.split('\n')[0], '**import `system_circuit_breaker`** in the images that load this file:');
  assert.ok(text.includes("- docker/predictions-worker.Dockerfile @ docker run: missing in this image: 'system_circuit_breaker' is not found on sys.path (/app)"), text);
});

step('document links: COPY source and the target', async () => {
  const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', worker);
  const shown = links.map((l) => `${l.range.start.line + 1}:${l.range.start.character + 1} ${vscode.workspace.asRelativePath(l.target.with({ fragment: '' }))}${l.target.fragment ? '#' + l.target.fragment : ''}`);
  assert.deepEqual(shown, [
    '6:6 predictions/worker/requirements.txt',
    '9:6 predictions/worker/worker.py',
    '13:69 predictions/worker/worker.py#L13',
  ]);
});

step('go to definition on the target jumps to the callable', async () => {
  const defs = await vscode.commands.executeCommand('vscode.executeDefinitionProvider', worker, new vscode.Position(12, 72));
  assert.equal(defs.length, 1);
  const d = defs[0];
  const uri = d.uri ?? d.targetUri;
  const range = d.range ?? d.targetRange;
  assert.equal(vscode.workspace.asRelativePath(uri), 'predictions/worker/worker.py');
  assert.equal(range.start.line, 12);
});

step('CodeLens above the CMD opens the --explain text of that container', async () => {
  const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', worker);
  assert.deepEqual(lenses.map((l) => `${l.range.start.line + 1} ${l.command.title}`), ['13 imports 4 local modules · 3 missing · startup ≈ 60 s']);
  await vscode.commands.executeCommand(lenses[0].command.command, ...lenses[0].command.arguments);
  const text = api.lastExplanation();
  assert.equal(text.split('\n')[0], 'docker/predictions-worker.Dockerfile @ docker run');
  assert.ok(text.includes('\n  runs: gunicorn worker:app\n'), text);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.isUntitled);
  assert.ok(shown && shown.document.getText() === text, 'the explanation is shown in an untitled editor');
});

step('image contents view: Dockerfile -> stage -> containers (missing marked) and files with their instruction', async () => {
  const tree = api.imageContents;
  const rootsNodes = await tree.getChildren();
  const labels = rootsNodes.map((n) => tree.getTreeItem(n).label);
  assert.deepEqual(labels, ['docker/predictions-coordinator.Dockerfile', 'docker/predictions-worker.Dockerfile', 'embeddings/Dockerfile', 'mcp-service/Dockerfile']);
  const [stage] = await tree.getChildren(rootsNodes[1]);
  assert.equal(tree.getTreeItem(stage).label, 'the final stage: FROM python:3.11-slim');
  const kids = await tree.getChildren(stage);
  const items = kids.map((n) => tree.getTreeItem(n));
  assert.deepEqual(items.slice(0, 3).map((t) => `${t.label} | ${t.description}`), [
    'docker run | gunicorn worker:app · 3 missing',
    'deploy/prediction-worker.yaml: Cloud Run service prediction-worker | gunicorn worker:app · 3 missing',
    'bin/deploy.sh line 12: gcloud run deploy prediction-worker | gunicorn worker:app · 3 missing',
  ]);
  assert.deepEqual(items.slice(3).map((t) => `${t.label} | ${t.description}`), [
    '/app/prediction_systems/__init__.py | ← predictions/worker/prediction_systems/__init__.py · COPY predictions/worker/prediction_systems/ /app/prediction_systems/',
    '/app/prediction_systems/moving_average.py | ← predictions/worker/prediction_systems/moving_average.py · COPY predictions/worker/prediction_systems/ /app/prediction_systems/',
    '/app/prediction_systems/xgboost_model.py | ← predictions/worker/prediction_systems/xgboost_model.py · COPY predictions/worker/prediction_systems/ /app/prediction_systems/',
    '/app/requirements.txt | ← predictions/worker/requirements.txt · COPY predictions/worker/requirements.txt /app/requirements.txt',
    '/app/worker.py | ← predictions/worker/worker.py · COPY predictions/worker/worker.py /app/worker.py',
  ]);
  const missing = (await tree.getChildren(kids[0])).map((n) => tree.getTreeItem(n).label);
  assert.deepEqual(missing, ['missing: system_circuit_breaker', 'missing: execution_logger', 'missing: shared.utils.player_registry']);
  await vscode.commands.executeCommand('deploylint.showImageContents', worker);
});

step('lightbulb fix: the typo in the coordinator COPY is replaced and the problem clears', async () => {
  const doc = await vscode.workspace.openTextDocument(coordinator);
  await vscode.window.showTextDocument(doc);
  const [d] = ours(coordinator).filter((x) => (x.code.value ?? x.code) === 'missing-copy-source');
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', coordinator, d.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a) => a.title === "Replace with 'predictions/coordinator/requirements.txt'");
  assert.ok(fix && fix.isPreferred, actions.map((a) => a.title).join(', '));
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  assert.equal(doc.lineAt(5).text, 'COPY predictions/coordinator/requirements.txt /app/requirements.txt');
  await waitFor(() => ours(coordinator).length === 1, 'missing-copy-source cleared');
  await waitFor(() => api.status().text === 'deploylint: 15 problems', 'status: 15 problems');
});

step('suppression from the lightbulb: "Ignore <rule> on this line" writes the directive above and the problem clears', async () => {
  const df = vscode.Uri.joinPath(root, 'embeddings/Dockerfile');
  const doc = await vscode.workspace.openTextDocument(df);
  await vscode.window.showTextDocument(doc);
  await waitFor(() => ours(df).length === 1, 'worker-timeout-too-short on embeddings/Dockerfile');
  const [d] = ours(df);
  assert.equal(d.code.value ?? d.code, 'worker-timeout-too-short');
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', df, d.range, vscode.CodeActionKind.QuickFix.value);
  const ignore = actions.find((a) => a.title === 'Ignore worker-timeout-too-short on this line');
  assert.ok(ignore, actions.map((a) => a.title).join(', '));
  const line = d.range.start.line;
  const cmd = doc.lineAt(line).text;
  assert.ok(await vscode.workspace.applyEdit(ignore.edit));
  assert.equal(doc.lineAt(line).text, '# deploylint: ignore[worker-timeout-too-short]');
  assert.equal(doc.lineAt(line + 1).text, cmd);
  await waitFor(() => ours(df).length === 0, 'suppressed');
});

step('fix-all on save (editor.codeActionsOnSave: source.fixAll.deploylint, in the workspace settings) applies what --fix applies', async () => {
  assert.deepEqual(vscode.workspace.getConfiguration('editor').get('codeActionsOnSave'), { 'source.fixAll.deploylint': 'explicit' });
  const df = vscode.Uri.joinPath(root, 'mcp-service/Dockerfile');
  const doc = await vscode.workspace.openTextDocument(df);
  const editor = await vscode.window.showTextDocument(doc);
  await waitFor(() => ours(df).some((x) => (x.code.value ?? x.code) === 'port-mismatch'), 'port-mismatch on mcp-service/Dockerfile');
  // A change to save: a comment line at the end.
  await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), '# saved by the e2e suite\n'));
  await vscode.commands.executeCommand('workbench.action.files.save');
  const want = 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--app-dir", "src", "--port", "8080"]';
  await waitFor(() => !doc.isDirty && doc.getText().includes(want), 'the fix applied on save', 30000);
  const disk = Buffer.from(await vscode.workspace.fs.readFile(df)).toString('utf8');
  assert.ok(disk.includes(want + '\n# saved by the e2e suite\n'), disk);
  await waitFor(() => !ours(df).some((x) => (x.code.value ?? x.code) === 'port-mismatch'), 'port-mismatch cleared');
});

exports.run = async function run() {
  const t0 = Date.now();
  let failed = 0;
  for (const s of steps) {
    try {
      await s.fn();
      log('ok  ', s.name);
    } catch (e) {
      failed++;
      log('FAIL', s.name, '\n', e && e.stack || e);
      if (!api) break;
    }
  }
  log(`${steps.length - failed}/${steps.length} passed in ${Date.now() - t0} ms`);
  if (failed) throw new Error(`${failed} extension-host step(s) failed`);
};
