// A file system that keeps the disk's answers (folder listings, kinds, texts) across lints until told that a path changed: the language server, which hears of every change on disk from the editor's file watcher.
import { newLayoutVersion } from './fs';
import type { FileSystem, ReadResult, Stat } from './fs';

/** Texts kept in memory at most (characters); bigger workspaces re-read the rest from disk. */
const RETAINED_TEXT_CHARS = 64 * 1024 * 1024;

export class RetainedFileSystem implements FileSystem {
  private readonly stats = new Map<string, Stat | null>();
  private readonly dirs = new Map<string, string[] | null>();
  private readonly reads = new Map<string, ReadResult>();
  private readonly reals = new Map<string, string | null>();
  private readonly links = new Map<string, boolean>();
  private chars = 0;
  private maxBytes: number | undefined;
  /** Bumped by every invalidation: what was known of the layout may have changed (see FileSystem.layoutVersion). */
  private layout = newLayoutVersion();

  constructor(
    private readonly base: FileSystem,
    private readonly maxChars = RETAINED_TEXT_CHARS,
  ) {}

  /** A lint pass keeps the retained answers: only `invalidate` drops them. */
  beginPass(): void {}

  setMaxFileSize(bytes: number): void {
    if (bytes === this.maxBytes) return;
    this.maxBytes = bytes;
    this.base.setMaxFileSize?.(bytes);
    this.reads.clear();
    this.chars = 0;
  }

  /**
   * Forgets what is known of `path`, everything below it (a folder created, deleted or renamed
   * reaches the server as one event) and its folder's listing.
   */
  invalidate(path: string): void {
    this.layout = newLayoutVersion();
    const below = path.endsWith('/') ? path : path + '/';
    const parent = path.slice(0, Math.max(path.lastIndexOf('/'), 1));
    const maps = [this.stats, this.dirs, this.reads, this.reals, this.links] as Map<string, unknown>[];
    // A path known to be a file has nothing below it: only its own answers go (the common case, an edit saved).
    if (this.stats.get(path)?.kind === 'file' && !this.dirs.has(path)) {
      this.forgetText(path);
      for (const m of maps) m.delete(path);
      this.dirs.delete(parent);
      this.stats.delete(parent);
      this.base.beginPass?.();
      return;
    }
    for (const m of maps) {
      for (const k of m.keys()) {
        if (k === path || k.startsWith(below)) {
          if (m === this.reads) this.forgetText(k);
          m.delete(k);
        }
      }
    }
    this.dirs.delete(parent);
    this.stats.delete(parent);
    // The base keeps metadata for one pass: start it afresh so that it answers from disk.
    this.base.beginPass?.();
  }

  /** Forgets everything (the client said the whole workspace may have changed). */
  invalidateAll(): void {
    this.layout = newLayoutVersion();
    for (const m of [this.stats, this.dirs, this.reads, this.reals, this.links] as Map<string, unknown>[]) m.clear();
    this.chars = 0;
    this.base.beginPass?.();
  }

  private forgetText(path: string): void {
    const r = this.reads.get(path);
    if (r && 'text' in r) this.chars -= r.text.length;
  }

  layoutVersion(): number {
    return this.layout;
  }

  stat(path: string): Stat | undefined {
    let v = this.stats.get(path);
    if (v === undefined) this.stats.set(path, (v = this.base.stat(path) ?? null));
    return v ?? undefined;
  }

  readDir(path: string): string[] | undefined {
    let v = this.dirs.get(path);
    if (v === undefined) this.dirs.set(path, (v = this.base.readDir(path) ?? null));
    return v ?? undefined;
  }

  read(path: string): ReadResult {
    const hit = this.reads.get(path);
    if (hit) return hit;
    const r = this.base.read(path);
    const size = 'text' in r ? r.text.length : 0;
    if (this.chars + size <= this.maxChars) {
      this.reads.set(path, r);
      this.chars += size;
    }
    return r;
  }

  realpath(path: string): string | undefined {
    let v = this.reals.get(path);
    if (v === undefined) this.reals.set(path, (v = (this.base.realpath ? this.base.realpath(path) : path) ?? null));
    return v ?? undefined;
  }

  isSymlink(path: string): boolean {
    let v = this.links.get(path);
    if (v === undefined) this.links.set(path, (v = !!this.base.isSymlink?.(path)));
    return v;
  }
}
