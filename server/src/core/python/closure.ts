// Walks the import closure of Python entry files through an image view: what gets loaded, what fails to import.
import { basename, dirname, relativeInside } from '../fs';
import type { PyFileInfo, PyImport } from './parser';
import { resolveFromImport, resolveModule, resolveRelative, snapshotView, type Found, type ImageView } from './resolver';
import { isStdlib } from './stdlib';
import { importedAtStartup } from './startup-modules';

export interface ClosureInput {
  view: ImageView;
  /** Absolute image folders, in order. */
  sysPath: string[];
  /**
   * `module` is the dotted name when imported as a module; absent for a script run as __main__.
   * `main`: the file runs as __main__ (a script, or `python -m module`); defaults to `module === undefined`.
   * Imports under `if __name__ == "__main__":` are followed only in files that run as __main__.
   */
  entries: { file: string; module?: string; main?: boolean }[];
  /** Parsed file; undefined when it cannot be read or parsed (binary, too large, ...). */
  load(imagePath: string): PyFileInfo | undefined;
  /** Names known to come from installed distributions: followed when found, never reported when missing. */
  isThirdParty?(topLevel: string): boolean;
  /** Modules a loaded file names by string that a framework imports (Django settings, Celery includes), as dynamic imports. */
  stringImports?(file: string, info: PyFileInfo, module: string | undefined): PyImport[];
}

/** One import statement of one file. */
export interface ClosureEdge {
  /** The importing image file. */
  from: string;
  import: PyImport;
}

export type UnresolvedReason =
  /** No module or package of that name where Python looks. */
  | 'not-found'
  /** A parent is a plain module (a.py), so `a.b` cannot exist ("'a' is not a package"). */
  | 'not-a-package'
  /** A relative import in a script run as __main__, or going above the top-level package. */
  | 'no-parent-package'
  /** Below a local package named like a plain module Python imported at start (`site`, `os`): sys.modules holds the standard library's. */
  | 'stdlib-shadowed';

export interface UnresolvedImport {
  /**
   * The absolute dotted name that failed to import (for `import a.b.c` with `a` missing: 'a.b.c').
   * For `from m import x` where `m` is a package and `x` is neither a submodule nor defined in
   * m/__init__.py: 'm.x' with `nameIndex` set (a missing submodule if its source exists in the
   * build context, otherwise a missing attribute). For 'no-parent-package': the name as written
   * with its dots ('.x', '..').
   */
  dotted: string;
  /** The first dotted prefix that did not resolve (equal to `dotted` for 'no-parent-package'). */
  failedAt: string;
  importer: string;
  import: PyImport;
  /** Entry first, ending with this import. */
  chain: ClosureEdge[];
  /** Index into `import.names` for a from-import's missing submodule/attribute. */
  nameIndex?: number;
  reason: UnresolvedReason;
}

export interface MissingAttribute {
  importer: string;
  import: PyImport;
  /** The plain module (m.py) imported from. */
  module: string;
  name: string;
  nameIndex: number;
  chain: ClosureEdge[];
}

export interface ClosureFile {
  info: PyFileInfo;
  module?: string;
  via?: ClosureEdge;
  main?: true;
}

/** The import edges that first reached `file`, entry first (empty for an entry). */
export function chainTo(files: ReadonlyMap<string, ClosureFile>, file: string): ClosureEdge[] {
  const edges: ClosureEdge[] = [];
  for (let via = files.get(file)?.via; via; via = files.get(via.from)?.via) edges.push(via);
  return edges.reverse();
}

export interface ClosureResult {
  /**
   * Every file loaded, keyed by image path, in the order reached; `via` is the edge that first
   * reached it (absent for entries); `main` when it runs as __main__ (its `if __name__ == "__main__":` code runs).
   */
  files: Map<string, ClosureFile>;
  /** Imports that fail, stdlib and uncertain ones excluded, guarded ones included (the import carries its guard). */
  unresolved: UnresolvedImport[];
  /**
   * `from m import x` where m is a plain module file in the closure and x is neither a
   * submodule nor a top-level name of m (skipped when m has a star import or `__getattr__`).
   */
  missingAttributes: MissingAttribute[];
  /** Files reached whose `load` returned undefined. */
  unreadable: string[];
  /**
   * Imports below a plain module that makes its submodules at run time (`from six.moves import
   * urllib`: six.py registers `six.moves` in sys.modules): not reported, and why, for `--explain`.
   */
  runtimeSubmodules: { importer: string; import: PyImport; dotted: string; why: string }[];
}

/**
 * Why the plain module `info` may have submodules no file holds, or undefined: it sets
 * `__path__` (so the import system searches below it), assigns into `sys.modules`, or adds an
 * importer to `sys.meta_path` (six and its vendored copies do all three).
 */
export function runtimeSubmodulesOf(info: PyFileInfo): string | undefined {
  if (info.topLevelNames.includes('__path__')) return 'sets __path__ at module level';
  if (info.registersModules) return `assigns into sys.modules (line ${info.registersModules.line + 1})`;
  const hook = info.callGraph.find((c) => /^sys\.(?:meta_path\.(?:append|insert|extend)|modules\.(?:update|setdefault|__setitem__))$/.test(c.callee));
  if (hook) return `${hook.callee.startsWith('sys.meta_path') ? 'adds an importer to sys.meta_path' : 'adds to sys.modules'} (line ${hook.at.line + 1})`;
  return undefined;
}

interface Pending {
  file: string;
  module?: string;
  via?: ClosureEdge;
  main?: boolean;
}

/**
 * Breadth-first walk from the entries (so each chain is a shortest one), iterative, with a
 * visited set: import cycles and chains thousands deep are fine. Imports at any scope are
 * followed. Importing `a.b.c` adds a/__init__.py and a/b/__init__.py. Stdlib names are
 * skipped; uncertain resolutions are skipped silently; imports under a `__main__` guard are
 * skipped in files that are imported rather than run.
 */
export function walkClosure(input: ClosureInput): ClosureResult {
  const { sysPath } = input;
  const view = snapshotView(input.view);
  const files: ClosureResult['files'] = new Map();
  const unresolved: UnresolvedImport[] = [];
  const missingAttributes: MissingAttribute[] = [];
  const unreadable: string[] = [];
  const runtimeSubmodules: ClosureResult['runtimeSubmodules'] = [];
  const loaded = new Map<string, PyFileInfo | null>();
  const seen = new Set<string>();
  const queue: Pending[] = [];
  // Files an import inside a function reaches wait until every file module-level imports reach is loaded, so a file's
  // `via` is a module-level edge whenever one exists (lazilyImported and the rules' "fails when it is called" read it).
  const deferred: Pending[] = [];

  const load = (file: string): PyFileInfo | undefined => {
    let info = loaded.get(file);
    if (info === undefined) {
      info = input.load(file) ?? null;
      loaded.set(file, info);
    }
    return info ?? undefined;
  };
  const enqueue = (p: Pending): void => {
    if (seen.has(p.file)) return;
    if (p.via?.import.scope === 'function') {
      deferred.push(p);
      return;
    }
    seen.add(p.file);
    queue.push(p);
  };
  /** The next deferred file not reached since, moved to the queue; false when none is left. */
  const undefer = (): boolean => {
    for (let p = deferred.shift(); p; p = deferred.shift()) {
      if (seen.has(p.file)) continue;
      seen.add(p.file);
      queue.push(p);
      return true;
    }
    return false;
  };
  const follow = (r: Found, dotted: string, edge: ClosureEdge): void => {
    for (const init of r.inits) enqueue({ file: init, module: packageName(sysPath, init, dotted), via: edge });
    if (r.file && r.file.endsWith('.py')) enqueue({ file: r.file, module: dotted, via: edge });
  };

  for (const e of input.entries) enqueue({ file: e.file, module: e.module, main: e.main ?? e.module === undefined });

  for (let head = 0; head < queue.length || undefer(); head++) {
    const { file, module, via, main } = queue[head];
    const info = load(file);
    if (!info) {
      unreadable.push(file);
      continue;
    }
    files.set(file, { info, ...(module !== undefined ? { module } : {}), ...(via ? { via } : {}), ...(main ? { main: true as const } : {}) });
    const isPackage = basename(file) === '__init__.py';

    for (const imp of input.stringImports ? [...info.imports, ...input.stringImports(file, info, module)] : info.imports) {
      if (imp.mainGuard && !main) continue;
      const edge: ClosureEdge = { from: file, import: imp };
      const report = (u: Omit<UnresolvedImport, 'importer' | 'import' | 'chain'>): void => {
        unresolved.push({ ...u, importer: file, import: imp, chain: [...chainTo(files, file), edge] });
      };

      let dotted: string | undefined;
      if (imp.level === 0) dotted = imp.module;
      else if (imp.anchor !== undefined) dotted = resolveRelative(imp.anchor, true, imp.level, imp.module);
      else if (module !== undefined) dotted = resolveRelative(module, isPackage, imp.level, imp.module);
      if (dotted === undefined) {
        const written = '.'.repeat(imp.level) + imp.module;
        report({ dotted: written, failedAt: written, reason: 'no-parent-package' });
        continue;
      }
      if (!dotted) continue;
      const top = dotted.split('.')[0];
      if (isStdlib(top)) {
        if (dotted.includes('.') && importedAtStartup(top)) {
          const local = resolveModule(view, sysPath, top);
          if (local.status === 'found' && local.kind !== 'module') report({ dotted, failedAt: dotted, reason: 'stdlib-shadowed' });
        }
        continue;
      }
      const thirdParty = input.isThirdParty?.(top) ?? false;

      const r = resolveModule(view, sysPath, dotted);
      if (r.status === 'uncertain') continue;
      if (r.status === 'missing') {
        if (r.notAPackage !== undefined && !thirdParty) {
          const shadow = resolveModule(view, sysPath, r.notAPackage);
          const shadowInfo = shadow.status === 'found' && shadow.file?.endsWith('.py') ? load(shadow.file) : undefined;
          const why = shadowInfo && runtimeSubmodulesOf(shadowInfo);
          if (why) {
            runtimeSubmodules.push({ importer: file, import: imp, dotted, why: `'${r.notAPackage}' is the plain module ${shadow.status === 'found' ? shadow.file : ''}, but it ${why}, so '${r.failedAt}' may exist at run time` });
            // Python runs the module first: its own imports are followed.
            if (shadow.status === 'found') follow(shadow, r.notAPackage, edge);
            continue;
          }
        }
        if (!thirdParty) report({ dotted, failedAt: r.failedAt, reason: r.notAPackage !== undefined ? 'not-a-package' : 'not-found' });
        continue;
      }
      follow(r, dotted, edge);
      if (imp.kind !== 'from' || imp.names[0] === '*') continue;

      imp.names.forEach((name, nameIndex) => {
        const { submodule } = resolveFromImport(view, sysPath, dotted!, name);
        if (submodule?.status === 'found') {
          follow(submodule, `${dotted}.${name}`, edge);
          return;
        }
        if (submodule?.status === 'uncertain' || thirdParty) return;
        if (r.kind === 'namespace') {
          if (!r.incomplete) report({ dotted: `${dotted}.${name}`, failedAt: `${dotted}.${name}`, nameIndex, reason: 'not-found' });
          return;
        }
        const target = r.file && r.file.endsWith('.py') ? load(r.file) : undefined;
        if (!target || target.hasStarImport || target.hasModuleGetattr || target.topLevelNames.includes(name)) return;
        if (r.kind === 'package') {
          report({ dotted: `${dotted}.${name}`, failedAt: `${dotted}.${name}`, nameIndex, reason: 'not-found' });
        } else {
          missingAttributes.push({ importer: file, import: imp, module: dotted!, name, nameIndex, chain: [...chainTo(files, file), edge] });
        }
      });
    }
  }
  return { files, unresolved, missingAttributes, unreadable, runtimeSubmodules };
}

/** The dotted name of the package whose __init__.py is `init`, a prefix of `dotted`. */
function packageName(sysPath: string[], init: string, dotted: string): string | undefined {
  const dir = dirname(init);
  for (const entry of sysPath) {
    const rel = relativeInside(entry, dir);
    if (!rel) continue;
    const name = rel.split('/').join('.');
    if (dotted === name || dotted.startsWith(name + '.')) return name;
  }
  return undefined;
}
