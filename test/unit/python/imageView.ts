// A tiny in-memory ImageView for resolver and closure tests: files from a list, folders implied, uncertain prefixes.
import type { ImageView } from '../../../server/src/core/python/resolver';

export class MemoryImageView implements ImageView {
  private readonly files = new Set<string>();
  private readonly dirs = new Map<string, Set<string>>();

  constructor(files: Iterable<string>, private readonly uncertain: string[] = []) {
    this.dirs.set('/', new Set());
    for (const f of files) this.add(f);
  }

  add(file: string): void {
    this.files.add(file);
    let child = file;
    while (child !== '/') {
      const i = child.lastIndexOf('/');
      const parent = i <= 0 ? '/' : child.slice(0, i);
      let set = this.dirs.get(parent);
      if (!set) this.dirs.set(parent, (set = new Set()));
      set.add(child.slice(i + 1));
      child = parent;
    }
  }

  stat(path: string): 'file' | 'dir' | undefined {
    if (this.files.has(path)) return 'file';
    return this.dirs.has(path) ? 'dir' : undefined;
  }

  readDir(path: string): string[] | undefined {
    const set = this.dirs.get(path);
    return set ? [...set].sort() : undefined;
  }

  isUncertain(path: string): boolean {
    return this.uncertain.some((u) => path === u || path.startsWith(u + '/'));
  }
}
