// Helpers shared by the Python rules: image-to-context mapping, the import chain as related locations, Dockerfile insertions.
import type { Analysis } from '../analysis';
import { basename, join, normalize } from '../fs';
import type { Instruction } from '../docker/parse';
import type { CopyOp, StageModel } from '../docker/image';
import type { ImportAnalysis } from '../imports';
import type { ClosureEdge } from '../python/closure';
import type { PyImport } from '../python/parser';
import { namedBy, namedByPhrase, namingPhrase } from '../python/django';
import { entryLabel } from '../runtime/label';
import { lazilyImported } from '../startup';
import { installSet, mayProvide } from '../packages/installs';
import { resolveModule } from '../python/resolver';
import { isStdlib } from '../python/stdlib';
import { STDLIB_ADDED, STDLIB_REMOVED } from '../python/stdlib-versions';
import { compareVersions } from '../python/features';
import type { Location, TextEdit } from '../types';

/** The build-context file an image file was copied from, when it came from the context. */
export function sourceOf(stage: StageModel, imagePath: string): string | undefined {
  return stage.tree.lookup(imagePath)?.source;
}

const LAZY = new WeakMap<object, Set<string>>();

/**
 * When every one of these imports fails only once a function runs, what the message adds: the import is inside a
 * function, or its file is reached only through an import inside one (`create_voice()` importing
 * `voice.azure.azure_voice`, whose module-level `import azure...` then fails). Undefined when one fails at startup.
 */
export function failsOnCall(ia: ImportAnalysis, imports: { file: string; imp: PyImport }[]): string | undefined {
  const files = ia.closure?.files;
  let lazy = files ? LAZY.get(files) : undefined;
  if (files && !lazy) LAZY.set(files, (lazy = lazilyImported(files)));
  if (imports.every((i) => i.imp.scope === 'function')) return 'imported inside a function: fails when it is called';
  if (imports.every((i) => i.imp.scope === 'function' || lazy?.has(i.file))) return 'reached only through an import inside a function: fails when that function is called';
  return undefined;
}

/**
 * An import in an `except ImportError:` handler runs only when an import of the try's body fails
 * (`try: import importlib.metadata as m` / `except ImportError: import importlib_metadata as m`). Unless some
 * body import is known to fail in this image (a module the image lacks, a standard-library module its Python
 * does not have, a distribution nothing installs), the handler is taken not to run: the first body import, for
 * --explain. Undefined for an import outside a handler, and when the handler runs: then its import is judged
 * like any other.
 */
export function fallbackNotRun(ia: ImportAnalysis, file: string, imp: PyImport): PyImport | undefined {
  if (!imp.fallbackOf) return undefined;
  const info = ia.closure?.files.get(file)?.info;
  if (!info) return undefined;
  const primaries = imp.fallbackOf.map((k) => info.imports[k]).filter((p): p is PyImport => p !== undefined);
  if (!primaries.length || primaries.some((p) => knownToFail(ia, file, p))) return undefined;
  return primaries[0];
}

/** Whether an import certainly fails in the container: a module the image lacks, a standard-library module its Python does not have, a distribution nothing installs. */
function knownToFail(ia: ImportAnalysis, file: string, p: PyImport): boolean {
  if (p.kind === 'dynamic') return false;
  const top = p.module.split('.')[0];
  const absolute = p.level === 0 && !!p.module;
  const u = ia.closure?.unresolved.find((x) => x.importer === file && x.import === p);
  // Not found under a package the image has (`from feeds._cparse import f`, never built), or another failure the closure saw.
  if (u && (u.reason !== 'not-found' || !absolute || resolveModule(ia.view, ia.entry.sysPath, top).status === 'found')) return true;
  if (!absolute) return false;
  if (isStdlib(top)) {
    const version = ia.stage.python?.version;
    if (!version || !/^3\.\d+$/.test(version)) return false;
    const names = p.kind === 'from' ? [...p.names.filter((n) => n !== '*').map((n) => `${p.module}.${n}`), p.module] : [p.module];
    // `from importlib import metadata` on 3.7: a submodule the tables date fails like the module would.
    return !names.every((d) => stdlibHas(d, version));
  }
  if (resolveModule(ia.view, ia.entry.sysPath, top).status !== 'missing') return false;
  const set = installSet(ia.stage);
  return set.status !== 'unknown' && set.records.some((r) => r.sources.length) && !set.importNames.has(top) && !mayProvide(set, top);
}

/** Whether Python `version` (3.x) has the standard-library module `dotted` (or, for `from m import name`, `name` may be an attribute). */
function stdlibHas(dotted: string, version: string): boolean {
  const parts = dotted.split('.');
  for (let k = parts.length; k >= 1; k--) {
    const d = parts.slice(0, k).join('.');
    const added = STDLIB_ADDED[d];
    const removed = STDLIB_REMOVED[d];
    if (added !== undefined && compareVersions(version, added) < 0) return false;
    if (removed !== undefined && compareVersions(version, removed) >= 0) return false;
  }
  return true;
}

/** The import chain as related locations: the entrypoint instruction first, then each import statement. */
export function chainLocations(a: Analysis, ia: ImportAnalysis, u: { chain: ClosureEdge[] }): Location[] {
  const out: Location[] = [...scriptLocations(a, ia), { file: ia.entry.at.file, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }];
  for (const e of u.chain) {
    const src = sourceOf(ia.stage, e.from);
    if (!src) continue;
    const what = importText(e.import);
    const named = namedBy(e.import);
    out.push({ file: src, range: e.import.range, message: `${a.rel(src)} (${e.from} in the image) ${named ? namingPhrase(named, what) : `imports ${what}`}` });
  }
  return out;
}

/**
 * The scripts the command went through before the one that runs the server, as related locations:
 * the Dockerfile instruction, then each script's line that leads on (`exec "$@"`, `exec /start`).
 */
export function scriptLocations(a: Analysis, ia: ImportAnalysis): Location[] {
  const chain = ia.entry.chain;
  if (!chain.length || !ia.entry.sources.script) return [];
  const started = ia.entry.sources.cmd ?? ia.entry.sources.entrypoint;
  const out: Location[] = started ? [{ file: started.file, range: started.range, message: `the container starts ${ia.entry.argv.join(' ')}` }] : [];
  for (const step of chain.slice(0, -1)) {
    const src = sourceOf(ia.stage, step.file);
    if (!src) continue;
    out.push({ file: src, range: { start: { line: step.line, character: 0 }, end: { line: step.line, character: 0 } }, message: `${a.rel(src)} (${step.file} in the image) runs ${step.what}` });
  }
  return out;
}

/**
 * How the imports reach the module, to complete "'x' is ...": "imported by /app/a.py", or, when
 * every one is a string a framework imports in the same way, "listed in INSTALLED_APPS in /app/settings.py".
 */
export function importedBy(imports: { importer: string; import: PyImport }[]): string {
  const importers = [...new Set(imports.map((u) => u.importer))];
  const by = importers.length === 1 ? importers[0] : `${importers[0]} and ${importers.length - 1} more`;
  const phrases = new Set(imports.map((u) => { const n = namedBy(u.import); return n ? namedByPhrase(n) : undefined; }));
  const [only] = phrases;
  return phrases.size === 1 && only !== undefined ? `${only} in ${by}` : `imported by ${by}`;
}

/** An import as a reader recognises it: `shared.utils`, `.models`, `from . import cache`. */
export function importText(i: PyImport): string {
  const dots = '.'.repeat(i.level);
  if (i.kind === 'from' && !i.module) return `from ${dots} import ${i.names.join(', ')}`;
  return dots + i.module;
}

/** An edit inserting `text` as new line(s) after an instruction (continuation lines included). */
export function insertAfter(file: string, lines: string[], ins: Instruction, text: string): TextEdit {
  const line = ins.endLine + 1;
  if (line < lines.length) return { file, range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: text + '\n' };
  // The instruction ends the file without a final newline.
  const end = { line: ins.endLine, character: lines[ins.endLine]?.length ?? 0 };
  return { file, range: { start: end, end }, newText: '\n' + text };
}

/** The server target text with another module: `mod:callable(args)` keeps its callable; `python -m` and celery `-A mod` have none. */
export function targetWithModule(ia: ImportAnalysis, module: string): string {
  const ep = ia.entry.ep;
  const callableSuffix = ep.callable ? `:${ep.callable}${ep.factory && ep.factoryArgs !== undefined ? `(${ep.factoryArgs})` : ''}` : '';
  // NGINX Unit's config names the module alone (`"module": "app.wsgi"`, `"callable"` apart).
  return ep.kind === 'python-module' || ep.kind === 'unit' || ep.kind === 'celery' && !ep.targetArg?.value.includes(':') ? module : module + callableSuffix;
}

/** The build-context file of the gunicorn config the container reads (`-c FILE`, or ./gunicorn.conf.py), when the image has it from the context. */
export function gunicornConfigSource(ia: ImportAnalysis): string | undefined {
  const ep = ia.entry.ep;
  const cfg = ep.configFile ?? ep.defaultConfig;
  if (!cfg) return undefined;
  for (const dir of [ia.entry.cwd, ia.stage.workdir, ep.cwd].filter((x): x is string => !!x)) {
    const src = ia.stage.tree.lookup(normalize(cfg.startsWith('/') ? cfg : join(dir, cfg)))?.source;
    if (src) return src;
  }
  return undefined;
}

/**
 * The COPY whose missing source would have put something at `imagePath` (the file itself, or a folder holding it):
 * the build stops there (missing-copy-source's finding), so what the image lacks because of it is that finding's.
 */
export function failedCopyAt(stage: StageModel, imagePath: string): CopyOp | undefined {
  return stage.copies.find((op) => !op.from && op.sources.some((src) => {
    if (src.status !== 'missing' || src.isGlob) return false;
    const dest = op.destIsDir || op.sources.length > 1 ? join(op.dest, basename(src.path)) : op.dest;
    return imagePath === dest || imagePath.startsWith(dest + '/');
  }));
}
