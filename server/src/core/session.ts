// What one lint derived, kept for the next lint in the same process: each step's results with the file-system answers they were computed from, reused while those answers hold.
import type { FileSystem, ReadResult, Stat } from './fs';
import type { Notice, Remembered } from './analysis';
import type { Draft } from './rules';

/**
 * The file-system questions a step asked and the answers it got, by kind of question: texts (or
 * why not), kinds, sizes, folder listings, real paths, symlink tests. Answers are the values the
 * file system gave (a text's own string, a listing's own array), so keeping them costs no copy
 * and comparing them with today's answers is usually an identity check.
 */
interface Dependencies {
  read: Map<string, ReadResult>;
  kind: Map<string, string>;
  size: Map<string, number>;
  dir: Map<string, string[] | null>;
  real: Map<string, string | null>;
  link: Map<string, boolean>;
  /** The file system's layout version (FileSystem.layoutVersion) when the step relied on it instead of asking about each path. */
  layout?: number;
}

/** A step of the lint (the analysis, then each rule in order) and what it read. */
interface Frame {
  deps: Dependencies;
}

/** What a rule produced, replayed when the rule's inputs have not changed. */
interface RuleResult {
  ruleId: string;
  drafts: Draft[];
  notices: Notice[];
}

/** Figures about the last lint, for logs and the benchmark. */
export interface SessionStats {
  /** Rules whose findings were reused without running them. */
  reused: number;
  /** Rules that ran. */
  ran: number;
  /** Dependencies checked to decide it. */
  checked: number;
  /** What the cross-lint caches did, by event ('closure-walked', 'closure-reused', 'closure-patched', ...). */
  events: Record<string, number>;
}

const MISSING = '\u0000missing';

function newDependencies(): Dependencies {
  return { read: new Map(), kind: new Map(), size: new Map(), dir: new Map(), real: new Map(), link: new Map() };
}

function sameRead(x: ReadResult, y: ReadResult): boolean {
  if (x === y) return true;
  return 'text' in x ? 'text' in y && x.text === y.text : 'problem' in y && x.problem === y.problem;
}

function sameList(x: string[] | null, y: string[] | null): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** True when every recorded answer is still what the file system answers; counts the checks. */
function holds(fs: FileSystem, d: Dependencies, count: () => void): boolean {
  if (d.layout !== undefined) {
    count();
    if (fs.layoutVersion?.() !== d.layout) return false;
  }
  for (const [p, v] of d.read) {
    count();
    if (!sameRead(fs.read(p), v)) return false;
  }
  for (const [p, v] of d.kind) {
    count();
    if ((fs.stat(p)?.kind ?? MISSING) !== v) return false;
  }
  for (const [p, v] of d.size) {
    count();
    if ((fs.stat(p)?.size ?? -1) !== v) return false;
  }
  for (const [p, v] of d.dir) {
    count();
    if (!sameList(fs.readDir(p) ?? null, v)) return false;
  }
  for (const [p, v] of d.real) {
    count();
    if (((fs.realpath ? fs.realpath(p) : p) ?? null) !== v) return false;
  }
  for (const [p, v] of d.link) {
    count();
    if (!!fs.isSymlink?.(p) !== v) return false;
  }
  return true;
}

/**
 * A stat answer whose size is read lazily (some file systems compute it on demand) and recorded
 * in the step that reads it. A class rather than an object literal with a getter: these are made
 * for every path a lint stats (thousands per lint), and a literal's own accessor is much slower to make.
 */
class RecordedStat implements Stat {
  readonly kind: Stat['kind'];

  constructor(
    private readonly base: Stat,
    private readonly path: string,
    private readonly recorder: RecordingFileSystem,
  ) {
    this.kind = base.kind;
  }

  get size(): number {
    const v = this.base.size;
    this.recorder.frame?.size.set(this.path, v);
    return v;
  }
}

/** A stat answer of an {@link AnswerLog}: its size read once through the log's file system, then kept in the log. */
class LoggedStat implements Stat {
  constructor(
    readonly kind: Stat['kind'],
    private readonly path: string,
    private readonly deps: Dependencies,
    private readonly base: FileSystem,
  ) {}

  get size(): number {
    let v = this.deps.size.get(this.path);
    if (v === undefined) this.deps.size.set(this.path, (v = this.base.stat(this.path)?.size ?? -1));
    return v;
  }
}

/**
 * A file system that records every question asked through it into the current frame.
 * Objects that outlive one lint may keep asking through it: what they read is recorded in
 * whichever step is running, so that step depends on it.
 */
class RecordingFileSystem implements FileSystem {
  base!: FileSystem;
  frame: Dependencies | undefined;
  /** Stat answers of this lint, wrapped so that reading `size` is recorded too. */
  private stats = new Map<string, Stat | null>();

  /** Starts a lint over `fs`. */
  reset(fs: FileSystem): void {
    this.base = fs;
    this.frame = undefined;
    this.stats.clear();
  }

  stat(path: string): Stat | undefined {
    let s = this.stats.get(path);
    if (s === undefined) {
      const b = this.base.stat(path);
      s = b ? new RecordedStat(b, path, this) : null;
      this.stats.set(path, s);
    }
    this.frame?.kind.set(path, s?.kind ?? MISSING);
    return s ?? undefined;
  }

  readDir(path: string): string[] | undefined {
    const names = this.base.readDir(path);
    this.frame?.dir.set(path, names ?? null);
    return names;
  }

  read(path: string): ReadResult {
    const r = this.base.read(path);
    this.frame?.read.set(path, r);
    return r;
  }

  realpath(path: string): string | undefined {
    const r = this.base.realpath ? this.base.realpath(path) : path;
    this.frame?.real.set(path, r ?? null);
    return r;
  }

  isSymlink(path: string): boolean {
    const v = !!this.base.isSymlink?.(path);
    this.frame?.link.set(path, v);
    return v;
  }

  beginPass(): void {
    this.base.beginPass?.();
    this.stats.clear();
  }

  /** The base's layout version; a step that asks depends on it (its answers about paths it did not ask of are kept by it). */
  layoutVersion(): number | undefined {
    const v = this.base.layoutVersion?.();
    if (this.frame && v !== undefined) this.frame.layout = v;
    return v;
  }

  setMaxFileSize(bytes: number): void {
    this.base.setMaxFileSize?.(bytes);
  }
}

/**
 * A file system that keeps every answer it ever gave (over the whole life of the objects using
 * it, across lints), for a derived fact that is reused while those answers hold: a build
 * context and the image models built on it. Questions go on to `base` (in a session, its
 * recording file system, so the step running records them too).
 */
export class AnswerLog implements FileSystem {
  private readonly deps = newDependencies();
  /** Stat answers as given out (their size read once, then kept). */
  private readonly stats = new Map<string, Stat | null>();

  constructor(private readonly base: FileSystem) {}

  // A question asked before is answered from the log: `holds` checked every answer at the start of
  // this lint, through the step's recording file system.
  stat(path: string): Stat | undefined {
    let s = this.stats.get(path);
    if (s === undefined) {
      const b = this.base.stat(path);
      this.deps.kind.set(path, b?.kind ?? MISSING);
      s = b ? new LoggedStat(b.kind, path, this.deps, this.base) : null;
      this.stats.set(path, s);
    }
    return s ?? undefined;
  }

  readDir(path: string): string[] | undefined {
    let names = this.deps.dir.get(path);
    if (names === undefined) this.deps.dir.set(path, (names = this.base.readDir(path) ?? null));
    return names ?? undefined;
  }

  read(path: string): ReadResult {
    let r = this.deps.read.get(path);
    if (!r) this.deps.read.set(path, (r = this.base.read(path)));
    return r;
  }

  realpath(path: string): string | undefined {
    let r = this.deps.real.get(path);
    if (r === undefined) this.deps.real.set(path, (r = (this.base.realpath ? this.base.realpath(path) : path) ?? null));
    return r ?? undefined;
  }

  isSymlink(path: string): boolean {
    let v = this.deps.link.get(path);
    if (v === undefined) this.deps.link.set(path, (v = !!this.base.isSymlink?.(path)));
    return v;
  }

  /** True when `fs` still gives every answer this log gave (asked through `fs`, so a session's step records them). */
  holds(fs: FileSystem = this.base): boolean {
    return holds(fs, this.deps, () => {});
  }
}

/**
 * Carries derived facts from one lint to the next (the language server keeps one per workspace
 * folder). Pass it as `lint(project, { session })`.
 *
 * Every step of a lint (the analysis, then each rule) runs with its file-system reads recorded.
 * A rule's findings are a function of what its own step and the steps before it read (earlier
 * steps fill the per-lint memos it may use), so on the next lint the rules before the first step
 * whose recorded answers changed are replayed, and that step and the ones after it run again.
 * Rules that read every file (the secret scan) run last, so an edit to a file only they read
 * leaves every other rule's findings in place. Nothing here knows what a rule does: a rule
 * reading something new is covered without any change here.
 */
export class LintSession {
  private readonly recorder = new RecordingFileSystem();
  private frames: Frame[] = [];
  private results: RuleResult[] = [];
  private key = '';
  /** Index of the first recorded frame whose answers changed (computed by `prepare`). */
  private firstChanged = 0;
  stats: SessionStats = { reused: 0, ran: 0, checked: 0, events: {} };
  /** Facts computed per file and kept across lints (Analysis.remember). */
  readonly remembered: Remembered = new Map();
  /** Facts kept across lints that their users validate themselves (import closures, image models). */
  readonly kept = new Map<string, unknown>();

  /** Counts an event of the cross-lint caches in this lint's stats. */
  readonly trace = (event: string): void => {
    this.stats.events[event] = (this.stats.events[event] ?? 0) + 1;
  };

  /** Starts a lint over `fs`: returns the file system the lint must use. */
  begin(fs: FileSystem): FileSystem {
    this.recorder.reset(fs);
    this.stats = { reused: 0, ran: 0, checked: 0, events: {} };
    return this.recorder;
  }

  /** Records the reads of step `index` (0: the analysis; rule i: i + 1) from now on. */
  enter(index: number): void {
    const deps = newDependencies();
    this.frames[index] = { deps };
    this.recorder.frame = deps;
  }

  /** Stops recording (post-processing that is not cached). */
  leave(): void {
    this.recorder.frame = undefined;
  }

  /**
   * Decides which rules can be replayed. `key` names everything besides files that the findings
   * depend on (settings, the rule list): when it differs from the last lint's, nothing is reused.
   * Must run before `enter(0)` replaces the analysis frame.
   */
  prepare(key: string): void {
    if (key !== this.key) {
      this.key = key;
      this.frames = [];
      this.results = [];
    }
    const fs = this.recorder.base;
    let k = 0;
    for (; k < this.frames.length; k++) {
      const f = this.frames[k];
      if (!f || !this.holds(fs, f.deps)) break;
    }
    this.firstChanged = k;
  }

  private holds(fs: FileSystem, deps: Dependencies): boolean {
    return holds(fs, deps, () => this.stats.checked++);
  }

  /** True when rule `i` (in run order) will be replayed (`reusable` gives its result), without counting it. */
  replays(i: number, ruleId: string): boolean {
    return this.results[i]?.ruleId === ruleId && i + 1 < this.firstChanged;
  }

  /** The recorded result of rule `i` (in run order) when nothing it depends on changed. */
  reusable(i: number, ruleId: string): RuleResult | undefined {
    const r = this.results[i];
    if (!r || r.ruleId !== ruleId || i + 1 >= this.firstChanged) return undefined;
    this.stats.reused++;
    return r;
  }

  /** Keeps rule `i`'s result (its reads were recorded since `enter(i + 1)`). */
  store(i: number, ruleId: string, drafts: Draft[], notices: Notice[]): void {
    this.stats.ran++;
    this.results[i] = { ruleId, drafts, notices };
    // A later rule's recorded result assumed this rule's old frame: it is re-decided next time.
    this.firstChanged = Math.min(this.firstChanged, i + 1);
  }

  /** Forgets the results from rule `i` on (a cancelled lint did not reach them). */
  truncate(i: number): void {
    this.results.length = Math.min(this.results.length, i);
    this.frames.length = Math.min(this.frames.length, i + 1);
  }
}
