// The CLI's parse cache: a warm run reports exactly what a cold one does, reads its entries, ignores corrupted ones, and --no-cache writes nothing.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildNamespace, cacheFolder, DiskParseStore } from '../../server/src/cli/cache';

const root = path.resolve(__dirname, '../..');
const CLI = path.join(root, 'dist/cli.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

function run(args: string[], cacheHome: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file under a folder, relative to it, sorted. */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** The store the bundled CLI opens under `cacheHome`. */
function storeOf(cacheHome: string): DiskParseStore {
  return new DiskParseStore(path.join(cacheHome, 'deploylint'), buildNamespace(VERSION, CLI));
}

describe('CLI parse cache', function () {
  this.timeout(60000);
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-cache-test-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('is $XDG_CACHE_HOME/deploylint, else ~/.cache/deploylint (a relative XDG_CACHE_HOME is ignored)', () => {
    assert.equal(cacheFolder({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), '/x/cache/deploylint');
    assert.equal(cacheFolder({ XDG_CACHE_HOME: 'rel' }, '/home/u'), '/home/u/.cache/deploylint');
    assert.equal(cacheFolder({}, '/home/u'), '/home/u/.cache/deploylint');
    assert.equal(cacheFolder({}, ''), undefined);
  });

  it('a warm run reports exactly what the cold run did, from the entries the cold run wrote', () => {
    const cold = run(['examples', '--format', 'json'], home);
    assert.equal(cold.code, 1, cold.err);
    const written = files(home);
    assert.ok(written.length >= 5, `entries written: ${written.join(', ')}`);
    assert.ok(written.every((f) => /^deploylint\/[^/]+\/parse\/[0-9a-f]{2}\/[0-9a-f]{62}\.json$/.test(f)), written.join(', '));
    const warm = run(['examples', '--format', 'json'], home);
    assert.deepEqual([warm.code, warm.out, warm.err], [cold.code, cold.out, cold.err]);
    assert.deepEqual(files(home), written);
    // The warm run did read them: an entry edited to drop worker.py's imports drops the findings they caused.
    const worker = fs.readFileSync(path.join(root, 'examples/predictions/worker/worker.py'), 'utf8');
    const store = storeOf(home);
    const entry = store.file(store.key(worker));
    const stored = JSON.parse(fs.readFileSync(entry, 'utf8')) as { key: string; info: { imports: unknown[] } };
    stored.info.imports = [];
    fs.writeFileSync(entry, JSON.stringify(stored));
    const doctored = (JSON.parse(run(['examples', '--format', 'json'], home).out) as { findings: { ruleId: string; message: string }[] }).findings;
    const before = (JSON.parse(cold.out) as { findings: { ruleId: string; message: string }[] }).findings;
    const workerMissing = (fs: { ruleId: string; message: string }[]) => fs.filter((f) => f.ruleId === 'missing-module' && f.message.includes('/app/worker.py')).length;
    assert.deepEqual([workerMissing(before), workerMissing(doctored)], [3, 0]);
  });

  it('ignores corrupted entries (garbage, truncated, another key) and rewrites them', () => {
    const cold = run(['examples', '--format', 'json'], home);
    const entries = files(home).map((f) => path.join(home, f));
    entries.forEach((f, i) => {
      const text = fs.readFileSync(f, 'utf8');
      const variants = ['{garbage', text.slice(0, text.length >> 1), JSON.stringify({ key: 'f'.repeat(64), info: JSON.parse(text).info }), '', JSON.stringify({ key: JSON.parse(text).key, info: { imports: 'x' } })];
      fs.writeFileSync(f, variants[i % variants.length]);
    });
    const again = run(['examples', '--format', 'json'], home);
    assert.deepEqual([again.code, again.out, again.err], [cold.code, cold.out, cold.err]);
    for (const f of entries) assert.doesNotThrow(() => JSON.parse(fs.readFileSync(f, 'utf8')), f);
  });

  it('--no-cache writes nothing', () => {
    const r = run(['examples', '--format', 'json', '--no-cache'], home);
    assert.equal(r.code, 1, r.err);
    assert.deepEqual(files(home), []);
  });

  it('never stores a file that was skipped (over maxFileSize, not UTF-8)', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-cache-ws-'));
    try {
      const big = `import os\nX = ${JSON.stringify('y'.repeat(3000))}\n`;
      const latin = Buffer.from('import os\nNAME = "caf\xe9"\n', 'latin1');
      fs.writeFileSync(path.join(ws, '.deploylint.yaml'), 'maxFileSize: 2000\n');
      fs.writeFileSync(path.join(ws, 'app.py'), 'import big\nimport latin\nfrom flask import Flask\napp = Flask(__name__)\n');
      fs.writeFileSync(path.join(ws, 'big.py'), big);
      fs.writeFileSync(path.join(ws, 'latin.py'), latin);
      fs.writeFileSync(path.join(ws, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install flask\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n');
      const r = run([ws, '--format', 'json'], home);
      assert.match(r.err, /big\.py/);
      assert.match(r.err, /latin\.py/);
      const store = storeOf(home);
      const app = fs.readFileSync(path.join(ws, 'app.py'), 'utf8');
      assert.deepEqual(files(home), [path.relative(home, store.file(store.key(app)))]);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('stores in memory-equal form: a put entry reads back deep-equal (once written); another namespace misses', async () => {
    const store = new DiskParseStore(path.join(home, 'deploylint'), '9.9.9/1/x');
    const info = {
      imports: [{ module: 'a.b', level: 0, names: [], kind: 'import' as const, range: { start: { line: 0, character: 7 }, end: { line: 0, character: 10 } }, stmtRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } }, scope: 'module' as const, guard: 'none' as const }],
      syntaxErrors: [], topLevelNames: ['a'], hasStarImport: false, hasModuleGetattr: false, calls: [],
      strings: [{ value: 'lone \ud800 surrogate', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, contentRange: { start: { line: 1, character: 1 }, end: { line: 1, character: 2 } }, isFString: false }],
      functions: [], callGraph: [], assignments: [], lineCount: 2, features: { uses: [], versionGuards: [] },
    };
    store.put('import a.b\n', info);
    await store.flush();
    assert.deepEqual(store.get('import a.b\n'), info);
    assert.equal(store.get('import a.c\n'), undefined);
    assert.equal(new DiskParseStore(path.join(home, 'deploylint'), '9.9.9/1/y').get('import a.b\n'), undefined);
  });
});
