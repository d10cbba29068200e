// The pre-commit hook and the GitHub Action shipped at the repository root: their fields, and the action's lint step run for real (npx stubbed to the built CLI).
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const yamlFile = (rel: string) => parseYaml(fs.readFileSync(path.join(root, rel), 'utf8'));

/** Keys pre-commit accepts in a hook definition (pre-commit's clientlib MANIFEST_HOOK_DICT). */
const HOOK_KEYS = new Set(['id', 'name', 'entry', 'language', 'alias', 'files', 'exclude', 'types', 'types_or', 'exclude_types', 'additional_dependencies', 'args', 'always_run', 'fail_fast', 'pass_filenames', 'description', 'language_version', 'log_file', 'minimum_pre_commit_version', 'require_serial', 'stages', 'verbose']);

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  it('one node hook, id deploylint, running the package bin once over the repository', () => {
    const hooks = yamlFile('.pre-commit-hooks.yaml') as Record<string, unknown>[];
    assert.equal(hooks.length, 1);
    const h = hooks[0];
    assert.deepEqual(Object.keys(h).filter((k) => !HOOK_KEYS.has(k)), []);
    assert.deepEqual(
      { id: h.id, entry: h.entry, language: h.language, pass_filenames: h.pass_filenames, always_run: h.always_run, require_serial: h.require_serial },
      { id: 'deploylint', entry: 'deploylint', language: 'node', pass_filenames: false, always_run: true, require_serial: true },
    );
    assert.ok(pkg.bin[h.entry as string], 'entry is a bin of the package');
    // pre-commit's node language runs `npm install` (dev included) then `npm pack` in a clone: prepack must build dist/.
    assert.equal(pkg.scripts.prepack, 'node scripts/build.mjs');
  });
});

describe('GitHub Action (action.yml)', function () {
  this.timeout(120000);
  const action = yamlFile('action.yml');
  const steps = action.runs.steps as Record<string, any>[];

  it('is composite: setup-node, the lint step, upload-sarif; every expression names a declared input or step', () => {
    assert.equal(action.runs.using, 'composite');
    assert.deepEqual(steps.map((s) => s.uses ?? s.id ?? 'run'), ['actions/setup-node@v4', 'lint', 'github/codeql-action/upload-sarif@v3', 'run']);
    assert.deepEqual(Object.keys(action.inputs), ['paths', 'fail-on', 'sarif', 'upload', 'args', 'node-version']);
    const text = fs.readFileSync(path.join(root, 'action.yml'), 'utf8');
    for (const [, name] of text.matchAll(/inputs\.([\w-]+)/g)) assert.ok(name in action.inputs, name);
    for (const [, id] of text.matchAll(/steps\.([\w-]+)\./g)) assert.ok(steps.some((s) => s.id === id), id);
    assert.ok(steps.every((s) => !s.run || !/\$\{\{/.test(s.run)), 'run scripts read inputs from env only (no expression injection)');
  });

  const tmps: string[] = [];
  after(() => tmps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** Runs the lint step's script with bash as the runner would: env from the inputs (defaults filled in), npx stubbed to dist/cli.js. */
  function lintStep(inputs: Record<string, string>) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-action-'));
    tmps.push(tmp);
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = --yes ] && shift\necho "$1" > "${tmp}/package"\nshift\nexec "${process.execPath}" "${path.join(root, 'dist/cli.js')}" "$@"\n`, { mode: 0o755 });
    const step = steps.find((s) => s.id === 'lint')!;
    const values: Record<string, string> = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]: [string, any]) => [k, v.default])), sarif: path.join(tmp, 'out.sarif'), ...inputs };
    const env = Object.fromEntries(
      Object.entries(step.env as Record<string, string>).map(([k, v]) => [k, v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/, (_m, n: string) => values[n]).replace('${{ github.action_path }}', root)]),
    );
    const output = path.join(tmp, 'output');
    fs.writeFileSync(output, '');
    const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, NO_COLOR: '1' } });
    const pkgRun = path.join(tmp, 'package');
    return { code: r.status, output: fs.readFileSync(output, 'utf8'), npx: fs.existsSync(pkgRun) ? fs.readFileSync(pkgRun, 'utf8').trim() : '', sarif: values.sarif };
  }

  it('the lint step runs this release from npm, writes SARIF and records the exit status without failing before the upload', () => {
    const r = lintStep({ paths: 'examples' });
    assert.deepEqual([r.code, r.output, r.npx], [0, 'exit-code=1\n', `deploylint@${pkg.version}`]);
    assert.equal(JSON.parse(fs.readFileSync(r.sarif, 'utf8')).runs[0].results.length, 11);
    const never = lintStep({ paths: 'examples', 'fail-on': 'never', args: '--select missing-copy-source' });
    assert.deepEqual([never.code, never.output], [0, 'exit-code=0\n']);
    assert.deepEqual(JSON.parse(fs.readFileSync(never.sarif, 'utf8')).runs[0].results.map((x: { ruleId: string }) => x.ruleId), ['missing-copy-source']);
    const usage = lintStep({ paths: 'examples', 'fail-on': 'sometimes' });
    assert.deepEqual([usage.code, usage.output], [2, 'exit-code=2\n']);
  });
});
