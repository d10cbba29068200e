// Builds the containers of a lint once: every Dockerfile target stage x each thing that runs it, with its command, environment and imports.
import type { Analysis, DockerTarget } from '../analysis';
import { CommandOverride, CommandSource, ContainerEntry, containerEntry, EntryOverrides, startUser } from '../container';
import { allDeployments, Deployment, describeDeployment } from '../deployments';
import { firstLineRange, StageModel } from '../docker/image';
import type { ShellEnv } from '../entrypoint';
import { dirname, join, normalize } from '../fs';
import type { CommandSpec } from '../manifests';
import { parseDotenv } from '../secrets/dotenv';
import { startupEstimate } from '../startup';
import { importsOf } from './closure';
import { assetOnlyDockerfiles, lambdaCommandOverrides, samImageFunctions } from './lambda-deployers';
import { followCli } from './cli';
import { sysPathOf } from '../container';
import { applyMounts, coveredCode, emptyAtStart, onlyRunWithHostCode } from './mounts';
import type { Container, Runner, RunningContainer } from './types';

/** Every container of the lint (memoised): for each Dockerfile, its bare image first, then each deployment. */
export function containers(a: Analysis): Container[] {
  const memo = a.memo.get('containers') as Container[] | undefined;
  if (memo) return memo;
  const out: Container[] = [];
  const steps = containerSteps(a, out);
  while (!steps.next().done);
  a.memo.set('containers', out);
  return out;
}

/**
 * Builds the containers of the lint (what `containers` gives) one at a time, awaiting `between()`
 * before each, so that a caller can stop there (a newer edit cancels the lint: `between` throws).
 */
export async function prepareContainers(a: Analysis, between: () => Promise<void>): Promise<void> {
  if (a.memo.has('containers')) return;
  const out: Container[] = [];
  for (const steps = containerSteps(a, out); ; ) {
    await between();
    if (steps.next().done) break;
  }
  a.memo.set('containers', out);
}

/** Builds the containers into `out`, yielding after each (its closure walked). */
function* containerSteps(a: Analysis, out: Container[]): Generator<void> {
  const deps = allDeployments(a);
  for (const target of a.targets) {
    const image = imageContainer(a, target);
    yield;
    const deployed: Container[] = [];
    for (const d of deps) {
      const c = d.target === target ? deployedContainer(a, d) : undefined;
      if (!c) continue;
      deployed.push(c);
      yield;
    }
    if (image) {
      const last = target.model.stages[target.model.stages.length - 1];
      // A CI build (which pushes or tests the image) or one tagged for a registry (`ghcr.io/o/app`, `o/app`); a local
      // `docker build -t app .` in a Makefile is the same development image the compose mounts code over.
      const ci = /(?:^|\/)(?:\.github\/workflows\/|\.gitlab-ci|\.circleci\/|cloudbuild|Jenkinsfile|azure-pipelines|bitbucket-pipelines|\.buildkite\/|\.drone)/;
      const elsewhere = a.builds.find((b) => b.dockerfile === target.dockerfile && b.how !== 'compose' && (!b.target || b.target.toLowerCase() === last?.name)
        && (ci.test(a.rel(b.evidence)) || (b.tags ?? (b.tag ? [b.tag] : [])).some((t) => t.split(':')[0].includes('/'))));
      const why = onlyRunWithHostCode(image, deployed, elsewhere?.evidence);
      if (why) {
        for (const c of [image, ...(image.processes ?? [])]) {
          c.onlyWithHostCode = why;
          c.quiet.push(why);
        }
      }
      out.push(...(image.processes ?? [image]));
    }
    // Another stage a CI or script build pushes (`docker build --target production`, build-push-action `target:`): `docker run` of that image runs it.
    for (const c of targetImageContainers(a, target, image?.stage)) {
      out.push(...(c.processes ?? [c]));
      yield;
    }
    // Each SAM function that runs the image with its own ImageConfig.Command (the handler).
    for (const c of samContainers(a, target)) {
      out.push(c);
      yield;
    }
    for (const d of deployed) out.push(...(d.processes ?? [d]));
  }
}

/** The containers whose command deploylint can follow (a Python server, script or module it models). */
export function running(a: Analysis): RunningContainer[] {
  return containers(a).filter((c): c is RunningContainer => c.entry !== undefined && c.ep !== undefined && !c.ep.uncertain && !c.onlyWithHostCode);
}

/** The containers of one Dockerfile. */
export function containersOf(a: Analysis, target: DockerTarget): Container[] {
  return containers(a).filter((c) => c.target === target);
}

function linesOf(a: Analysis, file: string): string[] {
  return (a.text(file) ?? '').split('\n').map((l) => l.replace(/\r$/, ''));
}

function imageContainer(a: Analysis, target: DockerTarget): Container | undefined {
  // `docker build` without --target builds the last stage (Docker's multi-stage builds docs), whichever stage a
  // compose build.target picks for its services (kitsune: compose builds `dev`, CI and a plain build ship `prod`).
  const stage = target.model.stages[target.model.stages.length - 1] ?? target.model.final;
  if (!stage) return undefined;
  const ins = stage.cmd ?? stage.entrypoint ?? stage.from;
  const runner: Runner = { kind: 'image', file: target.dockerfile, range: firstLineRange(ins, target.parsed.lines), describe: () => a.rel(target.dockerfile) };
  return build(a, target, stage, runner, {});
}

/** One image container per stage other than the last that a build outside compose names with --target (compose services are deployments of their own). */
function targetImageContainers(a: Analysis, target: DockerTarget, last: StageModel | undefined): Container[] {
  const out: Container[] = [];
  const seen = new Set<StageModel>(last ? [last] : []);
  for (const b of a.builds) {
    if (b.dockerfile !== target.dockerfile || b.how === 'compose' || !b.target) continue;
    const stage = target.model.stages.find((s) => s.name === b.target!.toLowerCase());
    if (!stage || seen.has(stage)) continue;
    seen.add(stage);
    const ins = stage.cmd ?? stage.entrypoint ?? stage.from;
    const runner: Runner = { kind: 'image', file: target.dockerfile, range: firstLineRange(ins, target.parsed.lines), describe: () => `${a.rel(target.dockerfile)} --target ${stage.name} (${a.rel(b.evidence)} builds it)` };
    const c = build(a, target, stage, runner, {});
    if (c) out.push(c);
  }
  return out;
}

/** The image as each SAM function runs it: ImageConfig.Command replaces the CMD (as a compose `command:` does), reported where the list is written. */
function samContainers(a: Analysis, target: DockerTarget): Container[] {
  const stage = target.model.stages[target.model.stages.length - 1];
  if (!stage) return [];
  const out: Container[] = [];
  for (const fn of samImageFunctions(a)) {
    if (fn.dockerfile !== target.dockerfile || fn.other) continue;
    const runner: Runner = { kind: 'lambda', file: fn.file, range: fn.range, describe: () => `${a.rel(fn.file)}: SAM function ${fn.name}` };
    const source: CommandSource = { key: 'ImageConfig.Command', file: fn.file, range: fn.range, lines: linesOf(a, fn.file), argRanges: fn.command.map((c) => c.range), contentRanges: fn.command.map((c) => c.range) };
    out.push(build(a, target, stage, runner, { command: { kind: 'compose', cmd: { value: fn.command.map((c) => c.value), source } } }));
  }
  return out;
}

function deployedContainer(a: Analysis, d: Deployment): Container | undefined {
  const c = d.container;
  const kind: Runner['kind'] = d.gcloud ? 'gcloud' : d.platform === 'compose' ? 'compose' : d.platform === 'cloudrun' ? 'cloudrun' : d.init ? 'k8s-init' : 'k8s';
  const runner: Runner = { kind, file: d.file, range: d.range, deployment: d, describe: () => describeDeployment(a, d) };
  const quiet: string[] = [];
  // The build that produces the image picks the stage that runs: compose `build.target`, `--target`, else the last stage.
  let stage = d.target.model.final;
  if (!stage) return undefined;
  const stages = d.target.model.stages;
  const want = d.buildTarget?.toLowerCase();
  if (want) {
    const named = stages.find((s) => s.name === want);
    if (named) stage = named;
    else quiet.push(`the build target '${want}' names no stage of ${a.rel(d.target.dockerfile)}`);
  } else if (d.buildTarget === null && stages.length) stage = stages[stages.length - 1];
  const env: ShellEnv = {};
  let hiddenEnv: string | undefined;
  for (const f of c?.envFiles ?? []) {
    const path = normalize(f.value.startsWith('/') ? f.value : join(dirname(f.file ?? d.file), f.value));
    const text = a.text(path);
    if (text === undefined) {
      hiddenEnv ??= `env_file ${f.value} is not readable: its variables are unknown`;
      continue;
    }
    for (const e of parseDotenv(text)) env[e.name] = e.value.includes('$') ? undefined : e.value;
  }
  Object.assign(env, d.env);
  if (c && a.text(d.file)?.split('\n').slice(c.range.start.line, c.range.end.line + 1).some((l) => /^\s*-?\s*envFrom\s*:/.test(l))) hiddenEnv ??= 'envFrom sets variables from a ConfigMap or Secret the model cannot see';
  if (d.gcloud?.flags['env-vars-file'] !== undefined) hiddenEnv ??= '--env-vars-file sets variables the model cannot see';
  const overrides: EntryOverrides = { env, ...(hiddenEnv ? { hiddenEnv: true } : {}) };
  // compose `user:` and Kubernetes `runAsUser` replace the image's USER. A Kubernetes container without runAsUser runs
  // the image's USER on a plain cluster, but OpenShift's restricted policy runs it as an arbitrary uid from the
  // project's range: the user is taken as unknown there.
  // Cloud Run (fully managed) does not support runAsUser: its containers run the image's USER.
  if (c?.user && d.platform !== 'cloudrun') overrides.user = c.user.value;
  else if (d.platform === 'kubernetes') overrides.user = null;
  if (c?.workingDir) overrides.workingDir = c.workingDir.value;
  if (c && (c.command || c.args)) {
    const compose = d.platform === 'compose';
    // An override (compose override file, `extends`) is reported where it is written.
    const at = (spec: CommandSpec, key: string) => manifestOverride(spec.file ?? d.file, linesOf(a, spec.file ?? d.file), key, spec);
    overrides.command = {
      kind: compose ? 'compose' : 'k8s',
      entrypoint: c.command ? at(c.command, compose ? 'entrypoint' : 'command') : undefined,
      cmd: c.args ? at(c.args, compose ? 'command' : 'args') : undefined,
    };
  } else if (d.gcloud && (d.gcloud.flags.command !== undefined || d.gcloud.flags.args !== undefined)) {
    // Cloud Run maps --command/--args to the container's command/args: Kubernetes' rules.
    const lines = linesOf(a, d.file);
    const flag = (k: 'command' | 'args'): CommandOverride | undefined => {
      const v = d.gcloud!.flags[k];
      if (v === undefined) return undefined;
      return { value: gcloudList(v), source: { key: `--${k}`, file: d.file, range: d.range, lines, argRanges: [], contentRanges: [] } };
    };
    overrides.command = { kind: 'k8s', entrypoint: flag('command'), cmd: flag('args') };
    if ([overrides.command.entrypoint, overrides.command.cmd].some((o) => o && (o.value as string[]).some((x) => x.includes('$')))) {
      quiet.push('the gcloud --command/--args hold shell variables the model cannot expand');
      overrides.command = undefined;
    }
  }
  // A mount that starts empty stays empty unless the container's own command writes into it first (a shell does).
  const ownWrites = c?.mounts?.some((m) => emptyAtStart(m)) ? shellFirst(a, d, stage, overrides) : undefined;
  const mounted = applyMounts(a, d.file, stage, c?.mounts ?? [], { ownWrites });
  const built = build(a, d.target, mounted.stage, runner, overrides, quiet);
  if (hiddenEnv) {
    built.hiddenEnv = hiddenEnv;
    built.quiet.push(hiddenEnv);
  }
  if (mounted.mounts.length) {
    built.mounts = mounted.mounts;
    for (const m of mounted.mounts) {
      const over = coveredCode(built, m.target);
      if (over && m.uncertain) built.quiet.push(`${m.describe} is mounted at ${m.target} (over ${over}): ${m.uncertain}, so what is imported from there is not judged`);
    }
  }
  for (const p of built.processes ?? []) {
    if (built.hiddenEnv) p.hiddenEnv = built.hiddenEnv;
    if (built.mounts) p.mounts = built.mounts;
    for (const q of built.quiet) if (!p.quiet.includes(q)) p.quiet.push(q);
  }
  return built;
}

/** What in the container's command could write files before Python starts: a script it runs, or a shell's `-c` string; undefined when it starts Python directly. */
function shellFirst(a: Analysis, d: Deployment, stage: StageModel, overrides: EntryOverrides): string | undefined {
  const entry = containerEntry(a.fs, stage, { file: d.target.dockerfile, lines: d.target.parsed.lines }, overrides);
  if (!entry) return undefined;
  if (entry.chain.length) return `the script ${entry.chain[0].file}`;
  if (/(^|\/)(ba|da|a)?sh$/.test(entry.argv[0] ?? '')) return `${entry.argv[0]} ${entry.argv[1] ?? ''}`.trim();
  if (entry.ep.uncertain || entry.ep.kind === 'unknown') return `'${entry.argv.join(' ')}', which the model does not follow`;
  return undefined;
}

/** A manifest's command or args as an override, with the range of each element. */
function manifestOverride(file: string, lines: string[], key: string, spec: CommandSpec): CommandOverride {
  const items = spec.items ?? [];
  const source: CommandSource = {
    key, file, lines, range: spec.range,
    // The text inside the quotes: a YAML scalar without escapes is its value there (so `sh -c` words and edits line up).
    argRanges: items.map((i) => i?.content), contentRanges: items.map((i) => i?.content),
  };
  return { value: spec.shell ? spec.value[0] : spec.value, source };
}

/** gcloud list flags: `a,b,c`, or `^:^a:b` with another delimiter. */
export function gcloudList(v: string): string[] {
  const m = /^\^(.+?)\^/.exec(v);
  const sep = m ? m[1] : ',';
  const body = m ? v.slice(m[0].length) : v;
  return body === '' ? [] : body.split(sep);
}

function build(a: Analysis, target: DockerTarget, stage: StageModel, runner: Runner, overrides: EntryOverrides, quiet: string[] = []): Container {
  const entry = containerEntry(a.fs, stage, { file: target.dockerfile, lines: target.parsed.lines }, overrides);
  const id = `${a.rel(target.dockerfile)}${stage.name ? '#' + stage.name : ''} @ ${runner.kind === 'image' ? 'docker run' : runner.describe()}`;
  const env: ShellEnv = entry?.env ?? { ...overrides.env };
  const c: Container = {
    id, runner, target, stage, argv: entry?.argv ?? [], env, cwd: entry?.cwd ?? stage.workdir, sysPath: entry?.sysPath ?? [],
    view: stage.tree, thirdParty: new Set(), quiet,
    startup: () => startupEstimate(a, c as RunningContainer),
  };
  const user = startUser(stage, overrides);
  if (user !== undefined) c.user = user;
  if (!stage.baseKnown) quiet.push(`the base image ${stage.base} is not known: files it brings are uncertain`);
  for (const n of target.context.argNotes ?? []) quiet.push(n);
  if (target.context.template) quiet.push(target.context.template);
  if (stage.baseNote) quiet.push(stage.baseNote);
  const inherited = inheritedCommand(a, stage, overrides);
  if (inherited) {
    quiet.push(inherited);
    return c;
  }
  if (stage.sitePackagesUncertain) quiet.push(`site-packages is uncertain: ${stage.sitePackagesUncertain.reason}`);
  if (!entry) {
    quiet.push(overrides.command ? 'the deployment clears the command: nothing to follow' : "the Dockerfile sets no CMD or ENTRYPOINT: the base image's command runs (not modelled)");
    return c;
  }
  // An image CDK builds only to copy its /asset folder out (Code.from_docker_build): it never runs.
  // (Looked for only where the image has an /asset folder, so that an edit to an unrelated Python file changes nothing here.)
  const assetOnly = runner.kind === 'image' && stage.tree.stat('/asset') === 'dir' ? assetOnlyDockerfiles(a).get(target.dockerfile) : undefined;
  if (assetOnly && !entry.ep.uncertain) entry.ep = { ...entry.ep, uncertain: `the image is built by ${assetOnly} only to copy /asset out of it as the function's code: it never runs, so its command is not checked` };
  // A Lambda image whose deployer sets the handler (SAM ImageConfig.Command, CDK cmd=): the Dockerfile's CMD may be a placeholder.
  if (entry.ep.kind === 'lambda' && runner.kind === 'image' && !entry.ep.uncertain) {
    const by = lambdaCommandOverrides(a).get(target.dockerfile);
    const followed = samImageFunctions(a).filter((f) => f.dockerfile === target.dockerfile && !f.other).length;
    if (by) entry.ep = { ...entry.ep, uncertain: followed ? `the handler is set by ${by}, which runs it as ${followed === 1 ? 'a container' : 'containers'} of ${followed === 1 ? 'its' : 'their'} own: the Dockerfile's CMD ${entry.ep.module}.${entry.ep.callable} may not be what runs` : `the handler is set by ${by}, which the model does not follow: the Dockerfile's CMD ${entry.ep.module}.${entry.ep.callable} may not be what runs` };
  }
  if (entry.processes) {
    // A process starter (s6-overlay, supervisord): each process it runs is a container of its own to the rules.
    c.entry = entry;
    if (!entry.processes.length) {
      // Nothing it starts is visible: the container stays, quiet with the reasons.
      quiet.push(...entry.notes, `${entry.ep.argv[0]} starts no process the model can follow`);
      return c;
    }
    c.processes = entry.processes.map((pe) => {
      const p: Container = { ...c, id: `${id} · ${pe.process!.describe}`, quiet: [...quiet], argv: entry.argv, env: pe.env, cwd: pe.cwd, processes: undefined };
      p.startup = () => startupEstimate(a, p as RunningContainer);
      return attach(a, target, stage, p, pe);
    });
    return c;
  }
  return attach(a, target, stage, c, entry);
}

/**
 * When what the container runs comes from a repository-built base image's Dockerfile (its ENTRYPOINT, which
 * this stage's CMD only feeds, or its CMD when this stage sets neither), says so: that command is written in
 * another file and is not followed.
 */
function inheritedCommand(a: Analysis, stage: StageModel, overrides: EntryOverrides): string | undefined {
  const b = stage.baseCommand;
  if (!b || stage.entrypoint) return undefined;
  const o = overrides.command;
  const at = (i: { line: number }) => `${a.rel(b.dockerfile)}:${i.line + 1}`;
  if (b.entrypoint && !o?.entrypoint) return `the ENTRYPOINT comes from the base image's Dockerfile (${at(b.entrypoint)}): a command written in another Dockerfile is not followed`;
  if (b.cmd && !stage.cmd && !o?.cmd && !o?.entrypoint) return `the CMD comes from the base image's Dockerfile (${at(b.cmd)}): a command written in another Dockerfile is not followed`;
  return undefined;
}

/** Sets what a container runs (its entry) and the imports it loads from there. */
function attach(a: Analysis, target: DockerTarget, stage: StageModel, c: Container, entry: ContainerEntry): Container {
  const quiet = c.quiet;
  c.entry = entry;
  c.ep = entry.ep;
  c.cwd = entry.cwd;
  c.env = entry.env;
  quiet.push(...entry.notes);
  if (entry.ep.bind) c.bind = entry.ep.bind;
  if (entry.ep.uncertain) {
    quiet.push(`the command is not followed: ${entry.ep.uncertain}`);
    return c;
  }
  if (entry.ep.kind === 'unknown') quiet.push(`'${(entry.process ? entry.ep.argv : entry.argv).join(' ')}' is not a Python server, module or script the model follows`);
  let imp = importsOf(a, target, stage, entry);
  // A command-line app: the subcommand the argv selects; another server's CLI mounted there runs as that server.
  const cli = followCli(a, { ep: entry.ep, entryFile: imp.entryFile, closure: imp.closure, stage, env: entry.env });
  if (cli) {
    c.cli = cli;
    if (cli.quiet) quiet.push(cli.quiet);
    if (cli.mounted) {
      entry.ep = cli.mounted;
      entry.sysPath = sysPathOf(cli.mounted, entry.cwd, entry.env, stage, a.fs);
      c.ep = entry.ep;
      if (entry.ep.bind) c.bind = entry.ep.bind;
      if (entry.ep.uncertain) {
        quiet.push(`the command is not followed: ${entry.ep.uncertain}`);
        return c;
      }
      imp = importsOf(a, target, stage, entry);
    }
  }
  entry.sysPath = imp.sysPath;
  Object.assign(c, { sysPath: imp.sysPath, view: imp.view, thirdParty: imp.thirdParty });
  if (imp.entryResolution) c.entryResolution = imp.entryResolution;
  if (imp.entryFile) c.entryFile = imp.entryFile;
  if (imp.closure) c.closure = imp.closure;
  if (imp.entryResolution?.status === 'uncertain') quiet.push(`where '${entry.ep.module}' comes from is uncertain in the image model`);
  if (imp.sysPathChangedBy) {
    c.sysPathChangedBy = imp.sysPathChangedBy;
    quiet.push(`sys.path is changed at run time by ${imp.sysPathChangedBy}: missing modules are not reported`);
  }
  for (const f of imp.closure?.unreadable ?? []) quiet.push(`${f} could not be read or parsed: its imports are not followed`);
  for (const r of imp.closure?.runtimeSubmodules ?? []) {
    const line = `missing-module: '${r.dotted}' (imported by ${r.importer}:${r.import.range.start.line + 1}) is not reported: ${r.why}`;
    if (!quiet.includes(line)) quiet.push(line);
  }
  return c;
}
