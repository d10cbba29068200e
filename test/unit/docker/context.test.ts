// Build-context resolution: config, compose, workflows and scripts, else the nearest ancestor where the COPY sources exist.
import { strict as assert } from 'assert';
import { analyse } from '../../../server/src/core/analysis';
import { defaultConfig } from '../../../server/src/core/config';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { BuildContext } from '../../../server/src/core/docker/context';
import { buildImageModel } from '../../../server/src/core/docker/image';
import { parseDockerfile } from '../../../server/src/core/docker/parse';
import { DiskFileSystem, toPosix } from '../../../server/src/core/fs';
import { memRepo, ROOT } from '../../helpers/repo';

function contexts(files: Record<string, string>, config = defaultConfig()): string[] {
  const a = analyse(memRepo(files), ROOT, config);
  return a.targets.map((t) => `${a.rel(t.dockerfile)} -> ${a.rel(t.context.root) || '.'} (${t.context.how}${t.context.evidence ? ' ' + a.rel(t.context.evidence) : ''})`);
}

const SRC = { 'predictions/worker/worker.py': '', 'shared/__init__.py': '' };
const DF = 'FROM python:3.11\nCOPY predictions/worker/worker.py /app/\nCOPY shared/ /app/shared/\n';

describe('build contexts', () => {
  it('infers the nearest ancestor where the COPY sources exist', () => {
    assert.deepEqual(contexts({ ...SRC, 'docker/worker.Dockerfile': DF, 'svc/Dockerfile': 'FROM python:3.11\nCOPY main.py /app/\n', 'svc/main.py': '' }), [
      'docker/worker.Dockerfile -> . (inferred)',
      'svc/Dockerfile -> svc (inferred)',
    ]);
  });

  it('uses the Dockerfile folder when nothing is copied', () => {
    assert.deepEqual(contexts({ 'a/b/Dockerfile': 'FROM python:3.11\nRUN true\n' }), ['a/b/Dockerfile -> a/b (dockerfile-folder)']);
  });

  it('takes compose build.context and build.dockerfile (relative to the context), with args and target', () => {
    const a = analyse(memRepo({
      ...SRC,
      'deploy/compose.yaml': 'services:\n  worker:\n    build:\n      context: ..\n      dockerfile: docker/worker.Dockerfile\n      args:\n        - SRC=predictions\n      target: final\n',
      'docker/worker.Dockerfile': 'FROM python:3.11 AS final\nARG SRC\nCOPY $SRC/worker/worker.py /app/\n',
    }), ROOT, defaultConfig());
    const t = a.targets[0];
    assert.deepEqual([a.rel(t.context.root), t.context.how, a.rel(t.context.evidence!), t.context.buildArgs, t.context.target], ['', 'compose', 'deploy/compose.yaml', { SRC: 'predictions' }, 'final']);
    assert.deepEqual(t.model.final!.copies[0].sources.map((s) => [s.path, s.status]), [['predictions/worker/worker.py', 'ok']]);
  });

  it('takes `docker build -f X CTX` from workflows and scripts', () => {
    assert.deepEqual(contexts({
      ...SRC,
      'docker/worker.Dockerfile': DF,
      'ops/api/Dockerfile': 'FROM python:3.11\nCOPY app.py /app/\n',
      'ops/api/app.py': '',
      '.github/workflows/deploy.yml': 'jobs:\n  build:\n    steps:\n      - run: |\n          docker build \\\n            -f docker/worker.Dockerfile \\\n            -t worker .\n',
      'ops/api/build.sh': '#!/bin/sh\ndocker build -t api .\n',
    }), [
      'docker/worker.Dockerfile -> . (script .github/workflows/deploy.yml)',
      'ops/api/Dockerfile -> ops/api (script ops/api/build.sh)',
    ]);
  });

  it('lets .deploylint.yaml contexts win over everything', () => {
    const cfg = { ...defaultConfig(), contexts: { 'docker/worker.Dockerfile': 'predictions' } };
    assert.deepEqual(contexts({ ...SRC, 'docker/worker.Dockerfile': DF }, cfg), ['docker/worker.Dockerfile -> predictions (config .deploylint.yaml)']);
  });

  it('discovers every Dockerfile naming convention and skips dependency folders', () => {
    const files = Object.fromEntries(['Dockerfile', 'api.Dockerfile', 'Dockerfile.prod', 'Containerfile', 'x/app.dockerfile', 'node_modules/p/Dockerfile', '.venv/Dockerfile', 'Dockerfile.dockerignore', 'docs/Dockerfile.md'].map((f) => [f, 'FROM python:3.11\n']));
    const a = analyse(memRepo(files), ROOT, defaultConfig());
    assert.deepEqual(a.files.dockerfiles.map((f) => a.rel(f)), ['Containerfile', 'Dockerfile', 'Dockerfile.prod', 'api.Dockerfile', 'x/app.dockerfile']);
  });
});

describe('build contexts outside the workspace', () => {
  it('skips the Dockerfile with a notice instead of reporting every source as missing', () => {
    const a = analyse(memRepo({ 'svc/Dockerfile': 'FROM python:3.11\nCOPY shared/ /app/\n', 'svc/compose.yaml': 'services:\n  s:\n    build:\n      context: ../..\n      dockerfile: repo/svc/Dockerfile\n' }), ROOT, defaultConfig());
    assert.deepEqual(a.targets, []);
    assert.deepEqual(a.notices.map((n) => `${a.rel(n.file!)}: ${n.message}`), ['svc/Dockerfile: skipped: its build context / is outside the workspace']);
  });
});

describe('symlinks in the build context', () => {
  it('are not followed inside copied folders (Docker sends links as links), so a loop ends the walk', () => {
    const dir = toPosix(nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-links-'))));
    try {
      nodeFs.mkdirSync(`${dir}/app/loop`, { recursive: true });
      nodeFs.writeFileSync(`${dir}/app/main.py`, '');
      nodeFs.symlinkSync(`${dir}/app`, `${dir}/app/loop/again`);
      const fs = new DiskFileSystem([dir]);
      const m = buildImageModel(`${dir}/Dockerfile`, parseDockerfile('FROM python:3.11\nCOPY app/ /srv/\n'), BuildContext.load(fs, dir));
      assert.deepEqual(m.final!.tree.walk('/srv'), ['/srv/main.py']);
    } finally {
      nodeFs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an excluded folder a `!` pattern cannot or does not re-include anything from', () => {
  const ctx = (ignore: string) => new BuildContext(memRepo({ 'utils/__init__.py': '', 'utils/conv.py': '', 'utils/deep/x.py': '', 'app.py': '' }), ROOT, ROOT + '/.dockerignore', ignore.split('\n').map((pattern, line) => ({ pattern, line })));
  const seen = (c: BuildContext) => ['app.py', 'utils', 'utils/__init__.py', 'utils/conv.py', 'utils/deep', 'utils/deep/x.py'].map((p) => `${p}:${c.stat(p) ?? '-'}`);

  it('is not in the context, not even empty (BuildKit sends an excluded folder only with something re-included below it)', () => {
    // `*` does not cross '/': `!*.py` re-includes top-level names only.
    assert.deepEqual(seen(ctx('**\n!*.py')), ['app.py:file', 'utils:-', 'utils/__init__.py:-', 'utils/conv.py:-', 'utils/deep:-', 'utils/deep/x.py:-']);
    // A `!` pattern that could reach into utils/ but matches nothing there.
    assert.deepEqual(seen(ctx('**\n!*.py\n!utils/*.txt')), ['app.py:file', 'utils:-', 'utils/__init__.py:-', 'utils/conv.py:-', 'utils/deep:-', 'utils/deep/x.py:-']);
  });

  it('is there, holding just what is re-included, when a `!` pattern matches a path below it', () => {
    assert.deepEqual(seen(ctx('**\n!*.py\n!utils/conv.py')), ['app.py:file', 'utils:dir', 'utils/__init__.py:-', 'utils/conv.py:file', 'utils/deep:-', 'utils/deep/x.py:-']);
    assert.deepEqual(seen(ctx('**\n!**/x.py')), ['app.py:-', 'utils:dir', 'utils/__init__.py:-', 'utils/conv.py:-', 'utils/deep:dir', 'utils/deep/x.py:file']);
    assert.deepEqual(seen(ctx('*\n!utils')), ['app.py:-', 'utils:dir', 'utils/__init__.py:file', 'utils/conv.py:file', 'utils/deep:dir', 'utils/deep/x.py:file']);
  });
});
