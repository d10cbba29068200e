// The startup estimate: how long a container's entrypoint takes to import, from the model loads its import closure runs at module level.
import type { Analysis } from './analysis';
import { join, normalize } from './fs';
import type { ImportAnalysis } from './imports';
import type { PyCall, PyFileInfo } from './python/parser';
import type { Range } from './types';

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
}

export interface StartupEstimate {
  /** Estimated seconds from process start until the app is imported. */
  seconds: number;
  /** Loads that run at import (module level, or the `__main__` block of a file run as a script). */
  loads: ModelLoad[];
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
const estimates = new WeakMap<object, Map<string, StartupEstimate>>();

/** The startup estimate of a container's entry (memoised per closure and folder; closures are per lint). */
export function startupEstimate(a: Analysis, ia: ImportAnalysis): StartupEstimate {
  const owner: object = ia.closure ?? ia.stage;
  let byCwd = estimates.get(owner);
  if (!byCwd) estimates.set(owner, (byCwd = new Map()));
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
  const lazyFiles = lazilyImported(files);
  for (const [imagePath, f] of files ?? []) {
    const eager = !lazyFiles.has(imagePath);
    for (const call of f.info.calls) {
      if (!isModelLoad(call, f.info)) continue;
      const load: ModelLoad = { imagePath, range: call.range, callee: call.callee, seconds: base };
      const source = ia.stage.tree.lookup(imagePath)?.source;
      if (source) load.source = source;
      const counted = eager && call.scope === 'module' && (!call.mainGuard || f.main);
      const file = modelFileOf(a, ia, call);
      if (file) {
        load.file = file;
        if (counted) attributed.add(file.path);
        load.seconds = Math.max(base, Math.ceil(file.bytes / MODEL_READ_BYTES_PER_SECOND));
      }
      (counted ? loads : lazy).push(load);
    }
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
  return { seconds, loads, lazy, otherModelBytes, otherSeconds, summary: summarise(loads, base, otherModelBytes, otherSeconds, seconds) };
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

function modelFileOf(a: Analysis, ia: ImportAnalysis, call: PyCall): ModelLoad['file'] {
  const arg = loadPathArgument(call);
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
  return `${Math.round(n / 1e3)} kB`;
}

function summarise(loads: ModelLoad[], base: number, otherBytes: number, otherSeconds: number, total: number): string {
  if (!loads.length) return 'the entrypoint loads no model at import';
  const n = loads.length;
  const head = `the entrypoint loads ${n} model${n === 1 ? '' : 's'} at import: ~${total} s`;
  const rate = `${MODEL_READ_BYTES_PER_SECOND / 1e6} MB/s`;
  const parts: string[] = [];
  if (loads.every((l) => l.seconds === base)) parts.push(`modelLoadSeconds ${base} x ${n}`);
  else parts.push(loads.map((l) => (l.seconds === base ? `${base} s` : `${l.seconds} s for ${l.file!.path}, ${formatBytes(l.file!.bytes)} at an assumed ${rate}`)).join(' + '));
  if (otherSeconds) parts.push(`+ ${otherSeconds} s to read ${formatBytes(otherBytes)} of model files in the image at an assumed ${rate}`);
  return `${head} (${parts.join(' ')})`;
}
