#!/usr/bin/env node
// Manual end-to-end check in real VS Code (code-server) driven by headless Chromium: install the .vsix, open examples/,
// see the diagnostics in the editor and the Problems panel, apply a quick fix with Ctrl+., take screenshots.
// Needs code-server (npm, 4.100.3 on Node 20), Debian's chromium and playwright-core; not part of `npm test`.
// Env: CS_BIN, PLAYWRIGHT (path to playwright-core), CHROMIUM (/usr/bin/chromium), VSIX (deploylint.vsix), SHOTS, PORT.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');
const { ROOT, CS_BIN, SHOTS, sandbox, startCodeServer, launchBrowser, stop } = require('./common');
const fs = require('fs');

const VSIX = process.env.VSIX || path.join(ROOT, 'deploylint.vsix');
const PORT = Number(process.env.PORT || 18090);
const T = 60000;
const log = (...a) => console.log('[e2e]', ...a);
const box = sandbox('deploylint-e2e-');
const ws = box.ws;
fs.mkdirSync(SHOTS, { recursive: true });

const lines = (page) => page.$$eval('.editor-instance .view-lines .view-line', (els) => els
  .map((e) => ({ top: parseFloat(e.style.top), text: e.textContent.replace(/\u00a0/g, ' ') })).sort((a, b) => a.top - b.top).map((x) => x.text));

let cs, ctx;
async function main() {
  log(execFileSync(CS_BIN, [...box.cfg, '--install-extension', VSIX, '--force'], { encoding: 'utf8' }).trim().split('\n').pop());
  cs = await startCodeServer(box, PORT, [ws]);
  ctx = await launchBrowser(box);
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

main().then(() => 0, async (e) => {
  console.error('FAIL', e);
  try { await ctx?.pages()[0]?.screenshot({ path: path.join(SHOTS, '99-failure.png') }); } catch { /* no page */ }
  return 1;
}).then(async (code) => {
  await stop(box, cs, ctx);
  process.exit(code);
});
