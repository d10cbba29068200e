// sys.path edits (`sys.path.insert/append/extend`, `site.addsitedir`) evaluated with the image paths of the file that makes them, when their arguments are literals or __file__-relative.
import { dirname, join, normalize } from '../fs';
import type { PyCall, PyFileInfo } from './parser';
import type { Range } from '../types';

/** One evaluated edit: the folder, whether it goes first (`insert(0, ...)`) or last, and whether it was computed from `__file__` or the working folder (else a literal). */
export interface SysPathAddition {
  path: string;
  first: boolean;
  relative: boolean;
}

/** The sys.path edits of one file: the folders they add, or why one cannot be evaluated (`line` is zero-based). */
export type SysPathEdits = { added: SysPathAddition[] } | { unevaluable: { line: number; why: string } };

const EDIT = /^sys\.path\.(insert|append|extend)$|^(site\.)?addsitedir$/;

/** True for a call that edits sys.path. */
export function isSysPathEdit(c: PyCall): boolean {
  return EDIT.test(c.callee);
}

/**
 * Evaluates every sys.path edit of `info` (the file at image path `file`, source `text`, run with
 * working folder `cwd`). Arguments may be string literals, `__file__`, `os.getcwd()`, `os.path`
 * functions (dirname, abspath, realpath, normpath, join), string `+`, `pathlib.Path(...)` with `.resolve()`,
 * `.absolute()`, `.parent`, `.parents[n]` and `/`, `str(...)`, `os.fspath(...)`, and names bound at
 * module level to such expressions.
 */
export function evaluateSysPathEdits(info: PyFileInfo, file: string, text: string, cwd: string): SysPathEdits {
  const lines = text.split('\n');
  const added: SysPathAddition[] = [];
  const names = moduleAssignments(lines);
  for (const c of info.calls) {
    if (!isSysPathEdit(c)) continue;
    const line = c.range.start.line;
    const op = c.callee.startsWith('sys.path.') ? c.callee.slice(9) : 'addsitedir';
    const arg = c.args[op === 'insert' ? 1 : 0];
    if (!arg || arg.name !== undefined || c.args.length !== (op === 'insert' ? 2 : 1)) return { unevaluable: { line, why: 'unexpected arguments' } };
    const src = slice(lines, arg.valueRange);
    const ev = new Evaluator(file, cwd, names);
    const values = op === 'extend' ? ev.list(src) : [ev.path(src)];
    if (!values || values.some((v) => v === undefined)) return { unevaluable: { line, why: `'${src.length > 60 ? src.slice(0, 57) + '...' : src}' is not evaluable` } };
    const first = op === 'insert' && slice(lines, c.args[0].valueRange).trim() === '0';
    for (const v of values as string[]) added.push({ path: v, first, relative: ev.relative });
  }
  return { added };
}

/** Module-level `NAME = expression` lines (single-line), last binding wins. */
function moduleAssignments(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    const m = /^([A-Za-z_]\w*)\s*=\s*(.+?)\s*(#.*)?$/.exec(l);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

function slice(lines: string[], r: Range): string {
  if (r.start.line === r.end.line) return lines[r.start.line]?.slice(r.start.character, r.end.character) ?? '';
  const parts = [lines[r.start.line]?.slice(r.start.character) ?? ''];
  for (let l = r.start.line + 1; l < r.end.line; l++) parts.push(lines[l] ?? '');
  parts.push(lines[r.end.line]?.slice(0, r.end.character) ?? '');
  return parts.join('\n');
}

type Value = { kind: 'str' | 'path'; v: string };

/** A small recursive-descent evaluator over the expression's text; undefined for anything it does not know. */
class Evaluator {
  private s = '';
  private i = 0;
  private depth = 0;
  /** Set once `__file__` or `os.getcwd()` was evaluated. */
  relative = false;

  constructor(private readonly file: string, private readonly cwd: string, private readonly names: Map<string, string>) {}

  path(src: string): string | undefined {
    const v = this.run(src);
    return v ? this.abs(v.v) : undefined;
  }

  list(src: string): (string | undefined)[] | undefined {
    const t = src.trim();
    if (!/^[[(]/.test(t) || !/[\])]$/.test(t)) return undefined;
    const inner = t.slice(1, -1);
    return splitTop(inner).filter((p) => p.trim()).map((p) => this.path(p));
  }

  private abs(p: string): string {
    return normalize(p.startsWith('/') ? p : join(this.cwd, p));
  }

  private run(src: string): Value | undefined {
    const saved = [this.s, this.i] as const;
    this.s = src;
    this.i = 0;
    try {
      const v = this.expr();
      this.ws();
      return this.i === this.s.length ? v : undefined;
    } finally {
      [this.s, this.i] = saved;
    }
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private eat(t: string): boolean {
    this.ws();
    if (this.s.startsWith(t, this.i)) {
      this.i += t.length;
      return true;
    }
    return false;
  }

  /** expr := postfix (('/' | '+') postfix)* */
  private expr(): Value | undefined {
    let v = this.postfix();
    for (;;) {
      if (!v) return undefined;
      if (this.eat('/')) {
        const r = this.postfix();
        if (!r || v.kind !== 'path') return undefined;
        v = { kind: 'path', v: r.v.startsWith('/') ? r.v : join(v.v, r.v) };
      } else if (this.eat('+')) {
        const r = this.postfix();
        if (!r || v.kind !== 'str' || r.kind !== 'str') return undefined;
        v = { kind: 'str', v: v.v + r.v };
      } else return v;
    }
  }

  private postfix(): Value | undefined {
    let v = this.primary();
    for (;;) {
      if (!v) return undefined;
      if (this.eat('.parents')) {
        if (!this.eat('[')) return undefined;
        const n = this.number();
        if (n === undefined || !this.eat(']') || v.kind !== 'path') return undefined;
        let p = v.v;
        for (let k = 0; k <= n; k++) p = dirname(p);
        v = { kind: 'path', v: p };
      } else if (this.eat('.parent')) {
        if (v.kind !== 'path') return undefined;
        v = { kind: 'path', v: dirname(v.v) };
      } else if (this.eat('.resolve()') || this.eat('.absolute()')) {
        if (v.kind !== 'path') return undefined;
        v = { kind: 'path', v: this.abs(v.v) };
      } else return v;
    }
  }

  private number(): number | undefined {
    this.ws();
    const m = /^\d+/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return Number(m[0]);
  }

  private args(): Value[] | undefined {
    const out: Value[] = [];
    if (this.eat(')')) return out;
    for (;;) {
      const v = this.expr();
      if (!v) return undefined;
      out.push(v);
      if (this.eat(')')) return out;
      if (!this.eat(',')) return undefined;
      if (this.eat(')')) return out;
    }
  }

  private primary(): Value | undefined {
    this.ws();
    const rest = this.s.slice(this.i);
    const str = /^[rRuU]?(['"])((?:(?!\1)[^\\\n])*)\1/.exec(rest);
    if (str) {
      this.i += str[0].length;
      return { kind: 'str', v: str[2] };
    }
    if (this.eat('(')) {
      const v = this.expr();
      return v && this.eat(')') ? v : undefined;
    }
    const name = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/.exec(rest);
    if (!name) return undefined;
    const start = this.i;
    this.i += name[0].length;
    let n = name[0];
    if (!/^\s*\(/.test(this.s.slice(this.i))) {
      // Not a call: a plain name (attributes such as `.parent` are postfix operations).
      n = n.split('.')[0];
      this.i = start + n.length;
    }
    if (this.eat('(')) {
      const args = this.args();
      if (!args) return undefined;
      const fn = n.replace(/^(os\.path|posixpath|pathlib|os)\./, '');
      const one = args.length === 1 ? args[0] : undefined;
      switch (fn) {
        case 'dirname':
          return one ? { kind: 'str', v: dirname(one.v) } : undefined;
        case 'abspath':
        case 'realpath':
          return one ? { kind: 'str', v: this.abs(one.v) } : undefined;
        case 'normpath':
          return one ? { kind: 'str', v: normalize(one.v) } : undefined;
        case 'join':
          return args.length ? { kind: 'str', v: args.reduce((p, a) => (a.v.startsWith('/') ? a.v : join(p, a.v)), '') || '.' } : undefined;
        case 'getcwd':
          this.relative = true;
          return args.length === 0 ? { kind: 'str', v: this.cwd } : undefined;
        case 'Path':
        case 'PurePath':
        case 'PosixPath':
          return one ? { kind: 'path', v: one.v } : args.length === 0 ? { kind: 'path', v: '.' } : undefined;
        case 'str':
        case 'fspath':
          return one ? { kind: 'str', v: one.v } : undefined;
        default:
          return undefined;
      }
    }
    if (n === '__file__') {
      this.relative = true;
      return { kind: 'str', v: this.file };
    }
    const bound = this.names.get(n);
    if (bound === undefined || this.depth > 8) return undefined;
    this.depth++;
    try {
      return this.run(bound);
    } finally {
      this.depth--;
    }
  }
}

/** Splits on commas outside brackets and strings. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote && s[i - 1] !== '\\') quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}
