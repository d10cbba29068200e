// Preload (node -r) for tests: every way to run a process or open a network connection records the attempt and throws.
const fs = require('fs');
const trace = process.env.DEPLOYLINT_TRACE_FILE;

function deny(what) {
  return function denied() {
    const line = `${what} ${JSON.stringify(Array.from(arguments).map((a) => (typeof a === 'function' ? 'fn' : a)).slice(0, 3))}\n`;
    if (trace) fs.appendFileSync(trace, line);
    throw new Error(`deploylint test preload: ${what} is not allowed`);
  };
}

const cp = require('child_process');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) cp[name] = deny(`child_process.${name}`);
const net = require('net');
net.connect = deny('net.connect');
net.createConnection = deny('net.createConnection');
net.Socket.prototype.connect = deny('net.Socket.connect');
require('tls').connect = deny('tls.connect');
for (const mod of ['http', 'https']) {
  const m = require(mod);
  m.request = deny(`${mod}.request`);
  m.get = deny(`${mod}.get`);
}
require('dgram').createSocket = deny('dgram.createSocket');
globalThis.fetch = deny('fetch');
if (globalThis.WebSocket) globalThis.WebSocket = deny('WebSocket');
