// The floor for the benchmark, as a process of its own: `read` reads every file of a repository; `parse` also parses each .py file with tree-sitter (what no linter of Python can skip).
// Usage: node scripts/bench-floor.mjs read|parse <dir>   -> prints {"files":N,"bytes":B,"pyFiles":P}
import { readdirSync, readFileSync } from 'fs';
import { createRequire } from 'module';
import { join } from 'path';

const [mode, dir] = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** Every file under dir, depth first, without following symlinks. */
function walk(d, out) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(d, e.name), out);
    else if (e.isFile()) out.push(join(d, e.name));
  }
  return out;
}

let parser;
if (mode === 'parse') {
  const { Parser, Language } = require('web-tree-sitter');
  await Parser.init({ locateFile: () => require.resolve('web-tree-sitter/tree-sitter.wasm') });
  parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
}
let bytes = 0;
let pyFiles = 0;
const files = walk(dir, []);
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  bytes += text.length;
  if (parser && f.endsWith('.py')) {
    parser.parse(text).delete();
    pyFiles++;
  }
}
process.stdout.write(JSON.stringify({ files: files.length, bytes, pyFiles }) + '\n');
