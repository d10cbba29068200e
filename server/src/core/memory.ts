// The memory estimate: what one container holds once its app is imported (interpreter + frameworks imported at module level + models loaded at import, times the server's worker processes).
import type { Analysis } from './analysis';
import type { Deployment } from './deployments';
import type { Entrypoint } from './entrypoint';
import type { ImportAnalysis } from './imports';
import type { PyFileInfo, PyImport } from './python/parser';
import { formatMiB, MiB } from './manifests';
import { lazilyImported, startupEstimate } from './startup';
import type { Range } from './types';

/** Resident size one import adds on top of what it pulls in, with where the figure comes from (docs/assumptions.md lists them). */
export interface ImportFootprint {
  /** MiB added by this module itself (its `pulls` counted separately). */
  mib: number;
  /** Modules it imports itself, counted once per process. */
  pulls?: string[];
  source: string;
}

const DEBIAN = 'measured: Debian 12 python3 package, peak RSS after import (scripts/measure-import-memory.py)';
const PYPI = 'measured: PyPI wheel on CPython 3.11, peak RSS after import (scripts/measure-import-memory.py)';

/** The Python interpreter itself (CPython 3.11 with site, no imports). */
export const PYTHON_BASELINE_MIB = 8;

/**
 * Baseline resident sizes by module (dotted: `scipy.stats` is what `from scipy import stats` loads;
 * plain `import scipy` loads almost nothing). Figures are lower bounds: the smallest of three runs,
 * the smaller of two builds where both were measured, rounded down. Modules without a measured or
 * cited figure (jax, spacy, onnxruntime, lightgbm, paddle, openai, langchain core) are not counted.
 */
export const IMPORT_FOOTPRINTS: Readonly<Record<string, ImportFootprint>> = {
  numpy: { mib: 13, source: `${PYPI} (numpy 2.4.6; Debian's 1.24.2: 23 MiB)` },
  'scipy.sparse': { mib: 10, pulls: ['numpy'], source: `${DEBIAN} (scipy 1.10.1)` },
  'scipy.stats': { mib: 41, pulls: ['numpy'], source: `${DEBIAN} (scipy 1.10.1; PyPI 1.17.1: 71 MiB)` },
  pandas: { mib: 31, pulls: ['numpy'], source: `${DEBIAN} (pandas 1.5.3)` },
  sklearn: { mib: 18, pulls: ['scipy.stats'], source: `${DEBIAN} (scikit-learn 1.2.1, which imports scipy.stats)` },
  xgboost: { mib: 56, pulls: ['scipy.sparse'], source: `${DEBIAN} (xgboost 1.7.4 over pandas and scipy.sparse; pandas is optional for it, so not counted)` },
  cv2: { mib: 99, pulls: ['numpy'], source: `${DEBIAN} (opencv 4.6.0)` },
  torch: { mib: 195, pulls: ['numpy'], source: `${DEBIAN} (torch 1.13.1, CPU)` },
  torchvision: { mib: 14, pulls: ['torch'], source: `${DEBIAN} (torchvision 0.14.1)` },
  'PIL.Image': { mib: 7, source: `${DEBIAN} (Pillow 9.4.0; plain \`import PIL\` loads almost nothing)` },
  transformers: { mib: 0, pulls: ['torch'], source: 'not measured on its own: counted as the torch it imports for PyTorch models' },
  sentence_transformers: {
    mib: 128,
    pulls: ['transformers'],
    source: 'cited: huggingface/huggingface-inference-toolkit#140 measured 374 MiB vs 38 MiB RSS with and without sentence_transformers + transformers + torch imported (336 MiB); less torch and numpy above',
  },
  tensorflow: {
    mib: 283,
    pulls: ['numpy'],
    source: 'cited: Cornerstone-OnDemand/modelkit#199, ru_maxrss 455,536,640 vs 157,827,072 bytes with and without importing tensorflow',
  },
  keras: { mib: 0, pulls: ['tensorflow'], source: 'Keras imports its default backend, tensorflow; not measured on its own' },
  langchain_openai: {
    mib: 45,
    pulls: ['pydantic'],
    source: 'cited: langchain-ai/langchain-google#1213, memory_profiler increment of 52.3 MiB for `from langchain_openai import ChatOpenAI`; less pydantic',
  },
  pydantic: { mib: 6, source: `${DEBIAN} (pydantic 1.10.4; PyPI 2.13.4: 12 MiB)` },
  fastapi: { mib: 13, pulls: ['pydantic'], source: `${DEBIAN} (fastapi 0.92.0 with starlette)` },
  flask: { mib: 16, source: `${PYPI} (Flask 3.1.3; Debian's 2.2.2: 20 MiB)` },
  django: { mib: 2, source: `${DEBIAN} (Django 3.2.25, \`import django\`)` },
  'django.core.wsgi': { mib: 25, pulls: ['django'], source: `${DEBIAN} (Django 3.2.25, what a project's wsgi.py imports)` },
};

/** One term of the estimate. */
export interface MemoryPart {
  kind: 'python' | 'import' | 'model';
  /** `python`, `torch`, `model /app/models/model.safetensors`, `SentenceTransformer model`. */
  label: string;
  bytes: number;
  /** Where a model's figure comes from (`file size in the image`, `modelMemoryMB`); for a module another imports, `via transformers`. */
  note?: string;
  /** For imports: the module the statement at `range` imports (`transformers` for torch pulled in by it). */
  statement?: string;
  /** Where it comes from in the build context (the import or the load), when known. */
  source?: string;
  range?: Range;
  /** A model loaded in a startup hook (`the lifespan handler lifespan()`), not at import. */
  during?: string;
}

/** What one process of the app holds once imported. */
export interface ImportMemory {
  parts: MemoryPart[];
  bytes: number;
  /** Frameworks or models were counted (the interpreter alone is no evidence). */
  informative: boolean;
}

/** The container's need: `processes` copies of the app (server workers without shared memory). */
export interface MemoryNeed {
  perProcess: ImportMemory;
  processes: number;
  /** `2 gunicorn workers without --preload, each imports the app`; undefined for one process. */
  processesWhy?: string;
  bytes: number;
  /** `python 7 MiB + torch 195 MiB + ... = ~1.9 GiB`, with the worker factor when there is one. */
  arithmetic: string;
}

/** Loads that fetch files rather than hold a model in memory. */
const DOWNLOADS = /(^|\.)(hf_hub_download|snapshot_download)$/;

/** Estimates by closure (or stage, without one) and working folder, like the startup estimate: containers that run the same thing share one. */
function memosOf(a: Analysis): WeakMap<object, Map<string, ImportMemory>> {
  // Per lint: a closure may be reused by the next lint, whose settings and files may differ.
  let m = a.memo.get('memos') as WeakMap<object, Map<string, ImportMemory>> | undefined;
  if (!m) a.memo.set('memos', (m = new WeakMap()));
  return m;
}

/** The memory one process of a container's app holds once imported. */
export function importMemory(a: Analysis, ia: ImportAnalysis): ImportMemory {
  const owner: object = ia.closure ?? ia.stage;
  const per = memosOf(a);
  let byCwd = per.get(owner);
  if (!byCwd) per.set(owner, (byCwd = new Map()));
  const hit = byCwd.get(ia.entry.cwd);
  if (hit) return hit;
  const out = computeImportMemory(a, ia);
  byCwd.set(ia.entry.cwd, out);
  return out;
}

function computeImportMemory(a: Analysis, ia: ImportAnalysis): ImportMemory {
  const parts: MemoryPart[] = [{ kind: 'python', label: 'python', bytes: PYTHON_BASELINE_MIB * MiB }];
  const counted = new Set<string>();
  /** Counts `name` and what it pulls in, all attributed to the import statement that brought them; `via` names a module that adds nothing itself. */
  const add = (name: string, at: { source?: string; range: Range; module: string }, via?: string) => {
    if (counted.has(name)) return;
    counted.add(name);
    const fp = IMPORT_FOOTPRINTS[name];
    for (const p of fp.pulls ?? []) add(p, at, fp.mib > 0 ? undefined : (via ?? name));
    if (fp.mib > 0) parts.push({ kind: 'import', label: name, bytes: fp.mib * MiB, ...(via ? { note: `via ${via}` } : {}), ...(at.source ? { source: at.source, range: at.range, statement: at.module } : {}) });
  };
  for (const { imagePath, counts } of countedImports(ia.closure?.files)) {
    const source = ia.stage.tree.lookup(imagePath)?.source;
    for (const { imp, keys } of counts) for (const name of keys) add(name, { source, range: imp.range, module: imp.module });
  }
  const est = startupEstimate(a, ia);
  const modelBytes = a.config.modelMemoryMB * MiB;
  for (const l of est.loads) {
    if (DOWNLOADS.test(l.callee)) continue;
    const known = l.file && l.file.bytes > 0;
    parts.push({
      kind: 'model',
      label: known ? `model ${l.file!.path}` : `${l.callee} model`,
      bytes: known ? l.file!.bytes : modelBytes,
      note: known ? 'file size in the image' : 'modelMemoryMB',
      ...(l.source ? { source: l.source, range: l.range } : {}),
      ...(l.during ? { during: l.during } : {}),
    });
  }
  const bytes = parts.reduce((s, p) => s + p.bytes, 0);
  return { parts, bytes, informative: parts.some((p) => p.kind !== 'python' && p.bytes > 0) };
}

type Counted = { imagePath: string; counts: { imp: PyImport; keys: string[] }[] }[];

/**
 * Per closure file map, across lints (a reused closure is the same map of the same parses; a patched
 * one is a new map): the imports an estimate counts, by file in closure order. What the closure alone
 * decides: files imported only lazily, imports under the main guard of an imported file, and names
 * the closure itself provides are left out.
 */
const countedOf = new WeakMap<object, Counted>();

function countedImports(files: NonNullable<ImportAnalysis['closure']>['files'] | undefined): Counted {
  if (!files) return [];
  const kept = countedOf.get(files);
  if (kept) return kept;
  const lazy = lazilyImported(files);
  const local = new Set<string>();
  for (const f of files.values()) if (f.module) local.add(f.module.split('.')[0]);
  const out: Counted = [];
  for (const [imagePath, f] of files) {
    if (lazy.has(imagePath)) continue;
    const counts = footprintImports(f.info).filter(({ imp, top }) => !(imp.mainGuard && !f.main) && !local.has(top));
    if (counts.length) out.push({ imagePath, counts });
  }
  countedOf.set(files, out);
  return out;
}

/** Per parsed file (the parse cache keeps a file's object while its text is the same): its imports that may count, with their table keys. */
const footprintsOf = new WeakMap<PyFileInfo, { imp: PyImport; top: string; keys: string[] }[]>();

/**
 * The module-level, unguarded, absolute imports of a file that name a module of the table, with
 * their keys: what an estimate counts of the file (the closure decides the rest: lazily loaded
 * files, `__main__` guards, local packages), computed once per parsed file rather than per lint.
 */
function footprintImports(info: PyFileInfo): { imp: PyImport; top: string; keys: string[] }[] {
  let out = footprintsOf.get(info);
  if (out) return out;
  out = [];
  for (const imp of info.imports) {
    if (imp.scope !== 'module' || imp.guard !== 'none' || imp.level > 0 || imp.kind === 'dynamic') continue;
    const keys = footprintKeys(imp.module, imp.kind === 'from' ? imp.names : []);
    if (keys.length) out.push({ imp, top: imp.module.split('.')[0], keys });
  }
  footprintsOf.set(info, out);
  return out;
}

/** The table keys an import statement loads: the module, its dotted parents, and `from m import x` submodules. */
function footprintKeys(module: string, names: string[]): string[] {
  const segs = module.split('.');
  const candidates: string[] = [];
  for (let i = 1; i <= segs.length; i++) candidates.push(segs.slice(0, i).join('.'));
  for (const n of names) candidates.push(`${module}.${n}`);
  return candidates.filter((c) => Object.prototype.hasOwnProperty.call(IMPORT_FOOTPRINTS, c));
}

/**
 * How many copies of the app the server keeps: gunicorn loads it in each of `--workers` (default 1)
 * unless `--preload` (then once in the master; copy-on-write sharing is not relied on beyond that);
 * uvicorn `--workers N` spawns N processes that each import it. The supervising process is not counted.
 */
export function memoryNeed(perProcess: ImportMemory, ep: Entrypoint): MemoryNeed {
  let processes = 1;
  let why: string | undefined;
  if (ep.kind === 'gunicorn' && !ep.preload && (ep.workers ?? 1) > 1) {
    processes = ep.workers!;
    why = `${processes} gunicorn workers without --preload, each importing the app (copy-on-write sharing not counted)`;
  } else if (ep.kind === 'uvicorn' && (ep.workers ?? 1) > 1) {
    processes = ep.workers!;
    why = `${processes} uvicorn worker processes, each importing the app`;
  }
  const terms = perProcess.parts.map((p) => `${p.label} ${formatMiB(p.bytes)}${p.note ? ` (${p.note})` : ''}`).join(' + ');
  const bytes = perProcess.bytes * processes;
  const arithmetic = processes > 1 ? `${why}: ${processes} x (${terms})` : terms;
  return { perProcess, processes, ...(why ? { processesWhy: why } : {}), bytes, arithmetic };
}

/**
 * For `--explain`: the estimate with its arithmetic, and the limit it is judged against (or why it
 * is not judged): `~670 MiB at import (2 gunicorn workers ...); limit 512Mi (resources.limits.memory)`.
 */
export function explainMemory(ia: ImportAnalysis, ep: Entrypoint, perProcess: ImportMemory, d: Deployment | undefined): string {
  const need = memoryNeed(perProcess, ep);
  const head = `~${formatMiB(need.bytes)} at import: ${need.arithmetic}`;
  let limit: string;
  const limits = d?.container?.resources?.memoryLimits ?? [];
  if (!perProcess.informative) limit = 'not judged: nothing but the interpreter counted';
  else if (!d) limit = 'no memory limit (the bare image)';
  else if (!ia.stage.baseKnown) limit = 'not judged: the base image is unknown (it may set its own workers and Python)';
  else if (d.gcloud) limit = d.gcloud.flags.memory !== undefined ? `limit ${d.gcloud.flags.memory} (--memory)` : "not judged: without --memory, gcloud run deploy keeps the service's previous limit";
  else if (limits.length) limit = `limit ${limits.map((s) => `${s.value} (${s.key})`).join(', ')}`;
  else if (d.platform === 'cloudrun') limit = "limit 512 MiB (Cloud Run's default: no resources.limits.memory)";
  else limit = 'no memory limit set (not judged)';
  return `${head}; ${limit}`;
}
