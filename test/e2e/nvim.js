#!/usr/bin/env node
// Second editor: headless Neovim runs test/e2e/nvim/test.lua against the bundled server (dist/server.js, over stdio)
// on a copy of examples/ (own XDG folders: no user config is read or written). Exit 0 pass, 1 fail, 2 no nvim.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT } = require('./common');

const NVIM = process.env.NVIM_BIN || 'nvim';
if (spawnSync(NVIM, ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error(`[nvim] '${NVIM}' not found (apt-get install neovim)`);
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-nvim-'));
const ws = path.join(tmp, 'examples');
fs.cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE'].map((k) => [`XDG_${k}_HOME`, path.join(tmp, k.toLowerCase())]));
const r = spawnSync(NVIM, ['--headless', '--clean', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(__dirname, 'nvim', 'test.lua')}`], {
  stdio: 'inherit',
  timeout: 180000,
  env: { ...process.env, ...xdg, DEPLOYLINT_SERVER: path.join(ROOT, 'dist', 'server.js'), DEPLOYLINT_WS: ws, DEPLOYLINT_EXPECTED: path.join(__dirname, 'expected.json') },
});
if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
if (r.error) console.error('[nvim]', r.error.message);
process.exit(r.status === 0 ? 0 : 1);
