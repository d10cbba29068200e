// A submodule that certainly fails from the image alone: its parent is a regular local package without it.
import type { Analysis } from './analysis';
import { unmodelledWriter } from './docker/writes';
import { dirname, join } from './fs';
import type { ImportAnalysis } from './imports';
import { resolveModule } from './python/resolver';
import { GitIgnore } from './secrets/gitignore';
import { editDistance } from './text/distance';

export interface AbsentSubmodule {
  pkg: string;
  dir: string;
  name: string;
  /** Existing submodules one or two edits away (`themes` for `themez`). */
  close: string[];
}

/**
 * `pkg.name` certainly fails from the image alone: `pkg` resolves to a regular package (an
 * `__init__.py` a COPY brought from the workspace) whose folder has no `name` in any form (no
 * `.py`, folder, compiled `.so`/`.pyd`/`.pyc`, or `.pyx` a build may compile), nothing uncertain
 * or written by an unmodelled RUN there, an `__init__.py` that leaves `__path__` and `sys.modules`
 * alone, and no git-ignored (generated before the build) or protobuf-generated (`_pb2`) source.
 * Python then searches only that folder (the import system's submodule search uses the package's
 * `__path__`), so the module is absent whatever site-packages holds.
 */
export function absentSubmodule(a: Analysis, ia: ImportAnalysis, dotted: string): AbsentSubmodule | undefined {
  const r = resolveModule(ia.view, ia.entry.sysPath, dotted);
  if (r.status !== 'missing' || !r.resolvedPrefix || r.notAPackage !== undefined || r.failedAt !== dotted) return undefined;
  const parent = resolveModule(ia.view, ia.entry.sysPath, r.resolvedPrefix);
  if (parent.status !== 'found' || parent.kind !== 'package' || !parent.file || parent.incomplete) return undefined;
  const tree = ia.stage.tree;
  const init = tree.lookup(parent.file);
  if (!init || init.source === undefined) return undefined;
  const name = dotted.slice(r.resolvedPrefix.length + 1);
  if (!/^[A-Za-z_]\w*$/.test(name) || /_pb2(?:_grpc)?$/.test(name)) return undefined;
  const dir = dirname(parent.file);
  const entries = tree.readDir(dir) ?? [];
  if (entries.some((n) => n === name || n.startsWith(name + '.'))) return undefined;
  // A RUN the model does not follow may write there once the package is in place (protoc, build_ext --inplace).
  const copiedAt = init.origin.instr && (init.origin.stage === undefined || init.origin.stage === ia.stage.index) ? init.origin.instr.line : -1;
  if (tree.isUncertain(dir) || tree.isUncertain(join(dir, name)) || unmodelledWriter(ia.stage, join(dir, `${name}.py`), copiedAt, { module: true }) || unmodelledWriter(ia.stage, join(dir, name), copiedAt, { module: true })) return undefined;
  const initText = a.text(init.source) ?? '';
  if (/__path__|extend_path|sys\.modules|pkg_resources\.declare_namespace/.test(initText)) return undefined;
  const srcDir = dirname(init.source);
  const git = new GitIgnore(a.fs, a.root);
  if (git.isIgnored(join(srcDir, `${name}.py`)) || git.isIgnored(join(srcDir, name, '__init__.py'))) return undefined;
  const candidates = entries.map((n) => (n.endsWith('.py') ? n.slice(0, -3) : tree.stat(join(dir, n)) === 'dir' && tree.stat(join(dir, n, '__init__.py')) === 'file' ? n : '')).filter((n) => n && n !== '__init__' && /^[A-Za-z_]\w*$/.test(n));
  const scored = candidates.map((n) => ({ n, d: editDistance(n, name, 2) })).filter((x) => x.d <= 2);
  const best = Math.min(...scored.map((x) => x.d));
  return { pkg: r.resolvedPrefix, dir, name, close: scored.filter((x) => x.d === best).map((x) => `${r.resolvedPrefix}.${x.n}`).sort() };
}
