// Resolves dotted Python module names over a model of the image's filesystem, as CPython's PathFinder does.
import { join } from '../fs';

/** What the resolver needs to know about the image's filesystem. Paths are absolute POSIX image paths. */
export interface ImageView {
  stat(path: string): 'file' | 'dir' | undefined;
  readDir(path: string): string[] | undefined;
  /**
   * True when files may exist at or under `path` that the model does not know (unknown base
   * image, RUN that writes there, COPY --from an external image). The resolver asks about
   * candidate paths (`<dir>/<name>`, `<dir>/<name>.py`), so an uncertain ancestor must make
   * them uncertain too.
   */
  isUncertain(path: string): boolean;
}

export type Resolution =
  | {
      status: 'found';
      kind: 'module' | 'package' | 'namespace';
      /** The .py file, extension module, or the package's __init__.py; none for a namespace package. */
      file?: string;
      /** The sys.path entry the top-level package or module was found under. */
      root: string;
      /** Parent packages' __init__.py files executed first, outermost first (namespace parents have none). */
      inits: string[];
      /** Folders searched for submodules: the package folder, or every portion of a namespace package. */
      searchPath?: string[];
      /** A namespace package that may have more portions in uncertain locations: a missing submodule is uncertain. */
      incomplete?: true;
    }
  | {
      status: 'missing';
      /** The longest prefix that did resolve, e.g. 'a' for a.b.c with a/ present. */
      resolvedPrefix?: string;
      /** The first dotted name that failed, e.g. 'a.b'. */
      failedAt: string;
      /** Set when the name exists as a plain module, so nothing can be imported below it ("'a' is not a package"). */
      notAPackage?: string;
    }
  | { status: 'uncertain' };

export type Found = Extract<Resolution, { status: 'found' }>;

type Step =
  | { found: 'package'; file: string; dir: string; root: string }
  | { found: 'module'; file: string; root: string }
  | { found: 'namespace'; portions: string[]; root: string; uncertain: boolean }
  | { found: 'none'; uncertain: boolean };

const IDENTIFIER = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** The module name of an extension-module file name (name.so, name.<tag>.so, name.pyd, name.<tag>.pyd). */
function extensionModuleName(entry: string): string | undefined {
  return /^([^.]+)\.(?:[^.]+\.)?(?:so|pyd)$/.exec(entry)?.[1];
}

/** Per-folder extension-module indexes of snapshot views. */
const extensionIndexes = new WeakMap<ImageView, Map<string, Map<string, string>>>();

/**
 * Wraps a view with memoised answers, for a series of lookups over an image that does not change
 * meanwhile (one closure walk); it also indexes extension modules per folder.
 */
export function snapshotView(view: ImageView): ImageView {
  const stats = new Map<string, 'file' | 'dir' | undefined>();
  const dirs = new Map<string, string[] | undefined>();
  const uncertain = new Map<string, boolean>();
  const snap: ImageView = {
    stat: (p) => (stats.has(p) ? stats.get(p) : (stats.set(p, view.stat(p)), stats.get(p))),
    readDir: (p) => (dirs.has(p) ? dirs.get(p) : (dirs.set(p, view.readDir(p)), dirs.get(p))),
    isUncertain: (p) => uncertain.get(p) ?? (uncertain.set(p, view.isUncertain(p)), uncertain.get(p)!),
  };
  extensionIndexes.set(snap, new Map());
  return snap;
}

function extensionModule(view: ImageView, loc: string, name: string): string | undefined {
  const indexes = extensionIndexes.get(view);
  let index = indexes?.get(loc);
  if (!index) {
    index = new Map();
    for (const e of view.readDir(loc) ?? []) {
      const n = extensionModuleName(e);
      if (n !== undefined && !index.has(n) && view.stat(join(loc, e)) === 'file') index.set(n, join(loc, e));
    }
    indexes?.set(loc, index);
  }
  return index.get(name);
}

/**
 * Looks for `name` in each folder of `locations`, in order (CPython's FileFinder per entry):
 * a regular package (`name/__init__.py`) wins, then an extension module, then `name.py`; a
 * folder without `__init__.py` is remembered as a namespace portion and the search goes on.
 */
function findIn(view: ImageView, locations: string[], name: string): Step {
  const portions: string[] = [];
  let portionRoot: string | undefined;
  let uncertain = false;
  for (const loc of locations) {
    const dir = join(loc, name);
    const dirKind = view.stat(dir);
    if (dirKind === 'dir') {
      const init = join(dir, '__init__.py');
      if (view.stat(init) === 'file') return { found: 'package', file: init, dir, root: loc };
    }
    const ext = extensionModule(view, loc, name);
    if (ext) return { found: 'module', file: ext, root: loc };
    const py = join(loc, name + '.py');
    if (view.stat(py) === 'file') return { found: 'module', file: py, root: loc };
    if (dirKind === 'dir') {
      portions.push(dir);
      portionRoot ??= loc;
    }
    if (view.isUncertain(dir) || view.isUncertain(py)) uncertain = true;
  }
  if (portions.length) return { found: 'namespace', portions, root: portionRoot!, uncertain };
  return { found: 'none', uncertain };
}

/**
 * Resolves an absolute dotted module name against `sysPath` (absolute image folders, in order).
 * Each parent must be a package; submodules are searched in the parent's folder(s) (all portions
 * of a namespace package). When a name is not found but an uncertain location could hold it,
 * the answer is 'uncertain'.
 */
export function resolveModule(view: ImageView, sysPath: string[], dotted: string): Resolution {
  const parts = dotted.split('.');
  if (parts.some((p) => !IDENTIFIER.test(p))) return { status: 'missing', failedAt: dotted };
  let locations = sysPath;
  let root = '';
  const inits: string[] = [];
  let last: Step | undefined;
  let incomplete = false;
  for (let i = 0; i < parts.length; i++) {
    const prefix = parts.slice(0, i + 1).join('.');
    if (last && last.found === 'module') {
      const parent = parts.slice(0, i).join('.');
      return { status: 'missing', resolvedPrefix: parent, failedAt: prefix, notAPackage: parent };
    }
    if (last && last.found === 'package') inits.push(last.file);
    const step = findIn(view, locations, parts[i]);
    if (step.found === 'none') {
      if (step.uncertain || incomplete) return { status: 'uncertain' };
      return {
        status: 'missing',
        ...(i > 0 ? { resolvedPrefix: parts.slice(0, i).join('.') } : {}),
        failedAt: prefix,
      };
    }
    if (i === 0) root = step.root;
    if (step.found === 'package') locations = [step.dir];
    else if (step.found === 'namespace') locations = step.portions;
    incomplete = step.found === 'namespace' && (incomplete || step.uncertain);
    last = step;
  }
  const step = last!;
  if (step.found === 'package') return { status: 'found', kind: 'package', file: step.file, root, inits, searchPath: [step.dir] };
  if (step.found === 'module') return { status: 'found', kind: 'module', file: step.file, root, inits };
  if (step.found === 'namespace') {
    return { status: 'found', kind: 'namespace', root, inits, searchPath: step.portions, ...(incomplete ? { incomplete: true as const } : {}) };
  }
  return { status: 'uncertain' };
}

/**
 * The absolute name of a relative import (`level` leading dots, then `module`, possibly '')
 * made by `importerModule`; `importerIsPackage` when the importer is a package's __init__.py.
 * Undefined when it would go beyond the top-level package ("attempted relative import beyond
 * top-level package", or "with no known parent package" for a top-level module).
 */
export function resolveRelative(importerModule: string, importerIsPackage: boolean, level: number, module: string): string | undefined {
  if (level <= 0) return module || undefined;
  const parts = importerModule ? importerModule.split('.') : [];
  if (!importerIsPackage) parts.pop();
  const up = level - 1;
  if (up > parts.length - 1 || parts.length === 0) return undefined;
  const base = parts.slice(0, parts.length - up);
  return module ? [...base, module].join('.') : base.join('.');
}

/**
 * For `from module import name`, whether `name` is a submodule. `submodule` is:
 * - a 'found' Resolution when `module.name` resolves as a module or package;
 * - `{status: 'uncertain'}` when it could exist in an uncertain location;
 * - undefined when it is not a submodule (so it must be an attribute of `module`: check the
 *   topLevelNames of `parent.file`), including when `module` is a plain module, or when
 *   `module` itself does not resolve (see `parent`).
 */
export function resolveFromImport(
  view: ImageView,
  sysPath: string[],
  module: string,
  name: string,
): { parent: Resolution; submodule: Found | { status: 'uncertain' } | undefined } {
  const parent = resolveModule(view, sysPath, module);
  if (parent.status !== 'found' || parent.kind === 'module' || !IDENTIFIER.test(name)) return { parent, submodule: undefined };
  const step = findIn(view, parent.searchPath ?? [], name);
  const inits = parent.kind === 'package' && parent.file ? [...parent.inits, parent.file] : parent.inits;
  switch (step.found) {
    case 'package':
      return { parent, submodule: { status: 'found', kind: 'package', file: step.file, root: parent.root, inits, searchPath: [step.dir] } };
    case 'module':
      return { parent, submodule: { status: 'found', kind: 'module', file: step.file, root: parent.root, inits } };
    case 'namespace': {
      const incomplete = parent.incomplete || step.uncertain ? { incomplete: true as const } : {};
      return { parent, submodule: { status: 'found', kind: 'namespace', root: parent.root, inits, searchPath: step.portions, ...incomplete } };
    }
    default:
      return { parent, submodule: step.uncertain || parent.incomplete ? { status: 'uncertain' } : undefined };
  }
}
