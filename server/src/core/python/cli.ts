// Command-line apps in Python (click groups and commands, typer apps, argparse subparsers) read from the parse, and the subcommand a container's argv selects.
import { editDistance } from '../text/distance';
import type { Range } from '../types';
import type { PyCall, PyCallArg, PyFileInfo, PyFunction } from './parser';

export type CliFramework = 'click' | 'typer' | 'argparse';

/** One parsed file of the closure (as servers.ts `ServerFile`). */
export interface CliFile {
  info: PyFileInfo;
  module?: string;
}

/** An option of a command: its flags, the parameter it sets, whether it takes a value, its default. */
export interface CliOption {
  flags: string[];
  /** The callback parameter (click/typer) or namespace attribute (argparse) it sets. */
  param?: string;
  /** `true`: the next argv element is its value; `false`: a flag; undefined: not known (the option's type decides). */
  takesValue?: boolean;
  /** The default's source text, where it is written (click `default=`, a typer parameter default, argparse `default=`). */
  default?: { text: string; range: Range; file: string };
}

/** A command or group of a CLI. */
export interface CliCommand {
  /** Its name as invoked (`start`); the root's is the program's own. */
  name: string;
  /** Other names that also invoke it (argparse aliases; click's name with and without a `_command` suffix, by version). */
  aliases: string[];
  framework: CliFramework;
  /** Where it is declared (the decorator, `add_command`, `add_parser`, `Typer()`), for messages. */
  file: string;
  range: Range;
  /** The function it runs (its callback), when known. */
  fn?: { file: string; name: string };
  group: boolean;
  children: CliCommand[];
  /** Why its subcommands may be more than `children` (a dynamic add_command, a custom group class, plugins, an unnamed add_typer). */
  open?: string;
  /** A group that runs its callback when no subcommand is given. */
  invokeWithoutCommand?: boolean;
  options: CliOption[];
  /** Positional arguments it declares (click `argument`, typer parameters without default, argparse positionals). */
  positionals: string[];
  /** Another program's CLI mounted as this command (`add_command(uvicorn.main, name="start")`). */
  program?: string;
  /** typer: an app with a single command and no callback runs that command without its name. */
  single?: boolean;
}

/** What the argv selects. */
export interface CliSelection {
  /** Root first, the selected command last. */
  path: CliCommand[];
  /** Index in the argv (after the program) just after the selected command's name: where its own arguments start. */
  restFrom: number;
  /** Argv values given for parameters of the selected command (option values and positionals by parameter). */
  values: Map<string, { value: string; index: number }>;
  /** The argv names a subcommand the group does not have: the CLI exits with "No such command". */
  noSuchCommand?: { name: string; index: number; group: CliCommand; suggestion?: string; certain: boolean; why?: string };
  /** Why what runs is not known (an option whose arity is unknown, `--help`, a group without a subcommand). */
  uncertain?: string;
}

interface Obj {
  file: string;
  name: string;
  cmd: CliCommand;
  /** Declared parent's object name (click `@parent.command()`), resolved after collection. */
  parentRef?: string;
}

const CLICK_HELP = new Set(['--help']);

/** Click (>= 7) and typer derive a command's name from its function: underscores become dashes; click 8.2 also drops a `_command`/`_cmd`/`_group`/`_grp` suffix. */
export function defaultCommandNames(fn: string, framework: CliFramework): string[] {
  const dashed = fn.toLowerCase().replace(/_/g, '-');
  if (framework !== 'click') return [dashed];
  const stripped = /^(.+?)[-](?:command|cmd|group|grp)$/.exec(dashed);
  return stripped ? [dashed, stripped[1]] : [dashed];
}

const str = (a: PyCallArg | undefined): string | undefined => (a?.value !== undefined && /^['"uUbBrR]/.test(a.text ?? '') ? a.value : undefined);
const positional = (c: PyCall) => c.args.filter((a) => a.name === undefined && !a.text?.startsWith('*'));
const kw = (c: PyCall, name: string) => c.args.find((a) => a.name === name);
const isTrue = (a: PyCallArg | undefined) => a?.text?.trim() === 'True';

/** The calls of `f` inside a decorator's range. */
function callAt(info: PyFileInfo, r: Range): PyCall | undefined {
  return info.calls.find((c) => c.range.start.line === r.start.line && c.range.start.character === r.start.character && c.range.end.line === r.end.line && c.range.end.character === r.end.character);
}

/** How a file names click, typer and argparse: `click`, `import click as c`, `from click import group`. */
interface Names {
  module: (prefix: string) => string[];
  from: (module: string, name: string) => boolean;
}

function namesOf(info: PyFileInfo): Names {
  return {
    module: (m) => info.imports.some((i) => i.kind === 'import' && i.module === m) ? [m] : [],
    from: (m, n) => info.imports.some((i) => i.kind === 'from' && i.level === 0 && i.module === m && i.names.includes(n)),
  };
}

/** Is `callee` (`click.group`, `group`, `typer.Typer`) the framework's function `name`? */
function isLib(callee: string, lib: string, name: string, n: Names): boolean {
  if (callee === `${lib}.${name}` && n.module(lib).length) return true;
  return callee === name && n.from(lib, name);
}

/**
 * The CLI objects the closure's files declare (click commands/groups, typer apps, argparse parsers), by
 * `file#name`, with their subcommands linked.
 */
export class CliModel {
  private readonly objs = new Map<string, Obj>();
  private readonly byModule = new Map<string, string>();

  constructor(private readonly files: ReadonlyMap<string, CliFile>) {
    for (const [path, f] of files) if (f.module) this.byModule.set(f.module, path);
    for (const [path, f] of files) if (this.mentions(f.info)) this.collect(path, f);
    for (const [path, f] of files) if (this.mentions(f.info)) this.link(path, f);
  }

  private mentions(info: PyFileInfo): boolean {
    return info.imports.some((i) => i.level === 0 && /^(click|typer|argparse|uvicorn)(\.|$)/.test(i.module)) || info.imports.some((i) => i.level > 0 || i.kind === 'from');
  }

  /** The object a name in `path` is: defined there, or imported from another closure file. */
  resolve(path: string, name: string): Obj | undefined {
    const own = this.objs.get(`${path}#${name}`);
    if (own) return own;
    const f = this.files.get(path);
    if (!f) return undefined;
    for (const i of f.info.imports) {
      if (i.kind !== 'from' || !i.names.includes(name)) continue;
      const m = this.absolute(f, path, i.module, i.level);
      const file = m === undefined ? undefined : this.byModule.get(`${m}.${name}`) ?? this.byModule.get(m);
      if (file && file !== path) return this.objs.get(`${file}#${name}`);
    }
    return undefined;
  }

  /** Where an imported name comes from (`from uvicorn import main` -> `uvicorn.main`). */
  importedFrom(path: string, name: string): string | undefined {
    const f = this.files.get(path);
    const i = f?.info.imports.find((x) => x.kind === 'from' && x.level === 0 && (x.aliases?.[name] !== undefined || x.names.includes(name)));
    return i ? `${i.module}.${i.aliases?.[name] ?? name}` : undefined;
  }

  private absolute(f: CliFile, path: string, module: string, level: number): string | undefined {
    if (level === 0) return module;
    if (!f.module) return undefined;
    const parts = f.module.split('.');
    const pkg = path.endsWith('/__init__.py') ? parts : parts.slice(0, -1);
    if (level - 1 > pkg.length) return undefined;
    const base = pkg.slice(0, pkg.length - (level - 1));
    return [...base, ...(module ? [module] : [])].join('.');
  }

  private add(file: string, name: string, cmd: CliCommand, parentRef?: string): void {
    this.objs.set(`${file}#${name}`, { file, name, cmd, ...(parentRef ? { parentRef } : {}) });
  }

  /** Declarations: decorated functions, `typer.Typer()` and `argparse.ArgumentParser()` assignments, `add_parser`. */
  private collect(path: string, f: CliFile): void {
    const info = f.info;
    const n = namesOf(info);
    for (const a of info.assignments) {
      const call = /^([\w.]+)\(/.exec(a.text.trim())?.[1];
      if (!call) continue;
      const at = info.calls.find((c) => c.callee === call && c.range.start.line === a.valueRange.start.line && c.range.start.character === a.valueRange.start.character);
      if (isLib(call, 'typer', 'Typer', n)) {
        const cmd = this.command('typer', path, '', a.range, true);
        const name = at ? str(kw(at, 'name')) : undefined;
        if (name) cmd.name = name;
        if (at && isTrue(kw(at, 'invoke_without_command'))) cmd.invokeWithoutCommand = true;
        if (at && kw(at, 'cls')) cmd.open = `the typer app ${a.target} uses a custom group class (${kw(at, 'cls')!.text})`;
        this.add(path, a.target, cmd);
      } else if (isLib(call, 'argparse', 'ArgumentParser', n)) {
        this.add(path, scoped(a.target, a.fn), this.command('argparse', path, '', a.range, false));
      } else if (isLib(call, 'click', 'Group', n) || isLib(call, 'click', 'CommandCollection', n)) {
        const cmd = this.command('click', path, '', a.range, true);
        cmd.open = `${a.target} is built by ${call}(...), whose commands the model does not read`;
        this.add(path, a.target, cmd);
      }
    }
    for (const fn of info.functions) {
      const d = this.decorated(path, info, fn, n);
      if (d) this.add(path, fn.name, d.cmd, d.parent);
    }
  }

  /** A function decorated as a click command or group, or a typer command: its command, options and parent. */
  private decorated(path: string, info: PyFileInfo, fn: PyFunction, n: Names): { cmd: CliCommand; parent?: string } | undefined {
    const decs = fn.decorators ?? [];
    let out: { cmd: CliCommand; parent?: string } | undefined;
    const options: CliOption[] = [];
    const positionals: string[] = [];
    for (const d of decs) {
      const m = /^([\w.]+?)(\(|$)/.exec(d.text);
      if (!m) continue;
      const callee = m[1];
      const call = m[2] === '(' ? callAt(info, d.range) : undefined;
      const last = callee.split('.').pop()!;
      const obj = callee.includes('.') ? callee.slice(0, callee.lastIndexOf('.')) : undefined;
      if ((last === 'command' || last === 'group') && (isLib(callee, 'click', last, n) || (obj && obj !== 'click'))) {
        const parentObj = obj && obj !== 'click' ? obj : undefined;
        const typerParent = parentObj ? this.objs.get(`${path}#${parentObj}`)?.cmd.framework === 'typer' || this.importedTyper(path, parentObj) : false;
        const framework: CliFramework = typerParent ? 'typer' : 'click';
        const given = call ? str(kw(call, 'name')) ?? str(positional(call)[0]) : undefined;
        const names = given !== undefined ? [given] : defaultCommandNames(fn.name.split('.').pop()!, framework);
        const cmd = this.command(framework, path, names[0], d.range, last === 'group');
        cmd.aliases = names.slice(1);
        cmd.fn = { file: path, name: fn.name };
        if (call && isTrue(kw(call, 'invoke_without_command'))) cmd.invokeWithoutCommand = true;
        const cls = call ? kw(call, 'cls') : undefined;
        if (cls && last === 'group') cmd.open = `the group ${fn.name} uses a custom class (${cls.text}) that may find commands itself`;
        out = { cmd, ...(parentObj ? { parent: parentObj } : {}) };
      } else if (last === 'callback' && obj && this.objs.get(`${path}#${obj}`)?.cmd.framework === 'typer') {
        const app = this.objs.get(`${path}#${obj}`)!.cmd;
        app.fn = { file: path, name: fn.name };
        if (call && isTrue(kw(call, 'invoke_without_command'))) app.invokeWithoutCommand = true;
        app.options.push(...this.typerParams(path, fn));
      } else if ((last === 'option' || last === 'argument') && call && (isLib(callee, 'click', last, n) || callee === `click.${last}`)) {
        const decl = positional(call).map(str).filter((s): s is string => s !== undefined);
        if (last === 'argument') {
          positionals.push(decl[0] ?? '?');
          continue;
        }
        options.push(clickOption(path, call, decl));
      } else if (/(^|\.)(version_option|help_option)$/.test(callee)) {
        options.push({ flags: callee.endsWith('version_option') ? ['--version'] : ['--help'], takesValue: false });
      }
    }
    if (!out) return undefined;
    out.cmd.options.push(...options);
    out.cmd.positionals.push(...positionals);
    if (out.cmd.framework === 'typer') {
      const params = this.typerParams(path, fn);
      out.cmd.options.push(...params.filter((p) => p.flags.length));
      out.cmd.positionals.push(...params.filter((p) => !p.flags.length).map((p) => p.param!));
    }
    return out;
  }

  private importedTyper(path: string, name: string): boolean {
    const o = this.resolve(path, name);
    return o?.cmd.framework === 'typer';
  }

  /** Typer reads a command's options from its parameters: `port: int = 8000` is `--port` taking a value; bool is a `--x/--no-x` flag; no default is an argument. */
  private typerParams(path: string, fn: PyFunction): CliOption[] {
    const out: CliOption[] = [];
    for (const p of fn.params ?? []) {
      if (p.name.startsWith('*') || p.name === 'self' || /\b(?:typer\.)?Context\b/.test(p.annotation ?? '')) continue;
      const ann = p.annotation ?? '';
      const optionIn = (t: string) => /\b(?:typer\.)?(Option|Argument)\s*\(/.exec(t);
      const marker = optionIn(p.default ?? '') ?? optionIn(ann);
      const isArg = marker ? marker[1] === 'Argument' : p.default === undefined;
      if (isArg) {
        out.push({ flags: [], param: p.name });
        continue;
      }
      const declared = [...(marker ? (marker.input.slice(marker.index).match(/["'](-[^"']+)["']/g) ?? []) : [])].map((s) => s.slice(1, -1));
      const flags = declared.length ? declared.flatMap((d) => d.split('/')).map((x) => x.trim()).filter(Boolean) : [`--${p.name.replace(/_/g, '-')}`];
      const bool = /^(?:Annotated\[\s*)?(?:bool|Optional\[bool\]|bool\s*\|\s*None)\b/.test(ann) || (!ann && /^(True|False)$/.test(p.default?.trim() ?? ''));
      if (bool && !declared.length) flags.push(`--no-${p.name.replace(/_/g, '-')}`);
      const dflt = p.default !== undefined && p.defaultRange ? (marker && optionIn(p.default) ? typerDefault(p.default, p.defaultRange, path) : { text: p.default, range: p.defaultRange, file: path }) : undefined;
      out.push({ flags, param: p.name, takesValue: bool ? false : ann || p.default !== undefined ? true : undefined, ...(dflt ? { default: dflt } : {}) });
    }
    return out;
  }

  /** Links subcommands: decorator parents, `add_command`, `add_typer`, typer commands, argparse `add_subparsers`/`add_parser`/`set_defaults`. */
  private link(path: string, f: CliFile): void {
    const info = f.info;
    for (const o of [...this.objs.values()].filter((x) => x.file === path && x.parentRef)) {
      const parent = this.resolve(path, o.parentRef!);
      if (parent && !parent.cmd.children.includes(o.cmd)) parent.cmd.children.push(o.cmd);
    }
    const subparsers = new Map<string, CliCommand>();
    const parsers = new Map<string, CliCommand>();
    for (const [k, o] of this.objs) if (o.file === path && o.cmd.framework === 'argparse') parsers.set(k.slice(path.length + 1), o.cmd);
    for (const c of info.calls) {
      const applied = /^(\w+)\.(command|group|callback)\((.*)\)$/s.exec(c.callee);
      if (applied) {
        this.applied(path, c, applied[1], applied[2] as 'command' | 'group' | 'callback');
        continue;
      }
      const m = /^(\w+)\.(add_command|add_typer|add_subparsers|add_parser|set_defaults|add_argument)$/.exec(c.callee);
      if (!m) continue;
      const [, objName, method] = m;
      const scopedName = scoped(objName, c.fn);
      const owner = this.resolve(path, objName)?.cmd ?? parsers.get(scopedName) ?? subparsers.get(scopedName);
      if (!owner) continue;
      const dynamic = c.fn !== undefined && !parsers.has(scopedName) && !subparsers.has(scopedName) ? `${c.callee}() is called inside ${c.fn}` : c.inLoop ? `${c.callee}() is called in a loop` : undefined;
      if (method === 'add_command' || method === 'add_typer') {
        const target = positional(c)[0]?.text?.trim();
        const name = str(kw(c, 'name')) ?? (method === 'add_command' ? str(positional(c)[1]) : undefined);
        if (dynamic || !target || !/^[A-Za-z_][\w.]*$/.test(target)) {
          owner.open ??= dynamic ?? `${c.callee}(${target ?? '...'}) adds a command the model cannot name`;
          continue;
        }
        const sub = this.resolve(path, target)?.cmd;
        const from = this.importedFrom(path, target) ?? (target.includes('.') ? target : undefined);
        if (method === 'add_typer' && name === undefined) {
          owner.open ??= `${c.callee}(${target}) without a name merges or names its commands depending on the typer version`;
          continue;
        }
        if (sub) {
          const added: CliCommand = name !== undefined ? { ...sub, name, aliases: [] } : sub;
          owner.children.push(added);
        } else if (from && /^uvicorn\.main(\.main)?$/.test(from)) {
          const cmd = this.command('click', path, name ?? 'main', c.range, false);
          cmd.program = 'uvicorn';
          owner.children.push(cmd);
        } else if (name !== undefined) {
          owner.children.push(this.command('click', path, name, c.range, false));
        } else owner.open ??= `${c.callee}(${target}) adds a command from outside the closure (its name is not known)`;
      } else if (method === 'add_subparsers') {
        const a = info.assignments.find((x) => x.fn === c.fn && x.valueRange.start.line === c.range.start.line && x.valueRange.start.character === c.range.start.character);
        owner.group = true;
        if (a) subparsers.set(scoped(a.target, c.fn), owner);
        if (isTrue(kw(c, 'required')) === false) owner.invokeWithoutCommand = true;
      } else if (method === 'add_parser') {
        const name = str(positional(c)[0]) ?? str(kw(c, 'name'));
        if (name === undefined) {
          owner.open ??= `${c.callee}() with a name the model cannot read`;
          continue;
        }
        const cmd = this.command('argparse', path, name, c.range, false);
        const aliases = kw(c, 'aliases')?.text;
        if (aliases) cmd.aliases = [...aliases.matchAll(/["']([^"']+)["']/g)].map((x) => x[1]);
        owner.children.push(cmd);
        const a = info.assignments.find((x) => x.fn === c.fn && x.valueRange.start.line === c.range.start.line && x.valueRange.start.character === c.range.start.character);
        if (a) parsers.set(scoped(a.target, c.fn), cmd);
      } else if (method === 'set_defaults') {
        const fn = kw(c, 'func')?.text?.trim();
        if (fn && /^[A-Za-z_]\w*$/.test(fn)) {
          const file = this.functionFile(path, fn);
          if (file) owner.fn = { file, name: fn };
        }
      } else if (method === 'add_argument') {
        const decl = positional(c).map(str).filter((s): s is string => s !== undefined);
        if (!decl.length) continue;
        if (!decl[0].startsWith('-')) {
          owner.positionals.push(decl[0]);
          continue;
        }
        const action = str(kw(c, 'action'));
        const nargs = kw(c, 'nargs')?.text?.trim();
        const flagActions = ['store_true', 'store_false', 'store_const', 'count', 'help', 'version', 'append_const'];
        const takes = action === undefined || action === 'store' || action === 'append' || action === 'extend' ? (nargs && nargs !== '1' && nargs !== 'None' ? undefined : true) : flagActions.includes(action) ? false : undefined;
        const long = decl.find((d) => d.startsWith('--')) ?? decl[0];
        const dest = str(kw(c, 'dest')) ?? long.replace(/^-+/, '').replace(/-/g, '_');
        const d = kw(c, 'default');
        owner.options.push({ flags: decl, param: dest, ...(takes !== undefined ? { takesValue: takes } : {}), ...(d?.text ? { default: { text: d.text, range: d.valueRange, file: path } } : {}) });
      }
    }
    // typer: commands of an app without a callback; one command alone runs without its name.
    for (const o of this.objs.values()) {
      const c = o.cmd;
      if (o.file !== path || c.framework !== 'typer' || !c.group || c.name !== '' || c.fn) continue;
      if (c.children.length === 1 && !c.children[0].group && !c.open) c.single = true;
    }
  }

  /**
   * A decorator applied by a call, `app.command("serve")(serve_command)`: the same registration as `@app.command("serve")`
   * on `serve_command` (its name, options and callback), so the command exists. Without a readable function or name the
   * group is open: it may have commands the model cannot list.
   */
  private applied(path: string, c: PyCall, objName: string, method: 'command' | 'group' | 'callback'): void {
    const owner = this.resolve(path, objName)?.cmd;
    if (!owner) return;
    const info = this.files.get(path)!.info;
    const inner = info.calls.find((x) => x.callee === `${objName}.${method}` && x.range.start.line === c.range.start.line && x.range.start.character === c.range.start.character);
    const target = positional(c)[0]?.text?.trim();
    const fnFile = target && /^[A-Za-z_]\w*$/.test(target) ? this.functionFile(path, target) : undefined;
    const fn = fnFile ? this.files.get(fnFile)?.info.functions.find((d) => d.name === target) : undefined;
    if (method === 'callback') {
      if (fn && owner.framework === 'typer') {
        owner.fn = { file: fnFile!, name: fn.name };
        if (inner && isTrue(kw(inner, 'invoke_without_command'))) owner.invokeWithoutCommand = true;
        owner.options.push(...this.typerParams(fnFile!, fn));
      } else owner.open ??= `${objName}.callback(...)(${target ?? '...'}) sets a callback the model cannot read`;
      return;
    }
    const given = inner ? str(kw(inner, 'name')) ?? str(positional(inner)[0]) : undefined;
    const names = given !== undefined ? [given] : target && /^[A-Za-z_]\w*$/.test(target) ? defaultCommandNames(target, owner.framework) : [];
    if (!names.length || c.fn !== undefined || c.inLoop) {
      owner.open ??= c.fn !== undefined ? `${objName}.${method}(...)(...) is called inside ${c.fn}` : c.inLoop ? `${objName}.${method}(...)(...) is called in a loop` : `${objName}.${method}(...)(${target ?? '...'}) adds a command the model cannot name`;
      return;
    }
    const cmd = this.command(owner.framework, path, names[0], c.range, method === 'group');
    cmd.aliases = names.slice(1);
    if (fn) {
      cmd.fn = { file: fnFile!, name: fn.name };
      if (owner.framework === 'typer') {
        const params = this.typerParams(fnFile!, fn);
        cmd.options.push(...params.filter((p) => p.flags.length));
        cmd.positionals.push(...params.filter((p) => !p.flags.length).map((p) => p.param!));
      } else cmd.open = `${names[0]} is registered from ${target}, whose options the model does not read`;
    } else cmd.open = `${names[0]} runs ${target ?? 'a function'} the model cannot read`;
    owner.children.push(cmd);
  }

  /** The closure file defining function `name` as seen from `path`. */
  functionFile(path: string, name: string): string | undefined {
    const f = this.files.get(path);
    if (f?.info.functions.some((d) => d.name === name)) return path;
    for (const i of f?.info.imports ?? []) {
      if (i.kind !== 'from' || !i.names.includes(name)) continue;
      const m = this.absolute(f!, path, i.module, i.level);
      const file = m === undefined ? undefined : this.byModule.get(m);
      if (file && this.files.get(file)?.info.functions.some((d) => d.name === name)) return file;
    }
    return undefined;
  }

  private command(framework: CliFramework, file: string, name: string, range: Range, group: boolean): CliCommand {
    return { name, aliases: [], framework, file, range, group, children: [], options: [], positionals: [] };
  }

  /** The object `name` names in `path` (a click group/command, a typer app, an argparse parser at module level or in `fn`). */
  object(path: string, name: string, fn?: string): CliCommand | undefined {
    return this.objs.get(`${path}#${scoped(name, fn)}`)?.cmd ?? this.resolve(path, name)?.cmd;
  }

  /**
   * The CLI a console script's function (or a module's `__main__` code when `func` is undefined) runs: the
   * function itself when it is a click command or typer app, else the one CLI object its body invokes
   * (`cli()`, `app()`, `typer.run(main)`, `parser.parse_args()`).
   */
  entryCli(path: string, func: string | undefined): { cli: CliCommand; via?: string } | undefined {
    if (func !== undefined) {
      const own = this.object(path, func);
      if (own) return { cli: own };
    }
    // The entry's own code, then the functions it calls (a few levels: `main()` -> `run(argv)` -> `parse_args(argv)`),
    // until one scope invokes a CLI; the first scope that does decides (two different CLIs there: not known).
    const seen = new Set<string>();
    let level: { path: string; fn?: string }[] = [{ path, fn: func }];
    for (let depth = 0; depth < 4 && level.length; depth++) {
      const next: { path: string; fn?: string }[] = [];
      const found: CliCommand[] = [];
      for (const s of level) {
        const key = `${s.path}#${s.fn ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const here = this.invokedIn(s.path, s.fn);
        for (const c of here.clis) if (!found.includes(c)) found.push(c);
        next.push(...here.calls);
      }
      if (found.length) return found.length === 1 ? { cli: found[0], via: func } : undefined;
      level = next;
    }
    return undefined;
  }

  /** The CLIs a scope invokes (`cli()`, `app()`, `typer.run(main)`, `parser.parse_args()`), and the closure functions it calls. */
  private invokedIn(path: string, func: string | undefined): { clis: CliCommand[]; calls: { path: string; fn: string }[] } {
    const f = this.files.get(path);
    const clis: CliCommand[] = [];
    const calls: { path: string; fn: string }[] = [];
    if (!f) return { clis, calls };
    const n = namesOf(f.info);
    const inScope = (x: { fn?: string; mainGuard?: true }) => x.fn === func && (func !== undefined || !!x.mainGuard);
    for (const c of f.info.calls) {
      if (!inScope(c)) continue;
      if (isLib(c.callee, 'typer', 'run', n)) {
        const target = positional(c)[0]?.text?.trim();
        const file = target ? this.functionFile(path, target) : undefined;
        const fnInfo = file ? this.files.get(file)!.info.functions.find((d) => d.name === target) : undefined;
        if (!file || !fnInfo) continue;
        const cmd = this.command('typer', path, '', c.range, false);
        cmd.fn = { file, name: target! };
        const params = this.typerParams(file, fnInfo);
        cmd.options.push(...params.filter((p) => p.flags.length));
        cmd.positionals.push(...params.filter((p) => !p.flags.length).map((p) => p.param!));
        clis.push(cmd);
      }
      const pa = /^(\w+)\.parse(?:_known)?_args$/.exec(c.callee);
      if (pa) {
        const p = this.object(path, pa[1], c.fn);
        if (p && !clis.includes(p)) clis.push(p);
      }
    }
    for (const e of f.info.callGraph) {
      if (!inScope(e) || !/^[A-Za-z_]\w*$/.test(e.callee)) continue;
      const o = this.object(path, e.callee);
      if (o && o.framework !== 'argparse') {
        if (!clis.includes(o)) clis.push(o);
        continue;
      }
      const file = this.functionFile(path, e.callee);
      if (file) calls.push({ path: file, fn: e.callee });
    }
    return { clis, calls };
  }
}

/** argparse parsers live in the function that makes them: `parser` in `main` is `main.parser`. */
function scoped(name: string, fn: string | undefined): string {
  return fn ? `${fn}::${name}` : name;
}

/** `typer.Option(8000, "--port")`: its first positional argument is the default (`...` means required). */
function typerDefault(text: string, range: Range, file: string): CliOption['default'] | undefined {
  const m = /^\s*(?:typer\.)?(?:Option|Argument)\s*\(\s*([^,()]+?)\s*(?:,|\))/.exec(text);
  if (!m || m[1] === '...' || /^["']-/.test(m[1]) || /=/.test(m[1])) return undefined;
  const start = text.indexOf(m[1], text.indexOf('('));
  // The range of the first argument, on the default's line (defaults span one line in practice).
  if (range.start.line !== range.end.line) return undefined;
  return { text: m[1], range: { start: { line: range.start.line, character: range.start.character + start }, end: { line: range.start.line, character: range.start.character + start + m[1].length } }, file };
}

/** A click option's flags, parameter name, arity and default. */
function clickOption(file: string, call: PyCall, decl: string[]): CliOption {
  const flags = decl.filter((d) => d.startsWith('-')).flatMap((d) => d.split('/')).map((x) => x.trim()).filter(Boolean);
  const ident = decl.find((d) => /^[A-Za-z_]\w*$/.test(d));
  const long = decl.filter((d) => d.startsWith('-')).map((d) => d.split('/')[0].trim()).sort((a, b) => (b.startsWith('--') ? 1 : 0) - (a.startsWith('--') ? 1 : 0))[0];
  const param = ident ?? long?.replace(/^-+/, '').replace(/-/g, '_').toLowerCase();
  const slash = decl.some((d) => d.includes('/'));
  const d = kw(call, 'default');
  let takesValue: boolean | undefined = true;
  if (slash || isTrue(kw(call, 'is_flag')) || isTrue(kw(call, 'count')) || kw(call, 'flag_value')) takesValue = false;
  else if (kw(call, 'is_flag')?.text?.trim() === 'False') takesValue = true;
  else if (/^(True|False)$/.test(d?.text?.trim() ?? '') && !kw(call, 'type')) takesValue = undefined;
  else if (kw(call, 'nargs') && kw(call, 'nargs')!.text?.trim() !== '1') takesValue = undefined;
  return { flags, ...(param ? { param } : {}), ...(takesValue !== undefined ? { takesValue } : {}), ...(d?.text ? { default: { text: d.text, range: d.valueRange, file } } : {}) };
}

/** Why a group's commands may be more than the model knows, looking down from it (its own openness). */
function openWhy(g: CliCommand): string | undefined {
  return g.open;
}

/**
 * The command `argv` (the arguments after the program) selects in `root`: group options are skipped
 * (with their values when the declaration says they take one), subcommand names descend, and the
 * selected command's options and positionals are read into `values`.
 */
export function selectCommand(root: CliCommand, argv: string[]): CliSelection {
  const path: CliCommand[] = [root];
  const values = new Map<string, { value: string; index: number }>();
  let cur = root;
  let i = 0;
  let pos = 0;
  let cmdAt = 0;
  const argparse = root.framework === 'argparse';
  const descend = (sub: CliCommand) => {
    path.push(sub);
    cur = sub;
    pos = 0;
    // Options given to a group are its callback's, not the subcommand's (argparse puts them all in one namespace).
    if (!argparse) values.clear();
    // typer: a lone command of an app without a callback runs without its name.
    while (cur.single) {
      cur = cur.children[0];
      path.push(cur);
    }
  };
  if (root.single) {
    path.pop();
    descend(root);
  }
  // A group's options come before its subcommand's name: after it, the subcommand (click, typer) or the subparser (argparse) parses the rest.
  const known = (): CliOption[] => cur.options;
  while (i < argv.length) {
    const a = argv[i];
    if (cur.program) return { path, restFrom: i, values };
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      if (CLICK_HELP.has(a) || (argparse && a === '-h')) return { path, restFrom: i, values, uncertain: `${a} prints the help and exits` };
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      let opt = known().find((o) => o.flags.includes(flag));
      if (!opt && argparse && flag.startsWith('--')) {
        const prefixed = known().filter((o) => o.flags.some((f) => f.startsWith(flag)));
        if (prefixed.length === 1) opt = prefixed[0];
      }
      if (!opt && !flag.startsWith('--') && flag.length > 2) opt = known().find((o) => o.flags.includes(flag.slice(0, 2)));
      if (!opt) return { path, restFrom: i, values, uncertain: `the option ${flag} is not one the model knows of ${describe(path)}` };
      if (opt.flags.includes('--version')) return { path, restFrom: i, values, uncertain: `${flag} prints the version and exits` };
      if (opt.takesValue === undefined) return { path, restFrom: i, values, uncertain: `whether ${flag} takes a value is not known` };
      if (opt.takesValue && inline === undefined && !(flag.length === 2 && a.length > 2 && !a.startsWith('--'))) {
        if (i + 1 >= argv.length) return { path, restFrom: i, values, uncertain: `${flag} has no value` };
        if (opt.param) values.set(opt.param, { value: argv[i + 1], index: i + 1 });
        i += 2;
        continue;
      }
      if (opt.param) values.set(opt.param, { value: inline ?? (opt.takesValue ? a.slice(2) : 'true'), index: i });
      i++;
      continue;
    }
    if (cur.group && !cur.single) {
      const sub = cur.children.find((c) => c.name === a || c.aliases.includes(a));
      if (!sub) {
        const why = openWhy(cur);
        const names = cur.children.flatMap((c) => [c.name, ...c.aliases]);
        const close = names.map((n) => ({ n, d: editDistance(n, a, 2) })).filter((x) => x.d <= 2).sort((x, y) => x.d - y.d);
        const suggestion = close.length && (close.length === 1 || close[0].d < close[1].d) ? close[0].n : undefined;
        return { path, restFrom: i, values, noSuchCommand: { name: a, index: i, group: cur, ...(suggestion ? { suggestion } : {}), certain: !why, ...(why ? { why } : {}) } };
      }
      descend(sub);
      i++;
      cmdAt = i;
      continue;
    }
    const p = cur.positionals[pos++];
    if (p !== undefined) values.set(p, { value: a, index: i });
    i++;
  }
  if (cur.program) return { path, restFrom: i, values };
  for (; i < argv.length; i++) {
    const p = cur.positionals[pos++];
    if (p !== undefined) values.set(p, { value: argv[i], index: i });
  }
  if (cur.group && !cur.single && !cur.invokeWithoutCommand) return { path, restFrom: cmdAt, values, uncertain: `${describe(path)} is given no subcommand: it prints its usage and runs nothing` };
  return { path, restFrom: cmdAt, values };
}

/** `dispatch server start`: the command names along the path. */
export function describe(path: CliCommand[]): string {
  // A typer app's lone command runs without its name: it is not part of the command line.
  return path.slice(1).filter((_c, i) => !path[i].single).map((c) => c.name).filter(Boolean).join(' ') || 'the CLI';
}
