// Test helpers: in-memory repositories, fixture loading, and running the engine over them.
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { MemoryFileSystem, relativeInside } from '../../server/src/core/fs';
import { applyEdits } from '../../server/src/core/edits';
import { lint, LintResult } from '../../server/src/core/lint';
import type { Finding } from '../../server/src/core/types';
import { formatText } from '../../server/src/cli/format';

export const ROOT = '/repo';

/** A memory file system rooted at /repo from `{ 'rel/path': 'content' }`. */
export function memRepo(files: Record<string, string>): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  fs.mkdir(ROOT);
  for (const [rel, text] of Object.entries(files)) fs.write(`${ROOT}/${rel}`, text);
  return fs;
}

export async function lintRepo(fs: MemoryFileSystem, root = ROOT): Promise<LintResult> {
  return lint({ fs, root });
}

/** Findings in the CLI's text format with repo-relative paths, no colour. */
export function asText(findings: Finding[], root = ROOT): string {
  return formatText(findings, { rel: (p) => relativeInside(root, p) ?? p, root, version: 'test' });
}

/** One line per finding: `file:line:col rule message` (for compact exact assertions). */
export function brief(findings: Finding[], root = ROOT): string[] {
  return findings.map((f) => `${relativeInside(root, f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.ruleId} ${f.message}`);
}

/** Applies every finding's preferred fix (or its only fix) to the memory repo; returns changed files' new text. */
export function applyAllFixes(fs: MemoryFileSystem, findings: Finding[]): Map<string, string> {
  const byFile = new Map<string, Parameters<typeof applyEdits>[1]>();
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.isPreferred) ?? (f.fixes.length === 1 ? f.fixes[0] : undefined);
    if (!fix) continue;
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  }
  const out = new Map<string, string>();
  for (const [file, edits] of byFile) {
    const r = fs.read(file);
    const before = 'text' in r ? r.text : '';
    const after = applyEdits(before, edits);
    fs.write(file, after);
    out.set(file, after);
  }
  return out;
}

/**
 * Loads a fixture folder from disk into memory under /repo, leaving out the expectation files.
 * An entry named `dot-git` is loaded as `.git` (git cannot track a `.git` inside a repository),
 * so a fixture can be a git repository.
 */
export function loadFixture(dir: string): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  fs.mkdir(ROOT);
  const walk = (d: string, rel: string) => {
    for (const name of nodeFs.readdirSync(d).sort()) {
      if (rel === '' && (name === 'expected.txt' || name === 'expected-fixed' || name === 'expected-after.txt')) continue;
      const p = nodePath.join(d, name);
      const as = name === 'dot-git' ? '.git' : name;
      const r = rel ? rel + '/' + as : as;
      if (nodeFs.statSync(p).isDirectory()) {
        fs.mkdir(`${ROOT}/${r}`);
        walk(p, r);
      } else fs.write(`${ROOT}/${r}`, nodeFs.readFileSync(p));
    }
  };
  walk(dir, '');
  return fs;
}
