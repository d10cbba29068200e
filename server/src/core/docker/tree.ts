// The virtual filesystem of one image stage: ordered layers (COPY, WORKDIR, RUN effects) answered lazily against the build context.
import { FileSystem, join, readText, relativeInside } from '../fs';
import type { BuildContext } from './context';
import type { Instruction } from './parse';

/** Where an image entry came from: the instruction that put it there and, for context files, the source. */
export interface Origin {
  instr?: Instruction;
  /** Absolute path of the build-context file or folder it was copied from. */
  source?: string;
  /** Index of the stage whose instruction created it (differs from the current stage for COPY --from). */
  stage?: number;
}

/** A layer adds, hides or blurs a part of the image's filesystem. */
export type Layer =
  | { kind: 'file'; dest: string; origin: Origin; content?: string }
  | { kind: 'ctxdir'; dest: string; ctx: BuildContext; ctxRel: string; origin: Origin; exclude?: (ctxRel: string) => boolean }
  | { kind: 'ctxfile'; dest: string; ctx: BuildContext; ctxRel: string; origin: Origin }
  | { kind: 'mkdir'; dest: string; origin: Origin }
  | { kind: 'tree'; dest: string; from: ImageTree; fromPath: string; origin: Origin }
  | { kind: 'delete'; dest: string; origin: Origin }
  | { kind: 'uncertain'; dest: string; reason: string; origin: Origin };

export type Kind = 'file' | 'dir';

export interface Lookup {
  kind: Kind;
  origin: Origin;
  /** Absolute build-context path holding this file's content, when it came from the context. */
  source?: string;
  /** Inline content (heredoc). */
  content?: string;
}

/**
 * A stage's filesystem. Layers are kept in build order; a lookup walks them newest first, so
 * a later COPY shadows an earlier one and an `rm` hides what came before it.
 */
export class ImageTree {
  private readonly layers: Layer[];
  private readonly cache = new Map<string, Lookup | null>();
  private readonly walks = new Map<string, string[]>();

  constructor(base?: ImageTree) {
    this.layers = base ? [...base.layers] : [];
  }

  add(layer: Layer): void {
    this.layers.push(layer);
    this.cache.clear();
    this.walks.clear();
  }

  /**
   * True when `other` answers every question as this tree does because it was built the same way:
   * layer by layer the same kind, destination, origin (the same instruction object, source and
   * stage), build context object, context path, content and reason; a `tree` layer's source tree
   * equivalent in turn (`same` may say so first: a stage already found equivalent). A kept tree
   * that is equivalent to a rebuilt one can stand in for it, with the answers it has memoised.
   */
  equivalent(other: ImageTree, same: (x: ImageTree, y: ImageTree) => boolean = (x, y) => x === y): boolean {
    if (this === other) return true;
    const xs = this.layers;
    const ys = other.layers;
    if (xs.length !== ys.length) return false;
    for (let i = 0; i < xs.length; i++) if (!sameLayer(xs[i], ys[i], same)) return false;
    return true;
  }

  /** All layers, oldest first (read-only view for diagnostics and tests). */
  getLayers(): readonly Layer[] {
    return this.layers;
  }

  /**
   * The files as the image's layers hold them: a later deletion (`RUN rm`) only adds a whiteout in a newer layer, so
   * what an earlier layer added is still in the image. What a `tree` layer (COPY --from) brings is that stage's result.
   */
  withoutDeletes(): ImageTree {
    if (!this.layers.some((l) => l.kind === 'delete')) return this;
    const t = new ImageTree();
    for (const l of this.layers) if (l.kind !== 'delete') t.add(l);
    return t;
  }

  /** The instruction whose deletion hides `path` here, if one does. */
  deletedBy(path: string): Instruction | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (l.kind === 'delete' && within(l.dest, path)) return l.origin.instr;
    }
    return undefined;
  }

  stat(path: string): Kind | undefined {
    return this.lookup(path)?.kind;
  }

  /** Kind, origin and source of an image path, or undefined when the model has nothing there. */
  lookup(path: string): Lookup | undefined {
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit ?? undefined;
    const r = this.compute(path);
    this.cache.set(path, r ?? null);
    return r;
  }

  private compute(path: string): Lookup | undefined {
    if (path === '/') return { kind: 'dir', origin: {} };
    let implied: Lookup | undefined;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const r = answer(l, path);
      if (r === 'deleted') return implied;
      // A folder only implied by what a deployment adds below it (a volume at /app/.cache): the image's own record of
      // that folder, when it has one, says who made it.
      if (r && r.kind === 'dir' && !r.origin.instr && !implied && l.kind !== 'mkdir') {
        implied = r;
        continue;
      }
      if (r) return implied && r.kind !== 'dir' ? implied : r;
    }
    return implied;
  }

  /** Entry names of a folder, merged over all layers; undefined when it is not a folder. */
  readDir(path: string): string[] | undefined {
    if (this.stat(path) !== 'dir') return undefined;
    const names = new Set<string>();
    for (const l of this.layers) {
      for (const n of layerNames(l, path)) names.add(n);
    }
    const prefix = path === '/' ? '/' : path + '/';
    return [...names].filter((n) => this.stat(prefix + n) !== undefined).sort();
  }

  /** True when files may exist at or under `path` that the model does not know. */
  isUncertain(path: string): boolean {
    return this.uncertaintyAt(path) !== undefined;
  }

  /** The uncertain layer that covers `path`, if any (newest first; a later delete clears it). */
  uncertaintyAt(path: string): Extract<Layer, { kind: 'uncertain' }> | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (l.kind === 'uncertain' && within(l.dest, path)) return l;
      if (l.kind === 'tree' && within(l.dest, path)) {
        const rel = relativeInside(l.dest, path)!;
        const u = l.from.uncertaintyAt(rel ? join(l.fromPath, rel) : l.fromPath);
        if (u) return u;
      }
      if (l.kind === 'delete' && within(l.dest, path)) return undefined;
    }
    return undefined;
  }

  /** Text of an image file: inline content (heredoc) or its build-context source read through `fs`. */
  text(path: string, fs: FileSystem): string | undefined {
    const hit = this.lookup(path);
    return hit?.content ?? (hit?.source ? readText(fs, hit.source) : undefined);
  }

  /** Every file path in the image under `path`, bounded by `limit` (memoised until the next layer). */
  walk(path: string, limit = 20000): readonly string[] {
    const key = `${path}\0${limit}`;
    const hit = this.walks.get(key);
    if (hit) return hit;
    const out: string[] = [];
    this.walks.set(key, out);
    const stack = [path];
    while (stack.length && out.length < limit) {
      const p = stack.pop()!;
      const kind = this.stat(p);
      if (kind === 'file') out.push(p);
      else if (kind === 'dir') {
        const names = this.readDir(p) ?? [];
        for (let k = names.length - 1; k >= 0; k--) stack.push(p === '/' ? '/' + names[k] : p + '/' + names[k]);
      }
    }
    return out;
  }
}

/** `path` equals `root` or lies below it. */
/** Moves a path that lies inside `from` to the same place inside `to` (a COPY --from or a mount of a folder). */
export function rebase(path: string, from: string, to: string): string {
  const rel = path === from ? '' : path.slice(from === '/' ? 1 : from.length + 1);
  return rel ? join(to, rel) : to;
}

export function within(root: string, path: string): boolean {
  return root === '/' || path === root || path.startsWith(root + '/');
}

/**
 * Two layers with the same effect. An `exclude` function is made from its instruction's
 * `--exclude` flags alone, so the same instruction object means the same function.
 */
function sameLayer(x: Layer, y: Layer, same: (x: ImageTree, y: ImageTree) => boolean): boolean {
  if (x === y) return true;
  if (x.kind !== y.kind || x.dest !== y.dest) return false;
  const ox = x.origin;
  const oy = y.origin;
  if (ox.instr !== oy.instr || ox.source !== oy.source || ox.stage !== oy.stage) return false;
  switch (x.kind) {
    case 'file':
      return x.content === (y as typeof x).content;
    case 'ctxdir': {
      const z = y as typeof x;
      return x.ctx === z.ctx && x.ctxRel === z.ctxRel && (x.exclude || z.exclude ? !!x.exclude && !!z.exclude && ox.instr !== undefined : true);
    }
    case 'ctxfile': {
      const z = y as typeof x;
      return x.ctx === z.ctx && x.ctxRel === z.ctxRel;
    }
    case 'tree': {
      const z = y as typeof x;
      return x.fromPath === z.fromPath && (same(x.from, z.from) || x.from.equivalent(z.from, same));
    }
    case 'uncertain':
      return x.reason === (y as typeof x).reason;
    case 'mkdir':
    case 'delete':
      return true;
  }
}

function answer(l: Layer, path: string): Lookup | 'deleted' | undefined {
  switch (l.kind) {
    case 'file':
      if (path === l.dest) return { kind: 'file', origin: l.origin, content: l.content };
      if (within(path, l.dest)) return { kind: 'dir', origin: l.origin };
      return undefined;
    case 'ctxfile':
      if (path === l.dest) return { kind: 'file', origin: l.origin, source: l.ctx.abs(l.ctxRel) };
      if (within(path, l.dest)) return { kind: 'dir', origin: l.origin };
      return undefined;
    case 'mkdir':
      if (within(path, l.dest)) return { kind: 'dir', origin: l.origin };
      return undefined;
    case 'ctxdir': {
      if (within(path, l.dest)) return { kind: 'dir', origin: l.origin };
      const rel = relativeInside(l.dest, path);
      if (rel === undefined) return undefined;
      const ctxRel = l.ctxRel ? l.ctxRel + '/' + rel : rel;
      if (l.exclude?.(ctxRel)) return undefined;
      const kind = l.ctx.stat(ctxRel);
      if (!kind) return undefined;
      return { kind, origin: { ...l.origin, source: l.ctx.abs(ctxRel) }, source: kind === 'file' ? l.ctx.abs(ctxRel) : undefined };
    }
    case 'tree': {
      if (within(path, l.dest) && path !== l.dest) return { kind: 'dir', origin: l.origin };
      const rel = relativeInside(l.dest, path);
      if (rel === undefined) return undefined;
      const r = l.from.lookup(rel ? join(l.fromPath, rel) : l.fromPath);
      return r ? { ...r, origin: { ...r.origin, instr: l.origin.instr, stage: l.origin.stage } } : undefined;
    }
    case 'delete':
      return within(l.dest, path) ? 'deleted' : undefined;
    case 'uncertain':
      if (within(path, l.dest) && path !== l.dest) return { kind: 'dir', origin: l.origin };
      return undefined;
  }
}

function layerNames(l: Layer, dir: string): string[] {
  const child = (dest: string) => {
    const rel = relativeInside(dir, dest);
    if (rel === undefined || rel === '') return [];
    return [rel.split('/')[0]];
  };
  switch (l.kind) {
    case 'file':
    case 'ctxfile':
    case 'mkdir':
    case 'uncertain':
      return child(l.dest);
    case 'ctxdir': {
      const c = child(l.dest);
      if (c.length) return c;
      const rel = relativeInside(l.dest, dir);
      if (rel === undefined) return [];
      const ctxRel = l.ctxRel ? (rel ? l.ctxRel + '/' + rel : l.ctxRel) : rel;
      return (l.ctx.readDir(ctxRel) ?? []).filter((n) => !l.exclude?.(ctxRel ? ctxRel + '/' + n : n));
    }
    case 'tree': {
      const c = child(l.dest);
      if (c.length) return c;
      const rel = relativeInside(l.dest, dir);
      if (rel === undefined) return [];
      return l.from.readDir(rel ? join(l.fromPath, rel) : l.fromPath) ?? [];
    }
    case 'delete':
      return [];
  }
}

