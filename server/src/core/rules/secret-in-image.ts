// secret-in-image: a .env, private key, service-account key file or .npmrc/.pypirc with a token that a COPY/ADD puts into the image.
import type { Analysis, DockerTarget } from '../analysis';
import type { CopyOp, StageModel } from '../docker/image';
import { firstLineRange } from '../docker/image';
import { join } from '../fs';
import { describeSecret } from '../secrets';
import { GitIgnore } from '../secrets/gitignore';
import { credentialFilesInImages, CredentialFile, ImageCopy } from '../secrets/in-image';
import type { Fix, Location } from '../types';
import { appendLineFix } from '../secrets/ignore-fix';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'secret-in-image',
  meta: {
    description: 'A .env file, private key, service-account key file or .npmrc/.pypirc with a token is copied into the image.',
    severity: 'warning',
    fixable: true,
    docs: {
      why: 'Anyone who can pull an image can read every file in it, and deleting the file in a later layer does not remove it. `COPY . .` copies whatever is in the build context, including a local `.env` or a key that git ignores. Keep such files out with `.dockerignore`, and give the container its secrets at run time (environment, mounted secrets) or at build time with `RUN --mount=type=secret`. Reported on the COPY/ADD that brings the file in, using the modelled image (a file copied into a build stage is reported when a later stage copies it on), with the secrets in the file as related locations; `hardcoded-secret` does not report that file again. An env file counts only when it holds a detected secret (a file of localhost URLs and settings that a test image loads is fine); private keys and service-account key files count by nature.',
      bad: '# .dockerignore does not list .env\nCOPY . .',
      good: '# .dockerignore\n.env\n\n# Dockerfile\nCOPY . .',
    },
  },
  check(a: Analysis): Draft[] {
    const out: Draft[] = [];
    const git = new GitIgnore(a.fs, a.root);
    for (const f of credentialFilesInImages(a).values()) {
      for (const c of f.copies) {
        const d = draft(a, git, f, c);
        if (d) out.push(d);
      }
    }
    return out;
  },
};

/** The COPY/ADD that took `rel` from the build context (the stage's own first, then earlier stages), and the source word that matched. */
function copyFromContext(t: DockerTarget, stage: StageModel, rel: string): { op: CopyOp; word: CopyOp['sources'][number] } | undefined {
  const stages = [stage, ...t.model.stages.filter((s) => s.index !== stage.index).reverse()];
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

function draft(a: Analysis, git: GitIgnore, f: CredentialFile, c: ImageCopy): Draft | undefined {
  const { target: t, stage, imagePath, via, removedBy } = c;
  const { source, kind } = f;
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
  if (removedBy) related.push({ file: t.dockerfile, range: firstLineRange(removedBy, t.parsed.lines), message: 'this deletes it in a later layer, which does not take it out of the image' });
  const committable = git.isCommittable(source);
  f.hits.forEach((h, i) => {
    const note = i === 0 && committable ? `; git does not ignore ${a.rel(source)} either: add it to .gitignore (and rotate the secret if it was ever pushed)` : '';
    related.push({ file: source, range: h.range, message: `${describeSecret(h.match, h.value)} is in the file${note}` });
  });
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
    message: `${label} puts ${a.rel(source)} (${kind}) into the image (at ${imagePath}): anyone who can pull the image can read it${removedBy ? ` (the later RUN that deletes it leaves it in this layer)` : ''}; ${advice}`,
    file: t.dockerfile,
    range: word.word.range,
    related,
    fixes: [fix],
  };
}
