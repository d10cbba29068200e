#!/usr/bin/env node
// Runs test/e2e/suite.js inside code-server's node extension host with the extension loaded from this folder
// (extensionDevelopmentPath; needs `npm run build`), on a copy of examples/. The workbench reports the suite's
// outcome through window.codeAutomationExit, exposed to the page by playwright. Exit 0 pass, 1 fail.
'use strict';
const path = require('path');
const { ROOT, sandbox, startCodeServer, launchBrowser, stop } = require('./common');

const PORT = Number(process.env.PORT || 18091);
const TIMEOUT = Number(process.env.TIMEOUT_MS || 180000);
const log = (...a) => console.log('[exthost]', ...a);

(async () => {
  // A misspelt setting: the suite checks the client sends it on (the server reports it).
  const box = sandbox('deploylint-exthost-', { 'deploylint.modelLoadSecond': 5 });
  let cs, ctx, code = 1;
  try {
    cs = await startCodeServer(box, PORT);
    ctx = await launchBrowser(box);
    const page = ctx.pages()[0] || await ctx.newPage();
    const done = new Promise((resolve) => {
      page.exposeFunction('codeAutomationLog', (type, args) => console.log(`[vscode:${type}]`, ...(args || [])));
      page.exposeFunction('codeAutomationExit', (c) => resolve(c));
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${PORT}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(path.join(__dirname, 'suite.js'))], ['skipWelcome', 'true']]);
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(box.ws)}&payload=${encodeURIComponent(payload)}`);
    code = await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error(`no result from the extension host within ${TIMEOUT} ms`)), TIMEOUT))]);
  } catch (e) {
    console.error(e);
    code = 1;
  } finally {
    await stop(box, cs, ctx);
  }
  log(code === 0 ? 'PASS' : 'FAIL');
  process.exit(code === 0 ? 0 : 1);
})();
