// Linear-time glob matching (no regular expressions built from user input): Docker's .dockerignore patterns, Go's filepath.Match, workspace globs.
import { normalize } from '../fs';

/** One step of a compiled glob; matched by a state-set simulation, so time is O(pattern × path). */
type Tok =
  | { k: 'lit'; c: string }
  /** One character other than '/'. */
  | { k: 'one' }
  /** One character in (or, negated, not in) the ranges. */
  | { k: 'set'; neg: boolean; ranges: [string, string][] }
  /** Any run of characters other than '/'. */
  | { k: 'star' }
  /** Any run of characters. */
  | { k: 'all' }
  /** Empty, or any run of characters ending with '/' (Docker's `**` before more pattern): always followed by 'dirsLoop'. */
  | { k: 'dirs' }
  /** The inside of 'dirs': any character stays, '/' may also leave. */
  | { k: 'dirsLoop' }
  /** Matches only at the start (a bare `^` in Docker's pattern-to-regexp translation). */
  | { k: 'bol' };

/** A compiled glob: `test(s)` is linear in the length of `s` times the pattern's. */
export class Glob {
  constructor(private readonly toks: Tok[]) {}

  test(s: string): boolean {
    return this.run(s, false);
  }

  /** True when `s` or one of its parent folders (a prefix ending before a '/') matches, in one pass. */
  testOrParent(s: string): boolean {
    return this.run(s, true);
  }

  private run(s: string, parents: boolean): boolean {
    const t = this.toks;
    const m = t.length;
    let cur = new Uint8Array(m + 1);
    let next = new Uint8Array(m + 1);
    const stack: number[] = [];
    // Adds state `from` and every state reachable from it without consuming a character.
    const close = (set: Uint8Array, from: number, at: number) => {
      stack.push(from);
      while (stack.length) {
        const i = stack.pop()!;
        if (set[i]) continue;
        set[i] = 1;
        if (i === m) continue;
        const k = t[i].k;
        if (k === 'star' || k === 'all' || (k === 'bol' && at === 0)) stack.push(i + 1);
        else if (k === 'dirs') stack.push(i + 1, i + 2);
      }
    };
    close(cur, 0, 0);
    let at = 0;
    for (const c of s) {
      if (parents && c === '/' && at > 0 && cur[m]) return true;
      next.fill(0);
      let any = false;
      for (let i = 0; i < m; i++) {
        if (!cur[i]) continue;
        const tok = t[i];
        let to = -1;
        switch (tok.k) {
          case 'lit':
            if (c === tok.c) to = i + 1;
            break;
          case 'one':
            if (c !== '/') to = i + 1;
            break;
          case 'set':
            if (inSet(tok, c)) to = i + 1;
            break;
          case 'star':
            if (c !== '/') to = i;
            break;
          case 'all':
            to = i;
            break;
          case 'dirsLoop':
            to = i;
            if (c === '/') close(next, i + 1, at + 1);
            break;
        }
        if (to >= 0) {
          close(next, to, at + 1);
          any = true;
        }
      }
      if (!any) return false;
      [cur, next] = [next, cur];
      at++;
    }
    return cur[m] === 1;
  }
}

function inSet(tok: Extract<Tok, { k: 'set' }>, c: string): boolean {
  const hit = tok.ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return hit !== tok.neg;
}

/** Thrown for a malformed pattern (what Go's filepath.Match calls ErrBadPattern). */
export class BadPattern extends Error {}

/**
 * Reads a `[...]` class at `chars[i]` (the '['), Go filepath.Match syntax: optional '^', ranges
 * `a-z`, `\` escapes; returns the token and the index after ']'. Throws BadPattern when malformed.
 */
function readClass(chars: string[], i: number): [Tok, number] {
  let j = i + 1;
  let neg = false;
  if (chars[j] === '^') (neg = true), j++;
  const ranges: [string, string][] = [];
  const esc = (): string => {
    let c = chars[j];
    if (c === undefined || c === '-' || c === ']') throw new BadPattern('syntax error in pattern');
    if (c === '\\') {
      c = chars[++j];
      if (c === undefined) throw new BadPattern('syntax error in pattern');
    }
    j++;
    return c;
  };
  for (;;) {
    if (chars[j] === ']' && ranges.length) return [{ k: 'set', neg, ranges }, j + 1];
    const lo = esc();
    let hi = lo;
    if (chars[j] === '-') {
      j++;
      hi = esc();
      if (hi < lo) throw new BadPattern('syntax error in pattern');
    }
    ranges.push([lo, hi]);
  }
}

/**
 * Go's `filepath.Match` for one path segment (COPY sources): `*` any run of non-'/' characters,
 * `?` one, `[...]` a class, `\` escapes. Throws BadPattern when malformed.
 */
export function compileGoGlob(pattern: string): Glob {
  const chars = Array.from(pattern);
  const toks: Tok[] = [];
  for (let i = 0; i < chars.length; ) {
    const c = chars[i];
    if (c === '*') {
      if (toks[toks.length - 1]?.k !== 'star') toks.push({ k: 'star' });
      i++;
    } else if (c === '?') toks.push({ k: 'one' }), i++;
    else if (c === '[') {
      const [tok, end] = readClass(chars, i);
      toks.push(tok);
      i = end;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) throw new BadPattern('syntax error in pattern');
      toks.push({ k: 'lit', c: chars[i + 1] });
      i += 2;
    } else toks.push({ k: 'lit', c }), i++;
  }
  return new Glob(toks);
}

const goGlobs = new Map<string, Glob | null>();

/** `filepath.Match(pattern, name)` for a name without '/'; a malformed pattern matches nothing. Cached. */
export function goMatch(pattern: string, name: string): boolean {
  let g = goGlobs.get(pattern);
  if (g === undefined) {
    try {
      g = compileGoGlob(pattern);
    } catch {
      g = null;
    }
    if (goGlobs.size > 10_000) goGlobs.clear();
    goGlobs.set(pattern, g);
  }
  return !!g && g.test(name);
}

/**
 * A workspace glob (`deploylint.exclude`): `**` any run of folders, `*` any run within a name,
 * `?` one character; everything else literal. A glob also matches everything below a matching folder.
 */
export function compileWorkspaceGlob(glob: string): Glob {
  const s = Array.from(glob.replace(/^\.\//, '').replace(/\/$/, ''));
  const toks: Tok[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*' && s[i + 1] === '*') {
      toks.push({ k: 'all' });
      i++;
      if (s[i + 1] === '/') i++;
    } else if (c === '*') toks.push({ k: 'star' });
    else if (c === '?') toks.push({ k: 'one' });
    else toks.push({ k: 'lit', c });
  }
  return new Glob(toks);
}

// ---------------------------------------------------------------- .dockerignore

/** A .dockerignore pattern as Docker compiles it (moby/patternmatcher). */
export interface DockerPattern {
  exclusion: boolean;
  /** The cleaned pattern (no '!', Go filepath.Clean'ed, no leading '/'). */
  cleaned: string;
  /** True when the path or one of its parent folders matches. */
  matchOrParent(path: string): boolean;
}

/** Characters Docker escapes when it turns a pattern into a regular expression (literal in patterns). */
const DOCKER_ESCAPED = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * Compiles one line of a .dockerignore as Docker does: `dockerignore.ReadAll`'s clean-up (trim,
 * `!`, Clean, leading '/' dropped), then `patternmatcher.New`, whose patterns are exact, prefix
 * (`foo/**`), suffix (`**` first) or regular-expression matches; the last kind is simulated here
 * without a regular expression. Returns undefined for a line that is no pattern; throws BadPattern
 * for one Docker rejects (the build fails).
 */
export function compileDockerPattern(line: string): DockerPattern | undefined {
  let p = line.trim();
  if (!p) return undefined;
  let exclusion = false;
  if (p[0] === '!') {
    exclusion = true;
    p = p.slice(1).trim();
  }
  if (p.length > 0) {
    p = normalize(p);
    if (p.length > 1 && p[0] === '/') p = p.slice(1);
  }
  if (!p) {
    if (exclusion) throw new BadPattern('illegal exclusion pattern: "!"');
    return undefined;
  }
  p = normalize(p);
  // filepath.Match's syntax check: classes and escapes must be well formed.
  compileGoGlob(p);
  const chars = Array.from(p);
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  const toks: Tok[] = [];
  let i = 0;
  for (let step = 0; i < chars.length; step++) {
    const ch = chars[i++];
    if (ch === '*') {
      if (chars[i] === '*') {
        i++;
        if (chars[i] === '/') i++;
        if (i >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else (toks.push({ k: 'all' }), (type = 'regexp'));
        } else toks.push({ k: 'dirs' }, { k: 'dirsLoop' }), (type = 'regexp');
        if (step === 0) type = 'suffix';
      } else toks.push({ k: 'star' }), (type = 'regexp');
    } else if (ch === '?') toks.push({ k: 'one' }), (type = 'regexp');
    else if (DOCKER_ESCAPED.has(ch)) toks.push({ k: 'lit', c: ch });
    else if (ch === '\\') {
      if (i < chars.length) toks.push({ k: 'lit', c: chars[i++] }), (type = 'regexp');
      else toks.push({ k: 'lit', c: '\\' });
    } else if (ch === '[') {
      // Docker copies a class into its regular expression; its characters are taken literally here.
      const [tok, end] = readClass(chars, i - 1);
      toks.push(tok);
      i = end;
      type = 'regexp';
    } else if (ch === '^') toks.push({ k: 'bol' });
    else toks.push({ k: 'lit', c: ch });
  }
  const cleaned = p;
  let matchOrParent: (path: string) => boolean;
  if (type === 'exact') matchOrParent = (path) => path === cleaned || path.startsWith(cleaned + '/');
  else if (type === 'prefix') {
    const pre = cleaned.slice(0, -2);
    matchOrParent = (path) => path.startsWith(pre);
  } else if (type === 'suffix') {
    const suffix = cleaned.slice(2);
    const one = (d: string) => d.endsWith(suffix) || (suffix[0] === '/' && d === suffix.slice(1));
    matchOrParent = (path) => {
      if (one(path)) return true;
      for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) if (one(path.slice(0, i))) return true;
      return false;
    };
  } else {
    const g = new Glob(toks);
    matchOrParent = (path) => g.testOrParent(path);
  }
  return { exclusion, cleaned, matchOrParent };
}

/** A parsed ignore file: `ignores(rel)` answers as Docker's `MatchesOrParentMatches`. */
export class DockerIgnore {
  readonly patterns: (DockerPattern & { index: number })[] = [];
  /** Lines Docker rejects (index into the input, message); they match nothing here. */
  readonly problems: { index: number; message: string }[] = [];

  constructor(lines: string[]) {
    lines.forEach((l, index) => {
      try {
        const p = compileDockerPattern(l);
        if (p) this.patterns.push({ ...p, index });
      } catch (e) {
        if (!(e instanceof BadPattern)) throw e;
        this.problems.push({ index, message: e.message });
      }
    });
  }

  get hasExclusions(): boolean {
    return this.patterns.some((p) => p.exclusion);
  }

  /**
   * True when some `!` pattern may match a path below the folder `dir` (or the folder or a parent of it): only then can an
   * excluded folder contribute anything. `!*.py` matches top-level names only (`*` does not cross '/'), so it cannot
   * re-include `utils/__init__.py`; a pattern with `**` may match at any depth.
   */
  mayReincludeBelow(dir: string): boolean {
    const parts = normalize(dir).split('/');
    return this.patterns.some((p) => p.exclusion && prefixMayMatch(p.cleaned.split('/'), 0, parts, 0));
  }

  /** True when `rel` (a context-relative '/'-separated path) is excluded from the context. */
  ignores(rel: string): boolean {
    return this.lastMatch(rel) !== undefined;
  }

  /** The last pattern that excludes `rel` when no later `!` pattern re-includes it, else undefined. */
  lastMatch(rel: string): (DockerPattern & { index: number }) | undefined {
    const file = normalize(rel);
    if (file === '.') return undefined;
    let decided: (DockerPattern & { index: number }) | undefined;
    for (const p of this.patterns) {
      // A `!` pattern matters only once something excluded the path.
      if (p.exclusion && decided === undefined) continue;
      if (p.matchOrParent(file)) decided = p.exclusion ? undefined : p;
    }
    return decided;
  }
}

/** Whether pattern segments `pat[i..]` may match the folder segments `dir[j..]` and then something below (or stop at the folder or above it). */
function prefixMayMatch(pat: string[], i: number, dir: string[], j: number): boolean {
  if (j === dir.length || i === pat.length) return true;
  if (pat[i].includes('**')) return true;
  return goMatch(pat[i], dir[j]) && prefixMayMatch(pat, i + 1, dir, j + 1);
}
