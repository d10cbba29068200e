// Whether git would ignore a workspace file, from the .gitignore files on its way down from the root and .git/info/exclude.
import ignoreFactory from '@balena/dockerignore';
import { dirname, FileSystem, join, readText, relativeInside } from '../fs';

/**
 * A gitignore pattern rewritten for Docker's matcher (which matches whole paths from the
 * context root): a pattern without an inner slash matches at any depth below its file's folder,
 * one with an inner or leading slash is anchored there; `!` re-includes.
 */
export function toRootPattern(pattern: string, dir: string): string | undefined {
  let p = pattern.replace(/\s+$/, '');
  if (!p || p.startsWith('#')) return undefined;
  const negate = p.startsWith('!');
  if (negate) p = p.slice(1);
  if (p.startsWith('\\')) p = p.slice(1);
  p = p.replace(/\/+$/, '');
  if (!p) return undefined;
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const base = dir ? dir + '/' : '';
  const full = anchored ? base + p : base + '**/' + p;
  return (negate ? '!' : '') + full;
}

/** Answers "does git ignore this path?" for files under `root`; caches the ignore files it reads. */
export class GitIgnore {
  private readonly perDir = new Map<string, string[]>();

  constructor(
    private readonly fs: FileSystem,
    private readonly root: string,
  ) {}

  private patternsOf(dirRel: string): string[] {
    let p = this.perDir.get(dirRel);
    if (p) return p;
    const text = readText(this.fs, join(dirRel ? join(this.root, dirRel) : this.root, '.gitignore'));
    p = (text ?? '').split(/\r?\n/).map((l) => toRootPattern(l, dirRel)).filter((x): x is string => x !== undefined);
    this.perDir.set(dirRel, p);
    return p;
  }

  /** True when a .gitignore between the root and the file (or .git/info/exclude) ignores it. */
  isIgnored(path: string): boolean {
    const rel = relativeInside(this.root, path);
    if (rel === undefined || rel === '') return false;
    const dirs: string[] = [];
    for (let d = dirname(rel); ; d = dirname(d)) {
      const r = d === '.' || d === '/' ? '' : d;
      dirs.unshift(r);
      if (r === '') break;
    }
    const exclude = (readText(this.fs, join(this.root, '.git/info/exclude')) ?? '')
      .split(/\r?\n/)
      .map((l) => toRootPattern(l, ''))
      .filter((x): x is string => x !== undefined);
    const patterns = [...exclude, ...dirs.flatMap((d) => this.patternsOf(d))];
    if (patterns.length === 0) return false;
    try {
      return ignoreFactory().add(patterns).ignores(rel);
    } catch {
      return false;
    }
  }
}
