// secret-in-image: a .env, private key, service-account key file or .npmrc/.pypirc with a token that a COPY/ADD puts into the image.
import type { Analysis, DockerTarget } from '../analysis';
import type { CopyOp, StageModel } from '../docker/image';
import { firstLineRange } from '../docker/image';
import { basename, join } from '../fs';
import { parseDotenv, isPlaceholder } from '../secrets';
import { scanJson, scanKeyFile, scanKeyValueLines, scanDotenvText, TextIndex } from '../secrets/files';
import type { Fix, Location } from '../types';
import { appendLineFix, MAX_SCAN_BYTES } from './hardcoded-secret';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'secret-in-image',
  meta: {
    description: 'A .env file, private key, service-account key file or .npmrc/.pypirc with a token is copied into the image.',
    severity: 'warning',
    fixable: true,
    docs: {
      why: 'Anyone who can pull an image can read every file in it, and deleting the file in a later layer does not remove it. `COPY . .` copies whatever is in the build context, including a local `.env` or a key that git ignores. Keep such files out with `.dockerignore`, and give the container its secrets at run time (environment, mounted secrets) or at build time with `RUN --mount=type=secret`. Reported on the COPY/ADD that brings the file in, using the modelled image (a file copied into a build stage is reported when a later stage copies it on).',
      bad: '# .dockerignore does not list .env\nCOPY . .',
      good: '# .dockerignore\n.env\n\n# Dockerfile\nCOPY . .',
    },
  },
  check(a: Analysis): Draft[] {
    const out: Draft[] = [];
    const kinds = new Map<string, string | undefined>();
    for (const t of a.targets) {
      const stage = t.model.final;
      if (!stage) continue;
      const seen = new Set<string>();
      for (const p of stage.tree.walk('/', 50_000)) {
        const hit = stage.tree.lookup(p);
        const source = hit?.source;
        if (!source || seen.has(source) || !candidateName(basename(source))) continue;
        if (!kinds.has(source)) kinds.set(source, sensitiveKind(a, source));
        const kind = kinds.get(source);
        if (!kind) continue;
        seen.add(source);
        const d = draft(a, t, stage, p, source, kind, hit!.origin.instr);
        if (d) out.push(d);
      }
    }
    return out;
  },
};

const ENV_NAME = /^\.env($|\.)|\.env$/i;
const ENV_TEMPLATE = /(^|[.-])(example|sample|template|dist|defaults?|tpl)([.-]|$)/i;
const KEY_NAME = /\.(pem|key)$|^id_(rsa|dsa|ecdsa|ed25519)$/i;

function candidateName(name: string): boolean {
  const n = name.toLowerCase();
  return ENV_NAME.test(n) || KEY_NAME.test(n) || n.endsWith('.json') || n === '.npmrc' || n === '.pypirc';
}

/**
 * What makes a context file sensitive, for messages; undefined when it is not: a `.env` with a
 * value that is not a placeholder (a template such as `.env.example` only with a detected
 * secret), a file holding a private key, a service-account key file, an .npmrc/.pypirc with a credential.
 */
function sensitiveKind(a: Analysis, source: string): string | undefined {
  const name = basename(source).toLowerCase();
  const text = a.text(source);
  if (text === undefined || text.length > MAX_SCAN_BYTES) return undefined;
  if (ENV_NAME.test(name)) {
    if (ENV_TEMPLATE.test(name)) return scanDotenvText(text).length ? 'an env file with a secret' : undefined;
    return parseDotenv(text).some((e) => !isPlaceholder(e.value)) ? 'an env file' : undefined;
  }
  const ix = new TextIndex(text);
  if (KEY_NAME.test(name)) return scanKeyFile(ix).length ? 'a private key' : undefined;
  if (name.endsWith('.json')) return /"type"\s*:\s*"service_account"/.test(text) && scanJson(ix).some((h) => h.match.detector === 'gcp-service-account') ? 'a service-account key file' : undefined;
  if (name === '.npmrc' || name === '.pypirc') return scanKeyValueLines(ix).length ? (name === '.npmrc' ? 'an npm config with a token' : 'a PyPI config with a password') : undefined;
  return undefined;
}

/** The COPY/ADD that took `rel` from the build context (the stage's own first, then earlier stages), and the source word that matched. */
function copyFromContext(t: DockerTarget, stage: StageModel, rel: string): { op: CopyOp; word: CopyOp['sources'][number] } | undefined {
  const stages = [stage, ...t.model.stages.filter((s) => s !== stage).reverse()];
  for (const st of stages) {
    for (let i = st.copies.length - 1; i >= 0; i--) {
      const op = st.copies[i]!;
      if (op.from) continue;
      for (const s of op.sources) {
        if (s.matches.some((m) => m === rel || m === '' || rel.startsWith(m + '/'))) return { op, word: s };
      }
    }
  }
  return undefined;
}

function draft(a: Analysis, t: DockerTarget, stage: StageModel, imagePath: string, source: string, kind: string, via: CopyOp['instr'] | undefined): Draft | undefined {
  const ctx = t.model.context;
  const rel = ctx.rel(source);
  if (rel === undefined) return undefined;
  const found = copyFromContext(t, stage, rel);
  if (!found) return undefined;
  const { op, word } = found;
  const related: Location[] = [];
  if (via && via !== op.instr) {
    related.push({ file: t.dockerfile, range: firstLineRange(via, t.parsed.lines), message: 'a later stage copies it into the final image' });
  }
  const label = op.instr.commandText.length > 40 ? `${op.keyword} ${word.word.raw}` : `${op.keyword} ${op.instr.commandText}`;
  const explicit = word.matches.length === 1 && word.matches[0] === rel && !word.isGlob;
  let fix: Fix;
  if (explicit) {
    const lines = t.parsed.lines;
    const ins = op.instr;
    if (op.sources.length === 1) {
      const start = { line: ins.line, character: 0 };
      const end = ins.endLine + 1 < lines.length ? { line: ins.endLine + 1, character: 0 } : { line: ins.endLine, character: lines[ins.endLine]?.length ?? 0 };
      fix = { title: `Remove this ${op.keyword} (give the container its secrets at run time)`, edits: [{ file: t.dockerfile, range: { start, end }, newText: '' }], isPreferred: true };
    } else {
      const i = ins.args.indexOf(word.word);
      const next = ins.args[i + 1]!;
      fix = { title: `Stop copying ${rel}`, edits: [{ file: t.dockerfile, range: { start: word.word.range.start, end: next.range.start }, newText: '' }], isPreferred: true };
    }
  } else {
    const ignoreFile = ctx.ignoreFile ?? join(ctx.root, '.dockerignore');
    fix = appendLineFix(a, ignoreFile, rel, `Add ${rel} to ${a.rel(ignoreFile)}`);
  }
  const advice = explicit ? 'give the container its secrets at run time instead' : `keep it out of the build context with .dockerignore`;
  return {
    message: `${label} puts ${a.rel(source)} (${kind}) into the image (at ${imagePath}): anyone who can pull the image can read it; ${advice}`,
    file: t.dockerfile,
    range: word.word.range,
    related,
    fixes: [fix],
  };
}
