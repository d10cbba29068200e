// What `--explain` shows about a container: where its command came from, what it runs, its environment, sys.path, imports and why rules stayed quiet (data only; the CLI prints it).
import { absentSubmodule } from '../absent-submodule';
import type { Analysis } from '../analysis';
import { explainMemory, importMemory } from '../memory';
import type { CommandSource } from '../container';
import { dependencyProviderOf, holdsImported, isNeverLocal, locateSource, unknownProviderOf } from '../imports';
import { installMayWriteSources, unmodelledWriter } from '../docker/writes';
import { join } from '../fs';
import type { UnresolvedImport } from '../python/closure';
import type { ImportGuard, PyImport } from '../python/parser';
import { fallbackNotRun } from '../rules/python-common';
import { resolveModule } from '../python/resolver';
import { isStdlib } from '../python/stdlib';
import { installSet, installSetQuiet, possibleProvider } from '../packages/installs';
import { entryLabel } from './label';
import { classifyCredentialName } from '../secrets/detectors';
import { maskSecret } from '../secrets/mask';
import { codeServerStarts } from './code-servers';
import { containers } from './containers';
import type { Container, RunningContainer } from './types';

/** One part of the command and where it was written. */
export interface ExplainedPart {
  part: 'ENTRYPOINT' | 'CMD';
  /** `CMD at Dockerfile:6`, `command at compose.yaml:8`; `none`; `reset by compose.yaml's entrypoint`. */
  from: string;
}

/** A file the import walk loaded, under the file that first imported it. */
export interface ExplainedFile {
  imagePath: string;
  module?: string;
  /** The build-context file it came from (workspace-relative), or `inline` for a heredoc. */
  source?: string;
  /** The import statement that reached it: `app/web.py:3 imports app.jobs`. */
  via?: string;
  children: ExplainedFile[];
}

export interface ContainerExplanation {
  id: string;
  runner: string;
  dockerfile: string;
  /** `final stage` or `stage 'worker' (compose build.target)`. */
  stage: string;
  command: ExplainedPart[];
  /** The argv, then each script it went through, then what the server runs. */
  chain: string[];
  argv: string[];
  /** `gunicorn app.web:app`, or undefined when nothing is followed. */
  runs?: string;
  entry?: string;
  listen?: string;
  cwd: string;
  user: string;
  /** Sorted `NAME=value`; values of credential-like names are masked; `NAME=(set, value unknown)`. */
  env: string[];
  /** What the deployment mounts over the image: `/usr/src/app <- ./project (host folder project/; docker-compose.yml:9)`. */
  mounts: string[];
  sysPath: string[];
  imports: ExplainedFile[];
  /** `'shared.utils' imported by /app/worker.py:3: not found`. */
  missing: string[];
  /** Imports not followed, and why (a declared dependency, an uncertain location, guarded ...). */
  notFollowed: string[];
  startup?: string;
  /** The import-time memory estimate and the limit it is judged against (memory-limit-too-low). */
  memory?: string;
  quiet: string[];
  /** How the deployment was tied to this Dockerfile (`image: its image 'api' is built from it in build.sh`). */
  linked?: string;
  /** A compose service merged from several definitions: each file and line, base first, and how the files were chosen. */
  definedBy?: string[];
}

const HOW = { override: 'merged over it by Compose\'s merge rules', extends: 'extended by it', include: 'included' } as const;

/** The containers whose Dockerfile or runner file is `path` (absolute), explained. */
export function explain(a: Analysis, path: string): ContainerExplanation[] {
  const merged = (c: Container) => !!c.runner.deployment?.workload?.compose?.layers?.some((l) => l.file === path);
  return containers(a).filter((c) => c.target.dockerfile === path || c.runner.file === path || merged(c)).map((c) => explainContainer(a, c));
}

function where(a: Analysis, s: CommandSource): string {
  return `${s.key} at ${a.rel(s.file)}:${s.range.start.line + 1}`;
}

/** Values of credential-like names, and passwords inside URLs, are masked. */
export function shownEnvValue(name: string, value: string): string {
  if (classifyCredentialName(name)) return maskSecret(value);
  return value.replace(/(:\/\/[^/@\s:]+:)([^/@\s]+)(@)/g, (_m, pre: string, pw: string, at: string) => `${pre}${maskSecret(pw)}${at}`);
}

export function explainContainer(a: Analysis, c: Container): ContainerExplanation {
  const entry = c.entry;
  const s = entry?.sources;
  const command: ExplainedPart[] = [
    { part: 'ENTRYPOINT', from: s?.entrypoint ? where(a, s.entrypoint) : 'none' },
    { part: 'CMD', from: s?.cmd ? where(a, s.cmd) : s?.cmdReset ? `reset: ${s.entrypoint ? where(a, s.entrypoint) : 'the ENTRYPOINT override'} replaces ENTRYPOINT` : c.stage.cmd && entry && !s?.cmd ? 'ignored (a shell-form ENTRYPOINT)' : 'none' },
  ];
  const chain: string[] = [];
  if (entry) {
    chain.push(entry.argv.join(' '));
    for (const step of entry.chain) {
      const started = entry.process && step.file === entry.process.file && step.what === entry.process.describe;
      chain.push(started ? `${step.file}:${step.line + 1} (${entry.process!.starter}) starts ${step.what}` : `${step.file}:${step.line + 1} (script) runs ${step.what}`);
    }
    if (entry.chain.length) chain.push(`then ${entry.ep.argv.join(' ')}`);
    // A command-line app: the CLI object, each subcommand the argv selects, and what runs.
    if (c.cli) chain.push(...c.cli.steps);
  }
  const running = entry && c.ep && !c.ep.uncertain ? (c as RunningContainer) : undefined;
  const env = Object.keys(c.env).sort().map((k) => (c.env[k] === undefined ? `${k}=(set, value unknown)` : `${k}=${shownEnvValue(k, c.env[k]!)}`));
  const out: ContainerExplanation = {
    id: c.id,
    runner: c.runner.describe(),
    dockerfile: a.rel(c.target.dockerfile),
    stage: (c.stage.index === c.target.model.final?.index ? `final stage${c.stage.name ? ` '${c.stage.name}'` : ''} (FROM ${c.stage.base}` : `stage '${c.stage.name}' (build.target; FROM ${c.stage.base}`) + (c.stage.baseImage ? `, ${c.stage.baseImage.how})` : ')'),
    command, chain, argv: c.argv, cwd: c.cwd, user: c.user ?? (c.stage.baseKnown ? 'not known (no runAsUser: the cluster may pick a uid)' : `not known (no USER, and the base image ${c.stage.base} is not known)`), env, sysPath: c.sysPath,
    mounts: (c.mounts ?? []).map((m) => `${m.target} <- ${m.describe} (${m.host !== undefined ? `the host's ${m.host || '.'} replaces the image's files there` : m.empty ? `empty: ${m.empty}, so the image's files there are not in the container` : `uncertain: ${m.uncertain}`}; ${a.rel(m.file)}:${m.range.start.line + 1})`),
    imports: [], missing: [], notFollowed: [], quiet: [...c.quiet],
  };
  const dep = c.runner.deployment;
  if (dep) out.linked = `${dep.how}: ${dep.evidence}`;
  const w = dep?.workload;
  if (w?.compose?.layers?.length) {
    const layer = (file: string, line: number, how: string) => `${a.rel(file)}:${line + 1} (${how})`;
    out.definedBy = [layer(w.file, w.range.start.line, 'the service'), ...w.compose.layers.map((l) => layer(l.file, l.range.start.line, HOW[l.how]))];
    if (w.compose.note) out.definedBy.push(w.compose.note);
  }
  if (running && running.ep.kind !== 'unknown') {
    out.runs = entryLabel(running);
    if (running.entryFile) out.entry = running.entryFile;
    else if (running.ep.kind === 'celery' && running.closure?.files.size && running.ep.module?.includes('.')) {
      const m = running.ep.module;
      out.entry = `'${m}' is no module: celery imports '${m.slice(0, m.lastIndexOf('.'))}' and takes its attribute '${m.slice(m.lastIndexOf('.') + 1)}'`;
    } else if (running.ep.module) out.entry = `module '${running.ep.module}': ${running.entryResolution?.status ?? 'not resolved'}`;
    out.startup = c.startup().summary;
    out.memory = explainMemory(running, running.ep, importMemory(a, running), c.runner.deployment);
  }
  const b = c.bind;
  if (b) out.listen = b.unix ? `unix:${b.unix}` : `${b.raw}${b.isDefault ? ` (${c.ep?.kind}'s default)` : ''}${b.uncertain ? ` (uncertain: ${b.uncertain})` : ''}`;
  else if (running) {
    // A server the code starts (`uvicorn.run(app, host=host, port=port)` in a click command): where each call listens.
    const starts = codeServerStarts(running);
    if (starts.length) {
      out.listen = starts.map((s) => {
        const src = running.stage.tree.lookup(s.file)?.source;
        const where = `${s.label} at ${src ? a.rel(src) : s.file}:${s.call.range.start.line + 1}`;
        const addr = s.bind.unix ? `unix:${s.bind.unix}` : s.bind.raw;
        return `${addr} (${where}${s.bind.isDefault ? `, ${s.server}'s default` : ''}${s.bind.uncertain ? `, uncertain: ${s.bind.uncertain}` : ''})`;
      }).join('; ');
    }
  }
  if (running?.closure) {
    imports(a, running, out);
    dependencyQuiet(running, out);
  }
  return out;
}

function imports(a: Analysis, c: RunningContainer, out: ContainerExplanation): void {
  const closure = c.closure!;
  const nodes = new Map<string, ExplainedFile>();
  for (const [file, f] of closure.files) {
    const hit = c.stage.tree.lookup(file);
    const node: ExplainedFile = { imagePath: file, children: [] };
    if (f.module) node.module = f.module;
    if (hit?.source) node.source = a.rel(hit.source);
    else if (hit?.content !== undefined) node.source = 'inline';
    if (f.via) {
      const src = c.stage.tree.lookup(f.via.from)?.source;
      node.via = `${src ? a.rel(src) : f.via.from}:${f.via.import.range.start.line + 1}${f.via.import.scope === 'function' ? ' (inside a function)' : ''}`;
    }
    nodes.set(file, node);
    const parent = f.via ? nodes.get(f.via.from) : undefined;
    (parent ? parent.children : out.imports).push(node);
  }
  for (const u of closure.unresolved) {
    const src = c.stage.tree.lookup(u.importer)?.source;
    const at = `${src ? a.rel(src) : u.importer}:${u.import.range.start.line + 1}`;
    const primary = u.import.guard === 'none' ? fallbackNotRun(c, u.importer, u.import) : undefined;
    const guard = u.import.guard !== 'none' ? ` (${GUARD_WORDS[u.import.guard]}: not reported)`
      : primary ? ` (${fallbackWords(primary)}: not reported)`
      : u.reason === 'not-found' ? notFoundQuiet(a, c, u, src) : '';
    const why = u.reason === 'not-found' ? `not found on sys.path` : u.reason === 'stdlib-shadowed' ? `'${u.dotted.split('.')[0]}' is the standard library's module, imported at start-up, so the local package never loads` : u.reason === 'not-a-package' ? `'${u.failedAt.split('.').slice(0, -1).join('.')}' is a module, not a package` : 'a relative import with no parent package';
    out.missing.push(`'${u.dotted}' imported at ${at}: ${why}${guard}`);
  }
  // Absolute imports the walk did not enter: declared dependencies and names whose location is uncertain.
  const seen = new Set<string>();
  for (const [file, f] of closure.files) {
    for (const imp of f.info.imports) {
      if (imp.level > 0 || !imp.module || (imp.mainGuard && !f.main)) continue;
      const top = imp.module.split('.')[0];
      if (isStdlib(top) || seen.has(top)) continue;
      const r = resolveModule(c.view, c.sysPath, top);
      if (r.status === 'found' && !c.thirdParty.has(top.toLowerCase())) continue;
      if (r.status === 'missing' && !c.thirdParty.has(top.toLowerCase())) continue;
      seen.add(top);
      const why = c.thirdParty.has(top.toLowerCase()) ? 'a declared dependency (installed, not modelled)' : r.status === 'uncertain' ? 'where it comes from is uncertain (an unseen layer or site-packages)' : 'installed';
      out.notFollowed.push(`${top} (first imported by ${file}): ${why}`);
    }
  }
}

/** Why missing-dependency stays quiet: an installed set it cannot read, or imports a distribution the table does not know may provide. */
function dependencyQuiet(c: RunningContainer, out: ContainerExplanation): void {
  const whole = installSetQuiet(c.stage);
  if (whole) {
    out.quiet.push(whole);
    return;
  }
  const set = installSet(c.stage);
  const seen = new Set<string>();
  for (const [file, f] of c.closure!.files) {
    for (const imp of f.info.imports) {
      if (imp.level > 0 || !imp.module || imp.guard !== 'none') continue;
      const top = imp.module.split('.')[0];
      const maybe = set.conditionalNames.get(top);
      let root = maybe;
      for (let k = 0; root && !root.record && root.via && k < 50; k++) root = set.distributions.get(root.via);
      if (maybe && root?.record && !seen.has(top)) {
        seen.add(top);
        const r = root.record;
        out.quiet.push(`missing-dependency: '${top}' (${file}:${imp.range.start.line + 1}) counts as installed: ${maybe.via ? `a dependency of ${maybe.via}, which ` : ''}${r.tool} (Dockerfile line ${(r.inheritedFrom?.instr ?? r.instr).line + 1}) installs it ${maybe.conditional}`);
        continue;
      }
      if (seen.has(top) || isStdlib(top) || set.importNames.has(top)) continue;
      if (resolveModule(c.view, c.sysPath, top).status !== 'missing') continue;
      const primary = fallbackNotRun(c, file, imp);
      if (primary) {
        out.quiet.push(`missing-dependency: '${top}' (${file}:${imp.range.start.line + 1}) is not reported: ${fallbackWords(primary)}`);
        continue;
      }
      seen.add(top);
      const d = possibleProvider(set, top);
      if (d && d !== '*') out.quiet.push(`missing-dependency: '${top}' is not reported: ${d}, whose import names the distribution table does not know, may provide it`);
    }
  }
}

/** Why a module that is not found stays unreported, when it does: not known to be local, outside an inferred context, or dockerignored but maybe generated by a later RUN. */
function notFoundQuiet(a: Analysis, c: RunningContainer, u: UnresolvedImport, src: string | undefined): string {
  const provider = u.reason === 'not-found' ? unknownProviderOf(c, u.failedAt) : undefined;
  if (provider) return ` (${provider}, which the image installs and whose import names the distribution table does not know, may provide '${u.failedAt}': not reported)`;
  const found = isNeverLocal(c, u.failedAt) ? undefined : locateSource(a, c.target.model.context, u.failedAt, src, true);
  const hit = found && holdsImported(c.target.model.context, found, u.failedAt, u.dotted) ? found : undefined;
  if (found && !hit) return ` (the local '${u.failedAt}' at ${found.path} has no '${u.dotted.slice(u.failedAt.length + 1).split('.')[0]}': another module of that name, not the one imported, so not reported)`;
  if (!hit) {
    const absent = u.nameIndex === undefined && u.import.kind !== 'dynamic' ? absentSubmodule(a, c, u.failedAt) : undefined;
    if (absent) return '';
    return u.failedAt.includes('.')
      ? ' (no source for it in the repository, and its package may get it (an uncertain or generated folder, a __path__ extension, a compiled or git-ignored module): not reported)'
      : ' (no source for it in the repository: not known to be local, so not reported)';
  }
  const via = u.reason === 'not-found' ? dependencyProviderOf(c, u.failedAt) : undefined;
  if (via) return ` (${via.dist}, which the image installs and whose dependencies the distribution table does not know, may pull in ${via.provides}, which provides '${u.failedAt}': not reported)`;
  const how = c.target.context.how;
  if (hit.visibility === 'outside' && how !== 'compose' && how !== 'config' && how !== 'script') {
    return ` (its source ${hit.path} is outside the build context '${a.rel(c.target.context.root) || '.'}', which deploylint inferred (no compose file, build script or config names it): not reported)`;
  }
  if (hit.visibility === 'ignored') {
    const root = c.entry.sysPath.find((p) => u.importer.startsWith(p === '/' ? '/' : p + '/')) ?? c.entry.sysPath[0] ?? c.stage.workdir;
    const loc = join(root, ...u.failedAt.split('.').slice(0, -1), hit.path.slice(hit.path.lastIndexOf('/') + 1));
    const after = c.stage.tree.lookup(u.importer)?.origin.instr?.line ?? c.entry.instr.line;
    const run = unmodelledWriter(c.stage, loc, after, { module: true })?.instr ?? c.stage.installed.find((i) => i.instr.line > after && installMayWriteSources(c.stage, i.dir, c.target.model.context.fs))?.instr;
    const ignore = c.target.model.context.ignoreFile;
    if (run) return ` (${ignore ? a.rel(ignore) : '.dockerignore'} line ${hit.excludedBy!.line + 1} ('${hit.excludedBy!.pattern}') drops ${hit.path} from the context, but ${a.rel(c.target.dockerfile)}:${run.line + 1} (${run.keyword} ${run.commandText}) may generate it in the image: not reported)`;
  }
  return '';
}

/** `in an except ImportError handler, which runs only when the import of importlib.metadata at line 25 fails, ...`. */
function fallbackWords(primary: PyImport): string {
  const what = primary.level > 0 ? `${'.'.repeat(primary.level)}${primary.module}` : primary.module;
  return `in an except ImportError handler, which runs only when the import of ${what} at line ${primary.range.start.line + 1} fails, and it is not known to fail in this image`;
}

/** How `--explain` names what made an import optional. */
const GUARD_WORDS: Record<Exclude<ImportGuard, 'none'>, string> = {
  'import-error': 'inside a try that catches ImportError',
  'type-checking': 'under if TYPE_CHECKING, never run',
  'exists-check': 'under an if that checks the file or module exists first',
};
