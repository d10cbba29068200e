// `npm run bench`: generated monorepos of 100, 1,000 and 10,000 Python files; deploylint's CLI (cold, warm cache), the floor (read; tree-sitter parse) and the peers (pyright, secretlint) on the same files; writes bench/results.json and bench/README.md.
// Usage: npm run bench [-- --sizes 100,1000,10000 --runs 3 --peer-runs 1 --no-peers --no-lsp --lsp-runs 3 --lsp-only --keep]
// --lsp-only: measure the language server only; the CLI table keeps the figures of bench/results.json's last full run (and says when they were measured).
// --cli-only: measure the CLI, the floor and the peers only; the language-server section keeps the figures of bench/results.json's last run (and says when they were measured).
// --no-secretlint: run pyright but not secretlint (which takes about 20 minutes on the 10,000-file repository here).
// --render: measure nothing; rewrite bench/README.md from bench/results.json.
//        node scripts/bench.mjs --generate DIR [--sizes N,...]   (only writes DIR/repo-N, for profiling)
import { build } from 'esbuild';
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { cpus, loadavg, tmpdir, totalmem } from 'os';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const opt = (name, def) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : def;
};
const flag = (name) => process.argv.includes('--' + name);
const SIZES = opt('sizes', '100,1000,10000').split(',').map(Number);
const RUNS = Number(opt('runs', 3));
const PEER_RUNS = Number(opt('peer-runs', 1));
const PEERS = !flag('no-peers');
const LSP_RUNS = Number(opt('lsp-runs', 3));
const LSP_ONLY = flag('lsp-only');
const CLI_ONLY = flag('cli-only');
const RENDER = flag('render');
const bin = (name) => join(root, 'node_modules', '.bin', name);

if (opt('generate')) {
  for (const size of SIZES) console.log(join(opt('generate'), `repo-${size}`), generate(join(opt('generate'), `repo-${size}`), size));
  process.exit(0);
}
if (RENDER) {
  const { lspRows } = await import('./bench-lsp.mjs');
  const r = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'));
  writeReadme(r, renderTable(r) + lspSection(r, lspRows));
  process.exit(0);
}
spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const work = mkdtempSync(join(tmpdir(), 'deploylint-bench-'));

// ---------------------------------------------------------------------------------------------
// The generator: deterministic (no randomness but a fixed-seed LCG), so every run sees the same bytes.

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** A fake credential of the given shape, built at run time (no literal secret in this file). */
function fakeSecret(rand, prefix, length, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') {
  let s = prefix;
  while (s.length < length) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/**
 * A monorepo with `pyFiles` Python files: services (Dockerfiles in docker/, k8s manifests in
 * deploy/, one compose file), each a package `app` whose modules import each other as a binary
 * tree from app/main.py (so the entrypoint's closure is the whole service), and a shared package
 * every module imports from. One service in five forgets to copy shared/ (real missing-module
 * findings); one module in 500 holds a hardcoded credential (real hardcoded-secret findings).
 */
function generate(dir, pyFiles) {
  const rand = lcg(pyFiles);
  const w = (rel, text) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const sharedCount = Math.max(5, Math.round(pyFiles * 0.1));
  const services = Math.max(2, Math.round(pyFiles / 250));
  const perService = Math.floor((pyFiles - sharedCount - 1) / services) - 2;
  let written = 0;
  w('shared/__init__.py', '');
  written++;
  for (let k = 0; k < sharedCount - 1; k++) {
    w(`shared/util_${k}.py`, `"""Shared helpers ${k}."""\nimport json\nimport os\n\nDEFAULTS_${k} = {"timeout": ${k % 30 + 1}, "name": "util-${k}"}\n\n\ndef helper_${k}(value, *, scale=1.0):\n    """Scales a value."""\n    if value is None:\n        return json.dumps(DEFAULTS_${k})\n    return value * scale + ${k}\n\n\nclass Config${k}:\n    def __init__(self, env=os.environ):\n        self.level = env.get("LEVEL_${k}", "info")\n\n    def as_dict(self):\n        return {"level": self.level, "index": ${k}}\n`);
    written++;
  }
  let secretAt = 0;
  const compose = ['services:'];
  for (let s = 0; s < services; s++) {
    const svc = `services/svc${s}`;
    const count = s === services - 1 ? pyFiles - written - 2 : perService;
    w(`${svc}/app/__init__.py`, '');
    for (let i = 0; i < count; i++) {
      const kids = [2 * i + 1, 2 * i + 2].filter((c) => c < count);
      const k = Math.floor(rand() * (sharedCount - 1));
      const secret = ++secretAt % 500 === 0
        ? `\nOPENAI_API_KEY = "${fakeSecret(rand, 'sk-proj-', 56)}"\nGITHUB_TOKEN = "${fakeSecret(rand, 'ghp_', 40)}"\n`
        : '';
      w(`${svc}/app/m_${i}.py`, `"""Service ${s}, module ${i}."""
import logging
import os
from typing import Any, Optional

from shared.util_${k} import helper_${k}, Config${k}
${kids.map((c) => `from app.m_${c} import handle_${c}`).join('\n')}
try:
    import ujson as json
except ImportError:
    import json

log = logging.getLogger(__name__)
ROUTES_${i} = ["/v1/items/${i}", "/v1/items/${i}/detail", "/healthz"]
${secret}

class Handler${i}:
    """Handles requests for route ${i}."""

    retries = ${i % 5}

    def __init__(self, config: Optional[Config${k}] = None) -> None:
        self.config = config or Config${k}()
        self.cache: dict[str, Any] = {}

    def handle(self, payload: dict) -> dict:
        key = f"{payload.get('id', 0)}-${i}"
        if key in self.cache:
            return self.cache[key]
        result = {"value": helper_${k}(payload.get("value"), scale=${(i % 7) + 1}.5), "route": ROUTES_${i}[0]}
        for attempt in range(self.retries):
            log.debug("attempt %d for %s", attempt, key)
        self.cache[key] = result
        return json.loads(json.dumps(result))


def handle_${i}(payload: dict) -> dict:
    ${kids.length ? `out = {${kids.map((c) => `"${c}": handle_${c}(payload)`).join(', ')}}` : 'out = {}'}
    out.update(Handler${i}().handle(payload))
    return out
`);
    }
    w(`${svc}/app/main.py`, `import os\n\nfrom flask import Flask, jsonify, request\n\nfrom app.m_0 import handle_0\n\napp = Flask(__name__)\n\n\n@app.route("/", methods=["POST"])\ndef index():\n    return jsonify(handle_0(request.get_json() or {}))\n`);
    w(`${svc}/requirements.txt`, 'flask==3.0.3\ngunicorn==22.0.0\nujson==5.10.0\n');
    written += count + 2;
    const copyShared = s % 5 === 0 ? '' : 'COPY shared/ /app/shared/\n';
    w(`docker/svc${s}.Dockerfile`, `FROM python:3.12-slim\nWORKDIR /app\nCOPY ${svc}/requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY ${svc}/app/ /app/app/\n${copyShared}CMD ["gunicorn", "-b", "0.0.0.0:8080", "--timeout", "60", "app.main:app"]\n`);
    w(`deploy/svc${s}.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc${s}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: svc${s}}\n  template:\n    metadata:\n      labels: {app: svc${s}}\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/svc${s}:latest\n          ports:\n            - containerPort: 8080\n          env:\n            - name: LEVEL_0\n              value: debug\n          resources:\n            limits: {memory: 512Mi}\n          readinessProbe:\n            httpGet: {path: /healthz, port: 8080}\n`);
    compose.push(`  svc${s}:`, '    build:', '      context: .', `      dockerfile: docker/svc${s}.Dockerfile`, '    ports:', `      - "${8000 + s}:8080"`);
  }
  w('compose.yaml', compose.join('\n') + '\n');
  w('.secretlintrc.json', JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }) + '\n');
  return { services, pyFiles: written };
}

// ---------------------------------------------------------------------------------------------
// Measuring: wall time of a fresh process and its peak RSS (GNU time's %M, else the child's own report).

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command once: {ms, rssMiB, status, stdout, stderr}. */
function measure(cmd, args, options = {}) {
  const argv = TIME ? [TIME, ['-f', 'BENCH_MAXRSS_KB=%M', cmd, ...args]] : [cmd, args];
  const s = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  const m = /BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  return { ms, rssMiB: m ? Number(m[1]) / 1024 : undefined, status: r.status, stdout: r.stdout, stderr: (r.stderr ?? '').replace(/BENCH_MAXRSS_KB=\d+\n?/, '') };
}

/** `runs` runs, each after `before()`: the median time and the largest RSS. */
function repeat(runs, before, cmd, args, options) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    results.push(measure(cmd, args, options));
  }
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const rss = results.map((r) => r.rssMiB).filter((x) => x !== undefined);
  return { ms: times[Math.floor(times.length / 2)], rssMiB: rss.length ? Math.max(...rss) : undefined, runs, last: results[results.length - 1] };
}

const CLI = join(root, 'dist/cli.js');

function ours(repo, cacheHome, runs, fresh) {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' };
  const r = repeat(runs, fresh ? () => rmSync(cacheHome, { recursive: true, force: true }) : undefined, process.execPath, [CLI, repo, '--format', 'json'], { env });
  return { ...r, findings: r.last.stdout ? countBy(JSON.parse(r.last.stdout).findings) : { error: r.last.stderr.slice(0, 500) } };
}

function countBy(findings) {
  const out = {};
  for (const f of findings) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
  return out;
}

function floor(repo, mode, runs) {
  const r = repeat(runs, undefined, process.execPath, [join(root, 'scripts/bench-floor.mjs'), mode, repo]);
  return { ...r, ...JSON.parse(r.last.stdout) };
}

function pyright(repo, runs) {
  if (!existsSync(bin('pyright'))) return { missing: 'pyright is not installed (npm ci)' };
  const r = repeat(runs, undefined, bin('pyright'), ['--outputjson', repo], { cwd: repo });
  let diagnostics;
  try {
    diagnostics = JSON.parse(r.last.stdout).summary;
  } catch {
    diagnostics = { error: (r.last.stderr || r.last.stdout).slice(0, 500) };
  }
  return { ms: r.ms, rssMiB: r.rssMiB, runs, summary: diagnostics };
}

function secretlint(repo, runs) {
  if (!existsSync(bin('secretlint'))) return { missing: 'secretlint is not installed (npm ci)' };
  const r = repeat(runs, undefined, bin('secretlint'), ['--format', 'json', '--secretlintrc', join(repo, '.secretlintrc.json'), '**/*'], { cwd: repo });
  let findings;
  try {
    findings = JSON.parse(r.last.stdout).reduce((n, f) => n + f.messages.length, 0);
  } catch {
    findings = { error: (r.last.stderr || r.last.stdout).slice(0, 500) };
  }
  return { ms: r.ms, rssMiB: r.rssMiB, runs, findings };
}

// ---------------------------------------------------------------------------------------------
// Warm in-process re-lints (what the language server does after an edit: parse cache warm, the rest recomputed).

const engine = join(root, 'dist', 'bench-engine.cjs');
await build({ entryPoints: [join(root, 'scripts/bench-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: engine, logLevel: 'warning' });
const require = createRequire(import.meta.url);
const { runLint, initPython } = require(engine);
await initPython();

async function inProcess(repo, runs) {
  const times = [];
  for (let i = 0; i < runs + 1; i++) {
    const s = process.hrtime.bigint();
    await runLint(repo);
    if (i > 0) times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], runs };
}

// ---------------------------------------------------------------------------------------------

const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), runs: RUNS, peerRuns: PEER_RUNS, sizes: [] };
if (LSP_ONLY) {
  // The CLI figures of the last full run stay, with their own date.
  const previous = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'));
  Object.assign(results, { sizes: previous.sizes, runs: previous.runs, peerRuns: previous.peerRuns, cliDate: previous.cliDate ?? previous.date, cliLoad: previous.cliLoad, cliLoadEnd: previous.cliLoadEnd, cliNotes: previous.cliNotes });
} else results.cliLoad = loadavg()[0];
if (CLI_ONLY) {
  // The language-server figures of the last run stay, with their own date.
  const previous = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'));
  Object.assign(results, { lsp: previous.lsp, lspRuns: previous.lspRuns, lspDate: previous.lspDate ?? previous.date });
}
for (const size of LSP_ONLY ? [] : SIZES) {
  const repo = join(work, `repo-${size}`);
  const shape = generate(repo, size);
  const cache = join(work, `cache-${size}`);
  console.error(`bench: ${size} Python files (${shape.services} services) ...`);
  const row = { size, ...shape };
  row.read = floor(repo, 'read', RUNS);
  row.parse = floor(repo, 'parse', RUNS);
  row.cold = ours(repo, cache, RUNS, true);
  row.warm = ours(repo, cache, RUNS, false);
  row.noCache = ours(repo, join(work, 'never'), RUNS, false);
  row.noCache.wroteNothing = !existsSync(join(work, 'never'));
  row.inProcess = await inProcess(repo, RUNS);
  if (PEERS) {
    row.pyright = pyright(repo, PEER_RUNS);
    row.secretlint = flag('no-secretlint') ? { missing: 'not run (--no-secretlint)' } : secretlint(repo, PEER_RUNS);
  }
  for (const k of ['read', 'parse', 'cold', 'warm', 'noCache']) delete row[k].last;
  results.sizes.push(row);
  if (!flag('keep')) rmSync(repo, { recursive: true, force: true });
}
if (!LSP_ONLY) results.cliLoadEnd = loadavg()[0];
if (!flag('keep')) rmSync(work, { recursive: true, force: true });
else console.error(`bench: kept ${work}`);

// The language server through a real LSP client over stdio (scripts/bench-lsp.mjs; --no-lsp skips it).
const { benchLsp, lspRows } = await import('./bench-lsp.mjs');
if (!flag('no-lsp') && !CLI_ONLY) {
  console.error('bench: language server ...');
  // The machine is shared: each run's 1-minute load average is kept beside its figures, and the table shows the median of the runs.
  results.lspRuns = [];
  for (let i = 0; i < LSP_RUNS; i++) {
    const load = loadavg()[0];
    results.lspRuns.push({ load, ...(await benchLsp()) });
  }
  results.lsp = medianOf(results.lspRuns);
}

mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
const table = renderTable(results) + lspSection(results, lspRows);
writeReadme(results, table);
console.log(table);
process.exit(0);

function writeReadme(r, table) {
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench/README.md'), `# Benchmark\n\nWritten by \`npm run bench\` (scripts/bench.mjs); the figures in \`results.json\`. Do not edit by hand.\n\n${table}`);
}

/** The language-server section: this run's figures, or those kept from an earlier run (--cli-only) with their date. */
function lspSection(r, lspRows) {
  if (!r.lsp || !r.lspRuns?.length) return '';
  const runs = r.lspRuns.length;
  const loads = r.lspRuns.map((x) => x.load.toFixed(1)).join(', ');
  const kept = r.lspDate ? ' (kept from an earlier run: this run measured the CLI only)' : '';
  return `\n## Language server (stdio, a real LSP client)\n\n${(r.lspDate ?? r.date).slice(0, 10)}${kept}; median of ${runs} run${runs === 1 ? '' : 's'} (each a fresh server); 1-minute load average at the start of each run: ${loads} (2 CPUs, shared).\n\n| measure | value | target |\n|---|---|---|\n${lspRows(r.lsp).join('\n')}\n`;
}

/** Per field, the median over the runs (objects field by field; booleans: all true; counts of stale publications: the worst). */
function medianOf(runs) {
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const out = {};
  for (const k of Object.keys(runs[0])) {
    const xs = runs.map((r) => r[k]);
    if (typeof xs[0] === 'boolean') out[k] = xs.every(Boolean);
    else if (k === 'stalePublicationsAfterFinal') out[k] = Math.max(...xs);
    else if (typeof xs[0] === 'number') out[k] = med(xs);
    else if (xs[0] && typeof xs[0] === 'object') out[k] = medianOf(xs);
  }
  return out;
}

function renderTable(r) {
  const ms = (x) => (x?.ms === undefined ? 'n/a' : x.ms >= 10000 ? `${(x.ms / 1000).toFixed(1)} s` : `${Math.round(x.ms)} ms`);
  const mib = (x) => (x?.rssMiB === undefined ? '' : ` / ${Math.round(x.rssMiB)} MiB`);
  const ratio = (a, b) => (a?.ms && b?.ms ? `${(a.ms / b.ms).toFixed(2)}×` : 'n/a');
  const cols = r.sizes;
  const line = (label, f) => `| ${label} | ${cols.map(f).join(' | ')} |`;
  const rows = [
    `| measure (wall time / peak RSS) | ${cols.map((c) => `${c.pyFiles.toLocaleString('en')} Python files`).join(' | ')} |`,
    `|---|${cols.map(() => '---:').join('|')}|`,
    line('floor: read every file', (c) => ms(c.read) + mib(c.read)),
    line('floor: read + tree-sitter parse every .py', (c) => ms(c.parse) + mib(c.parse)),
    line('**deploylint CLI, cold** (empty cache)', (c) => ms(c.cold) + mib(c.cold)),
    line('cold ÷ parse floor (target ≤ 1.3× at 10,000)', (c) => ratio(c.cold, c.parse)),
    line('**deploylint CLI, warm** (cache filled)', (c) => ms(c.warm) + mib(c.warm)),
    line('warm ÷ cold (target ≤ 25 %)', (c) => (c.warm.ms && c.cold.ms ? `${Math.round((100 * c.warm.ms) / c.cold.ms)} %` : 'n/a')),
    line('deploylint CLI, `--no-cache`', (c) => ms(c.noCache) + mib(c.noCache)),
    line('deploylint re-lint in process (parse cache warm)', (c) => ms(c.inProcess)),
    line('pyright --outputjson', (c) => (c.pyright?.missing ? 'not installed' : ms(c.pyright) + mib(c.pyright))),
    line('pyright ÷ deploylint cold (target ≥ 10×)', (c) => ratio(c.pyright, c.cold)),
    line('secretlint (recommended preset)', (c) => (c.secretlint?.missing ? c.secretlint.missing.replace(/ \(npm ci\)$/, '') : ms(c.secretlint) + mib(c.secretlint))),
    line('secretlint ÷ deploylint cold (target ≥ 10×)', (c) => ratio(c.secretlint, c.cold)),
    line('deploylint findings', (c) => Object.entries(c.cold.findings).map(([k, v]) => `${k} ${v}`).join(', ')),
    line('peer findings', (c) => `pyright ${c.pyright?.summary?.errorCount ?? '?'} errors; secretlint ${typeof c.secretlint?.findings === 'number' ? c.secretlint.findings : '?'}`),
  ];
  const kept = r.cliDate ? ' (kept from the last full run: this run measured the language server only)' : '';
  const load = r.cliLoad !== undefined ? `; 1-minute load average ${r.cliLoad.toFixed(1)} at the start${r.cliLoadEnd !== undefined ? `, ${r.cliLoadEnd.toFixed(1)} at the end` : ''}` : '';
  const notes = r.cliNotes ? `\nNotes on these CLI figures (kept in results.json as cliNotes): ${r.cliNotes}\n` : '';
  return `${(r.cliDate ?? r.date).slice(0, 10)}${kept}${load}, node ${r.node}, ${r.cpus} CPUs (${r.cpuModel}), ${r.memGiB} GiB; median of ${r.runs} runs (peers: ${r.peerRuns}). Each figure is a fresh process's wall time, spawn included; the parse floor loads tree-sitter once and parses each .py file, keeping nothing.\n\nWhat the ratio compares: the floor parses every .py file; deploylint parses only the Python files some rule needs (the files of import closures, entry modules and server configs, and files whose text may hold a secret by a lexical pre-check) and skips the rest. In these generated repositories every .py file is in a service's closure, so both sides parse the same files. Our time is everything a user waits for: discovery, image models, rules, output, and in the cold run writing the cache.\n\n${rows.join('\n')}\n${notes}`;
}
