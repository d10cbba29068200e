// Gives every test run a fresh temporary folder of its own, removed when mocha exits: the parse cache of every CLI the
// tests run (XDG_CACHE_HOME, never the user's) and TMPDIR, so the folders tests make with fs.mkdtempSync(os.tmpdir())
// (CLI trees, fixed copies, the packaged .vsix) and those of the CLIs and python3 checks they start are not left in /tmp.
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-test-'));
const cache = path.join(root, 'cache');
const tmp = path.join(root, 'tmp');
fs.mkdirSync(cache);
fs.mkdirSync(tmp);
process.env.XDG_CACHE_HOME = cache;
process.env.TMPDIR = tmp;
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
