// Runs the bundled CLI (dist/cli.js) and compares its output with stored snapshots.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(REPO_ROOT, 'dist/cli.js');

/** Runs `node dist/cli.js ...args` in `cwd` without colour; exit code, stdout and stderr. */
export function runCli(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Writes `files` (relative path -> text) into a new temporary folder and returns it: a repository on disk for the CLI. */
export function writeTree(prefix: string, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Compares with the snapshot `test/cli/expected/<name>`; UPDATE_SNAPSHOTS=1 rewrites it (review the diff before committing). */
export function snapshot(name: string, actual: string): void {
  const file = path.join(REPO_ROOT, 'test/cli/expected', name);
  if (process.env.UPDATE_SNAPSHOTS === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 to rewrite, then review)`);
}
