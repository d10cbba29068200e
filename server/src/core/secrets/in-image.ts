// Credential files (.env with a secret, private keys, service-account JSON, .npmrc/.pypirc with a token) that reach a final image: computed once per lint for the rules that report them or leave them alone.
import type { Analysis, DockerTarget } from '../analysis';
import type { StageModel } from '../docker/image';
import { ImageTree } from '../docker/tree';
import type { Instruction } from '../docker/parse';
import { basename } from '../fs';
import { scanDotenvText, scanJson, scanKeyFile, scanKeyValueLines, SecretHit, TextIndex } from './files';
import { fileScanContext, KEY_NAME } from './origin';
import { isTestPath } from './names';

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
  /** A later RUN of the image that deletes it: the file stays in the earlier layer all the same. */
  removedBy?: Instruction;
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

const FAKE_FILE_WORDS = new Set(['fake', 'dummy', 'example', 'sample', 'nonexisting', 'nonexistent', 'invalid', 'bogus', 'mock', 'placeholder', 'notreal', 'test', 'localhost', 'snakeoil', 'selfsigned']);

/** Folders that hold other projects' code copied in (a vendored library's own test suite comes with it). */
const VENDOR_DIRS = new Set(['lib', 'libs', 'vendor', 'vendored', '_vendor', 'third_party', 'thirdparty', 'third-party', 'external', 'site-packages']);

/**
 * A file under a test folder whose name says it is a stand-in (tests/gcp-sa-NONEXISTING.json, tests/fake_server.key,
 * tests/data/localhost.key: a key for a local test server), or the test data of a vendored library
 * (Tautulli's lib/future/backports/test/keycert.pem: CPython's published test certificates).
 */
export function isTestStandIn(rel: string): boolean {
  if (!isTestPath(rel)) return false;
  if (basename(rel).toLowerCase().split(/[^a-z0-9]+/).some((w) => FAKE_FILE_WORDS.has(w))) return true;
  const dirs = rel.split('/').slice(0, -1).map((d) => d.toLowerCase());
  const vendor = dirs.findIndex((d) => VENDOR_DIRS.has(d));
  return vendor >= 0 && dirs.slice(vendor + 1).some((d) => /^(?:tests?|testing|testdata|test_data)$/.test(d));
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
  // A test's stand-in that says so in its name (tests/gcp-sa-NONEXISTING.json, tests/fake_server.key).
  if (isTestStandIn(a.rel(source))) return undefined;
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
  for (const [source, copies] of imageFiles(a).bySource) {
    if (!candidateName(basename(source))) continue;
    const kind = credentialKind(a, source);
    if (kind) out.set(source, { source, kind: kind.kind, hits: kind.hits, copies });
  }
  a.memo.set('secrets/credentialFilesInImages', out);
  return out;
}

/**
 * The workspace files each image holds, by source, one copy per image: the stage a plain `docker build` makes (the last)
 * and the one the repository's build of the Dockerfile targets. Every layer keeps what it added: a later `RUN rm` only
 * hides a file (a whiteout in a newer layer), so an image is read without its stage's deletions; what COPY --from
 * brings is the other stage's result. `complete`: every image was listed in full (memoised per lint).
 */
function imageFiles(a: Analysis): { bySource: Map<string, ImageCopy[]>; complete: boolean } {
  const memo = a.memo.get('secrets/imageFiles') as ReturnType<typeof imageFiles> | undefined;
  if (memo) return memo;
  const bySource = new Map<string, ImageCopy[]>();
  let complete = true;
  for (const t of a.targets) {
    const stages = new Set([t.model.final, t.model.stages[t.model.stages.length - 1]].filter((x): x is StageModel => !!x));
    for (const stage of stages) {
      const layered = stage.tree.withoutDeletes();
      const paths = layered.walk('/', WALK_LIMIT);
      if (paths.length >= WALK_LIMIT || unlistedCopies(stage.tree, 0)) complete = false;
      const seen = new Set<string>();
      for (const p of paths) {
        const hit = layered.lookup(p);
        const source = hit?.source;
        if (!source || seen.has(source)) continue;
        seen.add(source);
        const copies = bySource.get(source) ?? [];
        // Both images of a Dockerfile may hold it through the same instruction (a shared base stage): once.
        if (copies.some((c) => c.target === t && c.via === hit!.origin.instr)) continue;
        const removedBy = stage.tree.stat(p) === undefined ? stage.tree.deletedBy(p) : undefined;
        copies.push({ target: t, stage, imagePath: p, via: hit!.origin.instr, ...(removedBy ? { removedBy } : {}) });
        bySource.set(source, copies);
      }
    }
  }
  const out = { bySource, complete };
  a.memo.set('secrets/imageFiles', out);
  return out;
}

const WALK_LIMIT = 50_000;

/** True when the tree (or a stage it copies from) may hold files the model cannot list: an unknown base, or a COPY/ADD whose sources are not known. */
function unlistedCopies(tree: ImageTree, depth: number): boolean {
  if (depth > 8) return true;
  for (const l of tree.getLayers()) {
    if (l.kind === 'uncertain' && (l.dest === '/' || l.origin.instr?.keyword === 'COPY' || l.origin.instr?.keyword === 'ADD')) return true;
    if (l.kind === 'tree' && unlistedCopies(l.from, depth + 1)) return true;
  }
  return false;
}

/**
 * True when no final image of the workspace copies `source` (a workspace file), as far as the model can tell: every
 * image's files were listed in full and none came from it. False when one does, or when an image holds files the
 * model cannot list (a base image of unknown contents counts as not listed only at `/`).
 */
export function inNoImage(a: Analysis, source: string): boolean {
  const files = imageFiles(a);
  return files.complete && !files.bySource.has(source);
}
