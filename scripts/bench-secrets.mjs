// False positives of the hardcoded-secret scanners on real code that is not ours (this machine's Python standard library and the project's node_modules), side by side with secretlint's recommended preset.
// Usage: node scripts/bench-secrets.mjs [--examples N] [--no-secretlint] [--stdlib DIR] [--node-modules DIR]
// secretlint is installed with `npm install --prefix <tmp>` (npm registry); when that fails the table says so and the rest still runs.
import { build } from 'esbuild';
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf('--' + name);
  return i >= 0 ? argv[i + 1] : def;
};
const EXAMPLES = Number(opt('examples', 15));
const MAX_BYTES = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'deploylint-bench-secrets-'));
const requireHere = createRequire(join(root, 'package.json'));

// 1. Bundle the scanners (the same functions the rule calls) with the tree-sitter wasm beside them.
const entry = join(work, 'entry.cjs');
await build({ entryPoints: [join(root, 'scripts/bench-secrets-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: entry, logLevel: 'warning' });
copyFileSync(requireHere.resolve('web-tree-sitter/tree-sitter.wasm'), join(work, 'tree-sitter.wasm'));
copyFileSync(requireHere.resolve('tree-sitter-python/tree-sitter-python.wasm'), join(work, 'tree-sitter-python.wasm'));
const engine = createRequire(import.meta.url)(entry);
await engine.initPython();

// 2. The corpora: every file the rule would scan, copied so that secretlint reads exactly the same files.
const py = spawnSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
const corpora = [
  { name: 'python-stdlib', dir: opt('stdlib', py.status === 0 ? py.stdout.trim() : '') },
  { name: 'node_modules', dir: opt('node-modules', join(root, 'node_modules')) },
];
const SKIP = new Set(['.git', '__pycache__', 'site-packages']);
function walk(dir, out) {
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    let names;
    try {
      names = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of names) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) stack.push(p);
      } else if (e.isFile() && engine.kindOf(e.name)) out.push(p);
    }
  }
  return out;
}
const corpus = join(work, 'corpus');
const files = [];
for (const c of corpora) {
  if (!c.dir || !existsSync(c.dir)) {
    c.missing = true;
    continue;
  }
  for (const p of walk(c.dir, [])) {
    const size = statSync(p).size;
    if (size > MAX_BYTES) continue;
    const rel = relative(c.dir, p);
    // "node_modules" is renamed in the copy: secretlint skips folders of that name.
    const dest = join(corpus, c.name.replace('node_modules', 'node-modules'), rel.split('/').map((s) => (s === 'node_modules' ? 'node-modules' : s)).join('/'));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(p, dest);
    files.push({ corpus: c.name, rel, dest, size, kind: engine.kindOf(p.split('/').pop()) });
  }
}

// 3. deploylint's scanners, in process.
const t0 = process.hrtime.bigint();
const byDetector = new Map();
const examples = [];
let ours = 0;
let oursTest = 0;
let bytes = 0;
const msByKind = new Map();
for (const f of files) {
  const text = readFileSync(f.dest, 'utf8');
  bytes += text.length;
  const s = process.hrtime.bigint();
  const hits = engine.scanText(f.kind, f.rel, text);
  msByKind.set(f.kind, (msByKind.get(f.kind) ?? 0) + Number(process.hrtime.bigint() - s) / 1e6);
  for (const h of hits) {
    ours++;
    if (h.test) oursTest++;
    const k = `${h.detector} (${h.confidence})`;
    byDetector.set(k, (byDetector.get(k) ?? 0) + 1);
    examples.push(`${f.corpus}/${f.rel}:${h.line} ${h.detector} ${h.test ? '[test file, warning] ' : ''}${h.masked}`);
  }
}
const oursMs = Number(process.hrtime.bigint() - t0) / 1e6;

// 4. secretlint with the recommended preset over the same copies.
let sl = { status: 'not run' };
if (!argv.includes('--no-secretlint')) {
  const prefix = join(work, 'secretlint');
  mkdirSync(prefix, { recursive: true });
  const inst = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'secretlint', '@secretlint/secretlint-rule-preset-recommend'], { encoding: 'utf8' });
  const bin = join(prefix, 'node_modules/.bin/secretlint');
  if (inst.status !== 0 || !existsSync(bin)) {
    sl = { status: `could not be installed (npm exit ${inst.status}): ${(inst.stderr || '').trim().split('\n').pop()}` };
  } else {
    const version = JSON.parse(readFileSync(join(prefix, 'node_modules/secretlint/package.json'), 'utf8')).version;
    const rc = JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] });
    const out = join(work, 'secretlint.json');
    const s = process.hrtime.bigint();
    const r = spawnSync(bin, [join(corpus, '**/*'), '--format', 'json', '--output', out, '--secretlintrcJSON', rc], { cwd: prefix, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    let results = [];
    try {
      results = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      sl = { status: `failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')}` };
    }
    if (sl.status === 'not run') {
      const rules = new Map();
      let n = 0;
      for (const res of results) {
        for (const m of res.messages ?? []) {
          n++;
          rules.set(m.ruleId, (rules.get(m.ruleId) ?? 0) + 1);
        }
      }
      sl = { status: `secretlint ${version}`, findings: n, ms, rules };
    }
  }
}

// 5. The table. Secrets are only ever shown masked.
const kinds = new Map();
for (const f of files) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
console.log(`secret scanners on code that is not ours (${new Date().toISOString().slice(0, 10)}, node ${process.version})`);
for (const c of corpora) console.log(`corpus ${c.name}: ${c.missing ? 'not found' : c.dir}`);
console.log(`files scanned: ${files.length} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}), ${(bytes / 1048576).toFixed(1)} MiB; files over 1 MiB skipped`);
console.log('');
console.log('| tool | findings | in test files | wall time |');
console.log('|---|---|---|---|');
console.log(`| deploylint hardcoded-secret scanners (in process) | ${ours} | ${oursTest} | ${oursMs.toFixed(0)} ms |`);
if (sl.findings !== undefined) console.log(`| ${sl.status} + preset-recommend (CLI, one process) | ${sl.findings} | - | ${sl.ms.toFixed(0)} ms |`);
else console.log(`| secretlint | ${sl.status} | - | - |`);
console.log('');
console.log('deploylint time by file kind: ' + [...msByKind].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', '));
console.log('deploylint by detector: ' + ([...byDetector].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'));
if (sl.rules) console.log('secretlint by rule: ' + ([...sl.rules].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'));
if (examples.length) {
  console.log('');
  console.log(`deploylint findings (first ${Math.min(EXAMPLES, examples.length)} of ${examples.length}, masked):`);
  for (const e of examples.slice(0, EXAMPLES)) console.log('  ' + e);
}
if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
else console.log(work);
