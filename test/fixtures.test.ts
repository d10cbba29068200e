// Fixture repos under test/fixtures/<rule-id>/<case>/: exact findings (CLI text format) in expected.txt; every preferred fix applied gives expected-fixed/ and re-lints clean.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { relativeInside } from '../server/src/core/fs';
import { applyAllFixes, asText, lintRepo, loadFixture, ROOT } from './helpers/repo';
import { importCheck, stopImportChecks } from './helpers/import-check';

const FIXTURES = path.join(__dirname, 'fixtures');
const update = process.env.UPDATE_SNAPSHOTS === '1';
/** Images that cannot import by design (an unknown base image; a folder a RUN generates at build time; code for a newer Python than the host's; code a volume or ConfigMap provides at run time; a package only an install the model cannot read provides; an import name only a distribution the table does not know may provide), so deploylint stays quiet. */
const NO_IMPORT_CHECK = new Set(['third-party-and-unknown-base', 'unknown-dist-beside-same-named-folder', 'sdk-named-like-local-plugin-folder', 'copy-dist-whose-contents-git-ignores', 'dockerignored-regenerated', 'cython-built-in-place', 'unknown-base-modern-syntax', 'compose-named-volume-over-code', 'k8s-configmap-over-code', 'unreadable-install-provides-the-package', 'unreadable-install-of-the-project', 'target-installed-or-generated', 'unknown-dist-token-match', 'unknown-dist-may-bring-import', 'dockerignored-setup-py-may-generate', 'package-submodules-generated-or-extended', 'local-settings-imported-if-present', 'copy-dest-from-build-arg', 'template-dockerfile-for-another-project',
  // Python 2 code: the import check compiles as Python 3.
  'python2-base-print-statement',
  // PEP 696 type parameter defaults: the import check's Python (3.11 here) cannot compile them.
  'type-param-default-on-312', 'type-param-default-on-313']);

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function expectFile(file: string, actual: string, what: string): void {
  if (update) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  assert.ok(fs.existsSync(file), `${what}: ${file} is missing (UPDATE_SNAPSHOTS=1 writes it; review before committing)`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), what);
}

after(stopImportChecks);

for (const group of fs.readdirSync(FIXTURES).sort()) {
  describe(`fixtures: ${group}`, () => {
    for (const name of fs.readdirSync(path.join(FIXTURES, group)).sort()) {
      const dir = path.join(FIXTURES, group, name);
      it(name, async () => {
        const repo = loadFixture(dir);
        const { findings, analysis } = await lintRepo(repo);
        const text = asText(findings);
        expectFile(path.join(dir, 'expected.txt'), text, 'findings');
        if (group === 'no-findings') {
          assert.equal(text, 'no problems found\n');
          // Silence must be right: the modelled image really imports.
          if (!NO_IMPORT_CHECK.has(name)) for (const line of await importCheck(analysis, repo)) assert.match(line, /: IMPORTED$/);
          return;
        }
        assert.ok(findings.some((f) => f.ruleId === group), `a fixture of ${group} must produce a ${group} finding`);
        const changed = applyAllFixes(repo, findings);
        for (const [file, after] of changed) {
          expectFile(path.join(dir, 'expected-fixed', relativeInside(ROOT, file)!), after, `fix result of ${relativeInside(ROOT, file)}`);
        }
        // expected-fixed/ holds exactly the files the fixes change (a stale file would be a claim nothing checks).
        const fixedDir = path.join(dir, 'expected-fixed');
        const stored = fs.existsSync(fixedDir) ? listFiles(fixedDir).map((f) => path.relative(fixedDir, f).split(path.sep).join('/')).sort() : [];
        const written = [...changed.keys()].map((f) => relativeInside(ROOT, f)!).sort();
        if (update) {
          for (const f of stored) if (!written.includes(f)) fs.rmSync(path.join(fixedDir, f));
        } else {
          assert.deepEqual(stored, written, 'expected-fixed/ lists exactly the files the fixes change (UPDATE_SNAPSHOTS=1 removes stale ones)');
        }
        if (changed.size) {
          const again = await lintRepo(repo);
          const afterPath = path.join(dir, 'expected-after.txt');
          const remaining = asText(again.findings);
          if (fs.existsSync(afterPath) || update && remaining !== 'no problems found\n') expectFile(afterPath, remaining, 'findings after the fixes');
          else {
            assert.equal(remaining, 'no problems found\n', 'the fixes must clear every finding');
            // ... and the fixed image imports cleanly.
            if (!NO_IMPORT_CHECK.has(name)) for (const line of await importCheck(again.analysis, repo)) assert.match(line, /: IMPORTED$/);
          }
        }
      });
    }
  });
}
