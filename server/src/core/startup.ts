// The startup estimate: how long a container's entrypoint takes to import, from the model loads its import closure runs at module level.
import type { Analysis } from './analysis';
import { join, normalize } from './fs';
import type { ImportAnalysis } from './imports';
import type { ClosureFile } from './python/closure';
import type { PyCall, PyFileInfo } from './python/parser';
import { resolveRelative } from './python/resolver';
import type { Position, Range } from './types';

/**
 * Assumed rate at which a model file copied into the image is read and deserialised at startup:
 * 50 MB/s. A deliberately modest figure (cold image layers streamed from a registry, CPU-bound
 * unpickling); it only matters when it makes a load slower than `modelLoadSeconds`.
 */
export const MODEL_READ_BYTES_PER_SECOND = 50_000_000;

/** Extensions of model files whose size adds read time. */
export const MODEL_FILE_EXTENSIONS: readonly string[] = ['.bin', '.pt', '.pth', '.safetensors', '.onnx', '.h5', '.pkl', '.joblib', '.gguf', '.ckpt'];

/** One model load the entrypoint's import closure runs. */
export interface ModelLoad {
  /** Image path of the Python file that makes the call. */
  imagePath: string;
  /** The build-context file it was copied from, when known. */
  source?: string;
  range: Range;
  /** The called expression as written (`SentenceTransformer`, `model.load_model`). */
  callee: string;
  /** Seconds counted for it: `modelLoadSeconds`, or the file's size over the read rate when that is more. */
  seconds: number;
  /** The image file or folder the call reads (a literal path argument found in the image), with its model bytes. */
  file?: { path: string; bytes: number };
  /** Set when the load runs in a startup hook, not at import: `the lifespan handler lifespan()`, `the startup handler load_model()`. */
  during?: string;
}

/** "at import", "in the lifespan handler lifespan()": when a counted load runs, for messages. */
export function loadWhen(l: ModelLoad): string {
  return l.during ? `in ${l.during}` : 'at import';
}

export interface StartupEstimate {
  /** Estimated seconds from process start until the app is imported. */
  seconds: number;
  /**
   * Loads that run before the server accepts traffic: at import (module level, or the `__main__` block
   * of a file run as a script), or in a startup hook the server runs before it serves (FastAPI/Starlette
   * `lifespan=`, `on_startup=[...]`, `@app.on_event("startup")`, `add_event_handler("startup", f)`; `during` set).
   */
  loads: ModelLoad[];
  /** Seconds of the loads in startup hooks (part of `seconds`): they run in every server process, `--preload` or not. */
  hookSeconds: number;
  /** Loads that do not delay startup: inside functions, under `if __name__ == "__main__":` of an imported file, or in files only imported lazily. */
  lazy: ModelLoad[];
  /** Model files in the image that no counted load names, in bytes (added as read time when some loads have no known file). */
  otherModelBytes: number;
  /** Seconds added for `otherModelBytes`. */
  otherSeconds: number;
  /** For messages: `the entrypoint loads 2 models at import: ~120 s (modelLoadSeconds 60 x 2)`. */
  summary: string;
}

/** Receivers whose `.load(...)` loads a model (module names and common aliases). */
const LOAD_RECEIVERS = new Set([
  'torch', 'joblib', 'pickle', 'cloudpickle', 'dill', 'spacy', 'gensim', 'Word2Vec', 'KeyedVectors', 'FastText', 'Doc2Vec',
  'hub', 'tensorflow_hub', 'tf', 'tensorflow', 'keras', 'mlflow',
]);
/** Modules from which a bare `load(...)` (`from joblib import load`) loads a model. */
const LOAD_MODULES = new Set(['torch', 'joblib', 'pickle', 'cloudpickle', 'dill', 'spacy']);
/** Calls that construct a model from weights (the constructor loads or downloads them). */
const CONSTRUCTORS = new Set(['SentenceTransformer', 'CrossEncoder', 'InferenceSession', 'YOLO', 'Llama', 'TFSMLayer']);
/** Methods and functions that load a model whatever their receiver. */
const LOADERS = new Set(['load_model', 'load_weights', 'load_learner', 'load_word2vec_format', 'hf_hub_download', 'snapshot_download']);
/**
 * Calls that load a model only when they come from a given library (their names are common elsewhere):
 * [callee's last name, the module it must come from, a keyword that must be True when the call loads weights only then].
 * `from faster_whisper import WhisperModel; WhisperModel("small")`, `import clip; clip.load("ViT-B/32")`.
 * The parser's INTERESTING_CALLS lists these names (python/parser.ts).
 */
const LIBRARY_LOADERS: readonly [string, string, string?][] = [
  ['WhisperModel', 'faster_whisper'],
  ['LLM', 'vllm'],
  ['Reader', 'easyocr'],
  ['PaddleOCR', 'paddleocr'],
  ['Translator', 'ctranslate2'],
  ['Generator', 'ctranslate2'],
  ['TextEmbedding', 'fastembed'],
  ['BGEM3FlagModel', 'FlagEmbedding'],
  ['FlagModel', 'FlagEmbedding'],
  ['Pipeline', 'stanza'],
  ['create_model_and_transforms', 'open_clip'],
  ['load', 'clip'],
  ['create_model', 'timm', 'pretrained'],
];
/** Whether a call is the library's: `lib.name(...)` / `lib.sub.name(...)` in a file that imports lib, or a bare `name(...)` imported from it (aliases are not followed). */
function fromLibrary(parts: string[], info: Pick<PyFileInfo, 'imports'>, module: string): boolean {
  const last = parts[parts.length - 1];
  const ofModule = (m: string) => m === module || m.startsWith(module + '.');
  if (parts.length === 1) return info.imports.some((i) => i.kind === 'from' && ofModule(i.module) && i.names.includes(last));
  return parts[0] === module && info.imports.some((i) => ofModule(i.module));
}

/** `from_pretrained` on these loads configuration or vocabulary, not weights. */
const LIGHT_PRETRAINED = /(Tokenizer|Config|Processor|FeatureExtractor|ImageProcessor)(Fast)?$/;
/** Keyword arguments that name the model file. */
const PATH_KWARGS = new Set(['model_file', 'model_path', 'path', 'f', 'fname', 'filepath', 'filename', 'model_name_or_path', 'pretrained_model_name_or_path', 'model_name', 'model_uri']);

/** True when a call loads (or downloads) a model: the calls the design lists, matched conservatively. */
export function isModelLoad(call: PyCall, info: Pick<PyFileInfo, 'imports'>): boolean {
  const parts = call.callee.split('.');
  const last = parts[parts.length - 1];
  const receiver = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const head = parts[0];
  if (last === 'from_pretrained') return !(receiver && LIGHT_PRETRAINED.test(receiver));
  for (const [name, module, flag] of LIBRARY_LOADERS) {
    if (last === name && fromLibrary(parts, info, module) && (!flag || call.args.some((x) => x.name === flag && x.value === 'True'))) return true;
  }
  if (CONSTRUCTORS.has(last)) return true;
  if (LOADERS.has(last)) return true;
  // xgboost/lightgbm `Booster(model_file=...)`; a bare `Booster()` loads nothing until `.load_model`.
  if (last === 'Booster') return call.args.length > 0;
  if (last === 'pipeline') return parts.length === 1 ? importsFrom(info, 'transformers') : head === 'transformers';
  if (last === 'load') {
    if (parts.length === 1) return info.imports.some((i) => i.kind === 'from' && LOAD_MODULES.has(i.module.split('.')[0]) && i.names.includes('load'));
    return LOAD_RECEIVERS.has(head) || (receiver !== undefined && LOAD_RECEIVERS.has(receiver));
  }
  return false;
}

/** Per parsed file (kept by the parse cache while its text is the same): its calls that load a model. */
const modelLoads = new WeakMap<PyFileInfo, PyCall[]>();

/** The calls of a file that load a model ({@link isModelLoad}), in order; computed once per parsed file rather than per lint. */
function modelLoadsOf(info: PyFileInfo): PyCall[] {
  let out = modelLoads.get(info);
  if (!out) modelLoads.set(info, (out = info.calls.filter((call) => isModelLoad(call, info))));
  return out;
}

function importsFrom(info: Pick<PyFileInfo, 'imports'>, module: string): boolean {
  return info.imports.some((i) => i.module === module || i.module.startsWith(module + '.'));
}

/** The literal path a load reads, when it names one: the first positional string or a path-like keyword. */
export function loadPathArgument(call: PyCall): string | undefined {
  const kw = call.args.find((x) => x.name !== undefined && PATH_KWARGS.has(x.name) && x.value !== undefined);
  if (kw) return kw.value;
  const first = call.args.find((x) => x.name === undefined);
  return first?.value !== undefined && !/^(True|False|None|-?\d[\d.]*)$/.test(first.value) ? first.value : undefined;
}

/** Estimates by closure (or stage, without one) and working folder: containers that run the same thing share one. */
function estimatesOf(a: Analysis): WeakMap<object, Map<string, StartupEstimate>> {
  // Per lint: a closure may be reused by the next lint, whose settings and files may differ.
  let m = a.memo.get('estimates') as WeakMap<object, Map<string, StartupEstimate>> | undefined;
  if (!m) a.memo.set('estimates', (m = new WeakMap()));
  return m;
}

/** The startup estimate of a container's entry (memoised per closure and folder, for one lint). */
export function startupEstimate(a: Analysis, ia: ImportAnalysis): StartupEstimate {
  const owner: object = ia.closure ?? ia.stage;
  const per = estimatesOf(a);
  let byCwd = per.get(owner);
  if (!byCwd) per.set(owner, (byCwd = new Map()));
  const hit = byCwd.get(ia.entry.cwd);
  if (hit) return hit;
  const est = computeEstimate(a, ia);
  byCwd.set(ia.entry.cwd, est);
  return est;
}

function computeEstimate(a: Analysis, ia: ImportAnalysis): StartupEstimate {
  const base = a.config.modelLoadSeconds;
  const loads: ModelLoad[] = [];
  const lazy: ModelLoad[] = [];
  const files = ia.closure?.files;
  const attributed = new Set<string>();
  const { lazyFiles, hooks, shutdownFrom, calls } = closureFacts(a, ia, files);
  for (const { imagePath, f, call } of calls) {
    const eager = !lazyFiles.has(imagePath);
    const load: ModelLoad = { imagePath, range: call.range, callee: call.callee, seconds: base };
    const source = ia.stage.tree.lookup(imagePath)?.source;
    if (source) load.source = source;
    // What follows the `yield` of a lifespan handler runs at shutdown, not before the server serves.
    const shutdown = call.fn !== undefined && afterPos(call.range.start, shutdownFrom.get(`${imagePath}#${call.fn}`));
    const during = call.fn !== undefined && !call.mainGuard && !shutdown ? hookOf(hooks, imagePath, call.fn) : undefined;
    if (during) load.during = during;
    const counted = eager && (during !== undefined || call.scope === 'module' && (!call.mainGuard || f.main));
    const file = modelFileOf(a, ia, call, imagePath);
    if (file) {
      load.file = file;
      if (counted) attributed.add(file.path);
      // A load that reads a file the image holds takes as long as reading it: a 400 kB pickled regression loads in
      // well under a second. Downloads (and a folder without model files, whose weights come from elsewhere) keep modelLoadSeconds.
      const read = Math.ceil(file.bytes / MODEL_READ_BYTES_PER_SECOND);
      load.seconds = file.bytes > 0 && !DOWNLOADS_ANYWAY.test(call.callee) ? Math.max(1, read) : Math.max(base, read);
    }
    (counted ? loads : lazy).push(load);
  }
  let otherModelBytes = 0;
  let otherSeconds = 0;
  if (loads.length) {
    for (const p of ia.stage.tree.walk('/', 20000)) {
      if (!isModelFile(p) || [...attributed].some((x) => p === x || p.startsWith(x + '/'))) continue;
      otherModelBytes += sizeOf(a, ia, p);
    }
    // Loads without a known file probably read these: count the read time beyond what they already got.
    const unnamed = loads.filter((l) => !l.file).length;
    if (unnamed) otherSeconds = Math.max(0, Math.ceil(otherModelBytes / MODEL_READ_BYTES_PER_SECOND) - unnamed * base);
  }
  const seconds = loads.reduce((s, l) => s + l.seconds, 0) + otherSeconds;
  const hookSeconds = loads.reduce((s, l) => s + (l.during ? l.seconds : 0), 0);
  return { seconds, loads, hookSeconds, lazy, otherModelBytes, otherSeconds, summary: summarise(loads, base, otherModelBytes, otherSeconds, seconds) };
}

/** What the estimate reads of a closure alone (its files, their parses and texts), apart from the image tree and the settings. */
interface ClosureFacts {
  lazyFiles: Set<string>;
  hooks: Map<string, string>;
  shutdownFrom: Map<string, Position>;
  /** Every model-load call of the closure, in closure order. */
  calls: { imagePath: string; f: ClosureFile; call: PyCall }[];
}

/**
 * Per closure file map, across lints: a closure the cache reuses is the same map of the same parsed
 * files (a parse is the same object only while its file's text is the same: imports.ts's cache), so
 * these facts hold for as long as the map is used. A patched closure is a new map.
 */
const factsOf = new WeakMap<object, ClosureFacts>();

function closureFacts(a: Analysis, ia: ImportAnalysis, files: NonNullable<ImportAnalysis['closure']>['files'] | undefined): ClosureFacts {
  if (!files) return { lazyFiles: new Set(), hooks: new Map(), shutdownFrom: new Map(), calls: [] };
  const kept = factsOf.get(files);
  if (kept) return kept;
  const lazyFiles = lazilyImported(files);
  const { hooks, shutdownFrom } = startupHooks(a, ia, files, lazyFiles);
  const calls: ClosureFacts['calls'] = [];
  for (const [imagePath, f] of files) for (const call of modelLoadsOf(f.info)) calls.push({ imagePath, f, call });
  const facts = { lazyFiles, hooks, shutdownFrom, calls };
  // A file with inline content (a heredoc) is parsed afresh on each lint, so its map is never reused; keeping it costs nothing.
  factsOf.set(files, facts);
  return facts;
}

const IDENT = /^[A-Za-z_]\w*$/;
/** ASGI app constructors whose `lifespan=` / `on_startup=[...]` run before the server serves. */
const APP_CONSTRUCTOR = /(^|\.)(FastAPI|Starlette|Litestar)$/;
/** How deep calls are followed from a hook (hook -> helper -> loader). */
const HOOK_CALL_DEPTH = 3;

/** The hook a function of a file belongs to (itself, or a function it defines inside). */
function hookOf(hooks: Map<string, string>, file: string, fn: string): string | undefined {
  for (let f: string | undefined = fn; f; f = f.includes('.<locals>.') ? f.slice(0, f.lastIndexOf('.<locals>.')) : undefined) {
    const h = hooks.get(`${file}#${f}`);
    if (h) return h;
  }
  return undefined;
}

/** True when `p` is at or after `from` (absent: never). */
function afterPos(p: Position, from: Position | undefined): boolean {
  return !!from && (p.line > from.line || (p.line === from.line && p.character >= from.character));
}

/**
 * Functions the server runs before it accepts traffic, keyed `imagePath#function`, with what makes
 * them run (`hooks`), and for each lifespan handler where its shutdown half starts (`shutdownFrom`:
 * its first `yield`; Starlette runs the code before it at startup, the rest at shutdown): the functions named by `lifespan=` / `on_startup=[...]` of FastAPI/Starlette/Litestar,
 * decorated `@<app>.on_event("startup")`, or registered with `add_event_handler("startup", f)`; and
 * the functions they call (same file, or imported by name from a file in the closure), a few levels deep.
 * uvicorn runs the lifespan startup before it binds its socket (uvicorn/server.py `startup`).
 */
export function startupHooks(a: Analysis, ia: ImportAnalysis, files: ReadonlyMap<string, ClosureFile>, lazy: ReadonlySet<string>): { hooks: Map<string, string>; shutdownFrom: Map<string, Position> } {
  const byModule = new Map<string, string>();
  for (const [p, f] of files) if (f.module !== undefined) byModule.set(f.module, p);
  const out = new Map<string, string>();
  const shutdownFrom = new Map<string, Position>();
  const queue: { file: string; fn: string; what: string; depth: number }[] = [];
  /**
   * The function `name` refers to in `file`, from code in function `scope` (absent: module level): a
   * function defined in that scope or an enclosing one (an app factory's nested `lifespan`), at module
   * level, or imported from a closure file by `from m import name`.
   */
  const resolve = (file: string, name: string, scope?: string): { file: string; fn: string } | undefined => {
    const f = files.get(file);
    if (!f) return undefined;
    for (let sc = scope; sc; sc = sc.includes('.<locals>.') ? sc.slice(0, sc.lastIndexOf('.<locals>.')) : undefined) {
      const nested = `${sc}.<locals>.${name}`;
      if (f.info.functions.some((d) => d.name === nested)) return { file, fn: nested };
    }
    if (f.info.functions.some((d) => d.name === name)) return { file, fn: name };
    for (const imp of f.info.imports) {
      if (imp.kind !== 'from' || !imp.names.includes(name)) continue;
      const dotted = imp.level === 0 ? imp.module : f.module !== undefined ? resolveRelative(f.module, file.endsWith('/__init__.py'), imp.level, imp.module) : undefined;
      const target = dotted !== undefined ? byModule.get(dotted) : undefined;
      if (target && files.get(target)!.info.functions.some((d) => d.name === name)) return { file: target, fn: name };
    }
    return undefined;
  };
  const root = (file: string, name: string, what: (fn: string) => string, scope?: string, lifespan = false) => {
    const r = resolve(file, name, scope);
    if (!r) return;
    queue.push({ ...r, what: what(r.fn.slice(r.fn.lastIndexOf('.') + 1)), depth: 0 });
    const y = lifespan ? files.get(r.file)!.info.functions.find((d) => d.name === r.fn)?.firstYield : undefined;
    if (y) shutdownFrom.set(`${r.file}#${r.fn}`, y);
  };
  for (const [file, f] of files) {
    if (lazy.has(file)) continue;
    for (const c of f.info.calls) {
      if (!APP_CONSTRUCTOR.test(c.callee) || c.mainGuard) continue;
      for (const arg of c.args) {
        if (arg.name === 'lifespan' && arg.text && IDENT.test(arg.text)) root(file, arg.text, (fn) => `the lifespan handler ${fn}()`, c.fn, true);
        if (arg.name === 'on_startup' && arg.text) {
          for (const n of arg.text.replace(/^[[(]|[\])]$/g, '').split(',').map((x) => x.trim())) if (IDENT.test(n)) root(file, n, (fn) => `the startup handler ${fn}()`, c.fn);
        }
      }
    }
    const text = fileText(a, ia, file);
    if (text === undefined || !/on_event|add_event_handler/.test(text)) continue;
    const lines = text.split(/\r?\n/);
    for (const d of f.info.functions) {
      // Decorator lines directly above the def.
      for (let l = d.range.start.line - 1; l >= 0 && /^\s*@/.test(lines[l]); l--) {
        if (/\.on_event\(\s*["']startup["']\s*\)/.test(lines[l])) queue.push({ file, fn: d.name, what: `the startup handler ${d.name.slice(d.name.lastIndexOf('.') + 1)}()`, depth: 0 });
      }
    }
    for (const m of text.matchAll(/\.add_event_handler\(\s*["']startup["']\s*,\s*([A-Za-z_]\w*)\s*\)/g)) root(file, m[1], (fn) => `the startup handler ${fn}()`);
  }
  for (let head = 0; head < queue.length; head++) {
    const { file, fn, what, depth } = queue[head];
    const key = `${file}#${fn}`;
    if (out.has(key)) continue;
    out.set(key, what);
    if (depth >= HOOK_CALL_DEPTH) continue;
    for (const e of files.get(file)!.info.callGraph) {
      if (e.fn === undefined || !(e.fn === fn || e.fn.startsWith(fn + '.<locals>.')) || !IDENT.test(e.callee)) continue;
      if (e.fn === fn && afterPos(e.at, shutdownFrom.get(key))) continue;
      const r = resolve(file, e.callee, e.fn);
      if (r) queue.push({ ...r, what, depth: depth + 1 });
    }
  }
  return { hooks: out, shutdownFrom };
}

function fileText(a: Analysis, ia: ImportAnalysis, imagePath: string): string | undefined {
  const hit = ia.stage.tree.lookup(imagePath);
  return hit?.content ?? (hit?.source ? a.text(hit.source) : undefined);
}

/**
 * Files reached only through a function-level import somewhere on their chain: their module-level
 * code runs on first call, not at startup. The closure lists files in the order it reached them, so
 * each file's importer is decided before the file itself.
 */
export function lazilyImported(files: NonNullable<ImportAnalysis['closure']>['files'] | undefined): Set<string> {
  const lazy = new Set<string>();
  for (const [file, f] of files ?? []) {
    if (f.via && (f.via.import.scope === 'function' || lazy.has(f.via.from))) lazy.add(file);
  }
  return lazy;
}

/**
 * Files reached (by the closure's first path to them) through an import that is guarded: inside `try:` with an
 * `except ImportError:` (ModuleNotFoundError is one), or under `if TYPE_CHECKING:`. An import that fails in such a file
 * raises into that guard, which handles it (kserve: `try: from .openai.config import ...` / `except ImportError:`).
 */
export function guardedImported(files: NonNullable<ImportAnalysis['closure']>['files'] | undefined): Set<string> {
  const guarded = new Set<string>();
  for (const [file, f] of files ?? []) {
    if (f.via && (f.via.import.guard !== 'none' || guarded.has(f.via.from))) guarded.add(file);
  }
  return guarded;
}

/** Calls that fetch from a hub whatever the image holds. */
const DOWNLOADS_ANYWAY = /(^|\.)(hf_hub_download|snapshot_download)$/;

function modelFileOf(a: Analysis, ia: ImportAnalysis, call: PyCall, imagePath: string): ModelLoad['file'] {
  const arg = loadPathArgument(call) ?? openedFile(a, ia, call, imagePath);
  if (!arg || arg.includes('://') || arg.includes('\u0000')) return undefined;
  const path = normalize(arg.startsWith('/') ? arg : join(ia.entry.cwd, arg));
  const kind = ia.stage.tree.stat(path);
  if (kind === 'file') return { path, bytes: sizeOf(a, ia, path) };
  if (kind === 'dir') {
    let bytes = 0;
    for (const p of ia.stage.tree.walk(path, 5000)) if (isModelFile(p)) bytes += sizeOf(a, ia, p);
    return { path, bytes };
  }
  return undefined;
}

/**
 * The path a load reads through a file object: `pickle.load(f)` after `with open("model.bin", "rb") as f:` or
 * `f = open("model.bin", "rb")` earlier in the same file (the last such binding above the call).
 */
function openedFile(a: Analysis, ia: ImportAnalysis, call: PyCall, imagePath: string): string | undefined {
  const first = call.args.find((x) => x.name === undefined);
  const name = first?.text;
  if (!name || !IDENT.test(name)) return undefined;
  const text = fileText(a, ia, imagePath);
  if (text === undefined) return undefined;
  const lines = text.split('\n', call.range.start.line + 1);
  const binding = new RegExp(`(?:\\bopen\\(\\s*(['"])([^'"\\n]+)\\1[^)\\n]*\\)\\s+as\\s+${name}\\b|^\\s*${name}\\s*=\\s*open\\(\\s*(['"])([^'"\\n]+)\\3)`);
  for (let l = Math.min(call.range.start.line, lines.length - 1); l >= 0; l--) {
    const m = binding.exec(lines[l]);
    if (m) return m[2] ?? m[4];
  }
  return undefined;
}

function isModelFile(p: string): boolean {
  const lower = p.toLowerCase();
  return MODEL_FILE_EXTENSIONS.some((e) => lower.endsWith(e));
}

function sizeOf(a: Analysis, ia: ImportAnalysis, imagePath: string): number {
  const hit = ia.stage.tree.lookup(imagePath);
  if (hit?.content !== undefined) return hit.content.length;
  return hit?.source ? a.fs.stat(hit.source)?.size ?? 0 : 0;
}

/** `1.2 GB`, `350 MB`. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${Math.round(n / 1e8) / 10} GB`;
  if (n >= 1e6) return `${Math.round(n / 1e6)} MB`;
  if (n < 1000) return `${n} B`;
  return `${Math.round(n / 1e3)} kB`;
}

function summarise(loads: ModelLoad[], base: number, otherBytes: number, otherSeconds: number, total: number): string {
  if (!loads.length) return 'the entrypoint loads no model at import';
  const n = loads.length;
  const hooked = loads.filter((l) => l.during);
  const models = (k: number) => `${k} model${k === 1 ? '' : 's'}`;
  const when = !hooked.length ? 'at import'
    : hooked.length === n ? `before it serves (in ${[...new Set(hooked.map((l) => l.during))].join(', ')})`
    : `before it serves (${n - hooked.length} at import, ${hooked.length} in ${[...new Set(hooked.map((l) => l.during))].join(', ')})`;
  const head = `the entrypoint loads ${models(n)} ${when}: ~${total} s`;
  const rate = `${MODEL_READ_BYTES_PER_SECOND / 1e6} MB/s`;
  const parts: string[] = [];
  if (loads.every((l) => l.seconds === base)) parts.push(`modelLoadSeconds ${base} x ${n}`);
  else parts.push(loads.map((l) => (l.seconds === base ? `${base} s` : `${l.seconds} s for ${l.file!.path}, ${formatBytes(l.file!.bytes)} at an assumed ${rate}`)).join(' + '));
  if (otherSeconds) parts.push(`+ ${otherSeconds} s to read ${formatBytes(otherBytes)} of model files in the image at an assumed ${rate}`);
  return `${head} (${parts.join(' ')})`;
}
