// How a container loads its code, as the words findings and --explain use for it.
import type { Entrypoint } from '../entrypoint';
import type { ImportAnalysis } from '../imports';

/** How the container loads its code, for messages: `gunicorn worker:app`, `python /app/main.py`. */
export function entryLabel(ia: ImportAnalysis): string {
  const ep = ia.entry.ep;
  if (ep.mountedIn) return `${ep.mountedIn} (${serverLabel(ep)})`;
  if (ep.kind === 'python-code') return 'python -c';
  // A command-line app: the subcommand the argv selects (`tiles serve`).
  const cli = (ia as { cli?: { label: string; selection: { noSuchCommand?: unknown } } }).cli;
  const name = cli && !cli.selection.noSuchCommand ? cli.label : ep.consoleScript?.name;
  if (ep.kind === 'console-script' && ep.consoleScript) return `${name} (console script ${ep.module}:${ep.callable})`;
  return serverLabel(ep);
}

function serverLabel(ep: Entrypoint): string {
  if (ep.kind === 'lambda') return ep.module && ep.callable ? `the Lambda runtime (handler ${ep.module}.${ep.callable})` : `the Lambda runtime (${ep.argv.join(' ')})`;
  // `celery -A tasks flower`: the monitor's web server, not a worker.
  if (ep.kind === 'celery' && ep.subcommand === 'flower') return `celery${ep.module ? ` -A ${ep.module}` : ''} flower`;
  const server = ep.kind === 'python-module' ? 'python -m' : ep.kind === 'python-script' ? 'python' : ep.kind;
  if (ep.module && ep.kind !== 'python-module') return `${server} ${ep.module}${ep.callable ? ':' + ep.callable + (ep.factory ? '()' : '') : ''}`;
  return `${server} ${ep.module ?? ep.script ?? ''}`.trim();
}
