// Django settings layered by star imports: a literal in a base settings file that the settings module a container
// loads replaces, before anything reads it, is not what the container runs with.
import type { Analysis } from '../analysis';
import type { PyAssignment, PyFileInfo, PyImport } from '../python/parser';
import { running } from '../runtime';
import type { ClosureFile } from '../python/closure';
import { resolveRelative } from '../python/resolver';

/** Workspace file -> names whose module-level literal the loaded settings module replaces -> how (for the notice). */
export type SettingsOverrides = Map<string, Map<string, string>>;

/**
 * For each running container whose closure loads Django settings (DJANGO_SETTINGS_MODULE in its environment, or the
 * module a closure edge names by it): the names that module assigns itself, after the star imports that bring the base
 * files in, to something that is not a string literal (`os.environ["SECRET_KEY"]`, `get_random_secret_key()`), either
 * unconditionally (at column 0) or in every branch written (two or more such assignments, none a literal). A literal of
 * that name in a star-imported base file then never reaches `django.conf.settings`. Kept only where every container
 * loading the base file overrides it (a container that loads the base settings themselves keeps the literal).
 */
export function settingsOverrides(a: Analysis): SettingsOverrides {
  const hit = a.memo.get('settings-overrides') as SettingsOverrides | undefined;
  if (hit) return hit;
  const out: SettingsOverrides = new Map();
  const kept = new Map<string, Set<string>>();
  for (const c of running(a)) {
    const files = c.closure?.files;
    if (!files) continue;
    const byModule = new Map<string, string>();
    for (const [p, f] of files) if (f.module) byModule.set(f.module, p);
    const settings = settingsModuleOf(c.entry.env.DJANGO_SETTINGS_MODULE, files);
    const top = settings ? byModule.get(settings) : undefined;
    const topInfo = top ? files.get(top)?.info : undefined;
    const seen = new Set<string>();
    if (top && topInfo) {
      const lastStar = Math.max(-1, ...topInfo.imports.filter((i) => i.kind === 'from' && i.names[0] === '*').map((i) => i.range.start.line));
      const replaced = replacedNames(topInfo, lastStar);
      const how = `${settings} (the settings module the container loads) assigns it again`;
      for (const base of starReach(top, files, byModule)) {
        const src = c.stage.tree.lookup(base)?.source;
        if (!src || base === top) continue;
        seen.add(src);
        let m = out.get(src);
        if (!m) out.set(src, (m = new Map()));
        for (const n of replaced) if (!kept.get(src)?.has(n)) m.set(n, how);
      }
    }
    // Every other closure file keeps its literals for this container.
    for (const p of files.keys()) {
      const src = c.stage.tree.lookup(p)?.source;
      if (!src || seen.has(src)) continue;
      let k = kept.get(src);
      if (!k) kept.set(src, (k = new Set()));
      const info = files.get(p)!.info;
      for (const asg of info.assignments) if (!asg.fn && !asg.cls) k.add(asg.target);
    }
  }
  for (const [src, names] of kept) {
    const m = out.get(src);
    if (m) for (const n of names) m.delete(n);
  }
  a.memo.set('settings-overrides', out);
  return out;
}

/** The settings module: the environment's, else the one a closure edge names by DJANGO_SETTINGS_MODULE. */
function settingsModuleOf(env: string | undefined, files: ReadonlyMap<string, ClosureFile>): string | undefined {
  if (env && /^[A-Za-z_][\w.]*$/.test(env)) return env;
  for (const f of files.values()) {
    const i = f.via?.import as (PyImport & { namedBy?: { by: string } }) | undefined;
    if (i?.namedBy?.by === 'DJANGO_SETTINGS_MODULE') return i.module;
  }
  return undefined;
}

/** The files `top` brings in by star imports, transitively (`from .base import *` -> `from .common import *`). */
function starReach(top: string, files: ReadonlyMap<string, ClosureFile>, byModule: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const todo = [top];
  while (todo.length) {
    const p = todo.pop()!;
    if (out.includes(p)) continue;
    out.push(p);
    const f = files.get(p);
    if (!f) continue;
    for (const i of f.info.imports) {
      if (i.kind !== 'from' || i.names[0] !== '*') continue;
      const mod = i.level === 0 ? i.module : f.module ? resolveRelative(f.module, p.endsWith('/__init__.py'), i.level, i.module) : undefined;
      const target = mod ? byModule.get(mod) : undefined;
      if (target) todo.push(target);
    }
  }
  return out;
}


/** A value that is only string literals (implicitly concatenated ones too), not `"".join(...)` or `"x" + y`. */
const STRING_LITERAL = /^(?:[rRbBuUfF]{0,2}(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*)+$/;

/** Names `info` binds after line `after` only to values that are not string literals, unconditionally or in two or more branches. */
function replacedNames(info: PyFileInfo, after: number): string[] {
  const by = new Map<string, PyAssignment[]>();
  for (const asg of info.assignments) {
    if (asg.fn || asg.cls || asg.mainGuard || asg.range.start.line <= after || !/^[A-Z_][A-Z0-9_]*$/.test(asg.target)) continue;
    const list = by.get(asg.target) ?? [];
    list.push(asg);
    by.set(asg.target, list);
  }
  const out: string[] = [];
  for (const [name, list] of by) {
    if (list.some((x) => STRING_LITERAL.test(x.text.trim()))) continue;
    if (list.some((x) => x.range.start.character === 0) || list.length >= 2) out.push(name);
  }
  return out;
}
