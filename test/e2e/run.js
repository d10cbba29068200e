#!/usr/bin/env node
// npm run test:e2e: installs the pinned e2e tools if needed (test/e2e/install.sh), builds and packages the extension,
// then runs the extension-host suite (exthost.js), the UI test (code-server-ui.js, screenshots in .e2e-shots/) and the
// Neovim test over stdio (nvim.js). Exit 0 only when all pass. Needs Debian packages (test/e2e/deps.sh installs them).
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const { ROOT } = require('./common');

const run = (what, cmd, args) => {
  const t0 = Date.now();
  console.log(`[e2e] ${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  console.log(`[e2e] ${what}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r.status === 0;
};

const ok = run('tools', 'bash', [path.join(__dirname, 'install.sh')])
  && run('build', 'npm', ['run', 'build', '--silent'])
  && run('package', 'npm', ['run', 'package', '--silent']);
if (!ok) process.exit(2);
const results = [
  run('extension-host suite', process.execPath, [path.join(__dirname, 'exthost.js')]),
  run('UI test', process.execPath, [path.join(__dirname, 'code-server-ui.js')]),
  run('Neovim test', process.execPath, [path.join(__dirname, 'nvim.js')]),
];
process.exit(results.every(Boolean) ? 0 : 1);
