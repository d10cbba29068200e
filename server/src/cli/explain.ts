// Prints `--explain`: for each container a Dockerfile or manifest defines, where its command came from, what it runs and why rules stayed quiet.
import type { ContainerExplanation, ExplainedFile } from '../core/runtime';

function tree(files: ExplainedFile[], depth: number, out: string[]): void {
  for (const f of files) {
    const what = `${f.imagePath}${f.module ? ` (${f.module})` : ''}${f.source ? ` <- ${f.source}` : ''}${f.via ? `, imported at ${f.via}` : ''}`;
    out.push(`${'  '.repeat(depth)}${what}`);
    tree(f.children, depth + 1, out);
  }
}

function list(title: string, items: string[], out: string[], none = '(none)'): void {
  if (!items.length) {
    out.push(`  ${title}: ${none}`);
    return;
  }
  out.push(`  ${title}:`);
  for (const i of items) out.push(`    ${i}`);
}

/** The explanation as text, one block per container. */
export function formatExplanation(path: string, items: ContainerExplanation[]): string {
  if (!items.length) return `${path}: no container runs from this file (it is not a Dockerfile deploylint models, nor a manifest that deploys one)\n`;
  const out: string[] = [];
  for (const x of items) {
    out.push(`${x.id}`);
    out.push(`  runner: ${x.runner}`);
    if (x.linked) out.push(`  linked: ${x.linked}`);
    if (x.definedBy) list('defined by', x.definedBy, out);
    out.push(`  image: ${x.dockerfile}, ${x.stage}`);
    out.push(`  command:`);
    for (const p of x.command) out.push(`    ${p.part.padEnd(10)} ${p.from}`);
    list('chain', x.chain, out);
    out.push(`  argv: ${x.argv.length ? JSON.stringify(x.argv) : '(none)'}`);
    out.push(`  runs: ${x.runs ?? '(not followed; see quiet)'}`);
    if (x.entry) out.push(`  entry: ${x.entry}`);
    out.push(`  listens: ${x.listen ?? '(not known)'}`);
    out.push(`  cwd: ${x.cwd}`);
    out.push(`  user: ${x.user}`);
    list('env', x.env, out);
    if (x.mounts.length) list('mounts', x.mounts, out);
    list('sys.path', x.sysPath, out);
    if (x.imports.length) {
      out.push('  imports:');
      const lines: string[] = [];
      tree(x.imports, 2, lines);
      out.push(...lines);
    } else out.push('  imports: (none followed)');
    list('missing', x.missing, out);
    list('not followed', x.notFollowed, out);
    if (x.startup) out.push(`  startup: ${x.startup}`);
    if (x.memory) out.push(`  memory: ${x.memory}`);
    list('quiet', x.quiet, out);
    out.push('');
  }
  return out.join('\n');
}
