// Reading `yaml` AST nodes with source ranges: offsets to LSP positions, merge-key aware lookup, typed scalars.
import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Position, Range } from '../types';
import type { CommandSpec, Located } from './types';

type AnyNode = unknown;

/** Converts string offsets (UTF-16 code units, as `yaml` reports them) to zero-based LSP positions. */
export class OffsetMapper {
  constructor(private readonly lc: LineCounter) {}

  position(offset: number): Position {
    const { line, col } = this.lc.linePos(offset);
    return { line: line - 1, character: col - 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}

/** One parsed document plus the helpers the extractors share. */
export class YamlSource {
  constructor(
    readonly text: string,
    readonly mapper: OffsetMapper,
    readonly doc: Document.Parsed,
  ) {}

  /** Follows aliases to the anchored node (bounded, so alias cycles cannot hang). */
  deref(node: AnyNode): AnyNode {
    let n = node;
    for (let i = 0; i < 16 && isAlias(n); i++) n = n.resolve(this.doc);
    return isAlias(n) ? undefined : n;
  }

  map(node: AnyNode): YAMLMap | undefined {
    const n = this.deref(node);
    return isMap(n) ? n : undefined;
  }

  seq(node: AnyNode): YAMLSeq | undefined {
    const n = this.deref(node);
    return isSeq(n) ? n : undefined;
  }

  /** The pair for `key`: the map's own first, then those brought in by `<<` merge keys. */
  pair(map: YAMLMap | undefined, key: string, depth = 0): Pair | undefined {
    if (!map || depth > 8) return undefined;
    const merges: AnyNode[] = [];
    for (const p of map.items) {
      if (!isScalar(p.key)) continue;
      if (p.key.value === key) return p;
      if (isMergeKey(p.key)) merges.push(p.value);
    }
    for (const m of merges) {
      const target = this.deref(m);
      const sources = isSeq(target) ? target.items : [target];
      for (const s of sources) {
        const found = this.pair(this.map(s), key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The (dereferenced) value node under `key`. */
  get(map: YAMLMap | undefined, key: string): AnyNode {
    const p = this.pair(map, key);
    return p ? this.deref(p.value) : undefined;
  }

  /** All pairs of a map with string keys, merge-key entries included (own keys win). */
  entries(map: YAMLMap | undefined, depth = 0): Pair<Scalar, unknown>[] {
    if (!map || depth > 8) return [];
    const own: Pair<Scalar, unknown>[] = [];
    const merged: Pair<Scalar, unknown>[] = [];
    for (const p of map.items) {
      if (!isScalar(p.key)) continue;
      if (isMergeKey(p.key)) {
        const target = this.deref(p.value);
        for (const s of isSeq(target) ? target.items : [target]) merged.push(...this.entries(this.map(s), depth + 1));
      } else {
        own.push(p as Pair<Scalar, unknown>);
      }
    }
    const seen = new Set(own.map((p) => keyText(p)));
    for (const p of merged) {
      if (!seen.has(keyText(p))) {
        seen.add(keyText(p));
        own.push(p);
      }
    }
    return own;
  }

  /** The range of a node, ending at its last character (block collections exclude trailing newlines). */
  nodeRange(node: AnyNode): Range {
    const [start, end] = this.offsets(node);
    return this.mapper.range(start, end);
  }

  offsets(node: AnyNode): [number, number] {
    const r = (node as { range?: [number, number, number] | null }).range;
    if (!r) return [0, 0];
    return [r[0], this.endOffset(node)];
  }

  private endOffset(node: AnyNode): number {
    const r = (node as { range?: [number, number, number] | null }).range;
    if (!r) return 0;
    if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
      const last = node.items[node.items.length - 1];
      if (isPair(last)) {
        if (last.value !== null && last.value !== undefined && (last.value as { range?: unknown }).range) {
          return this.endOffset(last.value);
        }
        return this.afterColon(this.endOffset(last.key));
      }
      return this.endOffset(last);
    }
    let end = r[1];
    while (end > r[0] && /\s/.test(this.text[end - 1])) end--;
    return end;
  }

  /** Offset just past the `:` that follows a key ending at `offset` (or `offset` when there is none). */
  private afterColon(offset: number): number {
    const m = /^[ \t]*:/.exec(this.text.slice(offset, offset + 64));
    return m ? offset + m[0].length : offset;
  }

  /** From the key's start to the value's end. */
  pairRange(p: Pair): Range {
    const start = this.offsets(p.key)[0];
    const v = p.value as { range?: unknown } | null;
    const end = v && v.range ? this.offsets(v)[1] : this.afterColon(this.offsets(p.key)[1]);
    return this.mapper.range(start, end);
  }

  /** Column of a block map's keys; `fallback` for flow or empty maps. */
  indentOf(map: YAMLMap | undefined, fallback: number): number {
    if (!map || map.flow || map.items.length === 0) return fallback;
    return this.nodeRange(map.items[0].key).start.character;
  }

  /** Text of a scalar: strings as parsed, other plain scalars (numbers, booleans) as written. */
  scalarText(node: AnyNode): string | undefined {
    const n = this.deref(node);
    if (!isScalar(n) || n.value === null || n.value === undefined) return undefined;
    if (typeof n.value === 'string') return n.value;
    if (n.range && n.type === Scalar.PLAIN) return this.text.slice(n.range[0], n.range[1]);
    return String(n.value);
  }

  /** `key: <string>` with ranges. */
  str(map: YAMLMap | undefined, key: string): Located<string> | undefined {
    const p = this.pair(map, key);
    if (!p) return undefined;
    const value = this.scalarText(p.value);
    return value === undefined ? undefined : this.located(value, p.value, p.key);
  }

  /** `key: <number>` with ranges; non-numeric values read as absent. */
  num(map: YAMLMap | undefined, key: string): Located<number> | undefined {
    const p = this.pair(map, key);
    const n = p ? this.deref(p.value) : undefined;
    if (!p || !isScalar(n) || typeof n.value !== 'number' || !Number.isFinite(n.value)) return undefined;
    return this.located(n.value, p.value, p.key);
  }

  /** `key: [strings]` with ranges; scalars that are not strings are read as written. */
  strList(map: YAMLMap | undefined, key: string): Located<string[]> | undefined {
    const p = this.pair(map, key);
    const s = p ? this.seq(p.value) : undefined;
    if (!p || !s) return undefined;
    const value: string[] = [];
    for (const it of s.items) {
      const t = this.scalarText(it);
      if (t !== undefined) value.push(t);
    }
    return this.located(value, p.value, p.key);
  }

  /** `key: [strings]` as a command: the list with each item's range (quotes included) and content range. */
  commandList(map: YAMLMap | undefined, key: string): CommandSpec | undefined {
    const list = this.strList(map, key);
    const s = list ? this.seq(this.get(map, key)) : undefined;
    if (!list || !s) return undefined;
    const items = s.items.filter((it) => this.scalarText(it) !== undefined).map((it) => {
      const text = this.scalarText(it)!;
      return { range: this.nodeRange(it), content: this.subRange(it, 0, text.length) };
    });
    return { ...list, items };
  }

  /**
   * Where each word of a string scalar sits when it is split like a shell splits it (quotes and
   * backslashes); undefined for a word whose place cannot be mapped exactly.
   */
  wordRanges(node: AnyNode): ({ range: Range; content: Range } | undefined)[] {
    const n = this.deref(node);
    const text = this.scalarText(n) ?? '';
    const out: ({ range: Range; content: Range } | undefined)[] = [];
    let i = 0;
    while (i < text.length) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (i >= text.length) break;
      const start = i;
      let quoted: [number, number] | undefined;
      let plain = true;
      while (i < text.length && !/\s/.test(text[i])) {
        const c = text[i];
        if (c === '"' || c === "'") {
          const end = text.indexOf(c, i + 1);
          if (start === i && (end < 0 || end + 1 >= text.length || /\s/.test(text[end + 1]))) quoted = [i + 1, end < 0 ? text.length : end];
          else plain = false;
          i = end < 0 ? text.length : end + 1;
        } else if (c === '\\') {
          plain = false;
          i += 2;
        } else i++;
      }
      const [cs, ce] = quoted ?? [start, i];
      const range = this.exactRange(n, start, i);
      const content = this.exactRange(n, cs, ce);
      out.push((plain || quoted) && range && content ? { range, content } : undefined);
    }
    return out;
  }

  /** `subRange` when the scalar's source text is its value (plain, or quoted without escapes); else undefined. */
  private exactRange(n: AnyNode, from: number, to: number): Range | undefined {
    if (!isScalar(n) || !n.range) return undefined;
    const value = this.scalarText(n) ?? '';
    const src = this.text.slice(n.range[0], n.range[1]);
    const quoted = (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE) && src.slice(1, -1) === value;
    if (src !== value && !quoted) return undefined;
    const base = n.range[0] + (quoted ? 1 : 0);
    return this.mapper.range(base + from, base + to);
  }

  located<T>(value: T, node: AnyNode, key?: AnyNode): Located<T> {
    const out: Located<T> = { value, range: this.nodeRange(node) };
    if (key !== undefined) out.keyRange = this.nodeRange(key);
    return out;
  }

  /**
   * The range of `value.slice(from, to)` inside a string scalar, exact when the scalar is written
   * plain or quoted without escapes; otherwise the whole scalar.
   */
  subRange(node: AnyNode, from: number, to: number): Range {
    const n = this.deref(node);
    if (!isScalar(n) || !n.range) return this.nodeRange(n);
    const value = this.scalarText(n) ?? '';
    const [start, end] = [n.range[0], n.range[1]];
    const src = this.text.slice(start, end);
    let base: number | undefined;
    if (src === value) base = start;
    else if ((n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE) && src.slice(1, -1) === value) base = start + 1;
    return base === undefined ? this.nodeRange(n) : this.mapper.range(base + from, base + to);
  }
}

function isMergeKey(key: Scalar): boolean {
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && key.type === Scalar.PLAIN);
}

export function keyText(p: Pair<Scalar, unknown>): string {
  return String(p.key.value);
}
