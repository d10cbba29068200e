// Speed and memory figures for the engine on generated repositories: cold CLI runs (wall time, peak RSS) and warm in-process re-lints (what the language server does on each edit).
// Usage: npm run bench [-- --services N --modules M --chain D --files F --no-lsp]
import { build } from 'esbuild';
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SERVICES = arg('services', 20);
const MODULES = arg('modules', 150);
const CHAIN = arg('chain', 3000);
const FILES = arg('files', 20000);
const RUNS = arg('runs', 5);

if (!existsSync(join(root, 'dist/cli.js'))) spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const work = mkdtempSync(join(tmpdir(), 'deploylint-bench-'));

/** A monorepo: N services (Dockerfiles in docker/), each importing a fan of M modules and a shared package; one deep chain; many unrelated files. */
function generate(dir) {
  const w = (rel, text) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  w('shared/__init__.py', '');
  for (let m = 0; m < 30; m++) w(`shared/util_${m}.py`, `import os\nimport json\nVALUE_${m} = ${m}\n`);
  for (let s = 0; s < SERVICES; s++) {
    const svc = `services/svc${s}`;
    const imports = [];
    for (let m = 0; m < MODULES; m++) {
      w(`${svc}/mod_${m}.py`, `import logging\nfrom shared.util_${m % 30} import VALUE_${m % 30}\n${m + 1 < MODULES ? `from mod_${m + 1} import f${m + 1}\n` : ''}\n\ndef f${m}():\n    return VALUE_${m % 30}\n`);
      if (m < 10) imports.push(`from mod_${m} import f${m}`);
    }
    // One service in five forgets a module: the findings are real work.
    const missing = s % 5 === 0 ? 'from helpers_missing import thing\n' : '';
    w(`services/svc${s}/helpers_missing.py`, 'thing = 1\n');
    w(`${svc}/app.py`, `from flask import Flask\n${imports.join('\n')}\n${missing}\napp = Flask(__name__)\n`);
    const copyAll = s % 5 === 0 ? `COPY ${svc}/app.py ${svc}/mod_*.py ./` : `COPY ${svc}/ ./`;
    w(`docker/svc${s}.Dockerfile`, `FROM python:3.11-slim\nWORKDIR /app\n${copyAll}\nCOPY shared/ ./shared/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n`);
  }
  // A deep chain: chain_0 imports chain_1 ... imports chain_{D-1}.
  for (let i = 0; i < CHAIN; i++) w(`deep/chain_${i}.py`, i + 1 < CHAIN ? `import chain_${i + 1}\n` : 'X = 1\n');
  w('docker/deep.Dockerfile', 'FROM python:3.11-slim\nWORKDIR /app\nCOPY deep/ ./\nCMD ["python", "chain_0.py"]\n');
  // Unrelated files that discovery walks past.
  for (let i = 0; i < FILES; i++) w(`assets/d${i % 100}/f${i}.txt`, 'x\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const repo = join(work, 'repo');
const t0 = Date.now();
generate(repo);
const genMs = Date.now() - t0;

// Cold CLI runs: a fresh process each time (parse, wasm init, discovery, models, closures, rules).
const rss = join(work, 'rss.cjs');
writeFileSync(rss, "process.on('exit', () => require('fs').writeSync(2, '\\nMAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n");
const cold = [];
let peak = 0;
let findings = 0;
for (let i = 0; i < RUNS; i++) {
  const s = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', rss, join(root, 'dist/cli.js'), repo, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  cold.push(Number(process.hrtime.bigint() - s) / 1e6);
  const m = /MAXRSS_KB=(\d+)/.exec(r.stderr);
  if (m) peak = Math.max(peak, Number(m[1]));
  findings = JSON.parse(r.stdout).length;
}

// Warm in-process re-lints, as the language server does after an edit (parse cache warm, everything else recomputed).
// Bundled into dist/ so the engine finds the wasm files beside it, as the shipped bundles do.
const engine = join(root, 'dist', 'bench-engine.cjs');
await build({ entryPoints: [join(root, 'scripts/bench-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: engine, logLevel: 'warning' });
const require = createRequire(import.meta.url);
const { runLint, initPython } = require(engine);
await initPython();
const warm = [];
for (let i = 0; i < RUNS + 1; i++) {
  const s = process.hrtime.bigint();
  await runLint(repo);
  if (i > 0) warm.push(Number(process.hrtime.bigint() - s) / 1e6);
}

const pyFiles = SERVICES * (MODULES + 2) + 30 + CHAIN;
console.log(`deploylint benchmark (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${RUNS} runs each)`);
console.log(`repository: ${SERVICES + 1} Dockerfiles, ${pyFiles} Python files (one ${CHAIN}-deep import chain), ${FILES} other files; generated in ${genMs} ms`);
console.log('');
console.log('| measure | value |');
console.log('|---|---|');
console.log(`| cold CLI run, median wall time | ${median(cold).toFixed(0)} ms |`);
console.log(`| cold CLI run, peak RSS | ${(peak / 1024).toFixed(0)} MiB |`);
console.log(`| warm re-lint (in process, parse cache warm), median | ${median(warm).toFixed(0)} ms |`);
console.log(`| findings | ${findings} (expected ${Math.ceil(SERVICES / 5)} missing-module) |`);
if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); else console.log(repo);

// The language server through a real LSP client over stdio (scripts/bench-lsp.mjs; --no-lsp skips it).
if (!process.argv.includes('--no-lsp')) {
  const { benchLsp, lspRows } = await import('./bench-lsp.mjs');
  const lsp = await benchLsp();
  console.log('');
  console.log('| language server (stdio) | value | target |');
  console.log('|---|---|---|');
  for (const row of lspRows(lsp)) console.log(row);
}
