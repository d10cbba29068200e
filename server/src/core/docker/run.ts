// RUN instructions -> their effects on the image model: mkdir/touch/cp/mv/rm/ln, installs (read through the tool table in installs.ts), and what makes parts of the image uncertain.
import { basename, dirname, join, normalize } from '../fs';
import { expandWord as expandShellWord, ShellWord } from '../entrypoint/shell';
import { decideCondition, escapeGlob, globMatch, ImageReader, parseScript, ShellNode } from '../entrypoint/follow';
import { runnerCommandStart } from '../entrypoint/parse';
import type { BuildContext } from './context';
import { InstallContext, InstallRecord, interpretInstall, interpretSystemPackages, PythonEnv } from './installs';
import type { Instruction, Vars } from './parse';
import { ImageTree, rebase, within } from './tree';
import type { InstalledProject, StageModel } from './image';

/** What a stage knows about its Python and what was installed into it (part of the stage model). */
export interface InstallState {
  /** The stage's Python: from the base image (or parent stage), `uv python install`, apt `python3.X`. */
  python?: PythonEnv;
  /** Virtual environments made in (or copied into) the stage. */
  venvs: PythonEnv[];
  /** Every install step whose result the stage holds (its own, and those carried by COPY --from). */
  installs: InstallRecord[];
  /** A RUN that may install distributions the model cannot read (a script, an OS-packaged Python library). */
  installsUnknown?: { reason: string; instr: Instruction };
  /** `poetry config virtualenvs.create false` ran. */
  poetryNoVenv: boolean;
  /** Version of the python3 the OS package manager would install (Debian/Ubuntu bases). */
  aptPython?: string;
  /** The external image the stage's chain of FROMs starts at (`python:3.11-slim`). */
  rootBase: string;
}

export interface RunEffects {
  tree: ImageTree;
  workdir: string;
  vars: Vars;
  stage: number;
  context: BuildContext;
  /** Image folders whose Python project is installed into site-packages (appended to). */
  installed: InstalledProject[];
  /** Python environments and install records of the stage (updated in place). */
  state: InstallState;
  /** USER's home folder. */
  home: string;
  /** The Dockerfile's earlier stages, for `RUN --mount=type=bind,from=<stage>`. */
  stages?: readonly StageModel[];
}

export interface RunResult {
  /** Set when the RUN installed something whose modules the model cannot see. */
  sitePackagesUncertain?: string;
  /** Commands whose file effects the model does not know (a build tool, a script), with the folder each ran in. */
  unmodelled: { command: string; cwd: string; noModules?: true }[];
}

/** Commands that change nothing the application imports or copies: system packages, permissions, users, output. */

/** Release archives whose layout is known: where extracting them puts files (s6-overlay's Makefile builds its tarballs from layout/rootfs-overlay, symlinks into usr/bin). */
/** `git clone` options that take the next word as their value (git-clone(1)). */
const GIT_CLONE_VALUE_OPTS = new Set(['-b', '--branch', '-o', '--origin', '-c', '--config', '-u', '--upload-pack', '-j', '--jobs', '--depth', '--reference', '--reference-if-able', '--separate-git-dir', '--template', '--shallow-since', '--shallow-exclude', '--filter', '--bundle-uri', '--server-option', '--ref-format']);

const KNOWN_ARCHIVES: { name: RegExp; what: string; paths: string[] }[] = [
  { name: /^s6-overlay-symlinks-(?:noarch|arch)\.tar\.xz$/, what: "s6-overlay's symlinks", paths: ['usr/bin'] },
  { name: /^(?:s6|syslogd)-overlay-[\w.-]+\.tar\.xz$/, what: 's6-overlay', paths: ['command', 'init', 'etc/s6-overlay', 'package'] },
];
const NO_APP_FILES = new Set([
  'apt-get', 'apt', 'add-apt-repository', 'apt-add-repository', 'apk', 'yum', 'dnf', 'microdnf', 'zypper', 'dpkg', 'rpm', 'dpkg-reconfigure', 'update-ca-certificates',
  'locale-gen', 'ldconfig', 'echo', 'printf', 'chmod', 'chown', 'chgrp', 'useradd', 'adduser', 'groupadd', 'addgroup',
  'usermod', 'ls', 'cat', 'true', 'false', 'set', 'export', 'test', '[', '[[', 'which', 'sha256sum', 'sha512sum', 'sha1sum', 'md5sum', 'sleep', 'id', 'whoami', 'sed',
  'find', 'rm', 'mkdir', 'touch', 'cd', 'pushd', 'popd', 'cp', 'mv', 'ln', 'git', 'curl', 'wget', 'tar', 'unzip', 'protoc', 'ulimit', 'umask',
]);

/**
 * Django's own management commands that write files but never a Python module: static files, compiled
 * messages, the database (makemigrations and startapp, which do write modules, are not here).
 */
const DJANGO_NO_MODULE_COMMANDS = new Set(['collectstatic', 'compilemessages', 'migrate', 'check', 'createcachetable', 'showmigrations', 'diffsettings', 'compress']);

/** `python manage.py collectstatic`, `./manage.py compilemessages`, `django-admin migrate`: writes no module. */
function djangoWritesNoModules(cmd: string, rest: string[]): boolean {
  const args = isPython(cmd) ? (basename(rest[0] ?? '') === 'manage.py' ? rest.slice(1) : undefined) : basename(cmd) === 'manage.py' || cmd === 'django-admin' ? rest : undefined;
  const sub = args?.find((a) => !a.startsWith('-'));
  return sub !== undefined && DJANGO_NO_MODULE_COMMANDS.has(sub);
}

/**
 * Python code that may write Python modules: spawns other programs, generates code (protoc, templates), copies or
 * writes files named `.py`, or unpacks archives. A warm-up script (`tiktoken.get_encoding(...)`, a model download
 * into a cache) has none of these (study h6 R5: Skyvern's load_tiktoken.py silenced every missing target in /app).
 */
const PY_MAY_WRITE_MODULES = /\b(?:subprocess|os\.system|os\.popen|os\.exec\w*|os\.spawn\w*|grpc_tools|protoc|jinja2|cookiecutter|shutil|copytree|extractall|unpack_archive|write_text|write_bytes|compile\(|exec\(|setup\(|runpy)\b|\.py['"]|\.write\(|\bopen\([^\n]*['"](?:[wax]|r\+)[bt]?\+?['"]|mode\s*=\s*['"][wax]/;

/** `python script.py` whose source the image holds and that cannot write a Python module (PY_MAY_WRITE_MODULES). */
function pythonScriptWritesNoModules(cmd: string, rest: string[], read: (p: string) => string | undefined): boolean {
  if (!isPython(cmd) || !rest[0] || rest[0].startsWith('-') || !rest[0].endsWith('.py') || basename(rest[0]) === 'manage.py' || basename(rest[0]) === 'setup.py') return false;
  const text = read(rest[0]);
  return text !== undefined && text.length < 200_000 && !PY_MAY_WRITE_MODULES.test(text);
}

/**
 * The file names `curl -O URL` / `wget URL` give their downloads: each literal URL's last path segment
 * (curl: `--remote-name` "uses the file name part of the URL"; wget: the URL's file name, so no query string).
 * Undefined when the server may choose the name (`-J`, `--content-disposition`, `--trust-server-names`) or a URL has none.
 */
export function remoteNames(args: string[]): string[] | undefined {
  if (args.some((a) => /^-[a-zA-Z]*J/.test(a) || a === '--remote-header-name' || a === '--content-disposition' || a === '--trust-server-names')) return undefined;
  const urls = args.filter((a) => /^(https?|ftp):\/\//i.test(a));
  if (!urls.length) return undefined;
  const names = urls.map((u) => /^[a-z]+:\/\/[^/?#]+\/(?:[^?#]*\/)?([^/?#]+)$/i.exec(u)?.[1]);
  return names.every((n): n is string => !!n && n !== '.' && n !== '..') ? names : undefined;
}

/** Applies one RUN's understood effects to the tree. Unknown commands change nothing (precision first). */
export function applyRun(ins: Instruction, fx: RunEffects): RunResult {
  const result: RunResult = { unmodelled: [] };
  /** The shell's variables: the stage's ARG/ENV, then what the RUN assigns (undefined: set to something not known). */
  const env: Record<string, string | undefined> = Object.fromEntries(fx.vars);
  const reading = mountedTree(ins, fx);
  let cwd = fx.workdir;
  const dirStack: string[] = [];
  const origin = { instr: ins, stage: fx.stage };
  const abs = (p: string) => normalize(p.startsWith('/') ? p : join(cwd, p));
  const uncertain = (dest: string, reason: string) => fx.tree.add({ kind: 'uncertain', dest, reason, origin });
  /** The simple command before the current one (the writer of a pipe into `sh`). */
  let prev: string[] | undefined;

  /**
   * One simple command, expanded (`unknownFull`: per word, it holds a variable the model could not expand).
   * `cond` says why it may not run (a branch of a condition the model cannot decide): what it installs then
   * counts as possibly installed, and what it deletes as uncertain.
   */
  /** Scripts being walked (a script that runs itself stops there); set once the walker exists. */
  // `via`: the script invocations a command runs under (`./gen.sh /entrypoint.sh: `), so what it may write names them.
  const nested = { depth: 0, seen: new Set<string>(), via: '' };
  let walkNested: ((text: string, cond: string | undefined) => void) | undefined;
  /** The image path of the shell script `argv` runs (`./x.sh`, `/opt/x`, `sh x.sh`, `bash -e x.sh`), if its words are known. */
  const shellScriptIn = (argv: string[], unknownWord: boolean[]): { path: string } | undefined => {
    if (unknownWord.slice(0, 2).some(Boolean)) return undefined;
    if (SHELLS.test(basename(argv[0])) && argv.length >= 2) {
      const k = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
      if (k < 0 || argv.slice(1, k).some((o) => /c/.test(o))) return undefined;
      return { path: abs(argv[k]) };
    }
    return argv[0].includes('/') ? { path: abs(argv[0]) } : undefined;
  };
  const runSimple = (full: string[], unknownFull: boolean[], cond: string | undefined): void => {
    let argv = stripWrappers(full);
    let unknownWord = unknownFull.slice(full.length - argv.length);
    if (!argv.length) return;
    // `./manage.py collectstatic`: the kernel runs a script by its `#!` line, so a Python one is `python ./manage.py collectstatic`.
    const interp = argv[0].includes('/') ? pythonShebang(reading.text(abs(argv[0]), fx.context.fs)) : undefined;
    if (interp) {
      argv = [...interp, ...argv];
      unknownWord = [...interp.map(() => false), ...unknownWord];
    }
    // A shell script of the project (`./scripts/install.sh`, `bash /opt/setup.sh`): its commands are what runs, judged
    // one by one (study h6: IntelOwl's in-repo install scripts made the install set unknown).
    const script = shellScriptIn(argv, unknownWord);
    if (script && walkNested && nested.depth < 4 && !nested.seen.has(script.path)) {
      const text = reading.text(script.path, fx.context.fs);
      if (text !== undefined && text.length < 200_000 && !text.includes('\0') && isShellScript(text, script.path)) {
        const via = nested.via;
        nested.depth++;
        nested.seen.add(script.path);
        nested.via = `${via}${argv.join(' ')}: `;
        walkNested(text, cond);
        nested.via = via;
        nested.seen.delete(script.path);
        nested.depth--;
        return;
      }
    }
    const [cmd0, ...rest] = argv;
    const cmd = basename(cmd0);
    // Run by `uv run` / `poetry run` (stripped above): judged as the runner itself was before, not as a bare program that may install.
    const viaRunner = full.some((_, k) => full[k + 1] === 'run' && runnerCommandStart(full.slice(k)) !== undefined);
    if (cmd === 'exit' || cmd === 'return') return;
    // `install -d DIR...` only makes folders (install(1)); its file-copying forms are read as unknown programs (below).
    if (cmd === 'install' && rest.some((a) => a === '--directory' || /^-[a-zA-Z]*d[a-zA-Z]*$/.test(a))) {
      // -m/-o/-g take a value: it is no folder.
      for (const p of rest.filter((a, i) => !a.startsWith('-') && !/^-[mgo]$/.test(rest[i - 1] ?? ''))) fx.tree.add({ kind: 'mkdir', dest: abs(p), origin });
      return;
    }
    switch (cmd) {
      case 'source':
      case '.':
        // `. /opt/venv/bin/activate`: for the rest of this RUN (a fresh shell each RUN), pip and python are the venv's.
        if (rest[0] && /(?:^|\/)bin\/activate$/.test(rest[0]) && !cond) {
          const root = dirname(dirname(abs(rest[0])));
          env.VIRTUAL_ENV = root;
          env.PATH = `${root}/bin:${env.PATH ?? ''}`;
        }
        break;
      case 'cd':
        if (rest[0] && rest[0] !== '-') cwd = abs(rest[0]);
        break;
      case 'pushd':
        if (rest[0] && !rest[0].startsWith('-') && !rest[0].startsWith('+')) {
          dirStack.push(cwd);
          cwd = abs(rest[0]);
        }
        break;
      case 'popd':
        cwd = dirStack.pop() ?? cwd;
        break;
      case 'mkdir':
        for (const p of rest.filter((a) => !a.startsWith('-'))) fx.tree.add({ kind: 'mkdir', dest: abs(p), origin });
        break;
      case 'touch':
        for (const p of rest.filter((a) => !a.startsWith('-'))) if (!hasGlob(p)) fx.tree.add({ kind: 'file', dest: abs(p), origin });
        break;
      case 'rm': {
        // Under a condition the file may or may not be gone.
        for (const p of rest.filter((a) => !a.startsWith('-'))) if (!hasGlob(p)) {
          if (cond) uncertain(abs(p), `rm ${cond}`);
          else fx.tree.add({ kind: 'delete', dest: abs(p), origin });
        }
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
          if (cmd === 'mv') {
            if (!cond) fx.tree.add({ kind: 'delete', dest: src, origin });
            // A wheel folder moved (`uv build && mv dist /dist`): its wheels are where they went.
            fx.state.installs.forEach((r, k) => {
              if (r.wheelhouse && within(src, r.home)) fx.state.installs[k] = { ...r, home: r.home === src ? dest : join(dest, r.home.slice(src.length + 1)) };
            });
          }
        }
        break;
      }
      case 'git':
        if (rest[0] === 'clone') {
          // Positionals are the URL and the folder; options that take a value (`-b main`, `--depth 1`) are skipped with it.
          const pos: string[] = [];
          let unknownName = false;
          for (let k = 1; k < rest.length; k++) {
            const a = rest[k];
            if (GIT_CLONE_VALUE_OPTS.has(a)) k++;
            else if (!a.startsWith('-')) {
              if (pos.length < 2 && unknownWord[k + 1]) unknownName = true;
              pos.push(a);
            }
          }
          const url = pos[0];
          // A URL or folder from a variable the model cannot know: the clone may be any folder here.
          const dir = unknownName && (pos.length < 2 || unknownWord[rest.indexOf(pos[1]) + 1]) ? '.' : pos[1] ?? (url ? basename(url).replace(/\.git$/, '') : '');
          if (dir) uncertain(abs(dir), `git clone ${url ?? ''}`.trim());
        }
        break;
      case 'curl':
      case 'wget': {
        // `wget --version`, `curl -h`: prints and exits, writing nothing.
        if (rest.some((a) => a === '--version' || a === '-V' || a === '--help' || a === '-h')) break;
        const o = optionValue(rest, cmd === 'curl' ? ['-o', '--output'] : ['-O', '--output-document']);
        const dir = optionValue(rest, ['-P', '--directory-prefix', '--output-dir']);
        if (o && o !== '-') uncertain(abs(o), `${cmd} downloads it`);
        else if (cmd === 'wget' || rest.some((a) => /^-[a-zA-Z]*O[a-zA-Z]*$/.test(a) || a === '--remote-name' || a === '--remote-name-all')) {
          // curl -O / wget name the file after the URL's last path segment (unless the server names it: -J, --content-disposition).
          const names = remoteNames(rest);
          const into = abs(dir ?? '.');
          if (names) for (const n of names) uncertain(join(into, n), `${cmd} downloads it`);
          else uncertain(into, `${cmd} downloads into it`);
        }
        break;
      }
      case 'tar':
      case 'unzip': {
        const d = optionValue(rest, cmd === 'tar' ? ['-C', '--directory'] : ['-d']);
        if (cmd === 'tar' && !rest.some((a) => /^-?[a-zA-Z]*x/.test(a) || a === '--extract')) break;
        // An archive whose contents are known by its name (s6-overlay's release tarballs) only makes those folders uncertain.
        const known = rest.map((a) => KNOWN_ARCHIVES.find((k) => k.name.test(basename(a)))).find((k) => k);
        if (known) for (const p of known.paths) uncertain(join(abs(d ?? '.'), p), `${cmd} extracts ${known.what}`);
        else uncertain(abs(d ?? '.'), `${cmd} extracts an archive`);
        break;
      }
      case 'protoc':
        for (const a of rest) {
          const m = /^--(?:python|pyi|grpc_python|mypy)_out=(?:[^:]*:)?(.+)$/.exec(a);
          if (m) uncertain(abs(m[1]), 'protoc generates modules');
        }
        break;
      default: {
        // `curl -LsSf https://astral.sh/uv/install.sh | sh`: an installer of a tool that is no Python distribution.
        if (SHELLS.test(cmd) && prev && toolInstallerPiped(prev, rest)) break;
        const ictx = installContext(fx, reading, cwd, env);
        const step = interpretSystemPackages(argv, ictx, fx.state.aptPython, ins, fx.stage, fx.state.rootBase) ?? interpretInstall(argv, unknownWord, ins, fx.stage, ictx);
        if (step) {
          applyInstallStep(step, fx, ins, origin, result, cond);
          // pip wheel and installs into a prefix or the user folder write files beyond what the model follows.
          if (step.record && (step.record.wheelhouse || argv.some((a) => /^--(prefix|root|user)\b/.test(a)))) result.unmodelled.push({ command: nested.via + argv.join(' '), cwd });
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
        // `python -m compileall DIR` / `py_compile` byte-compile the .py files that exist (`__pycache__/*.pyc`, or `x.pyc`
        // beside `x.py` with -b): no module that has no source, no other file, no install: nothing the model tracks.
        if (isPython(cmd) && (py?.module === 'compileall' || py?.module === 'py_compile')) break;
        const installsProject = (cmd === 'hatch' && rest[0] === 'env' && rest[1] === 'create') || (isPython(cmd) && basename(rest[0] ?? '') === 'setup.py' && /^(install|develop)$/.test(rest[1] ?? ''));
        if (installsProject) {
          fx.installed.push({ dir: cwd, instr: ins });
          fx.state.installsUnknown ??= { reason: `${cmd} ${rest.slice(0, 2).join(' ')} installs what setup.py declares`, instr: ins };
        } else if (!viaRunner && !INSTALL_NEUTRAL.test(cmd) && !versionQuery(cmd, rest) && !(isPython(cmd) && !rest.some((a) => /^(ensurepip|setup\.py|get-pip\.py)$/.test(basename(a)))) && !(cmd === 'uv' || cmd === 'poetry' || cmd === 'pipenv' || cmd === 'pdm' || PIP_EXE.test(cmd))) {
          fx.state.installsUnknown ??= { reason: `RUN ${argv.slice(0, 3).join(' ')} may install distributions`, instr: ins };
        }
        // `python -c "import x"` (a check) writes nothing; code that opens, writes, downloads or spawns may.
        const check = isPython(cmd) && /^(-c|--version|-V)$/.test(rest[0] ?? '') && argv.length <= 3 && !(rest[0] === '-c' && PY_C_WRITES.test(rest[1] ?? ''));
        const noModules = djangoWritesNoModules(cmd, rest) || pythonScriptWritesNoModules(cmd, rest, (p) => reading.text(abs(p), fx.context.fs));
        if (!NO_APP_FILES.has(cmd) && !check && !versionQuery(cmd, rest)) result.unmodelled.push({ command: nested.via + argv.join(' '), cwd, ...(noModules ? { noModules: true as const } : {}) });
        // `go install` writes its binaries to $GOBIN, else the first $GOPATH's bin (the golang images set GOPATH=/go), else $HOME/go/bin.
        if (cmd === 'go' && rest[0] === 'install') {
          const gobin = env.GOBIN || (env.GOPATH ? `${env.GOPATH.split(':')[0]}/bin` : undefined);
          for (const d of gobin ? [gobin] : ['/go/bin', `${env.HOME || '/root'}/go/bin`]) uncertain(abs(d), 'go install writes its binaries there');
        }
        break;
      }
    }
  };

  if (ins.json) runSimple(ins.args.map((a) => a.text), ins.args.map(() => false), undefined);
  else {
    let text = ins.commandText;
    for (const h of ins.heredocs) text += '\n' + h.content;
    const walker: ShellWalk = {
      env,
      simple: (words, cond) => {
        const ex = words.map((w) => (w.hasExpansion ? expandShellWord(w, env) : undefined));
        const argv = words.map((w, j) => ex[j]?.value ?? w.text);
        const unknown = words.map((w, j) => !!ex[j] && (ex[j]!.unknown || unsetVariable(w.raw, env)));
        // `sh -c 'script'` (`bash -ec`, ...): the script's commands are what runs (the apt.postgresql.org snippet
        // wraps its `echo ... > sources.list` so; study h5 R5). Its own `cd` and variables stay inside it.
        if (/^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|dash|ash)$/.test(argv[0]) && /^-[a-z]*c$/.test(argv[1] ?? '') && argv.length >= 3 && !unknown[2]) {
          walkNested!(argv[2], cond);
          prev = argv;
          return;
        }
        runSimple(argv, unknown, cond);
        prev = argv;
      },
      // `sh -c` has no arguments, but RUNs set them (`set -- /opt/wheels/torch-*.whl && test "$#" -eq 1`): not known.
      decide: (cond) => decideCondition(cond, { env, cwd, name: '/bin/sh', image: imageReader(reading, fx.context.fs) }),
      getCwd: () => cwd,
      setCwd: (c) => {
        cwd = c;
      },
    };
    walkNested = (script, cond) => {
      // The script runs in a shell of its own: its cd and variables stay there; $1.. are unknown.
      const saved = cwd;
      walkShell(parseScript(script, false), script, { ...walker, env: { ...env }, simple: (w, c) => walker.simple(w, c ?? cond) });
      cwd = saved;
    };
    walkShell(parseScript(text, false), text, walker);
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

/**
 * The image as a RUN's file tests see it (`[ -f requirements-dev.txt ]`): what the model has there. A path the model
 * has nothing at is absent only inside a folder the model knows (the base image's own files are not modelled) and
 * that nothing uncertain covers.
 */
function imageReader(tree: ImageTree, fs: BuildContext['fs']): ImageReader {
  return {
    text: (p) => tree.text(p, fs),
    stat: (p) => tree.stat(p),
    uncertain: (p) => tree.isUncertain(p) || tree.stat(dirname(p)) !== 'dir',
  };
}

interface ShellWalk {
  /** The shell's variables, updated in place by assignments and loops. */
  env: Record<string, string | undefined>;
  /** Runs one simple command; `cond` says why it may not run. */
  simple(words: ShellWord[], cond: string | undefined): void;
  /** An `if` condition or a test operand of `&&`/`||`, decided as the entrypoint follower decides them; undefined when it cannot be. */
  decide(cond: ShellNode[]): boolean | undefined;
  getCwd(): string;
  setCwd(cwd: string): void;
}

/** Commands whose only effect is an exit status (tests and look-ups): a condition, never an install or a file. */
const STATUS_ONLY = new Set(['[', '[[', 'test', 'true', 'false', ':', 'which', 'type', 'hash']);
/** `[ ... ]`, `test`, `true`/`false` (with `!`): what decideCondition can decide. */
const TESTS = new Set(['[', '[[', 'test', 'true', 'false', ':']);

function firstWord(words: ShellWord[]): { word: string; rest: ShellWord[] } {
  let i = 0;
  while (i < words.length && words[i].text === '!' && !words[i].quoted) i++;
  return { word: words[i]?.text ?? '', rest: words.slice(i + 1) };
}

/** A test or look-up command (`[ -f x ]`, `command -v uv`, `which pip`): it decides what runs and does nothing else. */
function statusOnly(n: ShellNode): boolean {
  if (n.t === 'andor') return n.items.every(statusOnly);
  if (n.t !== 'cmd') return false;
  const { word, rest } = firstWord(n.words);
  return STATUS_ONLY.has(word) || (word === 'command' && /^-[vV]$/.test(rest[0]?.text ?? ''));
}

const MAX_ITERATIONS = 64;

/**
 * Walks a RUN's shell commands the way the shell runs them: and/or lists, `if`/`elif`/`else` (a condition the
 * model decides picks its branch; one it cannot makes every branch conditional), `case`, `for` over a word list
 * (each word bound in turn; an unknown list leaves the variable unknown), `while`/`until` (conditional), brace
 * groups, subshells (their `cd` and assignments stay inside) and functions. Each simple command goes to `w.simple`.
 */
function walkShell(nodes: ShellNode[], text: string, w: ShellWalk): void {
  const funcs = new Map<string, ShellNode[]>();
  const spanOf = (ns: ShellNode[]): string => {
    let from = Infinity;
    let to = -1;
    const visit = (n: ShellNode): void => {
      if (n.t === 'cmd') {
        from = Math.min(from, n.words[0].start);
        to = Math.max(to, n.words[n.words.length - 1].end);
      } else if (n.t === 'andor') n.items.forEach(visit);
      else if (n.t === 'group' || n.t === 'loop' || n.t === 'func') n.body.forEach(visit);
      else if (n.t === 'if') n.arms.forEach((a) => [...a.cond, ...a.body].forEach(visit));
      else if (n.t === 'case') n.arms.forEach((a) => a.body.forEach(visit));
    };
    ns.forEach(visit);
    const s = to < 0 ? '' : text.slice(from, to).replace(/\\\r?\n\s*/g, ' ').replace(/\s+/g, ' ');
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  const undecided = (what: string): string => `under a condition the model cannot decide (${what})`;
  /** Assignments alone (`X=1`, `export X=1`): the variable's value, or not known when it may not run. */
  const assigns = (words: ShellWord[], cond: string | undefined): boolean => {
    const exp = words[0].text === 'export' || words[0].text === 'readonly' || words[0].text === 'local';
    const ws = exp ? words.slice(1) : words;
    if (!exp && !ws.every((x) => ASSIGNMENT.test(x.raw))) return false;
    for (const x of ws) {
      if (!ASSIGNMENT.test(x.raw)) continue;
      const name = x.raw.slice(0, x.raw.indexOf('='));
      const e = expandShellWord(x.raw.slice(name.length + 1), w.env);
      w.env[name] = cond || e.unknown || unsetVariable(x.raw.slice(name.length + 1), w.env) ? undefined : e.value;
    }
    return true;
  };
  /** Runs a list; true when it ends the shell (`exit`) for certain. */
  const list = (ns: ShellNode[], cond: string | undefined): boolean => {
    for (const n of ns) if (node(n, cond)) return true;
    return false;
  };
  const node = (n: ShellNode, cond: string | undefined): boolean => {
    switch (n.t) {
      case 'cmd': {
        const first = n.words[0].text;
        if (first === 'exit' && !n.words[0].quoted) return !cond;
        const fn = funcs.get(first);
        if (fn && !n.words[0].quoted) {
          funcs.delete(first);
          list(fn, cond);
          funcs.set(first, fn);
          return false;
        }
        if (!assigns(n.words, cond)) w.simple(n.words, cond);
        return false;
      }
      case 'andor': {
        // Status so far: true/false when decided, 'ran' after a command (taken to succeed, but it may fail), undefined when not known.
        let ok: boolean | 'ran' | undefined = true;
        for (let i = 0; i < n.items.length; i++) {
          const item = n.items[i];
          const op = i === 0 ? undefined : n.ops[i - 1];
          const runs: boolean | undefined = op === undefined ? true : op === '&&' ? (ok === false ? false : ok === undefined ? undefined : true) : ok === true ? false : ok === false ? true : undefined;
          if (runs === false) continue;
          const c = runs === true ? cond : cond ?? undecided(`${spanOf(n.items.slice(0, i))} ${op}`);
          if (statusOnly(item)) {
            const d = item.t === 'cmd' && TESTS.has(firstWord(item.words).word) ? w.decide([item]) : undefined;
            ok = runs === true ? d : d === (op === '&&' ? false : true) ? d : undefined;
            continue;
          }
          if (node(item, c) && runs === true) return true;
          ok = runs === true ? 'ran' : undefined;
        }
        return false;
      }
      case 'if': {
        for (const [i, arm] of n.arms.entries()) {
          for (const c of arm.cond) if (!statusOnly(c)) node(c, cond);
          const d = arm.cond.every(statusOnly) ? w.decide(arm.cond) : undefined;
          if (d === true) return list(arm.body, cond);
          if (d === false) continue;
          const why = cond ?? undecided(`if ${spanOf(arm.cond)}`);
          const saved = w.getCwd();
          for (const rest of [...n.arms.slice(i).map((a) => a.body), ...(n.otherwise ? [n.otherwise] : [])]) {
            list(rest, why);
            w.setCwd(saved);
          }
          for (const a of n.arms.slice(i + 1)) for (const c of a.cond) if (!statusOnly(c)) node(c, why);
          return false;
        }
        return n.otherwise ? list(n.otherwise, cond) : false;
      }
      case 'case': {
        const v = expandShellWord(n.word, w.env);
        const pats = n.arms.map((a) => a.patterns.map((p) => ({ p, e: expandShellWord(p, w.env) })));
        if (!v.unknown && !unsetVariable(n.word.raw, w.env) && pats.every((ps) => ps.every((x) => !x.e.unknown))) {
          const arm = n.arms.findIndex((_, k) => pats[k].some((x) => globMatch(x.p.quoted ? escapeGlob(x.e.value) : x.e.value, v.value)));
          return arm >= 0 ? list(n.arms[arm].body, cond) : false;
        }
        const why = cond ?? undecided(`case ${n.word.raw}`);
        for (const a of n.arms) list(a.body, why);
        return false;
      }
      case 'loop': {
        if (n.kind === 'while' || n.kind === 'until') {
          list(n.body, cond ?? `in a ${n.kind} loop, which may run it any number of times`);
          return false;
        }
        if (n.name === undefined || !/^[A-Za-z_]\w*$/.test(n.name)) return false;
        // `for g in main dev`: each word in turn. `for x; do`: the positional parameters, which a RUN has none of.
        const fields: string[] = [];
        let known = !!n.list;
        for (const x of n.list ?? []) {
          const e = expandShellWord(x, w.env);
          if (e.unknown || unsetVariable(x.raw, w.env) || (!x.quoted && /[*?[]/.test(e.value))) known = false;
          else fields.push(...e.fields);
        }
        if (!n.list) return false;
        if (!known || fields.length > MAX_ITERATIONS) {
          // Commands that use the variable see it unknown; the others run as written.
          w.env[n.name] = undefined;
          list(n.body, cond);
          return false;
        }
        for (const f of fields) {
          w.env[n.name] = f;
          if (list(n.body, cond)) return true;
        }
        return false;
      }
      case 'group': {
        if (!n.subshell) return list(n.body, cond);
        const saved = { cwd: w.getCwd(), env: { ...w.env } };
        list(n.body, cond);
        w.setCwd(saved.cwd);
        for (const k of Object.keys(w.env)) delete w.env[k];
        Object.assign(w.env, saved.env);
        return false;
      }
      case 'func':
        funcs.set(n.name, n.body);
        return false;
    }
  };
  list(nodes, undefined);
}

const ASSIGNMENT = /^[A-Za-z_]\w*=/;

/**
 * A program on PATH asked only for its version or help (`tesseract -v`, `node --version`, `ffmpeg -version`):
 * it prints and exits, installing and writing nothing. A script by path (`./install.sh -v`) may do anything.
 */
function versionQuery(cmd: string, rest: string[]): boolean {
  return rest.length === 1 && !cmd.includes('/') && !/\.(?:sh|bash|py)$/.test(cmd) && /^(?:-v|-V|--version|-version|version|--help|-h)$/.test(rest[0]);
}

/**
 * The interpreter and its arguments a script's `#!` line names, when it is a Python (`#!/usr/bin/env python3`,
 * `#!/usr/bin/python3 -u`, `#!/usr/bin/env -S python3 -u`); undefined for anything else.
 */
export function pythonShebang(text: string | undefined): string[] | undefined {
  const m = /^#![ \t]*(\S+)([^\r\n]*)/.exec(text ?? '');
  if (!m) return undefined;
  // Linux passes everything after the interpreter as one argument; `env -S` splits it into words.
  const arg = m[2].trim();
  let words = arg ? [m[1], arg] : [m[1]];
  if (basename(words[0]) === 'env') {
    words = arg.split(/[ \t]+/).filter(Boolean);
    while (words.length && words[0].startsWith('-')) words = words.slice(1);
  }
  return words.length && isPython(basename(words[0])) ? words : undefined;
}

/** Drops `sudo`, `env A=B`, leading `A=B` assignments, `exec`, `time`, `nohup`, and user switchers with their user (`gosu app`, `s6-setuidgid app`). */
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
    } else if (h === 'gosu' || h === 'su-exec' || h === 's6-setuidgid' || h === 'setuidgid') {
      // `s6-setuidgid paperless python3 manage.py compilemessages`: the user, then the command it runs as that user.
      a = a.slice(2);
    } else if (a[1] === 'run' && runnerCommandStart(a) !== undefined) {
      // `uv run python manage.py collectstatic`: the environment's command, in the same folder (uv may sync site-packages
      // first, which writes no project source).
      a = a.slice(runnerCommandStart(a));
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


/** Commands that install no Python distributions (system tools, file edits, other ecosystems). */
/** `python -c` code that may write files: open(), write*, copy/move, mkdir, downloads, subprocesses, os.system. */
const PY_C_WRITES = /\bopen\(|\.write|write_text|write_bytes|copy|move|rename|mkdir|makedirs|urlretrieve|download|snapshot_download|save|subprocess|os\.system|run_path|exec\(/;

const SHELLS = /^(sh|bash|dash|zsh|ash)$/;

/** A shell script by its `#!` line (sh, bash, dash, ash, `env bash`), or by a `.sh` name without one. */
function isShellScript(text: string, path: string): boolean {
  const first = text.slice(0, 200).split('\n')[0];
  if (first.startsWith('#!')) return /^#!\s*(?:\/usr)?\/bin\/(?:env\s+(?:-S\s+)?)?(?:sh|bash|dash|ash)\b/.test(first);
  return path.endsWith('.sh');
}

/**
 * Installer scripts, fetched and piped to a shell, that install a tool and no Python distribution into the
 * image's Python: uv and ruff (astral.sh: a binary in ~/.local/bin or ~/.cargo/bin), Node's apt repository
 * (deb.nodesource.com/setup_*), rustup, Docker, nvm, bun, deno.
 */
const TOOL_INSTALLERS = /^https?:\/\/(?:astral\.sh\/(?:uv|ruff)(?:\/[\w.-]+)*\/install\.sh|deb\.nodesource\.com\/setup_[\w.]+|sh\.rustup\.rs|get\.docker\.com|bun\.sh\/install|deno\.land\/install\.sh|raw\.githubusercontent\.com\/nvm-sh\/nvm\/[\w.-]+\/install\.sh)\/?$/;

/** The shell reads its script from the previous command (no script argument), and that command downloads a known tool installer. */
function toolInstallerPiped(prev: string[], shellArgs: string[]): boolean {
  const dashdash = shellArgs.indexOf('--');
  const own = dashdash >= 0 ? shellArgs.slice(0, dashdash) : shellArgs;
  if (own.some((a) => !a.startsWith('-') || a === '-c')) return false;
  const fetch = basename(stripWrappers(prev)[0] ?? '');
  if (fetch !== 'curl' && fetch !== 'wget') return false;
  return prev.some((w) => TOOL_INSTALLERS.test(w));
}

const INSTALL_NEUTRAL = /^(apt-get|apt|apt-key|add-apt-repository|apt-add-repository|apk|yum|dnf|microdnf|dpkg|rpm|mkdir|cp|mv|rm|rmdir|ln|touch|chmod|chown|chgrp|useradd|adduser|groupadd|addgroup|usermod|userdel|echo|printf|cat|sed|awk|grep|find|ls|cd|export|set|true|false|test|\[|\[\[|curl|wget|tar|unzip|gzip|gunzip|git|ldconfig|locale-gen|localedef|update-ca-certificates|update-alternatives|which|id|sleep|tee|npm|npx|yarn|pnpm|node|go|cargo|rustup|java|mvn|gradle|dotnet|ln|install|cmake|gcc|g\+\+|ccache|strip|file|du|df|date|env|locale|ssh-keygen|ssh-keyscan|gpg|openssl|tr|head|tail|sort|uniq|wc|cut|xargs|nproc|seq|uname|whoami|hostname|dpkg-reconfigure|truncate|sha256sum|sha512sum|sha1sum|md5sum|cksum|chsh|passwd|crontab|systemctl|service|a2enmod|ufw|mount|umount|unset|umask|ulimit|source|\.|:|exit|collectstatic|python-is-python3|pip-compile|uv-compile|poetry-lock|groupmod|gpasswd|chpasswd|setcap|mkfifo|update-locale|fc-cache|jq|yq|envsubst|patch|diff|bzip2|xz|zip|rsync|pybabel|msgfmt|django-admin|playwright|pytest|ruff|black|flake8|mypy|isort|pyright|pylint|sphinx-build|huggingface-cli|aws|gsutil)$/;
const PIP_EXE = /^pip(\d(\.\d+)?)?$/;

/** `$X`/`${X}` in raw shell text naming a variable the environment does not set. */
function unsetVariable(raw: string, env: Record<string, string | undefined>): boolean {
  for (const m of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(:?[-=+?])?/g)) if (env[m[1]] === undefined && !m[2]) return true;
  return false;
}

/**
 * The tree a RUN reads: the stage's, plus its `--mount=type=bind` sources: from the build context, or with
 * `from=<stage>` from that stage's files (healthchecks: `--mount=type=bind,target=/wheels,source=/wheels,from=builder
 * pip install /wheels/*`), whose wheel folders then count for this RUN's installs as a `COPY --from` would.
 */
function mountedTree(ins: Instruction, fx: RunEffects): ImageTree {
  const binds = ins.flags.filter((f) => f.name === 'mount' && f.value && /(^|,)type=bind(,|$)/.test(f.value));
  if (!binds.length) return fx.tree;
  const t = new ImageTree(fx.tree);
  for (const b of binds) {
    const kv = Object.fromEntries(b.value!.split(',').map((p) => p.split('=') as [string, string]));
    const target = kv.target ?? kv.dst ?? kv.destination;
    if (!target) continue;
    const dest = normalize(target.startsWith('/') ? target : join(fx.workdir, target));
    if (kv.from !== undefined) {
      const from = fx.stages?.find((s) => s.name === kv.from.toLowerCase()) ?? (/^\d+$/.test(kv.from) ? fx.stages?.[Number(kv.from)] : undefined);
      const origin = { instr: ins, stage: fx.stage };
      if (!from) {
        t.add({ kind: 'uncertain', dest, reason: `RUN --mount from ${kv.from}, an image the model does not know`, origin });
        continue;
      }
      const fromPath = normalize('/' + (kv.source ?? kv.src ?? ''));
      t.add({ kind: 'tree', dest, from: from.tree, fromPath, origin: { ...origin, stage: from.index } });
      for (const r of from.installs) {
        if (!r.wheelhouse || !within(fromPath, r.home) || fx.state.installs.some((x) => (x.origin ?? x) === (r.origin ?? r))) continue;
        fx.state.installs.push({ ...r, home: rebase(r.home, fromPath, dest), carriedBy: ins, origin: r.origin ?? r });
      }
      continue;
    }
    const src = (kv.source ?? kv.src ?? '').replace(/^\.?\/+/, '').replace(/\/$/, '');
    const kind = fx.context.stat(src);
    const origin = { instr: ins, stage: fx.stage, source: fx.context.abs(src) };
    if (kind === 'file') t.add({ kind: 'ctxfile', dest, ctx: fx.context, ctxRel: src, origin });
    else if (kind === 'dir') t.add({ kind: 'ctxdir', dest, ctx: fx.context, ctxRel: src, origin });
  }
  return t;
}

function installContext(fx: RunEffects, reading: ImageTree, cwd: string, env: Record<string, string | undefined>): InstallContext {
  return {
    tree: reading,
    text: (p) => reading.text(p, fx.context.fs),
    contextSource: (p) => reading.lookup(p)?.source,
    env,
    cwd,
    python: fx.state.python,
    venvs: fx.state.venvs,
    installs: fx.state.installs,
    poetryNoVenv: fx.state.poetryNoVenv,
    home: fx.home,
  };
}

/** Applies what an install command did: environments, records, the project's packages in site-packages, uncertainty. */
function applyInstallStep(step: ReturnType<typeof interpretInstall> & object, fx: RunEffects, ins: Instruction, origin: { instr: Instruction; stage: number }, result: RunResult, cond: string | undefined): void {
  const st = fx.state;
  if (step.poetryNoVenv !== undefined) st.poetryNoVenv = step.poetryNoVenv;
  if (step.unknown) st.installsUnknown ??= { reason: step.unknown, instr: ins };
  // An install the model cannot read at all (`pip install "svc==${VERSION}"` with VERSION set only by --build-arg) still
  // installed something: every site-packages it may have gone to is uncertain, as for a URL it cannot see.
  if (step.unknown && !step.record && !step.env) {
    result.sitePackagesUncertain ??= step.unknown;
    for (const sp of [st.python?.sitePackages, ...st.venvs.map((v) => v.sitePackages)]) if (sp) fx.tree.add({ kind: 'uncertain', dest: sp, reason: step.unknown, origin });
  }
  for (const w of step.writes ?? []) fx.tree.add({ kind: 'file', dest: w.path, origin, content: w.content });
  if (step.env) {
    if (step.env.venv) {
      st.venvs.push(step.env);
      fx.tree.add({ kind: 'mkdir', dest: join(step.env.venv, 'bin'), origin });
      if (step.env.sitePackages) fx.tree.add({ kind: 'mkdir', dest: step.env.sitePackages, origin });
    } else st.python = { ...st.python, ...step.env, interpreter: step.env.interpreter ?? st.python?.interpreter, sitePackages: step.env.sitePackages };
  }
  const rec = step.record && cond ? { ...step.record, conditional: cond } : step.record;
  if (!rec) return;
  st.installs.push(rec);
  // `uv pip install pip` into a venv made without it: from then on its bin has pip.
  if (rec.sources.some((s) => s.requirements.some((r) => r.name === 'pip'))) {
    const i = st.venvs.findIndex((v) => v.noPip && v.venv && within(v.venv, rec.sitePackages ?? rec.home));
    if (i >= 0) st.venvs[i] = { ...st.venvs[i], noPip: false };
  }
  fx.tree.add({ kind: 'mkdir', dest: rec.home, origin });
  if (rec.sitePackages) fx.tree.add({ kind: 'mkdir', dest: rec.sitePackages, origin });
  if (rec.unknown) {
    result.sitePackagesUncertain ??= rec.unknown;
    fx.tree.add({ kind: 'uncertain', dest: rec.sitePackages ?? rec.home, reason: rec.unknown, origin });
  }
  const p = rec.project;
  if (!p) return;
  // The wheel of a project built in another stage brings its packages (and console scripts), not its folder.
  fx.installed.push(p.builtIn ? { dir: p.dir, instr: ins, tree: p.builtIn } : { dir: p.dir, instr: ins });
  if (rec.wheelhouse) {
    // Its files as they are now: a stage that installs the wheel copies the packages from here.
    if (!p.editable) p.builtIn = new ImageTree(fx.tree);
    return;
  }
  if (p.editable) return;
  // A regular install copies the project's packages into site-packages (what COPY --from of site-packages carries).
  if (!rec.sitePackages) return;
  const snapshot = p.builtIn ?? new ImageTree(fx.tree);
  const root = snapshot.stat(join(p.dir, 'src')) === 'dir' ? join(p.dir, 'src') : p.dir;
  for (const name of p.packages) {
    const isDir = snapshot.stat(join(root, name)) === 'dir';
    const from = isDir ? join(root, name) : join(root, name + '.py');
    fx.tree.add({ kind: 'tree', dest: join(rec.sitePackages, isDir ? name : name + '.py'), from: snapshot, fromPath: from, origin });
  }
}

