// In-process entry for the benchmark: lint a folder on disk with the real engine (bundled on the fly by scripts/bench.mjs).
import * as path from 'path';
import { DiskFileSystem, toPosix } from '../server/src/core/fs';
import { lint } from '../server/src/core/lint';
import { initPython as init } from '../server/src/core/python/parser';

export async function initPython(): Promise<void> {
  await init();
}

export async function runLint(dir: string): Promise<number> {
  const root = toPosix(path.resolve(dir));
  const r = await lint({ fs: new DiskFileSystem([root]), root });
  return r.findings.length;
}
