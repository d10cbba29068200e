// CI integration of the bundled CLI: --format github/gitlab (golden on examples/), --select/--ignore, --fail-on, --config, unknown rule ids, notices in JSON and SARIF.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, runCli, snapshot } from '../helpers/cli';
import { formatGithub } from '../../server/src/cli/format';
import { rules } from '../../server/src/core/rules';
import { range } from '../../server/src/core/types';

const root = REPO_ROOT;
const run = runCli;
const IDS = rules.map((r) => r.id).join(', ');

/** A temporary repository with these files; removed after the test. */
function repo(files: Record<string, string | Buffer>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-ci-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];

/** Two defects: a missing COPY source (error) and a probe too short for model loading (warning-level rule turned on by its default). */
const TWO = {
  'requirements.txt': 'flask\n',
  'app.py': 'import flask\n\napp = flask.Flask(__name__)\n',
  Dockerfile: 'FROM python:3.11\nWORKDIR /app\nCOPY requirments.txt ./\nCOPY app.py ./\nCMD ["python", "app.py"]\n',
};

describe('CLI in CI', function () {
  this.timeout(120000);
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('--format github: one workflow command per finding on examples/ (golden), exit 1', () => {
    const r = run(['examples', '--format', 'github']);
    assert.equal(r.code, 1, r.err);
    snapshot('examples.github.txt', r.out);
    assert.ok(r.out.split('\n').filter(Boolean).every((l) => /^::(error|warning|notice) file=examples\/[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+::\S/.test(l)));
  });

  it('--format github escapes % CR LF in the message and also : , in properties', () => {
    const f = {
      ruleId: 'missing-copy-source',
      severity: 'error' as const,
      message: '100% sure:\r\nline two, done',
      file: '/w/a:b,c%.txt',
      range: range(1, 2, 1, 5),
      related: [],
      fixes: [],
    };
    assert.equal(
      formatGithub([f, { ...f, severity: 'info' }], { rel: (p) => p.slice(3), root: '/w', version: 'x' }),
      '::error file=a%3Ab%2Cc%25.txt,line=2,col=3,endLine=2,endColumn=6,title=missing-copy-source::100%25 sure:%0D%0Aline two, done\n' +
        '::notice file=a%3Ab%2Cc%25.txt,line=2,col=3,endLine=2,endColumn=6,title=missing-copy-source::100%25 sure:%0D%0Aline two, done\n',
    );
  });

  it('--format gitlab: Code Quality issues on examples/ (golden) with the published fields and unique fingerprints', () => {
    const r = run(['examples', '--format', 'gitlab']);
    assert.equal(r.code, 1, r.err);
    snapshot('examples.gitlab.json', r.out);
    const issues = JSON.parse(r.out) as Record<string, any>[];
    assert.equal(issues.length, 11);
    for (const i of issues) {
      assert.equal(typeof i.description, 'string');
      assert.ok(rules.some((x) => x.id === i.check_name), i.check_name);
      assert.match(i.fingerprint, /^[0-9a-f]{32}(#\d+)?$/);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity), i.severity);
      assert.ok(i.location.path.startsWith('examples/') && fs.existsSync(path.join(root, i.location.path)), i.location.path);
      assert.ok(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1);
    }
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
  });

  it('the gitlab fingerprint does not change when lines are added above the finding', () => {
    const dir = repo(TWO);
    const before = JSON.parse(run([dir, '--format', 'gitlab']).out) as { fingerprint: string; location: { lines: { begin: number } } }[];
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.11\n# a comment\nENV A=1\nWORKDIR /app\nCOPY requirments.txt ./\nCOPY app.py ./\nCMD ["python", "app.py"]\n');
    const after = JSON.parse(run([dir, '--format', 'gitlab']).out) as typeof before;
    assert.deepEqual([before.length, before[0].location.lines.begin, after[0].location.lines.begin], [1, 3, 5]);
    assert.equal(after[0].fingerprint, before[0].fingerprint);
  });

  it('--select and --ignore choose rules by id; unknown ids exit 2 naming the valid ids', () => {
    const only = run(['examples', '--select', 'missing-copy-source']);
    assert.equal(only.code, 1, only.err);
    assert.deepEqual(only.out.split('\n').filter((l) => /^\S.*: (error|warning|info) \[/.test(l)).map((l) => l.replace(/ \[.*$/, '')), [
      'examples/docker/predictions-coordinator.Dockerfile:6:6: error',
    ]);
    const ignored = run(['examples', '--format', 'json', '--ignore', 'missing-module,probe-too-short', '--ignore=worker-timeout-too-short']);
    assert.deepEqual((JSON.parse(ignored.out) as { findings: { ruleId: string; file: string; line: number }[] }).findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`), [
      'docker/predictions-coordinator.Dockerfile:6 missing-copy-source',
      'mcp-service/Dockerfile:8 secret-in-image',
      'mcp-service/Dockerfile:10 port-mismatch',
      'mcp-service/src/database.py:15 python-syntax-error',
      'mcp-service/src/services/summarizer.py:7 hardcoded-secret',
    ]);
    const bad = run(['examples', '--select', 'missing-copy-source,missing-modul']);
    assert.deepEqual([bad.code, bad.out, bad.err], [2, '', `deploylint: --select: unknown rule 'missing-modul'; did you mean 'missing-module'? (valid: ${IDS})\n`]);
    const far = run(['examples', '--ignore', 'xyz']);
    assert.deepEqual([far.code, far.err], [2, `deploylint: --ignore: unknown rule 'xyz'; valid: ${IDS}\n`]);
  });

  it('--fail-on sets the level that exits 1', () => {
    const warnOnly = ['examples', '--select', 'probe-too-short'];
    assert.equal(run(warnOnly).code, 0);
    assert.equal(run([...warnOnly, '--fail-on', 'warning']).code, 1);
    assert.equal(run([...warnOnly, '--fail-on=info']).code, 1);
    assert.equal(run([...warnOnly, '--fail-on', 'error']).code, 0);
    assert.equal(run(['examples', '--fail-on', 'never']).code, 0);
    const bad = run(['examples', '--fail-on', 'fatal']);
    assert.deepEqual([bad.code, bad.err], [2, "deploylint: unknown --fail-on level 'fatal' (use error, warning, info, never)\n"]);
  });

  it('--config FILE replaces .deploylint.yaml; unknown rule ids in a config file exit 2', () => {
    const dir = repo({ ...TWO, '.deploylint.yaml': 'rules:\n  missing-copy-source: off\n', 'ci/strict.yaml': 'rules:\n  missing-copy-source: warning\n' });
    assert.deepEqual([run([dir]).code, run([dir]).out], [0, 'no problems found\n']);
    const strict = run([dir, '--config', 'ci/strict.yaml'], dir);
    assert.equal(strict.code, 0, strict.err);
    assert.match(strict.out, /^Dockerfile:3:6: warning \[missing-copy-source\] /);
    assert.equal(run([dir, '--config', 'ci/strict.yaml', '--fail-on', 'warning'], dir).code, 1);
    const missing = run([dir, '--config', 'nope.yaml'], dir);
    assert.deepEqual([missing.code, missing.err], [2, 'deploylint: --config: no such file: nope.yaml\n']);

    const typo = repo({ ...TWO, '.deploylint.yaml': 'rules:\n  missing-copy-sources: warning\nmodelLoadSecond: 5\n' });
    const r = run(['.'], typo);
    assert.deepEqual([r.code, r.out], [2, '']);
    assert.equal(
      r.err,
      `deploylint: .deploylint.yaml:3: unknown setting 'modelLoadSecond'; did you mean 'modelLoadSeconds'?\n` +
        `deploylint: .deploylint.yaml:2: unknown rule 'missing-copy-sources'; did you mean 'missing-copy-source'? (valid: ${IDS})\n`,
    );
  });

  it('notices are in JSON notices[] and SARIF toolExecutionNotifications, each with its cause', () => {
    const dir = repo({ ...TWO, '.deploylint.yaml': 'maxFileSize: 100\n', 'big.py': '#'.repeat(200) + '\n', 'blob.py': Buffer.from([0x69, 0x00, 0x01]) });
    const json = JSON.parse(run([dir, '--format', 'json']).out);
    assert.deepEqual(json.notices, [
      { cause: 'file-skipped', level: 'warning', message: 'skipped: file larger than 100 bytes (maxFileSize)', file: 'big.py' },
      { cause: 'file-skipped', level: 'warning', message: 'skipped: binary file', file: 'blob.py' },
    ]);
    const sarif = JSON.parse(run([dir, '--format', 'sarif']).out);
    assert.deepEqual(sarif.runs[0].invocations, [
      {
        executionSuccessful: true,
        toolExecutionNotifications: json.notices.map((n: { cause: string; level: string; message: string; file: string }) => ({
          level: n.level,
          message: { text: n.message },
          descriptor: { id: n.cause },
          locations: [{ physicalLocation: { artifactLocation: { uri: n.file, uriBaseId: '%SRCROOT%' } } }],
        })),
      },
    ]);
  });
});
