// LintSession: a re-lint that reuses the last lint's results gives exactly what a fresh lint gives, after every kind of edit; and it reruns only what the edit touched.
import { strict as assert } from 'assert';
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { lint, LintResult } from '../../server/src/core/lint';
import { LintSession } from '../../server/src/core/session';
import { RetainedFileSystem } from '../../server/src/core/retained-fs';
import { OverlayFileSystem } from '../../server/src/core/fs';
import type { MemoryFileSystem } from '../../server/src/core/fs';
import { applyAllFixes, brief, loadFixture, memRepo, ROOT } from '../helpers/repo';

/** Everything a caller sees of a lint except the analysis object. */
function outcome(r: LintResult): string {
  return JSON.stringify({ findings: r.findings, notices: r.notices });
}

const read = (fs: MemoryFileSystem, rel: string) => {
  const r = fs.read(`${ROOT}/${rel}`);
  return 'text' in r ? r.text : '';
};

const REPO = {
  'svc/app.py': 'from flask import Flask\nfrom helpers import greet\nfrom shared.util import VALUE\n\napp = Flask(__name__)\n',
  'svc/helpers.py': 'def greet():\n    return "hi"\n',
  'shared/__init__.py': '',
  'shared/util.py': 'VALUE = 1\n',
  'requirements.txt': 'flask\ngunicorn\n',
  Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY svc/app.py /app/\nCOPY shared/ /app/shared/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n',
  '.dockerignore': '.git\n',
  'compose.yaml': 'services:\n  web:\n    build: .\n    ports: ["8080:8080"]\n',
  'notes/readme.txt': 'nothing here\n',
  'tools/seed.py': 'print("seed")\n',
};

const MISSING_HELPERS = "Dockerfile:5:1 missing-module 'helpers' is imported by /app/app.py but is not in the image: svc/helpers.py is never copied";

/** Edits of every kind the engine reads, each applied to the repo above, in sequence. */
const EDITS: { name: string; apply: (fs: MemoryFileSystem) => void; findings?: string[] }[] = [
  { name: 'unrelated file', apply: (fs) => fs.write(`${ROOT}/notes/readme.txt`, 'still nothing\n'), findings: [MISSING_HELPERS] },
  {
    name: 'Python: a secret in a closure file',
    apply: (fs) => fs.write(`${ROOT}/shared/util.py`, 'VALUE = 1\nOPENAI_API_KEY = "sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678Stu901"\n'),
  },
  { name: 'Python: body edit', apply: (fs) => fs.write(`${ROOT}/svc/helpers.py`, 'def greet():\n    return "hello"\n') },
  { name: 'Python: new import of a local module', apply: (fs) => fs.write(`${ROOT}/svc/app.py`, read(fs, 'svc/app.py').replace('from helpers', 'import extra\nfrom helpers')) },
  { name: 'new file the import finds', apply: (fs) => fs.write(`${ROOT}/svc/extra.py`, 'X = 1\n') },
  { name: 'Dockerfile: copy the service folder', apply: (fs) => fs.write(`${ROOT}/Dockerfile`, read(fs, 'Dockerfile').replace('COPY svc/app.py /app/', 'COPY svc/ /app/')) },
  { name: '.dockerignore drops a module', apply: (fs) => fs.write(`${ROOT}/.dockerignore`, '.git\nsvc/helpers.py\n') },
  { name: 'requirements: flask removed', apply: (fs) => fs.write(`${ROOT}/requirements.txt`, 'gunicorn\n') },
  { name: 'compose: a command with a wrong target', apply: (fs) => fs.write(`${ROOT}/compose.yaml`, 'services:\n  web:\n    build: .\n    command: gunicorn -b 0.0.0.0:8080 ap:app\n    ports: ["8080:8080"]\n') },
  { name: 'config file turns a rule off', apply: (fs) => fs.write(`${ROOT}/.deploylint.yaml`, 'rules:\n  missing-dependency: off\n') },
  { name: 'file deleted', apply: (fs) => fs.remove(`${ROOT}/svc/extra.py`) },
  { name: 'Python: syntax error', apply: (fs) => fs.write(`${ROOT}/svc/helpers.py`, 'def greet(:\n') },
  { name: 'Dockerfile: back to a flat copy', apply: (fs) => fs.write(`${ROOT}/Dockerfile`, read(fs, 'Dockerfile').replace('COPY svc/ /app/', 'COPY svc/app.py /app/')) },
];

describe('LintSession: incremental re-lint equals a fresh lint', () => {
  it('after each kind of edit, in sequence', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    assert.equal(outcome(await lint({ fs, root: ROOT }, { session })), outcome(await lint({ fs, root: ROOT })));
    for (const e of EDITS) {
      e.apply(fs);
      const incremental = await lint({ fs, root: ROOT }, { session });
      const fresh = await lint({ fs, root: ROOT });
      assert.equal(outcome(incremental), outcome(fresh), e.name);
      if (e.findings) assert.deepEqual(brief(incremental.findings), e.findings, e.name);
    }
  });

  it('an edit to a file no image holds reruns only the secret scan', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    await lint({ fs, root: ROOT }, { session });
    assert.deepEqual([session.stats.reused, session.stats.ran], [0, 12]);
    fs.write(`${ROOT}/tools/seed.py`, 'GITHUB_TOKEN = "ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"\n');
    const r = await lint({ fs, root: ROOT }, { session });
    assert.deepEqual([session.stats.reused, session.stats.ran], [11, 1]);
    assert.deepEqual(brief(r.findings), [
      MISSING_HELPERS,
      'tools/seed.py:1:17 hardcoded-secret GitHub personal access token ghp_A1b2… (40 chars) is hardcoded in the source: anyone with the code has it (no image receives this file); read it from the environment (os.environ["GITHUB_TOKEN"])',
    ]);
    // Nothing changed: every rule is replayed.
    await lint({ fs, root: ROOT }, { session });
    assert.deepEqual([session.stats.reused, session.stats.ran], [12, 0]);
  });

  it('a Python edit in the closure reruns the rules from the first one that read the file (missing-module: all of them)', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    await lint({ fs, root: ROOT }, { session });
    fs.write(`${ROOT}/shared/util.py`, 'VALUE = 2\n');
    const r = await lint({ fs, root: ROOT }, { session });
    assert.deepEqual([session.stats.reused, session.stats.ran], [0, 12]);
    assert.deepEqual(brief(r.findings), [MISSING_HELPERS]);
  });

  it('the secret scan rescans only the edited file; the others replay what they found', async () => {
    const fs = memRepo({ ...REPO, 'tools/a.py': 'GITHUB_TOKEN = "ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"\n', 'deploy/k8s.yaml': 'kind: ConfigMap\ndata:\n  token: x\n' });
    const session = new LintSession();
    await lint({ fs, root: ROOT }, { session });
    const kept = (kind: string, rel: string) => session.remembered.get(`hardcoded-secret/${kind}\0${ROOT}/${rel}`);
    const [a, yaml, seed] = [kept('python', 'tools/a.py'), kept('yaml', 'deploy/k8s.yaml'), kept('python', 'tools/seed.py')];
    assert.ok(a && yaml && seed);
    fs.write(`${ROOT}/tools/seed.py`, 'print("seed 2")\n');
    const r = await lint({ fs, root: ROOT }, { session });
    assert.equal(kept('python', 'tools/a.py'), a);
    assert.equal(kept('yaml', 'deploy/k8s.yaml'), yaml);
    assert.notEqual(kept('python', 'tools/seed.py'), seed);
    assert.deepEqual(brief(r.findings), [
      MISSING_HELPERS,
      'tools/a.py:1:17 hardcoded-secret GitHub personal access token ghp_A1b2… (40 chars) is hardcoded in the source: anyone with the code has it (no image receives this file); read it from the environment (os.environ["GITHUB_TOKEN"])',
    ]);
  });

  it('settings passed as overrides are part of the key', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    await lint({ fs, root: ROOT }, { session });
    const off = await lint({ fs, root: ROOT }, { session, overrides: { rules: { 'missing-module': 'off' } } });
    assert.deepEqual(brief(off.findings), []);
    assert.deepEqual([session.stats.reused, session.stats.ran], [0, 12]);
  });

  it('a cancelled lint throws, and the next lint is still exact', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    let asked = 0;
    await assert.rejects(lint({ fs, root: ROOT }, { session, cancelled: () => ++asked > 3 }), /lint cancelled/);
    fs.write(`${ROOT}/svc/helpers.py`, 'def greet(:\n');
    assert.equal(outcome(await lint({ fs, root: ROOT }, { session })), outcome(await lint({ fs, root: ROOT })));
  });

  it('on every fixture, before and after applying its fixes', async function () {
    this.timeout(120000);
    const base = nodePath.join(__dirname, '..', 'fixtures');
    for (const rule of nodeFs.readdirSync(base).sort()) {
      for (const name of nodeFs.readdirSync(nodePath.join(base, rule)).sort()) {
        const fs = loadFixture(nodePath.join(base, rule, name));
        const session = new LintSession();
        const first = await lint({ fs, root: ROOT }, { session });
        applyAllFixes(fs, first.findings);
        assert.equal(outcome(await lint({ fs, root: ROOT }, { session })), outcome(await lint({ fs, root: ROOT })), `${rule}/${name}`);
      }
    }
  });
});

describe("LintSession over the language server's file systems (open buffers over retained disk answers)", () => {
  it('an open document\'s edits keep the workspace walk; a file created, deleted or opened unsaved walks again; each lint equals a fresh one', async () => {
    const disk = memRepo(REPO);
    const retained = new RetainedFileSystem(disk);
    const fs = new OverlayFileSystem(retained);
    const session = new LintSession();
    const relint = async () => {
      const r = await lint({ fs, root: ROOT }, { session });
      assert.equal(outcome(r), outcome(await lint({ fs, root: ROOT })));
      return { walkKept: session.stats.events['walk-kept'] ?? 0, findings: brief(r.findings) };
    };
    const app = read(disk, 'svc/app.py');
    assert.equal((await relint()).walkKept, 0);
    // Opening a document is a new buffer (it could be an unsaved new file): walked again once.
    fs.set(`${ROOT}/svc/app.py`, app);
    assert.equal((await relint()).walkKept, 0);
    fs.set(`${ROOT}/svc/app.py`, app.replace('from helpers', 'import extra\nfrom helpers'));
    const extraIs = (findings: string[]) => findings.filter((l) => l.includes("'extra'")).map((l) => l.split(' ')[1]);
    let r = await relint();
    assert.equal(r.walkKept, 1);
    assert.deepEqual(extraIs(r.findings), ['missing-dependency']);
    // A file created on disk: the watcher's event invalidates it, and the walk sees it.
    disk.write(`${ROOT}/svc/extra.py`, 'X = 1\n');
    retained.invalidate(`${ROOT}/svc/extra.py`);
    r = await relint();
    assert.equal(r.walkKept, 0);
    assert.deepEqual(extraIs(r.findings), ['missing-module']);
    fs.set(`${ROOT}/svc/app.py`, app.replace('from helpers', 'import extra\nfrom helpers') + '\n');
    assert.equal((await relint()).walkKept, 1);
    // An unsaved new file (a buffer for a path the disk lacks) is a layout change too.
    fs.set(`${ROOT}/svc/newer.py`, 'import json\n');
    assert.equal((await relint()).walkKept, 0);
    fs.delete(`${ROOT}/svc/newer.py`);
    assert.equal((await relint()).walkKept, 0);
    // Deleted on disk.
    disk.remove(`${ROOT}/svc/extra.py`);
    retained.invalidate(`${ROOT}/svc/extra.py`);
    r = await relint();
    assert.equal(r.walkKept, 0);
    assert.deepEqual(extraIs(r.findings), ['missing-dependency']);
  });
});

describe('RetainedFileSystem', () => {
  it('answers from what it kept until a path is invalidated (the path, everything below it, its folder listing)', () => {
    const disk = memRepo({ 'a/x.py': 'x = 1\n', 'a/b/y.py': 'y = 1\n', 'c.txt': 'c\n' });
    const fs = new RetainedFileSystem(disk);
    const text = (p: string) => {
      const r = fs.read(`${ROOT}/${p}`);
      return 'text' in r ? r.text : r.problem;
    };
    assert.deepEqual([text('a/x.py'), text('a/b/y.py'), text('c.txt'), fs.readDir(`${ROOT}/a`)], ['x = 1\n', 'y = 1\n', 'c\n', ['b', 'x.py']]);
    disk.write(`${ROOT}/a/x.py`, 'x = 2\n');
    disk.write(`${ROOT}/c.txt`, 'changed\n');
    disk.write(`${ROOT}/a/z.py`, '');
    fs.beginPass();
    assert.deepEqual([text('a/x.py'), text('c.txt'), fs.readDir(`${ROOT}/a`)], ['x = 1\n', 'c\n', ['b', 'x.py']]);
    fs.invalidate(`${ROOT}/a/z.py`);
    assert.deepEqual([text('a/x.py'), fs.readDir(`${ROOT}/a`)], ['x = 1\n', ['b', 'x.py', 'z.py']]);
    disk.remove(`${ROOT}/a/b/y.py`);
    fs.invalidate(`${ROOT}/a`);
    assert.deepEqual([text('a/x.py'), text('a/b/y.py'), text('c.txt')], ['x = 2\n', 'missing', 'c\n']);
  });
});

describe('LintSession: a repo-built base image', () => {
  const BASED = {
    'base.Dockerfile': 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY common/ /srv/common/\n',
    'app.Dockerfile': 'FROM acme/base\nCOPY api/ /srv/api/\nCMD ["python", "-m", "api.main"]\n',
    'build.sh': 'docker build -t acme/base -f base.Dockerfile .\n',
    'common/__init__.py': '', 'api/__init__.py': '', 'api/main.py': 'import common\n',
  };
  it('an edit of the base Dockerfile rebuilds the image built on it; an edit of the build script relinks it', async () => {
    const fs = memRepo(BASED);
    const session = new LintSession();
    assert.deepEqual(brief((await lint({ fs, root: ROOT }, { session })).findings), []);
    fs.write(`${ROOT}/base.Dockerfile`, 'FROM python:3.12-slim\nWORKDIR /srv\n');
    const dropped = await lint({ fs, root: ROOT }, { session });
    assert.equal(outcome(dropped), outcome(await lint({ fs, root: ROOT })));
    assert.deepEqual(brief(dropped.findings).map((f) => f.slice(0, 47)), ["app.Dockerfile:2:1 missing-module package 'comm"]);
    // The tag no longer names this image: the base is unknown again, and the model says nothing.
    fs.write(`${ROOT}/build.sh`, 'docker build -t acme/other -f base.Dockerfile .\n');
    const unlinked = await lint({ fs, root: ROOT }, { session });
    assert.equal(outcome(unlinked), outcome(await lint({ fs, root: ROOT })));
    assert.deepEqual(brief(unlinked.findings), []);
  });
});
