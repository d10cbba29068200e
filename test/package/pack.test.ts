// The npm package: `npm pack` builds and ships exactly the CLI and server bundles, the wasm files and the config schema; the tarball installs offline into an empty prefix and both bins run on examples/.
import { strict as assert } from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

describe('npm package (npm pack, install, npx deploylint)', function () {
  this.timeout(300000);
  let tmp: string;
  let tgz: string;
  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-pack-')));
    // pre-commit's node language installs a hook with `npm pack` and takes its standard output as the tarball's name.
    const out = npm(['pack', '--pack-destination', tmp], root);
    assert.equal(out, `deploylint-${pkg.version}.tgz\n`, 'npm pack prints only the tarball name (prepack output stays off stdout)');
    tgz = path.join(tmp, out.trim());
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('ships exactly the bundles, the wasm files and the schema, with no runtime dependencies', () => {
    const files = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root);
    assert.deepEqual((JSON.parse(files)[0].files as { path: string }[]).map((f) => f.path).sort(), [
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/server.js',
      'dist/tree-sitter-python.wasm',
      'dist/tree-sitter.wasm',
      'package.json',
      'schemas/deploylint.schema.json',
    ]);
    assert.equal(pkg.dependencies, undefined, 'the bundles are self-contained: nothing to fetch at install');
    assert.deepEqual(pkg.bin, { deploylint: 'dist/cli.js', 'deploylint-language-server': 'dist/server.js' });
  });

  it('installs offline into an empty prefix; deploylint and deploylint-language-server run on examples/', async () => {
    const prefix = path.join(tmp, 'prefix');
    fs.mkdirSync(prefix);
    npm(['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tgz], tmp);
    const bin = path.join(prefix, 'node_modules/.bin');
    assert.deepEqual(fs.readdirSync(bin).sort(), ['deploylint', 'deploylint-language-server']);

    const cli = spawnSync(path.join(bin, 'deploylint'), ['examples'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(cli.status, 1, cli.stderr);
    assert.equal(cli.stdout, fs.readFileSync(path.join(root, 'test/cli/expected/examples.txt'), 'utf8'));
    assert.equal(spawnSync(path.join(bin, 'deploylint'), ['--version'], { encoding: 'utf8' }).stdout, `${pkg.version}\n`);

    const proc = spawn(path.join(bin, 'deploylint-language-server'), ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const examples = path.join(root, 'examples');
    const worker = pathToFileURL(path.join(examples, 'docker/predictions-worker.Dockerfile')).href;
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        if (p.uri === worker && p.diagnostics.length) resolve(p);
      }),
    );
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    try {
      const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(examples).href, workspaceFolders: [{ uri: pathToFileURL(examples).href, name: 'examples' }], capabilities: {} })) as { serverInfo?: { name: string } };
      assert.equal(init.serverInfo?.name, 'deploylint');
      await conn.sendNotification('initialized', {});
      const p = await published;
      assert.deepEqual(p.diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}`).sort(), ['9 missing-module', '9 missing-module', '9 missing-module']);
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
    } finally {
      conn.dispose();
      proc.kill();
    }
  });
});
