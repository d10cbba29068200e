// Baselines: --write-baseline records today's findings by fingerprint; --baseline reports only new ones, and says how many it left out; the `baseline` setting does the same in the engine (and so in the editor).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { lint } from '../../server/src/core/lint';
import { normaliseMessage } from '../../server/src/core/baseline';
import { memRepo, ROOT } from '../helpers/repo';
import { TestClient } from '../helpers/lsp-client';
import { pathToFileURL } from 'url';

const run = (args: string[], cwd: string) => runCli(args, cwd);

const DF = 'FROM python:3.11\nWORKDIR /app\nCOPY requirments.txt ./\nCOPY app.py ./\nCMD ["python", "app.py"]\n';
const FILES: Record<string, string> = { 'requirements.txt': 'flask\n', 'app.py': 'import flask\n\napp = flask.Flask(__name__)\n', Dockerfile: DF };

describe('baselines', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-baseline-')));
    for (const [rel, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, rel), text);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round trip: write, edit an unrelated line above the finding (zero new), add a defect (exactly one new)', () => {
    const w = run(['.', '--write-baseline', 'deploylint-baseline.json'], dir);
    assert.deepEqual([w.code, w.out, w.err], [0, '', 'deploylint: wrote a baseline of 1 finding to deploylint-baseline.json\n']);
    const b = JSON.parse(fs.readFileSync(path.join(dir, 'deploylint-baseline.json'), 'utf8'));
    assert.equal(b.version, 1);
    assert.deepEqual(b.findings.map((e: Record<string, string>) => [e.ruleId, e.file, /^[0-9a-f]{32}$/.test(e.fingerprint)]), [['missing-copy-source', 'Dockerfile', true]]);

    const same = run(['.', '--baseline', 'deploylint-baseline.json'], dir);
    assert.deepEqual([same.code, same.out, same.err], [0, 'no new problems (1 baselined)\n', 'deploylint: 1 finding in the baseline not reported\n']);

    fs.writeFileSync(path.join(dir, 'Dockerfile'), DF.replace('WORKDIR /app\n', '# build the API image\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\n'));
    const moved = run(['.', '--baseline', 'deploylint-baseline.json', '--format', 'json'], dir);
    assert.equal(moved.code, 0, moved.err);
    assert.deepEqual([JSON.parse(moved.out).findings, JSON.parse(moved.out).baselined], [[], 1]);
    assert.match(run(['.'], dir).out, /^Dockerfile:5:6: error \[missing-copy-source\]/, 'the finding itself moved two lines down');

    fs.appendFileSync(path.join(dir, 'Dockerfile'), 'COPY settings.toml ./\n');
    const added = run(['.', '--baseline', 'deploylint-baseline.json'], dir);
    assert.equal(added.code, 1);
    assert.equal(
      added.out,
      "Dockerfile:8:6: error [missing-copy-source] COPY source 'settings.toml' is not in the build context, the workspace root (inferred)\n\n1 problem (1 error, 0 warnings; 1 baselined)\n",
    );
    const sarif = JSON.parse(run(['.', '--baseline', 'deploylint-baseline.json', '--format', 'sarif'], dir).out);
    assert.deepEqual([sarif.runs[0].results.length, sarif.runs[0].properties.baselined], [1, 1]);
  });

  it('a second identical defect in the same file is new (occurrences are numbered)', () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DF.replace('COPY app.py', 'COPY missing.txt ./\nCOPY app.py'));
    run(['.', '--write-baseline', 'b.json'], dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DF.replace('COPY app.py', 'COPY missing.txt ./\nCOPY missing.txt ./\nCOPY app.py'));
    const r = run(['.', '--baseline', 'b.json', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(r.out).findings.map((f: { line: number; fingerprint: string }) => [f.line, /#2$/.test(f.fingerprint)]), [[5, true]]);
  });

  it('a missing or malformed baseline is a usage error (exit 2)', () => {
    assert.deepEqual(run(['.', '--baseline', 'none.json'], dir).err, 'deploylint: --baseline: no such file: none.json\n');
    fs.writeFileSync(path.join(dir, 'bad.json'), '[1, 2]');
    const r = run(['.', '--baseline', 'bad.json'], dir);
    assert.deepEqual([r.code, r.err], [2, 'deploylint: --baseline bad.json: not a deploylint baseline (expected {"version": 1, "findings": [...]})\n']);
  });

  it('the baseline setting (.deploylint.yaml or editor settings) filters in the engine; an unreadable one is a notice', async () => {
    const fsys = memRepo({ ...FILES, 'ci/baseline.json': '' });
    const first = await lint({ fs: fsys, root: ROOT });
    const entry = { fingerprint: first.findings[0].fingerprint, ruleId: 'missing-copy-source', file: 'Dockerfile', message: '' };
    fsys.write(`${ROOT}/ci/baseline.json`, JSON.stringify({ version: 1, findings: [entry] }));
    const viaSettings = await lint({ fs: fsys, root: ROOT }, { overrides: { baseline: 'ci/baseline.json' } });
    assert.deepEqual([viaSettings.findings.length, viaSettings.baselined], [0, 1]);
    fsys.write(`${ROOT}/.deploylint.yaml`, 'baseline: ci/baseline.json\n');
    const viaFile = await lint({ fs: fsys, root: ROOT });
    assert.deepEqual([viaFile.findings.length, viaFile.baselined], [0, 1]);
    const missing = await lint({ fs: fsys, root: ROOT }, { overrides: { baseline: 'nope.json' } });
    assert.deepEqual([missing.findings.length, missing.notices.map((n) => [n.cause, n.message])], [1, [['baseline', 'baseline not applied: cannot read it']]]);
  });

  it('the language server honours the deploylint.baseline setting', async () => {
    run(['.', '--write-baseline', 'b.json'], dir);
    fs.appendFileSync(path.join(dir, 'Dockerfile'), 'COPY settings.toml ./\n');
    const uri = pathToFileURL(path.join(dir, 'Dockerfile')).href;
    const client = new TestClient({ baseline: 'b.json' });
    try {
      await client.initialize(pathToFileURL(dir).href);
      await client.waitFor(() => (client.diagnostics.get(uri) ?? []).length > 0, 'Dockerfile diagnostics');
      assert.deepEqual(client.diagnostics.get(uri)!.map((d) => [d.range.start.line + 1, d.code, d.message]), [
        [6, 'missing-copy-source', "COPY source 'settings.toml' is not in the build context, the workspace root (inferred)"],
      ]);
    } finally {
      await client.stop();
    }
  });

  it('normalises line numbers out of messages', () => {
    assert.equal(normaliseMessage("excluded by .dockerignore line 12 ('*.py'); see docker/api.Dockerfile:7"), "excluded by .dockerignore line # ('*.py'); see docker/api.Dockerfile:#");
    assert.equal(normaliseMessage('binds port 8000:8000  on 127.0.0.1'), 'binds port 8000:8000 on 127.0.0.1');
  });
});
