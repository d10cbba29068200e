#!/usr/bin/env node
// Manual end-to-end check in real VS Code (code-server) driven by headless Chromium: install the .vsix, open examples/,
// see the diagnostics in the editor and the Problems panel, apply a quick fix with Ctrl+., take screenshots.
// Needs code-server (npm, 4.100.3 on Node 20), Debian's chromium and playwright-core; not part of `npm test`.
// Env: CS_BIN, PLAYWRIGHT (path to playwright-core), CHROMIUM (/usr/bin/chromium), VSIX (deploylint.vsix), SHOTS, PORT.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { chromium } = require(process.env.PLAYWRIGHT || 'playwright-core');

const ROOT = path.resolve(__dirname, '../..');
const CS_BIN = process.env.CS_BIN || 'code-server';
const VSIX = process.env.VSIX || path.join(ROOT, 'deploylint.vsix');
const SHOTS = process.env.SHOTS || path.join(ROOT, '.e2e-shots');
const PORT = Number(process.env.PORT || 18090);
const T = 60000;
const log = (...a) => console.log('[e2e]', ...a);

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-e2e-'));
const data = path.join(TMP, 'data');
const exts = path.join(TMP, 'exts');
const ws = path.join(TMP, 'examples');
fs.mkdirSync(path.join(data, 'User'), { recursive: true });
fs.cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
fs.writeFileSync(path.join(data, 'User/settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off',
  'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false, 'window.commandCenter': false, 'workbench.colorTheme': 'Default Light Modern',
}));
fs.mkdirSync(SHOTS, { recursive: true });

const get = (url) => new Promise((r) => http.get(url, (res) => { res.resume(); r(res.statusCode); }).on('error', () => r(0)));
async function waitHttp(url) {
  const end = Date.now() + T;
  while (Date.now() < end) { if (await get(url) === 200) return; await new Promise((r) => setTimeout(r, 200)); }
  throw new Error('timeout ' + url);
}
const lines = (page) => page.$$eval('.editor-instance .view-lines .view-line', (els) => els
  .map((e) => ({ top: parseFloat(e.style.top), text: e.textContent.replace(/\u00a0/g, ' ') })).sort((a, b) => a.top - b.top).map((x) => x.text));

let cs, ctx;
async function main() {
  const cfg = ['--config', path.join(TMP, 'cfg.yaml'), '--user-data-dir', data, '--extensions-dir', exts];
  log(execFileSync(CS_BIN, [...cfg, '--install-extension', VSIX, '--force'], { encoding: 'utf8' }).trim().split('\n').pop());
  cs = spawn(CS_BIN, ['--bind-addr', `127.0.0.1:${PORT}`, '--auth', 'none', ...cfg, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', ws], { detached: true, stdio: 'ignore' });
  await waitHttp(`http://127.0.0.1:${PORT}/healthz`);
  ctx = await chromium.launchPersistentContext(path.join(TMP, 'chrome'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, viewport: { width: 1500, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: T });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: T });
  await page.click('.monaco-workbench .part.editor', { position: { x: 300, y: 300 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type('predictions-coordinator.Dockerfile');
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: T });
  await page.keyboard.press('Enter');
  await page.waitForSelector('.editor-instance .squiggly-error', { timeout: T });
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'missing-copy-source' }).first().waitFor({ timeout: T });
  await page.waitForTimeout(500);
  const rows = await page.$$eval('.markers-panel .monaco-list-row', (els) => els.map((e) => e.getAttribute('aria-label') || e.textContent));
  log('PROBLEMS:\n  ' + rows.join('\n  '));
  await page.screenshot({ path: path.join(SHOTS, '01-problems.png') });
  // Cursor on the typo'd COPY source (line 6), then Ctrl+.
  await page.keyboard.press('Control+G');
  await page.keyboard.type('6:10');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+.');
  const want = "Replace with 'predictions/coordinator/requirements.txt'";
  await page.locator('.action-widget .monaco-list-row', { hasText: want }).first().waitFor({ timeout: T });
  await page.screenshot({ path: path.join(SHOTS, '02-quick-fix.png') });
  for (let i = 0; i < 10; i++) {
    const focused = await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label').catch(() => null);
    if (focused && focused.includes(want)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-instance .view-lines .view-line')]
    .some((e) => e.textContent.replace(/\u00a0/g, ' ').includes('predictions/coordinator/requirements.txt')), null, { timeout: T });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'missing-copy-source' }).first().waitFor({ state: 'detached', timeout: T });
  log('LINES AFTER FIX:\n  ' + (await lines(page)).join('\n  '));
  await page.screenshot({ path: path.join(SHOTS, '03-after-fix.png') });
  // The Python side: the worker's import lines carry the mirrored missing-module diagnostics.
  await page.keyboard.press('Control+P');
  await page.keyboard.type('worker.py');
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'system_circuit_breaker' }).first().waitFor({ timeout: T });
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(SHOTS, '04-python-mirror.png') });
  log('PASS');
}

main().then(() => 0, (e) => { console.error('FAIL', e); return 1; }).then(async (code) => {
  try { await ctx?.close(); } catch {}
  try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
  fs.rmSync(TMP, { recursive: true, force: true });
  process.exit(code);
});
