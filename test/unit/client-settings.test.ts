import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { contributedKeys, explicitSettings, InspectedValue, sectionKeys } from '../../client/src/settings';
import { SETTINGS } from '../../server/src/core/config';
import { EDITOR_SETTINGS, readSettings } from '../../server/src/lsp/settings';

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

  it('sends the unknown keys the user set too (a WorkspaceConfiguration holds them beside the contributed ones)', () => {
    const config = { has: () => true, get: () => undefined, update: async () => undefined, inspect: () => undefined, modelLoadSecond: 5, rules: {} };
    assert.deepEqual(sectionKeys(config), ['modelLoadSecond', 'rules']);
  });

  it('the server reads every contributed key: engine settings, or editor-only ones it knows the values of', () => {
    assert.deepEqual(contributedKeys(pkg.contributes, 'deploylint').sort(), [...SETTINGS.map((s) => s.key as string), ...Object.keys(EDITOR_SETTINGS)].sort());
  });

  it('unknown deploylint.* keys and a bad editor-only value are reported, with the closest key; valid values still apply', () => {
    assert.deepEqual(readSettings({ modelLoadSecond: 5, maxFileSize: 10, diagnosticMode: 'openFiles' }), {
      settings: { maxFileSize: 10 },
      problems: ["unknown setting 'deploylint.modelLoadSecond'; did you mean 'deploylint.modelLoadSeconds'?"],
    });
    assert.deepEqual(readSettings({ colour: 'red', diagnosticMode: 'open' }).problems, [
      "unknown setting 'deploylint.colour'; valid: deploylint.rules, deploylint.modelLoadSeconds, deploylint.modelMemoryMB, deploylint.contexts, deploylint.exclude, deploylint.maxFileSize, deploylint.baseline, deploylint.diagnosticMode",
      "'diagnosticMode' must be workspace or openFiles, not \"open\"",
    ]);
    assert.deepEqual(readSettings({ diagnosticMode: 'workspace', rules: { 'missing-module': 'off' } }), { settings: { rules: { 'missing-module': 'off' } }, problems: [] });
  });
});
