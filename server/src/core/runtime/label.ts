// How a container loads its code, as the words findings and --explain use for it.
import type { ImportAnalysis } from '../imports';

/** How the container loads its code, for messages: `gunicorn worker:app`, `python /app/main.py`. */
export function entryLabel(ia: ImportAnalysis): string {
  const ep = ia.entry.ep;
  if (ep.kind === 'python-code') return 'python -c';
  if (ep.kind === 'console-script' && ep.consoleScript) return `${ep.consoleScript.name} (console script ${ep.module}:${ep.callable})`;
  const server = ep.kind === 'python-module' ? 'python -m' : ep.kind === 'python-script' ? 'python' : ep.kind;
  if (ep.module && ep.kind !== 'python-module') return `${server} ${ep.module}${ep.callable ? ':' + ep.callable + (ep.factory ? '()' : '') : ''}`;
  return `${server} ${ep.module ?? ep.script ?? ''}`.trim();
}
