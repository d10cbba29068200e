// Injected file-system interface: real disk, an overlay of open editor buffers, or an in-memory tree for tests.
import * as nodeFs from 'fs';
import * as nodePath from 'path';

export type EntryKind = 'file' | 'dir';

export interface Stat {
  kind: EntryKind;
  size: number;
}

/** Why a file's text could not be read; carried into notices, never thrown. */
export type ReadProblem = 'missing' | 'binary' | 'too-large' | 'not-utf8' | 'unreadable' | 'outside-workspace';

export type ReadResult = { text: string } | { problem: ReadProblem };

/**
 * All engine file access goes through this interface. Paths are absolute POSIX paths.
 * Implementations never throw for ordinary problems (missing, binary, too large).
 */
export interface FileSystem {
  stat(path: string): Stat | undefined;
  /** Names of the entries of a folder, sorted; undefined when it is not a readable folder. */
  readDir(path: string): string[] | undefined;
  read(path: string): ReadResult;
  /** Canonical path (symlinks resolved), to detect loops; the identity when not supported. */
  realpath?(path: string): string | undefined;
  /** True when the path itself is a symbolic link (not followed). */
  isSymlink?(path: string): boolean;
  /**
   * Starts a lint pass: implementations may cache metadata (stat, folder listings, real paths)
   * until the next call, since files do not change while one lint runs.
   */
  beginPass?(): void;
  /** Sets the largest file read as text (bigger files read as 'too-large'); MAX_TEXT_BYTES until set. */
  setMaxFileSize?(bytes: number): void;
  /**
   * A number that changes whenever an answer about the layout (a path's kind, a folder's listing,
   * a real path, a symlink test) may have changed; texts and sizes are not covered. Only file
   * systems that hear of every change implement it (the language server's); without it nothing
   * that depends on the layout alone is kept across lints.
   */
  layoutVersion?(): number | undefined;
}

/** Largest text file the engine reads by default (the `maxFileSize` setting; bigger files are skipped with a reason). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

let layouts = 0;

/** A layout version no file system of this process has given before (so that a new file system's versions never match an old one's). */
export function newLayoutVersion(): number {
  return ++layouts;
}

export function readText(fs: FileSystem, path: string): string | undefined {
  const r = fs.read(path);
  return 'text' in r ? r.text : undefined;
}

export function isFile(fs: FileSystem, path: string): boolean {
  return fs.stat(path)?.kind === 'file';
}

export function isDir(fs: FileSystem, path: string): boolean {
  return fs.stat(path)?.kind === 'dir';
}

/** Decodes bytes as UTF-8 text, or says why they are not text. */
export function decodeText(buf: Uint8Array, maxBytes = MAX_TEXT_BYTES): ReadResult {
  if (buf.length > maxBytes) return { problem: 'too-large' };
  const probe = Math.min(buf.length, 8192);
  for (let i = 0; i < probe; i++) if (buf[i] === 0) return { problem: 'binary' };
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return { problem: 'not-utf8' };
  }
}

/**
 * The real disk, confined to `roots`: a path (after resolving symlinks) outside every root
 * reads as 'outside-workspace', so a symlink cannot lead the engine out of the workspace.
 */
export class DiskFileSystem implements FileSystem {
  private readonly roots: string[];
  private maxBytes = MAX_TEXT_BYTES;

  constructor(roots: string[]) {
    this.roots = roots.map((r) => toPosix(safeRealpath(r) ?? r));
  }

  private inside(real: string): boolean {
    return this.roots.some((r) => real === r || real.startsWith(r.endsWith('/') ? r : r + '/'));
  }

  private realCache = new Map<string, string | null>();
  private statCache = new Map<string, Stat | null>();
  private dirCache = new Map<string, string[] | null>();
  private linkCache = new Map<string, boolean>();
  /** Names in each folder listed this pass: a path not among its folder's names does not exist (no system call asks). */
  private listed = new Map<string, Set<string>>();

  setMaxFileSize(bytes: number): void {
    this.maxBytes = bytes;
  }

  beginPass(): void {
    this.realCache.clear();
    this.statCache.clear();
    this.dirCache.clear();
    this.linkCache.clear();
    this.listed.clear();
  }

  /** True when the path's folder was listed this pass and the name is not in it. */
  private unlisted(path: string, slash: number): boolean {
    const names = this.listed.get(path.slice(0, slash));
    if (names === undefined) return false;
    const name = path.slice(slash + 1);
    return name !== '' && name !== '.' && name !== '..' && !names.has(name);
  }

  isSymlink(path: string): boolean {
    let v = this.linkCache.get(path);
    if (v === undefined) {
      const slash = path.lastIndexOf('/');
      if (slash > 0 && this.unlisted(path, slash)) return false;
      const parent = slash > 0 ? this.real(path.slice(0, slash)) : undefined;
      try {
        v = nodeFs.lstatSync(parent !== undefined ? parent + path.slice(slash) : path).isSymbolicLink();
      } catch {
        v = false;
      }
      this.linkCache.set(path, v);
    }
    return v;
  }

  /** Real path: the folder's (cached for the pass) joined with the name, resolved again only for symlinks. */
  private real(path: string): string | undefined {
    const hit = this.realCache.get(path);
    if (hit !== undefined) return hit ?? undefined;
    let r: string | undefined;
    const slash = path.lastIndexOf('/');
    if (slash > 0 && this.unlisted(path, slash)) r = undefined;
    else if (slash > 0) {
      const parent = this.real(path.slice(0, slash));
      if (parent !== undefined) {
        const candidate = parent + path.slice(slash);
        try {
          r = nodeFs.lstatSync(candidate).isSymbolicLink() ? toPosixOrUndefined(safeRealpath(candidate)) : candidate;
        } catch {
          r = undefined;
        }
      }
    } else r = toPosixOrUndefined(safeRealpath(path));
    this.realCache.set(path, r ?? null);
    return r;
  }

  realpath(path: string): string | undefined {
    return this.real(path);
  }

  stat(path: string): Stat | undefined {
    const hit = this.statCache.get(path);
    if (hit !== undefined) return hit ?? undefined;
    let out: Stat | undefined;
    const real = this.real(path);
    if (real !== undefined && this.inside(real)) {
      try {
        const s = nodeFs.statSync(real);
        if (s.isDirectory()) out = { kind: 'dir', size: 0 };
        else if (s.isFile()) out = { kind: 'file', size: s.size };
      } catch {
        /* vanished or unreadable */
      }
    }
    this.statCache.set(path, out ?? null);
    return out;
  }

  readDir(path: string): string[] | undefined {
    const hit = this.dirCache.get(path);
    if (hit !== undefined) return hit ?? undefined;
    let out: string[] | undefined;
    const real = this.real(path);
    if (real !== undefined && this.inside(real)) {
      try {
        const entries = nodeFs.readdirSync(real, { withFileTypes: true });
        out = entries.map((e) => e.name).sort();
        if (path !== '/' && !path.endsWith('/')) this.listed.set(path, new Set(out));
        // The listing tells each entry's kind: spare the stat and real-path calls that would follow.
        for (const e of entries) {
          const child = (path === '/' ? '' : path) + '/' + e.name;
          this.linkCache.set(child, e.isSymbolicLink());
          if (e.isSymbolicLink()) continue;
          const childReal = (real === '/' ? '' : real) + '/' + e.name;
          if (!this.realCache.has(child)) this.realCache.set(child, childReal);
          if (this.statCache.has(child)) continue;
          if (e.isDirectory()) this.statCache.set(child, { kind: 'dir', size: 0 });
          else if (e.isFile()) this.statCache.set(child, lazyFileStat(childReal));
        }
      } catch {
        out = undefined;
      }
    }
    this.dirCache.set(path, out ?? null);
    return out;
  }

  read(path: string): ReadResult {
    const real = this.real(path);
    if (real === undefined) return { problem: 'missing' };
    if (!this.inside(real)) return { problem: 'outside-workspace' };
    try {
      const s = nodeFs.statSync(real);
      if (!s.isFile()) return { problem: 'missing' };
      if (s.size > this.maxBytes) return { problem: 'too-large' };
      return decodeText(nodeFs.readFileSync(real), this.maxBytes);
    } catch {
      return { problem: 'unreadable' };
    }
  }
}

/** Open editor buffers layered over another file system: unsaved edits are what gets linted. */
export class OverlayFileSystem implements FileSystem {
  private readonly buffers = new Map<string, string>();
  private maxBytes = MAX_TEXT_BYTES;

  constructor(private readonly base: FileSystem) {}

  setMaxFileSize(bytes: number): void {
    this.maxBytes = bytes;
    this.base.setMaxFileSize?.(bytes);
  }

  private layout = newLayoutVersion();

  set(path: string, text: string): void {
    // A new buffer may add a path (an unsaved new file); an edit of an open one changes only its text.
    if (!this.buffers.has(path)) this.layout = newLayoutVersion();
    this.buffers.set(path, text);
  }

  delete(path: string): void {
    if (this.buffers.delete(path)) this.layout = newLayoutVersion();
  }

  /** The base's version last seen: a change below is a change of this version too. */
  private below: number | undefined;

  layoutVersion(): number | undefined {
    const below = this.base.layoutVersion?.();
    if (below === undefined) return undefined;
    if (below !== this.below) {
      this.below = below;
      this.layout = newLayoutVersion();
    }
    return this.layout;
  }

  stat(path: string): Stat | undefined {
    const text = this.buffers.get(path);
    if (text !== undefined) return { kind: 'file', size: text.length };
    return this.base.stat(path);
  }

  readDir(path: string): string[] | undefined {
    const names = this.base.readDir(path);
    const prefix = path.endsWith('/') ? path : path + '/';
    let extra: string[] | undefined;
    for (const p of this.buffers.keys()) {
      if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) {
        const name = p.slice(prefix.length);
        if (!names?.includes(name)) (extra ??= []).push(name);
      }
    }
    if (!extra) return names;
    return [...(names ?? []), ...extra].sort();
  }

  read(path: string): ReadResult {
    const text = this.buffers.get(path);
    if (text !== undefined) return tooLarge(text, this.maxBytes) ? { problem: 'too-large' } : { text };
    return this.base.read(path);
  }

  realpath(path: string): string | undefined {
    return this.buffers.has(path) ? path : this.base.realpath ? this.base.realpath(path) : path;
  }

  beginPass(): void {
    this.base.beginPass?.();
  }

  isSymlink(path: string): boolean {
    return !this.buffers.has(path) && !!this.base.isSymlink?.(path);
  }
}

/** An in-memory tree for tests: `{ '/repo/app.py': 'import os' }`. Folders are implied by file paths. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, string | Uint8Array>();
  private readonly dirs = new Map<string, Set<string>>();
  private maxBytes = MAX_TEXT_BYTES;

  setMaxFileSize(bytes: number): void {
    this.maxBytes = bytes;
  }

  constructor(files: Record<string, string | Uint8Array> = {}) {
    this.dirs.set('/', new Set());
    for (const [p, c] of Object.entries(files)) this.write(p, c);
  }

  write(path: string, content: string | Uint8Array): void {
    this.files.set(path, content);
    let child = path;
    let parent = dirname(child);
    while (true) {
      let set = this.dirs.get(parent);
      if (!set) this.dirs.set(parent, (set = new Set()));
      set.add(basename(child));
      if (parent === '/') break;
      child = parent;
      parent = dirname(parent);
    }
  }

  /** Creates an empty folder. */
  mkdir(path: string): void {
    if (!this.dirs.has(path)) {
      this.dirs.set(path, new Set());
      if (path !== '/') this.dirs.get(dirname(path)) ?? this.mkdir(dirname(path));
      this.dirs.get(dirname(path))!.add(basename(path));
    }
  }

  remove(path: string): void {
    this.files.delete(path);
    this.dirs.get(dirname(path))?.delete(basename(path));
  }

  stat(path: string): Stat | undefined {
    const f = this.files.get(path);
    if (f !== undefined) return { kind: 'file', size: f.length };
    if (this.dirs.has(path)) return { kind: 'dir', size: 0 };
    return undefined;
  }

  readDir(path: string): string[] | undefined {
    const set = this.dirs.get(path);
    return set ? [...set].sort() : undefined;
  }

  read(path: string): ReadResult {
    const f = this.files.get(path);
    if (f === undefined) return { problem: 'missing' };
    if (typeof f === 'string') return tooLarge(f, this.maxBytes) ? { problem: 'too-large' } : { text: f };
    return decodeText(f, this.maxBytes);
  }
}

/** True when a text's UTF-8 encoding is longer than `max` bytes. */
function tooLarge(text: string, max: number): boolean {
  return text.length > max || (text.length * 3 > max && Buffer.byteLength(text, 'utf8') > max);
}

export function toPosix(p: string): string {
  return p.split(nodePath.sep).join('/');
}

/** A file's Stat whose size is read only when asked for. */
function lazyFileStat(real: string): Stat {
  let size: number | undefined;
  return {
    kind: 'file',
    get size(): number {
      if (size === undefined) {
        try {
          size = nodeFs.statSync(real).size;
        } catch {
          size = 0;
        }
      }
      return size;
    },
  };
}

function toPosixOrUndefined(p: string | undefined): string | undefined {
  return p === undefined ? undefined : toPosix(p);
}

function safeRealpath(p: string): string | undefined {
  try {
    return nodeFs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/** POSIX dirname that keeps '/' for top-level entries. */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i <= 0) return '/';
  return p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Joins and normalises POSIX path parts ('.', '..', duplicate slashes). Absolute if the first part is. */
export function join(...parts: string[]): string {
  return normalize(parts.filter((p) => p !== '').join('/'));
}

export function normalize(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const s = out.join('/');
  return abs ? '/' + s : s || '.';
}

/** `child` relative to `parent` when inside it ('' for equal), else undefined. */
export function relativeInside(parent: string, child: string): string | undefined {
  if (child === parent) return '';
  const pre = parent.endsWith('/') ? parent : parent + '/';
  return child.startsWith(pre) ? child.slice(pre.length) : undefined;
}
