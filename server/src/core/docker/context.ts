// The build context: a folder of the workspace seen through .dockerignore with Docker's own matching rules.
import { FileSystem, join, readText, relativeInside } from '../fs';
import { DockerIgnore } from '../text/glob';

export interface IgnorePattern {
  /** Zero-based line in the ignore file. */
  line: number;
  pattern: string;
}

/** Folders never walked: version control, dependency caches, virtualenvs, build caches. */
export const SKIP_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', '.virtualenv', '__pycache__', '.tox', '.nox', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', 'site-packages', '.idea', '.eggs', '.terraform', '.next', '.cache',
]);

/** An entry of a context listing. */
export interface ContextEntry {
  /** Context-relative path. */
  path: string;
  dir: boolean;
}

/** A build context: the root folder and its ignore rules. Paths handed in are context-relative ('' is the root). */
export class BuildContext {
  private readonly matcher: DockerIgnore | undefined;
  private readonly hasNegation: boolean;
  /** Ignore-file lines Docker rejects (the build fails on them); they exclude nothing here. */
  readonly problems: { line: number; message: string }[] = [];
  private readonly cache = new Map<string, boolean>();
  private readonly pruned = new Map<string, boolean>();
  private listing: ContextEntry[] | undefined;

  constructor(
    readonly fs: FileSystem,
    /** Absolute path of the context folder. */
    readonly root: string,
    /** The ignore file in force (`<Dockerfile>.dockerignore` beside the Dockerfile, else `<context>/.dockerignore`). */
    readonly ignoreFile?: string,
    readonly patterns: IgnorePattern[] = [],
  ) {
    if (patterns.length) {
      this.matcher = new DockerIgnore(patterns.map((p) => p.pattern));
      for (const p of this.matcher.problems) this.problems.push({ line: patterns[p.index].line, message: p.message });
    }
    this.hasNegation = !!this.matcher?.hasExclusions;
  }

  /** Loads the ignore file for a Dockerfile built from `root`, following BuildKit's precedence. */
  static load(fs: FileSystem, root: string, dockerfile?: string): BuildContext {
    const candidates = [dockerfile ? dockerfile + '.dockerignore' : undefined, join(root, '.dockerignore')];
    for (const f of candidates) {
      if (!f) continue;
      const text = readText(fs, f);
      if (text === undefined) continue;
      return new BuildContext(fs, root, f, parseIgnoreFile(text));
    }
    return new BuildContext(fs, root);
  }

  /** Absolute path of a context-relative path (already normalised: no '.', '..' or doubled slashes). */
  abs(rel: string): string {
    return rel === '' ? this.root : this.root === '/' ? '/' + rel : this.root + '/' + rel;
  }

  rel(abs: string): string | undefined {
    return relativeInside(this.root, abs);
  }

  /** True when `.dockerignore` keeps `rel` out of the context. */
  isIgnored(rel: string): boolean {
    if (!this.matcher || rel === '') return false;
    let v = this.cache.get(rel);
    if (v === undefined) {
      v = this.matcher.ignores(rel);
      this.cache.set(rel, v);
    }
    return v;
  }

  /**
   * True when a folder is excluded and nothing under it can be re-included. With `!` patterns
   * Docker still walks into excluded folders, so such a folder may contribute files.
   */
  isFolderPruned(rel: string): boolean {
    if (!this.isIgnored(rel)) return false;
    if (!this.hasNegation || !this.matcher!.mayReincludeBelow(rel)) return true;
    // BuildKit walks an excluded folder that a `!` pattern may reach, but sends it only when something below it is
    // included (fsutil sends the parent folders of an included path lazily): an excluded folder with nothing
    // re-included is not in the context, not even empty.
    let v = this.pruned.get(rel);
    if (v === undefined) {
      v = !this.includesBelow(rel, { budget: 20_000 });
      this.pruned.set(rel, v);
    }
    return v;
  }

  /** Some file below the excluded folder `rel` is re-included (true, too, when the walk runs out of budget). */
  private includesBelow(rel: string, walk: { budget: number }): boolean {
    for (const n of this.fs.readDir(this.abs(rel)) ?? []) {
      if (--walk.budget < 0) return true;
      const p = rel + '/' + n;
      if (this.fs.isSymlink?.(this.abs(p))) {
        if (!this.isIgnored(p)) return true;
        continue;
      }
      const s = this.fs.stat(this.abs(p));
      if (!s) continue;
      if (s.kind === 'file') {
        if (!this.isIgnored(p)) return true;
      } else if (!this.isIgnored(p) || (this.matcher!.mayReincludeBelow(p) && this.includesBelow(p, walk))) return true;
    }
    return false;
  }

  /** The ignore-file line that excludes `rel` (the last matching exclusion), for messages. */
  excludedBy(rel: string): IgnorePattern | undefined {
    if (!this.isIgnored(rel)) return undefined;
    const p = this.matcher?.lastMatch(rel);
    return p && this.patterns[p.index];
  }

  /**
   * Kind of a context entry as the build sees it (ignored entries do not exist). Docker sends a
   * symlink inside the context as a link, so nothing is seen through a linked folder (this also
   * keeps symlink loops from being walked).
   */
  stat(rel: string): 'file' | 'dir' | undefined {
    if (this.fs.isSymlink && rel.includes('/')) {
      for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
        if (this.fs.isSymlink(this.abs(rel.slice(0, i)))) return undefined;
      }
    }
    const s = this.fs.stat(this.abs(rel));
    if (!s) return undefined;
    if (s.kind === 'file' ? this.isIgnored(rel) : this.isFolderPruned(rel)) return undefined;
    return s.kind;
  }

  /** Names in a context folder that the build sees. */
  readDir(rel: string): string[] | undefined {
    if (this.stat(rel) !== 'dir') return undefined;
    const names = this.fs.readDir(this.abs(rel));
    if (!names) return undefined;
    return names.filter((n) => this.stat(rel ? rel + '/' + n : n) !== undefined);
  }

  /**
   * Every entry the build sees, a folder before its contents, dependency and cache folders left out,
   * at most `LISTING_LIMIT` (computed once: a context does not change during a lint).
   */
  entries(): ContextEntry[] {
    if (this.listing) return this.listing;
    const out: ContextEntry[] = [];
    const stack = [''];
    while (stack.length && out.length < LISTING_LIMIT) {
      const d = stack.pop()!;
      for (const n of this.readDir(d) ?? []) {
        if (SKIP_DIRS.has(n)) continue;
        const p = d ? d + '/' + n : n;
        const dir = this.stat(p) === 'dir';
        out.push({ path: p, dir });
        if (dir) stack.push(p);
      }
    }
    return (this.listing = out);
  }

  /** Kind of the entry on disk, ignoring .dockerignore (to tell "missing" from "excluded"). */
  statOnDisk(rel: string): 'file' | 'dir' | undefined {
    return this.fs.stat(this.abs(rel))?.kind;
  }
}

/** How many context entries a listing holds at most. */
export const LISTING_LIMIT = 50_000;

/** Reads ignore-file lines as Docker does: a line starting with '#' is a comment (before trimming), blank lines dropped, whitespace trimmed. */
export function parseIgnoreFile(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  text.split(/\r?\n/).forEach((raw, line) => {
    if (raw.startsWith('#')) return;
    const t = raw.trim();
    if (!t) return;
    out.push({ line, pattern: t });
  });
  return out;
}
