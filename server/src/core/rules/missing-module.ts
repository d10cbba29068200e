// missing-module: a local module the entrypoint imports (directly or transitively) is not in the image where Python looks.
import type { Analysis } from '../analysis';
import type { Instruction } from '../docker/parse';
import { firstLineRange } from '../docker/image';
import { basename, dirname, join, relativeInside } from '../fs';
import { dependencyProviderOf, ImportAnalysis, isNeverLocal, localSourceFor, SourceHit, unknownProviderOf, unsetEnvCondition } from '../imports';
import { installMayWriteSources, unmodelledWriter } from '../docker/writes';
import { entryLabel, hiddenByMount, HiddenByMount, mountHiddenEdit, perContainer, running } from '../runtime';
import { installedImportNames } from '../packages/installs';
import type { InstallRecord } from '../docker/installs';
import type { UnresolvedImport } from '../python/closure';
import { resolveModule } from '../python/resolver';
import { absentSubmodule, AbsentSubmodule } from '../absent-submodule';
import type { Fix, Location, TextEdit } from '../types';
import { chainLocations, failsOnCall, fallbackNotRun, importedBy, insertAfter, sourceOf, targetWithModule } from './python-common';
import { replaceCommandArg } from './command-edits';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'missing-module',
  meta: {
    description: 'A local module the entrypoint imports, directly or transitively, is not in the image where Python will look for it.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'The image builds, the container starts, and the first request (or the health check) fails with ModuleNotFoundError: COPY brought in the entry file but not the modules it imports. deploylint models the image and follows the imports from the CMD; a module counts as local when its source is in the build context, and a submodule of a regular local package in the image that the package folder does not hold (a stale import after a rename) fails whatever site-packages holds, unless a RUN may write it there, the package extends `__path__`, or git ignores its source (generated before the build); below a plain module that makes its submodules at run time (six: `from six.moves import urllib`, by assigning into `sys.modules`, setting `__path__` or adding a `sys.meta_path` importer) nothing is reported. Module-level imports are errors, imports inside functions warnings, and so are imports under an `if` that runs only when an environment variable is set (`if os.getenv("ENABLE_SSO"):`) when the container does not set it; imports guarded by try/except ImportError (and the fallback imports of its except clause, unless an import of the try is known to fail in the image: `except ImportError: import importlib_metadata` never runs where `importlib.metadata` exists), `if TYPE_CHECKING`, or an `if` that first checks the file or module exists (`if (BASE_DIR / "local_settings.py").exists():`, `importlib.util.find_spec(...)`) are not reported.',
      bad: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY predictions/worker/worker.py /app/worker.py\n# worker.py: from shared.utils.player_registry import RegistryReader\nCMD exec gunicorn --bind :$PORT worker:app',
      good: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY predictions/worker/worker.py /app/worker.py\nCOPY shared/ /app/shared/\nCMD exec gunicorn --bind :$PORT worker:app',
    },
  },
  check(a: Analysis): Draft[] {
    return perContainer(running(a), (ia) => {
      // Code that edits sys.path at run time can make any module importable: stay quiet.
      if (ia.sysPathChangedBy) return [];
      const groups = groupMissing(a, ia);
      const drafts = groups.map((g) => draft(a, ia, g));
      // "Copy all missing modules": every group's COPY lines at once.
      const copies = groups.map((g, i) => [g, drafts[i]] as const).filter(([g]) => g.kind === 'not-found');
      if (copies.length > 1) {
        const all: Fix = { title: `Copy all ${copies.length} missing modules into the image`, edits: copies.flatMap(([g]) => g.edits), isPreferred: false };
        for (const [, d] of copies) d.fixes.push(all);
      }
      return drafts;
    });
  },
};

interface Group {
  key: string;
  /** The dotted unit to bring in: a top-level module/package, a submodule, or (not-a-package) the package. */
  unit: string;
  kind: 'not-found' | 'not-a-package' | 'not-on-path' | 'no-parent-package' | 'editable-without-source' | 'hidden-by-mount' | 'no-such-submodule' | 'stdlib-shadowed';
  /** no-such-submodule: the regular package's folder in the image and the closest existing submodules. */
  absent?: AbsentSubmodule;
  /** hidden-by-mount: the image has the unit, but a deployment's bind mount hides it. */
  hidden?: HiddenByMount;
  /** editable-without-source: the install whose .pth points at a folder this stage does not have. */
  editable?: InstallRecord;
  /** not-on-path: the folder that, on sys.path, makes the unit importable (it is already in the image below it). */
  pathRoot?: string;
  /** Where the unit's source is; absent for a not-a-package group whose package source was not found (the image alone proves it). */
  hit?: SourceHit;
  imports: UnresolvedImport[];
  /** Instruction the fix changes (the COPY that brought the importing file). */
  anchor: Instruction;
  edits: TextEdit[];
  /** What the fix does, for its title. */
  fixTitle: string;
  /** Image path of the plain module shadowing the package (not-a-package). */
  shadow?: string;
}

function groupMissing(a: Analysis, ia: ImportAnalysis): Group[] {
  const groups = new Map<string, Group>();
  const { stage } = ia;
  const ctx = ia.target.model.context;
  // A source outside the context is reported only when the context is known, not inferred.
  const explicitContext = ia.target.context.how === 'compose' || ia.target.context.how === 'config' || ia.target.context.how === 'script';
  for (const u of ia.closure?.unresolved ?? []) {
    const imp = u.import;
    if (imp.guard !== 'none' || fallbackNotRun(ia, u.importer, imp)) continue;
    if (u.reason === 'stdlib-shadowed') {
      // Certain from the image alone; when the server's own target is in that package, entrypoint-target reports it.
      const top = u.dotted.split('.')[0];
      if (ia.entry.ep.module?.split('.')[0] === top) continue;
      const r = resolveModule(ia.view, ia.entry.sysPath, top);
      const key = `stdlib-shadowed:${top}`;
      let g = groups.get(key);
      if (!g) {
        const anchor = stage.tree.lookup(u.importer)?.origin.instr ?? ia.entry.instr;
        g = { key, unit: top, kind: 'stdlib-shadowed', imports: [], anchor, edits: [], fixTitle: '', shadow: r.status === 'found' ? (r.file ? dirname(r.file) : r.searchPath?.[0]) : undefined };
        groups.set(key, g);
      }
      g.imports.push(u);
      continue;
    }
    if (u.reason === 'no-parent-package') {
      // The entry module of a server inside a package: entrypoint-target names the right module path.
      if (u.importer === ia.entryFile && ia.entryResolution && stage.tree.stat(join(dirname(u.importer), '__init__.py')) === 'file') continue;
      const key = `no-parent-package:${u.importer}`;
      let g = groups.get(key);
      if (!g) {
        const anchor = stage.tree.lookup(u.importer)?.origin.instr ?? ia.entry.instr;
        g = { key, unit: u.dotted, kind: 'no-parent-package', imports: [], anchor, edits: [], fixTitle: '' };
        groups.set(key, g);
      }
      g.imports.push(u);
      continue;
    }
    const editable = u.reason === 'not-found' ? editableWithoutSource(ia, u.failedAt) : undefined;
    if (editable) {
      const unit = u.failedAt.split('.')[0];
      const key = `editable-without-source:${unit}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, unit, kind: 'editable-without-source', editable, imports: [], anchor: editable.carriedBy!, edits: [], fixTitle: '' }));
      g.imports.push(u);
      continue;
    }
    if (isNeverLocal(ia, u.failedAt) || (u.reason === 'not-found' && (unknownProviderOf(ia, u.failedAt) || dependencyProviderOf(ia, u.failedAt)))) continue;
    const importerSource = sourceOf(stage, u.importer);
    // A local source of that name is evidence only when it holds the module the import names.
    const hit = localSourceFor(a, ctx, u.failedAt, u.dotted, importerSource, explicitContext);
    const anchor = stage.tree.lookup(u.importer)?.origin.instr ?? ia.entry.instr;
    let unit = u.failedAt;
    let kind: Group['kind'] = 'not-found';
    let shadow: string | undefined;
    let pathRoot: string | undefined;
    if (u.reason === 'not-a-package') {
      // Certain from the image alone: a plain module file the build copied stands where the package should be.
      kind = 'not-a-package';
      unit = u.failedAt.split('.').slice(0, -1).join('.');
      const r = resolveModule(ia.view, ia.entry.sysPath, unit);
      shadow = r.status === 'found' ? r.file : undefined;
      const origin = shadow ? stage.tree.lookup(shadow) : undefined;
      if (!origin || (origin.source === undefined && origin.content === undefined)) continue;
    } else if (!hit) {
      // Nowhere in the workspace: third-party or an attribute, unless the image alone proves it (a regular local package without it).
      const absent = u.reason === 'not-found' && u.nameIndex === undefined && u.import.kind !== 'dynamic' ? absentSubmodule(a, ia, u.failedAt) : undefined;
      if (!absent) continue;
      kind = 'no-such-submodule';
      const key = `${kind}:${unit}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, unit, kind, imports: [], anchor, edits: [], fixTitle: '', absent }));
      g.imports.push(u);
      continue;
    } else if (hit.visibility === 'ignored' && regenerated(ia, hit, u, anchor)) {
      continue;
    } else {
      // Copied, but where Python does not look (python src/main.py importing src.x)?
      pathRoot = hit.visibility ? undefined : copiedRoot(ia, hit, unit);
      if (pathRoot) kind = 'not-on-path';
    }
    // The image has it, but a compose bind mount puts the host's folder (without it) over it.
    const hidden = kind === 'not-found' ? hiddenByMount(ia, unit) : undefined;
    if (hidden) kind = 'hidden-by-mount';
    const key = `${kind}:${unit}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, unit, kind, hit, imports: [], anchor, edits: [], fixTitle: '', shadow, pathRoot };
      if (hidden) g.hidden = hidden;
      groups.set(key, g);
    }
    g.imports.push(u);
  }
  for (const g of groups.values()) if (g.kind !== 'no-parent-package' && g.kind !== 'editable-without-source' && g.kind !== 'no-such-submodule' && g.kind !== 'stdlib-shadowed') planFix(a, ia, g);
  return [...groups.values()];
}

/** An editable install carried from another stage (a venv copied alone) whose project provides `dotted`'s package, when this stage lacks the source. */
function editableWithoutSource(ia: ImportAnalysis, dotted: string): InstallRecord | undefined {
  const top = dotted.split('.')[0];
  return ia.stage.installs.find((r) => r.carriedBy && r.project?.editable && r.project.packages.includes(top) && !ia.stage.tree.stat(join((r.project.root ?? r.project.dir), top)));
}

/** `--no-editable` on the install (uv sync; pip's `-e` dropped), and COPY of the source from the stage that has it. */
function editableFixes(ia: ImportAnalysis, g: Group): Fix[] {
  const r = g.editable!;
  const df = ia.target.dockerfile;
  const lines = ia.target.parsed.lines;
  const out: Fix[] = [];
  for (let l = r.instr.line; l <= r.instr.endLine && !out.length; l++) {
    const text = lines[l];
    const sync = /\buv\s+sync\b/.exec(text);
    const pipE = /\s(-e|--editable)(?:\s+|=)(?=\S)/.exec(text);
    if (r.tool === 'uv sync' && sync) {
      const pos = { line: l, character: sync.index + sync[0].length };
      out.push({ title: 'Install the project non-editable (uv sync --no-editable): its package goes into the venv', edits: [{ file: df, range: { start: pos, end: pos }, newText: ' --no-editable' }], isPreferred: true });
    } else if (/pip install$/.test(r.tool) && pipE) {
      const range = { start: { line: l, character: pipE.index }, end: { line: l, character: pipE.index + pipE[0].length } };
      out.push({ title: `Install the project non-editable (drop ${pipE[1]}): its package goes into site-packages`, edits: [{ file: df, range, newText: ' ' }], isPreferred: true });
    }
  }
  const from = ia.target.model.stages[r.stage];
  const root = (r.project!.root ?? r.project!.dir);
  out.push({ title: `Copy ${root} from the ${from.name ?? 'stage ' + from.index} stage`, edits: [insertAfter(df, lines, r.carriedBy!, `COPY --from=${from.name ?? from.index} ${root} ${root}`)], isPreferred: out.length === 0 });
  return out;
}

/**
 * When the unit's source is already in the image at `<root>/<unit as path>` but `<root>` is not
 * on sys.path, returns `<root>`.
 */
function copiedRoot(ia: ImportAnalysis, hit: SourceHit, unit: string): string | undefined {
  // Many imports of one closure fail at the same unit (every `from shared.x import` of a service that lacks shared/).
  let memo = copiedRoots.get(ia);
  if (!memo) copiedRoots.set(ia, (memo = new Map()));
  const key = `${hit.kind}\0${hit.path}\0${unit}`;
  if (memo.has(key)) return memo.get(key);
  const root = findCopiedRoot(ia, hit, unit);
  memo.set(key, root);
  return root;
}

/** copiedRoot's answers per container analysis (one lint). */
const copiedRoots = new WeakMap<ImportAnalysis, Map<string, string | undefined>>();

function findCopiedRoot(ia: ImportAnalysis, hit: SourceHit, unit: string): string | undefined {
  const ctx = ia.target.model.context;
  const src = ctx.abs(hit.path);
  const unitPath = unit.split('.').join('/');
  for (const [image, source] of sourceIndex(ia)) {
    let loc: string | undefined;
    if (hit.kind === 'module' && source === src) loc = image.slice(0, -3);
    else if (hit.kind === 'package' && source.startsWith(src + '/')) loc = image.slice(0, image.length - (source.length - src.length));
    if (!loc || !loc.endsWith('/' + unitPath)) continue;
    const root = loc.slice(0, loc.length - unitPath.length - 1) || '/';
    if (!ia.entry.sysPath.includes(root)) return root;
  }
  return undefined;
}

/** Image files and the context files they came from, for the final stage (bounded): per image tree (a tree is not changed once built). */
function sourceIndex(ia: ImportAnalysis): [string, string][] {
  const tree = ia.stage.tree;
  let out = sourceIndexes.get(tree);
  if (out) return out;
  out = [];
  for (const f of tree.walk('/', 50000)) {
    const s = tree.lookup(f)?.source;
    if (s) out.push([f, s]);
  }
  sourceIndexes.set(tree, out);
  return out;
}

const sourceIndexes = new WeakMap<object, [string, string][]>();

/** Where the unit belongs in the image: under the sys.path root that holds the importing file. */
function destinationRoot(ia: ImportAnalysis, g: Group): string {
  return destinationRootFor(ia, g.imports[0].importer, g.unit);
}

function destinationRootFor(ia: ImportAnalysis, importer: string, unit: string): string {
  const parent = unit.split('.').slice(0, -1).join('.');
  if (parent) {
    const r = resolveModule(ia.view, ia.entry.sysPath, parent);
    if (r.status === 'found') return r.root;
  }
  return ia.entry.sysPath.find((p) => importer.startsWith(p === '/' ? '/' : p + '/')) ?? ia.entry.sysPath[0] ?? ia.stage.workdir;
}

/** A dockerignored source that a RUN after the importing file's COPY may generate in the image (`make proto`, a setup script, `pip install .`). */
function regenerated(ia: ImportAnalysis, hit: SourceHit, u: UnresolvedImport, anchor: Instruction): boolean {
  const loc = join(destinationRootFor(ia, u.importer, u.failedAt), ...u.failedAt.split('.').slice(0, -1), hit.path.slice(hit.path.lastIndexOf('/') + 1));
  return unmodelledWriter(ia.stage, loc, anchor.line, { module: true }) !== undefined || ia.stage.installed.some((i) => i.instr.line > anchor.line && installMayWriteSources(ia.stage, i.dir, ia.target.model.context.fs));
}


/** The COPY (a folder copy) that brings the context path `rel` to `image`, once `.dockerignore` lets it in. */
function copiesOnceIncluded(ia: ImportAnalysis, rel: string, image: string): boolean {
  const ctx = ia.target.model.context;
  return ia.stage.tree.getLayers().some((l) => {
    if (l.kind !== 'ctxdir' || l.ctx !== ctx) return false;
    const rest = relativeInside(ctx.abs(l.ctxRel), ctx.abs(rel));
    return rest !== undefined && rest !== '' && join(l.dest, rest) === image;
  });
}

function planFix(a: Analysis, ia: ImportAnalysis, g: Group): void {
  if (g.hidden) {
    const m = mountHiddenEdit(a, g.hidden);
    if (m) {
      g.edits.push(m.edit);
      g.fixTitle = `Also mount ${m.entry}`;
    }
    return;
  }
  const df = ia.target.dockerfile;
  const lines = ia.target.parsed.lines;
  if (g.hit?.visibility === 'outside') return; // no COPY can reach outside the context
  if (g.hit?.visibility === 'ignored' && g.kind !== 'not-a-package') {
    const ctx = ia.target.model.context;
    const by = g.hit.excludedBy!;
    const negate = `!${g.hit.path}${g.hit.kind === 'package' ? '/' : ''}`;
    const ignoreEdit: TextEdit = { file: ctx.ignoreFile!, range: { start: { line: by.line + 1, character: 0 }, end: { line: by.line + 1, character: 0 } }, newText: negate + '\n' };
    const ignoreLines = (a.text(ctx.ignoreFile!) ?? '').split('\n');
    if (by.line + 1 >= ignoreLines.length || (by.line + 1 === ignoreLines.length - 1 && ignoreLines[by.line + 1] === '')) {
      const end = { line: by.line, character: ignoreLines[by.line]?.length ?? 0 };
      ignoreEdit.range = { start: end, end };
      ignoreEdit.newText = '\n' + negate;
    }
    const image = join(destinationRoot(ia, g), ...g.unit.split('.')) + (g.hit.kind === 'module' ? '.py' : '');
    g.edits = [ignoreEdit];
    g.fixTitle = `Re-include ${g.hit.path}${g.hit.kind === 'package' ? '/' : ''} after ${ctx.ignoreFile ? basename(ctx.ignoreFile) : '.dockerignore'} line ${by.line + 1} ('${by.pattern}')`;
    if (!copiesOnceIncluded(ia, g.hit.path, image)) {
      g.edits.push(copyEdit(ia, g));
      g.fixTitle += ' and copy it';
    }
    return;
  }
  if (g.kind === 'not-on-path') {
    // A folder on PYTHONPATH that holds a same-named copy of an installed package would shadow it: no such fix.
    const installed = installedImportNames(ia.stage);
    if ((ia.stage.tree.readDir(g.pathRoot!) ?? []).some((n) => installed.has(n.replace(/\.py$/, '')))) return;
    const existing = ia.stage.env.get('PYTHONPATH')?.value;
    const value = existing ? `${existing}:${g.pathRoot}` : g.pathRoot!;
    const entry = ia.entry.instr;
    g.anchor = entry;
    // Before the command instruction; after the stage's last instruction when a deployment gives the command.
    const last = ia.stage.instructions[ia.stage.instructions.length - 1];
    g.edits = entry.keyword === 'FROM' && last
      ? [insertAfter(df, lines, last, `ENV PYTHONPATH=${value}`)]
      : [{ file: df, range: { start: { line: entry.line, character: 0 }, end: { line: entry.line, character: 0 } }, newText: `ENV PYTHONPATH=${value}\n` }];
    g.fixTitle = `Add ${g.pathRoot} to PYTHONPATH`;
    return;
  }
  const root = destinationRoot(ia, g);
  const parts = g.unit.split('.');
  if (g.kind === 'not-a-package') {
    // The package folder in the context: the hit is a module inside it.
    const pkgFolder = packageFolder(g);
    if (pkgFolder === undefined || g.hit?.visibility) return;
    const dest = join(root, ...parts) + '/';
    const copy = `COPY ${pkgFolder ? pkgFolder + '/' : '.'} ${dest}`;
    const shadowOrigin = g.shadow ? ia.stage.tree.lookup(g.shadow)?.origin.instr : undefined;
    if (shadowOrigin && shadowOrigin.keyword === 'COPY' && shadowOrigin.args.length === 2 && !shadowOrigin.flags.some((f) => f.name === 'from')) {
      g.anchor = shadowOrigin;
      g.edits = [{ file: df, range: firstLineRange(shadowOrigin, lines), newText: copy }];
      g.fixTitle = `Copy ${pkgFolder || 'the context'}${pkgFolder ? '/' : ''} as the package ${dest} instead of the single file`;
    } else {
      g.edits = [insertAfter(df, lines, g.anchor, `${copy}\nRUN touch ${dest}__init__.py`)];
      g.fixTitle = `Copy ${pkgFolder || 'the context'}${pkgFolder ? '/' : ''} as the package ${dest}`;
    }
    // The shadowing module is what the server loads (`gunicorn coordinator:app`): once it is a package, the target is its module path.
    const retarget = targetRewrite(ia, g, pkgFolder);
    if (retarget) {
      g.edits.push(retarget.edit);
      g.fixTitle += `, and run ${retarget.value}`;
    }
    return;
  }
  const edit = copyEdit(ia, g);
  g.edits = [edit];
  g.fixTitle = `Add '${edit.newText.trim()}'`;
}

/** The COPY line that brings the unit's source to where Python looks, after the importing file's COPY. */
function copyEdit(ia: ImportAnalysis, g: Group): TextEdit {
  const parts = g.unit.split('.');
  const hit = g.hit!;
  const destParent = join(destinationRoot(ia, g), ...parts.slice(0, -1));
  const copy = hit.kind === 'package' ? `COPY ${hit.path}/ ${join(destParent, parts[parts.length - 1])}/` : `COPY ${hit.path} ${destParent === '/' ? '/' : destParent + '/'}`;
  return insertAfter(ia.target.dockerfile, ia.target.parsed.lines, g.anchor, copy);
}

/** For a shadowing module the server target names: the edit that rewrites the target to the module's path inside the package. */
function targetRewrite(ia: ImportAnalysis, g: Group, pkgFolder: string): { edit: TextEdit; value: string } | undefined {
  const ep = ia.entry.ep;
  const src = g.shadow && g.shadow === ia.entryFile ? sourceOf(ia.stage, g.shadow) : undefined;
  if (!src || !ep.targetArg || ep.module !== g.unit) return undefined;
  const rel = relativeInside(ia.target.model.context.abs(pkgFolder), src);
  if (rel === undefined) return undefined;
  const value = targetWithModule(ia, g.unit + '.' + rel.replace(/\.py$/, '').split('/').join('.'));
  const edit = replaceCommandArg(ia.entry, ep.targetArg, value);
  return edit ? { edit, value } : undefined;
}

/** Context folder of the package `unit` for a not-a-package group (the hit is `unit/<module>`); undefined without a hit. */
function packageFolder(g: Group): string | undefined {
  if (!g.hit) return undefined;
  const depth = g.imports[0].failedAt.split('.').length - g.unit.split('.').length;
  let p = g.hit.path;
  for (let i = 0; i < depth; i++) p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
  return p;
}

function draft(a: Analysis, ia: ImportAnalysis, g: Group): Draft {
  const first = g.imports[0];
  const by = importedBy(g.imports);
  const names = [...new Set(g.imports.map((u) => (u.nameIndex !== undefined ? u.dotted : u.import.level ? u.failedAt : u.dotted)))];
  const shown = names.length === 1 && names[0] === g.unit ? '' : ` (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
  let message: string;
  if (g.kind === 'editable-without-source') {
    const r = g.editable!;
    message = `package '${g.unit}'${shown} is ${by} but cannot load: the editable install at ${a.rel(ia.target.dockerfile)}:${r.instr.line + 1} (${r.tool}) points at ${(r.project!.root ?? r.project!.dir)}, which this stage does not have (it copies only ${r.home})`;
  } else if (g.kind === 'no-parent-package') {
    const file = first.importer;
    const loadedAs = file === ia.entryFile && !ia.entry.ep.module ? 'the script __main__' : `the top-level module '${ia.closure?.files.get(file)?.module ?? file.slice(file.lastIndexOf('/') + 1, -3)}'`;
    message = `the relative import '${names[0]}' in ${file} cannot work: the file runs as ${loadedAs}, with no parent package (ImportError: attempted relative import with no known parent package)`;
  } else if (g.kind === 'no-such-submodule') {
    const ab = g.absent!;
    const hint = ab.close.length ? `; did you mean ${ab.close.map((c) => `'${c}'`).join(' or ')}?` : '';
    message = `'${g.unit}' is ${by} but cannot load: the package '${ab.pkg}' (${ab.dir}) has no module '${ab.name}', and Python looks for it only there${hint}`;
  } else if (g.kind === 'stdlib-shadowed') {
    message = `'${first.dotted}'${names.length > 1 ? ` (and ${names.length - 1} more)` : ''} is ${by} but cannot load: Python imports the standard library's module '${g.unit}' when it starts, so '${g.unit}' is that module, not the package ${g.shadow ?? g.unit} (No module named '${first.dotted}'; '${g.unit}' is not a package); rename the package`;
  } else if (g.kind === 'not-on-path') {
    const where = join(g.pathRoot!, ...g.unit.split('.'));
    message = `'${names[0]}' is ${by}, but '${g.unit}' is at ${where}${g.hit?.kind === 'module' ? '.py' : ''} and Python does not look in ${g.pathRoot} (sys.path: ${ia.entry.sysPath.join(', ')})`;
  } else if (g.kind === 'not-a-package') {
    const folder = packageFolder(g);
    const pkg = folder === undefined || g.hit?.visibility ? 'a package' : `the package ${folder ? folder + '/' : a.rel(ia.target.model.context.root) + '/'}`;
    const missing = [...new Set(g.imports.map((u) => u.failedAt))];
    const what = missing.length === 1 ? `'${missing[0]}'` : `${missing.slice(0, -1).map((m) => `'${m}'`).join(', ')} and '${missing[missing.length - 1]}'`;
    message = `${what} ${missing.length === 1 ? 'is' : 'are'} ${by} but cannot load: in the image '${g.unit}' is the module ${g.shadow ?? '?'}, not ${pkg}`;
  } else if (g.hidden) {
    const h = g.hidden;
    const what = `${g.hit?.kind === 'package' ? 'package ' : ''}'${g.unit}'${shown}`;
    const lacks = h.mount.empty ? `which hides it: ${h.mount.empty}` : `and the host's ${h.mount.host || '.'} has no ${g.unit.split('.').pop()}`;
    message = `${what} is ${by} but is not in the container: the image has ${h.path}${h.source ? ` (copied from ${a.rel(h.source)}${g.hit?.kind === 'package' ? '/' : ''})` : ''}, but ${h.mount.describe} is mounted over ${h.mount.target}, ${lacks}`;
  } else {
    const hit = g.hit!;
    const what = hit.kind === 'package' ? `package '${g.unit}'${shown}` : `'${g.unit}'${shown}`;
    const src = hit.kind === 'package' ? hit.path + '/' : hit.path;
    if (hit.visibility === 'ignored') {
      const ctx = ia.target.model.context;
      message = `${what} is ${by} but is not in the image: ${a.rel(ctx.ignoreFile!)} line ${hit.excludedBy!.line + 1} ('${hit.excludedBy!.pattern}') drops ${src} from the build context`;
    } else if (hit.visibility === 'outside') {
      message = `${what} is ${by} but is not in the image: ${src} is outside the build context '${a.rel(ia.target.context.root) || '.'}'${ia.target.context.evidence ? ` (as ${a.rel(ia.target.context.evidence)} builds it)` : ''}, so no COPY can bring it in`;
    } else message = `${what} is ${by} but is not in the image: ${src} is never copied`;
  }
  const onCall = failsOnCall(ia, g.imports.map((u) => ({ file: u.importer, imp: u.import })));
  const unsetEnv = g.imports.map((u) => unsetEnvCondition(ia, u.import));
  const envOnly = !onCall && unsetEnv.every((v) => v !== undefined) ? unsetEnv[0] : undefined;
  const related: Location[] = chainLocations(a, ia, first);
  const mirrors: Location[] = [];
  for (const u of g.imports) {
    const src = sourceOf(ia.stage, u.importer);
    if (!src) continue;
    const range = u.nameIndex !== undefined && u.import.nameRanges?.[u.nameIndex] ? u.import.nameRanges[u.nameIndex] : u.import.range;
    mirrors.push({ file: src, range, message: `${message} (${a.rel(ia.target.dockerfile)}, ${entryLabel(ia)})` });
  }
  const at = g.hidden
    ? { file: g.hidden.mount.file, range: g.hidden.mount.range }
    : { file: ia.target.dockerfile, range: firstLineRange(g.anchor, ia.target.parsed.lines) };
  if (g.hidden) related.unshift({ file: ia.target.dockerfile, range: firstLineRange(g.hidden.instr ?? g.anchor, ia.target.parsed.lines), message: `the image gets ${g.hidden.path} here` });
  return {
    severity: onCall || envOnly ? 'warning' : undefined,
    message: onCall ? `${message} (${onCall})` : envOnly ? `${message} (imported only when ${envOnly} is set, which this container does not set: fails once it is)` : message,
    ...at,
    related,
    mirrors,
    fixes: g.kind === 'editable-without-source' ? editableFixes(ia, g) : g.edits.length ? [{ title: g.fixTitle, edits: g.edits, isPreferred: true }] : [],
  };
}
