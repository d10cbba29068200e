// `npm run demo`: builds, runs the CLI on examples/ and expects its findings. Exit 0 when the CLI reported the error-level findings the example is built to show; 2 on a build failure, an internal error, or no finding.
// Options (for tests): --build SCRIPT and --cli SCRIPT replace scripts/build.mjs and dist/cli.js; a last argument replaces examples/.
import { spawnSync } from 'child_process';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args.splice(i, 2)[1];
};
const buildScript = option('--build', join(root, 'scripts/build.mjs'));
const cli = option('--cli', join(root, 'dist/cli.js'));
const target = args[0] ?? 'examples';

const fail = (why) => {
  process.stderr.write(`demo: FAILED: ${why}\n`);
  process.exit(2);
};

const built = spawnSync(process.execPath, [buildScript], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) fail(`the build exited with ${built.status ?? built.signal}`);

const run = spawnSync(process.execPath, [cli, target], { cwd: root, encoding: 'utf8' });
process.stdout.write(run.stdout ?? '');
process.stderr.write(run.stderr ?? '');
if (run.error) fail(`cannot run the CLI: ${run.error.message}`);
// An internal error: exit 2 from the CLI, or a rule that threw (the lint goes on and says so in a notice).
if (run.status === 2 || /internal error/.test(run.stderr ?? '')) fail('the CLI reported an internal error (above)');
if (run.status === 0) fail(`no error-level finding in ${target}, which is built to show them`);
if (run.status !== 1) fail(`the CLI exited with ${run.status ?? run.signal}`);
process.stdout.write(`\ndemo: OK: the error-level findings above are what ${target} is built to show (the CLI exits 1 on them; the demo exits 0).\n`);
