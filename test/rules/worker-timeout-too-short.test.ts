// worker-timeout-too-short: gunicorn's --timeout (default 30 s, 0 disables) against import-time model loading without --preload.
import { strict as assert } from 'assert';
import { specifierBelow } from '../../server/src/core/packages/installs';
import { explain } from '../../server/src/core/runtime';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const XGB = 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\nmodel = xgboost.Booster()\nmodel.load_model("model.json")\n';
const LAZY = 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\ndef model():\n    m = xgboost.Booster()\n    m.load_model("model.json")\n    return m\n';
const df = (cmd: string, extra = '') => `FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n${extra}${cmd}\n`;

async function only(files: Record<string, string>) {
  const fs = memRepo({ 'requirements.txt': 'flask\ngunicorn==21.2.0\nxgboost\n', 'worker.py': XGB, ...files });
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'worker-timeout-too-short') };
}

describe('rule worker-timeout-too-short', () => {
  const valid: [string, Record<string, string>][] = [
    ['--preload loads the app in the master', { Dockerfile: df('CMD ["gunicorn", "--preload", "worker:app"]') }],
    ['--timeout 0 disables the check', { Dockerfile: df('CMD ["gunicorn", "--timeout", "0", "worker:app"]') }],
    ['a timeout longer than the load', { Dockerfile: df('CMD ["gunicorn", "-t", "120", "worker:app"]') }],
    ['GUNICORN_CMD_ARGS sets a long timeout', { Dockerfile: df('CMD ["gunicorn", "worker:app"]', 'ENV GUNICORN_CMD_ARGS="--timeout 200"\n') }],
    ['preload_app in gunicorn.conf.py', { Dockerfile: df('CMD ["gunicorn", "worker:app"]'), 'gunicorn.conf.py': 'preload_app = True\n' }],
    ['a lazy load', { Dockerfile: df('CMD ["gunicorn", "worker:app"]'), 'worker.py': LAZY }],
    ['uvicorn has no worker timeout', { Dockerfile: df('CMD ["uvicorn", "worker:app", "--host", "0.0.0.0"]') }],
    [
      'the only deployment runs it with a long --timeout',
      { Dockerfile: df('CMD ["gunicorn", "worker:app"]'), 'k8s.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n    - name: w\n      image: gcr.io/p/worker\n      args: ["gunicorn", "--timeout", "300", "worker:app"]\n' },
    ],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => assert.deepEqual(brief((await only(files)).findings), []));
  }

  it('the default 30 s: inserts --timeout before the target (shell form), or --preload', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD exec gunicorn --bind :$PORT worker:app') });
    assert.deepEqual(brief(findings), [
      'Dockerfile:5:1 worker-timeout-too-short gunicorn 21.2.0 (requirements.txt:2) kills a worker that is silent for --timeout 30 s (the default), and without --preload each worker imports worker:app itself; the entrypoint loads 1 model at import: ~60 s (modelLoadSeconds 60 x 1): workers are killed while loading ([CRITICAL] WORKER TIMEOUT) and the app never serves',
    ]);
    assert.deepEqual(findings[0].fixes.map((f) => [f.title, f.isPreferred, f.edits[0].newText]), [
      ['Add --timeout 90', true, '--timeout 90 '],
      ['Add --preload (load the app once in the master, before forking workers)', false, '--preload '],
    ]);
    assert.equal(applyAllFixes(fs, findings).get('/repo/Dockerfile'), df('CMD exec gunicorn --bind :$PORT --timeout 90 worker:app'));
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('replaces --timeout=N inside one exec-form element', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD ["gunicorn", "--timeout=45", "worker:app"]') });
    assert.equal(findings.length, 1);
    assert.equal(applyAllFixes(fs, findings).get('/repo/Dockerfile'), df('CMD ["gunicorn", "--timeout=90", "worker:app"]'));
  });

  it('the --preload fix clears it too', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD ["gunicorn", "worker:app"]') });
    const preload = findings[0].fixes[1];
    applyAllFixes(fs, [{ ...findings[0], fixes: [{ ...preload, isPreferred: true }] }]);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: df('CMD ["gunicorn", "--preload", "worker:app"]') });
    assert.deepEqual(brief((await only({ Dockerfile: df('CMD ["gunicorn", "--preload", "worker:app"]') })).findings), []);
  });

  it('a deployment that sets GUNICORN_CMD_ARGS is reported at its env entry', async () => {
    const { findings } = await only({
      Dockerfile: df('CMD ["gunicorn", "--timeout", "120", "worker:app"]'),
      'k8s.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n    - name: w\n      image: gcr.io/p/worker\n      args: ["gunicorn", "worker:app"]\n      env:\n        - name: GUNICORN_CMD_ARGS\n          value: "--timeout 20"\n',
    });
    assert.deepEqual(brief(findings), [
      'k8s.yaml:11:11 worker-timeout-too-short k8s.yaml: Pod w, container w: gunicorn 21.2.0 (requirements.txt:2) kills a worker that is silent for --timeout 20 s (GUNICORN_CMD_ARGS), and without --preload each worker imports worker:app itself; the entrypoint loads 1 model at import: ~60 s (modelLoadSeconds 60 x 1): workers are killed while loading ([CRITICAL] WORKER TIMEOUT) and the app never serves',
    ]);
  });

  describe('gunicorn 22.0 and later do not time out a booting worker', () => {
    const cmd = 'CMD ["gunicorn", "worker:app"]';
    const head = (f: { message: string }[]) => f.map((x) => x.message.slice(0, x.message.indexOf(' kills')));
    const reported: [string, Record<string, string>, string][] = [
      ['a < 22 bound', { 'requirements.txt': 'flask\ngunicorn>=20,<22\nxgboost\n' }, 'gunicorn >=20,<22 (requirements.txt:2)'],
      ['a ~= 20.1 pin', { 'requirements.txt': 'gunicorn ~= 20.1\nflask\nxgboost\n' }, 'gunicorn ~= 20.1 (requirements.txt:1)'],
      ['a pip argument in the Dockerfile', { 'requirements.txt': 'flask\nxgboost\n', Dockerfile: df(cmd, 'RUN pip install "gunicorn==21.2.0"\n') }, 'gunicorn 21.2.0 (Dockerfile:5)'],
      [
        'a poetry.lock version',
        {
          'requirements.txt': '',
          'pyproject.toml': '[tool.poetry]\nname = "w"\nversion = "0.1.0"\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "*"\ngunicorn = "*"\nxgboost = "*"\n',
          'poetry.lock': '[[package]]\nname = "flask"\nversion = "3.0.3"\n\n[[package]]\nname = "gunicorn"\nversion = "21.2.0"\n\n[[package]]\nname = "xgboost"\nversion = "2.0.3"\n',
          Dockerfile: df(cmd, 'RUN pip install poetry && poetry install --no-root\n'),
        },
        'gunicorn 21.2.0 (poetry.lock)',
      ],
    ];
    for (const [name, files, evidence] of reported) {
      it(`reports ${name}, naming the version evidence`, async () => {
        const { findings } = await only({ Dockerfile: df(cmd), ...files });
        assert.deepEqual(head(findings), [evidence]);
      });
    }
    const quiet: [string, string, string][] = [
      ['pinned 23.0.0', 'flask\ngunicorn==23.0.0\nxgboost\n', 'gunicorn >= 22 does not time out a booting worker (the image pins gunicorn 23.0.0)'],
      ['a >= 21 lower bound only', 'flask\ngunicorn>=21\nxgboost\n', 'gunicorn >= 22 does not time out a booting worker (gunicorn>=21 allows 22 or later)'],
      ['unpinned', 'flask\ngunicorn\nxgboost\n', 'gunicorn >= 22 does not time out a booting worker (gunicorn is unpinned: the installer picks the latest)'],
      ['installed by nothing the model reads', 'flask\nxgboost\n', "gunicorn >= 22 does not time out a booting worker, and where the image's gunicorn comes from is not known"],
    ];
    for (const [name, reqs, why] of quiet) {
      it(`quiet when gunicorn is ${name}, with the reason for --explain`, async () => {
        const r = await lintRepo(memRepo({ 'requirements.txt': reqs, 'worker.py': XGB, Dockerfile: df(cmd) }));
        assert.deepEqual(brief(r.findings.filter((f) => f.ruleId === 'worker-timeout-too-short')), []);
        assert.deepEqual(explain(r.analysis, '/repo/Dockerfile').map((x) => x.quiet.filter((q) => q.startsWith('worker-timeout-too-short'))), [[`worker-timeout-too-short: ${why}`]]);
      });
    }
  });

  it('specifierBelow reads PEP 440 and Poetry upper bounds', () => {
    const cases: [string, boolean][] = [
      ['==21.2.0', true], ['===21.2.0', true], ['==22.0.0', false], ['==21.*', true], ['==22.*', false], ['<22', true], ['<22.0.1', false],
      ['<=21.2.0', true], ['<=22', false], ['~=20.1', true], ['~=21.2', true], ['~=22.0', false], ['~=21', false], ['>=20,<22', true],
      ['>=20', false], ['!=22.0.0', false], ['', false], ['^21.2', true], ['^22', false], ['^0.9', true], ['~21.2', true], ['~22', false], ['21.2', false],
    ];
    assert.deepEqual(cases.map(([s]) => [s, specifierBelow(s, '22')]), cases);
  });
});
