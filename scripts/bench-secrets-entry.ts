// In-process entry for scripts/bench-secrets.mjs: the hardcoded-secret rule's per-file scanners over one file (bundled on the fly by the script).
import { parseDockerfile } from '../server/src/core/docker/parse';
import { initPython as init, parsePython } from '../server/src/core/python/parser';
import { maskSecret } from '../server/src/core/secrets';
import {
  scanDockerfile,
  scanDotenvText,
  scanJson,
  scanKeyFile,
  scanKeyValueLines,
  scanPython,
  scanYaml,
  pythonMayHoldSecret,
  SecretHit,
  TextIndex,
} from '../server/src/core/secrets/files';
import { fileKind } from '../server/src/core/project';
import { isTestPath } from '../server/src/core/secrets/names';
import { fileScanContext, generatedReason } from '../server/src/core/secrets/origin';

export async function initPython(): Promise<void> {
  await init();
}

/** The scanner the rule uses for a file name (the project's own classification), or undefined when the rule does not scan such files. */
export function kindOf(name: string): string | undefined {
  const kind = fileKind(name);
  if (kind === 'env') return 'dotenv';
  if (kind !== 'other') return kind === 'script' ? undefined : kind;
  const n = name.toLowerCase();
  return n.endsWith('.json') ? 'json' : n === '.npmrc' || n === '.pypirc' ? 'keyvalue' : 'keyfile';
}

export interface BenchHit {
  detector: string;
  provider: string;
  confidence: string;
  line: number;
  /** Masked: provider prefix, a few characters, the length. */
  masked: string;
  test: boolean;
}

/** Runs the rule's scanner for `kind` over a file's text (`rel` decides the test-data and local-dev conventions; generated and minified files are skipped, as the rule does). */
export function scanText(kind: string, rel: string, text: string): BenchHit[] {
  const ix = new TextIndex(text);
  let hits: SecretHit[] = [];
  const base = fileScanContext(rel);
  if ((kind === 'python' || kind === 'json' || kind === 'yaml') && generatedReason(rel.split('/').pop() ?? '', text)) return [];
  switch (kind) {
    case 'python':
      if (pythonMayHoldSecret(text)) hits = scanPython(ix, parsePython(text), base);
      break;
    case 'dockerfile':
      hits = scanDockerfile(ix, parseDockerfile(text), base);
      break;
    case 'yaml':
      hits = scanYaml(ix, base);
      break;
    case 'dotenv':
      hits = scanDotenvText(text, base);
      break;
    case 'json':
      hits = scanJson(ix, base);
      break;
    case 'keyvalue':
      hits = scanKeyValueLines(ix, base);
      break;
    case 'keyfile':
      hits = scanKeyFile(ix);
      break;
  }
  const test = isTestPath(rel);
  return hits.map((h) => ({
    detector: h.match.detector,
    provider: h.match.provider,
    confidence: h.match.confidence,
    line: h.range.start.line + 1,
    masked: maskSecret(h.value.slice(h.match.start, h.match.end)),
    test,
  }));
}
