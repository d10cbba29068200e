// Deployers that set a Lambda image's command themselves (SAM ImageConfig.Command, CDK DockerImageCode cmd=): the
// Dockerfile's CMD is then not the handler that runs.
import { parseAllDocuments } from 'yaml';
import type { Analysis } from '../analysis';
import { dirname, isFile, join, normalize } from '../fs';

/** Dockerfile path -> where a deployer overrides the command of the image built from it. */
export function lambdaCommandOverrides(a: Pick<Analysis, 'files' | 'text' | 'fs' | 'memo' | 'rel' | 'root'>): Map<string, string> {
  const hit = a.memo.get('lambda-command-overrides') as Map<string, string> | undefined;
  if (hit) return hit;
  const out = new Map<string, string>();
  // SAM / CloudFormation: a function of PackageType Image with ImageConfig.Command, built from Metadata.DockerContext/Dockerfile.
  for (const f of a.files.yamlFiles) {
    const text = a.text(f);
    if (text === undefined || !/AWS::(?:Serverless|Lambda)::Function/.test(text) || !/ImageConfig/.test(text)) continue;
    let docs;
    try {
      docs = parseAllDocuments(text, { strict: false, uniqueKeys: false });
    } catch {
      continue;
    }
    for (const doc of Array.isArray(docs) ? docs : []) {
      const js = doc.toJS({ maxAliasCount: 100 }) as { Resources?: Record<string, { Type?: unknown; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }> } | null;
      for (const r of Object.values(js?.Resources ?? {})) {
        if (typeof r?.Type !== 'string' || !/^AWS::(?:Serverless|Lambda)::Function$/.test(r.Type)) continue;
        const cfg = r.Properties?.ImageConfig as { Command?: unknown } | undefined;
        const ctx = r.Metadata?.DockerContext;
        if (!cfg?.Command || typeof ctx !== 'string') continue;
        const df = typeof r.Metadata?.Dockerfile === 'string' ? (r.Metadata.Dockerfile as string) : 'Dockerfile';
        const path = normalize(join(dirname(f), ctx, df));
        if (isFile(a.fs, path) && !out.has(path)) out.set(path, `${a.rel(f)} (SAM ImageConfig.Command)`);
      }
    }
  }
  // CDK (Python): DockerImageCode.from_image_asset("dir", cmd=[...]) / DockerImageFunction(..., code=...from_image_asset(..., cmd=...)).
  for (const f of a.files.pythonFiles) {
    const text = a.text(f);
    if (text === undefined || !text.includes('from_image_asset')) continue;
    for (const m of text.matchAll(/from_image_asset\(\s*(?:directory\s*=\s*)?(?:os\.path\.join\([^)]*\)|["']([^"']+)["'])([\s\S]{0,600}?)\)/g)) {
      if (!m[1] || !/\bcmd\s*=/.test(m[2] ?? '')) continue;
      for (const base of [dirname(f), a.root]) {
        const path = normalize(join(base, m[1], 'Dockerfile'));
        if (isFile(a.fs, path)) {
          if (!out.has(path)) out.set(path, `${a.rel(f)} (CDK from_image_asset cmd=)`);
          break;
        }
      }
    }
  }
  a.memo.set('lambda-command-overrides', out);
  return out;
}
