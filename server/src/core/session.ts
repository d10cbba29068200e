// What one lint derived, kept for the next lint in the same process: each step's results with the file-system answers they were computed from, reused while those answers hold.
import type { FileSystem, ReadResult, Stat } from './fs';
import type { Notice, Remembered } from './analysis';
import type { Draft } from './rules';

/**
 * One file-system question and the answer a step got: `r` read, `s` stat kind, `z` size,
 * `d` folder listing, `p` real path, `l` symlink test. The answer is kept as a string (a text's
 * own string, so keeping it costs no copy) to compare with the answer the file system gives now.
 */
type Dependencies = Map<string, string>;

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
}

const MISSING = '\u0000missing';

/** The answer a file system gives to a recorded question, in the form it was recorded. */
function answer(fs: FileSystem, key: string): string {
  const path = key.slice(1);
  switch (key[0]) {
    case 'r':
      return readKey(fs.read(path));
    case 's':
      return fs.stat(path)?.kind ?? MISSING;
    case 'z':
      return String(fs.stat(path)?.size ?? -1);
    case 'd':
      return fs.readDir(path)?.join('/') ?? MISSING;
    case 'p':
      return (fs.realpath ? fs.realpath(path) : path) ?? MISSING;
    case 'l':
      return fs.isSymlink?.(path) ? '1' : '0';
    default:
      return MISSING;
  }
}

function readKey(r: ReadResult): string {
  return 'text' in r ? r.text : '\u0000' + r.problem;
}

/**
 * A file system that records every question asked through it into the current frame.
 * Objects that outlive one lint (a cached model's build context) may keep asking through it:
 * what they read is recorded in whichever step is running, so that step depends on it.
 */
class RecordingFileSystem implements FileSystem {
  base!: FileSystem;
  frame: Dependencies | undefined;

  private note(key: string, value: string): void {
    if (this.frame && !this.frame.has(key)) this.frame.set(key, value);
  }

  stat(path: string): Stat | undefined {
    const s = this.base.stat(path);
    this.note('s' + path, s?.kind ?? MISSING);
    if (!s) return undefined;
    // The size is read lazily by some file systems: record it only when a step uses it.
    const note = (v: number) => this.note('z' + path, String(v));
    return {
      kind: s.kind,
      get size(): number {
        const v = s.size;
        note(v);
        return v;
      },
    };
  }

  readDir(path: string): string[] | undefined {
    const names = this.base.readDir(path);
    this.note('d' + path, names?.join('/') ?? MISSING);
    return names;
  }

  read(path: string): ReadResult {
    const r = this.base.read(path);
    this.note('r' + path, readKey(r));
    return r;
  }

  realpath(path: string): string | undefined {
    const r = this.base.realpath ? this.base.realpath(path) : path;
    this.note('p' + path, r ?? MISSING);
    return r;
  }

  isSymlink(path: string): boolean {
    const v = !!this.base.isSymlink?.(path);
    this.note('l' + path, v ? '1' : '0');
    return v;
  }

  beginPass(): void {
    this.base.beginPass?.();
  }

  setMaxFileSize(bytes: number): void {
    this.base.setMaxFileSize?.(bytes);
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
  stats: SessionStats = { reused: 0, ran: 0, checked: 0 };
  /** Facts computed per file and kept across lints (Analysis.remember). */
  readonly remembered: Remembered = new Map();

  /** Starts a lint over `fs`: returns the file system the lint must use. */
  begin(fs: FileSystem): FileSystem {
    this.recorder.base = fs;
    this.recorder.frame = undefined;
    this.stats = { reused: 0, ran: 0, checked: 0 };
    return this.recorder;
  }

  /** Records the reads of step `index` (0: the analysis; rule i: i + 1) from now on. */
  enter(index: number): void {
    const deps: Dependencies = new Map();
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
    for (const [key, value] of deps) {
      this.stats.checked++;
      if (answer(fs, key) !== value) return false;
    }
    return true;
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
