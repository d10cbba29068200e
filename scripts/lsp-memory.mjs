// Measures the language server's resident memory over 5,000 edits (in bursts, each linted): `npm run build && node scripts/lsp-memory.mjs [folder]`.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const root = path.resolve(process.argv[2] ?? 'examples');
const server = spawn(process.execPath, ['dist/server.js', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
let published = 0;
conn.onNotification('textDocument/publishDiagnostics', () => published++);
conn.onNotification('window/logMessage', () => {});
conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
conn.listen();
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }], capabilities: {} });
await conn.sendNotification('initialized', {});
const file = [path.join(root, 'docker/worker.Dockerfile'), path.join(root, 'Dockerfile')].find((f) => fs.existsSync(f)) ?? path.join(root, 'Dockerfile');
const base = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : 'FROM python:3.11\n';
const uri = pathToFileURL(file).href;
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 0, text: base } });
await sleep(3000);
const samples = [[0, rss()]];
for (let v = 1; v <= 5000; v++) {
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: base + `# edit ${v}\nCOPY missing-${v % 7}.py /app/\n` }] });
  if (v % 50 === 0) await sleep(400); // let the debounced lint run
  if (v % 1000 === 0) {
    global.gc?.();
    samples.push([v, rss()]);
  }
}
await sleep(1000);
console.log(`server RSS (MiB) by edits on ${path.relative(process.cwd(), file)}: ${samples.map(([v, m]) => `${v}: ${m.toFixed(0)}`).join(', ')}; ${published} publications`);
await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
server.kill();
process.exit(0);
