// memory-limit-too-low: limits per platform against the import-time memory estimate; silence when the limit suffices, the load is lazy or the image is uncertain; fixes that clear it.
import { strict as assert } from 'assert';
import { explain } from '../../server/src/core/runtime/explain';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const TORCH = 'import torch\nfrom flask import Flask\napp = Flask(__name__)\nmodel = torch.load("weights.pt")\n';
const LAZY = 'from flask import Flask\napp = Flask(__name__)\ndef model():\n    import torch\n    return torch.load("weights.pt")\n';
const GUARDED = 'from flask import Flask\ntry:\n    import torch\nexcept ImportError:\n    torch = None\napp = Flask(__name__)\n';
const ST = 'from fastapi import FastAPI\nfrom sentence_transformers import CrossEncoder, SentenceTransformer\napp = FastAPI()\nencoder = SentenceTransformer("all-MiniLM-L6-v2")\nranker = CrossEncoder("ms-marco-MiniLM-L-6-v2")\n';
const REQ = 'flask\ngunicorn\ntorch\nfastapi\nuvicorn\nsentence-transformers\n';
const GUNICORN = (opts = '') => `FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD exec gunicorn --bind :$PORT${opts} app:app\n`;
const UVICORN = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD exec uvicorn app:app --host 0.0.0.0 --port $PORT\n';

/** A Deployment whose one container has the given `resources:` body lines (at the resources' child column). */
const k8s = (resources: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n          image: gcr.io/p/w:1\n${resources ? `          resources:\n${resources}` : ''}`;
const limits = (memory: string, request?: string) => `${request ? `            requests:\n              memory: ${request}\n` : ''}            limits:\n              memory: ${memory}\n`;
const compose = (lines: string) => `services:\n  w:\n    build: .\n${lines}`;

async function only(files: Record<string, string>) {
  const fs = memRepo({ 'requirements.txt': REQ, ...files });
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'memory-limit-too-low') };
}

async function clearsAfterFix(fs: ReturnType<typeof memRepo>, findings: Awaited<ReturnType<typeof only>>['findings']) {
  const changed = applyAllFixes(fs, findings);
  assert.ok(changed.size > 0, 'a fix was applied');
  assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'memory-limit-too-low')), []);
  return changed;
}

describe('rule memory-limit-too-low', () => {
  const valid: [string, Record<string, string>][] = [
    ['a generous limit', { 'app.py': TORCH, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(limits('2Gi')) }],
    ['a request below a generous limit', { 'app.py': TORCH, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(limits('2Gi', '128Mi')) }],
    ['no limit at all on Kubernetes', { 'app.py': TORCH, Dockerfile: GUNICORN(), 'k8s.yaml': k8s('            requests:\n              memory: 128Mi\n') }],
    ['a lazy import and load (inside a function)', { 'app.py': LAZY, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(limits('128Mi')) }],
    ['a guarded import is not counted', { 'app.py': GUARDED, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(limits('64Mi')) }],
    ['--preload loads the app once: 4 workers fit in 1Gi', { 'app.py': TORCH, Dockerfile: GUNICORN(' --workers 4 --preload'), 'k8s.yaml': k8s(limits('1Gi')) }],
    ['an unknown base image', { 'app.py': TORCH, Dockerfile: GUNICORN().replace('python:3.11-slim', 'registry.example.com/ml/base:3'), 'k8s.yaml': k8s(limits('128Mi')) }],
    ['a templated limit is not read', { 'app.py': TORCH, Dockerfile: GUNICORN(), 'compose.yaml': compose('    mem_limit: ${API_MEMORY:-256m}\n') }],
    ['gcloud run deploy without --memory keeps the service\'s limit', { 'app.py': ST, Dockerfile: UVICORN, 'deploy.sh': 'gcloud run deploy w --image gcr.io/p/w --region europe-west1\n' }],
    ['a compose limit above the estimate', { 'app.py': TORCH, Dockerfile: GUNICORN(), 'compose.yaml': compose('    mem_limit: 1g\n') }],
    ['a Cloud Run service YAML without a limit whose app fits in the default 512 MiB', { 'app.py': TORCH, Dockerfile: UVICORN, 'service.yaml': 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/w\n' }],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => assert.deepEqual(brief((await only(files)).findings), []));
  }

  it('Kubernetes: workers without --preload multiply the app; the fix raises the limit in Mi/Gi', async () => {
    const { fs, findings } = await only({ 'app.py': TORCH, Dockerfile: GUNICORN(' --workers 4'), 'k8s.yaml': k8s(limits('1Gi', '512Mi')) });
    assert.deepEqual(brief(findings), [
      "k8s.yaml:15:23 memory-limit-too-low memory limit 1Gi (resources.limits.memory) < ~1.3 GiB needed at import: 4 gunicorn workers without --preload, each importing the app (copy-on-write sharing not counted): 4 x (python 8 MiB + numpy 13 MiB + torch 195 MiB + flask 16 MiB + torch.load model 100 MiB (modelMemoryMB)); the kernel OOM-kills the container (OOMKilled) before it serves (k8s.yaml: Deployment w, container w; Dockerfile is the repository's only Dockerfile)",
    ]);
    assert.deepEqual(findings[0].related.map((r) => r.message), [
      'the container runs gunicorn app:app',
      'app.py imports torch at module level (numpy 13 MiB + torch 195 MiB)',
      'app.py imports flask at module level (~16 MiB)',
      'app.py loads a model at import (torch.load, ~100 MiB, modelMemoryMB)',
    ]);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Raise the memory limit to 2Gi']);
    const after = (await clearsAfterFix(fs, findings)).get('/repo/k8s.yaml')!;
    assert.match(after, / {12}requests:\n {14}memory: 512Mi\n {12}limits:\n {14}memory: 2Gi\n/);
  });

  it('Kubernetes: `m` is milli, said in the message', async () => {
    const { findings } = await only({ 'app.py': TORCH, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(limits('512m')) });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^memory limit 512m \(resources\.limits\.memory\) < ~332 MiB needed at import: .*; note that `m` is milli: 512m is 0\.512 bytes, not mebibytes \(Mi\) \(k8s\.yaml/);
    assert.equal(findings[0].fixes[0].edits[0].newText, '512Mi');
  });

  it('Kubernetes: decimal units stay decimal', async () => {
    const { fs, findings } = await only({ 'app.py': TORCH, Dockerfile: GUNICORN(), 'k8s.yaml': k8s(limits('300M')) });
    assert.equal(findings[0].fixes[0].edits[0].newText, '500M');
    await clearsAfterFix(fs, findings);
  });

  it('compose: mem_limit and deploy.resources.limits.memory both set: the smaller is reported, both raised; a reservation above the new limit comes down to it', async () => {
    const { fs, findings } = await only({
      'app.py': TORCH, Dockerfile: GUNICORN(),
      'compose.yaml': compose('    mem_limit: 256m\n    mem_reservation: 1g\n    deploy:\n      resources:\n        limits:\n          memory: 300M\n'),
    });
    assert.deepEqual(brief(findings), [
      "compose.yaml:4:16 memory-limit-too-low memory limit 256m (mem_limit) < ~332 MiB needed at import: python 8 MiB + numpy 13 MiB + torch 195 MiB + flask 16 MiB + torch.load model 100 MiB (modelMemoryMB); the container is OOM-killed (exit 137) before it serves (compose.yaml: service w; compose.yaml builds it)",
    ]);
    const after = (await clearsAfterFix(fs, findings)).get('/repo/compose.yaml')!;
    assert.equal(after, compose('    mem_limit: 512m\n    mem_reservation: 512m\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n'));
  });

  it('Cloud Run: gcloud run deploy --memory 512Mi', async () => {
    const { fs, findings } = await only({ 'app.py': ST, Dockerfile: UVICORN, 'deploy.sh': 'gcloud run deploy w \\\n  --image gcr.io/p/w \\\n  --memory 512Mi\n' });
    assert.deepEqual(brief(findings), [
      "deploy.sh:3:12 memory-limit-too-low memory limit 512Mi (--memory) < ~563 MiB needed at import: python 8 MiB + pydantic 6 MiB + fastapi 13 MiB + numpy 13 MiB + torch 195 MiB (via transformers) + sentence_transformers 128 MiB + SentenceTransformer model 100 MiB (modelMemoryMB) + CrossEncoder model 100 MiB (modelMemoryMB); Cloud Run terminates the instance (memory limit exceeded) before it serves (deploy.sh line 1: gcloud run deploy w; Dockerfile is the repository's only Dockerfile)",
    ]);
    const after = (await clearsAfterFix(fs, findings)).get('/repo/deploy.sh')!;
    assert.equal(after, 'gcloud run deploy w \\\n  --image gcr.io/p/w \\\n  --memory 768Mi\n');
  });

  it('Cloud Run: a service YAML without a limit gets the 512 MiB default; the fix adds resources.limits.memory', async () => {
    const service = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/w\n          ports:\n            - containerPort: 8080\n';
    const { fs, findings } = await only({ 'app.py': ST, Dockerfile: UVICORN, 'service.yaml': service });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^memory limit 512 MiB \(Cloud Run's default: no resources\.limits\.memory\) < ~563 MiB needed at import: /);
    assert.equal(brief(findings)[0].split(' ')[0], 'service.yaml:9:11');
    const after = (await clearsAfterFix(fs, findings)).get('/repo/service.yaml')!;
    assert.match(after, /        - image: gcr.io\/p\/w\n          resources:\n            limits:\n              memory: 768Mi\n          ports:\n/);
  });

  it('Cloud Run: a limit under an existing limits: mapping (cpu only) is added there', async () => {
    const service = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/w\n          resources:\n            limits:\n              cpu: "2"\n';
    const { fs, findings } = await only({ 'app.py': ST, Dockerfile: UVICORN, 'service.yaml': service });
    const after = (await clearsAfterFix(fs, findings)).get('/repo/service.yaml')!;
    assert.match(after, /            limits:\n              memory: 768Mi\n              cpu: "2"\n/);
  });

  it('Cloud Run: above 4 GiB it needs 2 CPUs: no fix while the CPU limit is 1, a fix with --cpu 2', async () => {
    const cfg = { '.deploylint.yaml': 'modelMemoryMB: 2000\n' };
    const one = await only({ ...cfg, 'app.py': ST, Dockerfile: UVICORN, 'deploy.sh': 'gcloud run deploy w --image gcr.io/p/w --memory 2Gi\n' });
    assert.equal(one.findings.length, 1);
    assert.match(one.findings[0].message, /< ~4\.3 GiB needed at import: .*SentenceTransformer model 2 GiB \(modelMemoryMB\).*; above 4 GiB Cloud Run needs at least 2 CPUs \(deploy\.sh/);
    assert.deepEqual(one.findings[0].fixes, []);
    const two = await only({ ...cfg, 'app.py': ST, Dockerfile: UVICORN, 'deploy.sh': 'gcloud run deploy w --image gcr.io/p/w --memory 2Gi --cpu 2\n' });
    assert.deepEqual(two.findings[0].fixes.map((f) => f.title), ['Raise the memory limit to 6Gi']);
    await clearsAfterFix(two.fs, two.findings);
  });

  it('--explain says what the estimate is judged against, or why it is not', async () => {
    const memoryOf = async (files: Record<string, string>, file: string) => {
      const fs = memRepo({ 'requirements.txt': REQ, ...files });
      const r = await lintRepo(fs);
      return explain(r.analysis, `/repo/${file}`).map((x) => x.memory);
    };
    assert.deepEqual(await memoryOf({ 'app.py': ST, Dockerfile: UVICORN, 'deploy.sh': 'gcloud run deploy w --image gcr.io/p/w\n' }, 'deploy.sh'), [
      "~563 MiB at import: python 8 MiB + pydantic 6 MiB + fastapi 13 MiB + numpy 13 MiB + torch 195 MiB (via transformers) + sentence_transformers 128 MiB + SentenceTransformer model 100 MiB (modelMemoryMB) + CrossEncoder model 100 MiB (modelMemoryMB); not judged: without --memory, gcloud run deploy keeps the service's previous limit",
    ]);
    const unknown = await memoryOf({ 'app.py': TORCH, Dockerfile: GUNICORN().replace('python:3.11-slim', 'registry.example.com/ml/base:3'), 'k8s.yaml': k8s(limits('128Mi')) }, 'k8s.yaml');
    assert.match(unknown[0]!, /; not judged: the base image is unknown \(it may set its own workers and Python\)$/);
  });
});
