// Packaging: `vsce package` produces a .vsix with the bundles, the wasm files, the grammars and the docs, and nothing else.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listZip } from '../helpers/zip';
import { rules } from '../../server/src/core/rules';

const root = path.resolve(__dirname, '../..');

describe('packaging (.vsix)', function () {
  this.timeout(180000);
  it('contains exactly what the extension needs', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-vsix-')), 'deploylint.vsix');
    execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', out], { cwd: root, stdio: 'pipe' });
    const names = listZip(out).map((e) => e.name).sort();
    assert.deepEqual(names, [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/cli.js',
      'extension/dist/client.js',
      'extension/dist/server.js',
      'extension/dist/tree-sitter-python.wasm',
      'extension/dist/tree-sitter.wasm',
      // Rule docs, opened offline from a diagnostic's code link.
      ...rules.map((r) => `extension/docs/rules/${r.id}.md`).sort(),
      'extension/package.json',
      'extension/readme.md',
      'extension/schemas/deploylint.schema.json',
      'extension/syntaxes/deploylint-suppression.injection.json',
      'extension/syntaxes/dockerignore.tmLanguage.json',
    ]);
    assert.ok(!names.some((n) => /node_modules|\.ts$|\.map$|test\/|examples\//.test(n)));
    const manifest = JSON.parse(execFileSync('node', ['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(path.join(root, 'package.json'))}, 'utf8'))`]).toString());
    assert.equal(manifest.main, './dist/client.js');
    assert.deepEqual(manifest.bin, { deploylint: 'dist/cli.js', 'deploylint-language-server': 'dist/server.js' });
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
  });
});
