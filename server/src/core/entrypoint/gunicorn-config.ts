// Reads module-level settings from a gunicorn.conf.py (literal assignments and os.environ defaults) and merges them under the command line.
import type { Range } from '../types';
import { parseAddress, parseAppTarget, splitPythonPath } from './address';
import type { Entrypoint } from './parse';
import type { ShellEnv } from './shell';

/** What we could read from a gunicorn config file. */
export interface GunicornConfig {
  bind?: string[];
  timeout?: number;
  preload?: boolean;
  workerClass?: string;
  workers?: number;
  chdir?: string;
  pythonpath?: string;
  wsgiApp?: string;
  /** Range of each setting's value expression, by setting name (`bind`, `timeout`, `preload_app` ...). */
  ranges: Record<string, Range>;
  /** Settings whose value is the default of `os.environ.get(NAME, default)` / `os.getenv` (the variable was not known). */
  fromEnvDefault: string[];
  /** Settings assigned in a way we cannot evaluate (code, a condition); their value is unknown. */
  unknown: string[];
}

/** Config variable names we read, mapped to GunicornConfig keys. */
const SETTINGS: Record<string, keyof GunicornConfig> = {
  bind: 'bind', timeout: 'timeout', preload_app: 'preload', worker_class: 'workerClass', workers: 'workers',
  chdir: 'chdir', pythonpath: 'pythonpath', wsgi_app: 'wsgiApp',
};

type Val =
  | { t: 'str'; v: string; env?: boolean }
  | { t: 'num'; v: number; env?: boolean }
  | { t: 'bool'; v: boolean; env?: boolean }
  | { t: 'list'; v: Val[]; env?: boolean }
  | { t: 'none'; env?: boolean }
  | { t: 'unknown' };

const UNKNOWN: Val = { t: 'unknown' };

/**
 * Parses `name = literal` assignments at module level: strings, numbers, booleans, lists/tuples,
 * `os.environ.get("X", default)` / `os.getenv` (the value from `env` when known, else the default,
 * reported in `fromEnvDefault`), `int(...)`/`str(...)`, `+` and `%` on strings, f-strings, and names
 * assigned earlier in the file. Assignments under `if`/`try` and anything else are reported as unknown.
 */
export function parseGunicornConfig(text: string, env: ShellEnv = {}): GunicornConfig {
  const cfg: GunicornConfig = { ranges: {}, fromEnvDefault: [], unknown: [] };
  const names: Record<string, Val> = {};
  const lines = text.split('\n');
  let inDef = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (/^\s*(#|$)/.test(line)) continue;
    const indented = /^\s/.test(line);
    if (!indented) inDef = /^(?:@|async\s+def\b|def\b|class\b)/.test(line);
    const m = /^(\s*)([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)\s*/.exec(line);
    if (!m) continue;
    const name = m[2];
    if (indented) {
      if (!inDef && name in SETTINGS) markUnknown(cfg, name);
      continue;
    }
    // Gather the value expression, following open brackets and backslash continuations.
    let expr = stripComment(line.slice(m[0].length));
    const startLine = i;
    let endLine = i;
    while ((depthOf(expr) > 0 || /\\$/.test(expr)) && endLine + 1 < lines.length) {
      endLine++;
      expr = expr.replace(/\\$/, '') + '\n' + stripComment(lines[endLine].replace(/\r$/, ''));
    }
    const startCol = m[0].length;
    const lastLine = lines[endLine].replace(/\r$/, '');
    const endCol = endLine === startLine ? startCol + expr.length : stripComment(lastLine).length;
    i = endLine;
    let val: Val;
    try {
      val = new ExprParser(expr.trim(), env, names).parse();
    } catch {
      val = UNKNOWN;
    }
    names[name] = val;
    const key = SETTINGS[name];
    if (!key) continue;
    cfg.ranges[name] = { start: { line: startLine, character: startCol }, end: { line: endLine, character: endCol } };
    applySetting(cfg, name, key, val);
  }
  return cfg;
}

function markUnknown(cfg: GunicornConfig, name: string): void {
  if (!cfg.unknown.includes(name)) cfg.unknown.push(name);
  const key = SETTINGS[name];
  if (key) delete (cfg as unknown as Record<string, unknown>)[key];
}

function applySetting(cfg: GunicornConfig, name: string, key: keyof GunicornConfig, val: Val): void {
  const known = ((): boolean => {
    switch (key) {
      case 'bind':
        if (val.t === 'str') cfg.bind = [val.v];
        else if (val.t === 'list' && val.v.every((x) => x.t === 'str')) cfg.bind = val.v.map((x) => (x as { v: string }).v);
        else return false;
        return true;
      case 'timeout':
      case 'workers': {
        const n = val.t === 'num' ? val.v : val.t === 'str' && /^\d+$/.test(val.v.trim()) ? Number(val.v) : undefined;
        if (n === undefined) return false;
        cfg[key] = n;
        return true;
      }
      case 'preload':
        if (val.t !== 'bool') return false;
        cfg.preload = val.v;
        return true;
      default:
        if (val.t !== 'str') return false;
        (cfg as unknown as Record<string, string>)[key] = val.v;
        return true;
    }
  })();
  cfg.unknown = cfg.unknown.filter((n) => n !== name);
  cfg.fromEnvDefault = cfg.fromEnvDefault.filter((n) => n !== name);
  if (!known) markUnknown(cfg, name);
  else if (val.t !== 'unknown' && val.env) cfg.fromEnvDefault.push(name);
}

function stripComment(s: string): string {
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#') return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

function depthOf(s: string): number {
  let d = 0;
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if ('([{'.includes(c)) d++;
    else if (')]}'.includes(c)) d--;
  }
  return d;
}

type Tok = { k: 'str'; v: string; f: boolean } | { k: 'num'; v: number } | { k: 'name'; v: string } | { k: 'op'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const str = /^([rRbBfFuU]{0,2})("""|'''|"|')/.exec(s.slice(i));
    if (str && (str[1] === '' || /[A-Za-z]/.test(c))) {
      const prefix = str[1].toLowerCase();
      const q = str[2];
      let j = i + str[0].length;
      let v = '';
      while (j < s.length && !s.startsWith(q, j)) {
        if (s[j] === '\\' && !prefix.includes('r')) {
          const n = s[j + 1];
          v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          j += 2;
        } else {
          v += s[j];
          j++;
        }
      }
      if (j >= s.length) throw new Error('unterminated string');
      out.push({ k: 'str', v, f: prefix.includes('f') });
      i = j + q.length;
      continue;
    }
    const num = /^\d[\d_]*(\.\d+)?/.exec(s.slice(i));
    if (num) {
      out.push({ k: 'num', v: Number(num[0].replace(/_/g, '')) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*)*/.exec(s.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0].replace(/\s+/g, '') });
      i += name[0].length;
      continue;
    }
    out.push({ k: 'op', v: c });
    i++;
  }
  return out;
}

/** A tiny evaluator for the literal expressions config files use. Throws on anything else. */
class ExprParser {
  private toks: Tok[];
  private pos = 0;

  constructor(src: string, private readonly env: ShellEnv, private readonly names: Record<string, Val>) {
    this.toks = tokenize(src);
  }

  parse(): Val {
    const v = this.expr();
    if (this.pos < this.toks.length) {
      // A bare tuple: `bind = "a", "b"`.
      if (this.isOp(',')) {
        const items = [v];
        while (this.eatOp(',')) if (this.pos < this.toks.length) items.push(this.expr());
        if (this.pos >= this.toks.length) return listOf(items);
      }
      return UNKNOWN;
    }
    return v;
  }

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.k === 'op' && t.v === v;
  }

  private eatOp(v: string): boolean {
    if (!this.isOp(v)) return false;
    this.pos++;
    return true;
  }

  private expect(v: string): void {
    if (!this.eatOp(v)) throw new Error(`expected ${v}`);
  }

  private expr(): Val {
    let left = this.atom();
    for (;;) {
      if (this.eatOp('+')) {
        const right = this.atom();
        left = binop(left, right, (a, b) => a + b);
      } else if (this.eatOp('%')) {
        const right = this.atom();
        left = percent(left, right);
      } else if (this.isOp('*') || this.isOp('-') || this.isOp('/')) {
        this.pos++;
        this.atom();
        left = UNKNOWN;
      } else if (this.peek()?.k === 'name' && (this.peek() as { v: string }).v === 'or') {
        this.pos++;
        const right = this.atom();
        left = left.t === 'unknown' ? UNKNOWN : truthyVal(left) ? left : right.t === 'unknown' ? UNKNOWN : { ...right, env: !!(left.env || right.env) };
      } else {
        return left;
      }
    }
  }

  private atom(): Val {
    const t = this.peek();
    if (!t) throw new Error('unexpected end');
    this.pos++;
    if (t.k === 'str') {
      let v = t.f ? this.fstring(t.v) : ({ t: 'str', v: t.v } as Val);
      while (this.peek()?.k === 'str') {
        const n = this.toks[this.pos++] as { v: string; f: boolean };
        v = binop(v, n.f ? this.fstring(n.v) : { t: 'str', v: n.v }, (a, b) => a + b);
      }
      return this.trailers(v);
    }
    if (t.k === 'num') return { t: 'num', v: t.v };
    if (t.k === 'op') {
      if (t.v === '(' || t.v === '[') {
        const close = t.v === '(' ? ')' : ']';
        const items: Val[] = [];
        let comma = false;
        while (!this.isOp(close)) {
          items.push(this.expr());
          if (this.eatOp(',')) comma = true;
          else break;
        }
        this.expect(close);
        return t.v === '(' && !comma && items.length === 1 ? items[0] : listOf(items);
      }
      throw new Error(`unexpected ${t.v}`);
    }
    return this.name(t.v);
  }

  private name(n: string): Val {
    if (n === 'True' || n === 'False') return { t: 'bool', v: n === 'True' };
    if (n === 'None') return { t: 'none' };
    const short = n.replace(/^os\./, '');
    if (short === 'environ.get' || short === 'getenv') {
      const args = this.callArgs();
      return this.envLookup(args[0], args.length > 1 ? args[1] : { t: 'none', env: true });
    }
    if (short === 'environ' && this.eatOp('[')) {
      const key = this.expr();
      this.expect(']');
      return this.envLookup(key, undefined);
    }
    if (n === 'int' || n === 'str' || n === 'float' || n === 'bool') {
      const [a] = this.callArgs();
      if (!a || a.t === 'unknown') return UNKNOWN;
      const env = a.env;
      if (n === 'str') return a.t === 'str' ? a : a.t === 'num' ? { t: 'str', v: String(a.v), env } : UNKNOWN;
      if (n === 'bool') return a.t === 'str' ? { t: 'bool', v: a.v !== '', env } : a.t === 'bool' ? a : UNKNOWN;
      const num = a.t === 'num' ? a.v : a.t === 'str' && /^\s*-?\d+(\.\d+)?\s*$/.test(a.v) ? Number(a.v) : undefined;
      return num === undefined ? UNKNOWN : { t: 'num', v: n === 'int' ? Math.trunc(num) : num, env };
    }
    if (this.isOp('(')) {
      this.callArgs();
      return UNKNOWN;
    }
    return this.trailers(this.names[n] ?? UNKNOWN);
  }

  private trailers(v: Val): Val {
    // Method calls on strings (`"{}:{}".format(...)`, `.lower()`): not evaluated.
    while (this.isOp('.')) {
      this.pos++;
      this.pos++;
      if (this.isOp('(')) this.callArgs();
      v = UNKNOWN;
    }
    return v;
  }

  private callArgs(): Val[] {
    this.expect('(');
    const args: Val[] = [];
    while (!this.isOp(')')) {
      const t = this.peek();
      const next = this.toks[this.pos + 1];
      if (t?.k === 'name' && next?.k === 'op' && next.v === '=') this.pos += 2;
      args.push(this.expr());
      if (!this.eatOp(',')) break;
    }
    this.expect(')');
    return args;
  }

  private envLookup(key: Val | undefined, def: Val | undefined): Val {
    if (!key || key.t !== 'str') return UNKNOWN;
    if (Object.prototype.hasOwnProperty.call(this.env, key.v)) {
      const v = this.env[key.v];
      return v === undefined ? UNKNOWN : { t: 'str', v };
    }
    if (!def || def.t === 'unknown') return UNKNOWN;
    return { ...def, env: true };
  }

  private fstring(body: string): Val {
    let out = '';
    let env = false;
    let i = 0;
    while (i < body.length) {
      const c = body[i];
      if (c === '{' && body[i + 1] === '{') {
        out += '{';
        i += 2;
      } else if (c === '}' && body[i + 1] === '}') {
        out += '}';
        i += 2;
      } else if (c === '{') {
        let depth = 1;
        let j = i + 1;
        for (; j < body.length && depth > 0; j++) {
          if (body[j] === '{') depth++;
          else if (body[j] === '}') depth--;
        }
        const inner = body.slice(i + 1, j - 1).replace(/(![rsa])?(:[^'"()]*)?$/, '');
        const v = new ExprParser(inner, this.env, this.names).parse();
        const s = asStr(v);
        if (s === undefined) return UNKNOWN;
        env ||= v.t !== 'unknown' && !!v.env;
        out += s;
        i = j;
      } else {
        out += c;
        i++;
      }
    }
    return { t: 'str', v: out, env };
  }
}

function asStr(v: Val): string | undefined {
  if (v.t === 'str') return v.v;
  if (v.t === 'num') return String(v.v);
  if (v.t === 'bool') return v.v ? 'True' : 'False';
  return undefined;
}

function truthyVal(v: Val): boolean {
  if (v.t === 'str') return v.v !== '';
  if (v.t === 'num') return v.v !== 0;
  if (v.t === 'bool') return v.v;
  if (v.t === 'list') return v.v.length > 0;
  return false;
}

function listOf(items: Val[]): Val {
  if (items.some((x) => x.t === 'unknown')) return UNKNOWN;
  return { t: 'list', v: items, env: items.some((x) => x.t !== 'unknown' && x.env) };
}

function binop(a: Val, b: Val, f: (x: string, y: string) => string): Val {
  if (a.t === 'str' && b.t === 'str') return { t: 'str', v: f(a.v, b.v), env: !!(a.env || b.env) };
  if (a.t === 'num' && b.t === 'num') return { t: 'num', v: a.v + b.v, env: !!(a.env || b.env) };
  if (a.t === 'list' && b.t === 'list') return { t: 'list', v: [...a.v, ...b.v], env: !!(a.env || b.env) };
  return UNKNOWN;
}

/** `"%s:%s" % (host, port)`. */
function percent(fmt: Val, args: Val): Val {
  if (fmt.t !== 'str') return UNKNOWN;
  const list = args.t === 'list' ? args.v : [args];
  let k = 0;
  let env = !!fmt.env;
  let bad = false;
  const v = fmt.v.replace(/%([sdri%])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const a = list[k++];
    const s = a ? asStr(a) : undefined;
    if (s === undefined) {
      bad = true;
      return '';
    }
    if (a.t !== 'unknown' && a.env) env = true;
    return c === 'd' || c === 'i' ? String(Math.trunc(Number(s))) : s;
  });
  return bad || k !== list.length ? UNKNOWN : { t: 'str', v, env };
}

/**
 * Applies a config file under the command line: a setting from argv or GUNICORN_CMD_ARGS wins; the
 * config fills settings that were at their defaults. A setting the config assigns in a way we cannot
 * evaluate makes that setting uncertain (bind) or unknown (timeout).
 */
export function mergeGunicornConfig(ep: Entrypoint, cfg: GunicornConfig): Entrypoint {
  if (ep.kind !== 'gunicorn') return ep;
  const out: Entrypoint = { ...ep, sources: { ...(ep.sources ?? {}) }, pythonPath: [...ep.pythonPath] };
  const src = out.sources!;
  const fromCfg = (setting: string): boolean => (src[setting] ?? 'default') === 'default';
  const unknown = (name: string): boolean => cfg.unknown.includes(name);

  if (fromCfg('bind')) {
    if (cfg.bind && cfg.bind.length) {
      const a = parseAddress(cfg.bind[0], '8000');
      out.bind = { raw: cfg.bind[0], isDefault: false, from: 'config', configRange: cfg.ranges.bind };
      if (a.host !== undefined) out.bind.host = a.host;
      if (a.port !== undefined) out.bind.port = a.port;
      if (a.unix !== undefined) out.bind.unix = a.unix;
      if (a.fd !== undefined) out.bind.uncertain = 'binds an inherited file descriptor';
      if (cfg.bind.length > 1) out.bind.all = [...cfg.bind];
      src.bind = 'config';
    } else if (unknown('bind') && out.bind) {
      out.bind = { ...out.bind, uncertain: 'the config file computes the bind' };
    }
  }
  if (fromCfg('timeout')) {
    if (cfg.timeout !== undefined) {
      out.timeout = { seconds: cfg.timeout, isDefault: false, from: 'config', configRange: cfg.ranges.timeout };
      if (cfg.fromEnvDefault.includes('timeout')) out.timeout.fromEnvDefault = true;
      src.timeout = 'config';
    } else if (unknown('timeout')) {
      delete out.timeout;
    }
  }
  if (!out.preload && cfg.preload) {
    out.preload = true;
    src.preload = 'config';
  }
  if (src.workerClass === undefined && cfg.workerClass !== undefined) {
    out.workerClass = cfg.workerClass;
    src.workerClass = 'config';
  }
  // WEB_CONCURRENCY is only gunicorn's default for workers: a config file's value wins over it.
  if ((out.workers === undefined || src.workers === 'env') && cfg.workers !== undefined) {
    out.workers = cfg.workers;
    delete src.workers;
  }
  if (src.chdir === undefined && cfg.chdir !== undefined) {
    out.chdir = cfg.chdir;
    src.chdir = 'config';
  } else if (src.chdir === undefined && unknown('chdir')) {
    out.uncertain ??= 'the config file computes chdir';
  }
  if (src.pythonpath === undefined && cfg.pythonpath !== undefined) {
    out.pythonPath = splitPythonPath(cfg.pythonpath);
    src.pythonpath = 'config';
  }
  if (src.app === undefined) {
    if (cfg.wsgiApp !== undefined) {
      Object.assign(out, parseAppTarget(cfg.wsgiApp, 'application'));
      src.app = 'config';
      if (cfg.ranges.wsgi_app) out.appConfigRange = cfg.ranges.wsgi_app;
    } else if (unknown('wsgi_app')) {
      out.uncertain ??= 'the config file computes wsgi_app';
    }
  }
  return out;
}
