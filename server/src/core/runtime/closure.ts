// What a container imports: its entry module or script resolved through the image, and the import closure from there (one walk per stage, sys.path and entries).
import type { Analysis, DockerTarget } from '../analysis';
import type { ContainerEntry } from '../container';
import type { StageModel } from '../docker/image';
import { dirname, join, relativeInside } from '../fs';
import { declaredDependencies, narrowSitePackagesBlur, packagePath, parseImageFile } from '../imports';
import { installedImportNames } from '../packages/installs';
import { ClosureResult, walkClosure } from '../python/closure';
import { cachedWalk, Walked, WrapInput } from './closure-cache';
import { evaluateSysPathEdits, isSysPathEdit } from '../python/syspath';
import { stringImportContext, stringNamedModules, type StringImportContext } from '../python/django';
import type { ShellEnv } from '../entrypoint/shell';
import { ImageView, Resolution, resolveModule } from '../python/resolver';
import { isPythonReady, parsePython } from '../python/parser';

/** `python -c` code, walked as a file of this name in the working folder. */
interface InlineCode {
  file: string;
  text: string;
}

/** The image path standing for `python -c` code (Python calls it `<string>`). */
export const INLINE_NAME = '<python -c>';

/** The Python side of a container: where its entry is and what it loads. */
export interface ImportsOf {
  view: ImageView;
  /** The entry module's resolution (module-based servers). */
  entryResolution?: Resolution;
  /** The entry file in the image (script or resolved module file). */
  entryFile?: string;
  closure?: ClosureResult;
  /** sys.path as the entry sees it (a fastapi/flask file's package root is put first). */
  sysPath: string[];
  /** Top-level names the project declares as dependencies (requirements, pyproject) or installed distributions provide: never local. */
  thirdParty: Set<string>;
  /** A loaded file changes sys.path at run time in a way the model cannot evaluate: where modules come from is not known (`file:line (why)`). */
  sysPathChangedBy?: string;
}

/** The file `fastapi run` with no path imports: the first of its candidate modules (fastapi-cli's default paths, in order) that exists in the working folder. */
function fastapiDefault(stage: StageModel, cwd: string, candidates: string[]): string | undefined {
  return candidates.map((m) => join(cwd, ...m.split('.')) + '.py').find((p) => stage.tree.stat(p) === 'file');
}

/** Resolves a container's entry and walks its imports; walks are shared by containers that run the same thing. */
export function importsOf(a: Analysis, target: DockerTarget, stage: StageModel, entry: ContainerEntry): ImportsOf {
  // The stage's tree is the resolver's view of the image (its uncertain layers included).
  // Declared dependencies and what the stage's installs provide (never local; stubbed by the import check).
  const thirdParty = new Set([...thirdPartyOf(a, target), ...installedImportNames(stage)]);
  // An unreadable install blurs site-packages for third-party names only, not for the project's own packages.
  const view: ImageView = narrowSitePackagesBlur(target, stage, thirdParty);
  const sysPath = [...entry.sysPath];
  const out: ImportsOf = { view, sysPath, thirdParty };
  const ep = entry.ep;
  const entries: { file: string; module?: string; main?: boolean }[] = [];
  const runsFile = ep.script && (ep.kind === 'python-script' || ep.kind === 'streamlit' || ep.kind === 'django-manage' || ep.kind === 'flask' || ep.kind === 'fastapi' || ep.kind === 'locust');
  if (ep.module && !runsFile) {
    let module = ep.module;
    const asModule = resolveModule(view, sysPath, module);
    let r = asModule;
    if (ep.kind === 'celery' && r.status === 'missing' && module.includes('.')) {
      // `celery -A pkg.name` where pkg defines `name`: celery imports pkg and takes the attribute (symbol_by_name), so pkg's imports run.
      const parent = module.slice(0, module.lastIndexOf('.'));
      const pr = resolveModule(view, sysPath, parent);
      const info = pr.status === 'found' && pr.file?.endsWith('.py') ? parseImageFile(a, stage, pr.file) : undefined;
      if (pr.status === 'found' && info?.topLevelNames.includes(module.slice(parent.length + 1))) {
        r = pr;
        module = parent;
      }
    }
    // The rules judge the target as written; the walk follows what celery imports.
    out.entryResolution = asModule;
    if (r.status === 'found') {
      // Parent packages run first, as modules named by their folders under the sys.path root.
      for (const f of r.inits) entries.push({ file: f, module: relativeInside(r.root, dirname(f))!.split('/').join('.'), main: false });
      let file = r.file;
      // python -m pkg runs pkg/__main__.py
      if (ep.kind === 'python-module' && r.kind !== 'module') {
        const dir = r.file ? dirname(r.file) : r.searchPath?.[0];
        if (dir && stage.tree.stat(join(dir, '__main__.py')) === 'file') {
          if (r.file) entries.push({ file: r.file, module });
          file = join(dir, '__main__.py');
        }
      }
      if (file?.endsWith('.py')) {
        // `python -m` runs the module as __main__: its `if __name__ == "__main__":` imports run too.
        const main = ep.kind === 'python-module';
        entries.push({ file, module: main && file.endsWith('__main__.py') ? module + '.__main__' : module, main });
        if (r === asModule) out.entryFile = file;
      }
    }
  } else if (ep.script || (ep.kind === 'fastapi' || ep.kind === 'locust') && ep.moduleCandidates && !ep.module) {
    let file = ep.script ? (ep.script.startsWith('/') ? ep.script : join(entry.cwd, ep.script)) : fastapiDefault(stage, entry.cwd, ep.moduleCandidates!);
    // `fastapi run pkg/` (or flask's FLASK_APP=pkg) imports the package: its __init__.py.
    if ((ep.kind === 'fastapi' || ep.kind === 'flask') && file && stage.tree.stat(file) === 'dir' && stage.tree.stat(join(file, '__init__.py')) === 'file') file = join(file, '__init__.py');
    if (file && stage.tree.stat(file) === 'file') {
      if (ep.kind === 'fastapi' || ep.kind === 'flask') {
        // These CLIs import the file as a module: its name grows through every folder with __init__.py.
        const { module, root } = packagePath(stage, file);
        if (!sysPath.includes(root)) sysPath.unshift(root);
        entries.push({ file, module });
      } else entries.push({ file });
      out.entryFile = file;
    }
  }
  // python -c CODE: the code runs as __main__, from the working folder (first on sys.path).
  let inline: InlineCode | undefined;
  if (!entries.length && ep.kind === 'python-code' && ep.code !== undefined && !ep.uncertain) {
    inline = { file: join(entry.cwd, INLINE_NAME), text: ep.code };
    entries.push({ file: inline.file, main: true });
    out.entryFile = inline.file;
  }
  if (!entries.length) return out;
  // Which string-named modules the command imports (a celery worker's task modules, Django's request side).
  const runs = stringImportContext(ep);
  const what = `${target.dockerfile}#${stage.index}|${sysPath.join(':')}|${entries.map((e) => `${e.file}>${e.module ?? ''}>${e.main ?? ''}`).join(',')}|${entry.env.DJANGO_SETTINGS_MODULE ?? ''}|${JSON.stringify(runs)}|${inline?.text ?? ''}`;
  const key = `closure:${treeId(stage.tree)}|${what}`;
  let walked = a.memo.get(key) as Walked | undefined;
  if (!walked) {
    // Across lints (a session's store): reused while the tree's answers and the loaded files hold.
    walked = cachedWalk({
      store: a.kept,
      // The view is the tree, or the tree with site-packages' blur narrowed (a function of the tree, the third-party names and the blur).
      key: `closure:${what}|${[...thirdParty].sort().join(',')}|${view === stage.tree ? '' : stage.sitePackagesUncertain?.reason}`,
      view,
      viewOf: stage.tree,
      load: (p) => loadFor(a, stage, inline)(p),
      hook: () => stringNamedModules(entry.env, runs),
      walk: (wrap) => walkWithSysPathEdits(a, stage, view, sysPath, entries, entry.cwd, thirdParty, entry.env, runs, inline, wrap),
      trace: a.trace,
    });
    a.memo.set(key, walked);
  }
  out.sysPath = walked.sysPath;
  out.closure = walked.closure;
  if (walked.sysPathChangedBy) out.sysPathChangedBy = walked.sysPathChangedBy;
  return out;
}

/**
 * Walks the closure; when loaded files edit sys.path with arguments that can be evaluated in the
 * image, walks again with those folders added (a few rounds: newly reached files may add more).
 * An edit that cannot be evaluated, or that adds a folder the image does not have (a volume may
 * provide it), makes where modules come from unknown: `sysPathChangedBy` says where and why.
 */
function walkWithSysPathEdits(a: Analysis, stage: StageModel, view: ImageView, start: string[], entries: { file: string; module?: string; main?: boolean }[], cwd: string, thirdParty: Set<string>, env: ShellEnv, runs: StringImportContext, inline?: InlineCode, wrap: WrapInput = (i) => i): Walked {
  let sysPath = start;
  const load = loadFor(a, stage, inline);
  for (let round = 0; ; round++) {
    const closure = walkClosure(wrap({ view, sysPath, entries, load, isThirdParty: (n) => thirdParty.has(n), stringImports: stringNamedModules(env, runs) }));
    const next = [...sysPath];
    for (const [file, f] of closure.files) {
      if (!f.info.calls.some(isSysPathEdit)) continue;
      const hit = stage.tree.lookup(file);
      const text = file === inline?.file ? inline.text : hit?.content ?? (hit?.source ? a.text(hit.source) : undefined);
      const edits = text === undefined ? { unevaluable: { line: 0, why: 'its text is not readable' } } : evaluateSysPathEdits(f.info, file, text, cwd);
      if ('unevaluable' in edits) return { closure, sysPath, sysPathChangedBy: `${file}:${edits.unevaluable.line + 1} (${edits.unevaluable.why})` };
      for (const e of edits.added) {
        // A literal folder the image lacks may be a mount; a folder next to the code is not.
        if (!e.relative && stage.tree.stat(e.path) !== 'dir' && !stage.tree.isUncertain(e.path)) {
          return { closure, sysPath, sysPathChangedBy: `${file} (it adds ${e.path}, which is not in the image: a volume may provide it)` };
        }
        if (next.includes(e.path)) continue;
        if (e.first) next.unshift(e.path);
        else next.push(e.path);
      }
    }
    if (next.length === sysPath.length || round === 3) return { closure, sysPath };
    sysPath = next;
  }
}

/** How a walk loads an image file: `python -c` code, a heredoc's content, or its build-context source. */
function loadFor(a: Analysis, stage: StageModel, inline?: InlineCode): (p: string) => ReturnType<typeof parseImageFile> {
  return (p) => (p === inline?.file ? (isPythonReady() ? parsePython(inline.text) : undefined) : parseImageFile(a, stage, p));
}

/** A number per image tree, so a stage seen through a deployment's mounts gets walks of its own. */
const treeIds = new WeakMap<object, number>();
let nextTreeId = 0;
function treeId(tree: object): number {
  let id = treeIds.get(tree);
  if (id === undefined) treeIds.set(tree, (id = nextTreeId++));
  return id;
}

function thirdPartyOf(a: Analysis, target: DockerTarget): Set<string> {
  const key = `third-party:${target.dockerfile}`;
  let names = a.memo.get(key) as Set<string> | undefined;
  if (!names) a.memo.set(key, (names = declaredDependencies(a, target)));
  return names;
}
