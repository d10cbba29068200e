// What install commands in RUN put into an image, as data: a table of tools and their flags, read by one interpreter into install records on the stage.
import { basename, dirname, join, normalize } from '../fs';
import { lockedDistributions, lockedPins, LockKind, parsePyproject, parseRequirementsFile, Requirement, requiresPython, UvSelection, uvLockedSelection, wheelUrlRequirement } from '../packages/manifests';
import { compareVersions } from '../python/features';
import { distributionsForAnyCase, importNamesFor, normalizeDist } from '../packages/names';
import type { Instruction } from './parse';
import { ImageTree, within } from './tree';

/** A Python environment of a stage: the interpreter and where its distributions live. */
export interface PythonEnv {
  /** `3.11`; undefined when unknown. */
  version?: string;
  interpreter?: string;
  sitePackages?: string;
  /** How the model knows: `base image python:3.11-slim`, `python -m venv /opt/venv` ... */
  how: string;
  instr?: Instruction;
  /** The virtual environment's root, for a venv. */
  venv?: string;
  /** A venv made without pip (`uv venv` without `--seed`): a `pip` command is found further along PATH. */
  noPip?: boolean;
  /** A venv made from the stage's own interpreter: the folder that interpreter is in (pyvenv.cfg `home`; bin/python links there). */
  home?: string;
  /** A venv another stage made, brought by this COPY --from; `madeIn` is that stage's index. */
  carriedBy?: Instruction;
  madeIn?: number;
}

/** Where the distributions of an install step came from. */
export interface InstallSource {
  kind: 'argv' | 'requirements' | 'pyproject' | 'lock' | 'wheelhouse' | 'conda' | 'pipfile';
  /** Image path of the file read (requirements, pyproject, lock). */
  file?: string;
  /** Build-context path of that file when it came from the context (for fixes). */
  contextFile?: string;
  /** Requirements as read; `complete` says whether they are the whole installed set (a lock, pip-compile output, --no-deps). */
  requirements: Requirement[];
  complete: boolean;
  /** The file is generated (pip-compile, uv export): edit its input, not it. */
  generated?: boolean;
}

/** One install step: what it installed, into which folder, from where. */
export interface InstallRecord {
  instr: Instruction;
  /** Stage whose RUN made it (differs from the holder for a record carried by COPY --from). */
  stage: number;
  /** `pip install`, `uv sync`, `poetry install` ... */
  tool: string;
  /** Image folder holding what it installed (site-packages, a --target/--prefix folder, a venv root, a wheel folder): COPY --from of it carries the record. */
  home: string;
  sitePackages?: string;
  sources: InstallSource[];
  /** The local project it installed: editable leaves a .pth pointing at `dir`; otherwise its packages are copied into site-packages. */
  /** `root`: the folder holding its packages (`src/` in a src layout), which an editable install puts on sys.path. */
  project?: {
    dir: string; editable: boolean; packages: string[]; root?: string;
    /** A wheel of the project built in another stage (`python -m build` there, `pip install /dist/*.whl` here): that stage's files when it was built, where `dir` and `packages` are. */
    builtIn?: ImageTree;
    /**
     * Workspace files the step read the project's metadata from (`pyproject.toml`, `setup.cfg` by name), also when a
     * `RUN --mount=type=bind` put them there only while it ran (uv's Docker guide: `uv sync` with the lock and
     * pyproject bind-mounted): the installer checked them although the image does not keep them.
     */
    metadata?: Record<string, string>;
  };
  /** Why what it installed cannot be read (the install set is then unknown). */
  unknown?: string;
  /**
   * The step may not have run (`RUN if [ "$TEST_ENV" = "true" ]; then pip install -r requirements-test.txt; fi`, a
   * condition the model cannot decide): says why. What it installs counts as possibly installed, never as certainly.
   */
  conditional?: string;
  /** `pip wheel -w`: wheels on disk, not installed. */
  wheelhouse?: boolean;
  /** The COPY --from that brought the record into this stage. */
  carriedBy?: Instruction;
  /** For a carried record, the record of the stage whose RUN made it (one RUN can make several: pip install -U pip && pip install -r ...). */
  origin?: InstallRecord;
  /** A record that came with a base image another Dockerfile of the repository builds: that Dockerfile and its install instruction (`instr` is then this stage's FROM). */
  inheritedFrom?: { dockerfile: string; instr: Instruction };
  /** Debian/Ubuntu `python3-X` packages (the release codename, or the base image): their versions are the distribution's, not pins. */
  apt?: string;
}

/** What the interpreter needs from the stage while a RUN is evaluated. */
export interface InstallContext {
  tree: ImageTree;
  /** Reads an image file (the tree through the build context, RUN --mount=type=bind included). */
  text(imagePath: string): string | undefined;
  /** Absolute build-context path of an image file, when it came from the build context. */
  contextSource(imagePath: string): string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
  python?: PythonEnv;
  venvs: PythonEnv[];
  installs: InstallRecord[];
  /** `poetry config virtualenvs.create false` ran earlier in the stage. */
  poetryNoVenv: boolean;
  /** Home of the USER (for --user, poetry's cache). */
  home: string;
}

type Effect =
  | 'requirement' | 'constraint' | 'editable' | 'target' | 'prefix' | 'user' | 'no-deps' | 'system' | 'no-editable'
  | 'no-project' | 'dev' | 'env-name' | 'env-prefix' | 'file' | 'wheel-dir' | 'project-dir' | 'python' | 'ignored-value' | 'find-links'
  | 'extra' | 'all-extras' | 'group' | 'no-dev' | 'all-groups' | 'no-default-groups' | 'only-group' | 'without' | 'only';

interface ToolSpec {
  /** The words after the executable that select this tool (`['install']`, `['pip', 'install']`). */
  sub: string[];
  /** Executables (basename, version suffixes allowed) this row applies to. */
  exe: RegExp;
  tool: string;
  /** What each flag does; a flag not listed takes no value and changes nothing. */
  flags: Record<string, Effect>;
  /** What positional arguments are: distributions/paths, a venv folder, a Python version, nothing. */
  positionals: 'specs' | 'requirements' | 'none';
  /** How the step installs: from its arguments (pip), or the project in the working folder with its lock (uv sync, poetry, pipenv), or conda packages. */
  mode: 'pip' | 'pip-wheel' | 'uv-sync' | 'poetry' | 'pipenv' | 'conda';
}

const PIP_FLAGS: Record<string, Effect> = {
  '-r': 'requirement', '--requirement': 'requirement', '--requirements': 'requirement', '-c': 'constraint', '--constraint': 'constraint', '-e': 'editable', '--editable': 'editable',
  '-t': 'target', '--target': 'target', '--prefix': 'prefix', '--root': 'prefix', '--user': 'user', '--no-deps': 'no-deps', '--system': 'system',
  '-f': 'find-links', '--find-links': 'find-links', '-i': 'ignored-value', '--index-url': 'ignored-value', '--extra-index-url': 'ignored-value',
  '--src': 'ignored-value', '--upgrade-strategy': 'ignored-value', '--platform': 'ignored-value', '--python-version': 'ignored-value',
  '--implementation': 'ignored-value', '--abi': 'ignored-value', '--only-binary': 'ignored-value', '--no-binary': 'ignored-value',
  '--progress-bar': 'ignored-value', '--cache-dir': 'ignored-value', '--log': 'ignored-value', '--proxy': 'ignored-value', '--retries': 'ignored-value',
  '--timeout': 'ignored-value', '--trusted-host': 'ignored-value', '--cert': 'ignored-value', '--client-cert': 'ignored-value',
  '--config-settings': 'ignored-value', '-C': 'ignored-value', '--global-option': 'ignored-value', '--install-option': 'ignored-value',
  '--report': 'ignored-value', '--python': 'python', '-p': 'python', '--index': 'ignored-value', '--default-index': 'ignored-value',
  '--index-strategy': 'ignored-value', '--python-preference': 'ignored-value', '--resolution': 'ignored-value', '--extra': 'extra', '--all-extras': 'all-extras', '--group': 'group',
  '-w': 'wheel-dir', '--wheel-dir': 'wheel-dir', '--exists-action': 'ignored-value', '--keyring-provider': 'ignored-value', '--link-mode': 'ignored-value',
};

const SYNC_FLAGS: Record<string, Effect> = {
  '--no-editable': 'no-editable', '--no-install-project': 'no-project', '--no-install-workspace': 'no-project', '--only-dev': 'no-project',
  '--project': 'project-dir', '--directory': 'project-dir', '--python': 'python', '-p': 'python', '--extra': 'extra', '--group': 'group',
  '--no-group': 'ignored-value', '--only-group': 'only-group', '--no-dev': 'no-dev', '--all-groups': 'all-groups', '--no-default-groups': 'no-default-groups', '--package': 'ignored-value', '--index': 'ignored-value', '--link-mode': 'ignored-value',
  '--no-install-package': 'ignored-value', '--python-platform': 'ignored-value', '--index-url': 'ignored-value', '--extra-index-url': 'ignored-value',
  '--only': 'only', '--with': 'ignored-value', '--without': 'without', '--extras': 'extra', '-E': 'extra', '--all-extras': 'all-extras',
  '--no-root': 'no-project', '--only-root': 'ignored-value', '--dev': 'dev', '-d': 'dev', '--system': 'system', '--deploy': 'ignored-value',
  '--categories': 'ignored-value', '--pypi-mirror': 'ignored-value', '--no-self': 'no-project', '-G': 'ignored-value',
};

const CONDA_FLAGS: Record<string, Effect> = {
  '-n': 'env-name', '--name': 'env-name', '-p': 'env-prefix', '--prefix': 'env-prefix', '-c': 'ignored-value', '--channel': 'ignored-value',
  '-f': 'file', '--file': 'file', '-r': 'ignored-value', '--root-prefix': 'ignored-value',
};

const PIP = /^pip(\d(\.\d+)?)?$/;
const PY = /^python(\d(\.\d+)?)?$/;

/** The install tools deploylint understands; a row per command form. */
const TOOLS: ToolSpec[] = [
  { exe: PIP, sub: ['install'], tool: 'pip install', flags: PIP_FLAGS, positionals: 'specs', mode: 'pip' },
  { exe: /^uv$/, sub: ['pip', 'install'], tool: 'uv pip install', flags: PIP_FLAGS, positionals: 'specs', mode: 'pip' },
  { exe: /^uv$/, sub: ['pip', 'sync'], tool: 'uv pip sync', flags: PIP_FLAGS, positionals: 'requirements', mode: 'pip' },
  { exe: /^pip-sync$/, sub: [], tool: 'pip-sync', flags: PIP_FLAGS, positionals: 'requirements', mode: 'pip' },
  { exe: PIP, sub: ['wheel'], tool: 'pip wheel', flags: PIP_FLAGS, positionals: 'specs', mode: 'pip-wheel' },
  { exe: /^uv$/, sub: ['sync'], tool: 'uv sync', flags: SYNC_FLAGS, positionals: 'none', mode: 'uv-sync' },
  { exe: /^poetry$/, sub: ['install'], tool: 'poetry install', flags: SYNC_FLAGS, positionals: 'none', mode: 'poetry' },
  { exe: /^pipenv$/, sub: ['install'], tool: 'pipenv install', flags: SYNC_FLAGS, positionals: 'specs', mode: 'pipenv' },
  { exe: /^pipenv$/, sub: ['sync'], tool: 'pipenv sync', flags: SYNC_FLAGS, positionals: 'none', mode: 'pipenv' },
  { exe: /^pdm$/, sub: ['install'], tool: 'pdm install', flags: SYNC_FLAGS, positionals: 'none', mode: 'uv-sync' },
  { exe: /^pdm$/, sub: ['sync'], tool: 'pdm sync', flags: SYNC_FLAGS, positionals: 'none', mode: 'uv-sync' },
  { exe: /^(conda|mamba|micromamba)$/, sub: ['install'], tool: 'conda install', flags: CONDA_FLAGS, positionals: 'specs', mode: 'conda' },
  { exe: /^(conda|mamba|micromamba)$/, sub: ['create'], tool: 'conda create', flags: CONDA_FLAGS, positionals: 'specs', mode: 'conda' },
];

/** Result of interpreting one command. */
export interface InstallStep {
  record?: InstallRecord;
  /** A new Python environment the command made (a venv) or selected (`uv python install`, apt python3). */
  env?: PythonEnv;
  /** The command may install distributions the model cannot read. */
  unknown?: string;
  /** `poetry config virtualenvs.create false`. */
  poetryNoVenv?: boolean;
  /** Files the command writes (poetry/uv export). */
  writes?: { path: string; content: string }[];
}

/** Drops `python -m` and an interpreter path: `python3 -m pip install` -> `pip install`, `/opt/venv/bin/pip` -> `pip` (with the venv it belongs to). */
function normalizeArgv(argv: string[]): { argv: string[]; binDir?: string } {
  const exe = argv[0];
  const binDir = exe.includes('/') ? dirname(exe) : undefined;
  if (PY.test(basename(exe))) {
    const i = argv.indexOf('-m');
    if (i > 0 && argv[i + 1]) return { argv: [argv[i + 1], ...argv.slice(i + 2)], binDir };
  }
  return { argv: [basename(exe), ...argv.slice(1)], binDir };
}

/** The venv root that a `.../bin` folder belongs to, when it is a known venv or looks like one. */
function venvOf(binDir: string | undefined, c: InstallContext): PythonEnv | undefined {
  if (!binDir || !binDir.endsWith('/bin')) return undefined;
  // `./venv/bin/pip` runs from the RUN's working folder.
  const root = dirname(abs(binDir, c.cwd));
  const known = c.venvs.find((v) => v.venv === root);
  if (known) return known;
  if (root === '/usr' || root === '/usr/local' || root === '/') return undefined;
  return makeVenv(root, c.python, 'an interpreter at ' + binDir);
}

function makeVenv(root: string, base: PythonEnv | undefined, how: string, instr?: Instruction): PythonEnv {
  const v = base?.version;
  const home = base?.interpreter && !base.venv ? dirname(base.interpreter) : undefined;
  return { version: v, interpreter: join(root, 'bin/python'), sitePackages: v ? join(root, `lib/python${v}/site-packages`) : undefined, how, instr, venv: root, ...(home ? { home } : {}) };
}

/**
 * The Python `uv sync` makes the project's venv with when it is not the stage's own: `--python X.Y` or the project's
 * `.python-version` asking for another version, or a `requires-python` the stage's Python is outside of. uv then
 * downloads a managed Python (automatic downloads are its default; `UV_PYTHON_DOWNLOADS=never|0|false|manual`,
 * `--no-python-downloads` or `UV_PYTHON_PREFERENCE=only-system` turn that off, and uv fails instead). Undefined when
 * the stage's Python is used. A download for `requires-python` alone has a version the model does not know.
 */
function uvManagedPython(c: InstallContext, dir: string, pyOpt: string | undefined, argv: string[]): PythonEnv | undefined {
  const base = c.python?.version;
  const noDownloads = argv.includes('--no-python-downloads') || /^(never|0|false|no|off|manual)$/i.test(c.env.UV_PYTHON_DOWNLOADS ?? '') || /^only-system$/i.test(c.env.UV_PYTHON_PREFERENCE ?? '') || argv.includes('--python-preference=only-system');
  if (noDownloads) return undefined;
  const pin = pyOpt ?? c.env.UV_PYTHON ?? c.text(join(dir, '.python-version'))?.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  const asked = pin ? /^(?:cpython-|python)?(3\.\d+)(?:\.\d+)?$/.exec(pin)?.[1] : undefined;
  if (pin && !asked) return pin.startsWith('/') ? undefined : { how: `uv's Python for '${pin}'` };
  if (asked) return asked === base ? undefined : { version: asked, how: `uv downloads Python ${asked}${pyOpt ? '' : c.env.UV_PYTHON ? ' (UV_PYTHON)' : ' (.python-version)'}` };
  const text = c.text(join(dir, 'pyproject.toml'));
  const range = text === undefined ? undefined : requiresPython(text);
  if (!range || !base) return undefined;
  const outside = (range.min && compareVersions(range.min, base) > 0) || (range.below && compareVersions(range.below, base) <= 0);
  return outside ? { how: `uv downloads a Python for requires-python '${range.spec}', which ${base} is outside of` } : undefined;
}

/** The environment `pip`/`python` resolves to: VIRTUAL_ENV, else the first venv whose bin is on PATH, else the stage's Python. */
export function activeEnv(c: Pick<InstallContext, 'env' | 'venvs' | 'python'>): PythonEnv | undefined {
  const ve = c.env.VIRTUAL_ENV;
  if (ve) return c.venvs.find((v) => v.venv === normalize(ve)) ?? makeVenv(normalize(ve), c.python, 'VIRTUAL_ENV');
  return firstOnPath(c, () => true);
}

/** The first venv whose bin folder is on PATH and that `has` (`pip` when it was made with one), else the stage's Python. */
function firstOnPath(c: Pick<InstallContext, 'env' | 'venvs' | 'python'>, has: (v: PythonEnv) => boolean): PythonEnv | undefined {
  for (const dir of (c.env.PATH ?? '').split(':')) {
    const v = c.venvs.find((x) => x.venv && normalize(dir) === join(x.venv, 'bin') && has(x));
    if (v) return v;
  }
  return c.python;
}

/** Interprets one simple command (wrappers stripped). `unknownWord[i]` marks an argument whose variable the model could not expand. */
export function interpretInstall(argvIn: string[], unknownWord: boolean[], instr: Instruction, stage: number, c: InstallContext): InstallStep | undefined {
  // `python -mvenv venv`, `python3 -mpip install`: Python takes the module glued to -m as well.
  const glued = PY.test(basename(argvIn[0] ?? '')) ? argvIn.findIndex((a, i) => i > 0 && /^-m[A-Za-z_][\w.]*$/.test(a) && argvIn.slice(1, i).every((b) => b.startsWith('-'))) : -1;
  const argv0 = glued > 0 ? [...argvIn.slice(0, glued), '-m', argvIn[glued].slice(2), ...argvIn.slice(glued + 1)] : argvIn;
  if (glued > 0) unknownWord = [...unknownWord.slice(0, glued + 1), false, ...unknownWord.slice(glued + 1)];
  const { argv, binDir } = normalizeArgv(argv0);
  const exe = argv[0];
  // Environments first: venvs, uv python install, poetry config.
  if ((exe === 'venv' || exe === 'virtualenv') && argv0.length > 1) {
    const dir = argv.slice(1).find((a) => !a.startsWith('-'));
    if (!dir) return undefined;
    const asked = PY.test(basename(argv0[0])) ? /(\d\.\d+)$/.exec(argv0[0])?.[1] : undefined;
    const base = asked && asked !== c.python?.version ? { ...c.python, interpreter: undefined, version: asked, how: argv0[0] } : c.python;
    return { env: makeVenv(abs(dir, c.cwd), base, `${argv0.slice(0, argv0.indexOf(dir) + 1).join(' ')}`, instr) };
  }
  if (exe === 'uv' && argv[1] === 'venv') {
    const rest = argv.slice(2);
    const pyOpt = optionValue(rest, ['--python', '-p']);
    const dir = positionals(rest, { '--python': 'python', '-p': 'python', '--prompt': 'ignored-value' })[0] ?? (c.env.UV_PROJECT_ENVIRONMENT ?? '.venv');
    const asked = pyOpt ? /^(\d\.\d+)/.exec(pyOpt)?.[1] : undefined;
    const base = asked && asked !== c.python?.version ? { ...c.python, interpreter: undefined, version: asked, how: `uv venv --python ${pyOpt}` } : c.python;
    // uv venv seeds no pip unless --seed (or UV_VENV_SEED) asks for it.
    const seed = rest.includes('--seed') || /^(1|true)$/i.test(c.env.UV_VENV_SEED ?? '');
    return { env: { ...makeVenv(abs(dir, c.cwd), base, `uv venv ${dir}`, instr), ...(seed ? {} : { noPip: true }) } };
  }
  if (exe === 'uv' && argv[1] === 'python' && argv[2] === 'install') {
    const v = argv.slice(3).map((a) => /^(?:cpython-)?(\d\.\d+)/.exec(a)?.[1]).find(Boolean);
    return v ? { env: { version: v, how: `uv python install ${v}`, instr } } : undefined;
  }
  if (exe === 'poetry' && argv[1] === 'config' && argv.includes('virtualenvs.create')) {
    return { poetryNoVenv: /^(false|0)$/i.test(argv[argv.indexOf('virtualenvs.create') + 1] ?? '') };
  }
  if (exe === 'poetry' && argv[1] === 'export' || exe === 'uv' && argv[1] === 'export' || exe === 'pdm' && argv[1] === 'export') {
    return exportLock(argv, c);
  }
  if (exe === 'pip' && argv[1] === 'download') return undefined;
  // `poetry add redis==5.0.1` / `uv add x` / `pdm add x`: added to the project and installed (Poetry docs, `add`), into an
  // environment this model does not follow for them (study h8 F4: opengpts tools/redis_to_postgres).
  if ((exe === 'poetry' || exe === 'uv' || exe === 'pdm') && argv[1] === 'add' && !argv.includes('--lock') && !argv.includes('--frozen')) {
    return { unknown: `${argv.slice(0, 5).join(' ')}${argv.length > 5 ? ' ...' : ''} adds packages to the project and installs them` };
  }
  // A poethepoet task (`poe install-torch`, also under `poetry run`) runs the command pyproject.toml gives it, which may
  // install packages (study h8 F3: pyciemss-service `pip install git+...pyciemss`).
  const runner = ['poetry', 'uv', 'pdm', 'pipenv', 'hatch'].includes(exe) && argv[1] === 'run' ? argv.slice(2) : argv;
  if (basename(runner[0] ?? '') === 'poe' && runner.length > 1) {
    const py = c.text(join(c.cwd, 'pyproject.toml'));
    const tasks = py === undefined ? undefined : poeTasksText(py);
    const installs = tasks === undefined ? undefined : /\b(?:pip3?\s+install|uv\s+(?:pip\s+install|add|sync)|poetry\s+(?:add|install)|pdm\s+(?:add|install)|conda\s+install|mamba\s+install|pipx\s+install)\b[^"'\n]*/.exec(tasks);
    if (tasks === undefined) return { unknown: `${runner.slice(0, 2).join(' ')} runs a poethepoet task of a pyproject.toml the model cannot read` };
    if (installs) return { unknown: `${runner.slice(0, 2).join(' ')} runs a poethepoet task, and the project's tasks install packages (${installs[0].trim().slice(0, 60)})` };
    return undefined;
  }
  // The project's own wheel, built to be installed later (often in another stage): a wheel folder like `pip wheel --no-deps`'s.
  const built = projectBuild(argv, argv0);
  if (built) {
    if (unknownWord.some(Boolean)) return { unknown: `${built.tool} uses a variable the model cannot expand` };
    return interpretTool({ ...PIP_WHEEL, tool: built.tool }, [built.src, '-w', built.out], binDir, instr, stage, c);
  }
  // Options before the subcommand (`pip --no-cache-dir install`).
  let words = argv.slice(1);
  const flagsBefore: string[] = [];
  while (words.length && words[0].startsWith('-')) flagsBefore.push(words.shift()!);
  const spec = TOOLS.find((t) => t.exe.test(exe) && t.sub.every((s, i) => words[i] === s));
  if (!spec) return undefined;
  let args = words.slice(spec.sub.length);
  const unknownArgs = unknownWord.slice(argv0.length - args.length);
  // A variable only in a requirement's version (`pycti==${PYCTI_VERSION}`, `torch>=$TORCH`): the distribution is known,
  // its version is not (study h6: IntelOwl).
  const versionOnly = /^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]+\])?)\s*(?:===?|~=|!=|<=?|>=?)[^$]*\$/;
  if (spec.positionals === 'specs' && unknownArgs.some(Boolean) && args.every((a, i) => !unknownArgs[i] || versionOnly.test(a))) {
    args = args.map((a, i) => (unknownArgs[i] ? versionOnly.exec(a)![1] : a));
  } else if (unknownArgs.some(Boolean)) {
    const shown = args.join(' ');
    return { unknown: `${spec.tool} ${shown.length > 80 ? shown.slice(0, 77) + '...' : shown} uses a variable the model cannot expand` };
  }
  return interpretTool(spec, args, binDir, instr, stage, c);
}

const PIP_WHEEL = TOOLS.find((t) => t.mode === 'pip-wheel')!;

/** The `[tool.poe...]` tables of a pyproject.toml, as text; undefined when it has none. */
function poeTasksText(py: string): string | undefined {
  const out: string[] = [];
  let inPoe = false;
  for (const line of py.split('\n')) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
    if (header) inPoe = /^tool\.poe(?:\.|$)/.test(header[1]);
    else if (inPoe) out.push(line);
  }
  return out.length ? out.join('\n') : undefined;
}

/**
 * `python -m build [-w] [-o OUT] [SRC]` (pypa/build: the wheel goes to SRC/dist unless -o), `pyproject-build`,
 * `uv build [-o OUT] [SRC]` and `poetry build [-o OUT]` (both: dist/ in the project): which project's distribution
 * is built, and where it is written. An sdist there is a wheel-to-be: `pip install dist/*` builds and installs it.
 */
function projectBuild(argv: string[], argv0: string[]): { tool: string; src: string; out: string } | undefined {
  const viaModule = PY.test(basename(argv0[0])) && argv0[1] === '-m';
  const form = (tool: string, args: string[], flags: Record<string, Effect>, srcFromDir = false) => {
    const { opts, pos } = parseArgs(args, flags);
    if (srcFromDir && pos.length) return undefined;
    const src = (srcFromDir ? opts.get('project-dir')?.[0] : pos[0]) ?? '.';
    return { tool, src, out: opts.get('wheel-dir')?.[0] ?? join(src, 'dist') };
  };
  if ((argv[0] === 'build' && viaModule) || argv[0] === 'pyproject-build') return form('python -m build', argv.slice(1), BUILD_FLAGS);
  // `python setup.py bdist_wheel [-d DIR]`: the project in the working folder.
  if (PY.test(argv[0]) && argv[1] === 'setup.py' && argv[2] === 'bdist_wheel') return form('python setup.py bdist_wheel', argv.slice(3), BDIST_FLAGS, true);
  // One member of a workspace (`--package`): which folder it is is not read here.
  if (argv[0] === 'uv' && argv[1] === 'build') return argv.includes('--package') || argv.includes('--all-packages') ? undefined : form('uv build', argv.slice(2), UV_BUILD_FLAGS);
  if (argv[0] === 'poetry' && argv[1] === 'build') return form('poetry build', argv.slice(2), POETRY_BUILD_FLAGS, true);
  return undefined;
}

const BUILD_FLAGS: Record<string, Effect> = { '-o': 'wheel-dir', '--outdir': 'wheel-dir', '-C': 'ignored-value', '--config-setting': 'ignored-value', '--installer': 'ignored-value' };
const BDIST_FLAGS: Record<string, Effect> = { '-d': 'wheel-dir', '--dist-dir': 'wheel-dir', '-b': 'ignored-value', '--bdist-dir': 'ignored-value', '-p': 'ignored-value', '--plat-name': 'ignored-value', '--python-tag': 'ignored-value' };
const UV_BUILD_FLAGS: Record<string, Effect> = {
  '-o': 'wheel-dir', '--out-dir': 'wheel-dir', '-p': 'ignored-value', '--python': 'ignored-value', '--index-url': 'ignored-value', '--extra-index-url': 'ignored-value',
  '--index': 'ignored-value', '-C': 'ignored-value', '--config-setting': 'ignored-value', '--build-constraint': 'ignored-value', '-b': 'ignored-value',
};
const POETRY_BUILD_FLAGS: Record<string, Effect> = { '-o': 'wheel-dir', '--output': 'wheel-dir', '-f': 'ignored-value', '--format': 'ignored-value', '-C': 'project-dir', '--directory': 'project-dir', '-P': 'project-dir', '--project': 'project-dir', '--config-settings': 'ignored-value' };

/** Splits arguments into effects and positionals by the row's flag table. */
function parseArgs(args: string[], flags: Record<string, Effect>): { opts: Map<Effect, string[]>; pos: string[] } {
  const opts = new Map<Effect, string[]>();
  const pos: string[] = [];
  const put = (e: Effect, v: string) => {
    const list = opts.get(e) ?? [];
    list.push(v);
    opts.set(e, list);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') {
      pos.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    let effect = flags[name];
    let value: string | undefined = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : undefined;
    if (!effect && !a.startsWith('--') && a.length > 2 && flags[a.slice(0, 2)]) {
      effect = flags[a.slice(0, 2)];
      value = a.slice(2);
    }
    if (!effect) continue;
    if (TAKES_VALUE.has(effect) && value === undefined) value = args[++i] ?? '';
    put(effect, value ?? '');
  }
  return { opts, pos };
}

const TAKES_VALUE = new Set<Effect>(['requirement', 'constraint', 'editable', 'target', 'prefix', 'env-name', 'env-prefix', 'file', 'wheel-dir', 'project-dir', 'python', 'ignored-value', 'find-links', 'extra', 'group', 'only-group', 'without', 'only']);

function positionals(args: string[], flags: Record<string, Effect>): string[] {
  return parseArgs(args, flags).pos;
}

function interpretTool(spec: ToolSpec, args: string[], binDir: string | undefined, instr: Instruction, stage: number, c: InstallContext): InstallStep {
  const { opts, pos } = parseArgs(args, spec.flags);
  const rec: InstallRecord = { instr, stage, tool: spec.tool, home: '', sources: [] };
  let made: PythonEnv | undefined;
  const v = (e: Effect) => opts.get(e);
  const noDeps = opts.has('no-deps');
  const unknown = (why: string) => (rec.unknown ??= why);

  // Where it installs: the interpreter that runs it, `--python <venv>/bin/python` (uv pip, pip), `--system`, else the active one.
  const pyPath = v('python')?.[0];
  let env = venvOf(binDir, c) ?? (pyPath?.includes('/') ? venvOf(dirname(abs(pyPath, c.cwd)), c) : undefined) ?? (opts.has('system') ? c.python : activeEnv(c));
  // A bare `pip` in a venv that has none (uv venv) is the next pip on PATH: another venv's, or the stage interpreter's.
  if (!binDir && env?.noPip && spec.tool.startsWith('pip')) env = firstOnPath(c, (v) => !v.noPip);
  const version = env?.version ?? c.python?.version;
  const lib = (root: string) => (version ? join(root, `lib/python${version}/site-packages`) : undefined);
  if (spec.mode === 'pip' || spec.mode === 'pip-wheel') {
    const target = v('target')?.[0];
    const prefix = v('prefix')?.[0];
    const wheelDir = v('wheel-dir')?.[0];
    if (spec.mode === 'pip-wheel') {
      rec.wheelhouse = true;
      rec.home = abs(wheelDir ?? '.', c.cwd);
    } else if (target) rec.home = rec.sitePackages = abs(target, c.cwd);
    else if (prefix) {
      rec.home = abs(prefix, c.cwd);
      rec.sitePackages = lib(rec.home);
    } else if (opts.has('user')) {
      rec.home = join(c.home, '.local');
      rec.sitePackages = lib(rec.home);
    } else {
      rec.home = env?.venv ?? env?.sitePackages ?? '/usr/local';
      rec.sitePackages = env?.sitePackages;
    }
  } else if (spec.mode === 'uv-sync') {
    const dir = abs(v('project-dir')?.[0] ?? '.', c.cwd);
    const venv = c.env.UV_PROJECT_ENVIRONMENT ? abs(c.env.UV_PROJECT_ENVIRONMENT, dir) : join(dir, '.venv');
    rec.home = venv;
    const fresh = !(venv === '/usr/local' || venv === '/usr') && !c.venvs.some((x) => x.venv === venv);
    const managed = fresh ? uvManagedPython(c, dir, v('python')?.[0], args) : undefined;
    if (managed) {
      made = { ...makeVenv(venv, managed, `${spec.tool} (${managed.how})`, instr), ...(managed.version ? {} : { sitePackages: undefined }) };
      rec.sitePackages = made.sitePackages;
    } else {
      rec.sitePackages = venv === '/usr/local' || venv === '/usr' ? c.python?.sitePackages : lib(venv);
      if (rec.sitePackages !== c.python?.sitePackages && fresh) made = makeVenv(venv, c.python, spec.tool, instr);
    }
  } else if (spec.mode === 'poetry' || spec.mode === 'pipenv') {
    const noVenv = spec.mode === 'poetry'
      ? c.poetryNoVenv || /^(false|0)$/i.test(c.env.POETRY_VIRTUALENVS_CREATE ?? '') || !!c.env.VIRTUAL_ENV
      : opts.has('system') || !!c.env.VIRTUAL_ENV;
    const inProject = spec.mode === 'poetry' ? /^(true|1)$/i.test(c.env.POETRY_VIRTUALENVS_IN_PROJECT ?? '') : !!c.env.PIPENV_VENV_IN_PROJECT;
    if (noVenv) {
      rec.home = env?.venv ?? env?.sitePackages ?? '/usr/local';
      rec.sitePackages = env?.sitePackages;
    } else if (inProject) {
      rec.home = join(c.cwd, '.venv');
      rec.sitePackages = lib(rec.home);
      if (!c.venvs.some((x) => x.venv === rec.home)) made = makeVenv(rec.home, c.python, spec.tool, instr);
    } else {
      rec.home = spec.mode === 'poetry' ? (c.env.POETRY_VIRTUALENVS_PATH ? abs(c.env.POETRY_VIRTUALENVS_PATH, c.cwd) : join(c.home, '.cache/pypoetry/virtualenvs')) : join(c.home, '.local/share/virtualenvs');
    }
  } else {
    const name = v('env-name')?.[0];
    const prefix = v('env-prefix')?.[0];
    const root = c.env.MAMBA_ROOT_PREFIX ?? c.env.CONDA_DIR ?? '/opt/conda';
    rec.home = prefix ? abs(prefix, c.cwd) : name && name !== 'base' ? join(root, 'envs', name) : root;
    rec.sitePackages = lib(rec.home);
  }

  // What it installs.
  const project = (dir: string, editable: boolean, needDeps = true) => {
    rec.project ??= { dir, editable, packages: [] };
    for (const name of ['pyproject.toml', 'setup.cfg']) {
      const src = c.contextSource(join(dir, name));
      if (src) (rec.project.metadata ??= {})[name] = src;
    }
    const py = c.text(join(dir, 'pyproject.toml'));
    if (py === undefined) {
      if (!needDeps) return undefined;
      if (c.tree.stat(join(dir, 'setup.py')) === 'file' || c.tree.stat(join(dir, 'setup.cfg')) === 'file') unknown(`${spec.tool} installs the project at ${dir}, whose dependencies are in setup.py/setup.cfg`);
      else if (c.tree.stat(dir) !== 'dir') unknown(`${spec.tool} installs ${dir}, which the model cannot see`);
      return undefined;
    }
    const parsed = parsePyproject(py);
    if (parsed.dependenciesElsewhere && needDeps) unknown(`${spec.tool} installs the project at ${dir}, whose dependencies are not written in pyproject.toml (dynamic, or setup.py)`);
    return parsed;
  };
  if (spec.mode === 'pip' || spec.mode === 'pip-wheel') {
    const argvReqs: Requirement[] = [];
    const readRequirements = (file: string, kind: 'requirement' | 'constraint', seen = new Set<string>()) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = c.text(file);
      if (text === undefined) {
        if (kind === 'requirement') unknown(`${spec.tool} -r ${file}: the file is not in the image model`);
        return;
      }
      if (kind === 'constraint') return;
      // `uv pip install -r pyproject.toml` installs the project's [project] dependencies (and the --extra ones), not the
      // project (uv docs, "Installing from a pyproject.toml"; setup.cfg/setup.py too, which the model does not read).
      if (spec.tool.startsWith('uv pip') && basename(file) === 'pyproject.toml') {
        const py = parsePyproject(text);
        if (py.dependenciesElsewhere) unknown(`${spec.tool} -r ${file}: its dependencies are not written in pyproject.toml (dynamic)`);
        else rec.sources.push({ kind: 'pyproject', file, contextFile: c.contextSource(file), requirements: [...py.dependencies, ...selectedExtras(py.optional, opts)], complete: noDeps });
        return;
      }
      const r = parseRequirementsFile(text);
      if (r.unreadable) unknown(`${file}:${r.unreadable.line + 1} installs ${r.unreadable.text}, which the model cannot read`);
      rec.sources.push({ kind: 'requirements', file, contextFile: c.contextSource(file), requirements: r.requirements, complete: r.complete || noDeps, generated: r.complete });
      for (const inc of r.includes) readRequirements(abs(inc.path, dirname(file)), inc.kind, seen);
      for (const l of r.localPaths) addSpec(l.path, l.editable, c.cwd);
    };
    const addSpec = (raw: string, editable: boolean, base: string) => {
      const s = raw.replace(/\[([^\]]*)\]$/, '');
      const extras = (/\[([^\]]*)\]$/.exec(raw)?.[1] ?? '').split(',').map((e) => normalizeDist(e)).filter(Boolean);
      const wheel = wheelUrlRequirement(s);
      if (wheel) return void argvReqs.push(wheel);
      if (/\.whl$|\.tar\.gz$|\.zip$/.test(s) || /[*?]/.test(s)) {
        const house = c.installs.find((r) => r.wheelhouse && within(r.home, abs(dirname(s), base)));
        if (house) {
          for (const src of house.sources) rec.sources.push({ ...src });
          if (house.unknown) unknown(house.unknown);
          if (house.project) rec.project ??= { ...house.project, editable: false };
        } else unknown(`${spec.tool} ${raw}: wheels the model cannot see`);
        return;
      }
      if (/^(git\+|https?:|file:|[a-z]+:\/\/)/i.test(s) || / @ /.test(s)) return void unknown(`${spec.tool} ${raw} (a URL)`);
      if (s.startsWith('.') || s.startsWith('/') || s.includes('/')) {
        const dir = abs(s, base);
        const py = project(dir, editable);
        if (py) {
          const reqs = [...py.dependencies, ...py.poetry, ...extras.flatMap((e) => py.optional.get(e) ?? [])];
          rec.sources.push({ kind: 'pyproject', file: join(dir, 'pyproject.toml'), contextFile: c.contextSource(join(dir, 'pyproject.toml')), requirements: reqs, complete: noDeps });
        }
        return;
      }
      const req = parseRequirementLoose(raw);
      if (req) argvReqs.push(req);
      else unknown(`${spec.tool} ${raw}`);
    };
    for (const f of v('requirement') ?? []) readRequirements(abs(f, c.cwd), 'requirement');
    for (const e of v('editable') ?? []) addSpec(e, true, c.cwd);
    if (spec.positionals === 'requirements') for (const p of pos) readRequirements(abs(p, c.cwd), 'requirement');
    else for (const p of pos) addSpec(p, false, c.cwd);
    // `pip install --group NAME` (pip 25.1, PEP 735): the group's requirements from ./pyproject.toml (`--group FILE:NAME` another file's).
    for (const g of v('group') ?? []) {
      const colon = g.lastIndexOf(':');
      const file = abs(colon > 0 ? g.slice(0, colon) : 'pyproject.toml', c.cwd);
      const name = normalizeDist(colon > 0 ? g.slice(colon + 1) : g);
      const text = c.text(file);
      const group = text === undefined ? undefined : parsePyproject(text).groups.get(name);
      if (!group) unknown(`${spec.tool} --group ${g}: ${text === undefined ? `${file} is not in the image model` : `${file} has no dependency group '${name}'`}`);
      else rec.sources.push({ kind: 'pyproject', file, contextFile: c.contextSource(file), requirements: group, complete: noDeps });
    }
    if (argvReqs.length) rec.sources.push({ kind: 'argv', requirements: argvReqs, complete: noDeps });
    if (v('find-links')?.length && !rec.sources.length && !rec.unknown) unknown(`${spec.tool} installs from --find-links without a requirement`);
  } else if (spec.mode === 'uv-sync' || spec.mode === 'poetry' || spec.mode === 'pipenv') {
    const dir = abs(v('project-dir')?.[0] ?? '.', c.cwd);
    if (spec.mode === 'pipenv') {
      const lock = c.text(join(dir, 'Pipfile.lock'));
      const pins = lock !== undefined ? lockedPins('Pipfile.lock', lock, opts.has('dev')) : undefined;
      if (pins) rec.sources.push({ kind: 'lock', file: join(dir, 'Pipfile.lock'), requirements: pins.map((p) => req(p.name, p.version)), complete: true });
      else {
        const pf = c.text(join(dir, 'Pipfile'));
        if (pf === undefined) unknown(`${spec.tool}: no Pipfile in ${dir}`);
        else rec.sources.push({ kind: 'pipfile', file: join(dir, 'Pipfile'), contextFile: c.contextSource(join(dir, 'Pipfile')), requirements: pipfilePackages(pf), complete: false });
      }
      const extra = pos.map((p) => parseRequirementLoose(p)).filter((r): r is Requirement => !!r);
      if (extra.length) rec.sources.push({ kind: 'argv', requirements: extra, complete: false });
    } else {
      const lockKinds: LockKind[] = spec.mode === 'poetry' ? ['poetry.lock'] : spec.tool.startsWith('pdm') ? ['pdm.lock'] : ['uv.lock'];
      let locked = false;
      for (const k of lockKinds) {
        const text = c.text(join(dir, k));
        // One workspace member (`--package`) or all of them: which package the walk starts from is not read here.
        const member = args.some((a) => a === '--all-packages' || a === '--package' || a.startsWith('--package='));
        const uvSel = k === 'uv.lock' && spec.mode === 'uv-sync' && !member && text !== undefined ? uvSelection(opts, c.text(join(dir, 'pyproject.toml')), c.env) : undefined;
        const pins = text !== undefined ? (uvSel && uvLockedSelection(text, uvSel)) || lockedPins(k, text, false, k === 'poetry.lock' ? poetryGroups(opts) : undefined) : undefined;
        if (pins) {
          rec.sources.push({ kind: 'lock', file: join(dir, k), requirements: pins.map((p) => req(p.name, p.version)), complete: true });
          locked = true;
        }
      }
      const installsProject = !opts.has('no-project');
      const py = installsProject || !locked ? project(dir, spec.mode === 'poetry' || !opts.has('no-editable') && !/^(1|true)$/i.test(c.env.UV_NO_EDITABLE ?? ''), !locked) : undefined;
      if (!installsProject) rec.project = undefined;
      if (!locked) {
        if (py) rec.sources.push({ kind: 'pyproject', file: join(dir, 'pyproject.toml'), contextFile: c.contextSource(join(dir, 'pyproject.toml')), requirements: [...py.dependencies, ...py.poetry, ...selectedExtras(py.optional, opts)], complete: false });
        else if (!rec.unknown) unknown(`${spec.tool}: no lock file or pyproject.toml in ${dir}`);
      }
    }
  } else {
    const files = v('file') ?? [];
    if (files.length) unknown(`${spec.tool} --file ${files[0]}`);
    const reqs = pos.map((p) => parseRequirementLoose(p.replace(/^[\w-]+::/, '').replace(/=.*$/, ''))).filter((r): r is Requirement => !!r);
    rec.sources.push({ kind: 'conda', requirements: reqs, complete: false });
  }
  if (rec.project && !rec.project.builtIn) {
    rec.project.packages = projectPackages(c.tree, rec.project.dir);
    rec.project.root = editableRoot(c.tree, rec.project.dir);
  }
  if (rec.project && rec.project.packages.length === 0 && !rec.project.editable) unknown(`${spec.tool}: the model cannot tell which packages the project at ${rec.project.dir} installs`);
  return { record: rec, env: made };
}

/**
 * Which of a poetry.lock package's groups `poetry install` keeps: `--without dev,test` / `--no-dev` (Poetry 1.x) leave
 * those groups out, `--only main` keeps just those; a package another kept group needs stays (Poetry's install docs).
 */
function poetryGroups(opts: Map<Effect, string[]>): ((groups: string[]) => boolean) | undefined {
  const list = (e: Effect) => (opts.get(e) ?? []).flatMap((v) => v.split(',')).map((g) => g.trim()).filter(Boolean);
  const only = list('only');
  const without = [...list('without'), ...(opts.has('no-dev') ? ['dev'] : [])];
  if (only.length) return (gs) => gs.some((g) => only.includes(g));
  if (without.length) return (gs) => gs.some((g) => !without.includes(g));
  return undefined;
}

/**
 * What `uv sync` installs besides the project's dependencies: the extras asked for (`--extra`, `--all-extras`) and the
 * dependency groups: the default `dev` unless `--no-dev`/`--no-default-groups`/UV_NO_DEV, plus `--group`; every group
 * with `--all-groups`, `--only-group` or a project that sets its own `default-groups` (read as an upper bound).
 */
function uvSelection(opts: Map<Effect, string[]>, pyproject: string | undefined, env: Record<string, string | undefined>): UvSelection {
  const extras = opts.has('all-extras') ? 'all' as const : (opts.get('extra') ?? []).flatMap((v) => v.split(/[\s,]+/)).map((e) => normalizeDist(e)).filter(Boolean);
  const noDev = opts.has('no-dev') || opts.has('no-default-groups') || /^(1|true)$/i.test(env.UV_NO_DEV ?? '');
  const all = opts.has('all-groups') || opts.has('only-group') || /^\s*default-groups\s*=/m.test(pyproject ?? '');
  const groups = all ? 'all' as const : [...(noDev ? [] : ['dev']), ...(opts.get('group') ?? []).map((g) => normalizeDist(g))];
  return { extras, groups };
}

/**
 * The `[project.optional-dependencies]` an install asks for: `poetry install -E a -E "b c"` / `--extras a,b`,
 * `uv sync --extra a`, `--all-extras` (every extra).
 */
function selectedExtras(optional: Map<string, Requirement[]>, opts: Map<Effect, string[]>): Requirement[] {
  if (opts.has('all-extras')) return [...optional.values()].flat();
  const names = (opts.get('extra') ?? []).flatMap((v) => v.split(/[\s,]+/)).map((e) => normalizeDist(e)).filter(Boolean);
  return names.flatMap((e) => optional.get(e) ?? []);
}

/** A locked distribution; `text` carries the pin (`name==version`) when the lock records the version. */
function req(name: string, version?: string): Requirement {
  return { name, extras: [], line: 0, text: version ? `${name}==${version}` : name };
}

function parseRequirementLoose(raw: string): Requirement | undefined {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:\[([^\]]*)\])?(?:\s*[<>=!~;@].*)?$/.exec(raw.trim());
  if (!m) return undefined;
  return { name: normalizeDist(m[1]), extras: (m[2] ?? '').split(',').map((e) => normalizeDist(e)).filter(Boolean), line: 0, text: raw };
}

/** `[packages]` keys of a Pipfile. */
function pipfilePackages(text: string): Requirement[] {
  const out: Requirement[] = [];
  let table = '';
  text.split(/\r?\n/).forEach((raw, line) => {
    const l = raw.replace(/#.*$/, '').trim();
    const h = /^\[([^\]]+)\]$/.exec(l);
    if (h) table = h[1];
    else if (table === 'packages') {
      const m = /^"?([A-Za-z0-9][A-Za-z0-9._-]*)"?\s*=/.exec(l);
      if (m) out.push({ name: normalizeDist(m[1]), extras: [], line, text: l });
    }
  });
  return out;
}

/** `poetry export -o requirements.txt` / `uv export -o ...`: a requirements file holding the lock's distributions, pinned. */
function exportLock(argv: string[], c: InstallContext): InstallStep | undefined {
  const out = optionValue(argv, ['-o', '--output', '--output-file']);
  if (!out) return undefined;
  const lockName: LockKind = argv[0] === 'poetry' ? 'poetry.lock' : argv[0] === 'pdm' ? 'pdm.lock' : 'uv.lock';
  const text = c.text(join(c.cwd, lockName));
  const names = text !== undefined ? lockedDistributions(lockName, text) : undefined;
  const path = abs(out, c.cwd);
  if (!names) return { unknown: `${argv[0]} export: no ${lockName} in ${c.cwd}` };
  return { writes: [{ path, content: `# via ${argv[0]} export of ${lockName}\n${names.join('\n')}\n` }] };
}

/** Top-level packages and modules a local project installs: `src/` children, else the project folder's packages and modules. */
export function projectPackages(tree: ImageTree, dir: string): string[] {
  const root = tree.stat(join(dir, 'src')) === 'dir' ? join(dir, 'src') : dir;
  const out: string[] = [];
  for (const n of tree.readDir(root) ?? []) {
    if (n.startsWith('.') || n.startsWith('_') && n !== '__init__.py') continue;
    const p = join(root, n);
    const kind = tree.stat(p);
    if (kind === 'dir' && tree.stat(join(p, '__init__.py')) === 'file' && !/^(tests?|docs?|examples?|scripts?|build|dist)$/.test(n)) out.push(n);
    else if (kind === 'file' && n.endsWith('.py') && !/^(setup|conftest|manage|noxfile|tasks|fabfile)\.py$/.test(n) && root !== dir) out.push(n.slice(0, -3));
  }
  return out;
}

/** The folder on sys.path that holds a project's packages for an editable install (`src/` when it has one). */
export function editableRoot(tree: ImageTree, dir: string): string {
  return tree.stat(join(dir, 'src')) === 'dir' ? join(dir, 'src') : dir;
}

function abs(p: string, cwd: string): string {
  return normalize(p.startsWith('/') ? p : join(cwd, p));
}

function optionValue(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (n.startsWith('--') && args[i].startsWith(n + '=')) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/** Apt/apk packages that bring a Python interpreter (not distributions). */
const PYTHON_PACKAGES = /^(python3?(\.\d+)?(-minimal|-dev|-venv|-pip|-full|-distutils|-setuptools|-wheel|-is-python3)?|python-is-python3|py3-pip|py3-setuptools|py3-wheel|pip)$/;

/** Where Debian's and Ubuntu's `python3-X` packages put distributions: the system python3's dist-packages. */
export const APT_DIST_PACKAGES = '/usr/lib/python3/dist-packages';

/**
 * Versions of distributions in Debian/Ubuntu releases' `python3-X` packages, by release codename and
 * normalised distribution, where known (measured: `apt-cache show` on the dev machine, docs/assumptions.md).
 * A distribution not listed comes in a version deploylint does not know.
 */
const APT_DIST_VERSIONS: Record<string, Record<string, string>> = {
  bookworm: { gunicorn: '20.1.0' },
};

/** Debian/Ubuntu release names of a base image tag's codename or number (`12` -> bookworm). */
const RELEASE_NAMES: Record<string, string> = { '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie', '18.04': 'bionic', '20.04': 'focal', '22.04': 'jammy', '24.04': 'noble' };

/** The release codename of a `debian:`/`ubuntu:` base image reference (`debian:bookworm-slim`, `ubuntu:22.04`), when it names one. */
export function aptRelease(base: string): string | undefined {
  const m = /^(?:docker\.io\/)?(?:library\/)?(?:debian|ubuntu):([a-z]+|\d+(?:\.\d+)?)(?:[-.@]|$)/.exec(base.trim().toLowerCase());
  return m ? RELEASE_NAMES[m[1]] ?? m[1] : undefined;
}

/**
 * The distribution a Debian/Ubuntu `python3-X` package installs. Debian's Python policy names the
 * package after the module it provides (lower case, `_` as `-`): python3-flask -> flask,
 * python3-yaml -> PyYAML, python3-bs4 -> beautifulsoup4, python3-pil -> Pillow. So: a table
 * distribution of that name, else the table's distribution providing that import name, else the name itself
 * (whose PEP 503 guess is then that import name).
 */
export function aptPackageDistribution(pkg: string): string | undefined {
  const m = /^python3-(.+)$/.exec(pkg.toLowerCase().replace(/:[a-z0-9]+$/, ''));
  if (!m || PYTHON_PACKAGES.test(pkg)) return undefined;
  const x = normalizeDist(m[1]);
  if (importNamesFor(x)) return x;
  const imp = x.replace(/-/g, '_');
  const providers = distributionsForAnyCase(imp);
  if (providers.length) return providers.find((d) => d === `python-${x}` || d === `py${x}`) ?? providers[0];
  return x;
}

/**
 * apt-get/apk/yum installs: a Python interpreter selects the stage's Python. Debian/Ubuntu `python3-X`
 * packages install distributions for the system python3 (into /usr/lib/python3/dist-packages): when that
 * python3 is the stage's Python (a debian/ubuntu base image), they are an install record; on an image whose
 * Python is another interpreter (the official python images' /usr/local/bin/python), or for apk/yum, what
 * they bring is unknown to the model.
 */
export function interpretSystemPackages(argv: string[], c: Pick<InstallContext, 'python'>, aptVersion: string | undefined, instr: Instruction, stage = 0, base = ''): InstallStep | undefined {
  const exe = basename(argv[0]);
  // Options may come before the subcommand (`apt-get -y install`, `apt-get -qq -o Dpkg::Use-Pty=0 install`; apt-get(8)).
  let at = 1;
  while (at < argv.length && argv[at].startsWith('-')) at += /^-(o|c|t)$|^--(option|config-file|target-release)$/.test(argv[at]) ? 2 : 1;
  const sub = argv[at];
  if (!((/^(apt-get|apt)$/.test(exe) && sub === 'install') || (exe === 'apk' && sub === 'add') || (/^(yum|dnf|microdnf)$/.test(exe) && sub === 'install'))) return undefined;
  const pkgs = argv.slice(at + 1).filter((a) => !a.startsWith('-') && !a.includes('='));
  const others = pkgs.filter((p) => /^(python3?-|py3-)/.test(p) && !PYTHON_PACKAGES.test(p));
  const py = pkgs.map((p) => /^python(3(?:\.(\d+))?)$/.exec(p)).find(Boolean);
  const imagePython = c.python?.how.startsWith('base image') && c.python.interpreter === '/usr/local/bin/python';
  const apt = /^(apt-get|apt)$/.test(exe);
  // python3-X on the system python3 of a Debian/Ubuntu image: distributions Python finds (python3 comes as their dependency).
  const systemPython = apt && !imagePython && aptVersion !== undefined && others.every((p) => /^python3-/.test(p));
  // On the official python images Debian's python3-X land in /usr/lib/python3/dist-packages, for the Debian python3
  // they pull in, which /usr/local/bin/python (first on PATH as python and python3) never reads: nothing for the
  // image's Python (docker-library/python#43, #482).
  if (others.length && apt && imagePython && others.every((p) => /^python3-/.test(p))) return undefined;
  if (others.length && !systemPython) return { unknown: `${exe} installs ${others[0]}` };
  let env: PythonEnv | undefined;
  // python3-pip, python3-venv, python3-dev ... depend on python3: they install the system interpreter too.
  const brings = pkgs.some((p) => PYTHON_PACKAGES.test(p));
  if ((py || brings || others.length) && !imagePython && (py || !c.python?.interpreter)) {
    const version = py?.[2] ? `3.${py[2]}` : aptVersion;
    env = { version, interpreter: `/usr/bin/python${py?.[2] ? version : '3'}`, sitePackages: version ? `/usr/local/lib/python${version}/dist-packages` : undefined, how: `${exe} ${sub} ${py?.[0] ?? others[0]}`, instr };
  }
  if (!others.length) return env ? { env } : undefined;
  const release = aptRelease(base);
  const requirements: Requirement[] = [];
  for (const p of others) {
    const name = aptPackageDistribution(p);
    if (!name) continue;
    const known = release ? APT_DIST_VERSIONS[release]?.[name] : undefined;
    requirements.push({ name, extras: [], line: instr.line, text: known ? `${name}==${known}` : name });
  }
  // apt installs Recommends by default (python3-flask recommends python3-dotenv and python3-blinker): modules the table's Requires-Dist does not list.
  const noRecommends = argv.some((a) => a === '--no-install-recommends' || /^APT::Install-Recommends=(false|0|no)$/i.test(a));
  const record: InstallRecord = {
    instr, stage, tool: `${exe} ${sub}`, home: APT_DIST_PACKAGES, sitePackages: APT_DIST_PACKAGES,
    sources: [{ kind: 'argv', requirements, complete: false }],
    apt: release ?? base,
    ...(noRecommends ? {} : { unknown: `${exe} ${sub} without --no-install-recommends also installs what the packages recommend, which the distribution table does not list` }),
  };
  return { record, ...(env ? { env } : {}) };
}
