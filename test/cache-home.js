// Points the parse cache of every CLI the tests run at a fresh temporary folder (never the user's), removed when mocha exits.
const fs = require('fs');
const os = require('os');
const path = require('path');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-test-cache-'));
process.env.XDG_CACHE_HOME = dir;
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
