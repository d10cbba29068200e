// The image model in the editor, over stdio: hovers (COPY, command, compose and k8s commands, Python import), document links, definition, CodeLens, explain, image contents, status.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeLens, DocumentLink, Hover, Location } from 'vscode-languageserver-protocol';
import { TestClient } from '../helpers/lsp-client';

const FILES: Record<string, string> = {
  Dockerfile: [
    'FROM python:3.12-slim',
    'WORKDIR /srv',
    'COPY requirements.txt .',
    'RUN pip install -r requirements.txt',
    'COPY app/ ./app/',
    'COPY gunicorn.conf.py docker-entrypoint.sh ./',
    'ENTRYPOINT ["./docker-entrypoint.sh"]',
    'CMD ["gunicorn", "-c", "gunicorn.conf.py", "app.web:application"]',
    '',
  ].join('\n'),
  // Leaves app/jobs.py out: web.py's `from app import jobs` is missing in this image only.
  'worker.Dockerfile': [
    'FROM python:3.12-slim',
    'WORKDIR /srv',
    'COPY requirements.txt .',
    'RUN pip install -r requirements.txt',
    'COPY app/__init__.py app/web.py app/helpers.py ./app/',
    'CMD ["gunicorn", "--bind", "0.0.0.0:8080", "app.web:application"]',
    '',
  ].join('\n'),
  'compose.yaml': [
    'services:',
    '  api:',
    '    build: .',
    '    env_file: .env.api',
    '    command: ["gunicorn", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:9000", "app.web:application"]',
    '',
  ].join('\n'),
  // The worker image is pushed by a script and run by a Kubernetes Deployment that sets command and args.
  'deploy.sh': '#!/bin/sh\ndocker build -f worker.Dockerfile -t registry.example.com/worker .\nkubectl apply -f k8s/worker.yaml\n',
  'k8s/worker.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: worker',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: worker',
    '          image: registry.example.com/worker:1.0',
    '          command: ["gunicorn"]',
    '          args: ["--bind", "0.0.0.0:8080", "--chdir", "/srv", "app.web:application"]',
    '',
  ].join('\n'),
  '.env.api': 'LOG_LEVEL=info\n',
  'docker-entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
  'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\nworkers = 2\n',
  'requirements.txt': 'flask\ngunicorn\n',
  'app/__init__.py': '',
  'app/web.py': 'from flask import Flask\nfrom app import jobs\nfrom .helpers import fmt\n\n\ndef make():\n    return Flask(__name__)\n\n\napplication = make()\n',
  'app/jobs.py': 'import os\n',
  'app/helpers.py': 'def fmt(x):\n    return str(x)\n',
};

const uri = (p: string) => pathToFileURL(p).href;
const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: pos(l1, c1), end: pos(l2, c2) });

describe('language server: the image model in hovers, links, lenses and views', function () {
  let client: TestClient;
  let dir: string;
  const statuses: { state: string; problems?: number }[] = [];
  const at = (rel: string) => uri(path.join(dir, rel));
  const hover = async (rel: string, line: number, ch: number) => {
    const h = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: at(rel) }, position: pos(line, ch) })) as Hover | null;
    return h ? (h.contents as { kind: string; value: string }).value : null;
  };

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-surfaces-')));
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    client = new TestClient();
    const done = new Promise<void>((resolve) => {
      client.conn.onNotification('deploylint/status', (p: { state: string; problems?: number }) => {
        statuses.push(p);
        if (p.state === 'done') resolve();
      });
    });
    const init = (await client.initialize(uri(dir))) as { capabilities: Record<string, unknown> };
    assert.deepEqual(
      [init.capabilities.hoverProvider, init.capabilities.documentLinkProvider, init.capabilities.definitionProvider, init.capabilities.codeLensProvider],
      [true, { resolveProvider: false }, true, { resolveProvider: false }],
    );
    await client.waitFor(() => client.diagnostics.has(at('worker.Dockerfile')), 'first lint');
    await done;
  });
  after(async () => {
    await client?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the lint through deploylint/status and logs the version and the contexts chosen', () => {
    assert.deepEqual(statuses.slice(0, 2), [{ state: 'linting' }, { state: 'done', problems: 2 }]);
    const log = client.logs.find((l) => l.startsWith('deploylint 0.'));
    assert.ok(log, client.logs.join('\n'));
    assert.deepEqual(log!.split('\n').slice(1), ['  context of Dockerfile: . (compose, from compose.yaml)', '  context of worker.Dockerfile: . (script, from deploy.sh)']);
  });

  it('hovers a COPY with the files it brings and where they land', async () => {
    assert.equal(
      await hover('Dockerfile', 4, 1),
      '**COPY** brings 4 files into the final stage at `/srv/app`:\n- `/srv/app/__init__.py` ← `app/__init__.py`\n- `/srv/app/helpers.py` ← `app/helpers.py`\n- `/srv/app/jobs.py` ← `app/jobs.py`\n- `/srv/app/web.py` ← `app/web.py`',
    );
    assert.equal(await hover('Dockerfile', 2, 8), '**COPY** brings 1 file into the final stage at `/srv`:\n- `/srv/requirements.txt` ← `requirements.txt`');
    assert.equal(await hover('Dockerfile', 3, 3), null, 'RUN: nothing to say');
  });

  it('hovers the CMD, the ENTRYPOINT and the compose command with module file, callable, sys.path and listen address', async () => {
    const body = (listen: string) => [
      '- module file: `/srv/app/web.py` ← `app/web.py`',
      '- callable: `application` (defined at app/web.py:10)',
      '- sys.path: `/srv`',
      `- listens on: ${listen}`,
      '- imports 4 local modules · 0 missing',
      '- startup ≈ 0 s',
    ].join('\n');
    const image = `**gunicorn app.web:application** in Dockerfile @ docker run\n${body('0.0.0.0:8000')}`;
    const compose = `**gunicorn app.web:application** in Dockerfile @ compose.yaml: service api\n${body('0.0.0.0:9000')}`;
    // compose replaces the CMD, keeps the ENTRYPOINT: the CMD runs only in the bare image, the ENTRYPOINT in both.
    assert.equal(await hover('Dockerfile', 7, 1), image);
    assert.equal(await hover('Dockerfile', 6, 1), `${image}\n\n---\n\n${compose}`);
    assert.equal(await hover('compose.yaml', 4, 20), compose);
    // A Kubernetes command and args: both lines answer for the container they define.
    const k8s = '**gunicorn app.web:application** in worker.Dockerfile @ k8s/worker.yaml: Deployment worker, container worker\n- module file: `/srv/app/web.py` ← `app/web.py`\n- callable: `application` (defined at app/web.py:10)\n- sys.path: `/srv`\n- listens on: 0.0.0.0:8080\n- imports 3 local modules · 1 missing: `app.jobs`\n- startup ≈ 0 s';
    assert.equal(await hover('k8s/worker.yaml', 10, 22), k8s);
    assert.equal(await hover('k8s/worker.yaml', 11, 40), k8s);
    assert.equal(await hover('k8s/worker.yaml', 9, 22), null, 'the image line is no command');
    assert.equal(
      await hover('worker.Dockerfile', 5, 10),
      '**gunicorn app.web:application** in worker.Dockerfile @ docker run\n- module file: `/srv/app/web.py` ← `app/web.py`\n- callable: `application` (defined at app/web.py:10)\n- sys.path: `/srv`\n- listens on: 0.0.0.0:8080\n- imports 3 local modules · 1 missing: `app.jobs`\n- startup ≈ 0 s',
    );
  });

  it('hovers a Python import with where it resolves in each image that loads the file', async () => {
    assert.equal(
      await hover('app/web.py', 1, 16),
      '**import `app.jobs`** in the images that load this file:\n- Dockerfile @ docker run: `/srv/app/jobs.py` ← `app/jobs.py`\n- Dockerfile @ compose.yaml: service api: `/srv/app/jobs.py` ← `app/jobs.py`\n- worker.Dockerfile @ docker run: missing in this image: \'app.jobs\' is not found on sys.path (/srv)\n- worker.Dockerfile @ k8s/worker.yaml: Deployment worker, container worker: missing in this image: \'app.jobs\' is not found on sys.path (/srv)',
    );
    assert.equal(
      await hover('app/web.py', 2, 8),
      '**import `.helpers`** in the images that load this file:\n- Dockerfile @ docker run: `/srv/app/helpers.py` ← `app/helpers.py`\n- Dockerfile @ compose.yaml: service api: `/srv/app/helpers.py` ← `app/helpers.py`\n- worker.Dockerfile @ docker run: `/srv/app/helpers.py` ← `app/helpers.py`\n- worker.Dockerfile @ k8s/worker.yaml: Deployment worker, container worker: `/srv/app/helpers.py` ← `app/helpers.py`',
    );
    assert.equal(
      await hover('app/web.py', 0, 8),
      '**import `flask`** in the images that load this file:\n- Dockerfile @ docker run: a declared or installed dependency (site-packages, not modelled)\n- Dockerfile @ compose.yaml: service api: a declared or installed dependency (site-packages, not modelled)\n- worker.Dockerfile @ docker run: a declared or installed dependency (site-packages, not modelled)\n- worker.Dockerfile @ k8s/worker.yaml: Deployment worker, container worker: a declared or installed dependency (site-packages, not modelled)',
    );
    assert.equal(await hover('app/web.py', 6, 8), null, 'not an import');
    assert.equal(await hover('gunicorn.conf.py', 0, 1), null, 'a file no image imports');
  });

  it('links COPY sources, the target, gunicorn -c, the entrypoint script and env_file', async () => {
    const links = async (rel: string) => ((await client.conn.sendRequest('textDocument/documentLink', { textDocument: { uri: at(rel) } })) as DocumentLink[]).map((l) => [l.range, l.target!.slice(uri(dir).length + 1), l.tooltip]);
    assert.deepEqual(await links('Dockerfile'), [
      [range(2, 5, 2, 21), 'requirements.txt', 'requirements.txt (build context)'],
      [range(5, 5, 5, 21), 'gunicorn.conf.py', 'gunicorn.conf.py (build context)'],
      [range(5, 22, 5, 42), 'docker-entrypoint.sh', 'docker-entrypoint.sh (build context)'],
      [range(6, 15, 6, 35), 'docker-entrypoint.sh', 'docker-entrypoint.sh (script, /srv/docker-entrypoint.sh in the image)'],
      [range(7, 24, 7, 40), 'gunicorn.conf.py', 'gunicorn.conf.py (gunicorn config, /srv/gunicorn.conf.py in the image)'],
      [range(7, 43, 7, 64), 'app/web.py#L10', 'app/web.py (/srv/app/web.py in the image)'],
    ]);
    assert.deepEqual(await links('compose.yaml'), [
      [range(3, 14, 3, 22), '.env.api', '.env.api (env_file)'],
      [range(4, 33, 4, 49), 'gunicorn.conf.py', 'gunicorn.conf.py (gunicorn config, /srv/gunicorn.conf.py in the image)'],
      [range(4, 79, 4, 98), 'app/web.py#L10', 'app/web.py (/srv/app/web.py in the image)'],
    ]);
    assert.deepEqual(await links('k8s/worker.yaml'), [[range(11, 63, 11, 82), 'app/web.py#L10', 'app/web.py (/srv/app/web.py in the image)']]);
  });

  it('jumps from the target to the callable', async () => {
    const def = (await client.conn.sendRequest('textDocument/definition', { textDocument: { uri: at('Dockerfile') }, position: pos(7, 55) })) as Location;
    assert.deepEqual(def, { uri: at('app/web.py'), range: range(9, 0, 9, 20) });
    const fromCompose = (await client.conn.sendRequest('textDocument/definition', { textDocument: { uri: at('compose.yaml') }, position: pos(4, 85) })) as Location;
    assert.deepEqual(fromCompose, def);
    assert.equal(await client.conn.sendRequest('textDocument/definition', { textDocument: { uri: at('Dockerfile') }, position: pos(7, 2) }), null);
  });

  it('puts a CodeLens above each command and deployment, and explains that container on request', async () => {
    const lenses = async (rel: string) => ((await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: at(rel) } })) as CodeLens[]).map((l) => [l.range.start, l.command!.title, l.command!.command, l.command!.arguments]);
    assert.deepEqual(await lenses('Dockerfile'), [[pos(7, 0), 'imports 4 local modules · 0 missing · startup ≈ 0 s', 'deploylint.explainContainer', [at('Dockerfile'), 'Dockerfile @ docker run']]]);
    assert.deepEqual(await lenses('worker.Dockerfile'), [[pos(5, 0), 'imports 3 local modules · 1 missing · startup ≈ 0 s', 'deploylint.explainContainer', [at('worker.Dockerfile'), 'worker.Dockerfile @ docker run']]]);
    assert.deepEqual(await lenses('k8s/worker.yaml'), [[pos(10, 19), 'imports 3 local modules · 1 missing · startup ≈ 0 s', 'deploylint.explainContainer', [at('k8s/worker.yaml'), 'worker.Dockerfile @ k8s/worker.yaml: Deployment worker, container worker']]]);
    assert.deepEqual(await lenses('compose.yaml'), [[pos(4, 13), 'imports 4 local modules · 0 missing · startup ≈ 0 s', 'deploylint.explainContainer', [at('compose.yaml'), 'Dockerfile @ compose.yaml: service api']]]);
    const text = (await client.conn.sendRequest('deploylint/explain', { uri: at('worker.Dockerfile'), id: 'worker.Dockerfile @ docker run' })) as string;
    const lines = text.split('\n');
    assert.equal(lines[0], 'worker.Dockerfile @ docker run');
    assert.ok(lines.includes('  runs: gunicorn app.web:application'), text);
    assert.ok(lines.includes("    'app.jobs' imported at app/web.py:2: not found on sys.path"), text);
    assert.equal(await client.conn.sendRequest('deploylint/explain', { uri: at('Dockerfile'), id: 'no such container' }), null);
  });

  it('lists each image\'s files with the instruction that put them there, and what its containers miss', async () => {
    const items = (await client.conn.sendRequest('deploylint/imageContents', { uri: at('worker.Dockerfile') })) as { uri: string; label: string; stages: { label: string; line: number; truncated: boolean; files: { image: string; source?: string; sourceUri?: string; instruction: string; line: number }[]; containers: unknown[] }[] }[];
    assert.equal(items.length, 1);
    assert.equal(items[0].uri, at('worker.Dockerfile'));
    assert.equal(items[0].label, 'worker.Dockerfile');
    const [stage] = items[0].stages;
    assert.deepEqual([stage.label, stage.line, stage.truncated], ['the final stage: FROM python:3.12-slim', 0, false]);
    const copy = 'COPY app/__init__.py app/web.py app/helpers.py ./app/';
    assert.deepEqual(stage.files.map((f) => [f.image, f.source, f.instruction, f.line]), [
      ['/srv/app/__init__.py', 'app/__init__.py', copy, 4],
      ['/srv/app/helpers.py', 'app/helpers.py', copy, 4],
      ['/srv/app/web.py', 'app/web.py', copy, 4],
      ['/srv/requirements.txt', 'requirements.txt', 'COPY requirements.txt .', 2],
    ]);
    assert.equal(stage.files[0].sourceUri, at('app/__init__.py'));
    assert.deepEqual(stage.containers, [
      { id: 'worker.Dockerfile @ docker run', runs: 'gunicorn app.web:application', missing: ['app.jobs'] },
      { id: 'worker.Dockerfile @ k8s/worker.yaml: Deployment worker, container worker', runs: 'gunicorn app.web:application', missing: ['app.jobs'] },
    ]);
    const all = (await client.conn.sendRequest('deploylint/imageContents', {})) as { label: string }[];
    assert.deepEqual(all.map((x) => x.label), ['Dockerfile', 'worker.Dockerfile']);
  });

  it('follows edits: a hover reflects the buffer after the next lint, and bad positions answer null', async () => {
    const df = path.join(dir, 'worker.Dockerfile');
    const text = FILES['worker.Dockerfile'].replace('app/helpers.py ./app/', 'app/helpers.py app/jobs.py ./app/');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(df), languageId: 'dockerfile', version: 1, text } });
    await client.waitFor(() => client.diagnostics.get(uri(df))?.length === 0, 'missing module fixed in the buffer');
    assert.match((await hover('worker.Dockerfile', 5, 10))!, /- imports 4 local modules · 0 missing\n/);
    assert.equal(await hover('worker.Dockerfile', 99, 0), null);
    assert.equal(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: pos(0, 0) }), null);
    assert.deepEqual(await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: uri('/elsewhere/Dockerfile') } }), []);
  });
});
