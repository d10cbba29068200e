// Deployers that set a Lambda image's command themselves (SAM ImageConfig.Command, CDK DockerImageCode cmd=): the
// Dockerfile's CMD is then not the handler that runs.
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { LineIndex } from '../python/lexical';
import type { Range } from '../types';
import type { Analysis } from '../analysis';
import { dirname, isFile, join, normalize } from '../fs';

/** Dockerfile path -> where a deployer overrides the command of the image built from it. */
export function lambdaCommandOverrides(a: Reader): Map<string, string> {
  return memoized(a, 'lambda-command-overrides', (out) => {
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
  });
}

type Reader = Pick<Analysis, 'files' | 'text' | 'fs' | 'memo' | 'rel' | 'root'>;

/** A map computed once per analysis. */
function memoized(a: Reader, key: string, fill: (out: Map<string, string>) => void): Map<string, string> {
  const hit = a.memo.get(key) as Map<string, string> | undefined;
  if (hit) return hit;
  const out = new Map<string, string>();
  fill(out);
  a.memo.set(key, out);
  return out;
}

/**
 * Dockerfiles that CDK builds only to copy files out of (`Code.from_docker_build(path, file=...)`: the build's /asset
 * folder becomes the function's zip code; aws-cdk `DockerBuildAssetOptions.imagePath`, default /asset): the image itself
 * never runs, so its CMD is no container's command. Dockerfile path -> where that is said. When `path` is not a literal
 * (`os.path.abspath(code_dir)`), the one Dockerfile whose path ends with `file` (under the CDK file's folder, else in the repository).
 */
export function assetOnlyDockerfiles(a: Reader): Map<string, string> {
  return memoized(a, 'asset-only-dockerfiles', (out) => {
    for (const f of a.files.pythonFiles) {
      const text = a.text(f);
      if (text === undefined || !text.includes('from_docker_build')) continue;
      for (const m of text.matchAll(/\bfrom_docker_build\(/g)) {
        const args = balanced(text, m.index! + m[0].length);
        if (args === undefined) continue;
        const path = /^\s*(?:path\s*=\s*)?["']([^"']+)["']/.exec(args)?.[1];
        const file = /\bfile\s*=\s*["']([^"']+)["']/.exec(args)?.[1] ?? 'Dockerfile';
        let found: string | undefined;
        if (path !== undefined) {
          for (const base of [dirname(f), a.root]) {
            const p = normalize(join(base, path, file));
            if (isFile(a.fs, p)) {
              found = p;
              break;
            }
          }
        } else {
          const under = dirname(f) + '/';
          const tail = '/' + normalize(file).replace(/^\.\//, '');
          const ends = a.files.dockerfiles.filter((d) => d.endsWith(tail));
          const near = ends.filter((d) => d.startsWith(under));
          // Under the CDK file's folder first, else anywhere (a `file` relative to the repository root), when only one fits.
          const c = near.length ? near : ends;
          if (c.length === 1) found = c[0];
        }
        if (found && !out.has(found)) out.set(found, `${a.rel(f)} (CDK Code.from_docker_build)`);
      }
    }
  });
}

/** The text of a call's arguments from just after its `(` to the matching `)` (strings skipped), within 2,000 characters. */
function balanced(text: string, from: number): string | undefined {
  let depth = 1;
  let quote: string | undefined;
  for (let i = from; i < text.length && i < from + 2000; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return text.slice(from, i);
  }
  return undefined;
}

/** A SAM / CloudFormation function of PackageType Image whose ImageConfig.Command replaces the image's CMD. */
export interface SamImageFunction {
  /** The template. */
  file: string;
  /** The resource's logical id. */
  name: string;
  dockerfile: string;
  /** The Command list, each element's text and the range of its content. */
  command: { value: string; range?: Range }[];
  /** The Command key's range (for findings about the list as a whole). */
  range: Range;
  /** ImageConfig.EntryPoint or WorkingDirectory is set too: not followed (the model reads only Command). */
  other?: string;
}

/**
 * SAM functions built from a Dockerfile (Metadata.DockerContext / Dockerfile) that set ImageConfig.Command to a list of
 * literal strings: Lambda runs the image with that CMD (AWS::Lambda::Function ImageConfig: "Command: specifies
 * parameters that you want to pass in with ENTRYPOINT"), so each is a container of its own, checked like a compose
 * `command:` override and reported where the list is written.
 */
export function samImageFunctions(a: Reader): SamImageFunction[] {
  const hit = a.memo.get('sam-image-functions') as SamImageFunction[] | undefined;
  if (hit) return hit;
  const out: SamImageFunction[] = [];
  for (const f of a.files.yamlFiles) {
    const text = a.text(f);
    if (text === undefined || !/AWS::(?:Serverless|Lambda)::Function/.test(text) || !/ImageConfig/.test(text)) continue;
    let docs;
    try {
      docs = parseAllDocuments(text, { strict: false, uniqueKeys: false, keepSourceTokens: false });
    } catch {
      continue;
    }
    const ix = new LineIndex(text);
    const range = (n: { range?: [number, number, number] | null } | null | undefined): Range | undefined => (n?.range ? ix.range(n.range[0], n.range[1]) : undefined);
    for (const doc of Array.isArray(docs) ? docs : []) {
      const resources = doc.get('Resources', true);
      if (!isMap(resources)) continue;
      for (const pair of resources.items) {
        const res = pair.value;
        const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (!isMap(res) || !name || !/^AWS::(?:Serverless|Lambda)::Function$/.test(String(res.get('Type') ?? ''))) continue;
        const props = res.get('Properties', true);
        const meta = res.get('Metadata', true);
        const cfg = isMap(props) ? props.get('ImageConfig', true) : undefined;
        if (!isMap(cfg) || !isMap(meta)) continue;
        const ctx = meta.get('DockerContext');
        const cmd = cfg.get('Command', true);
        if (typeof ctx !== 'string' || !isSeq(cmd)) continue;
        const items = cmd.items.map((i) => (isScalar(i) && typeof i.value === 'string' ? { value: i.value, range: contentRange(ix, i) } : undefined));
        if (!items.length || items.some((i) => !i)) continue;
        const df = typeof meta.get('Dockerfile') === 'string' ? (meta.get('Dockerfile') as string) : 'Dockerfile';
        const path = normalize(join(dirname(f), ctx, df));
        if (!isFile(a.fs, path)) continue;
        const other = ['EntryPoint', 'WorkingDirectory'].find((k) => cfg.has(k));
        const keyRange = cfg.items.find((p) => isScalar(p.key) && p.key.value === 'Command')?.key as { range?: [number, number, number] } | undefined;
        out.push({ file: f, name, dockerfile: path, command: items as { value: string; range?: Range }[], range: range(keyRange) ?? range(cmd) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ...(other ? { other: `ImageConfig.${other}` } : {}) });
      }
    }
  }
  a.memo.set('sam-image-functions', out);
  return out;
}

/** The range of a scalar's text inside its quotes (plain scalars: the whole). */
function contentRange(ix: LineIndex, s: { range?: [number, number, number] | null; type?: string | null }): Range | undefined {
  if (!s.range) return undefined;
  const quoted = s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE';
  const [a0, b0] = [s.range[0] + (quoted ? 1 : 0), s.range[1] - (quoted ? 1 : 0)];
  const r = ix.range(a0, b0);
  return r.start.line === r.end.line ? r : undefined;
}
