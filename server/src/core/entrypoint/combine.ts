// Docker's ENTRYPOINT + CMD rule and compose/Kubernetes overrides.
import { ShellEnv, shlexSplit } from './shell';

/** A CMD or ENTRYPOINT: exec form (JSON array) or shell form (`args` holds the command text). */
export interface CommandInstruction {
  form: 'exec' | 'shell';
  args: string[];
  /** Shell form: the SHELL instruction in effect where it was written (Docker's default `/bin/sh -c` otherwise). */
  shell?: string[];
}

export interface CombinedCommand {
  /** The argv the container runs. */
  argv: string[];
  /** The program is the shell running a shell-form instruction (`/bin/sh -c TEXT`). */
  shell: boolean;
  /** The program comes from ENTRYPOINT. */
  fromEntrypoint: boolean;
  /** A CMD was given but has no effect (a shell-form ENTRYPOINT that never names $0, $1, $@ ...). */
  cmdIgnored: boolean;
}

/** Docker's default shell for shell-form instructions (a SHELL instruction changes it). */
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

function shellForm(i: CommandInstruction, shell: string[]): string[] {
  return i.form === 'shell' ? [...(i.shell ?? shell), i.args.join(' ')] : [...i.args];
}

/**
 * Combines ENTRYPOINT and CMD as Docker documents it: exec ENTRYPOINT + exec CMD appends CMD's args;
 * exec ENTRYPOINT + shell CMD appends `/bin/sh -c CMD`; a shell ENTRYPOINT runs `/bin/sh -c ENTRYPOINT CMD...`,
 * where CMD is only the shell's $0, $1 ...: without `$0`/`$@` in it, CMD has no effect (and is left out); without ENTRYPOINT the CMD runs (shell form through `/bin/sh -c`). An exec-form
 * `ENTRYPOINT []` counts as none. (Setting ENTRYPOINT also resets a CMD inherited from the base image;
 * the caller passes only the CMD that applies.)
 */
export function combineCommand(
  entrypoint?: CommandInstruction | null, cmd?: CommandInstruction | null, shell: string[] = DEFAULT_SHELL,
): CombinedCommand {
  const ep = entrypoint && !(entrypoint.form === 'exec' && entrypoint.args.length === 0) ? entrypoint : undefined;
  const c = cmd && !(cmd.form === 'exec' && cmd.args.length === 0) ? cmd : undefined;
  if (ep?.form === 'shell') {
    // Docker still appends CMD after the shell's `-c` string: the shell gets it as $0, $1 ... (docker/docs#14233), so an
    // ENTRYPOINT that names them (`exec ./entrypoint.sh $0 $@`) runs with CMD; one that does not, runs without it.
    const uses = !!c && /\$(?:[0-9@*#]|\{[0-9@*#])/.test(ep.args.join(' '));
    return { argv: [...shellForm(ep, shell), ...(uses ? shellForm(c!, shell) : [])], shell: true, fromEntrypoint: true, cmdIgnored: !!c && !uses };
  }
  if (ep) return { argv: [...ep.args, ...(c ? shellForm(c, shell) : [])], shell: false, fromEntrypoint: true, cmdIgnored: false };
  if (c) return { argv: shellForm(c, shell), shell: c.form === 'shell', fromEntrypoint: false, cmdIgnored: false };
  return { argv: [], shell: false, fromEntrypoint: false, cmdIgnored: false };
}

export interface CommandOverrides {
  /** compose `entrypoint:` / Kubernetes `command:`. */
  entrypoint?: string[] | string | null;
  /** compose `command:` / Kubernetes `args:`. */
  cmd?: string[] | string | null;
  kind: 'compose' | 'k8s';
  /** Kubernetes only: the container's env, to expand `$(NAME)` references in command and args. */
  env?: ShellEnv;
}

export interface ImageCommand {
  entrypoint?: CommandInstruction | null;
  cmd?: CommandInstruction | null;
}

/**
 * Applies a compose service's or a Kubernetes container's overrides to the image's ENTRYPOINT/CMD.
 * compose: `entrypoint` replaces ENTRYPOINT and clears the image's CMD (`[]`/`''` means none);
 * `command` replaces CMD; strings are split like a shell would, without a shell (exec form).
 * Kubernetes: `command` replaces ENTRYPOINT and drops the image's CMD; `args` replaces CMD; an empty
 * list counts as not given; `$(NAME)` is expanded from `env` (`$$` escapes).
 */
export function applyOverrides(image: ImageCommand, o: CommandOverrides): { entrypoint: CommandInstruction | null; cmd: CommandInstruction | null } {
  let entrypoint = image.entrypoint ?? null;
  let cmd = image.cmd ?? null;
  const toExec = (v: string[] | string): CommandInstruction => {
    let args = typeof v === 'string' ? (o.kind === 'compose' ? shlexSplit(v) : [v]) : [...v];
    if (o.kind === 'k8s' && o.env) args = args.map((a) => expandK8sRefs(a, o.env!));
    return { form: 'exec', args };
  };
  const given = (v: string[] | string | null | undefined): v is string[] | string =>
    v !== undefined && v !== null && !(o.kind === 'k8s' && v.length === 0);
  if (given(o.entrypoint)) {
    entrypoint = o.entrypoint.length === 0 ? null : toExec(o.entrypoint);
    cmd = null;
  }
  if (given(o.cmd)) cmd = o.cmd.length === 0 ? null : toExec(o.cmd);
  return { entrypoint, cmd };
}

/** Kubernetes' `$(NAME)` expansion in command/args: known names are replaced, `$$` becomes `$`, others stay. */
export function expandK8sRefs(arg: string, env: ShellEnv): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (m, name: string | undefined) => {
    if (name === undefined) return '$';
    const v = env[name];
    return v === undefined ? m : v;
  });
}
