// port-mismatch: loopback binds (explicit and server defaults), ports the platform does not send to, and exec-form "$PORT".
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const APP = 'from flask import Flask\napp = Flask(__name__)\n';
const df = (cmd: string, extra = '') => `FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n${extra}${cmd}\n`;
const cloudRun = (port = '') => `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/worker\n${port}`;
const pod = (body: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n    - name: w\n      image: gcr.io/p/worker\n${body}`;

async function only(files: Record<string, string>) {
  const fs = memRepo({ 'requirements.txt': 'flask\ngunicorn\nuvicorn\nfastapi\n', 'worker.py': APP, ...files });
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'port-mismatch') };
}

describe('rule port-mismatch', () => {
  const valid: [string, Record<string, string>][] = [
    ['gunicorn --bind :$PORT on Cloud Run', { Dockerfile: df('CMD exec gunicorn --bind :$PORT worker:app'), 'service.yaml': cloudRun() }],
    ['gunicorn without --bind on Cloud Run (PORT is set: 0.0.0.0:$PORT)', { Dockerfile: df('CMD ["gunicorn", "worker:app"]'), 'service.yaml': cloudRun() }],
    ['gunicorn without --bind and no deployment: PORT may be set at run time', { Dockerfile: df('CMD ["gunicorn", "worker:app"]') }],
    ['uvicorn on ${PORT:-8080} on Cloud Run', { Dockerfile: df('CMD uvicorn worker:app --host 0.0.0.0 --port ${PORT:-8080}'), 'service.yaml': cloudRun() }],
    ['a Cloud Run containerPort that matches', { Dockerfile: df('CMD ["gunicorn", "-b", "0.0.0.0:9000", "worker:app"]'), 'service.yaml': cloudRun('          ports:\n            - containerPort: 9000\n') }],
    ['compose publishes the port the server uses', { Dockerfile: df('CMD ["gunicorn", "-b", "0.0.0.0:8000", "worker:app"]'), 'compose.yaml': 'services:\n  w:\n    build: .\n    ports: ["8000:8000"]\n' }],
    ['a probe on a metrics port when containerPort matches', { Dockerfile: df('CMD ["gunicorn", "-b", "0.0.0.0:8080", "worker:app"]'), 'k8s.yaml': pod('      ports:\n        - containerPort: 8080\n      livenessProbe:\n        httpGet: {path: /metrics, port: 9100}\n') }],
    ['flask run --host 0.0.0.0', { Dockerfile: df('CMD ["flask", "--app", "worker", "run", "--host", "0.0.0.0"]') }],
    ['a UNIX socket', { Dockerfile: df('CMD ["gunicorn", "-b", "unix:/tmp/g.sock", "worker:app"]') }],
    ['gunicorn default when the pod takes env from a ConfigMap', { Dockerfile: df('CMD ["gunicorn", "worker:app"]'), 'k8s.yaml': pod('      envFrom:\n        - configMapRef: {name: cfg}\n      ports:\n        - containerPort: 8080\n') }],
    ['EXPOSE agrees', { Dockerfile: df('CMD ["uvicorn", "worker:app", "--host", "0.0.0.0", "--port", "8080"]', 'EXPOSE 8080\n') }],
    ['app.run(host="0.0.0.0")', { Dockerfile: df('CMD ["python", "worker.py"]'), 'worker.py': APP + 'if __name__ == "__main__":\n    app.run(host="0.0.0.0", port=8080)\n' }],
    ['gunicorn bound twice: loopback for a sidecar and 0.0.0.0 on the published port', { Dockerfile: df('CMD ["gunicorn", "-b", "127.0.0.1:9000", "-b", "0.0.0.0:8000", "worker:app"]'), 'compose.yaml': 'services:\n  w:\n    build: .\n    ports: ["8000:8000"]\n' }],
    ['uwsgi with --socket for a proxy and --http: the probe may check either (DefectDojo)', { Dockerfile: df('CMD ["uwsgi", "--socket", "0.0.0.0:3031", "--module", "worker:app", "--http", "0.0.0.0:8081"]'), 'k8s.yaml': pod('      ports:\n        - containerPort: 3031\n      readinessProbe:\n        tcpSocket: {port: 3031}\n') }],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => assert.deepEqual(brief((await only(files)).findings), []));
  }

  it('a script that only mentions the published port, or runs its program in the foreground first, still mismatches', async () => {
    for (const line of ['echo "the mail UI is on :8025 &"', 'mailcatcher --ui 0.0.0.0:8025 && true']) {
      const { findings } = await only({
        Dockerfile: df('CMD ["./start.sh"]'),
        'start.sh': `#!/bin/sh\n${line}\nexec gunicorn --bind 0.0.0.0:8090 worker:app\n`,
        'compose.yaml': 'services:\n  w:\n    build: .\n    ports:\n      - "8025:8025"\n',
      });
      assert.deepEqual(brief(findings), ['start.sh:3:22 port-mismatch gunicorn worker:app listens on port 8090, but the service publishes container port 8025 (compose.yaml: service w; compose.yaml builds it)'], line);
    }
  });

  it('a script with a plain argparse main (no subcommands) is still searched for the server it starts from __main__', async () => {
    const serve = 'import argparse\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n    parser = argparse.ArgumentParser()\n    parser.add_argument("--reload", action="store_true")\n    parser.parse_args()\n    uvicorn.run(app, host="127.0.0.1", port=8000)\n';
    const { findings } = await only({ 'serve.py': serve, Dockerfile: df('CMD ["python", "serve.py"]', 'EXPOSE 8000\n') });
    assert.deepEqual(brief(findings), ['serve.py:11:27 port-mismatch uvicorn.run() listens on 127.0.0.1:8000 inside the container, so nothing outside it can connect']);
  });

  it('several binds: every one is a listener, so a mismatch is one none of them satisfies', async () => {
    const { findings } = await only({ Dockerfile: df('CMD ["gunicorn", "-b", "127.0.0.1:9000", "-b", "0.0.0.0:8000", "worker:app"]'), 'compose.yaml': 'services:\n  w:\n    build: .\n    ports: ["8080:8080"]\n' });
    assert.deepEqual(brief(findings).map((l) => l.replace(/ \(.*$/, '')), ['Dockerfile:4:24 port-mismatch gunicorn worker:app listens on ports 9000 and 8000, but the service publishes container port 8080']);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('an explicit 127.0.0.1 without any deployment', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD ["gunicorn", "--bind", "127.0.0.1:8000", "worker:app"]') });
    assert.deepEqual(brief(findings), ['Dockerfile:4:28 port-mismatch gunicorn worker:app listens on 127.0.0.1:8000 inside the container, so nothing outside it can connect']);
    assert.equal(applyAllFixes(fs, findings).get('/repo/Dockerfile'), df('CMD ["gunicorn", "--bind", "0.0.0.0:8000", "worker:app"]'));
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('uvicorn\'s default host, fixed by adding --host', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD uvicorn worker:app') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:1 port-mismatch uvicorn worker:app listens on 127.0.0.1:8000 (uvicorn's default) inside the container, so nothing outside it can connect"]);
    assert.equal(applyAllFixes(fs, findings).get('/repo/Dockerfile'), df('CMD uvicorn worker:app --host 0.0.0.0'));
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('a hard-coded port on Cloud Run: the shell-form fix uses $PORT', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD exec gunicorn --bind 0.0.0.0:8000 worker:app'), 'service.yaml': cloudRun() });
    assert.deepEqual(brief(findings), [
      "Dockerfile:4:26 port-mismatch gunicorn worker:app listens on port 8000, but Cloud Run sends requests and its startup probe to $PORT = 8080 (Cloud Run's default PORT 8080; service.yaml: Cloud Run service w; Dockerfile is the repository's only Dockerfile)",
    ]);
    assert.equal(applyAllFixes(fs, findings).get('/repo/Dockerfile'), df('CMD exec gunicorn --bind 0.0.0.0:$PORT worker:app'));
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('gcloud run deploy --port against uvicorn\'s port', async () => {
    const { findings } = await only({
      Dockerfile: df('CMD ["uvicorn", "worker:app", "--host", "0.0.0.0", "--port", "8080"]'),
      'deploy.sh': 'docker build -t gcr.io/p/worker .\ngcloud run deploy w --image gcr.io/p/worker --port 9000\n',
    });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /listens on port 8080, but Cloud Run sends requests and its startup probe to \$PORT = 9000 \(--port 9000; deploy\.sh line 2: gcloud run deploy w;/);
    assert.equal(findings[0].fixes[0].edits[0].newText, '"9000"');
  });

  it('a named probe port resolves through the container\'s ports', async () => {
    const { findings } = await only({
      Dockerfile: df('CMD ["gunicorn", "-b", "0.0.0.0:8000", "worker:app"]'),
      'k8s.yaml': pod('      ports:\n        - name: http\n          containerPort: 8080\n      startupProbe:\n        httpGet: {path: /, port: http}\n'),
    });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /the startupProbe checks port 8080, containerPort 8080/);
  });

  it('a manifest command that binds loopback is reported at its bind argument, and fixed there', async () => {
    const { fs, findings } = await only({ Dockerfile: df('CMD ["gunicorn", "-b", "0.0.0.0:8080", "worker:app"]'), 'k8s.yaml': pod('      args: ["gunicorn", "-b", "localhost:8080", "worker:app"]\n') });
    assert.deepEqual(brief(findings).map((l) => l.replace(/ listens.*/, '')), ['k8s.yaml:9:33 port-mismatch gunicorn worker:app']);
    assert.equal(applyAllFixes(fs, findings).get('/repo/k8s.yaml'), pod('      args: ["gunicorn", "-b", "0.0.0.0:8080", "worker:app"]\n'));
    assert.deepEqual((await lintRepo(fs)).findings, []);
  });

  it('an EXPOSE mismatch alone is a warning', async () => {
    const { findings } = await only({ Dockerfile: df('CMD ["uvicorn", "worker:app", "--host", "0.0.0.0", "--port", "8000"]', 'EXPOSE 8080\n') });
    assert.deepEqual(findings.map((f) => f.severity), ['warning']);
  });
});

describe('port-mismatch: one finding for an image that several compose files publish (study h10: Kokoro-FastAPI cpu/gpu/rocm)', () => {
  const compose = (svc: string, port: string) => `services:\n  ${svc}:\n    build:\n      context: ..\n    ports: ["${port}:${port}"]\n`;
  it('a loopback bind, published by two compose files: reported once, naming both deployments', async () => {
    const { findings } = await only({ Dockerfile: df('CMD ["gunicorn", "-b", "127.0.0.1:8000", "worker:app"]'), 'cpu/compose.yaml': compose('api', '8000'), 'gpu/compose.yaml': compose('api-gpu', '8000') });
    assert.deepEqual(brief(findings), ['Dockerfile:4:24 port-mismatch gunicorn worker:app listens on 127.0.0.1:8000 inside the container, so nothing outside it can connect; the service publishes container port 8000 in each of 2 deployments: (cpu/compose.yaml: service api; cpu/compose.yaml builds it), (gpu/compose.yaml: service api-gpu; gpu/compose.yaml builds it)']);
  });
  it('another port, published differently: one finding per published port', async () => {
    const { findings } = await only({ Dockerfile: df('CMD ["gunicorn", "-b", "0.0.0.0:8000", "worker:app"]'), 'cpu/compose.yaml': compose('api', '9000'), 'gpu/compose.yaml': compose('api-gpu', '9100') });
    assert.deepEqual(brief(findings), [
      'Dockerfile:4:24 port-mismatch gunicorn worker:app listens on port 8000, but the service publishes container port 9000 (cpu/compose.yaml: service api; cpu/compose.yaml builds it)',
      'Dockerfile:4:24 port-mismatch gunicorn worker:app listens on port 8000, but the service publishes container port 9100 (gpu/compose.yaml: service api-gpu; gpu/compose.yaml builds it)',
    ]);
  });
});
