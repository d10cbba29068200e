// Reads on hostile input: size limit (maxFileSize), binary and non-UTF-8 files, symlinks out of the workspace and loops, YAML alias bombs, a throwing model or rule.
import { strict as assert } from 'assert';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { DiskFileSystem, MemoryFileSystem, ReadResult, toPosix } from '../../server/src/core/fs';
import { lint } from '../../server/src/core/lint';
import type { Rule } from '../../server/src/core/rules';
import { lintRepo, memRepo, ROOT } from '../helpers/repo';

const DF = 'FROM python:3.11\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n';
const notices = (r: { notices: { file?: string; line?: number; message: string }[] }) =>
  r.notices.map((n) => `${n.file ? n.file.replace(ROOT + '/', '') : ''}${n.line !== undefined ? ':' + (n.line + 1) : ''} ${n.message}`);

/** An alias bomb: nine levels of nine references (9^9 nodes if expanded). */
function aliasBomb(indent = ''): string {
  const lines = [`${indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    lines.push(`${indent}${name}: &${name} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  }
  return lines.join('\n');
}

describe('robust: reads', () => {
  it('skip files over maxFileSize (.deploylint.yaml) with a notice, never parsing them', async () => {
    const r = await lintRepo(memRepo({ '.deploylint.yaml': 'maxFileSize: 100\n', Dockerfile: DF, 'app.py': 'import missing_module_x\n' + '#'.repeat(200) + '\n' }));
    assert.deepEqual(notices(r), ['app.py skipped: file larger than 100 bytes (maxFileSize)']);
    assert.deepEqual(r.findings, []);
  });

  it('the default limit is 2 MiB, and an editor setting overrides the file', async () => {
    const fs = memRepo({ Dockerfile: DF, 'app.py': 'x = 1\n' + '#'.repeat(2 * 1024 * 1024) + '\n' });
    assert.deepEqual(notices(await lintRepo(fs)), ['app.py skipped: file larger than 2 MiB (maxFileSize)']);
    assert.deepEqual(notices(await lint({ fs, root: ROOT }, { overrides: { maxFileSize: 4 * 1024 * 1024 } })), ['app.py not scanned for secrets: larger than 1 MiB']);
  });

  it('a bad maxFileSize is a configuration problem', async () => {
    const r = await lintRepo(memRepo({ '.deploylint.yaml': 'maxFileSize: -3\n', Dockerfile: DF, 'app.py': '' }));
    assert.deepEqual(notices(r), [".deploylint.yaml:1 configuration: 'maxFileSize' must be a positive number of bytes"]);
  });

  it('skip binary and non-UTF-8 files with a notice', async () => {
    const fs = memRepo({ Dockerfile: DF });
    fs.write(`${ROOT}/app.py`, Buffer.from('import os\n\x00\x01\x02', 'latin1'));
    fs.write(`${ROOT}/compose.yaml`, Buffer.from('services:\n  caf\xe9: {}\n', 'latin1'));
    const r = await lintRepo(fs);
    assert.deepEqual(notices(r).sort(), ['app.py skipped: binary file', 'compose.yaml skipped: not UTF-8 text']);
  });

  it('do not follow symlinks out of the workspace or in a loop, and say so', async () => {
    const tmp = toPosix(nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-reads-'))));
    try {
      nodeFs.mkdirSync(`${tmp}/outside`);
      nodeFs.mkdirSync(`${tmp}/ws/sub`, { recursive: true });
      nodeFs.writeFileSync(`${tmp}/outside/Dockerfile`, 'FROM python:3.11\nCOPY nothing.py /x/\n');
      nodeFs.symlinkSync(`${tmp}/outside`, `${tmp}/ws/out`);
      nodeFs.symlinkSync(`${tmp}/outside/Dockerfile`, `${tmp}/ws/Dockerfile`);
      nodeFs.symlinkSync(`${tmp}/ws/sub`, `${tmp}/ws/sub/loop`);
      const root = `${tmp}/ws`;
      const r = await lint({ fs: new DiskFileSystem([root]), root });
      assert.deepEqual(r.findings, []);
      assert.deepEqual(r.notices.map((n) => `${n.file!.slice(root.length + 1)} ${n.message}`).sort(), [
        'Dockerfile skipped: broken symlink, unreadable, or outside the workspace',
        'out skipped: broken symlink, unreadable, or outside the workspace',
        'sub/loop skipped: symlink loop or duplicate folder (already walked)',
      ]);
    } finally {
      nodeFs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a Dockerfile that is a symbolic link to another one is linted once (dispatch: Dockerfile -> docker/Dockerfile)', async () => {
    const tmp = toPosix(nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-reads-'))));
    try {
      const root = `${tmp}/ws`;
      nodeFs.mkdirSync(`${root}/docker`, { recursive: true });
      nodeFs.writeFileSync(`${root}/docker/Dockerfile`, 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python", "app.py"]\n');
      nodeFs.symlinkSync('docker/Dockerfile', `${root}/Dockerfile`);
      nodeFs.writeFileSync(`${root}/app.py`, 'import helpers\n');
      nodeFs.writeFileSync(`${root}/helpers.py`, 'x = 1\n');
      const r = await lint({ fs: new DiskFileSystem([root]), root });
      const rel = (f: string) => f.slice(root.length + 1);
      assert.deepEqual(r.findings.map((f) => `${rel(f.file)}:${f.range.start.line + 1} ${f.ruleId} ${f.message}`), [
        "docker/Dockerfile:3 missing-module 'helpers' is imported by /app/app.py but is not in the image: helpers.py is never copied",
      ]);
      assert.deepEqual(r.findings[0].fixes.map((x) => x.title), ["Add 'COPY helpers.py /app/'"]);
      assert.deepEqual(r.notices.map((n) => `${rel(n.file!)} ${n.cause} ${n.message}`), [
        'Dockerfile not-scanned a symbolic link to docker/Dockerfile: linted once, as docker/Dockerfile',
      ]);
      // A compose file that builds through the link keeps the link's path (its context is the compose file's).
      nodeFs.writeFileSync(`${root}/compose.yaml`, 'services:\n  api:\n    build:\n      context: .\n      dockerfile: Dockerfile\n');
      const c = await lint({ fs: new DiskFileSystem([root]), root });
      assert.deepEqual(c.findings.map((f) => `${rel(f.file)}:${f.range.start.line + 1} ${f.ruleId}`), ['Dockerfile:3 missing-module']);
      assert.deepEqual(c.notices.map((n) => `${rel(n.file!)} ${n.message}`), [
        'docker/Dockerfile Dockerfile is a symbolic link to this file: linted once, as Dockerfile (the path a build names)',
        `Dockerfile fix not offered (missing-module): "Add 'COPY helpers.py /app/'": Dockerfile is a symbolic link`,
      ]);
    } finally {
      nodeFs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('YAML alias bombs in compose, Kubernetes, workflow and config files are not expanded', async () => {
    const r = await lintRepo(memRepo({
      Dockerfile: DF, 'app.py': '',
      'compose.yaml': `x-bomb:\n${aliasBomb('  ')}\nservices:\n  api:\n    build:\n      context: .\n      args: *i\n    environment: *i\n    command: *i\n`,
      'k8s.yaml': `${aliasBomb()}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n      args: *i\n      env: *i\n`,
      '.github/workflows/ci.yml': `${aliasBomb()}\njobs:\n  b:\n    steps: *i\n`,
      '.deploylint.yaml': `${aliasBomb()}\nexclude: *i\n`,
    }));
    assert.deepEqual(r.findings, []);
    assert.deepEqual(notices(r), ['.deploylint.yaml:1 configuration: cannot parse: Excessive alias count indicates a resource exhaustion attack']);
  });

  it('a Dockerfile the model throws on becomes one notice naming it; the lint goes on', async () => {
    class Throwing extends MemoryFileSystem {
      override read(path: string): ReadResult {
        if (path === `${ROOT}/svc/.dockerignore`) throw new Error('disk on fire');
        return super.read(path);
      }
    }
    const fs = new Throwing({ [`${ROOT}/svc/Dockerfile`]: DF, [`${ROOT}/svc/app.py`]: '', [`${ROOT}/Dockerfile`]: 'FROM python:3.11\nCOPY missing.py /app/\n' });
    const r = await lint({ fs, root: ROOT }, { rules: [] });
    assert.deepEqual(notices(r), ['svc/Dockerfile internal error while modelling this Dockerfile: disk on fire']);
    assert.deepEqual(r.analysis.targets.map((t) => t.dockerfile), [`${ROOT}/Dockerfile`]);
  });

  it('a rule that throws becomes one internal-error notice naming the rule', async () => {
    const bad: Rule = { id: 'boom', meta: { description: '', severity: 'error', fixable: false, docs: { why: '', bad: '', good: '' } }, check: () => { throw new Error('rule bug'); } };
    const r = await lint({ fs: memRepo({ Dockerfile: DF, 'app.py': '' }), root: ROOT }, { rules: [bad] });
    assert.deepEqual(r.notices.map((n) => n.message.split('\n')[0]), ['internal error in rule boom: Error: rule bug']);
  });
});
