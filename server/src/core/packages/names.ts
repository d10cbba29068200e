// Distribution <-> import names and declared dependencies of Python distributions (PEP 503 normalisation as the fallback).
// The table is generated (names-data.ts, by scripts/gen-packages.py: its header says what was measured and how).
import { NAMES_TABLE } from './names-data';

/** PEP 503 normalised distribution name: lower case, runs of `-`, `_`, `.` become `-`. */
export function normalizeDist(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** Normalised import name -> distributions providing it, built on first use. */
let providers: Map<string, string[]> | undefined;

/** Import names a distribution provides, or undefined when the table does not know it. */
export function importNamesFor(dist: string): string[] | undefined {
  return NAMES_TABLE[normalizeDist(dist)]?.[0];
}

/**
 * Import names a distribution provides: the table's entry, else the PEP 503 guess
 * (`my-pkg` -> `my_pkg`), which is what most distributions do.
 */
export function importNamesOrGuess(dist: string): string[] {
  return importNamesFor(dist) ?? [normalizeDist(dist).replace(/-/g, '_')];
}

/** Normalised distribution names that provide a top-level import name (from the table only). */
export function distributionsFor(importName: string): string[] {
  if (!providers) {
    providers = new Map();
    for (const [d, [imports]] of Object.entries(NAMES_TABLE)) {
      for (const n of imports) {
        const list = providers.get(n);
        if (list) list.push(d);
        else providers.set(n, [d]);
      }
    }
  }
  return providers.get(importName) ?? [];
}

/** Distributions providing an import name, else those providing it in another case (Debian lower-cases `PIL` in python3-pil). */
export function distributionsForAnyCase(importName: string): string[] {
  const exact = distributionsFor(importName);
  if (exact.length) return exact;
  if (!lowerProviders) {
    lowerProviders = new Map();
    for (const [d, [imports]] of Object.entries(NAMES_TABLE)) {
      for (const n of imports) lowerProviders.set(n.toLowerCase(), [...(lowerProviders.get(n.toLowerCase()) ?? []), d]);
    }
  }
  return lowerProviders.get(importName.toLowerCase()) ?? [];
}

let lowerProviders: Map<string, string[]> | undefined;

/** Unconditional requirements of a distribution, or undefined when the table does not know them. */
export function dependenciesOf(dist: string): string[] | undefined {
  return NAMES_TABLE[normalizeDist(dist)]?.[1] ?? undefined;
}

/** `dists` (normalised) and every distribution they require, transitively, as far as the table knows. */
export function withDependencies(dists: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...dists].map(normalizeDist);
  while (todo.length) {
    const d = todo.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    todo.push(...(dependenciesOf(d) ?? []));
  }
  return seen;
}
