// Dockerfile -> ImageModel per stage, evaluating FROM, ARG/ENV, WORKDIR, COPY/ADD and common RUN effects with Docker's semantics.
import { basename, dirname, join, normalize } from '../fs';
import { goMatch } from '../text/glob';
import type { Range } from '../types';
import { BuildContext, IgnorePattern } from './context';
import { expandWord, Instruction, ParsedDockerfile, Vars, Word } from './parse';
import { baseImageEnv, baseImageFacts } from '../packages/base-images';
import type { InstallRecord, PythonEnv } from './installs';
import { applyRun, InstallState, RunEffects } from './run';
import { ImageTree, rebase, within } from './tree';

/** One source argument of a COPY/ADD and what it matched in the build context. */
export interface CopySource {
  word: Word;
  /** The expanded, context-relative path or pattern ('' is the context root). */
  path: string;
  status: 'ok' | 'missing' | 'excluded' | 'uncertain' | 'remote' | 'stage';
  /** Context-relative matches (one for a plain path, any number for a glob). */
  matches: string[];
  isGlob: boolean;
  excludedBy?: IgnorePattern;
  /** Why the status is uncertain (unexpanded variable, ...). */
  note?: string;
}

export interface CopyOp {
  instr: Instruction;
  keyword: 'COPY' | 'ADD';
  /** `--from`: a stage index, or an external image name. */
  from?: { stage?: number; image?: string; raw: string };
  sources: CopySource[];
  /** Absolute image path of the destination (WORKDIR applied), without trailing slash. */
  dest: string;
  destWord: Word;
  /** The destination is a folder (trailing slash, several sources, an existing folder, or folder sources). */
  destIsDir: boolean;
  /** WORKDIR in force at this instruction. */
  workdir: string;
  parents: boolean;
}

/** A Python project the stage installed from an image folder. */
export interface InstalledProject {
  dir: string;
  instr: Instruction;
  /** Installed from a wheel built in another stage: that stage's files, where `dir` (its metadata) is; this stage's `dir` has nothing of it. */
  tree?: ImageTree;
}

export interface StageModel extends InstallState {
  index: number;
  /** `AS name`, lower-cased as Docker compares it. */
  name?: string;
  from: Instruction;
  /** The expanded base image reference ('scratch', 'python:3.11-slim', or another stage's name). */
  base: string;
  baseStage?: number;
  /** True when the base is a stage of this file or an image known to hold no application files. */
  baseKnown: boolean;
  /** The base is an image another Dockerfile of the repository builds: that Dockerfile and its stage (whose files, ENV, WORKDIR, USER and installs this stage starts from). */
  baseImage?: RepoBase;
  /** Why the base image was not linked to a Dockerfile of the repository although one may build it (for --explain). */
  baseNote?: string;
  /** What the repository-built base image runs (its ENTRYPOINT and CMD, in its own Dockerfile), which this stage inherits unless it sets its own. */
  baseCommand?: { dockerfile: string; entrypoint?: Instruction; cmd?: Instruction };
  /** The ENTRYPOINT of a known external base image's config (AWS Lambda's `/lambda-entrypoint.sh`), which runs unless a stage sets its own. */
  baseEntrypoint?: { argv: string[]; image: string };
  tree: ImageTree;
  /** ARG and ENV values visible at the end of the stage. */
  vars: Vars;
  /** ENV values only (what the container sees at run time). */
  env: Map<string, { value: string; instr: Instruction }>;
  workdir: string;
  /** WORKDIR as it was before each instruction line. */
  workdirAt: Map<number, string>;
  copies: CopyOp[];
  runs: Instruction[];
  cmd?: Instruction;
  entrypoint?: Instruction;
  healthcheck?: Instruction;
  expose: { port: string; word: Word; instr: Instruction }[];
  user?: string;
  /** The SHELL instruction in effect (exec form: Docker runs shell-form RUN/CMD/ENTRYPOINT with it instead of `/bin/sh -c`). */
  shell?: { argv: string[]; instr: Instruction };
  /** The SHELL in effect where the CMD / ENTRYPOINT was written (Docker bakes it into the image config then); undefined: `/bin/sh -c`. */
  cmdShell?: string[];
  entrypointShell?: string[];
  /** What `/bin/sh` is in the image (from the base image's facts, or a RUN that relinks it); undefined: not known. */
  binSh?: 'dash' | 'ash' | 'bash' | 'none';
  instructions: Instruction[];
  /** Image folders whose Python projects were pip-installed (their packages are importable). */
  installed: InstalledProject[];
  /** Something was installed whose content the model cannot see (a wheel, an unknown local path). */
  sitePackagesUncertain?: { reason: string; instr: Instruction; /** Later installs the model could not read either (uncertainty adds up). */ also?: string[] };
  /** RUN commands whose file effects the model does not know (build tools, scripts), base stages' included: they may write below `cwd` or anywhere. */
  /** RUNs whose effects are not modelled; `noModules`: one known to write no Python module (`manage.py collectstatic`). */
  unmodelledRuns: { instr: Instruction; command: string; cwd: string; noModules?: true }[];
}

export interface ImageModel {
  dockerfile: string;
  context: BuildContext;
  parsed: ParsedDockerfile;
  stages: StageModel[];
  /** The stage that `docker build` produces (the last one, or the compose/CLI `target`). */
  final: StageModel | undefined;
  /** ARGs declared before the first FROM. */
  globalArgs: Vars;
}

/** A base image built by another Dockerfile of the repository. */
export interface RepoBase {
  dockerfile: string;
  stage: StageModel;
  /** How the link was made, for messages: `tagged localhost/x:builder in build.sh`. */
  how: string;
}

export interface BuildOptions {
  /** Links a FROM reference that names no stage to the Dockerfile of the repository that builds it (or says why not). */
  baseImage?: (ref: string, unresolved?: string[]) => RepoBase | { reason: string } | undefined;
  /** `--build-arg` values (compose `build.args`, workflow flags, build scripts); undefined: passed, value unknown. */
  buildArgs?: Record<string, string | undefined>;
  /** `--target` stage name. */
  target?: string;
  /** The Dockerfile is a template for another project (see ContextChoice.template): what COPY brings from the context is unknown. */
  template?: true;
}

/** Base images (by repository name) known to ship no application code under the usual app folders. */
const KNOWN_BASES = [
  /^(docker\.io\/)?(library\/)?(python|pypy|debian|ubuntu|alpine|busybox|fedora|centos|rockylinux|almalinux|amazonlinux|archlinux|buildpack-deps|node|golang|rust|openjdk|eclipse-temurin|nginx|redis|postgres)(:|@|$)/,
  /^(docker\.io\/)?(nvidia\/cuda|pytorch\/pytorch|tensorflow\/tensorflow|continuumio\/miniconda3|continuumio\/anaconda3|condaforge\/miniforge3|mambaorg\/micromamba|ghcr\.io\/astral-sh\/uv)(:|@|$)/,
  /^(gcr\.io\/distroless\/|cgr\.dev\/chainguard\/(python|wolfi-base)|registry\.access\.redhat\.com\/ubi\d*\/|public\.ecr\.aws\/docker\/library\/|mcr\.microsoft\.com\/(vscode\/)?devcontainers\/python|nvcr\.io\/nvidia\/(pytorch|tensorflow|cuda))/,
  /^(public\.ecr\.aws\/lambda\/python|(docker\.io\/)?amazon\/aws-lambda-python)(:|@|$)/,
  /^(registry\.redhat\.io\/ubi\d+\/python-|quay\.io\/sclorg\/python-)/,
];

/** True when an image reference names a base known to contain no application files. */
export function isKnownBase(image: string): boolean {
  const ref = image.toLowerCase();
  if (ref === 'scratch') return true;
  return KNOWN_BASES.some((r) => r.test(ref));
}

const GLOB = /[*?[]/;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;

/**
 * Evaluates every stage of a parsed Dockerfile against a build context. `previous`: the model of
 * this Dockerfile's last version (the language server keeps it); a stage whose tree comes out
 * equivalent to its tree there gets that tree object back (see {@link keepEquivalentTrees}).
 */
export function buildImageModel(
  dockerfile: string,
  parsed: ParsedDockerfile,
  context: BuildContext,
  options: BuildOptions = {},
  previous?: ImageModel,
): ImageModel {
  const stages: StageModel[] = [];
  const globalArgs: Vars = new Map();
  const buildArgs = options.buildArgs ?? {};
  let stage: StageModel | undefined;
  let workdir = '/';

  const expand = (w: Word, vars: Vars) => expandWord(w, vars);

  for (const ins of parsed.instructions) {
    if (ins.keyword === 'FROM') {
      const vars = globalArgs;
      const imageWord = ins.args[0];
      let expanded = imageWord ? expand(imageWord, vars) : undefined;
      let registryNote: string | undefined;
      // `FROM ${REGISTRY}/library/python:3.13-slim` with no one value for REGISTRY: only the registry host is
      // unknown, and an official image's path (`library/<name>`) names the same image on any mirror of Docker Hub.
      const hostArg = imageWord ? /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?\/library\/[a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9._-]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(imageWord.text) : null;
      if (expanded && hostArg && expanded.unresolved.length === 1 && expanded.unresolved[0] === hostArg[1] && expanded.value.startsWith('/library/')) {
        registryNote = `the registry of the base image comes from ARG ${hostArg[1]}, which has no one value; the path ${expanded.value.slice(1)} is an official image's, read as docker.io${expanded.value}`;
        expanded = { value: `docker.io${expanded.value}`, unresolved: [] };
      }
      const base = expanded?.value ?? '';
      const asIdx = ins.args.findIndex((a) => a.text.toLowerCase() === 'as');
      const name = asIdx >= 0 && ins.args[asIdx + 1] ? ins.args[asIdx + 1].text.toLowerCase() : undefined;
      const baseStage = stages.findIndex((s) => s.name !== undefined && s.name === base.toLowerCase());
      let repoBase: RepoBase | undefined;
      let baseNote: string | undefined;
      if (baseStage < 0 && expanded?.unresolved.length && options.baseImage) {
        // `FROM ${BASE}` with no value for BASE: which image (maybe one the repository builds) is not known.
        const r = options.baseImage(base, [...new Set(expanded.unresolved)]);
        if (r && 'reason' in r) baseNote = r.reason;
      } else if (baseStage < 0 && base && base.toLowerCase() !== 'scratch' && options.baseImage) {
        const r = options.baseImage(base);
        if (r && 'reason' in r) baseNote = r.reason;
        else repoBase = r;
      }
      if (registryNote && !baseNote) baseNote = registryNote;
      const parent = baseStage >= 0 ? stages[baseStage] : repoBase ? inheritedBase(repoBase, ins, stages.length) : undefined;
      const tree = new ImageTree(parent?.tree);
      const baseKnown = parent ? parent.baseKnown : isKnownBase(base);
      if (!parent && !baseKnown) {
        tree.add({ kind: 'uncertain', dest: '/', reason: `base image ${base || '(none)'} may contain files`, origin: { instr: ins, stage: stages.length } });
      }
      const facts = parent || base.toLowerCase() === 'scratch' ? undefined : baseImageFacts(base);
      workdir = parent ? parent.workdir : facts?.workdir ?? '/';
      // The base image's config ENV (PATH) is what `$PATH` expands to and what the container inherits.
      const rootEnv = parent || base.toLowerCase() === 'scratch' ? {} : baseImageEnv(base);
      const baseEntrypoint = parent ? parent.baseEntrypoint : facts?.entrypoint ? { argv: facts.entrypoint, image: base } : undefined;
      stage = {
        index: stages.length,
        name,
        from: ins,
        base,
        baseStage: baseStage >= 0 ? baseStage : undefined,
        baseKnown,
        ...(repoBase ? { baseImage: repoBase } : {}),
        ...(parent?.baseCommand ? { baseCommand: parent.baseCommand } : {}),
        ...(baseEntrypoint ? { baseEntrypoint } : {}),
        ...(baseNote ?? parent?.baseNote ? { baseNote: baseNote ?? parent?.baseNote } : {}),
        tree,
        // A stage FROM an earlier stage of this Dockerfile inherits its ARG values as well as its ENV (BuildKit; Docker docs,
        // "Build variables": "Arguments and variables are inherited from parent stages"); another Dockerfile's image brings ENV only.
        vars: new Map(baseStage >= 0 && parent ? [...parent.vars] : parent ? [...parent.env].map(([k, v]) => [k, v.value] as [string, string]) : Object.entries(rootEnv)),
        env: new Map(parent ? parent.env : Object.entries(rootEnv).map(([k, value]) => [k, { value, instr: ins }] as const)),
        workdir,
        workdirAt: new Map(),
        copies: [],
        runs: [],
        cmd: parent?.cmd,
        entrypoint: parent?.entrypoint,
        healthcheck: parent?.healthcheck,
        expose: parent ? [...parent.expose] : [],
        user: parent ? parent.user : facts?.user,
        ...(parent?.shell ? { shell: parent.shell } : {}),
        ...(parent?.cmdShell && parent.cmd ? { cmdShell: parent.cmdShell } : {}),
        ...(parent?.entrypointShell && parent.entrypoint ? { entrypointShell: parent.entrypointShell } : {}),
        ...((parent ? parent.binSh : facts?.binSh) ? { binSh: parent ? parent.binSh : facts?.binSh } : {}),
        instructions: [ins],
        installed: parent ? [...parent.installed] : [],
        sitePackagesUncertain: parent?.sitePackagesUncertain,
        unmodelledRuns: parent ? [...parent.unmodelledRuns] : [],
        python: parent ? parent.python : baseFactsPython(base, ins),
        venvs: parent ? [...parent.venvs] : [],
        installs: parent ? [...parent.installs] : [],
        installsUnknown: parent ? parent.installsUnknown : undefined,
        poetryNoVenv: parent ? parent.poetryNoVenv : false,
        rootBase: parent ? parent.rootBase : base,
        aptPython: parent ? parent.aptPython : baseImageFacts(base)?.python === 'apt' ? baseImageFacts(base)?.pythonVersion : undefined,
      };
      if (!parent && stage.python?.sitePackages) tree.add({ kind: 'mkdir', dest: stage.python.sitePackages, origin: { instr: ins, stage: stage.index } });
      if (facts?.workdir) tree.add({ kind: 'mkdir', dest: facts.workdir, origin: { instr: ins, stage: stage.index } });
      stage.workdirAt.set(ins.line, workdir);
      stages.push(stage);
      continue;
    }
    if (!stage) {
      if (ins.keyword === 'ARG') declareArgs(ins, globalArgs, globalArgs, buildArgs, true);
      continue;
    }
    const st = stage;
    st.instructions.push(ins);
    st.workdirAt.set(ins.line, st.workdir);
    switch (ins.keyword) {
      case 'ARG':
        declareArgs(ins, st.vars, globalArgs, buildArgs, false);
        break;
      case 'ENV':
        for (const [k, v] of envPairs(ins, st.vars)) {
          st.vars.set(k, v);
          st.env.set(k, { value: v, instr: ins });
        }
        break;
      case 'WORKDIR': {
        const w = ins.args[0];
        if (!w) break;
        const e = expand(w, st.vars);
        st.workdir = normalize(e.value.startsWith('/') ? e.value : join(st.workdir, e.value));
        st.tree.add({ kind: 'mkdir', dest: st.workdir, origin: { instr: ins, stage: st.index } });
        break;
      }
      case 'COPY':
      case 'ADD': {
        const op = evalCopy(ins, st, stages, context, expand, options.template);
        if (op) st.copies.push(op);
        break;
      }
      case 'RUN': {
        st.runs.push(ins);
        const effects: RunEffects = { tree: st.tree, workdir: st.workdir, vars: st.vars, stage: st.index, context, installed: st.installed, state: st, home: homeOf(st), stages };
        const r = applyRun(ins, effects);
        const sh = relinkedBinSh(ins.commandText);
        if (sh !== false) {
          if (sh) st.binSh = sh;
          else delete st.binSh;
        }
        if (r.sitePackagesUncertain) markSitePackagesUncertain(st, r.sitePackagesUncertain, ins);
        for (const u of r.unmodelled) st.unmodelledRuns.push({ instr: ins, ...u });
        break;
      }
      case 'CMD':
        st.cmd = ins;
        if (st.shell) st.cmdShell = st.shell.argv;
        else delete st.cmdShell;
        break;
      case 'ENTRYPOINT':
        st.entrypoint = ins;
        if (st.shell) st.entrypointShell = st.shell.argv;
        else delete st.entrypointShell;
        // Docker: setting ENTRYPOINT resets a CMD inherited from the base image.
        if (st.cmd && st.cmd.line < st.from.line) st.cmd = undefined;
        break;
      case 'HEALTHCHECK':
        st.healthcheck = ins;
        break;
      case 'EXPOSE':
        for (const w of ins.args) {
          const v = expand(w, st.vars).value;
          st.expose.push({ port: v.split('/')[0], word: w, instr: ins });
        }
        break;
      case 'USER':
        if (ins.args[0]) st.user = expand(ins.args[0], st.vars).value;
        break;
      case 'SHELL':
        // Exec form only (Docker rejects another form); it applies to the shell-form instructions after it, CMD and ENTRYPOINT included.
        if (ins.json && ins.args.length) st.shell = { argv: ins.args.map((a) => a.text), instr: ins };
        break;
      default:
        break;
    }
  }
  if (previous && previous.context === context) keepEquivalentTrees(stages, previous.stages);
  let final = stages[stages.length - 1];
  if (options.target) {
    const t = stages.find((s) => s.name === options.target!.toLowerCase());
    if (t) final = t;
  }
  return { dockerfile, context, parsed, stages, final, globalArgs };
}

/**
 * A RUN that changes what `/bin/sh` is: `ln -sf bash /bin/sh` (or `/bin/bash`) makes it bash; another link, an
 * `update-alternatives` for it or `dpkg-reconfigure dash`: not known (undefined). False: the RUN leaves it alone.
 */
export function relinkedBinSh(command: string): 'bash' | undefined | false {
  if (!/\/bin\/sh\b|\bdpkg-reconfigure\s/.test(command)) return false;
  for (const part of command.split(/&&|\|\||;|\n/)) {
    const ln = /(?:^|\s)ln\s+((?:-\w+\s+)*)(\S+)\s+\/bin\/sh\s*$/.exec(part.trim());
    if (ln && /s/.test(ln[1])) return /(?:^|\/)bash$/.test(ln[2]) ? 'bash' : undefined;
    if (/\bupdate-alternatives\b.*\/bin\/sh\b/.test(part) || /\bdpkg-reconfigure\b.*\bdash\b/.test(part)) return undefined;
  }
  return false;
}

/**
 * A stage of another Dockerfile as the base of a stage of this one. Its files come through one layer
 * (as a `COPY --from` of its root would), and what its instructions recorded (installs, RUNs the model
 * does not follow, ENV, Python) is kept but dated at this FROM: this file's rules and fixes never point
 * at a line of the other file as if it were theirs. EXPOSE, HEALTHCHECK, CMD and ENTRYPOINT are not
 * carried: the command stays with `baseCommand` (the runtime layer does not follow a command written in
 * another file).
 */
function inheritedBase(base: RepoBase, ins: Instruction, index: number): StageModel {
  const src = base.stage;
  const tree = new ImageTree();
  tree.add({ kind: 'tree', dest: '/', from: src.tree, fromPath: '/', origin: { instr: ins, stage: index } });
  const at = <T extends { instr?: Instruction }>(x: T): T => ({ ...x, instr: ins });
  const own = src.entrypoint || src.cmd ? { dockerfile: base.dockerfile, entrypoint: src.entrypoint, cmd: src.cmd } : undefined;
  return {
    ...src,
    index,
    from: ins,
    tree,
    env: new Map([...src.env].map(([k, v]) => [k, { value: v.value, instr: ins }])),
    cmd: undefined,
    entrypoint: undefined,
    healthcheck: undefined,
    expose: [],
    baseCommand: own ?? src.baseCommand,
    installed: src.installed.map(at),
    sitePackagesUncertain: src.sitePackagesUncertain && at(src.sitePackagesUncertain),
    unmodelledRuns: src.unmodelledRuns.map(at),
    python: src.python && at(src.python),
    venvs: src.venvs.map(at),
    installs: src.installs.map((r) => ({ ...r, instr: ins, stage: index, carriedBy: undefined, inheritedFrom: r.inheritedFrom ?? { dockerfile: base.dockerfile, instr: r.instr } })),
    installsUnknown: src.installsUnknown && at(src.installsUnknown),
  };
}

/**
 * An edit that leaves a stage's files as they were (a CMD, ENV or EXPOSE line, a COPY whose
 * source is missing) rebuilds an equivalent tree: the previous version's tree object stands in for
 * it, so that what is cached by tree (import closures, which are reused without asking the tree
 * again; the tree's own memoised answers) holds. Stages are compared by index, in build order, so
 * that a `COPY --from` of a stage whose tree was kept compares with the kept one.
 */
function keepEquivalentTrees(stages: StageModel[], before: StageModel[]): void {
  const kept = new Map<ImageTree, ImageTree>();
  const same = (x: ImageTree, y: ImageTree) => (kept.get(x) ?? x) === y;
  for (const st of stages) {
    const old = before[st.index]?.tree;
    if (old && st.tree.equivalent(old, same)) {
      kept.set(st.tree, old);
      st.tree = old;
    }
  }
}

function declareArgs(ins: Instruction, into: Vars, globals: Vars, buildArgs: Record<string, string | undefined>, isGlobal: boolean): void {
  for (const w of ins.args) {
    const eq = w.text.indexOf('=');
    const name = eq < 0 ? w.text : w.text.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    let value: string | undefined;
    if (name in buildArgs) value = buildArgs[name];
    else if (eq >= 0) value = expandWord({ text: w.text.slice(eq + 1), quoting: shiftQuoting(w, eq + 1) }, into).value;
    else if (!isGlobal && globals.has(name)) value = globals.get(name);
    into.set(name, value);
  }
}

function shiftQuoting(w: Word, by: number) {
  return w.quoting.map((q) => ({ ...q, start: q.start - by, end: q.end - by })).filter((q) => q.end > 0);
}

/** ENV key=value pairs (and the legacy `ENV key value` form), expanded in order. */
function envPairs(ins: Instruction, vars: Vars): [string, string][] {
  const out: [string, string][] = [];
  const words = ins.args;
  if (words.length && !words[0].text.includes('=')) {
    // Legacy form: ENV NAME the rest of the line
    const name = words[0].text;
    const rest = ins.commandText.slice(ins.commandText.indexOf(words[0].raw) + words[0].raw.length).trim();
    out.push([name, expandWord({ text: rest.replace(/^["']|["']$/g, ''), quoting: [] }, vars).value]);
    return out;
  }
  const local = new Map(vars);
  for (const w of words) {
    const eq = w.text.indexOf('=');
    if (eq <= 0) continue;
    const name = w.text.slice(0, eq);
    // All pairs on one ENV line see the values from before the line (Docker's rule).
    const value = expandWord({ text: w.text.slice(eq + 1), quoting: shiftQuoting(w, eq + 1) }, vars).value;
    local.set(name, value);
    out.push([name, value]);
  }
  return out;
}

function evalCopy(
  ins: Instruction,
  st: StageModel,
  stages: StageModel[],
  ctx: BuildContext,
  expand: (w: Word, v: Vars) => { value: string; unresolved: string[] },
  template?: true,
): CopyOp | undefined {
  const keyword = ins.keyword as 'COPY' | 'ADD';
  const origin = { instr: ins, stage: st.index };
  if (ins.heredocs.length && ins.args.some((a) => a.text.startsWith('<<'))) {
    const destWord = ins.args[ins.args.length - 1];
    const destRaw = expand(destWord, st.vars).value;
    const dest = absDest(destRaw, st.workdir);
    const docs = ins.heredocs;
    for (const h of docs) {
      const path = docs.length > 1 || destRaw.endsWith('/') ? join(dest, h.name) : dest;
      st.tree.add({ kind: 'file', dest: path, origin, content: h.content });
    }
    return undefined;
  }
  if (ins.args.length < 2) return undefined;
  const destWord = ins.args[ins.args.length - 1];
  const destExp = expand(destWord, st.vars);
  const srcWords = ins.args.slice(0, -1);
  const fromFlag = ins.flags.find((f) => f.name === 'from');
  const parents = ins.flags.some((f) => f.name === 'parents' && f.value !== 'false');
  const excludes = ins.flags.filter((f) => f.name === 'exclude' && f.value).map((f) => f.value!);
  const excludeFn = excludes.length ? makeExclude(excludes) : undefined;
  const destRaw = destExp.value;
  const dest = absDest(destRaw, st.workdir);
  let from: CopyOp['from'];
  if (fromFlag?.value) {
    const v = expandWord({ text: fromFlag.value, quoting: [] }, st.vars).value;
    const byName = stages.findIndex((s) => s.name === v.toLowerCase());
    const byIndex = /^\d+$/.test(v) ? Number(v) : -1;
    if (byName >= 0) from = { stage: byName, raw: v };
    else if (byIndex >= 0 && byIndex < stages.length) from = { stage: byIndex, raw: v };
    else from = { image: v, raw: v };
  }
  const op: CopyOp = { instr: ins, keyword, from, sources: [], dest, destWord, destIsDir: false, workdir: st.workdir, parents };
  // A destination that is only an unset variable (`COPY app.py ${LAMBDA_TASK_ROOT}` on a base the model does not
  // know): where the files land is unknown, but whether the sources exist depends only on the context.
  const destUnset = destExp.unresolved.length > 0 && !destRaw;
  // An ARG without a value in the destination (`prepline_${PIPELINE_PACKAGE}/`, set by the build script's
  // --build-arg): where the files land is known only up to the folder before it.
  const destUnknownBelow = destExp.unresolved.length ? knownPrefix(destWord, st.vars, expand, st.workdir) : undefined;

  // Sources
  for (const w of srcWords) {
    const e = expand(w, st.vars);
    const raw = e.value;
    if (e.unresolved.length && raw.replace(/[/.]/g, '') === '') {
      op.sources.push({ word: w, path: raw, status: 'uncertain', matches: [], isGlob: false, note: `uses unset ${e.unresolved.join(', ')}` });
      continue;
    }
    if (from) {
      op.sources.push({ word: w, path: raw, status: 'stage', matches: [], isGlob: GLOB.test(raw) });
      continue;
    }
    if (keyword === 'ADD' && REMOTE.test(raw)) {
      op.sources.push({ word: w, path: raw, status: 'remote', matches: [], isGlob: false });
      continue;
    }
    const path = contextPath(raw);
    if (template) {
      // The context is the project the template is copied into: nothing here says what it holds.
      op.sources.push({ word: w, path, status: 'uncertain', matches: [], isGlob: GLOB.test(path), note: 'the Dockerfile is a template: its build context is another project' });
      continue;
    }
    const isGlob = GLOB.test(path);
    if (isGlob) {
      const matches = globContext(ctx, path);
      op.sources.push({ word: w, path, status: 'ok', matches, isGlob: true });
      continue;
    }
    const kind = ctx.stat(path);
    if (kind) {
      op.sources.push({ word: w, path, status: 'ok', matches: [path], isGlob: false });
    } else if (ctx.statOnDisk(path)) {
      op.sources.push({ word: w, path, status: 'excluded', matches: [], isGlob: false, excludedBy: ctx.excludedBy(path) ?? nearestExcludedParent(ctx, path) });
    } else {
      op.sources.push({ word: w, path, status: e.unresolved.length ? 'uncertain' : 'missing', matches: [], isGlob: false, note: e.unresolved.length ? `uses unset ${e.unresolved.join(', ')}` : undefined });
    }
  }

  const matchCount = op.sources.reduce((n, s) => n + (s.status === 'stage' ? 1 : s.matches.length), 0);
  const endsSlash = /\/$/.test(destRaw) || destRaw === '.' || destRaw === '..';
  op.destIsDir = endsSlash || srcWords.length > 1 || matchCount > 1 || st.tree.stat(dest) === 'dir' || parents || (st.tree.stat(dest) === undefined && baseFolder(stages, st, dest));

  if (destUnset) {
    st.tree.add({ kind: 'uncertain', dest: st.workdir, reason: `COPY destination uses unset ${destExp.unresolved.join(', ')}`, origin });
    return op;
  }

  // Effects on the tree
  if (from) {
    if (from.image !== undefined) {
      st.tree.add({ kind: 'uncertain', dest, reason: `COPY --from=${from.image} copies files from an external image`, origin });
      return op;
    }
    const src = stages[from.stage!];
    if (src.index === st.index) return op;
    for (const s of op.sources) {
      if (s.status !== 'stage') continue;
      // --from sources are paths in that stage's filesystem, relative to its root.
      const p = absDest(s.path, '/');
      if (s.isGlob) {
        st.tree.add({ kind: 'uncertain', dest: op.destIsDir ? dest : dirname(dest), reason: `COPY --from=${from.raw} with a pattern`, origin });
        // `COPY --from=builder /dist/*.whl /tmp/`: the wheels a wheel folder of that stage holds come along.
        if (op.destIsDir && !GLOB.test(dirname(p))) carryRecords(st, src, dirname(p), dest, ins, (r) => !!r.wheelhouse);
        continue;
      }
      const kind = src.tree.stat(p);
      if (kind === 'dir') st.tree.add({ kind: 'tree', dest, from: src.tree, fromPath: p, origin });
      else if (kind === 'file') st.tree.add({ kind: 'tree', dest: op.destIsDir ? join(dest, basename(p)) : dest, from: src.tree, fromPath: p, origin });
      else st.tree.add({ kind: 'uncertain', dest, reason: `COPY --from=${from.raw} ${s.path}: the model does not know what the stage made there`, origin });
      carryInstalls(st, src, p, ins);
      carryRecords(st, src, p, kind === 'file' && op.destIsDir ? join(dest, basename(p)) : dest, ins);
    }
    return op;
  }
  if (destUnknownBelow !== undefined) {
    if (op.sources.some((x) => x.status !== 'missing' && x.status !== 'excluded')) st.tree.add({ kind: 'uncertain', dest: destUnknownBelow, reason: `${keyword} destination uses unset ${destExp.unresolved.join(', ')}`, origin });
    return op;
  }
  for (const s of op.sources) {
    if (s.status === 'remote' || s.status === 'uncertain') {
      // A URL lands at dest, or inside it when dest is a folder (`ADD https://.../x.tar.xz /tmp`): only dest is uncertain, not its parent.
      st.tree.add({ kind: 'uncertain', dest: op.destIsDir || s.status === 'remote' ? dest : dirname(dest), reason: `${keyword} ${s.word.raw} is not in the build context`, origin });
      continue;
    }
    for (const m of s.matches) {
      const kind = ctx.stat(m);
      const o = { instr: ins, stage: st.index, source: ctx.abs(m) };
      const target = parents ? join(dest, parentsPath(s.word.text, m)) : undefined;
      if (keyword === 'ADD' && kind === 'file' && ARCHIVE.test(m)) {
        st.tree.add({ kind: 'uncertain', dest: target ? dirname(target) : op.destIsDir ? dest : dirname(dest), reason: `ADD extracts the archive ${m}`, origin: o });
        continue;
      }
      if (kind === 'dir') {
        st.tree.add({ kind: 'ctxdir', dest: target ?? dest, ctx, ctxRel: m, origin: o, exclude: excludeFn });
      } else if (kind === 'file') {
        if (excludeFn?.(m)) continue;
        const path = target ?? (op.destIsDir ? join(dest, basename(m)) : dest);
        st.tree.add({ kind: 'ctxfile', dest: path, ctx, ctxRel: m, origin: o });
      }
    }
  }
  return op;
}

/** The folder a destination names before its first segment with an unset variable (`/app/${PKG}/x` -> `/app`). */
function knownPrefix(w: Word, vars: Vars, expand: (w: Word, v: Vars) => { value: string; unresolved: string[] }, workdir: string): string {
  const known: string[] = [];
  for (const seg of w.text.replace(/^["']|["']$/g, '').split('/')) {
    const e = expand({ ...w, text: seg, quoting: [] }, vars);
    if (e.unresolved.length) break;
    known.push(e.value);
  }
  const path = known.join('/');
  return path === '' ? (w.text.startsWith('/') ? '/' : workdir) : absDest(path, workdir);
}

/** When a stage copies another stage's site-packages, virtualenv or wheels, its installs come along. */
function carryInstalls(st: StageModel, src: StageModel, path: string, ins: Instruction): void {
  if (!/(site-packages|dist-packages|venv|\/\.local|\/install|wheel|\/opt\/|\/usr\/local)/.test(path)) return;
  for (const i of src.installed) if (!st.installed.some((x) => x.dir === i.dir)) st.installed.push(i);
  if (src.sitePackagesUncertain) for (const r of [src.sitePackagesUncertain.reason, ...(src.sitePackagesUncertain.also ?? [])]) markSitePackagesUncertain(st, r, ins);
}

/** The Python a base image runs, from the base-image table (undefined for images without Python or unknown ones). */
function baseFactsPython(base: string, ins: Instruction): PythonEnv | undefined {
  const f = baseImageFacts(base);
  if (!f || f.python !== 'image') return undefined;
  return { version: f.pythonVersion, interpreter: f.interpreter, sitePackages: f.sitePackages, how: `base image ${base}`, instr: ins };
}

/** The USER's home folder (root's unless USER names another; HOME from ENV wins). */
function homeOf(st: StageModel): string {
  const home = st.env.get('HOME')?.value;
  if (home) return home;
  const user = st.user?.split(':')[0];
  return !user || user === 'root' || user === '0' ? '/root' : `/home/${user}`;
}

/**
 * Folders every Linux base image has (the Filesystem Hierarchy Standard's, which Debian's base-files and Alpine's
 * alpine-baselayout create): a COPY of a file to one of them without a trailing slash (`COPY entrypoint.sh
 * /usr/local/bin`, `COPY requirements.txt /tmp`) puts the file inside the existing folder, as for any existing folder.
 */
const BASE_FOLDERS = new Set(['/bin', '/etc', '/home', '/lib', '/media', '/mnt', '/opt', '/root', '/run', '/sbin', '/srv', '/tmp', '/usr', '/usr/bin',
  '/usr/lib', '/usr/local', '/usr/local/bin', '/usr/local/lib', '/usr/local/sbin', '/usr/local/share', '/usr/sbin', '/usr/share', '/usr/src', '/var', '/var/lib', '/var/log', '/var/tmp']);

/** True when `dest` is one of BASE_FOLDERS and the stage does not start from scratch. */
function baseFolder(stages: StageModel[], st: StageModel, dest: string): boolean {
  if (!BASE_FOLDERS.has(dest)) return false;
  let root = st;
  while (root.baseStage !== undefined && root.baseStage >= 0 && stages[root.baseStage]) root = stages[root.baseStage];
  return root.base.toLowerCase() !== 'scratch';
}

/** COPY --from of a folder that holds install results (site-packages, a --prefix/--target folder, a venv, wheels) carries their records and venvs. */
function carryRecords(st: StageModel, src: StageModel, path: string, dest: string, ins: Instruction, only?: (r: InstallRecord) => boolean): void {
  for (const r of src.installs) {
    if (only && !only(r)) continue;
    const origin = r.origin ?? r;
    let carried: InstallRecord | undefined;
    if (within(path, r.home)) {
      carried = { ...r, home: rebase(r.home, path, dest), sitePackages: r.sitePackages && within(path, r.sitePackages) ? rebase(r.sitePackages, path, dest) : undefined, carriedBy: ins, origin };
    } else if (within(r.home, path) && (!r.sitePackages || within(r.sitePackages, path) || within(path, r.sitePackages))) {
      // A part of the install folder (site-packages of a venv): what it holds came along.
      carried = { ...r, home: dest, sitePackages: r.sitePackages && within(path, r.sitePackages) ? rebase(r.sitePackages, path, dest) : dest, carriedBy: ins, origin };
    }
    // The same install already here at or around that place (a base stage's, or an overlapping COPY): not twice. Each
    // install of one RUN is its own record (pip install -U pip && pip install -r requirements.txt).
    if (carried && !st.installs.some((x) => (x.origin ?? x) === origin && within(x.home, carried.home))) st.installs.push(carried);
  }
  for (const v of src.venvs) {
    if (v.venv && within(path, v.venv) && !st.venvs.some((x) => x.venv === rebase(v.venv!, path, dest))) {
      const root = rebase(v.venv, path, dest);
      st.venvs.push({ ...v, venv: root, interpreter: join(root, 'bin/python'), sitePackages: v.sitePackages ? rebase(v.sitePackages, path, dest) : undefined, carriedBy: ins, madeIn: v.madeIn ?? src.index });
    }
  }
  if (src.installsUnknown && st.installs.some((r) => r.carriedBy === ins)) st.installsUnknown ??= src.installsUnknown;
}

/** Stands for site-packages when the stage's Python (and so the real folder) is not known. */
export const SITE_PACKAGES = '/usr/local/lib/python3/site-packages';

/** The folder an unseen install blurs: the stage's real site-packages when its Python is known, else the stand-in. */
export function uncertainSitePackages(st: Pick<StageModel, 'python'>): string {
  return st.python?.sitePackages ?? SITE_PACKAGES;
}

/** Something was installed that the model cannot see: site-packages may hold any module. */
function markSitePackagesUncertain(st: StageModel, reason: string, ins: Instruction): void {
  const u = st.sitePackagesUncertain;
  if (u) {
    // A later unreadable install: its reason counts too (what it may have installed, the project itself, is decided from all of them).
    if (u.reason !== reason && !u.also?.includes(reason)) st.sitePackagesUncertain = { ...u, also: [...(u.also ?? []), reason] };
    return;
  }
  st.sitePackagesUncertain = { reason, instr: ins };
  st.tree.add({ kind: 'uncertain', dest: uncertainSitePackages(st), reason, origin: { instr: ins, stage: st.index } });
}

/** A destination made absolute against WORKDIR, without a trailing slash. */
export function absDest(raw: string, workdir: string): string {
  return normalize(raw.startsWith('/') ? raw : join(workdir, raw));
}

/** A COPY source as a context-relative path: leading '/' and './' dropped, '..' clamped at the root. */
export function contextPath(raw: string): string {
  const n = normalize('/' + raw);
  return n === '/' ? '' : n.slice(1);
}

/** `--parents`: the part of the source path kept under the destination (after a `/./` pivot if any). */
function parentsPath(pattern: string, match: string): string {
  const pivot = pattern.indexOf('/./');
  if (pivot < 0) return match;
  const prefix = contextPath(pattern.slice(0, pivot));
  return prefix && match.startsWith(prefix + '/') ? match.slice(prefix.length + 1) : match;
}

function nearestExcludedParent(ctx: BuildContext, rel: string): IgnorePattern | undefined {
  let p = rel;
  while (p.includes('/')) {
    p = p.slice(0, p.lastIndexOf('/'));
    const e = ctx.excludedBy(p);
    if (e) return e;
  }
  return undefined;
}

/** Go filepath.Match for one path segment: `*`, `?`, `[...]` classes, backslash escapes (linear time; a malformed pattern matches nothing). */
export function matchSegment(pattern: string, name: string): boolean {
  return goMatch(pattern, name);
}

/** Expands a COPY pattern against the context, segment by segment (`**` matches any number of folders). */
export function globContext(ctx: BuildContext, pattern: string): string[] {
  const segs = pattern.split('/').filter((s) => s !== '');
  let current: string[] = [''];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const next: string[] = [];
    if (seg === '**') {
      // zero or more folders
      const stack = [...current];
      const seen = new Set<string>();
      while (stack.length) {
        const d = stack.pop()!;
        if (seen.has(d)) continue;
        seen.add(d);
        next.push(d);
        for (const n of ctx.readDir(d) ?? []) {
          const p = d ? d + '/' + n : n;
          if (ctx.stat(p) === 'dir') stack.push(p);
        }
        if (seen.size > 50000) break;
      }
      current = next;
      continue;
    }
    for (const d of current) {
      if (!GLOB.test(seg)) {
        const p = d ? d + '/' + seg : seg;
        if (ctx.stat(p)) next.push(p);
        continue;
      }
      for (const n of ctx.readDir(d) ?? []) if (matchSegment(seg, n)) next.push(d ? d + '/' + n : n);
    }
    current = next;
  }
  return [...new Set(current)].filter((p) => p !== '' || segs.length === 0).sort();
}

function makeExclude(patterns: string[]): (rel: string) => boolean {
  return (rel) => patterns.some((p) => {
    const ps = contextPath(p).split('/');
    const rs = rel.split('/');
    // A pattern matches the path or one of its parent folders.
    for (let n = 1; n <= rs.length; n++) {
      if (matchPath(ps, rs.slice(0, n))) return true;
    }
    return false;
  });
}

/** Segment patterns against path segments (`**` any number of them); dynamic programming, so linear in each. */
function matchPath(ps: string[], rs: string[]): boolean {
  // ok[j]: the first i pattern segments match the first j path segments.
  let ok = rs.map(() => false).concat(false);
  ok[0] = true;
  for (const p of ps) {
    const next = ok.map(() => false);
    for (let j = 0; j <= rs.length; j++) {
      if (p === '**') next[j] = ok[j] || (j > 0 && next[j - 1]);
      else next[j] = j > 0 && ok[j - 1] && matchSegment(p, rs[j - 1]);
    }
    ok = next;
  }
  return ok[rs.length];
}

/** The range to underline for a whole instruction's first line (keyword to end of that line's text). */
export function firstLineRange(ins: Instruction, lines: string[]): Range {
  const text = lines[ins.line] ?? '';
  return { start: ins.keywordRange.start, end: { line: ins.line, character: text.replace(/\s*\\?\s*$/, '').length } };
}

