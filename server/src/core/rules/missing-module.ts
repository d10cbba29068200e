// missing-module: a local module the entrypoint imports (directly or transitively) is not in the image where Python looks.
import type { Analysis } from '../analysis';
import type { Instruction } from '../docker/parse';
import { firstLineRange } from '../docker/image';
import { dirname, join } from '../fs';
import { ImportAnalysis, importAnalyses, isNeverLocal, locateInContext, SourceHit } from '../imports';
import type { UnresolvedImport } from '../python/closure';
import { resolveModule } from '../python/resolver';
import type { Fix, Location, TextEdit } from '../types';
import { chainLocations, entryLabel, insertAfter, sourceOf } from './python-common';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'missing-module',
  meta: {
    description: 'A local module the entrypoint imports, directly or transitively, is not in the image where Python will look for it.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'The image builds, the container starts, and the first request (or the health check) fails with ModuleNotFoundError: COPY brought in the entry file but not the modules it imports. deploylint models the image and follows the imports from the CMD; a module counts as local when its source is in the build context. Module-level imports are errors, imports inside functions warnings; imports guarded by try/except ImportError or `if TYPE_CHECKING` are not reported.',
      bad: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY predictions/worker/worker.py /app/worker.py\n# worker.py: from shared.utils.player_registry import RegistryReader\nCMD exec gunicorn --bind :$PORT worker:app',
      good: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY predictions/worker/worker.py /app/worker.py\nCOPY shared/ /app/shared/\nCMD exec gunicorn --bind :$PORT worker:app',
    },
  },
  check(a: Analysis): Draft[] {
    const out: Draft[] = [];
    for (const ia of importAnalyses(a)) {
      // Code that edits sys.path at run time can make any module importable: stay quiet.
      if (ia.sysPathChangedBy) continue;
      const groups = groupMissing(ia);
      const drafts = groups.map((g) => draft(a, ia, g));
      // "Copy all missing modules": every group's COPY lines at once.
      const copies = groups.map((g, i) => [g, drafts[i]] as const).filter(([g]) => g.kind === 'not-found');
      if (copies.length > 1) {
        const all: Fix = { title: `Copy all ${copies.length} missing modules into the image`, edits: copies.flatMap(([g]) => g.edits), isPreferred: false };
        for (const [, d] of copies) d.fixes.push(all);
      }
      out.push(...drafts);
    }
    return out;
  },
};

interface Group {
  key: string;
  /** The dotted unit to bring in: a top-level module/package, a submodule, or (not-a-package) the package. */
  unit: string;
  kind: 'not-found' | 'not-a-package' | 'not-on-path' | 'no-parent-package';
  /** not-on-path: the folder that, on sys.path, makes the unit importable (it is already in the image below it). */
  pathRoot?: string;
  hit: SourceHit;
  imports: UnresolvedImport[];
  /** Instruction the fix changes (the COPY that brought the importing file). */
  anchor: Instruction;
  edits: TextEdit[];
  /** What the fix does, for its title. */
  fixTitle: string;
  /** Image path of the plain module shadowing the package (not-a-package). */
  shadow?: string;
}

function groupMissing(ia: ImportAnalysis): Group[] {
  const groups = new Map<string, Group>();
  const { stage } = ia;
  const ctx = ia.target.model.context;
  for (const u of ia.closure?.unresolved ?? []) {
    const imp = u.import;
    if (imp.guard !== 'none') continue;
    if (u.reason === 'no-parent-package') {
      // The entry module of a server inside a package: entrypoint-target names the right module path.
      if (u.importer === ia.entryFile && ia.entryResolution && stage.tree.stat(join(dirname(u.importer), '__init__.py')) === 'file') continue;
      const key = `no-parent-package:${u.importer}`;
      let g = groups.get(key);
      if (!g) {
        const anchor = stage.tree.lookup(u.importer)?.origin.instr ?? ia.entry.instr;
        g = { key, unit: u.dotted, kind: 'no-parent-package', hit: { path: '', kind: 'module', base: '' }, imports: [], anchor, edits: [], fixTitle: '' };
        groups.set(key, g);
      }
      g.imports.push(u);
      continue;
    }
    if (isNeverLocal(ia, u.failedAt)) continue;
    const importerSource = sourceOf(stage, u.importer);
    const hit = locateInContext(ctx, u.failedAt, importerSource);
    if (!hit) continue; // not known to be local: third-party or an attribute
    const anchor = stage.tree.lookup(u.importer)?.origin.instr ?? ia.entry.instr;
    let unit = u.failedAt;
    let kind: Group['kind'] = 'not-found';
    let shadow: string | undefined;
    let pathRoot: string | undefined;
    if (u.reason === 'not-a-package') {
      kind = 'not-a-package';
      unit = u.failedAt.split('.').slice(0, -1).join('.');
      const r = resolveModule(ia.view, ia.entry.sysPath, unit);
      shadow = r.status === 'found' ? r.file : undefined;
    } else {
      // Copied, but where Python does not look (python src/main.py importing src.x)?
      pathRoot = copiedRoot(ia, hit, unit);
      if (pathRoot) kind = 'not-on-path';
    }
    const key = `${kind}:${unit}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, unit, kind, hit, imports: [], anchor, edits: [], fixTitle: '', shadow, pathRoot };
      groups.set(key, g);
    }
    g.imports.push(u);
  }
  for (const g of groups.values()) if (g.kind !== 'no-parent-package') planFix(ia, g);
  return [...groups.values()];
}

/**
 * When the unit's source is already in the image at `<root>/<unit as path>` but `<root>` is not
 * on sys.path, returns `<root>`.
 */
function copiedRoot(ia: ImportAnalysis, hit: SourceHit, unit: string): string | undefined {
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

/** Image files and the context files they came from, for the final stage (bounded). */
function sourceIndex(ia: ImportAnalysis): [string, string][] {
  const out: [string, string][] = [];
  for (const f of ia.stage.tree.walk('/', 50000)) {
    const s = ia.stage.tree.lookup(f)?.source;
    if (s) out.push([f, s]);
  }
  return out;
}

/** Where the unit belongs in the image: under the sys.path root that holds the importing file. */
function destinationRoot(ia: ImportAnalysis, g: Group): string {
  const importer = g.imports[0].importer;
  const parent = g.unit.split('.').slice(0, -1).join('.');
  if (parent) {
    const r = resolveModule(ia.view, ia.entry.sysPath, parent);
    if (r.status === 'found') return r.root;
  }
  return ia.entry.sysPath.find((p) => importer.startsWith(p === '/' ? '/' : p + '/')) ?? ia.entry.sysPath[0] ?? ia.stage.workdir;
}

function planFix(ia: ImportAnalysis, g: Group): void {
  const df = ia.target.dockerfile;
  const lines = ia.target.parsed.lines;
  if (g.kind === 'not-on-path') {
    const existing = ia.stage.env.get('PYTHONPATH')?.value;
    const value = existing ? `${existing}:${g.pathRoot}` : g.pathRoot!;
    const entry = ia.entry.instr;
    g.anchor = entry;
    g.edits = [{ file: df, range: { start: { line: entry.line, character: 0 }, end: { line: entry.line, character: 0 } }, newText: `ENV PYTHONPATH=${value}\n` }];
    g.fixTitle = `Add ${g.pathRoot} to PYTHONPATH`;
    return;
  }
  const root = destinationRoot(ia, g);
  const parts = g.unit.split('.');
  if (g.kind === 'not-a-package') {
    // The package folder in the context: the hit is a module inside it.
    const pkgFolder = packageFolder(g);
    const dest = join(root, ...parts) + '/';
    const copy = `COPY ${pkgFolder}/ ${dest}`;
    const shadowOrigin = g.shadow ? ia.stage.tree.lookup(g.shadow)?.origin.instr : undefined;
    if (shadowOrigin && shadowOrigin.keyword === 'COPY' && shadowOrigin.args.length === 2 && !shadowOrigin.flags.some((f) => f.name === 'from')) {
      g.anchor = shadowOrigin;
      g.edits = [{ file: df, range: firstLineRange(shadowOrigin, lines), newText: copy }];
      g.fixTitle = `Copy ${pkgFolder}/ as the package ${dest} instead of the single file`;
    } else {
      g.edits = [insertAfter(df, lines, g.anchor, `${copy}\nRUN touch ${dest}__init__.py`)];
      g.fixTitle = `Copy ${pkgFolder}/ as the package ${dest}`;
    }
    return;
  }
  const destParent = join(root, ...parts.slice(0, -1));
  const copy = g.hit.kind === 'package' ? `COPY ${g.hit.path}/ ${join(destParent, parts[parts.length - 1])}/` : `COPY ${g.hit.path} ${destParent === '/' ? '/' : destParent + '/'}`;
  g.edits = [insertAfter(df, lines, g.anchor, copy)];
  g.fixTitle = `Add '${copy}'`;
}

/** Context folder of the package `unit` for a not-a-package group (the hit is `unit/<module>`). */
function packageFolder(g: Group): string {
  const depth = g.imports[0].failedAt.split('.').length - g.unit.split('.').length;
  let p = g.hit.path;
  for (let i = 0; i < depth; i++) p = p.slice(0, p.lastIndexOf('/'));
  return p;
}

function draft(a: Analysis, ia: ImportAnalysis, g: Group): Draft {
  const first = g.imports[0];
  const importers = [...new Set(g.imports.map((u) => u.importer))];
  const by = importers.length === 1 ? importers[0] : `${importers[0]} and ${importers.length - 1} more`;
  const names = [...new Set(g.imports.map((u) => (u.nameIndex !== undefined ? u.dotted : u.import.level ? u.failedAt : u.dotted)))];
  const shown = names.length === 1 && names[0] === g.unit ? '' : ` (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
  let message: string;
  if (g.kind === 'no-parent-package') {
    const file = first.importer;
    const loadedAs = file === ia.entryFile && !ia.entry.ep.module ? 'the script __main__' : `the top-level module '${ia.closure?.files.get(file)?.module ?? file.slice(file.lastIndexOf('/') + 1, -3)}'`;
    message = `the relative import '${names[0]}' in ${file} cannot work: the file runs as ${loadedAs}, with no parent package (ImportError: attempted relative import with no known parent package)`;
  } else if (g.kind === 'not-on-path') {
    const where = join(g.pathRoot!, ...g.unit.split('.'));
    message = `'${names[0]}' is imported by ${by}, but '${g.unit}' is at ${where}${g.hit.kind === 'module' ? '.py' : ''} and Python does not look in ${g.pathRoot} (sys.path: ${ia.entry.sysPath.join(', ')})`;
  } else if (g.kind === 'not-a-package') {
    const folder = packageFolder(g);
    message = `'${names[0]}' is imported by ${by} but cannot load: in the image '${g.unit}' is the module ${g.shadow ?? '?'}, not the package ${folder}/`;
  } else {
    const what = g.hit.kind === 'package' ? `package '${g.unit}'${shown}` : `'${g.unit}'${shown}`;
    const src = g.hit.kind === 'package' ? g.hit.path + '/' : g.hit.path;
    message = `${what} is imported by ${by} but is not in the image: ${src} is never copied`;
  }
  const functionOnly = g.imports.every((u) => u.import.scope === 'function');
  const related: Location[] = chainLocations(a, ia, first);
  const mirrors: Location[] = [];
  for (const u of g.imports) {
    const src = sourceOf(ia.stage, u.importer);
    if (!src) continue;
    const range = u.nameIndex !== undefined && u.import.nameRanges?.[u.nameIndex] ? u.import.nameRanges[u.nameIndex] : u.import.range;
    mirrors.push({ file: src, range, message: `${message} (${a.rel(ia.target.dockerfile)}, ${entryLabel(ia)})` });
  }
  return {
    severity: functionOnly ? 'warning' : undefined,
    message: functionOnly ? `${message} (imported inside a function: fails when it is called)` : message,
    file: ia.target.dockerfile,
    range: firstLineRange(g.anchor, ia.target.parsed.lines),
    related,
    mirrors,
    fixes: g.edits.length ? [{ title: g.fixTitle, edits: g.edits, isPreferred: true }] : [],
  };
}
