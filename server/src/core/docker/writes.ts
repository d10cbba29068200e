// What may exist in a stage beyond its modelled tree: paths a RUN the model does not follow may have written, and a known base image's system folders.
import { basename, dirname, join, type FileSystem } from '../fs';
import type { StageModel } from './image';
import { within } from './tree';

/** Folders a known base image (Debian/Alpine/conda-based Python) already holds, or that package managers and pip fill. */
const SYSTEM_FOLDERS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/var', '/opt/conda', '/root', '/home', '/tmp', '/run', '/srv', '/proc', '/sys', '/dev'];

/** True when `path` is (or lies in) a system folder of a known base image. */
export function isSystemPath(path: string): boolean {
  return SYSTEM_FOLDERS.some((f) => within(f, path));
}

/**
 * The first RUN of `stage` (base stages included) whose effects the model does not follow and
 * that may have written `path`: it ran in `path`, above it or below it, or its command names the
 * path, a folder above or below it, or its last segment. Undefined when no such RUN exists.
 * A RUN before the instruction of this stage that made `path` counts only when it ran inside the path
 * or names it (a setup RUN in WORKDIR before `COPY . .` does not write into the copied package).
 * With `module`, `path` is a Python module or package, so RUNs known to write none are skipped.
 * With `beside`, a RUN whose working folder is a sibling of the path counts too (what a build tool may output).
 */
export function unmodelledWriter(stage: StageModel, path: string, after = -1, opts: { beside?: boolean; module?: boolean } = {}): StageModel['unmodelledRuns'][number] | undefined {
  const leaf = basename(path);
  // What made the path, else its nearest folder a COPY or ADD made (`COPY svc /app/svc` for a missing /app/svc/workers.py):
  // a RUN before that instruction, which ran elsewhere and does not name the path, did not write into it. Stages of one
  // Dockerfile run in order, so a base stage's RUN is before the COPY of a stage built on it (study h7 Mc: tracecat).
  let made = stage.tree.lookup(path)?.origin;
  for (let up = dirname(path); !made && up !== '/' && up !== '.'; up = dirname(up)) {
    const node = stage.tree.lookup(up);
    // Only a folder a COPY or ADD brought (not the parent a WORKDIR or mkdir implied, which an installer may fill too).
    if (node) made = node.kind === 'dir' && !isSystemPath(up) && /^(?:COPY|ADD)$/i.test(node.origin.instr?.keyword ?? '') ? node.origin : undefined;
    if (node) break;
  }
  const copiedAt = made?.instr && (made.stage === undefined || made.stage <= stage.index) ? made.instr.line : undefined;
  return stage.unmodelledRuns.find((r) => {
    if (r.instr.line <= after || (opts.module && r.noModules)) return false;
    const beforeCopy = copiedAt !== undefined && r.instr.line < copiedAt;
    if (within(path, r.cwd) || (!beforeCopy && within(r.cwd, path))) return true;
    // A build tool's output folder comes from its config (angular.json's `outputPath: ../src/static`), often beside its project.
    if (opts.beside && !beforeCopy && dirname(r.cwd) !== '/' && within(dirname(r.cwd), path)) return true;
    for (const word of r.command.split(/[\s=:]+/)) {
      const w = word.replace(/^["']|["']$/g, '').replace(/\/+$/, '');
      if (!w) continue;
      if (w.startsWith('/') && (within(w, path) || within(path, w))) return true;
      if (leaf.length > 2 && basename(w) === leaf) return true;
    }
    return false;
  });
}

/**
 * Whether building the project at `dir` may run code that writes into its source tree: a setup.py
 * (custom build commands), or a pyproject.toml that declares build hooks or a build script; a
 * declarative PEP 517 build (hatchling, poetry-core, flit, pdm, setuptools from pyproject alone)
 * only reads the sources and puts the wheel's files in site-packages.
 */
export function installMayWriteSources(stage: StageModel, dir: string, fs: FileSystem): boolean {
  const tree = stage.tree;
  if (tree.stat(join(dir, 'setup.py')) || tree.isUncertain(join(dir, 'pyproject.toml'))) return true;
  const text = tree.text(join(dir, 'pyproject.toml'), fs);
  if (text === undefined || !/^\s*build-backend\s*=/m.test(text)) return true;
  return /^\s*\[tool\.(?:hatch\.build(?:\.targets\.\w+)?\.hooks|poetry\.build|setuptools\.cmdclass|pdm\.build)\b|^\s*(?:build-script|script)\s*=|^\s*build\s*=\s*["'{]/m.test(text);
}
