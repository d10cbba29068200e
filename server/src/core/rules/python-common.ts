// Helpers shared by the Python rules: image-to-context mapping, the import chain as related locations, Dockerfile insertions.
import type { Analysis } from '../analysis';
import { join, normalize } from '../fs';
import type { Instruction } from '../docker/parse';
import type { StageModel } from '../docker/image';
import type { ImportAnalysis } from '../imports';
import type { ClosureEdge } from '../python/closure';
import type { PyImport } from '../python/parser';
import { namedBy, namedByPhrase, namingPhrase } from '../python/django';
import { entryLabel } from '../runtime/label';
import { lazilyImported } from '../startup';
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
