// Follows a console script or `python -m` entry that is a command-line app (click, typer, argparse) into the subcommand the container's argv selects.
import type { Analysis } from '../analysis';
import type { Entrypoint } from '../entrypoint';
import type { Arg } from '../entrypoint/options';
import { parseMountedProgram } from '../entrypoint/parse';
import { CliCommand, CliModel, CliSelection, describe, selectCommand } from '../python/cli';
import type { ParamValue } from '../python/servers';
import type { ClosureResult } from '../python/closure';
import type { StageModel } from '../docker/image';
import type { ShellEnv } from '../entrypoint/shell';

/** What the container's argv runs inside its CLI. */
export interface CliRun {
  /** The selection: the path of commands, the argv values read, "No such command". */
  selection: CliSelection;
  /** The program's arguments (their refs and ranges). */
  args: Arg[];
  /** The function the selected command runs (for the servers-from-code search). */
  entry?: { file: string; func: string };
  /** A CLI without subcommands (a plain argparse main of a script): the entry's code runs as it is. */
  plain?: boolean;
  /** For --explain: the CLI object, each subcommand, what runs. */
  steps: string[];
  /** `dispatch server start`: the console script's name and the subcommands, for messages. */
  label: string;
  /** The selected command is another server's CLI (uvicorn's): the rest of the argv parsed as that server's. */
  mounted?: Entrypoint;
  /** Values the CLI gives the entry function's parameters (argv values, option defaults): see `ServersInput.params`. */
  params?: Map<string, ParamValue | undefined>;
  /** Why the model stays quiet about what runs. */
  quiet?: string;
}

interface Input {
  ep: Entrypoint;
  entryFile?: string;
  closure?: ClosureResult;
  stage: StageModel;
  env: ShellEnv;
}

/** The CLI run, when the entry is a click/typer/argparse app the model can read; undefined when it is not one. */
export function followCli(a: Analysis, c: Input): CliRun | undefined {
  const ep = c.ep;
  if (!c.entryFile || !c.closure || !ep.programArgs) return undefined;
  if (ep.kind !== 'console-script' && ep.kind !== 'python-module' && ep.kind !== 'python-script') return undefined;
  const func = ep.kind === 'console-script' ? ep.callable : undefined;
  if (func?.includes('.')) return undefined;
  const model = new CliModel(c.closure.files);
  const found = model.entryCli(c.entryFile, func);
  if (!found) return undefined;
  const args = ep.programArgs;
  const where = (file: string, line: number) => {
    const src = c.stage.tree.lookup(file)?.source;
    return `${src ? a.rel(src) : file}:${line + 1}`;
  };
  const prog = ep.kind === 'console-script' ? ep.consoleScript?.name ?? ep.argv[0] : ep.kind === 'python-module' ? `python -m ${ep.module}` : `python ${ep.script}`;
  const root = found.cli;
  const kind = (x: CliCommand) => (x.framework === 'argparse' ? 'argparse parser' : x.framework === 'typer' ? (x.group ? 'typer app' : 'typer command') : x.group ? 'click group' : 'click command');
  const steps = [`${prog} runs the ${kind(root)} ${root.fn?.name ?? ''} (${where(root.file, root.range.start.line)})`.replace('  ', ' ')];
  if (args.some((x) => x.unknown)) return { selection: { path: [root], restFrom: 0, values: new Map() }, args, steps, label: prog, quiet: `${prog}'s arguments hold a variable without a known value: the subcommand is not known` };
  const selection = selectCommand(root, args.map((x) => x.value));
  const path = selection.path;
  for (const cmd of path.slice(1)) steps.push(`subcommand '${cmd.name}' (${kind(cmd)}, ${where(cmd.file, cmd.range.start.line)})`);
  const label = [prog, describe(path)].filter((x) => x && x !== 'the CLI').join(' ');
  const out: CliRun = { selection, args, steps, label };
  const last = path[path.length - 1];
  if (selection.noSuchCommand) {
    const n = selection.noSuchCommand;
    steps.push(`'${n.name}' is no command of ${describe(path) === 'the CLI' ? prog : label}${n.certain ? '' : ` (it may be: ${n.why})`}`);
    if (!n.certain) out.quiet = `entrypoint-target: '${n.name}' is not reported as no command of ${label}: ${n.why}`;
    return out;
  }
  if (selection.uncertain) {
    out.quiet = `${label}: what runs is not known: ${selection.uncertain}`;
    steps.push(`stops: ${selection.uncertain}`);
    return out;
  }
  if (last.program) {
    const rest = args.slice(selection.restFrom);
    out.mounted = { ...parseMountedProgram(last.program, rest, c.env), mountedIn: label };
    steps.push(`runs ${last.program}'s own CLI: ${[last.program, ...rest.map((x) => x.value)].join(' ')}`);
    return out;
  }
  // A plain argparse main (no subparsers): the console script's function itself reads the options.
  const fn = last.fn ?? (last === root && root.framework === 'argparse' && !root.group && func ? { file: c.entryFile, name: func } : undefined);
  if (fn) {
    out.entry = { file: fn.file, func: fn.name };
    const def = c.closure.files.get(fn.file)?.info.functions.find((f) => f.name === fn.name);
    steps.push(`runs ${fn.name}() (${where(fn.file, def?.range.start.line ?? last.range.start.line)})`);
    out.params = paramsOf(path, selection, def?.params?.[0]?.name, c.closure.files.get(fn.file)?.info, fn.name, last.fn === undefined);
  } else if (last === root && root.framework === 'argparse' && !root.group) {
    // A plain argparse main of a script or module: its own code runs, as without a CLI.
    out.plain = true;
    // Its options (`args.port` after `args = parser.parse_args()` at module level) feed the code that runs.
    out.params = paramsOf(path, selection, undefined, c.closure.files.get(c.entryFile)?.info, undefined, true);
    steps.push('runs the entry\'s own code (no subcommands)');
  } else {
    const why = last.framework === 'argparse' ? 'no set_defaults(func=...) names it (the code picks it from the parsed arguments)' : 'the command comes from outside the import closure';
    out.quiet = `${label}: the function the command runs is not known: ${why}`;
    steps.push(`runs a function the model does not know: ${why}`);
  }
  return out;
}

/**
 * The entry function's parameters as the CLI fills them: click/typer pass each option and argument by its
 * parameter name; argparse puts every parser's options on the path in one namespace (`args.port`), the
 * function's first parameter (set_defaults(func=...)) or the variable assigned `parse_args()` (a plain main).
 */
function paramsOf(path: CliCommand[], sel: CliSelection, firstParam: string | undefined, info: import('../python/parser').PyFileInfo | undefined, fn: string | undefined, plainMain: boolean): Map<string, ParamValue | undefined> {
  const out = new Map<string, ParamValue | undefined>();
  const last = path[path.length - 1];
  const argparse = last.framework === 'argparse';
  let ns: string | undefined = firstParam;
  if (argparse && plainMain) ns = info?.assignments.find((a) => a.fn === fn && /\.parse(?:_known)?_args\(/.test(a.text))?.target;
  if (argparse && (!ns || !/^[A-Za-z_]\w*$/.test(ns))) return out;
  const key = (p: string) => (argparse ? `${ns}.${p}` : p);
  for (const cmd of argparse ? path : [last]) {
    for (const o of cmd.options) {
      if (!o.param) continue;
      const given = sel.values.get(o.param);
      out.set(key(o.param), given ? { from: 'argv', value: given.value } : o.default ? { from: 'default', ...o.default } : undefined);
    }
    for (const p of cmd.positionals) {
      const given = sel.values.get(p);
      out.set(key(p), given ? { from: 'argv', value: given.value } : undefined);
    }
  }
  return out;
}
