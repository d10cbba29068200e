// Inline suppressions, the same in Dockerfiles, Python and YAML: `# deploylint: ignore[rule-id, ...]` on the line or alone on the line above.
import type { Finding } from './types';

const MARK = /#\s*deploylint:\s*ignore(?:\[([^\]]*)\])?/;

/** Rule ids suppressed on each zero-based line of a file ('*' for a bare `ignore`). */
export function suppressionsOf(text: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const m = MARK.exec(line);
    if (!m) return;
    const ids = m[1] === undefined ? ['*'] : m[1].split(',').map((s) => s.trim()).filter(Boolean);
    const alone = line.trimStart().startsWith('#');
    const target = alone ? i + 1 : i;
    const set = out.get(target) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    out.set(target, set);
  });
  return out;
}

/** Drops findings whose primary line carries a matching suppression. `textOf` returns a file's text. */
export function applySuppressions(findings: Finding[], textOf: (file: string) => string | undefined): Finding[] {
  const cache = new Map<string, Map<number, Set<string>>>();
  return findings.filter((f) => {
    let s = cache.get(f.file);
    if (!s) {
      const t = textOf(f.file);
      s = t === undefined ? new Map() : suppressionsOf(t);
      cache.set(f.file, s);
    }
    for (let l = f.range.start.line; l <= f.range.end.line; l++) {
      const ids = s.get(l);
      if (ids && (ids.has('*') || ids.has(f.ruleId))) return false;
    }
    return true;
  });
}
