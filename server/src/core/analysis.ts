// The shared analysis every rule reads: discovered files, build contexts and the image model of each Dockerfile, computed once per lint.
import { LintConfig, globMatcher } from './config';
import { BuildContext } from './docker/context';
import { buildImageModel, ImageModel } from './docker/image';
import { ParsedDockerfile } from './docker/parse';
import { FileSystem, join, MAX_TEXT_BYTES, normalize, relativeInside } from './fs';
import { parseManifests, ParsedManifests } from './manifests';
import { findBuilds, producersOf } from './builds';
import type { RepoBase, StageModel } from './docker/image';
import { ContextChoice, KnownBuild, ProjectFiles, resolveContext, setTemplatesAside, walkProject } from './project';
import { keepInstructions, parseDockerfile } from './docker/parse';
import { AnswerLog } from './session';

/** Something the user should know that is not a finding: a skipped file, a config problem. */
/** Why a notice was given (machine formats carry it, so CI can tell a skipped file from an uncertain model). */
export type NoticeCause =
  | 'file-skipped'
  | 'context-outside-workspace'
  | 'dockerignore-invalid'
  | 'dockerfile-invalid'
  | 'configuration'
  | 'baseline'
  | 'internal-error'
  | 'python-unavailable'
  | 'not-scanned'
  | 'not-reported'
  | 'fix-not-offered'
  | 'fix-not-applied'
  | 'suppression';

export interface Notice {
  file?: string;
  line?: number;
  message: string;
  cause: NoticeCause;
}

export interface DockerTarget {
  dockerfile: string;
  parsed: ParsedDockerfile;
  context: ContextChoice;
  model: ImageModel;
}

export interface Analysis {
  fs: FileSystem;
  root: string;
  config: LintConfig;
  files: ProjectFiles;
  targets: DockerTarget[];
  notices: Notice[];
  /** Every `docker build` the repository describes (config, compose, workflows, scripts). */
  builds: KnownBuild[];
  /** Memoised per-lint computations shared by rules (import closures, deployments...). */
  memo: Map<string, unknown>;
  /** Workspace-relative path for messages. */
  rel(path: string): string;
  /** Text of a file, through the overlay, read once per lint; undefined when unreadable (the reason goes to notices once). */
  text(path: string): string | undefined;
  /** A YAML file parsed as manifests, once per lint (across lints with a session, while its text is the same); undefined when unreadable. */
  manifests(path: string): ParsedManifests | undefined;
  /**
   * A fact kept across lints in one process (with a LintSession; without one, for this lint):
   * `compute()` runs again when `inputs` (everything the fact is a function of, e.g. a file's text
   * and the settings that judge it) differ from the last time `kind`/`key` was asked. The value
   * is shared: callers must not change it. `text`, when given, is an input too, compared on its own
   * (a file's text: the same string object is an O(1) hit, where joining it into `inputs` would copy
   * and compare the whole file on every lint).
   */
  remember<T>(kind: string, key: string, inputs: string, compute: () => T, text?: string): T;
  /** Facts kept across lints in one process (a LintSession's; a fresh map without one), each validated by its user before reuse. */
  kept: Map<string, unknown>;
  /** Counts an event of the incremental machinery (`LintSession.stats.events`: tests assert what was recomputed). */
  trace(event: string): void;
}

/** What a LintSession lends the analysis: its cross-lint store and its event counter. */
export interface Across {
  remembered: Remembered;
  kept: Map<string, unknown>;
  trace(event: string): void;
}

/** What `Analysis.remember` keeps: by kind and key, the inputs and the value computed from them. */
export type Remembered = Map<string, { inputs: string; value: unknown; text?: string }>;

/** A build context kept across lints, with every answer the file system gave it. */
interface KeptContext {
  ctx: BuildContext;
  log: AnswerLog;
}

/** A Dockerfile's image model kept across lints: valid while its text, its (kept) context and its build options are the same. */
interface KeptModel {
  text: string;
  parsed: ParsedDockerfile;
  ctx: BuildContext;
  options: string;
  model: ImageModel;
  /** Each FROM reference that was looked up among the repository's builds, and what it gave (a base stage, a reason, nothing). */
  bases: [string, StageModel | string | undefined][];
}

/** The workspace walk a session keeps: valid while the file system's layout version is the one it was walked at. */
interface KeptWalk {
  version: number;
  exclude: string;
  files: ProjectFiles;
}

/**
 * The workspace's files by kind ({@link walkProject}), kept across lints while the layout version
 * holds (an edit of an open document's text changes none of it); without a version (the CLI,
 * tests' file systems) walked every time. The step records the version it relied on, so a lint
 * step that follows the walk depends on it as if it had asked about every path.
 */
function walked(fs: FileSystem, root: string, config: LintConfig, across: Across): ProjectFiles {
  const version = fs.layoutVersion?.();
  const exclude = JSON.stringify(config.exclude);
  const key = 'walk\0' + root;
  const kept = across.kept.get(key) as KeptWalk | undefined;
  if (version !== undefined && kept && kept.version === version && kept.exclude === exclude) {
    across.trace('walk-kept');
    return kept.files;
  }
  const files = walkProject(fs, root, globMatcher(config.exclude));
  if (version !== undefined && fs.layoutVersion?.() === version) across.kept.set(key, { version, exclude, files });
  return files;
}

/** Facts kept at most; past it the store starts afresh. */
const REMEMBERED_MAX = 200_000;

/** Builds the analysis for a workspace. `only`: restrict Dockerfiles to these (the CLI's path arguments). */
export function analyse(fs: FileSystem, root: string, config: LintConfig, only?: (path: string) => boolean, across: Across = { remembered: new Map(), kept: new Map(), trace: () => {} }): Analysis {
  const { remembered } = across;
  const files = setTemplatesAside(fs, walked(fs, root, config, across));
  const notices: Notice[] = files.skipped.map((s): Notice => ({ file: s.path, cause: 'file-skipped', message: `skipped: ${s.reason}` }));
  const reported = new Set<string>();
  const texts = new Map<string, string | undefined>();
  const manifests = new Map<string, ParsedManifests | undefined>();
  const a: Analysis = {
    fs,
    root,
    config,
    files,
    targets: [],
    builds: [],
    notices,
    memo: new Map(),
    kept: across.kept,
    trace: across.trace,
    rel: (p) => relativeInside(root, p) ?? p,
    text(path) {
      // Several rules read the same files: each is read once per lint.
      if (texts.has(path)) return texts.get(path);
      const r = fs.read(path);
      const text = 'text' in r ? r.text : undefined;
      if ('problem' in r && r.problem !== 'missing' && !reported.has(path)) {
        reported.add(path);
        notices.push({ file: path, cause: 'file-skipped', message: `skipped: ${describeProblem(r.problem, config.maxFileSize)}` });
      }
      texts.set(path, text);
      return text;
    },
    manifests(path) {
      if (!manifests.has(path)) {
        const text = a.text(path);
        manifests.set(path, text === undefined ? undefined : a.remember('manifests', path, text, () => parseManifests(path, text)));
      }
      return manifests.get(path);
    },
    remember<T>(kind: string, key: string, inputs: string, compute: () => T, text?: string): T {
      const k = kind + '\0' + key;
      const hit = remembered.get(k);
      if (hit && hit.inputs === inputs && hit.text === text) return hit.value as T;
      const value = compute();
      if (remembered.size >= REMEMBERED_MAX) remembered.clear();
      remembered.set(k, { inputs, value, text });
      return value;
    },
  };
  a.builds = knownBuilds(a);
  // Dockerfiles built from one folder with one ignore file share a BuildContext (and its caches).
  // Across lints (a session's store) a context is kept with every answer it was given, and reused
  // while they hold: the image models built on it are reused with it while their Dockerfile's text
  // and build options are the same, so an edit elsewhere (a Python file's body) rebuilds none.
  const contexts = new Map<string, KeptContext>();
  const validated = new Set<KeptContext>();
  const loadContext = (root: string, df: string): BuildContext => {
    const keptKey = `context:${root}\0${df}`;
    let kept = across.kept.get(keptKey) as KeptContext | undefined;
    if (kept && !validated.has(kept)) {
      if (kept.log.holds(fs)) validated.add(kept);
      else kept = undefined;
    }
    if (!kept) {
      const log = new AnswerLog(fs);
      kept = { ctx: BuildContext.load(log, root, df), log };
      validated.add(kept);
    }
    const key = `${root}\0${kept.ctx.ignoreFile ?? ''}`;
    const hit = contexts.get(key);
    if (hit) {
      across.kept.set(keptKey, hit);
      return hit.ctx;
    }
    contexts.set(key, kept);
    across.kept.set(keptKey, kept);
    const own = kept.ctx;
    for (const p of own.problems) notices.push({ file: own.ignoreFile, line: p.line, cause: 'dockerignore-invalid', message: `docker build fails on this pattern (${p.message}); it excludes nothing here` });
    return own;
  };
  // Dockerfiles are modelled on demand: one whose FROM names an image another Dockerfile builds models that one first.
  const modelled = new Map<string, DockerTarget | null>();
  const dockerfiles = new Set(files.dockerfiles);
  const inProgress = new Set<string>();
  const targetOf = (df: string): DockerTarget | undefined => {
    if (modelled.has(df)) return modelled.get(df) ?? undefined;
    inProgress.add(df);
    let t: DockerTarget | undefined;
    try {
      t = modelDockerfile(df);
    } catch (e) {
      // One Dockerfile the model cannot handle costs its own findings, not the lint.
      notices.push({ file: df, cause: 'internal-error', message: `internal error while modelling this Dockerfile: ${(e as Error)?.message ?? String(e)}` });
    }
    inProgress.delete(df);
    modelled.set(df, t ?? null);
    return t;
  };
  const aliases = symlinkAliases(a, files.dockerfiles);
  for (const df of files.dockerfiles) {
    if (only && !only(df)) continue;
    const twin = aliases.get(df);
    if (twin) {
      const what = df === twin.real ? `${a.rel(twin.keep)} is a symbolic link to this file` : `a symbolic link to ${a.rel(twin.real)}`;
      notices.push({ file: df, cause: 'not-scanned', message: `${what}: linted once, as ${a.rel(twin.keep)}${twin.keep !== twin.real ? ' (the path a build names)' : ''}` });
      continue;
    }
    const t = targetOf(df);
    if (t) a.targets.push(t);
  }
  return a;

  /** The stage of another Dockerfile that builds `ref`, or why none is taken (memoised per Dockerfile and reference). */
  function repoBase(df: string, ref: string, unresolved?: string[], disputedArgs?: Set<string>): RepoBase | { reason: string } | undefined {
    if (unresolved?.length) {
      // Only worth saying where the repository builds images a FROM could name.
      if (!a.builds.some((b) => b.tags?.length && b.dockerfile !== df)) return undefined;
      const disputed = unresolved.filter((n) => disputedArgs?.has(n));
      const why = disputed.length === unresolved.length
        ? 'a build of this Dockerfile passes a value the model cannot know, or its builds pass different ones'
        : disputed.length ? `${disputed.join(', ')}: a build passes a value the model cannot know, or the builds disagree; the others: no default, and no build the repository describes passes them` : 'no default, and no build the repository describes passes it';
      return { reason: `the base image reference has no one value for ${unresolved.join(', ')} (${why}): it is not known whether it names an image the repository builds` };
    }
    const { exact, maybe } = producersOf(a.builds, ref);
    const where = (p: (typeof exact)[number]) => `${a.rel(p.build.evidence)}${p.build.line !== undefined ? ':' + (p.build.line + 1) : ''}`;
    if (!exact.length) {
      if (!maybe.length) return undefined;
      return { reason: `the base image ${ref} may be the one ${[...new Set(maybe.map((p) => `${a.rel(p.build.dockerfile)} builds as ${p.tag} (${where(p)})`))].join(', ')}, whose tag the model cannot resolve: not linked` };
    }
    const distinct = [...new Map(exact.map((p) => [`${p.build.dockerfile}\0${p.build.target ?? ''}`, p])).values()];
    if (distinct.length > 1) {
      return { reason: `the base image ${ref} is built by ${distinct.map((p) => `${a.rel(p.build.dockerfile)}${p.build.target ? ` (target ${p.build.target})` : ''} in ${where(p)}`).join(' and by ')}: which one is used is not known, so it is not linked` };
    }
    const p = distinct[0];
    if (p.build.dockerfile === df) return { reason: `the base image ${ref} is the image ${a.rel(df)} itself builds (${where(p)}): a build on top of its own previous result is not modelled` };
    if (!dockerfiles.has(p.build.dockerfile)) return { reason: `the base image ${ref} is built by ${a.rel(p.build.dockerfile)} (${where(p)}), which the lint does not read (excluded): not linked` };
    if (inProgress.has(p.build.dockerfile)) return { reason: `the base image ${ref} is built by ${a.rel(p.build.dockerfile)} (${where(p)}), whose own base leads back here: a cycle, not linked` };
    const t = targetOf(p.build.dockerfile);
    if (!t) return { reason: `the base image ${ref} is built by ${a.rel(p.build.dockerfile)} (${where(p)}), which could not be modelled` };
    const stages = t.model.stages;
    const want = p.build.target?.toLowerCase();
    const stage = want ? stages.find((s) => s.name === want) : stages[stages.length - 1];
    if (!stage) return { reason: `the base image ${ref} is built by ${a.rel(p.build.dockerfile)} with --target ${p.build.target}, a stage it does not have` };
    return { dockerfile: t.dockerfile, stage, how: `built by ${a.rel(t.dockerfile)}${want ? ` (stage '${stage.name}')` : ''} as ${p.tag} in ${where(p)}` };
  }

  function modelDockerfile(df: string): DockerTarget | undefined {
    const text = a.text(df);
    if (text === undefined) return undefined;
    const keptModel = across.kept.get(`model:${df}`) as KeptModel | undefined;
    const parsed = keptModel?.text === text ? keptModel.parsed : keepInstructions(parseDockerfile(text), keptModel?.parsed);
    for (const p of parsed.problems) notices.push({ file: df, line: p.range.start.line, cause: 'dockerfile-invalid', message: p.message });
    if (!parsed.instructions.some((i) => i.keyword === 'FROM')) return undefined;
    const context = resolveContext(fs, root, df, parsed, a.builds);
    if (relativeInside(root, context.root) === undefined) {
      notices.push({ file: df, cause: 'context-outside-workspace', message: `skipped: its build context ${context.root} is outside the workspace` });
      return undefined;
    }
    const ctx = loadContext(context.root, df);
    const options = JSON.stringify([Object.entries(context.buildArgs ?? {}).map(([k, v]) => [k, v ?? null]), context.target ?? '', context.template ?? '']);
    // Each base looked up, with what it gave: a kept model holds while every one gives the same again.
    const bases: KeptModel['bases'] = [];
    // Build args a build passes with a value the model cannot know, or the builds pass with different values (no one value).
    const disputedArgs = new Set(Object.entries(context.buildArgs ?? {}).filter(([, v]) => v === undefined).map(([k]) => k));
    const lookup = (ref: string, unresolved?: string[]) => {
      const r = repoBase(df, ref, unresolved, disputedArgs);
      bases.push([unresolved?.length ? `${ref}\0${unresolved.join(',')}` : ref, r === undefined ? undefined : 'reason' in r ? r.reason : r.stage]);
      return r;
    };
    const basesHold = (k: KeptModel) => k.bases.every(([key, was]) => {
      const [ref, unresolved] = key.split('\0');
      const r = lookup(ref, unresolved ? unresolved.split(',') : undefined);
      return (r === undefined ? undefined : 'reason' in r ? r.reason : r.stage) === was;
    });
    let model: ImageModel;
    if (keptModel && keptModel.text === text && keptModel.ctx === ctx && keptModel.options === options && basesHold(keptModel)) {
      model = keptModel.model;
      across.trace('model-reused');
    } else {
      bases.length = 0;
      // The last version's model lends the trees of stages the edit left as they were.
      model = buildImageModel(df, parsed, ctx, { buildArgs: context.buildArgs, target: context.target, baseImage: lookup, ...(context.template ? { template: true } : {}) }, keptModel?.model);
      across.kept.set(`model:${df}`, { text, parsed, ctx, options, model, bases: [...bases] } satisfies KeptModel);
      across.trace('model-built');
      for (const st of model.stages) if (st.tree === keptModel?.model.stages[st.index]?.tree) across.trace('tree-kept');
    }
    return { dockerfile: df, parsed, context, model };
  }
}

export function describeProblem(p: string, maxFileSize = MAX_TEXT_BYTES): string {
  switch (p) {
    case 'binary':
      return 'binary file';
    case 'too-large':
      return `file larger than ${maxFileSize % 1048576 === 0 ? `${maxFileSize / 1048576} MiB` : `${maxFileSize} bytes`} (maxFileSize)`;
    case 'not-utf8':
      return 'not UTF-8 text';
    case 'outside-workspace':
      return 'resolves outside the workspace (symlink)';
    case 'unreadable':
      return 'unreadable';
    default:
      return p;
  }
}

/** Builds named by the config file, compose files, workflows and scripts. */
function knownBuilds(a: Analysis): KnownBuild[] {
  const out: KnownBuild[] = [];
  for (const [df, ctx] of Object.entries(a.config.contexts)) {
    out.push({ dockerfile: normalize(join(a.root, df)), context: normalize(join(a.root, ctx)), how: 'config', evidence: join(a.root, '.deploylint.yaml') });
  }
  out.push(...findBuilds(a));
  return out;
}

/**
 * Dockerfiles that are symbolic links to another Dockerfile the walk found (`Dockerfile -> docker/Dockerfile`):
 * one file, so one set of findings. The path a build names (compose `dockerfile:`, a build script's `-f`) is
 * kept when only one of the two is named; else the real file, where fixes can be written.
 */
function symlinkAliases(a: Analysis, dockerfiles: string[]): Map<string, { real: string; keep: string }> {
  const out = new Map<string, { real: string; keep: string }>();
  if (!a.fs.realpath) return out;
  const listed = new Set(dockerfiles);
  const named = new Set(a.builds.map((b) => b.dockerfile));
  for (const df of dockerfiles) {
    const real = a.fs.realpath(df);
    if (!real || real === df || !listed.has(real)) continue;
    const keep = named.has(df) && !named.has(real) ? df : real;
    out.set(keep === df ? real : df, { real, keep });
  }
  return out;
}
