// Programs that run another program (init shims, user switchers, schedulers, limits) as data: which options take values, what comes before the command.

/** How a wrapper's own arguments end and the wrapped command begins. */
export interface WrapperSpec {
  /** Program names (basename), or a pattern. */
  names: readonly string[] | RegExp;
  /** Options that take a value as the next argument (a `--name=value` form never does). */
  values?: readonly string[];
  /** Positional arguments of the wrapper's own before the command (`gosu USER`, `timeout DURATION`, `s6-setlock FILE`). */
  positional?: number;
  /** `-c CMD` runs CMD with the shell (`su -c`, `runuser -c`): the wrapper becomes `sh -c CMD`. */
  shellCommand?: readonly string[];
  /** `-N` as an option (`nice -10`). */
  numericOption?: boolean;
  /** Without `-c CMD` or one of these options the wrapper runs no command we can see (`su` without `-c` starts a login shell). */
  requires?: readonly string[];
  /** The command is what follows the first `--` (`wait-for-it.sh db:5432 -t 30 -- gunicorn app`); without one it only waits. */
  afterDoubleDash?: boolean;
  /** What the wrapper does when it is given no command, for --explain. */
  noCommand?: string;
}

/** Wrappers whose command is their last arguments; sources in docs/assumptions.md ("Wrappers"). */
export const WRAPPERS: readonly WrapperSpec[] = [
  { names: /^(?:tini(?:-static)?(?:-[\w]+)?|catatonit)$/, values: ['-p', '-e'] },
  { names: ['dumb-init'], values: ['-r', '--rewrite'] },
  { names: ['gosu', 'su-exec', 's6-setuidgid', 'setuidgid', 's6-envuidgid'], positional: 1 },
  { names: ['s6-applyuidgid'], values: ['-u', '-g', '-G'] },
  { names: ['s6-setlock'], values: ['-t', '-d'], positional: 1 },
  { names: ['chpst'], values: ['-u', '-U', '-b', '-e', '-/', '-C', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c', '-r', '-t'] },
  { names: ['setpriv'], values: ['--ruid', '--euid', '--rgid', '--egid', '--reuid', '--regid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule', '--seccomp-filter'] },
  // Without -u runuser falls back to su's semantics: a shell for the user named first.
  { names: ['runuser'], values: ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment'], shellCommand: ['-c', '--command'], requires: ['-u', '--user'] },
  { names: ['su'], values: ['-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment'], shellCommand: ['-c', '--command'], requires: ['-c', '--command'] },
  { names: ['nice'], values: ['-n', '--adjustment'], numericOption: true },
  { names: ['ionice'], values: ['-c', '--class', '-n', '--classdata'] },
  { names: ['timeout'], values: ['-s', '--signal', '-k', '--kill-after'], positional: 1 },
  { names: ['nohup'] },
  { names: ['stdbuf'], values: ['-i', '--input', '-o', '--output', '-e', '--error'] },
  // Waiters: wait for a TCP port, then run the command after `--` (vishnubob's wait-for-it.sh, eficode's wait-for, the
  // wait-for-it PyPI package) or after their options (jwilder's dockerize).
  { names: /^wait-for(?:-it)?(?:\.sh)?$/, afterDoubleDash: true, noCommand: 'waits for a port and runs nothing after it (no `--` command)' },
  // Red Hat's s2i images: `container-entrypoint` execs its arguments (sclorg/s2i-base-container core/root/usr/bin/container-entrypoint).
  { names: ['container-entrypoint'] },
  // AWS Lambda's runtime interface emulator runs the runtime command after its options (aws-lambda-runtime-interface-emulator's README).
  { names: ['aws-lambda-rie'], values: ['--log-level', '--runtime-interface-emulator-address', '--runtime-api-address', '--init-bin'] },
  { names: ['dockerize'], values: ['-wait', '-timeout', '-template', '-stdout', '-stderr', '-wait-retry-interval', '-delims', '-env', '-wait-http-header', '-cacert'], noCommand: 'waits or renders templates and runs no command' },
];

/** The wrapper spec for a program name, if it is one. */
export function wrapperFor(prog: string): WrapperSpec | undefined {
  return WRAPPERS.find((w) => (Array.isArray(w.names) ? w.names.includes(prog) : (w.names as RegExp).test(prog)));
}

/**
 * Where the wrapped command starts in `argv` (the wrapper at index 0), or `shell`: the index of the
 * command text of `-c CMD`, which the wrapper runs with the shell; undefined when it runs no command we can see.
 * An option glued to its value (`stdbuf -oL`, `chpst -uapp`) is one argument.
 */
export function skipWrapper(w: WrapperSpec, argv: readonly string[]): { at: number } | { shell: number } | undefined {
  if (w.shellCommand) {
    // util-linux su/runuser read options anywhere (getopt permutes): `su app -c CMD`, `su -c CMD app`.
    const c = argv.findIndex((v, k) => k > 0 && w.shellCommand!.includes(v));
    if (c > 0) return argv[c + 1] === undefined ? undefined : { shell: c + 1 };
  }
  if (w.requires && !argv.some((v, k) => k > 0 && w.requires!.some((r) => v === r || v.startsWith(`${r}=`)))) return undefined;
  if (w.afterDoubleDash) {
    const dd = argv.indexOf('--', 1);
    return dd < 0 || dd + 1 >= argv.length ? undefined : { at: dd + 1 };
  }
  let i = 1;
  while (i < argv.length) {
    const v = argv[i];
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-') || v.length === 1) break;
    const long = v.startsWith('--') && v.includes('=');
    if (w.numericOption && /^-\d+$/.test(v)) i++;
    else if (w.values?.includes(v) && !long) i += 2;
    else i++;
  }
  const at = Math.min(argv.length, i + (w.positional ?? 0));
  return at >= argv.length && w.noCommand ? undefined : { at };
}
