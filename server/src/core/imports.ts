// Parsing image files, the project's declared dependencies, and where a missing module's source lives in the build context.
import type { Analysis, DockerTarget } from './analysis';
import type { ContainerEntry } from './container';
import type { StageModel } from './docker/image';
import { BuildContext, IgnorePattern, SKIP_DIRS } from './docker/context';
import { dirname, FileSystem, join, relativeInside } from './fs';
import { within } from './docker/tree';
import type { ClosureResult } from './python/closure';
import { isPythonReady, parsePython, PyFileInfo } from './python/parser';
import type { ImageView, Resolution } from './python/resolver';
import { isStdlib } from './python/stdlib';
import { installedImportNames, installSet, possibleProvider } from './packages/installs';
import { distributionsFor } from './packages/names';

/** What a running container imports (a `RunningContainer` of the runtime layer satisfies it). */
export interface ImportAnalysis {
  target: DockerTarget;
  stage: StageModel;
  entry: ContainerEntry;
  view: ImageView;
  /** The entry module's resolution (module-based servers). */
  entryResolution?: Resolution;
  /** The entry file in the image (script or resolved module file). */
  entryFile?: string;
  closure?: ClosureResult;
  /** Top-level names the project declares as dependencies (requirements, pyproject) or that installed distributions provide: never local. */
  thirdParty: Set<string>;
  /** A loaded file changes sys.path at run time (`sys.path.insert`, `site.addsitedir`): where modules come from is not known. */
  sysPathChangedBy?: string;
}

/** Parsed Python files by content, shared across lints (the language server re-lints on every edit). */
const parseCache = new Map<string, { text: string; info: PyFileInfo }>();
const PARSE_CACHE_MAX = 50000;

/** Parses a context file (through the overlay), memoised by path and text. */
export function parseFile(a: Analysis, path: string): PyFileInfo | undefined {
  if (!isPythonReady()) return undefined;
  const text = a.text(path);
  if (text === undefined) return undefined;
  const hit = parseCache.get(path);
  if (hit && hit.text === text) {
    // Least-recently-used order: a hit moves to the end.
    parseCache.delete(path);
    parseCache.set(path, hit);
    return hit.info;
  }
  const info = parsePython(text);
  if (parseCache.size >= PARSE_CACHE_MAX) parseCache.delete(parseCache.keys().next().value!);
  parseCache.set(path, { text, info });
  return info;
}

/** Parses an image file: a heredoc's inline content, or its build-context source (cached by `parseFile`). */
export function parseImageFile(a: Analysis, stage: StageModel, imagePath: string): PyFileInfo | undefined {
  const hit = stage.tree.lookup(imagePath);
  if (hit?.content !== undefined) return isPythonReady() ? parsePython(hit.content) : undefined;
  return hit?.source ? parseFile(a, hit.source) : undefined;
}

/** The dotted module name of an image file, walking up the folders that hold an __init__.py, and the folder it is relative to. */
export function packagePath(stage: StageModel, file: string): { module: string; root: string } {
  const parts = [file.slice(file.lastIndexOf('/') + 1).replace(/\.py$/, '')];
  let dir = dirname(file);
  while (dir !== '/' && stage.tree.stat(join(dir, '__init__.py')) === 'file') {
    parts.unshift(dir.slice(dir.lastIndexOf('/') + 1));
    dir = dirname(dir);
  }
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return { module: parts.join('.'), root: dir };
}

/** Normalised top-level import names of the distributions a requirements file or pyproject declares. */
export function declaredDependencies(a: Analysis, t: DockerTarget): Set<string> {
  const names = new Set<string>();
  const ctx = t.model.context;
  for (const stage of t.model.stages) {
    for (const op of stage.copies) {
      for (const s of op.sources) {
        for (const m of s.matches) {
          if (!/(^|\/)(requirements[^/]*\.txt|pyproject\.toml|Pipfile|setup\.cfg)$/.test(m)) continue;
          const text = a.text(ctx.abs(m));
          if (text) for (const n of dependencyNames(text)) names.add(n);
        }
      }
    }
  }
  return names;
}

/** Distribution names from requirements/pyproject text, as import names (lower-case, '-' -> '_'). */
export function dependencyNames(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^["']?([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?:[<>=!~;@]|["',]|$)/.exec(line);
    if (!m || line.startsWith('-') || /^\[/.test(line) || /=\s*["{[]/.test(line) && !/^["']/.test(line)) continue;
    out.push(m[1].toLowerCase().replace(/[-.]/g, '_'));
  }
  return out;
}

/** Where a module's source lives in the build context. */
export interface SourceHit {
  /** Context-relative path of the module file or package folder (workspace-relative when `visibility` is 'outside'). */
  path: string;
  kind: 'module' | 'package';
  /** The context folder that plays the sys.path root for it. */
  base: string;
  /** How the build sees the source: in the context, dropped by `.dockerignore`, or outside the context. Absent: in the context. */
  visibility?: 'ignored' | 'outside';
  /** The ignore-file line that drops it ('ignored'). */
  excludedBy?: IgnorePattern;
}

/**
 * Finds the source of `dotted` in the workspace: a module is local when its source is in the
 * repository, whether or not the build context or `.dockerignore` lets it in (that decides only
 * what can be copied). Looks in the context first (`locateInContext`), then in the context as
 * it is on disk, then in the folders above the importing file and above the context root up to
 * the workspace root (sibling folders of a service-folder context). `outsideAllowed`: the
 * context is known (compose, a script, the config), so a source outside it cannot be copied.
 */
export function locateSource(a: Pick<Analysis, 'fs' | 'root'>, ctx: BuildContext, dotted: string, importerSource: string | undefined, outsideAllowed: boolean): SourceHit | undefined {
  const hit = locateInContext(ctx, dotted, importerSource);
  if (hit) return hit;
  const parts = dotted.split('.');
  const bases: string[] = [];
  const up = (from: string) => {
    for (let d = from; relativeInside(a.root, d) !== undefined; d = dirname(d)) {
      if (!bases.includes(d) && !inPackageOnDisk(a, d)) bases.push(d);
      if (d === a.root || d === '/') break;
    }
  };
  if (importerSource) up(dirname(importerSource));
  up(ctx.root);
  for (const base of bases) {
    for (const root of [base, join(base, 'src')]) {
      const path = join(root, ...parts);
      // The context root and the folders above it hold the build, they are not a package in it (`build: ./flask` and `import flask`).
      if (within(path, ctx.root) || path + '.py' === importerSource) continue;
      let kind: SourceHit['kind'] | undefined;
      if (a.fs.stat(path + '.py')?.kind === 'file') kind = 'module';
      else if (a.fs.stat(path)?.kind === 'dir' && holdsPython(a.fs, path)) kind = 'package';
      if (!kind) continue;
      const abs = kind === 'module' ? path + '.py' : path;
      const rel = ctx.rel(abs);
      if (rel !== undefined && rel !== '') {
        const by = excludedBy(ctx, rel);
        // Visible, under a root above the context (a service-folder context that is itself the package).
        if (!by) return { path: rel, kind, base: '' };
        return { path: rel, kind, base: ctx.rel(root) ?? '', visibility: 'ignored', excludedBy: by };
      }
      // Outside the context only a regular package or a module counts: a folder of Python files there is as likely another project (`flask/` beside `nginx-wsgi-flask/`).
      if (rel === undefined && kind === 'package' && !isProjectPackage(a.fs, path)) continue;
      if (rel === undefined && outsideAllowed) return { path: relativeInside(a.root, abs)!, kind, base: relativeInside(a.root, root)!, visibility: 'outside' };
    }
  }
  return undefined;
}

/** A regular package (has `__init__.py`) that is no project of its own (no Dockerfile or compose file in it). */
function isProjectPackage(fs: FileSystem, dir: string): boolean {
  if (fs.stat(join(dir, '__init__.py'))?.kind !== 'file') return false;
  return !(fs.readDir(dir) ?? []).some((n) => /^(Dockerfile|Containerfile|(docker-)?compose\.ya?ml)$/i.test(n));
}

/** A workspace folder that is, or lies inside, a regular package (an `__init__.py` in it or a folder above, below the workspace root). */
function inPackageOnDisk(a: Pick<Analysis, 'fs' | 'root'>, dir: string): boolean {
  for (let d = dir; d !== a.root && relativeInside(a.root, d) !== undefined; d = dirname(d)) {
    if (a.fs.stat(join(d, '__init__.py'))?.kind === 'file') return true;
  }
  return false;
}

/** The ignore-file line that drops a context path or one of its folders. */
function excludedBy(ctx: BuildContext, rel: string): IgnorePattern | undefined {
  if (!ctx.isIgnored(rel) && !rel.split('/').some((_, i, segs) => ctx.isFolderPruned(segs.slice(0, i + 1).join('/')))) return undefined;
  for (let p = rel; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const by = ctx.excludedBy(p);
    if (by) return by;
    if (!p.includes('/')) return undefined;
  }
}

/** A folder on disk that holds a .py file (directly or a few levels below). */
function holdsPython(fs: FileSystem, dir: string, depth = 3): boolean {
  const names = fs.readDir(dir) ?? [];
  if (names.some((n) => n.endsWith('.py') && fs.stat(join(dir, n))?.kind === 'file')) return true;
  if (depth === 0) return false;
  return names.some((n) => !n.startsWith('.') && !SKIP_DIRS.has(n) && !SOURCE_SKIP.has(n) && fs.stat(join(dir, n))?.kind === 'dir' && holdsPython(fs, join(dir, n), depth - 1));
}

/**
 * Finds the source of dotted module `dotted` in the build context, looking first where the
 * importing file came from (its folder and the folders above it, which is how code laid out
 * for `python -m`/gunicorn from the repository root is organised), then the context root.
 */
export function locateInContext(ctx: BuildContext, dotted: string, importerSource: string | undefined): SourceHit | undefined {
  const parts = dotted.split('.');
  const bases: string[] = [];
  if (importerSource) {
    let d = relativeInside(ctx.root, dirname(importerSource));
    while (d !== undefined) {
      bases.push(d);
      if (d === '') break;
      d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    }
  }
  if (!bases.includes('')) bases.push('');
  const at = (root: string): SourceHit | undefined => {
    const rel = (p: string) => (root ? root + '/' + p : p);
    const path = parts.join('/');
    if (ctx.stat(rel(path)) === 'dir' && hasPython(ctx, rel(path))) return { path: rel(path), kind: 'package', base: root };
    // An absolute import never means the importing file itself (`import jwt` in services/jwt.py is PyJWT).
    if (ctx.stat(rel(path + '.py')) === 'file' && ctx.abs(rel(path + '.py')) !== importerSource) return { path: rel(path + '.py'), kind: 'module', base: root };
    return undefined;
  };
  for (const base of bases) {
    // A folder of a regular package holds submodules (`pkg.django`), never a top-level `django`.
    if (base && insidePackage(ctx, base)) continue;
    for (const src of ['', 'src']) {
      const hit = at([base, src].filter(Boolean).join('/'));
      if (hit) return hit;
    }
  }
  // Last resort: a source root elsewhere in the context (libs/common/, packages/core/...), if there is exactly one.
  const roots = (sourceRoots(ctx).get(parts[0]) ?? []).filter((r) => !insidePackage(ctx, r));
  if (roots.length === 1) return at(roots[0]);
  // A tests/<pkg>/ mirror beside the package (`backend/tests/app/` for `backend/app/`): the root outside the test folders,
  // when it has the whole dotted path. Two projects that each ship a package of that name (pip merges them in
  // site-packages) stay ambiguous.
  const outsideTests = roots.filter((r) => !/(?:^|\/)tests?(?:\/|$)/.test(r));
  if (parts.length > 1 && outsideTests.length === 1 && roots.length > 1) return at(outsideTests[0]);
  return undefined;
}

/** A context folder that is, or lies inside, a regular package: what it holds are submodules, not top-level modules. */
function insidePackage(ctx: BuildContext, dir: string): boolean {
  for (let d = dir; d; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') {
    if (ctx.stat(d + '/__init__.py') === 'file') return true;
  }
  return false;
}

const rootIndex = new WeakMap<BuildContext, Map<string, string[]>>();

/** Python module and package names in the context and the folders that hold them (from the context listing, once per context and lint). */
function sourceRoots(ctx: BuildContext): Map<string, string[]> {
  let index = rootIndex.get(ctx);
  if (index) return index;
  index = new Map();
  const add = (name: string, dir: string) => {
    const list = index!.get(name);
    if (!list) index!.set(name, [dir]);
    else if (!list.includes(dir)) list.push(dir);
  };
  // Python files, and every folder holding them (directly or below): a package or namespace portion named after it.
  const folders = new Set<string>();
  for (const e of ctx.entries()) {
    if (e.dir || !e.path.endsWith('.py') || e.path.split('/').some((seg) => seg.startsWith('.') || SOURCE_SKIP.has(seg))) continue;
    const slash = e.path.lastIndexOf('/');
    let f = slash < 0 ? '' : e.path.slice(0, slash);
    add(e.path.slice(slash + 1, -3), f);
    while (f && !folders.has(f)) {
      folders.add(f);
      const s = f.lastIndexOf('/');
      const parent = s < 0 ? '' : f.slice(0, s);
      add(f.slice(s + 1), parent);
      f = parent;
    }
  }
  rootIndex.set(ctx, index);
  return index;
}

/** Build output folders: copies of sources, not where they live. */
const SOURCE_SKIP = new Set(['dist', 'build']);

/** A context folder holding Python code (directly or below), per the source-root index. */
function hasPython(ctx: BuildContext, dir: string): boolean {
  const slash = dir.lastIndexOf('/');
  return sourceRoots(ctx).get(dir.slice(slash + 1))?.includes(slash < 0 ? '' : dir.slice(0, slash)) ?? false;
}

/** True for names that are never local: the standard library, declared dependencies and what an installed distribution provides. */
export function isNeverLocal(ia: ImportAnalysis, dotted: string): boolean {
  const top = dotted.split('.')[0];
  return isStdlib(top) || ia.thirdParty.has(top.toLowerCase()) || installedImportNames(ia.stage).has(top);
}

/**
 * True when the local source `hit` (in the context) found for `unit` holds the next part of `dotted` (the module the import names):
 * `azure.cognitiveservices.speech` needs `cognitiveservices` in the `azure` folder found. A folder that lacks it is
 * another `azure` (chatgpt-on-wechat's `voice/azure` plugin beside the Azure SDK it imports), no evidence that the
 * import meant it.
 */
export function holdsImported(ctx: BuildContext, hit: SourceHit, unit: string, dotted: string): boolean {
  if (!dotted.startsWith(unit + '.') || hit.visibility === 'outside') return true;
  if (hit.kind !== 'package') return false;
  const next = dotted.slice(unit.length + 1).split('.')[0];
  return (ctx.fs.readDir(ctx.abs(hit.path)) ?? []).some((n) => n === next || n.startsWith(next + '.'));
}

/** locateSource for `unit` (where the import failed), kept only when the source holds the module `dotted` the import names (holdsImported). */
export function localSourceFor(a: Pick<Analysis, 'fs' | 'root'>, ctx: BuildContext, unit: string, dotted: string, importerSource: string | undefined, outsideAllowed: boolean): SourceHit | undefined {
  const hit = locateSource(a, ctx, unit, importerSource, outsideAllowed);
  return hit && holdsImported(ctx, hit, unit, dotted) ? hit : undefined;
}

/**
 * The installed distribution the table does not know that may provide `failedAt` when that is a top-level name
 * (`web.py` -> `web`, `google-generativeai` -> `google`; possibleProvider), or undefined. A same-named folder elsewhere
 * in the repository (`channel/web`, `voice/google`) is then no evidence that the import meant it: Python may find the
 * name in site-packages.
 */
export function unknownProviderOf(ia: ImportAnalysis, failedAt: string): string | undefined {
  if (failedAt.includes('.')) return undefined;
  const d = possibleProvider(installSet(ia.stage), failedAt);
  return d === '*' ? undefined : d;
}

/**
 * For a top-level name a distribution the table knows provides (`yaml`: pyyaml), an installed distribution whose
 * dependencies the table does not know (and so may pull that one in), or undefined. A same-named local folder the
 * build never copied is then no proof that the import fails: site-packages may hold the name.
 */
export function dependencyProviderOf(ia: ImportAnalysis, failedAt: string): { dist: string; provides: string } | undefined {
  if (failedAt.includes('.')) return undefined;
  const set = installSet(ia.stage);
  if (set.status !== 'unknown' || !set.unknownDeps.length) return undefined;
  const provides = distributionsFor(failedAt)[0];
  return provides ? { dist: set.unknownDeps[0], provides } : undefined;
}

/**
 * The image view a closure walks, with the blur of an install the model cannot read narrowed: an
 * unknown install may put any third-party distribution into site-packages, but not the project's own
 * packages, unless the install installs the project itself (`pip install .`/`-e`, `poetry install`
 * without --no-root, `uv sync` without --no-install-project, `setup.py`, `pipenv install`). So under
 * that blur a top-level name stays uncertain only when some distribution could provide it: a declared
 * dependency, a name an installed or known distribution provides, or one the unreadable requirement
 * names; otherwise, when its source is a regular package or module in the build context, it is not there.
 * Other uncertain layers (an unknown base image, a RUN that writes there) are left as they are.
 */
export function narrowSitePackagesBlur(target: DockerTarget, stage: StageModel, thirdParty: ReadonlySet<string>): ImageView {
  const blur = stage.sitePackagesUncertain;
  if (!blur || blurInstallsProject(target, stage)) return stage.tree;
  const ctx = target.model.context;
  // Every install the model could not read; one whose argument is all variable (`pip install $EXTRA_PKGS`) may name anything, the project too.
  const reasons = [blur.reason, ...(blur.also ?? [])];
  if (reasons.some((r) => /(?:^|\s)["']?\$\{?[A-Za-z_]\w*\}?["']?(?=\s|$)/.test(r))) return stage.tree;
  const reason = reasons.join(' ').toLowerCase().replace(/[-_.]/g, '');
  const memo = new Map<string, boolean>();
  const projectOwn = (top: string): boolean => {
    let own = memo.get(top);
    if (own === undefined) {
      const flat = top.toLowerCase().replace(/_/g, '');
      own = !isStdlib(top) && !thirdParty.has(top) && !thirdParty.has(top.toLowerCase()) && distributionsFor(top).length === 0 && !reason.includes(flat) && isRegularSource(ctx, locateInContext(ctx, top, undefined));
      memo.set(top, own);
    }
    return own;
  };
  const tree = stage.tree;
  return {
    stat: (p) => tree.stat(p),
    readDir: (p) => tree.readDir(p),
    isUncertain: (p) => {
      const u = tree.uncertaintyAt(p);
      if (!u) return false;
      if (u.reason !== blur.reason) return true;
      const rel = relativeInside(u.dest, p);
      if (!rel) return true;
      const top = rel.split('/')[0].replace(/\.py$/, '');
      return !/^[A-Za-z_]\w*$/.test(top) || !projectOwn(top);
    },
  };
}

/** A module file, or a package folder with `__init__.py`, in the build context. */
function isRegularSource(ctx: BuildContext, hit: SourceHit | undefined): boolean {
  if (!hit || hit.visibility) return false;
  return hit.kind === 'module' || ctx.stat(hit.path + '/__init__.py') === 'file';
}

/** Installs the project itself, as shell text: what an unreadable install may be doing. */
const PROJECT_INSTALL = /\b(?:pip3?|uv\s+pip)\s+install\b[^;&|]*?(?:\s|=)(?:-e|--editable|\.{1,2}(?:\/\S*)?|\/\S+|\S+\.(?:whl|tar\.gz|zip))(?=\s|$|\[)|\bpoetry\s+install\b(?![^;&|]*--no-root)|\buv\s+sync\b(?![^;&|]*--no-install-project)|\bsetup\.py\b|\bpipenv\s+install\b|\bpdm\s+(?:install|sync)\b|\bhatch\b|\bflit\s+install\b/;

/** The install that blurs site-packages (in this stage, or the stage it was copied from) may install the project's own packages. */
function blurInstallsProject(target: DockerTarget, stage: StageModel): boolean {
  const reason = stage.sitePackagesUncertain!.reason;
  for (const st of target.model.stages) {
    const b = st.sitePackagesUncertain;
    if (!b || b.reason !== reason) continue;
    if (st.installs.some((r) => r.instr === b.instr && r.project)) return true;
    if (b.instr.keyword === 'RUN' && PROJECT_INSTALL.test(b.instr.commandText)) return true;
  }
  return false;
}

/**
 * For an import inside `if os.getenv("X"):`: the variable, when this container does not set it to a value
 * that runs the body (unset, set to an unknown value, or to '', '0', 'false', 'no', 'off'). Such an import
 * fails only once the variable is set, so it is a warning that says so, not an error.
 */
export function unsetEnvCondition(ia: ImportAnalysis, imp: { envCondition?: string }): string | undefined {
  const name = imp.envCondition;
  if (name === undefined) return undefined;
  const env = ia.entry.env;
  const value = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
  return value === undefined || /^(?:|0|false|no|off)$/i.test(value.trim()) ? name : undefined;
}
