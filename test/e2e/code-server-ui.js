#!/usr/bin/env node
// UI test in real VS Code (code-server) driven by headless Chromium: install the .vsix, open examples/, then the Problems
// panel, a lightbulb fix, the Python mirror, hovers on a COPY and on the target, the CodeLens and its explain text, a
// document link, the image view, the status item, a suppression from the lightbulb and fix-all on save, with a screenshot of each step in .e2e-shots/ (run by npm run test:e2e).
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

/** Quick Open a file by name or `folder/name` (the list shows the folder beside the name). */
async function openFile(page, query) {
  const name = path.basename(query);
  const folder = path.dirname(query);
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
  await page.keyboard.type(query);
  let row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name });
  if (folder !== '.') row = row.filter({ hasText: folder });
  await row.first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor({ timeout: T });
}

/** Ctrl+. at the cursor, then the action titled `want` chosen with the keyboard (a click is intercepted by the menu's pointer block). */
async function pickAction(page, want, shot) {
  // Asked while the file's re-lint after opening is in flight, the menu can come up empty ("No code actions available"): ask again.
  const row = page.locator('.action-widget .monaco-list-row', { hasText: want }).first();
  for (let i = 0; ; i++) {
    await page.keyboard.press('Control+.');
    try {
      await row.waitFor({ timeout: i < 4 ? 5000 : T });
      break;
    } catch (e) {
      if (i >= 4) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.screenshot({ path: path.join(SHOTS, shot) });
  for (let i = 0; i < 15; i++) {
    const focused = await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label').catch(() => null);
    if (focused && focused.includes(want)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
}

/** True once some rendered line of the active editors is exactly `text`. */
function lineShown(page, text) {
  return page.waitForFunction((t) => [...document.querySelectorAll('.editor-instance .view-lines .view-line')]
    .some((e) => e.textContent.replace(/\u00a0/g, ' ') === t), text, { timeout: T });
}

/** Ctrl+G to `line:col`, checked in the status bar (asked again when the keys went elsewhere while the editor was opening). */
async function gotoLine(page, where) {
  const [line, col] = where.split(':');
  const shown = page.locator('#status\\.editor\\.selection', { hasText: `Ln ${line}, Col ${col}` });
  for (let i = 0; ; i++) {
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: T });
    await page.keyboard.type(where);
    await page.keyboard.press('Enter');
    try {
      await shown.waitFor({ timeout: 3000 });
      return;
    } catch (e) {
      if (i >= 4) throw e;
      await page.keyboard.press('Escape');
      await focusEditor(page);
    }
  }
}

/**
 * Clicks `locator`, tried a few times with a short timeout and overlays dismissed in between: the workbench can refuse
 * the pointer for a while ("<html> intercepts pointer events" while the panel closes or a widget fades; CI failed on
 * that once). Returns whether a click went through.
 */
async function clickPatiently(page, locator, options = {}) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await locator.click({ ...options, timeout: 5000 });
      return true;
    } catch (e) {
      console.log(`[ui] click attempt ${attempt} refused (${String(e.message).split('\n')[0]}); retrying`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  return false;
}

/**
 * Keyboard focus into the active editor's text: a click on it, else the keyboard command that focuses the active
 * editor group (Ctrl+1); focus is then checked, not assumed.
 */
async function focusEditor(page) {
  const text = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  if (await clickPatiently(page, text, { position: { x: 5, y: 5 } })) return;
  await page.keyboard.press('Control+1');
  await page.waitForFunction(() => !!document.activeElement?.closest('.editor-group-container.active .monaco-editor'), null, { timeout: T });
}

/** clickPatiently, then one last plain click whose error (if any) fails the test. */
async function click(page, locator, options = {}) {
  if (!(await clickPatiently(page, locator, options))) await locator.click({ ...options, timeout: T });
}

/** Moves the cursor to `line:col` and shows the hover there (Ctrl+K Ctrl+I); resolves with its text once it contains `want`. */
async function showHover(page, where, want) {
  await focusEditor(page);
  await gotoLine(page, where);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover-content', { hasText: want }).first();
  await hover.waitFor({ timeout: T });
  return (await hover.textContent()).replace(/\u00a0/g, ' ');
}

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
  await pickAction(page, "Replace with 'predictions/coordinator/requirements.txt'", '02-quick-fix.png');
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-instance .view-lines .view-line')]
    .some((e) => e.textContent.replace(/\u00a0/g, ' ').includes('predictions/coordinator/requirements.txt')), null, { timeout: T });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'missing-copy-source' }).first().waitFor({ state: 'detached', timeout: T });
  log('LINES AFTER FIX:\n  ' + (await lines(page)).join('\n  '));
  await page.screenshot({ path: path.join(SHOTS, '03-after-fix.png') });
  // The Python side: the worker's import lines carry the mirrored missing-module diagnostics.
  await openFile(page, 'worker.py');
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-instance .view-lines .view-line')]
    .some((e) => e.textContent.replace(/\u00a0/g, ' ').startsWith('from system_circuit_breaker import')), null, { timeout: T });
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'worker.py' }).waitFor({ timeout: T });
  await page.waitForSelector('.editor-instance .squiggly-error', { timeout: T });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'system_circuit_breaker' }).first().waitFor({ timeout: T });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, '04-python-mirror.png') });

  // Hovers: a COPY line, then the server target.
  await openFile(page, 'predictions-worker.Dockerfile');
  await focusEditor(page);
  if (await page.locator('.part.panel').isVisible()) await page.keyboard.press('Control+J'); // room for hovers and the view
  await showHover(page, '10:3', 'brings 3 files into the final stage');
  await page.screenshot({ path: path.join(SHOTS, '05-hover-copy.png') });
  await page.keyboard.press('Escape');
  const target = await showHover(page, '13:72', 'module file: /app/worker.py ← predictions/worker/worker.py');
  if (!target.includes('callable: app (defined at predictions/worker/worker.py:13)')) throw new Error('target hover: ' + target);
  await page.screenshot({ path: path.join(SHOTS, '06-hover-target.png') });
  await page.keyboard.press('Escape');

  // CodeLens above the CMD; clicking it opens the --explain text of the container.
  const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: 'imports 4 local modules · 3 missing · startup ≈ 60 s' }).first();
  await lens.waitFor({ timeout: T });
  await page.screenshot({ path: path.join(SHOTS, '07-codelens.png') });
  await click(page, lens.locator('a').first());
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-instance .view-lines .view-line')]
    .some((e) => e.textContent.replace(/\u00a0/g, ' ').trim() === 'runs: gunicorn worker:app'), null, { timeout: T });
  await page.screenshot({ path: path.join(SHOTS, '08-codelens-explain.png') });

  // Document link: Ctrl+click the COPY source opens the build-context file.
  await openFile(page, 'predictions-worker.Dockerfile');
  // The editor re-renders its lines (and a closing quick-open or hover can cover them) while the file settles:
  // dismiss overlays and retry the Ctrl+click on a fresh locator, so a detached span or a transient overlay is not a failure.
  const opened = page.locator('.editor-group-container.active .tab.active', { hasText: 'requirements.txt' });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    try {
      await page.locator('.view-lines .detected-link', { hasText: 'predictions/worker/requirements.txt' }).first().click({ modifiers: ['Control'], timeout: 10000 });
      await opened.waitFor({ timeout: 10000 });
      break;
    } catch (e) {
      if (attempt >= 4) throw e;
      console.log(`[ui] document link click attempt ${attempt} did not open the file (${String(e.message).split('\n')[0]}); retrying`);
    }
  }
  await page.screenshot({ path: path.join(SHOTS, '09-document-link.png') });

  // The image view, from the Dockerfile's editor-title button (panel closed, file tree folded: room for the view).
  await openFile(page, 'predictions-worker.Dockerfile');
  await click(page, page.locator('.pane-header', { hasText: 'examples' }).first());
  await click(page, page.locator('.editor-actions .action-label[aria-label*="Show image contents"]').first());
  const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Image contents' }) });
  for (const row of ['predictions-worker.Dockerfile', 'the final stage: FROM python:3.11-slim', 'missing: system_circuit_breaker', '/app/worker.py']) {
    await tree.locator('.monaco-list-row', { hasText: row }).first().waitFor({ timeout: T });
  }
  await page.screenshot({ path: path.join(SHOTS, '10-image-view.png') });

  // The language status item: the {} next to the language mode.
  await click(page, page.locator('.statusbar-item#status\\.languageStatus'));
  const status = page.locator('.hover-language-status', { hasText: 'deploylint: 15 problems' }).first();
  await status.waitFor({ timeout: T });
  await page.screenshot({ path: path.join(SHOTS, '11-status-item.png') });
  await page.keyboard.press('Escape');

  // A suppression from the lightbulb: the directive goes on the line above the CMD.
  await openFile(page, 'embeddings/Dockerfile');
  await gotoLine(page, '7:5');
  await pickAction(page, 'Ignore worker-timeout-too-short on this line', '12-ignore-menu.png');
  await lineShown(page, '# deploylint: ignore[worker-timeout-too-short]');
  await page.screenshot({ path: path.join(SHOTS, '13-ignored.png') });

  // Fix-all on save (the workspace sets editor.codeActionsOnSave): Ctrl+S applies the port-mismatch fix.
  await openFile(page, 'mcp-service/Dockerfile');
  await gotoLine(page, '11:1'); // the empty last line
  await page.keyboard.type('# saved by the UI test');
  await page.keyboard.press('Control+S');
  await lineShown(page, 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--app-dir", "src", "--port", "8080"]');
  const onDisk = () => fs.readFileSync(path.join(ws, 'mcp-service/Dockerfile'), 'utf8');
  for (const end = Date.now() + T; !/"--host", "0\.0\.0\.0"[^\n]*\n# saved by the UI test/.test(onDisk());) {
    if (Date.now() > end) throw new Error('fix-all on save did not reach the disk:\n' + onDisk());
    await page.waitForTimeout(200);
  }
  await page.screenshot({ path: path.join(SHOTS, '14-fix-all-on-save.png') });
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
