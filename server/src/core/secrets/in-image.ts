// Credential files (.env with a secret, private keys, service-account JSON, .npmrc/.pypirc with a token) that reach a final image: computed once per lint for the rules that report them or leave them alone.
import type { Analysis, DockerTarget } from '../analysis';
import type { StageModel } from '../docker/image';
import type { Instruction } from '../docker/parse';
import { basename } from '../fs';
import { scanDotenvText, scanJson, scanKeyFile, scanKeyValueLines, SecretHit, TextIndex } from './files';
import { fileScanContext, KEY_NAME } from './origin';

/** Files larger than this are not scanned for secrets. */
export const MAX_SCAN_BYTES = 1024 * 1024;

/** One place where a credential file lands in a final image. */
export interface ImageCopy {
  target: DockerTarget;
  stage: StageModel;
  /** Where the file is in the image. */
  imagePath: string;
  /** The instruction that put it into the final stage (a COPY --from when it came through a builder stage). */
  via?: Instruction;
}

/** A workspace file that holds credentials (by content, or by nature: a private key) and reaches at least one image. */
export interface CredentialFile {
  source: string;
  /** What the file is, for messages: 'an env file with a secret', 'a private key'... */
  kind: string;
  /** The credentials in it, for related locations. */
  hits: SecretHit[];
  copies: ImageCopy[];
}

const ENV_NAME = /^\.env($|\.)|\.env$/i;

function candidateName(name: string): boolean {
  const n = name.toLowerCase();
  return ENV_NAME.test(n) || KEY_NAME.test(n) || n.endsWith('.json') || n === '.npmrc' || n === '.pypirc';
}

/**
 * What makes a workspace file a credential file, and the credentials in it; undefined when it is
 * not one: an env file with a detected secret (a file of localhost URLs and settings is not), a
 * file holding a private key, a service-account key file, an .npmrc/.pypirc with a credential.
 */
export function credentialKind(a: Analysis, source: string): { kind: string; hits: SecretHit[] } | undefined {
  const name = basename(source).toLowerCase();
  const text = a.text(source);
  if (text === undefined || text.length > MAX_SCAN_BYTES) return undefined;
  const base = fileScanContext(a.rel(source));
  const ix = new TextIndex(text);
  const found = (kind: string, hits: SecretHit[]) => (hits.length ? { kind, hits } : undefined);
  if (ENV_NAME.test(name)) {
    const hits = scanDotenvText(text, base);
    return found('an env file with a secret', hits);
  }
  if (KEY_NAME.test(name)) return found('a private key', scanKeyFile(ix));
  if (name.endsWith('.json')) {
    if (!/"type"\s*:\s*"service_account"/.test(text)) return undefined;
    return found('a service-account key file', scanJson(ix).filter((h) => h.match.detector === 'gcp-service-account'));
  }
  if (name === '.npmrc') return found('an npm config with a token', scanKeyValueLines(ix, base));
  if (name === '.pypirc') return found('a PyPI config with a password', scanKeyValueLines(ix, base));
  return undefined;
}

/** Every credential file in a final image of the workspace, by its workspace path; memoised per lint. */
export function credentialFilesInImages(a: Analysis): Map<string, CredentialFile> {
  const memo = a.memo.get('secrets/credentialFilesInImages') as Map<string, CredentialFile> | undefined;
  if (memo) return memo;
  const out = new Map<string, CredentialFile>();
  const kinds = new Map<string, ReturnType<typeof credentialKind>>();
  for (const t of a.targets) {
    const stage = t.model.final;
    if (!stage) continue;
    const seen = new Set<string>();
    for (const p of stage.tree.walk('/', 50_000)) {
      const hit = stage.tree.lookup(p);
      const source = hit?.source;
      if (!source || seen.has(source) || !candidateName(basename(source))) continue;
      if (!kinds.has(source)) kinds.set(source, credentialKind(a, source));
      const kind = kinds.get(source);
      if (!kind) continue;
      seen.add(source);
      const entry = out.get(source) ?? { source, kind: kind.kind, hits: kind.hits, copies: [] };
      entry.copies.push({ target: t, stage, imagePath: p, via: hit!.origin.instr });
      out.set(source, entry);
    }
  }
  a.memo.set('secrets/credentialFilesInImages', out);
  return out;
}
