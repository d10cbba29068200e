// Whether a workspace file is in a git repository, and whether git would ignore it (the .gitignore files on its way down from the root and .git/info/exclude).
import { dirname, FileSystem, join, readText, relativeInside } from '../fs';
import { DockerIgnore } from '../text/glob';

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

/** Answers "is this path in a git repository, and does git ignore it?" for files under `root`; caches what it reads. */
export class GitIgnore {
  private readonly perDir = new Map<string, string[]>();
  private readonly repoOf = new Map<string, string | undefined>();

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

  /**
   * The folder of the git repository holding `path`: the nearest folder at or above the file,
   * inside the workspace, with a `.git` folder or file (a worktree or submodule writes a file).
   * Undefined when there is none: then nothing can be committed, and no git advice applies.
   */
  repository(path: string): string | undefined {
    const chain: string[] = [];
    let found: string | undefined;
    for (let d = dirname(path); relativeInside(this.root, d) !== undefined; d = dirname(d)) {
      if (this.repoOf.has(d)) {
        found = this.repoOf.get(d);
        break;
      }
      chain.push(d);
      if (this.fs.stat(join(d, '.git'))) {
        found = d;
        break;
      }
      if (d === this.root || d === '/') break;
    }
    for (const d of chain) this.repoOf.set(d, found);
    return found;
  }

  /** True when the file is in a git repository (see `repository`) and git would not ignore it: committing it is possible. */
  isCommittable(path: string): boolean {
    return this.repository(path) !== undefined && !this.isIgnored(path);
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
    return new DockerIgnore(patterns).ignores(rel);
  }
}
