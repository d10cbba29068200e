// Hover text from the image model: what a COPY brings, what a command runs, where a Python import resolves in each image.
import type { Analysis } from '../core/analysis';
import { commandsAt, copyAt, CommandSummary, importAt, ImageFile } from '../core/query';
import { maskProviderSecrets as mask } from '../core/redact';
import type { Position } from '../core/types';

/** Files a hover lists before "… and N more". */
const SHOWN = 8;

function file(a: Analysis, f: ImageFile): string {
  return f.source ? `\`${f.image}\` ← \`${a.rel(f.source)}\`` : `\`${f.image}\``;
}

function copyHover(a: Analysis, path: string, line: number): string | undefined {
  const c = copyAt(a, path, line);
  if (!c) return undefined;
  const n = c.files.length;
  const out = [`**${c.keyword}** brings ${n}${c.truncated ? '+' : ''} file${n === 1 ? '' : 's'} into ${c.stage} at ${c.destinations.map((d) => `\`${d}\``).join(', ')}${n ? ':' : ''}`];
  if (c.unknown) out.push('', `Not fully known: ${c.unknown}.`);
  for (const f of c.files.slice(0, SHOWN)) out.push(`- ${file(a, f)}`);
  if (n > SHOWN) out.push(`- … and ${n - SHOWN} more`);
  return out.join('\n');
}

/** What a container runs, as markdown lines (without the heading naming the container). */
function commandBody(a: Analysis, s: CommandSummary): string[] {
  if (!s.runs) return ['', `not followed: ${s.notFollowed ?? ''}`];
  const out: string[] = [];
  if (s.entry) out.push(`- module file: ${file(a, s.entry)}`);
  else out.push('- module file: not found in the image');
  if (s.callable) out.push(`- callable: \`${s.callable}\`${s.definition ? ` (defined at ${a.rel(s.definition.file)}:${s.definition.range.start.line + 1})` : s.entry ? ' (no definition found at module level)' : ''}`);
  out.push(`- sys.path: ${s.sysPath.length ? s.sysPath.map((p) => `\`${p}\``).join(', ') : '(unknown)'}`);
  out.push(`- listens on: ${s.listen ?? '(not known)'}`);
  out.push(`- imports ${s.localModules} local module${s.localModules === 1 ? '' : 's'} · ${s.missing.length} missing${s.missing.length ? ': ' + s.missing.map((m) => `\`${m}\``).join(', ') : ''}`);
  if (s.startupSeconds !== undefined) out.push(`- startup ≈ ${s.startupSeconds} s`);
  return out;
}

/** Containers that run the same thing the same way are shown once, naming each of them. */
function commandsMarkdown(a: Analysis, list: CommandSummary[]): string[] {
  const groups = new Map<string, { runs?: string; ids: string[] }>();
  for (const s of list) {
    const body = commandBody(a, s).join('\n');
    const g = groups.get(body);
    if (g) g.ids.push(s.container.id);
    else groups.set(body, { runs: s.runs, ids: [s.container.id] });
  }
  return [...groups].map(([body, g]) => [`**${g.runs ?? 'command'}** in ${g.ids.join('; ')}`, body].join('\n'));
}

function importHover(a: Analysis, path: string, pos: Position): string | undefined {
  const hit = importAt(a, path, pos);
  if (!hit) return undefined;
  const out = [`**import \`${hit.module}\`** in the images that load this file:`];
  for (const x of hit.answers) {
    const where = x.status === 'local' && x.file ? file(a, x.file) : x.detail;
    out.push(`- ${x.container.id}: ${where}`);
  }
  return out.join('\n');
}

/** Markdown for a hover at `pos` of `path`, or undefined when the model has nothing to say there. */
export function hoverAt(a: Analysis, path: string, pos: Position): string | undefined {
  const parts: string[] = [];
  const copy = copyHover(a, path, pos.line);
  if (copy) parts.push(copy);
  parts.push(...commandsMarkdown(a, commandsAt(a, path, pos)));
  if (!parts.length && path.endsWith('.py')) {
    const imp = importHover(a, path, pos);
    if (imp) parts.push(imp);
  }
  return parts.length ? mask(parts.join('\n\n---\n\n')) : undefined;
}
