// docker buildx bake files (docker-bake.hcl / .json): each target's context, Dockerfile, --target, tags, args and named contexts, with `variable` defaults interpolated.

/** One bake target with `inherits` applied; paths as written (relative to the bake file's folder). Undefined values are unknown (a function call, an unset variable). */
export interface BakeTarget {
  name: string;
  context: string;
  dockerfile: string;
  target?: string;
  /** Tags that could be read; `tagsUnknown` when some could not (a function such as `tag(...)`). */
  tags: string[];
  tagsUnknown?: boolean;
  args: Record<string, string | undefined>;
  /** `contexts = { base = "target:base" }`: a FROM of `base` in this target's Dockerfile is that target's image. */
  contexts: Record<string, string | undefined>;
}

type Value = string | Value[] | { [k: string]: Value } | { unknown: string };
type Block = { type: string; labels: string[]; attrs: Record<string, Value> };

/** Targets of a bake file (HCL, or JSON when `json`); an unreadable file gives none. */
export function parseBake(text: string, json = false): BakeTarget[] {
  let blocks: Block[];
  try {
    blocks = json ? jsonBlocks(JSON.parse(text)) : new Hcl(text).blocks();
  } catch {
    return [];
  }
  const vars = new Map<string, string | undefined>();
  for (const b of blocks) {
    if (b.type !== 'variable' || !b.labels[0]) continue;
    const d = b.attrs.default;
    vars.set(b.labels[0], typeof d === 'string' ? d : undefined);
  }
  const raw = new Map(blocks.filter((b) => b.type === 'target' && b.labels[0]).map((b) => [b.labels[0], b.attrs]));
  const mergeInto = (out: Record<string, Value>, from: Record<string, Value>) => {
    for (const [k, v] of Object.entries(from)) out[k] = (k === 'args' || k === 'contexts') && isObj(out[k]) && isObj(v) ? { ...(out[k] as object), ...(v as object) } as Value : v;
  };
  // `inherits`: the parents' attributes in order, then the target's own (args and contexts merge key by key).
  const merged = (name: string, seen: Set<string>): Record<string, Value> => {
    const own = raw.get(name) ?? {};
    if (seen.has(name)) return {};
    seen.add(name);
    const out: Record<string, Value> = {};
    for (const p of Array.isArray(own.inherits) ? own.inherits : []) if (typeof p === 'string') mergeInto(out, merged(p, seen));
    mergeInto(out, own);
    return out;
  };
  const str = (v: Value | undefined): string | undefined => (typeof v === 'string' ? interpolate(v, vars) : undefined);
  const out: BakeTarget[] = [];
  for (const name of raw.keys()) {
    const m = merged(name, new Set());
    const context = m.context === undefined ? '.' : str(m.context);
    const dockerfile = m.dockerfile === undefined ? 'Dockerfile' : str(m.dockerfile);
    if (context === undefined || dockerfile === undefined) continue;
    const t: BakeTarget = { name, context, dockerfile, tags: [], args: {}, contexts: {} };
    if (m.target !== undefined) {
      const x = str(m.target);
      if (x === undefined) continue;
      t.target = x;
    }
    if (Array.isArray(m.tags)) {
      for (const tag of m.tags) {
        const x = str(tag);
        if (x === undefined) t.tagsUnknown = true;
        else if (x !== '') t.tags.push(x);
      }
    } else if (m.tags !== undefined) t.tagsUnknown = true;
    for (const [k, v] of Object.entries(isObj(m.args) ? (m.args as Record<string, Value>) : {})) t.args[k] = str(v);
    for (const [k, v] of Object.entries(isObj(m.contexts) ? (m.contexts as Record<string, Value>) : {})) t.contexts[k] = str(v);
    out.push(t);
  }
  return out;
}

function isObj(v: Value | undefined): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !('unknown' in v && Object.keys(v).length === 1 && typeof (v as { unknown: unknown }).unknown === 'string');
}

/** `${VAR}` from the variables' defaults (bake reads the environment first: the default is what a plain `docker buildx bake` uses); anything else in `${ }` is unknown. */
function interpolate(s: string, vars: Map<string, string | undefined>): string | undefined {
  let unknown = false;
  const out = s.replace(/\$\{([^}]*)\}/g, (_m, body: string) => {
    const name = body.trim();
    const v = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? vars.get(name) : undefined;
    if (v === undefined) unknown = true;
    return v ?? '';
  });
  return unknown ? undefined : out;
}

/** The JSON form: `{"variable": {"X": {"default": ...}}, "target": {"t": {...}}}`. */
function jsonBlocks(js: unknown): Block[] {
  const out: Block[] = [];
  if (!js || typeof js !== 'object') return out;
  for (const type of ['variable', 'target']) {
    const group = (js as Record<string, unknown>)[type];
    if (!group || typeof group !== 'object') continue;
    for (const [label, attrs] of Object.entries(group as Record<string, unknown>)) out.push({ type, labels: [label], attrs: (attrs ?? {}) as Record<string, Value> });
  }
  return out;
}

/** A small reader of the HCL that bake files use: blocks with labels, attributes, strings, lists, objects; any other expression is unknown. */
class Hcl {
  private i = 0;
  constructor(private readonly s: string) {}

  blocks(): Block[] {
    const out: Block[] = [];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) return out;
      const type = this.ident();
      if (!type) throw new Error(`unexpected '${this.s[this.i]}'`);
      const labels: string[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === '"') labels.push(this.string());
        else break;
      }
      this.ws();
      if (this.s[this.i] === '=') {
        // A top-level attribute: read and dropped.
        this.i++;
        this.value();
        continue;
      }
      if (this.s[this.i] !== '{') throw new Error('expected {');
      this.i++;
      out.push({ type, labels, attrs: this.body() });
    }
  }

  private body(): Record<string, Value> {
    const attrs: Record<string, Value> = {};
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) throw new Error('unclosed block');
      if (this.s[this.i] === '}') {
        this.i++;
        return attrs;
      }
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      const key = this.s[this.i] === '"' ? this.string() : this.ident();
      if (!key) throw new Error(`unexpected '${this.s[this.i]}'`);
      this.ws();
      if (this.s[this.i] === '=' || this.s[this.i] === ':') {
        this.i++;
        attrs[key] = this.value();
      } else {
        // A nested block (`function "f" { ... }` bodies, `attest { }`): skipped.
        while (this.s[this.i] === '"') {
          this.string();
          this.ws();
        }
        if (this.s[this.i] !== '{') throw new Error('expected = or {');
        this.i++;
        this.body();
      }
    }
  }

  private value(): Value {
    this.ws();
    const c = this.s[this.i];
    if (c === '"') {
      const start = this.i;
      const v = this.string();
      this.ws();
      // `"a" == "b" ? x : y` and other expressions built on a string.
      return this.exprContinues() ? this.unknownUntilEnd(start) : v;
    }
    if (c === '[') {
      this.i++;
      const list: Value[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ']') {
          this.i++;
          return list;
        }
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (this.i >= this.s.length) throw new Error('unclosed list');
        list.push(this.value());
      }
    }
    if (c === '{') {
      this.i++;
      return this.body();
    }
    return this.unknownUntilEnd(this.i);
  }

  private exprContinues(): boolean {
    const rest = this.s.slice(this.i, this.i + 2);
    return /^(==|!=|\?|&&|\|\||\+|-|\*|\/|%|<|>|\.|\[)/.test(rest);
  }

  /** Skips an expression (a function call, a conditional, a reference) to the end of its attribute or list item. */
  private unknownUntilEnd(start: number): Value {
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if ((c === '\n' || c === ',') && depth === 0) break;
      this.i++;
    }
    return { unknown: this.s.slice(start, this.i).trim() };
  }

  private string(): string {
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length) {
        const n = this.s[this.i + 1];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        this.i += 2;
      } else if (c === '$' && this.s[this.i + 1] === '{') {
        // Keep an interpolation whole (its body may hold quotes).
        let depth = 0;
        const start = this.i;
        for (; this.i < this.s.length; this.i++) {
          if (this.s[this.i] === '{') depth++;
          else if (this.s[this.i] === '}' && --depth === 0) break;
        }
        out += this.s.slice(start, ++this.i);
      } else {
        out += c;
        this.i++;
      }
    }
    this.i++;
    return out;
  }

  private ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return '';
    this.i += m[0].length;
    return m[0];
  }

  private ws(): void {
    for (;;) {
      const m = /^(?:\s+|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(this.s.slice(this.i, this.i + 4096));
      if (!m || !m[0]) return;
      this.i += m[0].length;
    }
  }
}
