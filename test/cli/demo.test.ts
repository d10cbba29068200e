// `npm run demo` (scripts/demo.mjs): exit 0 only when examples/ reports its error-level findings; exit 2, loudly, on a build failure, an internal error or no finding.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
const DEMO = path.join(root, 'scripts/demo.mjs');

describe('npm run demo', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-demo-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const script = (name: string, body: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, body);
    return p;
  };
  const demo = (...args: string[]) => spawnSync(process.execPath, [DEMO, ...args], { cwd: root, encoding: 'utf8' });
  const noBuild = () => script('build-ok.mjs', '');

  it('exits 0 on examples/: its error-level findings are the expected outcome', () => {
    const r = demo('--build', noBuild());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\[missing-module\]/);
    assert.match(r.stdout, /\ndemo: OK: the error-level findings above are what examples is built to show \(the CLI exits 1 on them; the demo exits 0\)\.\n$/);
  });

  it('exits 2 when the build fails', () => {
    const r = demo('--build', script('build-fails.mjs', 'process.exit(1);\n'));
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /demo: FAILED: the build exited with 1\n$/);
  });

  it('exits 2 on an internal error: the CLI exits 2, or a rule threw and the CLI said so', () => {
    const crash = demo('--build', noBuild(), '--cli', script('cli-2.mjs', 'process.stderr.write("deploylint: internal error: boom\\n"); process.exit(2);\n'));
    assert.equal(crash.status, 2);
    assert.match(crash.stderr, /deploylint: internal error: boom\ndemo: FAILED: the CLI reported an internal error \(above\)\n$/);
    const rule = demo('--build', noBuild(), '--cli', script('cli-rule.mjs', 'process.stderr.write("deploylint: internal error in rule missing-module: TypeError\\n"); process.exit(1);\n'));
    assert.equal(rule.status, 2);
    assert.match(rule.stderr, /demo: FAILED: the CLI reported an internal error \(above\)\n$/);
  });

  it('exits 2 when the example finds nothing', () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.11\n');
    const r = demo('--build', noBuild(), dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /demo: FAILED: no error-level finding in .*, which is built to show them\n$/);
  });
});
