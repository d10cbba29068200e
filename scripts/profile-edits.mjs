// Bundles scripts/profile-edits.ts and runs it on scripts/bench-lsp.mjs's generated repository; prints the re-lint times (ms).
// Usage: node [--cpu-prof --cpu-prof-dir=/tmp/prof] scripts/profile-edits.mjs [--closure 1000] [--total 10000] [--edits 50] [--only python|import|docker]
import { build } from 'esbuild';
import { dirname, join } from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';
import { generateLspRepo, DOCKERFILE } from './bench-lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
// Beside the wasm files the build copies to dist/ (npm run build first).
const out = join(root, 'dist', 'profile-edits.cjs');
await build({ entryPoints: [join(root, 'scripts/profile-edits.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning', sourcemap: 'inline' });
const { profileEdits } = createRequire(import.meta.url)(out);
const i = process.argv.indexOf('--only');
const r = await profileEdits(generateLspRepo, DOCKERFILE, arg('closure', 1000), arg('edits', 50), i > 0 ? process.argv[i + 1] : '', arg('total', arg('closure', 1000) + 6));
console.log(JSON.stringify(r, (k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v), 1));
