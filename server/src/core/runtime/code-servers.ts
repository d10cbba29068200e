// The servers a container starts from its Python code (uvicorn.run, app.run ...): searched from the script's __main__ code, the console script's function, or the function of the CLI subcommand the argv selects.
import { ServerStart, serverStarts } from '../python/servers';
import type { RunningContainer } from './types';

const memo = new WeakMap<RunningContainer, ServerStart[]>();

/** The servers started from code reachable from what the container runs (memoised per container); empty when it runs a server program or nothing is followed. */
export function codeServerStarts(c: RunningContainer): ServerStart[] {
  const hit = memo.get(c);
  if (hit) return hit;
  const ep = c.ep;
  let out: ServerStart[] = [];
  const cli = c.cli;
  if ((ep.kind === 'python-script' || ep.kind === 'python-module' || ep.kind === 'console-script') && c.entryFile && c.closure && (!cli || cli.entry || cli.plain)) {
    // A command-line app runs the function of the subcommand the argv selects, with the options' values.
    const entry = cli?.entry ? { file: cli.entry.file, func: cli.entry.func } : ep.kind === 'console-script' ? { file: c.entryFile, func: ep.callable } : { file: c.entryFile, main: true };
    out = serverStarts({ files: c.closure.files, entry, env: c.env, ...(cli?.params ? { params: cli.params } : {}) });
  }
  memo.set(c, out);
  return out;
}
