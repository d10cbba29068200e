// RUN instructions -> their effects on the image model: mkdir/touch/cp/mv/rm/ln, pip installs of local projects, and what makes parts of the image uncertain.
import { basename, dirname, join, normalize } from '../fs';
import { expandWord as expandShellWord, splitShell } from '../entrypoint/shell';
import type { BuildContext } from './context';
import type { Instruction, Vars } from './parse';
import { ImageTree } from './tree';

export interface RunEffects {
  tree: ImageTree;
  workdir: string;
  vars: Vars;
  stage: number;
  context: BuildContext;
  /** Image folders whose Python project is installed into site-packages (appended to). */
  installed: { dir: string; instr: Instruction }[];
}

export interface RunResult {
  /** Set when the RUN installed something whose modules the model cannot see. */
  sitePackagesUncertain?: string;
  /** Commands whose file effects the model does not know (a build tool, a script), with the folder each ran in. */
  unmodelled: { command: string; cwd: string }[];
}

/** Commands that change nothing the application imports or copies: system packages, permissions, users, output. */
const NO_APP_FILES = new Set([
  'apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper', 'dpkg', 'rpm', 'dpkg-reconfigure', 'update-ca-certificates',
  'locale-gen', 'ldconfig', 'echo', 'printf', 'chmod', 'chown', 'chgrp', 'useradd', 'adduser', 'groupadd', 'addgroup',
  'usermod', 'ls', 'cat', 'true', 'false', 'set', 'export', 'test', '[', 'which', 'sleep', 'id', 'whoami', 'sed',
  'find', 'rm', 'mkdir', 'touch', 'cd', 'cp', 'mv', 'ln', 'git', 'curl', 'wget', 'tar', 'unzip', 'protoc', 'ulimit', 'umask',
]);

const PIP_VALUE_OPTS = new Set([
  '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--prefix', '--root',
  '--src', '--upgrade-strategy', '--platform', '--python-version', '--implementation', '--abi', '--only-binary',
  '--no-binary', '--progress-bar', '--cache-dir', '--log', '--proxy', '--retries', '--timeout', '--trusted-host',
  '--cert', '--client-cert', '--config-settings', '-C', '--global-option', '--install-option', '--report', '--python',
]);

/** Applies one RUN's understood effects to the tree. Unknown commands change nothing (precision first). */
export function applyRun(ins: Instruction, fx: RunEffects): RunResult {
  const result: RunResult = { unmodelled: [] };
  const env: Record<string, string | undefined> = Object.fromEntries(fx.vars);
  let commands: string[][];
  if (ins.json) {
    commands = [ins.args.map((a) => a.text)];
  } else {
    let text = ins.commandText;
    for (const h of ins.heredocs) text += '\n' + h.content;
    commands = splitShell(text).map((cmd) => cmd.map((w) => (w.hasExpansion ? expandShellWord(w, env).value : w.text)));
  }
  let cwd = fx.workdir;
  const origin = { instr: ins, stage: fx.stage };
  const abs = (p: string) => normalize(p.startsWith('/') ? p : join(cwd, p));
  const uncertain = (dest: string, reason: string) => fx.tree.add({ kind: 'uncertain', dest, reason, origin });

  for (let argv of commands) {
    argv = stripWrappers(argv);
    if (!argv.length) continue;
    const [cmd0, ...rest] = argv;
    const cmd = basename(cmd0);
    switch (cmd) {
      case 'cd':
        if (rest[0] && rest[0] !== '-') cwd = abs(rest[0]);
        break;
      case 'mkdir':
        for (const p of rest.filter((a) => !a.startsWith('-'))) fx.tree.add({ kind: 'mkdir', dest: abs(p), origin });
        break;
      case 'touch':
        for (const p of rest.filter((a) => !a.startsWith('-'))) if (!hasGlob(p)) fx.tree.add({ kind: 'file', dest: abs(p), origin });
        break;
      case 'rm': {
        for (const p of rest.filter((a) => !a.startsWith('-'))) if (!hasGlob(p)) fx.tree.add({ kind: 'delete', dest: abs(p), origin });
        break;
      }
      case 'cp':
      case 'mv':
      case 'ln': {
        const opts = rest.filter((a) => a.startsWith('-'));
        const paths = rest.filter((a) => !a.startsWith('-'));
        if (cmd === 'ln' && !opts.some((o) => /s/.test(o))) break;
        if (paths.length < 2 || paths.some(hasGlob)) {
          if (paths.length >= 2) uncertain(abs(paths[paths.length - 1]), `${cmd} with a pattern`);
          break;
        }
        const target = abs(paths[paths.length - 1]);
        const sources = paths.slice(0, -1).map((p) => (cmd === 'ln' ? normalize(p.startsWith('/') ? p : join(dirname(target), p)) : abs(p)));
        const snapshot = new ImageTree(fx.tree);
        const targetIsDir = snapshot.stat(target) === 'dir' || sources.length > 1 || paths[paths.length - 1].endsWith('/');
        for (const src of sources) {
          const kind = snapshot.stat(src);
          const dest = targetIsDir ? join(target, basename(src)) : target;
          if (!kind) {
            if (snapshot.isUncertain(src)) uncertain(dest, `${cmd} from ${src}, which the model cannot see`);
            continue;
          }
          // cp -r src existing_dir -> existing_dir/src ; cp -r src new -> new (contents)
          fx.tree.add({ kind: 'tree', dest, from: snapshot, fromPath: src, origin });
          if (cmd === 'mv') fx.tree.add({ kind: 'delete', dest: src, origin });
        }
        break;
      }
      case 'git':
        if (rest[0] === 'clone') {
          const pos = rest.slice(1).filter((a) => !a.startsWith('-'));
          const url = pos[0];
          const dir = pos[1] ?? (url ? basename(url).replace(/\.git$/, '') : '');
          if (dir) uncertain(abs(dir), `git clone ${url ?? ''}`.trim());
        }
        break;
      case 'curl':
      case 'wget': {
        const o = optionValue(rest, cmd === 'curl' ? ['-o', '--output'] : ['-O', '--output-document']);
        const dir = optionValue(rest, ['-P', '--directory-prefix']);
        if (o && o !== '-') uncertain(abs(o), `${cmd} downloads it`);
        else if (cmd === 'wget' || rest.includes('-O') || rest.includes('--remote-name')) uncertain(abs(dir ?? '.'), `${cmd} downloads into it`);
        break;
      }
      case 'tar':
      case 'unzip': {
        const d = optionValue(rest, cmd === 'tar' ? ['-C', '--directory'] : ['-d']);
        if (cmd === 'tar' && !rest.some((a) => /^-?[a-zA-Z]*x/.test(a) || a === '--extract')) break;
        uncertain(abs(d ?? '.'), `${cmd} extracts an archive`);
        break;
      }
      case 'protoc':
        for (const a of rest) {
          const m = /^--(?:python|pyi|grpc_python|mypy)_out=(?:[^:]*:)?(.+)$/.exec(a);
          if (m) uncertain(abs(m[1]), 'protoc generates modules');
        }
        break;
      default: {
        const pip = pipArgs(argv);
        if (pip) {
          // pip wheel/download and installs into a prefix write files the model does not follow.
          if (!pip.length || optionValue(pip, ['--prefix', '--root']) !== undefined || pip.includes('--user')) result.unmodelled.push({ command: argv.join(' '), cwd });
          const r = applyPip(pip, cwd, fx, ins, abs);
          if (r && !result.sitePackagesUncertain) result.sitePackagesUncertain = r;
          break;
        }
        const py = pythonModule(argv);
        if (py?.module === 'grpc_tools.protoc') {
          for (const a of py.rest) {
            const m = /^--(?:python|pyi|grpc_python|mypy)_out=(?:[^:]*:)?(.+)$/.exec(a);
            if (m) uncertain(abs(m[1]), 'grpc_tools.protoc generates modules');
          }
          break;
        }
        const installsProject =
          (cmd === 'poetry' && rest[0] === 'install' && !rest.includes('--no-root') && !rest.some((a) => a.startsWith('--only'))) ||
          (cmd === 'uv' && rest[0] === 'sync' && !rest.includes('--no-install-project') && !rest.includes('--no-install-workspace')) ||
          (cmd === 'pdm' && rest[0] === 'install' && !rest.includes('--no-self')) ||
          (cmd === 'hatch' && rest[0] === 'env' && rest[1] === 'create') ||
          (isPython(cmd) && rest[0] === 'setup.py' && /^(install|develop)$/.test(rest[1] ?? ''));
        if (installsProject) {
          fx.installed.push({ dir: cwd, instr: ins });
        }
        if (!NO_APP_FILES.has(cmd) && !(isPython(cmd) && /^(-c|--version|-V)$/.test(rest[0] ?? '') && argv.length <= 3)) result.unmodelled.push({ command: argv.join(' '), cwd });
        break;
      }
    }
  }
  // Output redirections create files (applied last: the splitter drops them, so their order is unknown): `echo "" > pkg/__init__.py` (the splitter drops redirections).
  if (!ins.json) {
    for (const m of ins.commandText.matchAll(/(?:^|[\s;&|])\d?>>?\s*([A-Za-z0-9_./${}-]+)/g)) {
      const target = expandShellWord(m[1], env);
      if (!target.unknown && target.value !== '/dev/null') fx.tree.add({ kind: 'file', dest: abs(target.value), origin });
    }
  }
  return result;
}

/** Drops `sudo`, `env A=B`, leading `A=B` assignments, `exec`, `time`, `nohup`. */
function stripWrappers(argv: string[]): string[] {
  let a = argv;
  for (;;) {
    if (!a.length) return a;
    const h = a[0];
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(h)) a = a.slice(1);
    else if (h === 'sudo' || h === 'exec' || h === 'time' || h === 'nohup' || h === 'command' || h === 'env') {
      // The wrapper and its options; `env`'s assignments go with the next round.
      a = a.slice(1);
      while (a.length && a[0].startsWith('-')) a = a.slice(1);
    } else return a;
  }
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

function optionValue(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (n.startsWith('--') && args[i].startsWith(n + '=')) return args[i].slice(n.length + 1);
      if (!n.startsWith('--') && args[i].startsWith(n) && args[i].length > n.length) return args[i].slice(n.length);
    }
  }
  return undefined;
}

function isPython(cmd: string): boolean {
  return /^python(\d(\.\d+)?)?$/.test(cmd);
}

function pythonModule(argv: string[]): { module: string; rest: string[] } | undefined {
  if (!isPython(basename(argv[0]))) return undefined;
  const i = argv.indexOf('-m');
  if (i < 0 || !argv[i + 1]) return undefined;
  return { module: argv[i + 1], rest: argv.slice(i + 2) };
}

/** The arguments after `install` for pip, pip3, python -m pip, uv pip; undefined for other commands. */
function pipArgs(argv: string[]): string[] | undefined {
  const cmd = basename(argv[0]);
  let rest: string[] | undefined;
  if (/^pip(\d(\.\d+)?)?$/.test(cmd)) rest = argv.slice(1);
  else if (cmd === 'uv' && argv[1] === 'pip') rest = argv.slice(2);
  else {
    const m = pythonModule(argv);
    if (m?.module === 'pip') rest = m.rest;
  }
  if (!rest) return undefined;
  while (rest.length && rest[0].startsWith('-')) rest = rest.slice(1);
  if (rest[0] !== 'install') return [];
  return rest.slice(1);
}

/** Records local projects that pip installs; returns a reason when it installs what the model cannot see. */
function applyPip(args: string[], cwd: string, fx: RunEffects, ins: Instruction, abs: (p: string) => string): string | undefined {
  let unseen: string | undefined;
  const target = optionValue(args, ['-t', '--target']);
  const consider = (spec: string, base: string) => {
    const s = spec.replace(/\[.*\]$/, '');
    if (/\.whl$/.test(s) || (/[*?]/.test(s) && /\.(whl|tar\.gz)/.test(s))) {
      unseen ??= `pip installs ${spec}`;
      return;
    }
    if (!(s.startsWith('.') || s.startsWith('/') || s.includes('/'))) return; // a distribution name
    if (/^(git\+|https?:|file:)/.test(s)) return;
    const dir = normalize(s.startsWith('/') ? s : join(base, s));
    const kind = fx.tree.stat(dir);
    if (kind === 'dir') fx.installed.push({ dir, instr: ins });
    else unseen ??= `pip installs ${spec}, which the model cannot see`;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-e' || a === '--editable') {
      consider(args[++i] ?? '', cwd);
      continue;
    }
    if (a.startsWith('--editable=')) {
      consider(a.slice(11), cwd);
      continue;
    }
    if (a === '-r' || a === '--requirement' || a.startsWith('--requirement=') || (a.startsWith('-r') && a.length > 2)) {
      const file = a === '-r' || a === '--requirement' ? args[++i] : a.startsWith('-r') && !a.startsWith('--') ? a.slice(2) : a.slice(14);
      if (file) for (const spec of requirementPaths(fx, abs(file))) consider(spec, cwd);
      continue;
    }
    if (a === '-t' || a === '--target') {
      i++;
      continue;
    }
    if (PIP_VALUE_OPTS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    consider(a, cwd);
  }
  if (target) fx.tree.add({ kind: 'uncertain', dest: abs(target), reason: `pip install --target ${target}`, origin: { instr: ins, stage: fx.stage } });
  return unseen;
}

/** Local-path requirements (`.`, `-e ./lib`, `./pkg`) listed in a requirements file inside the image. */
function requirementPaths(fx: RunEffects, imagePath: string): string[] {
  const text = fx.tree.text(imagePath, fx.context.fs);
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:-e|--editable)[\s=]+(\S+)/.exec(line);
    if (m) out.push(m[1]);
    else if (/^(\.|\/|\.\.)/.test(line)) out.push(line.split(/\s/)[0]);
  }
  return out;
}
