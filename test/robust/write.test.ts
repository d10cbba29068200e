// Fixes on disk: confined to the workspace, never through a symlink, encoding/BOM/line endings kept, results that parse, idempotent.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { applyFixes } from '../../server/src/cli/fix';
import { parseProblemCount } from '../../server/src/core/fix-check';
import { DiskFileSystem, toPosix } from '../../server/src/core/fs';
import { lint } from '../../server/src/core/lint';
import { writeEdits } from '../../server/src/core/write';
import { lintRepo, memRepo } from '../helpers/repo';

const HF = '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';
const OPENAI = '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';

function tmp(): string {
  return toPosix(nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-write-'))));
}

function tree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    nodeFs.mkdirSync(nodePath.dirname(nodePath.join(dir, rel)), { recursive: true });
    nodeFs.writeFileSync(nodePath.join(dir, rel), content);
  }
}

/** Lints `root` from disk and applies the fixes as one pass of `--fix` does. */
async function fix(root: string) {
  const project = { fs: new DiskFileSystem([root]), root };
  const before = await lint(project);
  const report = await applyFixes(project, before.findings);
  return { before, report, after: await lint(project) };
}

const CLI = nodePath.resolve(__dirname, '../../dist/cli.js');

describe('robust: fixes on disk', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tmp();
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => nodeFs.rmSync(d, { recursive: true, force: true })));

  it('never write through a symlink that leads out of the workspace (it wrote the outside file)', async () => {
    const outside = dir();
    const root = dir();
    tree(outside, { 'victim.txt': 'outside\n' });
    tree(root, { '.git/HEAD': 'ref: refs/heads/main\n', '.env': `HF_TOKEN=${HF}\n` });
    nodeFs.symlinkSync(`${outside}/victim.txt`, `${root}/.gitignore`);
    const { report } = await fix(root);
    assert.equal(nodeFs.readFileSync(`${outside}/victim.txt`, 'utf8'), 'outside\n');
    assert.deepEqual(report.changed, []);
  });

  it('refuse symlinks, linked folders and paths outside the root', () => {
    const outside = dir();
    const root = dir();
    tree(outside, { 'x.txt': 'x\n' });
    tree(root, { 'in.txt': 'a\n' });
    nodeFs.symlinkSync(outside, `${root}/linked`);
    nodeFs.symlinkSync(`${root}/in.txt`, `${root}/alias.txt`);
    const edit = (file: string) => writeEdits([root], file, [{ file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'B' }]);
    assert.deepEqual(
      [`${root}/linked/x.txt`, `${root}/alias.txt`, `${outside}/x.txt`, `${root}/../x.txt`, `${root}/in.txt`].map((f) => edit(f).refused ?? 'written'),
      [`${root}/linked is a symbolic link`, 'it is a symbolic link', 'outside the workspace', 'not a normalised path', 'written'],
    );
    assert.equal(nodeFs.readFileSync(`${outside}/x.txt`, 'utf8'), 'x\n');
    assert.equal(nodeFs.readFileSync(`${root}/in.txt`, 'utf8'), 'Ba\n');
  });

  it('never rewrite a .gitignore that is not UTF-8 (it was corrupted into U+FFFD)', async () => {
    const root = dir();
    const latin1 = Buffer.from('# caf\xe9 cache\n*.pyc\n', 'latin1');
    tree(root, { '.git/HEAD': 'ref: refs/heads/main\n', '.env': `HF_TOKEN=${HF}\n`, '.gitignore': latin1 });
    const { before, report } = await fix(root);
    assert.deepEqual(nodeFs.readFileSync(`${root}/.gitignore`), latin1);
    assert.deepEqual(report.changed, []);
    assert.deepEqual(before.findings.map((f) => [f.ruleId, f.fixes.length]), [['hardcoded-secret', 0]]);
    assert.deepEqual(before.notices.map((n) => n.message), ['skipped: not UTF-8 text', 'fix not offered (hardcoded-secret): "Add .env to .gitignore": .gitignore is not UTF-8 text the linter read']);
  });

  it('write edits at the right place in a file with a byte-order mark, and keep the mark', async () => {
    const root = dir();
    tree(root, {
      Dockerfile: 'FROM python:3.11\nCOPY app/ /app/\nCMD ["python", "/app/llm.py"]\n',
      'app/llm.py': `\ufeffimport sys\nKEY = "${OPENAI}"\n`,
    });
    const { report, after } = await fix(root);
    assert.deepEqual(report.changed, [`${root}/app/llm.py`]);
    assert.equal(nodeFs.readFileSync(`${root}/app/llm.py`, 'utf8'), '\ufeffimport os\nimport sys\nKEY = os.environ["OPENAI_API_KEY"]\n');
    assert.deepEqual(after.findings, []);
  });

  it('keep CRLF line endings, new lines included', async () => {
    const root = dir();
    tree(root, {
      Dockerfile: 'FROM python:3.11\r\nCOPY app/ /app/\r\nCMD ["python", "/app/llm.py"]\r\n',
      'app/llm.py': `import sys\r\nKEY = "${OPENAI}"\r\n`,
    });
    await fix(root);
    assert.equal(nodeFs.readFileSync(`${root}/app/llm.py`, 'utf8'), 'import os\r\nimport sys\r\nKEY = os.environ["OPENAI_API_KEY"]\r\n');
  });

  it('a second --fix changes nothing (examples/ copied to a temporary folder)', function () {
    this.timeout(60000);
    const root = dir();
    nodeFs.cpSync(nodePath.resolve(__dirname, '../../examples'), root, { recursive: true });
    const snapshot = () => spawnSync('find', [root, '-type', 'f', '-exec', 'sha1sum', '{}', '+'], { encoding: 'utf8' }).stdout.split('\n').sort().join('\n');
    const first = spawnSync(process.execPath, [CLI, '--fix', root], { encoding: 'utf8' });
    const once = snapshot();
    const second = spawnSync(process.execPath, [CLI, '--fix', root], { encoding: 'utf8' });
    assert.equal(snapshot(), once);
    assert.equal(second.stdout, first.stdout);
  });
});

describe('robust: fixes are offered only when the result parses', () => {
  it('a secret in an f-string replacement field gets no fix nesting the f-string\'s own quote (a SyntaxError before Python 3.12)', async () => {
    const fs = memRepo({
      Dockerfile: 'FROM python:3.11\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n',
      'app.py': `msg = f"auth {'${OPENAI}'}"\n`,
    });
    const r = await lintRepo(fs);
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.fixes.length]), [['hardcoded-secret', 0]]);
    assert.deepEqual(r.notices.map((n) => n.message), ['fix not offered (hardcoded-secret): "Read it from the environment: os.environ[\"OPENAI_API_KEY\"]": app.py would no longer parse']);
  });

  it('each kind of file is re-parsed by its own parser; line-based files always pass', () => {
    assert.deepEqual([parseProblemCount('/r/Dockerfile', 'FROM python:3.11\n'), parseProblemCount('/r/Dockerfile', 'RUN x\n'), parseProblemCount('/r/a.yaml', 'a: [\n'), parseProblemCount('/r/a.json', '{'), parseProblemCount('/r/.dockerignore', '\u0000(')], [0, 1, 1, 1, 0]);
  });
});

describe('robust: --fix on every fixture with expected-fixed/, on disk', function () {
  this.timeout(120000);
  const base = nodePath.resolve(__dirname, '../fixtures');
  const cases = nodeFs.readdirSync(base).flatMap((rule) => nodeFs.readdirSync(nodePath.join(base, rule)).map((c) => nodePath.join(base, rule, c)))
    .filter((d) => nodeFs.existsSync(nodePath.join(d, 'expected-fixed')));

  it(`a second --fix changes nothing (${cases.length} fixtures; a fix that reveals another finding is followed by another pass)`, () => {
    const root = tmp();
    try {
      for (const c of cases) {
        const to = nodePath.join(root, nodePath.relative(base, c));
        nodeFs.cpSync(c, to, { recursive: true, filter: (src) => !/\/(expected\.txt|expected-fixed|expected-after\.txt)$/.test(src.slice(c.length)) });
        if (nodeFs.existsSync(`${to}/dot-git`)) nodeFs.renameSync(`${to}/dot-git`, `${to}/.git`);
      }
      const workspaces = cases.map((c) => nodePath.join(root, nodePath.relative(base, c)));
      spawnSync(process.execPath, [CLI, '--fix', ...workspaces], { encoding: 'utf8' });
      const snapshot = () => spawnSync('find', [root, '-type', 'f', '-exec', 'sha1sum', '{}', '+'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.split('\n').sort().join('\n');
      const once = snapshot();
      spawnSync(process.execPath, [CLI, '--fix', ...workspaces], { encoding: 'utf8' });
      assert.equal(snapshot(), once);
    } finally {
      nodeFs.rmSync(root, { recursive: true, force: true });
    }
  });
});
