// Shared by the e2e scripts: tool paths, a fresh code-server (own user data, extensions dir, config) on a copy of examples/, headless Chromium.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const TOOLS = process.env.DEPLOYLINT_E2E_TOOLS || path.join(ROOT, '.e2e-tools');
const CS_BIN = process.env.CS_BIN || path.join(TOOLS, 'node_modules/.bin/code-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SHOTS || path.join(ROOT, '.e2e-shots');

function playwright() {
  return require(process.env.PLAYWRIGHT || path.join(TOOLS, 'node_modules/playwright-core'));
}

/** A temp folder with code-server's user data (quiet settings) and a copy of examples/ as the workspace (fix-all on save on). */
function sandbox(prefix, workspaceSettings = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const data = path.join(tmp, 'data');
  const ws = path.join(tmp, 'examples');
  fs.mkdirSync(path.join(data, 'User'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
  fs.writeFileSync(path.join(data, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off',
    'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false, 'window.commandCenter': false, 'workbench.colorTheme': 'Default Light Modern',
    'editor.hover.delay': 100, 'workbench.tips.enabled': false,
  }));
  // Fix-all on save, as the README suggests; set before code-server starts so that the first save already sees it.
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(path.join(ws, '.vscode/settings.json'), JSON.stringify({ 'editor.codeActionsOnSave': { 'source.fixAll.deploylint': 'explicit' }, ...workspaceSettings }));
  return { tmp, data, ws, exts: path.join(tmp, 'exts'), cfg: ['--config', path.join(tmp, 'cfg.yaml'), '--user-data-dir', data, '--extensions-dir', path.join(tmp, 'exts')] };
}

const get = (url) => new Promise((r) => http.get(url, (res) => { res.resume(); r(res.statusCode); }).on('error', () => r(0)));

/** Starts code-server on 127.0.0.1:port (its own process group, killed by `stop`) and waits for /healthz. */
async function startCodeServer(box, port, extra = []) {
  const cs = spawn(CS_BIN, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...box.cfg, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', ...extra], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = fs.createWriteStream(path.join(box.tmp, 'code-server.log'));
  cs.stdout.pipe(out);
  cs.stderr.pipe(out);
  const end = Date.now() + 60000;
  while (Date.now() < end) {
    if (await get(`http://127.0.0.1:${port}/healthz`) === 200) return cs;
    if (cs.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not start on port ${port} (log: ${path.join(box.tmp, 'code-server.log')})`);
}

async function launchBrowser(box) {
  return playwright().chromium.launchPersistentContext(path.join(box.tmp, 'chrome'), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1500, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Closes the browser, kills code-server's process group, removes the sandbox (kept with KEEP_TMP=1). */
async function stop(box, cs, ctx) {
  try { await ctx?.close(); } catch { /* already closed */ }
  try { if (cs) process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ }
  if (!process.env.KEEP_TMP) fs.rmSync(box.tmp, { recursive: true, force: true });
}

module.exports = { ROOT, TOOLS, CS_BIN, CHROMIUM, SHOTS, sandbox, startCodeServer, launchBrowser, stop };
