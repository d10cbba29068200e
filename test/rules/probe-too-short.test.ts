// probe-too-short: budgets per platform against the startup estimate; silence when the budget suffices or the load is lazy; fixes that clear it.
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const XGB = 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\nmodel = xgboost.Booster()\nmodel.load_model("model.json")\n';
const LAZY = 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\ndef model():\n    m = xgboost.Booster()\n    m.load_model("model.json")\n    return m\n';
const MAIN = 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    m = xgboost.Booster()\n    m.load_model("model.json")\n';
const FIVE = 'import torch\nimport uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n' + [1, 2, 3, 4, 5].map((i) => `m${i} = torch.load("m${i}.pt")\n`).join('');
const REQ = 'flask\ngunicorn\nxgboost\ntorch\nfastapi\nuvicorn\n';
const GUNICORN = (extra = '') => `FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n${extra}CMD ["gunicorn", "--bind", "0.0.0.0:8080", "--timeout", "0", "worker:app"]\n`;
const UVICORN = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD exec uvicorn worker:app --host 0.0.0.0 --port $PORT\n';

/** A Deployment whose one container has the given probe lines (at the container's key column). */
const k8s = (probes: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n          image: gcr.io/p/worker:1\n${probes}`;
const httpProbe = (kind: string, timing = '') => `          ${kind}:\n            httpGet:\n              path: /health\n              port: 8080\n${timing}`;
const cloudRun = (probes = '') => `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/worker\n${probes}`;

async function only(files: Record<string, string>) {
  const fs = memRepo({ 'requirements.txt': REQ, ...files });
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'probe-too-short') };
}

describe('rule probe-too-short', () => {
  const valid: [string, Record<string, string>][] = [
    ['a startupProbe with a 300 s budget', { 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('startupProbe', '            failureThreshold: 30\n') + httpProbe('livenessProbe')) }],
    ['a livenessProbe with a long initial delay', { 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('livenessProbe', '            initialDelaySeconds: 120\n')) }],
    ['readiness probes never kill', { 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('readinessProbe')) }],
    ['a lazy load (inside a function) does not count', { 'worker.py': LAZY, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('livenessProbe')) }],
    ['a load under __main__ does not run when gunicorn imports the module', { 'worker.py': MAIN, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('livenessProbe')) }],
    ['a TCP probe passes once gunicorn\'s master listens (no --preload)', { 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s('          livenessProbe:\n            tcpSocket:\n              port: 8080\n') }],
    ['Cloud Run\'s default TCP startup probe allows 240 s', { 'worker.py': XGB, Dockerfile: UVICORN, 'service.yaml': cloudRun() }],
    ['a compose health check that is disabled', { 'worker.py': XGB, Dockerfile: GUNICORN(), 'compose.yaml': 'services:\n  w:\n    build: .\n    healthcheck:\n      disable: true\n' }],
    ['HEALTHCHECK defaults (90 s) cover one load', { 'worker.py': XGB, Dockerfile: GUNICORN('HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n') }],
    ['HEALTHCHECK NONE', { 'worker.py': XGB, Dockerfile: GUNICORN('HEALTHCHECK NONE\n') }],
    ['HEALTHCHECK is ignored when the image only runs on Kubernetes', { 'worker.py': XGB, Dockerfile: GUNICORN('HEALTHCHECK --interval=5s CMD curl -f http://localhost:8080/ || exit 1\n'), 'k8s.yaml': k8s('') }],
    ['modelLoadSeconds from .deploylint.yaml', { 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('livenessProbe')), '.deploylint.yaml': 'modelLoadSeconds: 20\n' }],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => assert.deepEqual(brief((await only(files)).findings), []));
  }

  it('raises an existing startupProbe\'s failureThreshold, keeping its period', async () => {
    const { fs, findings } = await only({ 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(httpProbe('startupProbe', '            periodSeconds: 5\n')) });
    assert.deepEqual(brief(findings), [
      "k8s.yaml:11:11 probe-too-short startupProbe budget: initialDelaySeconds 0 + periodSeconds 5 x failureThreshold 3 = 15 s; the entrypoint loads 1 model at import: ~60 s (modelLoadSeconds 60 x 1): the kubelet kills the container before it has started, again and again (k8s.yaml: Deployment w, container w; Dockerfile is the repository's only Dockerfile)",
    ]);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Raise failureThreshold to 18 (90 s)']);
    const after = applyAllFixes(fs, findings).get('/repo/k8s.yaml')!;
    assert.match(after, /            periodSeconds: 5\n/);
    assert.match(after, /startupProbe:\n            failureThreshold: 18\n/);
    assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'probe-too-short')), []);
  });

  it('a flow-style probe is reported without a fix that would break it', async () => {
    const { findings } = await only({ 'worker.py': XGB, Dockerfile: GUNICORN(), 'k8s.yaml': k8s('          livenessProbe: {httpGet: {path: /, port: 8080}}\n') });
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('Cloud Run caps the startup window at 240 s: the fix adds initialDelaySeconds', async () => {
    const three = XGB + 'import torch\na = torch.load("a.pt")\nb = torch.load("b.pt")\n';
    const { fs, findings } = await only({ 'worker.py': three, Dockerfile: GUNICORN(), 'service.yaml': cloudRun(httpProbe('startupProbe')) });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /~180 s/);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Raise failureThreshold to 24 and initialDelaySeconds to 30 (270 s)']);
    applyAllFixes(fs, findings);
    assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'probe-too-short')), []);
  });

  it('Cloud Run\'s default TCP probe (240 s) against five loads by uvicorn: adds a startupProbe', async () => {
    const { fs, findings } = await only({ 'worker.py': FIVE, Dockerfile: UVICORN, 'service.yaml': cloudRun() });
    assert.deepEqual(brief(findings), [
      "service.yaml:9:11 probe-too-short Cloud Run default TCP startup probe: timeoutSeconds 240, periodSeconds 240 x failureThreshold 1 = 240 s; the entrypoint loads 5 models at import: ~300 s (modelLoadSeconds 60 x 5): Cloud Run stops the instance before it has started (service.yaml: Cloud Run service w; Dockerfile is the repository's only Dockerfile)",
    ]);
    const after = applyAllFixes(fs, findings).get('/repo/service.yaml')!;
    assert.match(after, /          startupProbe:\n            tcpSocket:\n              port: 8080\n            initialDelaySeconds: 210\n            periodSeconds: 10\n            failureThreshold: 24\n/);
    assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'probe-too-short')), []);
  });

  it('compose fields fall back to the image HEALTHCHECK options, then Docker defaults', async () => {
    const { findings } = await only({
      'worker.py': XGB,
      Dockerfile: GUNICORN('HEALTHCHECK --interval=5s CMD curl -f http://localhost:8080/ || exit 1\n'),
      'compose.yaml': 'services:\n  w:\n    build: .\n    healthcheck:\n      retries: 2\n',
    });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^healthcheck budget: start_period 0 s \+ interval 5 s x retries 2 = 10 s;/);
  });
});
