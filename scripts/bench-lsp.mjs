// The language server through a real LSP client over stdio (dist/server.js as a child process): time to first diagnostics, edit-to-diagnostics over Dockerfile and Python edits in a 1,000-file closure, a burst of 200 edits, RSS after a 10,000-file repository.
// Usage: npm run build && node scripts/bench-lsp.mjs [--edits 100] [--burst 200] [--closure 1000] [--big 10000]   (scripts/bench.mjs calls benchLsp() too)
import { spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const uri = (p) => pathToFileURL(p).href;

/**
 * A service whose entry imports a closure of `closure` modules (a chain with a fan every tenth
 * module, so that the walk has breadth and depth), its Dockerfile, compose file and requirements,
 * and `total - closure` other files (Python no image holds, text, YAML) that discovery and the
 * secret scan walk.
 */
export function generateLspRepo(dir, closure, total) {
  const w = (rel, text) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  w('app/__init__.py', '');
  for (let i = 0; i < closure; i++) {
    const next = i + 1 < closure ? `from app.m${i + 1} import f${i + 1}\n` : '';
    const fan = i % 10 === 0 && i + 10 < closure ? `import app.m${i + 10}\n` : '';
    w(`app/m${i}.py`, `import os\nimport json\n${next}${fan}\n\ndef f${i}(x=${i}):\n    return json.dumps({"v": x, "env": os.environ.get("X")})\n`);
  }
  w('main.py', 'from flask import Flask\nfrom app.m0 import f0\n\napp = Flask(__name__)\n');
  w('requirements.txt', 'flask\ngunicorn\n');
  w('Dockerfile', DOCKERFILE);
  w('.dockerignore', '.git\nother/\n');
  w('compose.yaml', 'services:\n  web:\n    build: .\n    ports: ["8080:8080"]\n');
  for (let i = 0; i < total - closure - 6; i++) {
    const d = `other/d${i % 100}`;
    if (i % 3 === 0) w(`${d}/tool_${i}.py`, `import sys\n\nprint(sys.argv, ${i})\n`);
    else if (i % 3 === 1) w(`${d}/notes_${i}.txt`, `note ${i}\n`);
    else w(`${d}/conf_${i}.yaml`, `name: item-${i}\nvalue: ${i}\n`);
  }
}

export const DOCKERFILE = 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY main.py ./\nCOPY app/ ./app/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "main:app"]\n';

/** A client over stdio that records every publication with the time it arrived. */
class Client {
  constructor() {
    this.proc = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.pubs = [];
    this.waiters = [];
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      this.pubs.push({ at: performance.now(), ...p });
      for (const w of [...this.waiters]) w();
    });
    this.conn.onNotification('window/logMessage', (p) => process.env.BENCH_LOG && console.error(p.message.slice(0, 200)));
    this.conn.onNotification('deploylint/status', () => {});
    this.conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  async start(dir) {
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(dir),
      workspaceFolders: [{ uri: uri(dir), name: 'bench' }],
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    });
    await this.conn.sendNotification('initialized', {});
  }

  /** Resolves with the first publication from index `from` on that satisfies `pred`. */
  next(pred, from = 0, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let i = from; i < this.pubs.length; i++) {
          if (pred(this.pubs[i])) {
            clearTimeout(t);
            this.waiters = this.waiters.filter((w) => w !== check);
            resolve(this.pubs[i]);
            return;
          }
        }
      };
      const t = setTimeout(() => reject(new Error('timed out waiting for a publication')), timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  open(path, languageId, text) {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId, version: 0, text } });
  }

  change(path, version, text) {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [{ text }] });
  }

  rssMiB() {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'))[1]) / 1024;
  }

  async stop() {
    await Promise.race([this.conn.sendRequest('shutdown'), sleep(2000)]);
    await this.conn.sendNotification('exit');
    this.conn.dispose();
    this.proc.kill();
  }
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

const summary = (xs) => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs) });

/**
 * Edits one open document `n` times, each edit waiting for the publication of that document at
 * the edit's version; every edit changes the document's problems (so that there is something to
 * publish). Returns the edit-to-diagnostics times in ms.
 */
async function timedEdits(client, path, n, textFor, startVersion) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const version = startVersion + i;
    const from = client.pubs.length;
    const sent = performance.now();
    await client.change(path, version, textFor(i));
    const p = await client.next((x) => x.uri === uri(path) && x.version === version, from);
    times.push(p.at - sent);
  }
  return times;
}

/** A provider-format key that differs per edit (the finding's message and range change with it). */
const token = (i) => 'ghp_' + String(i).padStart(6, '0') + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5';

export async function benchLsp({ edits = 100, burst = 200, closure = 1000, big = 10000 } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'deploylint-bench-lsp-'));
  const out = {};
  try {
    // 1. A 1,000-file closure: first diagnostics, Dockerfile and Python edits, a burst.
    const repo = join(work, 'closure');
    generateLspRepo(repo, closure, closure + 6);
    const df = join(repo, 'Dockerfile');
    const py = join(repo, `app/m${Math.floor(closure / 2)}.py`);
    const pyText = readFileSync(py, 'utf8');
    let client = new Client();
    let t0 = performance.now();
    await client.start(repo);
    await client.open(df, 'dockerfile', DOCKERFILE);
    await client.open(py, 'python', pyText);
    await client.next((p) => p.uri === uri(df));
    out.firstDiagnosticsMs = performance.now() - t0;
    await sleep(500);
    out.dockerfileEdits = summary(await timedEdits(client, df, edits, (i) => DOCKERFILE + `COPY missing_${i}.py ./\n`, 1));
    out.pythonEdits = summary(await timedEdits(client, py, edits, (i) => pyText + '\n'.repeat(1 + (i % 2)) + `API_TOKEN_${i} = "${token(i)}"\n`, 1));

    // The burst: every edit sent without waiting; the last one's problems are the final state.
    await sleep(300);
    const first = edits + 1;
    const last = first + burst - 1;
    const from = client.pubs.length;
    for (let v = first; v <= last; v++) client.change(df, v, DOCKERFILE + `COPY burst_${v}.py ./\n`);
    const lastSent = performance.now();
    const final = await client.next((p) => p.uri === uri(df) && p.version === last, from);
    out.burstSettleMs = final.at - lastSent;
    await sleep(1000);
    const finalIndex = client.pubs.indexOf(final);
    const afterFinal = client.pubs.slice(finalIndex + 1);
    out.burstPublications = client.pubs.length - from;
    out.stalePublicationsAfterFinal = afterFinal.length;
    out.finalStateCorrect = final.diagnostics.some((d) => d.message.includes(`'burst_${last}.py'`));
    await client.stop();

    // 2. A 10,000-file repository: first diagnostics and resident memory (after the first lint, then after 100 edits).
    const bigRepo = join(work, 'big');
    generateLspRepo(bigRepo, closure, big);
    const bigDf = join(bigRepo, 'Dockerfile');
    client = new Client();
    t0 = performance.now();
    await client.start(bigRepo);
    await client.open(bigDf, 'dockerfile', DOCKERFILE);
    await client.next((p) => p.uri === uri(bigDf));
    out.bigFirstDiagnosticsMs = performance.now() - t0;
    await sleep(500);
    out.bigRssAfterFirstMiB = client.rssMiB();
    out.bigDockerfileEdits = summary(await timedEdits(client, bigDf, edits, (i) => DOCKERFILE + `COPY missing_${i}.py ./\n`, 1));
    out.bigRssAfterEditsMiB = client.rssMiB();
    await client.stop();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** The figures as markdown table rows, with the targets of issue #12 beside them. */
export function lspRows(r, { edits = 100, burst = 200, closure = 1000, big = 10000 } = {}) {
  const ms = (x) => `${x.toFixed(0)} ms`;
  const three = (s) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}`;
  return [
    `| LSP: time to first diagnostics (${closure}-file closure) | ${ms(r.firstDiagnosticsMs)} | |`,
    `| LSP: Dockerfile edit to diagnostics, p50 / p95 / max (${edits} edits) | ${three(r.dockerfileEdits)} | p95 < 50 ms |`,
    `| LSP: Python edit to diagnostics, p50 / p95 / max (${edits} edits, file in the closure) | ${three(r.pythonEdits)} | p95 < 100 ms |`,
    `| LSP: burst of ${burst} edits, last edit to final state | ${ms(r.burstSettleMs)} (${r.burstPublications} publications; ${r.stalePublicationsAfterFinal} after the final state; final state ${r.finalStateCorrect ? 'correct' : 'WRONG'}) | < 1 s, 0 stale |`,
    `| LSP: time to first diagnostics (${big}-file repository) | ${ms(r.bigFirstDiagnosticsMs)} | |`,
    `| LSP: Dockerfile edit to diagnostics, p50 / p95 / max (${big}-file repository) | ${three(r.bigDockerfileEdits)} | |`,
    `| LSP: server RSS after the ${big}-file repository (first lint; after ${edits} edits) | ${r.bigRssAfterFirstMiB.toFixed(0)} MiB; ${r.bigRssAfterEditsMiB.toFixed(0)} MiB | < 300 MB |`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, def) => {
    const i = process.argv.indexOf('--' + name);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const opts = { edits: arg('edits', 100), burst: arg('burst', 200), closure: arg('closure', 1000), big: arg('big', 10000) };
  const r = await benchLsp(opts);
  console.log(`deploylint language server benchmark (${new Date().toISOString().slice(0, 10)}, node ${process.version})`);
  console.log('');
  console.log('| measure | value | target |');
  console.log('|---|---|---|');
  for (const row of lspRows(r, opts)) console.log(row);
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  process.exit(0);
}
