// Known builds: which Dockerfile is built with which context, from compose files (and, through the manifest layer, workflows and scripts).
import { parseAllDocuments } from 'yaml';
import { dirname, join, normalize } from './fs';
import type { KnownBuild, ProjectFiles } from './project';

/** Compose `build:` entries resolved to absolute Dockerfile and context paths. */
export function findBuilds(files: ProjectFiles, text: (p: string) => string | undefined): KnownBuild[] {
  const out: KnownBuild[] = [];
  for (const f of files.yamlFiles) {
    const t = text(f);
    if (t === undefined || !/^\s*services\s*:/m.test(t) || !/\bbuild\s*:/.test(t)) continue;
    let docs;
    try {
      docs = parseAllDocuments(t);
    } catch {
      continue;
    }
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length) continue;
      const js = doc.toJS() as { services?: Record<string, { build?: unknown; image?: string }> } | null;
      const services = js?.services;
      if (!services || typeof services !== 'object') continue;
      for (const [name, svc] of Object.entries(services)) {
        const b = svc?.build;
        if (b === undefined || b === null) continue;
        const spec = typeof b === 'string' ? { context: b } : (b as { context?: string; dockerfile?: string; args?: unknown; target?: string });
        const context = normalize(join(dirname(f), spec.context ?? '.'));
        const dockerfile = normalize(spec.dockerfile ? (spec.dockerfile.startsWith('/') ? spec.dockerfile : join(context, spec.dockerfile)) : join(context, 'Dockerfile'));
        out.push({ dockerfile, context, how: 'compose', evidence: f, buildArgs: composeArgs(spec.args), target: spec.target, tag: svc.image ?? name });
      }
    }
  }
  return out;
}

function composeArgs(args: unknown): Record<string, string> | undefined {
  if (!args) return undefined;
  const out: Record<string, string> = {};
  if (Array.isArray(args)) {
    for (const a of args) {
      const s = String(a);
      const eq = s.indexOf('=');
      if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (typeof args === 'object') {
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}
