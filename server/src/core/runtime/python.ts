// Which Python a container runs: the base image's (or the apt-installed) interpreter, or one of the stage's virtualenvs.
import { dirname, join, normalize } from '../fs';
import type { PythonEnv } from '../docker/installs';
import type { InstallRecord } from '../docker/installs';
import type { StageModel } from '../docker/image';
import { within } from '../docker/tree';
import type { Container } from './types';

/** The environment the container's Python code runs in, and how the model chose it (for messages and --explain). */
export interface ContainerPython {
  env: PythonEnv;
  /** `/venv/bin comes first on PATH`, `the command names /opt/venv/bin/python`. */
  why: string;
}

const PYTHON = /^(?:.*\/)?python(?:\d+(?:\.\d+)?)?$/;

/**
 * The environment whose interpreter runs the container's program: the one the command names by path
 * (`/opt/venv/bin/python`, `/venv/bin/gunicorn`), else the first folder on PATH that is a virtualenv's bin
 * folder or the stage's interpreter's folder (a console script's shebang names the interpreter of the environment it
 * was installed into, which PATH finds first the same way). Undefined when the stage has no virtualenv (its Python is
 * then `stage.python`), the command goes through `uv run`/`poetry run` (they pick the project's environment
 * themselves), or PATH is not known.
 */
export function containerPython(c: Pick<Container, 'stage' | 'entry' | 'argv'>): ContainerPython | undefined {
  const st = c.stage;
  const venvs = st.venvs.filter((v) => v.venv);
  if (!venvs.length) return undefined;
  const ep = c.entry?.ep;
  const prog = ep?.interpreter ?? ep?.argv[0];
  if (!prog || prog.includes('$') || / run$/.test(prog)) return undefined;
  const system = st.python?.interpreter ? dirname(st.python.interpreter) : undefined;
  const envIn = (dir: string): PythonEnv | undefined => venvs.find((v) => join(v.venv!, 'bin') === dir) ?? (system === dir ? st.python : undefined);
  if (prog.includes('/')) {
    const env = envIn(dirname(atCwd(c, prog)));
    return env ? { env, why: `the command names ${prog}` } : undefined;
  }
  for (const d of searchedDirs(c, prog) ?? []) {
    const env = envIn(d);
    if (env) return { env, why: env.venv ? `${d} comes first on PATH` : `PATH finds ${PYTHON.test(prog) ? prog : 'the interpreter'} in ${d} before any virtualenv's bin folder` };
  }
  return undefined;
}

/** The environment an install step ran in: the virtualenv whose folder holds what it installed, else the stage's Python. */
export function installerPython(stage: StageModel, rec: InstallRecord): PythonEnv | undefined {
  const at = rec.sitePackages ?? rec.home;
  return stage.venvs.find((v) => v.venv && within(v.venv, at)) ?? stage.python;
}

/** A program path as the container's working folder resolves it: a name with a slash is a path, relative to WORKDIR (no PATH search). */
function atCwd(c: Pick<Container, 'entry'>, prog: string): string {
  return normalize(prog.startsWith('/') || !c.entry?.cwd ? prog : join(c.entry.cwd, prog));
}

/** The folders Docker (or the shell) searches for a program of the container: its own folder for a path, else PATH's; undefined when PATH is not known. */
export function searchedDirs(c: Pick<Container, 'entry'>, prog: string): string[] | undefined {
  if (prog.includes('/')) return [dirname(atCwd(c, prog))];
  const path = c.entry?.env.PATH;
  return path === undefined ? undefined : path.split(':').filter((d) => d.startsWith('/')).map(normalize);
}
