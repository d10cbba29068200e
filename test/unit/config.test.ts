// Configuration: defaults, validation of each setting, and the precedence editor settings > .deploylint.yaml > defaults.
import { strict as assert } from 'assert';
import { defaultConfig, loadConfig, readConfigObject } from '../../server/src/core/config';
import { memRepo, ROOT } from '../helpers/repo';

describe('config', () => {
  it('defaults: modelLoadSeconds 60, modelMemoryMB 100', () => {
    const d = defaultConfig();
    assert.equal(d.modelLoadSeconds, 60);
    assert.equal(d.modelMemoryMB, 100);
  });

  it('validates modelMemoryMB like modelLoadSeconds', () => {
    const problems: string[] = [];
    assert.deepEqual(readConfigObject({ modelMemoryMB: 250 }, problems), { modelMemoryMB: 250 });
    assert.deepEqual(readConfigObject({ modelMemoryMB: -1 }, problems), {});
    assert.deepEqual(readConfigObject({ modelMemoryMB: '1Gi' }, problems), {});
    assert.deepEqual(problems, ["'modelMemoryMB' must be a non-negative number", "'modelMemoryMB' must be a non-negative number"]);
  });

  it('editor settings override .deploylint.yaml, which overrides the default', () => {
    const fs = memRepo({ '.deploylint.yaml': 'modelMemoryMB: 400\n' });
    assert.equal(loadConfig(fs, ROOT).config.modelMemoryMB, 400);
    assert.equal(loadConfig(fs, ROOT, { modelMemoryMB: 50 }).config.modelMemoryMB, 50);
    assert.equal(loadConfig(memRepo({}), ROOT).config.modelMemoryMB, 100);
    assert.deepEqual(loadConfig(memRepo({ '.deploylint.yaml': 'modelMemoryMb: 1\n' }), ROOT).problems.map((p) => p.message), ["unknown setting 'modelMemoryMb'; did you mean 'modelMemoryMB'?"]);
  });

  it('reports unknown rule ids and invalid levels at their key, and never applies them', () => {
    const fs = memRepo({ '.deploylint.yaml': 'rules:\n  missing-modul: off\n  hardcoded-secret: loud\n  port-mismatch: warning\nmodelLoadSecs: 5\n' });
    const { config, problems } = loadConfig(fs, ROOT, {}, { knownRules: ['missing-module', 'hardcoded-secret', 'port-mismatch'] });
    assert.deepEqual(config.rules, { 'port-mismatch': 'warning' });
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.range, p.message]), [
      [`${ROOT}/.deploylint.yaml`, 4, { start: { line: 4, character: 0 }, end: { line: 4, character: 13 } }, "unknown setting 'modelLoadSecs'; valid: rules, modelLoadSeconds, modelMemoryMB, contexts, exclude, maxFileSize, baseline"],
      [`${ROOT}/.deploylint.yaml`, 1, { start: { line: 1, character: 2 }, end: { line: 1, character: 15 } }, "unknown rule 'missing-modul'; did you mean 'missing-module'?"],
      [`${ROOT}/.deploylint.yaml`, 2, { start: { line: 2, character: 2 }, end: { line: 2, character: 18 } }, 'rule \'hardcoded-secret\': level "loud" is not error, warning, info or off; the rule keeps its default'],
    ]);
    const far = loadConfig(memRepo({ '.deploylint.yaml': 'rules:\n  zzz: off\n' }), ROOT, {}, { knownRules: ['missing-module', 'port-mismatch'] });
    assert.deepEqual(far.problems.map((p) => p.message), ["unknown rule 'zzz'; valid: missing-module, port-mismatch"]);
  });

  it('an invalid level from editor settings is never applied', () => {
    const { config } = loadConfig(memRepo({ '.deploylint.yaml': 'rules:\n  hardcoded-secret: warning\n' }), ROOT, { rules: { 'hardcoded-secret': 'loud' as never, 'port-mismatch': 'off' } });
    assert.deepEqual(config.rules, { 'hardcoded-secret': 'warning', 'port-mismatch': 'off' });
  });

  it('a YAML syntax error is reported where it is', () => {
    const { problems } = loadConfig(memRepo({ '.deploylint.yaml': 'rules:\n  a: [\n' }), ROOT);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 2);
    assert.match(problems[0].message, /^cannot parse: /);
  });
});
