// Import closures kept across lints (a LintSession's store): a walk is reused while the image answers it asked for and the files it loaded still hold; a file edited without changing what the walk read of it is patched in, with no walk.
import { runtimeSubmodulesOf, type ClosureEdge, type ClosureFile, type ClosureInput, type ClosureResult } from '../python/closure';
import type { PyFileInfo, PyImport } from '../python/parser';
import type { ImageView } from '../python/resolver';
import { isSysPathEdit } from '../python/syspath';

/** What a walk gives (runtime/closure.ts): the closure and the sys.path it ended with. */
export interface Walked {
  closure: ClosureResult;
  sysPath: string[];
  sysPathChangedBy?: string;
}

/** The hooks a caching walk gives the walker to wrap its input with (so that what it asks is recorded). */
export type WrapInput = (input: ClosureInput) => ClosureInput;

/** One walk and everything it read: the view's answers, the files loaded, the imports it followed per file. */
interface WalkRecord {
  /** The view the answers came from: the same view object answers the same (an image tree is not changed after it is built). */
  viewOf: object;
  stats: Map<string, 'file' | 'dir' | undefined>;
  dirs: Map<string, string[] | undefined>;
  uncertain: Map<string, boolean>;
  /** Every file the walk loaded, with what `load` gave (null: unreadable). */
  loaded: Map<string, PyFileInfo | null>;
  /** The string-named imports the hook gave, per call in walk order. */
  hookCalls: { file: string; module: string | undefined; out: PyImport[] }[];
  /** Names any from-import of the closure imports: only these of a file's top-level names matter to the walk. */
  fromNames: Set<string>;
  walked: Walked;
}

/** Records kept per key at most (a stage seen bare and through mounts walks separately). */
const RECORDS_PER_KEY = 4;

/** Keys the store keeps at most (commands typed one character at a time make new keys): the least recently used go first. */
const KEPT_KEYS = 5000;

function put(store: Map<string, unknown>, key: string, records: WalkRecord[]): void {
  store.delete(key);
  store.set(key, records);
  for (const k of store.keys()) {
    if (store.size <= KEPT_KEYS) break;
    store.delete(k);
  }
}

/** Counts of what the cache did, for tests (`LintSession.stats.events`): 'closure-walked', 'closure-reused', 'closure-patched'. */
export type Trace = (event: 'closure-walked' | 'closure-reused' | 'closure-patched') => void;

export interface CachedWalkInput {
  /** The cross-lint store (a LintSession's; a fresh map without one). */
  store: Map<string, unknown>;
  /** Everything besides the view and the files that the walk is a function of (stage, sys.path, entries, environment, third-party names). */
  key: string;
  /** The view the walk resolves through, and the object that identifies its answers (the stage's image tree). */
  view: ImageView;
  viewOf: object;
  load(file: string): PyFileInfo | undefined;
  /** A fresh string-import hook (the walker's own is stateful: one per walk). */
  hook?: () => NonNullable<ClosureInput['stringImports']>;
  /** Walks, with the input wrapped by `wrap`. */
  walk(wrap: WrapInput): Walked;
  trace?: Trace;
}

/**
 * The walk for `key`, reused when nothing it read changed, patched when only files whose imports
 * (and the other facts the walk reads of them) are unchanged were edited, else walked afresh and
 * recorded. A walk in which a file edits sys.path is not kept (its rounds read text too).
 */
export function cachedWalk(input: CachedWalkInput): Walked {
  const records = (input.store.get(input.key) as WalkRecord[] | undefined) ?? [];
  for (const rec of records) {
    const reused = reuse(rec, input);
    if (reused) {
      // Most recently used first.
      put(input.store, input.key, [rec, ...records.filter((r) => r !== rec)]);
      return reused;
    }
  }
  input.trace?.('closure-walked');
  const rec: WalkRecord = { viewOf: input.viewOf, stats: new Map(), dirs: new Map(), uncertain: new Map(), loaded: new Map(), hookCalls: [], fromNames: new Set(), walked: undefined! };
  const walked = input.walk((ci) => {
    // A later round (sys.path edits) starts the record again: only a one-round walk is kept.
    rec.stats.clear();
    rec.dirs.clear();
    rec.uncertain.clear();
    rec.loaded.clear();
    rec.hookCalls = [];
    const v = ci.view;
    const view: ImageView = {
      stat: (p) => {
        const x = v.stat(p);
        if (!rec.stats.has(p)) rec.stats.set(p, x);
        return x;
      },
      readDir: (p) => {
        const x = v.readDir(p);
        if (!rec.dirs.has(p)) rec.dirs.set(p, x);
        return x;
      },
      isUncertain: (p) => {
        const x = v.isUncertain(p);
        if (!rec.uncertain.has(p)) rec.uncertain.set(p, x);
        return x;
      },
    };
    const load = (p: string) => {
      const info = ci.load(p);
      if (!rec.loaded.has(p)) rec.loaded.set(p, info ?? null);
      return info;
    };
    const hook = ci.stringImports;
    const stringImports = hook && ((file: string, info: PyFileInfo, module: string | undefined) => {
      const out = hook(file, info, module);
      rec.hookCalls.push({ file, module, out });
      return out;
    });
    return { ...ci, view, load, ...(stringImports ? { stringImports } : {}) };
  });
  rec.walked = walked;
  const keep = !walked.sysPathChangedBy && ![...walked.closure.files.values()].some((f) => f.info.calls.some(isSysPathEdit));
  if (keep) {
    for (const f of walked.closure.files.values()) for (const imp of f.info.imports) if (imp.kind === 'from') for (const n of imp.names) rec.fromNames.add(n);
    for (const c of rec.hookCalls) for (const imp of c.out) for (const n of imp.names) rec.fromNames.add(n);
    put(input.store, input.key, [rec, ...records].slice(0, RECORDS_PER_KEY));
  }
  return walked;
}

/** The record's walk as it would be today, or undefined when it must walk again. */
function reuse(rec: WalkRecord, input: CachedWalkInput): Walked | undefined {
  if (rec.viewOf !== input.viewOf) {
    const v = input.view;
    for (const [p, x] of rec.stats) if (v.stat(p) !== x) return undefined;
    for (const [p, x] of rec.dirs) if (!sameList(v.readDir(p), x)) return undefined;
    for (const [p, x] of rec.uncertain) if (v.isUncertain(p) !== x) return undefined;
    rec.viewOf = input.viewOf;
  }
  let changed: Map<string, { before: PyFileInfo; after: PyFileInfo }> | undefined;
  for (const [file, before] of rec.loaded) {
    const after = input.load(file) ?? null;
    if (after === before) continue;
    if (!after || !before) return undefined;
    if (!sameForWalk(before, after, rec.fromNames)) return undefined;
    (changed ??= new Map()).set(file, { before, after });
  }
  if (!changed) {
    input.trace?.('closure-reused');
    return rec.walked;
  }
  // The string-import hook keeps state across a walk: replay it in walk order over today's files;
  // the same outputs (ranges aside) for every file mean the same walk.
  const hookOut = new Map<string, PyImport[]>();
  if (input.hook && rec.hookCalls.length) {
    const hook = input.hook();
    for (const c of rec.hookCalls) {
      const info = changed.get(c.file)?.after ?? rec.loaded.get(c.file)!;
      const out = hook(c.file, info, c.module);
      if (!sameImports(out, c.out)) return undefined;
      if (changed.has(c.file)) hookOut.set(c.file, out);
    }
  }
  input.trace?.('closure-patched');
  const walked = patch(rec, changed, hookOut);
  for (const [file, { after }] of changed) rec.loaded.set(file, after);
  for (const c of rec.hookCalls) {
    const out = hookOut.get(c.file);
    if (out) c.out = out;
  }
  rec.walked = walked;
  return walked;
}

/** The walk with each changed file's new facts, and every edge naming one of its imports pointing at the new import (its ranges may have moved). */
function patch(rec: WalkRecord, changed: Map<string, { before: PyFileInfo; after: PyFileInfo }>, hookOut: Map<string, PyImport[]>): Walked {
  const imports = new Map<PyImport, PyImport>();
  for (const [file, { before, after }] of changed) {
    before.imports.forEach((imp, i) => imports.set(imp, after.imports[i]));
    const old = rec.hookCalls.find((c) => c.file === file)?.out;
    const now = hookOut.get(file);
    if (old && now) old.forEach((imp, i) => imports.set(imp, now[i]));
  }
  const edge = (e: ClosureEdge): ClosureEdge => {
    const to = imports.get(e.import);
    return to ? { from: e.from, import: to } : e;
  };
  const chain = (c: ClosureEdge[]): ClosureEdge[] => (c.some((e) => imports.has(e.import)) ? c.map(edge) : c);
  const old = rec.walked.closure;
  const files = new Map<string, ClosureFile>();
  for (const [file, f] of old.files) {
    const info = changed.get(file)?.after;
    const via = f.via && imports.has(f.via.import) ? edge(f.via) : f.via;
    files.set(file, info || via !== f.via ? { ...f, ...(info ? { info } : {}), ...(via ? { via } : {}) } : f);
  }
  const closure: ClosureResult = {
    files,
    unresolved: old.unresolved.map((u) => (imports.has(u.import) || u.chain.some((e) => imports.has(e.import)) ? { ...u, import: imports.get(u.import) ?? u.import, chain: chain(u.chain) } : u)),
    missingAttributes: old.missingAttributes.map((m) => (imports.has(m.import) || m.chain.some((e) => imports.has(e.import)) ? { ...m, import: imports.get(m.import) ?? m.import, chain: chain(m.chain) } : m)),
    unreadable: old.unreadable,
    runtimeSubmodules: old.runtimeSubmodules.map((r) => (imports.has(r.import) ? { ...r, import: imports.get(r.import)! } : r)),
  };
  return { ...rec.walked, closure };
}

/** The import as the walk sees it: everything but where it is written. */
function importKey(imp: PyImport): string {
  const { range: _r, nameRanges: _n, stmtRange: _s, ...rest } = imp as PyImport & { namedBy?: { how: string; by: string } };
  return JSON.stringify(rest);
}

function sameImports(x: PyImport[], y: PyImport[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (importKey(x[i]) !== importKey(y[i])) return false;
  return true;
}

/** True when the walk reads the same of `after` as it read of `before`: the imports, star imports, `__getattr__`, the top-level names any from-import asks for, no sys.path edit. */
function sameForWalk(before: PyFileInfo, after: PyFileInfo, fromNames: Set<string>): boolean {
  if (before.hasStarImport !== after.hasStarImport || before.hasModuleGetattr !== after.hasModuleGetattr) return false;
  if (after.calls.some(isSysPathEdit)) return false;
  if (runtimeSubmodulesOf(before) !== runtimeSubmodulesOf(after)) return false;
  if (!sameImports(before.imports, after.imports)) return false;
  const asked = (names: string[]) => names.filter((n) => fromNames.has(n)).join('\0');
  return asked(before.topLevelNames) === asked(after.topLevelNames);
}

function sameList(x: string[] | undefined, y: string[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
