import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { contributedKeys, explicitSettings, InspectedValue } from '../../client/src/settings';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: unknown };

describe('client: settings sent to the server', () => {
  it('lists every contributed deploylint.* key once, without nested members', () => {
    assert.deepEqual(contributedKeys(pkg.contributes, 'deploylint').sort(), [
      'baseline', 'contexts', 'diagnosticMode', 'exclude', 'maxFileSize', 'modelLoadSeconds', 'modelMemoryMB', 'rules',
    ]);
  });

  it('sends only what the user set, the most specific scope winning; defaults never reach the server', () => {
    const scopes: Record<string, InspectedValue> = {
      modelLoadSeconds: {}, // left at its default (60): must not override .deploylint.yaml
      maxFileSize: { globalValue: 1000 },
      rules: { globalValue: { 'missing-module': 'warning' }, workspaceValue: { 'missing-module': 'off' } },
      exclude: { globalValue: ['a/**'], workspaceValue: ['b/**'], workspaceFolderValue: ['c/**'] },
      modelMemoryMB: { workspaceValue: 0 },
    };
    const keys = contributedKeys(pkg.contributes, 'deploylint');
    assert.deepEqual(explicitSettings(keys, (k) => scopes[k]), {
      maxFileSize: 1000,
      rules: { 'missing-module': 'off' },
      exclude: ['c/**'],
      modelMemoryMB: 0,
    });
  });
});
