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
    assert.deepEqual(loadConfig(memRepo({ '.deploylint.yaml': 'modelMemoryMb: 1\n' }), ROOT).problems.map((p) => p.message), ["unknown setting 'modelMemoryMb'"]);
  });
});
