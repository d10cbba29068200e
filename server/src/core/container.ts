// What the container runs: ENTRYPOINT + CMD of a stage (through an entrypoint script if there is one) -> a parsed Entrypoint with the working directory and sys.path.
import { applyOverrides, combineCommand, CommandInstruction, CommandOverrides, analyzeEntrypointScript, spliceScriptArgs, SCRIPT_ARGS } from './entrypoint/combine';
import { Entrypoint, mergeGunicornConfig, parseEntrypoint, parseGunicornConfig } from './entrypoint/parse';
import type { ShellEnv } from './entrypoint/shell';
import type { Instruction } from './docker/parse';
import { SITE_PACKAGES, StageModel } from './docker/image';
import { dirname, join, normalize, FileSystem } from './fs';
import type { Range } from './types';

export interface ContainerEntry {
  ep: Entrypoint;
  /** The instruction holding the server command (CMD, or ENTRYPOINT when CMD only adds arguments). */
  instr: Instruction;
  /** Both instructions, for related locations. */
  cmd?: Instruction;
  entrypoint?: Instruction;
  /** Folder the server imports from: gunicorn --chdir, a `cd` before it, else WORKDIR. */
  cwd: string;
  env: ShellEnv;
  /** Image path of an entrypoint script the command went through, when any. */
  script?: string;
  /** Where Python looks for modules, in order (absolute image folders). */
  sysPath: string[];
}

/** Docker's exec-form args or the shell-form text of a CMD/ENTRYPOINT, with the source range of each argv element. */
function commandOf(ins: Instruction | undefined): { c: CommandInstruction; ranges: (Range | undefined)[]; content: (Range | undefined)[] } | undefined {
  if (!ins) return undefined;
  if (ins.json) {
    // Inside the quotes; only exact when the JSON string has no escapes.
    const content = ins.args.map((a) => (a.raw.length === a.text.length + 2 && a.range.start.line === a.range.end.line
      ? { start: { line: a.range.start.line, character: a.range.start.character + 1 }, end: { line: a.range.end.line, character: a.range.end.character - 1 } }
      : undefined));
    return { c: { form: 'exec', args: ins.args.map((a) => a.text) }, ranges: ins.args.map((a) => a.range), content };
  }
  if (!ins.args.length) return undefined;
  const single = ins.endLine === ins.line;
  const first = ins.args[0].range.start;
  const last = ins.args[ins.args.length - 1].range.end;
  const ranges = [undefined, undefined, single ? { start: first, end: last } : undefined];
  return { c: { form: 'shell', args: [ins.commandText] }, ranges, content: ranges };
}

/** Runtime environment of a stage: its ENV values. */
export function stageEnv(stage: StageModel): ShellEnv {
  const env: ShellEnv = {};
  for (const [k, v] of stage.env) env[k] = v.value;
  return env;
}

/** What a deployment changes about how the image runs: compose/Kubernetes command and args, environment, working folder. */
export interface EntryOverrides {
  env?: ShellEnv;
  /** compose `entrypoint`/`command`, Kubernetes `command`/`args` (see `applyOverrides`). */
  command?: Pick<CommandOverrides, 'entrypoint' | 'cmd' | 'kind'>;
  workingDir?: string;
}

/**
 * The entrypoint of a stage, or undefined when it runs nothing we can analyse. With a command
 * override the argv comes from the manifest, so its elements carry no Dockerfile ranges.
 */
export function containerEntry(fs: FileSystem, stage: StageModel, overrides: EntryOverrides = {}): ContainerEntry | undefined {
  const env: ShellEnv = { ...stageEnv(stage), ...overrides.env };
  const e = commandOf(stage.entrypoint);
  const c = commandOf(stage.cmd);
  let combined;
  let ranges: { ranges: (Range | undefined)[]; contentRanges: (Range | undefined)[] } = { ranges: [], contentRanges: [] };
  if (overrides.command) {
    const o = applyOverrides({ entrypoint: e?.c, cmd: c?.c }, { ...overrides.command, env });
    combined = combineCommand(o.entrypoint, o.cmd);
  } else {
    if (!e && !c) return undefined;
    combined = combineCommand(e?.c, c?.c);
    const pick = (k: 'ranges' | 'content') => (combined!.fromEntrypoint ? [...(e?.[k] ?? []), ...(combined!.cmdIgnored || !c ? [] : c[k])] : c?.[k] ?? []);
    ranges = { ranges: pick('ranges'), contentRanges: pick('content') };
  }
  if (!combined.argv.length) return undefined;
  let ep = parseEntrypoint(combined.argv, env, ranges);
  const instr = (combined.fromEntrypoint && (!c || combined.cmdIgnored) ? stage.entrypoint : stage.cmd ?? stage.entrypoint) ?? stage.from;
  let script: string | undefined;
  let cwd = overrides.workingDir ? normalize(overrides.workingDir.startsWith('/') ? overrides.workingDir : join(stage.workdir, overrides.workingDir)) : stage.workdir;

  // An entrypoint script (`docker-entrypoint.sh`) that ends in `exec ...`: analyse what it runs.
  if (ep.kind === 'unknown') {
    const path = scriptPath(ep, combined.argv, stage, env);
    const text = path ? stage.tree.text(path, fs) : undefined;
    if (path && text !== undefined) {
      const an = analyzeEntrypointScript(text, env);
      if (an.argv && !an.uncertain) {
        const args = combined.argv.slice(combined.argv.indexOf(path.split('/').pop()!) + 1);
        const argv = an.runsArgs || an.argv.includes(SCRIPT_ARGS) ? spliceScriptArgs(an.argv, args) : an.argv;
        ep = parseEntrypoint(argv, { ...env, ...an.env });
        script = path;
        if (an.cwd) cwd = normalize(an.cwd.startsWith('/') ? an.cwd : join(cwd, an.cwd));
      }
    }
  }
  if (ep.cwd) cwd = normalize(ep.cwd.startsWith('/') ? ep.cwd : join(cwd, ep.cwd));
  // gunicorn settings from its config file (-c, or ./gunicorn.conf.py in the working folder).
  if (ep.kind === 'gunicorn') {
    const cfgPath = ep.configFile ?? (ep.configModule ? undefined : ep.defaultConfig);
    if (cfgPath) {
      const text = stage.tree.text(normalize(cfgPath.startsWith('/') ? cfgPath : join(cwd, cfgPath)), fs);
      if (text !== undefined) ep = mergeGunicornConfig(ep, parseGunicornConfig(text, env));
      else if (ep.configFile && stage.tree.isUncertain(normalize(join(cwd, ep.configFile)))) ep = { ...ep, uncertain: 'the gunicorn config file is not visible' };
    } else if (ep.configModule) ep = { ...ep, uncertain: 'gunicorn reads its config from a module' };
  }
  if (ep.chdir) cwd = normalize(ep.chdir.startsWith('/') ? ep.chdir : join(cwd, ep.chdir));
  return { ep, instr, cmd: stage.cmd, entrypoint: stage.entrypoint, cwd, env, script, sysPath: sysPathOf(ep, cwd, env, stage) };
}

/** The image path of the script the command starts, found like the shell does (PATH for bare names). */
function scriptPath(ep: Entrypoint, argv: string[], stage: StageModel, env: ShellEnv): string | undefined {
  const candidate = ep.shellScript ?? argv.find((a, i) => i < 3 && /\.(sh|bash)$|entrypoint|^\.\//.test(a) && !a.startsWith('-'));
  if (!candidate) return undefined;
  if (candidate.includes('/')) return normalize(candidate.startsWith('/') ? candidate : join(stage.workdir, candidate));
  const path = env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of path.split(':')) {
    if (!dir.startsWith('/')) continue;
    const p = join(dir, candidate);
    if (stage.tree.stat(p) === 'file') return p;
  }
  return undefined;
}

/**
 * sys.path as the server sees it: the script's folder (`python x.py`) or the working folder
 * (`-m`, gunicorn, uvicorn, celery), then gunicorn --pythonpath / uvicorn --app-dir, then
 * PYTHONPATH, then the projects pip installed (their `src/` layout first).
 */
export function sysPathOf(ep: Entrypoint, cwd: string, env: ShellEnv, stage: StageModel): string[] {
  const abs = (p: string) => normalize(p.startsWith('/') ? p : join(cwd, p));
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  for (const p of ep.pythonPath) add(abs(p));
  if (ep.kind === 'python-script' || (ep.script && ep.kind !== 'django-manage' && !ep.module)) {
    if (ep.script) add(dirname(abs(ep.script)));
  } else if (!ep.safePath) add(cwd);
  if (ep.kind === 'django-manage' && ep.script) add(dirname(abs(ep.script)));
  for (const p of (env.PYTHONPATH ?? '').split(':')) if (p && !p.includes('$')) add(abs(p));
  // site-packages of the stage's Python and of its virtual environments, when the model put something there (a project's packages, an unseen install).
  for (const env of [stage.python, ...stage.venvs]) {
    const sp = env?.sitePackages;
    if (sp && (stage.tree.readDir(sp)?.length || stage.tree.isUncertain(join(sp, '_')))) add(sp);
  }
  for (const i of stage.installed) {
    if (stage.tree.stat(join(i.dir, 'src')) === 'dir') add(join(i.dir, 'src'));
    add(i.dir);
  }
  // Something was pip-installed that the model cannot see: site-packages (uncertain in the tree) may hold any module.
  if (stage.sitePackagesUncertain) add(SITE_PACKAGES);
  return out;
}
