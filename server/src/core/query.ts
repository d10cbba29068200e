// Questions about one place in the workspace, answered from a lint's analysis: what a COPY brings, what a command runs, where an import resolves, links, lenses and an image's contents (data for editors; no LSP here).
import type { Analysis, DockerTarget } from './analysis';
import { CommandSource, sourceOfArg } from './container';
import type { CopyOp, StageModel } from './docker/image';
import type { Instruction } from './docker/parse';
import { dirname, join, normalize } from './fs';
import { isNeverLocal, locateSource, parseImageFile } from './imports';
import type { PyImport } from './python/parser';
import { resolveModule } from './python/resolver';
import { isStdlib } from './python/stdlib';
import { containers, entryLabel } from './runtime';
import type { Container, RunningContainer } from './runtime';
import type { Position, Range } from './types';

/** Bound on the files walked for one answer (a `COPY . /` of a huge context). */
const WALK_LIMIT = 5000;

/** An image file and the build-context file it came from. */
export interface ImageFile {
  image: string;
  /** Absolute build-context path; absent for inline (heredoc) content or a file from another stage's RUN. */
  source?: string;
}

/** What one COPY/ADD puts into its stage. */
export interface CopyContents {
  keyword: 'COPY' | 'ADD';
  /** `stage 'build'`, or `the final stage` / `stage 1`. */
  stage: string;
  /** Files in the stage's image that this instruction put there (later instructions may have replaced others). */
  files: ImageFile[];
  /** `files` stopped at the walk bound. */
  truncated: boolean;
  /** Destination folders or files, as image paths. */
  destinations: string[];
  /** Why the contents are not known (`--from` an external image, an unexpanded variable...). */
  unknown?: string;
}

/** What a container runs, for hovers and lenses. */
export interface CommandSummary {
  container: Container;
  /** `gunicorn worker:app`; undefined when the command is not followed. */
  runs?: string;
  /** The entry module's file in the image and where it came from. */
  entry?: ImageFile;
  callable?: string;
  /** Where the callable is defined in the entry's source (absent when not found). */
  definition?: { file: string; range: Range };
  sysPath: string[];
  listen?: string;
  /** Local files the import walk loaded. */
  localModules: number;
  /** Imports deploylint reports as missing (local source exists, not in the image). */
  missing: string[];
  startupSeconds?: number;
  /** Why the command is not followed (first reason). */
  notFollowed?: string;
}

/** Where one import of a Python file resolves in one container. */
export interface ImportAnswer {
  container: Container;
  /** `the image file /app/x.py (from predictions/x.py)`, `missing: ...`, `standard library`, ... */
  status: 'local' | 'missing' | 'stdlib' | 'installed' | 'uncertain';
  file?: ImageFile;
  detail: string;
}

/** A place in a file that names another file. */
export interface FileLink {
  range: Range;
  target: string;
  /** Line to open at (0-based), when known. */
  line?: number;
  tooltip: string;
}

/** One lens: what a container imports, above where its command is written. */
export interface CommandLens {
  range: Range;
  containerId: string;
  title: string;
}

/** A stage's files, each with the instruction that put it there, and the containers that run the stage. */
export interface ImageContents {
  dockerfile: string;
  stages: {
    label: string;
    /** Line of its FROM. */
    line: number;
    files: { image: string; source?: string; instruction: string; line: number }[];
    truncated: boolean;
    containers: { id: string; runs?: string; missing: string[] }[];
  }[];
}

const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

function stageLabel(t: DockerTarget, s: StageModel): string {
  if (s === t.model.final) return s.name ? `the final stage '${s.name}'` : 'the final stage';
  return s.name ? `stage '${s.name}'` : `stage ${s.index + 1}`;
}

function targetOf(a: Analysis, file: string): DockerTarget | undefined {
  return a.targets.find((t) => t.dockerfile === file);
}

/** First line of an instruction, trimmed, for labels. */
function instructionText(t: DockerTarget, ins: Instruction): string {
  const line = (t.parsed.lines[ins.line] ?? ins.keyword).trim().replace(/\s*\\$/, '');
  return line.length > 80 ? line.slice(0, 79) + '…' : line;
}

/** Every file under `dest` whose newest origin is `ins`. */
function filesFrom(stage: StageModel, dest: string, ins: Instruction): { files: ImageFile[]; truncated: boolean } {
  const all = stage.tree.walk(dest, WALK_LIMIT);
  const files: ImageFile[] = [];
  for (const p of all) {
    const hit = stage.tree.lookup(p);
    if (hit?.origin.instr !== ins) continue;
    files.push(hit.source ? { image: p, source: hit.source } : { image: p });
  }
  return { files, truncated: all.length >= WALK_LIMIT };
}

/** The COPY/ADD at `line` of a Dockerfile and what it brings into the image. */
export function copyAt(a: Analysis, file: string, line: number): CopyContents | undefined {
  const t = targetOf(a, file);
  if (!t) return undefined;
  for (const s of t.model.stages) {
    const op = s.copies.find((c) => c.instr.line <= line && line <= c.instr.endLine);
    if (op) return describeCopy(t, s, op);
  }
  return undefined;
}

function describeCopy(t: DockerTarget, s: StageModel, op: CopyOp): CopyContents {
  const out: CopyContents = { keyword: op.keyword, stage: stageLabel(t, s), files: [], truncated: false, destinations: [op.dest] };
  if (op.from?.image) out.unknown = `it copies from the image ${op.from.image}, which deploylint does not model`;
  const odd = op.sources.find((x) => x.status === 'uncertain' || x.status === 'remote');
  if (odd) out.unknown ??= odd.note ?? (odd.status === 'remote' ? `${odd.path} is fetched at build time` : `${odd.word.raw} is not known`);
  const { files, truncated } = filesFrom(s, op.dest, op.instr);
  out.files = files;
  out.truncated = truncated;
  return out;
}

/** Where a container's command is written: each source it came from (Dockerfile instruction, manifest key, script). */
function commandSources(c: Container): CommandSource[] {
  const s = c.entry?.sources;
  return [s?.entrypoint, s?.cmd, s?.script].filter((x): x is CommandSource => !!x);
}

const isRunning = (c: Container): c is RunningContainer => !!c.entry && !!c.ep && !c.ep.uncertain;

/** The callable's definition in the entry source: a module-level def, class or assignment. */
function definitionOf(a: Analysis, c: RunningContainer): { file: string; range: Range } | undefined {
  const name = c.ep.callable;
  const file = c.entryFile;
  const source = file ? c.stage.tree.lookup(file)?.source : undefined;
  if (!name || !file || !source) return undefined;
  const info = parseImageFile(a, c.stage, file);
  if (!info) return undefined;
  const fn = info.functions.find((f) => f.name === name);
  const asg = info.assignments.find((x) => x.target === name && !x.fn);
  const hits = [fn?.range, asg?.range].filter((r): r is Range => !!r).sort((x, y) => x.start.line - y.start.line);
  return hits.length ? { file: source, range: hits[0] } : undefined;
}

/** Missing imports as `--explain` counts them reported: not guarded, local source in the repository, not a dependency. */
function reportedMissing(a: Analysis, c: RunningContainer): string[] {
  const out: string[] = [];
  for (const u of c.closure?.unresolved ?? []) {
    if (u.import.guard !== 'none') continue;
    if (u.reason === 'not-found') {
      const src = c.stage.tree.lookup(u.importer)?.source;
      if (isNeverLocal(c, u.failedAt) || !locateSource(a, c.target.model.context, u.failedAt, src, true)) continue;
    }
    if (!out.includes(u.dotted)) out.push(u.dotted);
  }
  return out;
}

/** What `c` runs, summarised. */
export function summarise(a: Analysis, c: Container): CommandSummary {
  const out: CommandSummary = { container: c, sysPath: c.sysPath, localModules: 0, missing: [] };
  const b = c.bind;
  if (b) out.listen = b.unix ? `unix:${b.unix}` : `${b.raw}${b.isDefault ? ` (${c.ep?.kind}'s default)` : ''}`;
  if (!isRunning(c) || c.ep.kind === 'unknown') {
    out.notFollowed = c.quiet[0] ?? 'nothing runs that deploylint follows';
    return out;
  }
  out.runs = entryLabel(c);
  if (c.entryFile) {
    const src = c.stage.tree.lookup(c.entryFile)?.source;
    out.entry = src ? { image: c.entryFile, source: src } : { image: c.entryFile };
  }
  if (c.ep.callable) out.callable = c.ep.callable;
  const def = definitionOf(a, c);
  if (def) out.definition = def;
  out.localModules = c.closure?.files.size ?? 0;
  out.missing = reportedMissing(a, c);
  if (c.closure) out.startupSeconds = c.startup().seconds;
  return out;
}

/** The containers whose command is written at `pos` of `file` (a CMD/ENTRYPOINT, a manifest command/args, a script line). */
export function commandsAt(a: Analysis, file: string, pos: Position): CommandSummary[] {
  const hits = containers(a).filter((c) => commandSources(c).some((s) => s.file === file && (contains(s.range, pos) || s.argRanges.some((r) => r && contains(r, pos)))));
  return hits.map((c) => summarise(a, c));
}

/** Resolves a relative import against the importing module's package. */
function absoluteName(imp: PyImport, module: string | undefined, isInit: boolean): string | undefined {
  if (imp.level === 0) return imp.module;
  if (module === undefined) return undefined;
  const parts = module.split('.');
  const pkg = isInit ? parts : parts.slice(0, -1);
  if (imp.level - 1 > pkg.length) return undefined;
  const base = pkg.slice(0, pkg.length - (imp.level - 1));
  const name = [...base, ...(imp.module ? [imp.module] : [])].join('.');
  return name || undefined;
}

/** The import written at `pos` of a Python source file, answered for each container that loads the file. */
export function importAt(a: Analysis, file: string, pos: Position): { module: string; answers: ImportAnswer[] } | undefined {
  let written: string | undefined;
  const answers: ImportAnswer[] = [];
  for (const c of containers(a)) {
    if (!isRunning(c) || !c.closure) continue;
    for (const [image, f] of c.closure.files) {
      if (c.stage.tree.lookup(image)?.source !== file) continue;
      const imp = f.info.imports.find((i) => contains(i.stmtRange, pos));
      if (!imp) continue;
      // On a name of `from m import name`: the submodule m.name when there is one, else m.
      const at = imp.kind === 'from' ? imp.nameRanges?.findIndex((r) => contains(r, pos)) ?? -1 : -1;
      const name = at >= 0 && imp.names[at] !== '*' ? { index: at, name: imp.names[at] } : undefined;
      const answer = answerImport(c, image, f.module, imp, name);
      written ??= answer.module;
      answers.push(answer);
    }
  }
  return written !== undefined ? { module: written, answers } : undefined;
}

function answerImport(c: RunningContainer, image: string, module: string | undefined, imp: PyImport, name?: { index: number; name: string }): ImportAnswer & { module: string } {
  const written = '.'.repeat(imp.level) + imp.module;
  const base = absoluteName(imp, module, image.endsWith('/__init__.py'));
  const sub = name && base !== undefined ? `${base}.${name.name}` : undefined;
  const isSub = sub !== undefined && (resolveModule(c.view, c.sysPath, sub).status === 'found' || c.closure!.unresolved.some((u) => u.importer === image && u.import === imp && u.nameIndex === name!.index));
  const label = isSub ? (imp.level ? `${written}${imp.module ? '.' : ''}${name!.name}` : sub!) : written;
  return { ...answerModule(c, image, imp, isSub ? sub : base, isSub ? name!.index : undefined), module: label };
}

function answerModule(c: RunningContainer, image: string, imp: PyImport, dotted: string | undefined, nameIndex: number | undefined): ImportAnswer {
  const closure = c.closure!;
  const bad = closure.unresolved.find((u) => u.importer === image && u.import === imp && (u.nameIndex === undefined || u.nameIndex === nameIndex));
  if (bad) {
    const why = bad.reason === 'not-found' ? `'${bad.failedAt}' is not found on sys.path (${c.sysPath.join(', ')})` : bad.reason === 'stdlib-shadowed' ? `'${bad.dotted.split('.')[0]}' is the standard library's module, imported at start-up, so the local package never loads` : bad.reason === 'not-a-package' ? `'${bad.failedAt.split('.').slice(0, -1).join('.')}' is a module, not a package` : 'a relative import with no parent package';
    return { container: c, status: 'missing', detail: `missing in this image: ${why}${bad.import.guard !== 'none' ? ` (guarded by ${bad.import.guard})` : ''}` };
  }
  if (dotted === undefined) return { container: c, status: 'uncertain', detail: 'the package it is relative to is not known' };
  const top = dotted.split('.')[0];
  if (imp.level === 0 && isStdlib(top)) return { container: c, status: 'stdlib', detail: 'the standard library' };
  const r = resolveModule(c.view, c.sysPath, dotted);
  if (r.status === 'found') {
    const target = r.file ?? r.searchPath?.[0] ?? join(r.root, ...dotted.split('.'));
    const source = c.stage.tree.lookup(target)?.source;
    if (c.thirdParty.has(top.toLowerCase()) && !source) return { container: c, status: 'installed', detail: `installed (${target})` };
    return { container: c, status: 'local', file: source ? { image: target, source } : { image: target }, detail: `${target}${r.kind === 'namespace' ? ' (namespace package)' : ''}` };
  }
  if (c.thirdParty.has(top.toLowerCase())) return { container: c, status: 'installed', detail: 'a declared or installed dependency (site-packages, not modelled)' };
  if (r.status === 'uncertain') return { container: c, status: 'uncertain', detail: 'uncertain: a layer the model cannot see may provide it' };
  return { container: c, status: 'missing', detail: `missing in this image: '${r.failedAt}' is not found on sys.path (${c.sysPath.join(', ')})` };
}

/** Text range of `needle` inside a command source (the first occurrence on its lines), for links to files the command names. */
function findInSource(s: CommandSource, needle: string): Range | undefined {
  for (let l = s.range.start.line; l <= s.range.end.line; l++) {
    const text = s.lines[l] ?? '';
    const from = l === s.range.start.line ? s.range.start.character : 0;
    const at = text.indexOf(needle, from);
    if (at >= 0 && (l < s.range.end.line || at + needle.length <= Math.max(s.range.end.character, text.length))) return { start: { line: l, character: at }, end: { line: l, character: at + needle.length } };
  }
  return undefined;
}

/** Places in `file` that name other files: COPY sources, the server target, `-c` config, scripts, compose env_file. */
export function linksIn(a: Analysis, file: string): FileLink[] {
  const out: FileLink[] = [];
  const seen = new Set<string>();
  const push = (l: FileLink) => {
    const key = `${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(l);
  };
  const t = targetOf(a, file);
  for (const s of t?.model.stages ?? []) {
    for (const op of s.copies) {
      if (op.from) continue;
      for (const src of op.sources) {
        if (src.status !== 'ok' || src.isGlob || src.matches.length !== 1) continue;
        const abs = t!.model.context.abs(src.matches[0]);
        if (t!.model.context.stat(src.matches[0]) !== 'file') continue;
        push({ range: src.word.range, target: abs, tooltip: `${a.rel(abs)} (build context)` });
      }
    }
  }
  for (const c of containers(a)) {
    if (!isRunning(c)) continue;
    const entry = c.entry;
    // The server's target, where it is written in this file.
    const arg = c.ep.targetArg?.range;
    const src = sourceOfArg(entry, arg);
    if (arg && src?.file === file && c.entryFile) {
      const source = c.stage.tree.lookup(c.entryFile)?.source;
      const def = definitionOf(a, c);
      if (source) push({ range: arg, target: source, line: def?.range.start.line, tooltip: `${a.rel(source)} (${c.entryFile} in the image)` });
    }
    for (const s of commandSources(c)) {
      if (s.file !== file) continue;
      // gunicorn -c FILE
      const cfg = c.ep.configFile;
      if (cfg) {
        const image = normalize(cfg.startsWith('/') ? cfg : join(c.cwd, cfg));
        const source = c.stage.tree.lookup(image)?.source;
        const r = findInSource(s, cfg);
        if (source && r) push({ range: r, target: source, tooltip: `${a.rel(source)} (gunicorn config, ${image} in the image)` });
      }
      // Scripts the command runs.
      for (const image of [entry.script, ...entry.chain.map((x) => x.file)]) {
        if (!image) continue;
        const source = c.stage.tree.lookup(image)?.source;
        const name = [image, image.slice(image.lastIndexOf('/') + 1)].map((n) => findInSource(s, n)).find((r) => r);
        if (source && name) push({ range: name, target: source, tooltip: `${a.rel(source)} (script, ${image} in the image)` });
      }
    }
    // compose env_file
    const d = c.runner.deployment;
    if (d && d.file === file) {
      for (const f of d.container?.envFiles ?? []) {
        const abs = normalize(f.value.startsWith('/') ? f.value : join(dirname(d.file), f.value));
        if (a.text(abs) !== undefined) push({ range: f.range, target: abs, tooltip: `${a.rel(abs)} (env_file)` });
      }
    }
  }
  return out.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}

/** The callable's definition when `pos` is on a server target in `file`. */
export function definitionAt(a: Analysis, file: string, pos: Position): { file: string; range: Range } | undefined {
  for (const c of containers(a)) {
    if (!isRunning(c)) continue;
    const arg = c.ep.targetArg?.range;
    if (!arg || !contains(arg, pos) || sourceOfArg(c.entry, arg)?.file !== file) continue;
    const def = definitionOf(a, c);
    if (def) return def;
    const source = c.entryFile ? c.stage.tree.lookup(c.entryFile)?.source : undefined;
    if (source) return { file: source, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  return undefined;
}

/** Where a container's lens goes: the command a deployment writes, else the deployment, else the Dockerfile's CMD/ENTRYPOINT. */
function lensPlace(c: Container): { file: string; range: Range } {
  const s = c.entry?.sources;
  const own = c.runner.kind === 'image' ? undefined : [s?.entrypoint, s?.cmd].find((x) => x?.file === c.runner.file);
  return own ? { file: own.file, range: own.range } : { file: c.runner.file, range: c.runner.range };
}

/** `imports 4 local modules · 1 missing · startup ≈ 60 s`. */
export function lensTitle(s: CommandSummary): string {
  if (!s.runs) return `deploylint: command not followed (${s.notFollowed})`;
  const n = s.localModules;
  const parts = [`imports ${n} local module${n === 1 ? '' : 's'}`, `${s.missing.length} missing`];
  if (s.startupSeconds !== undefined) parts.push(`startup ≈ ${s.startupSeconds} s`);
  return parts.join(' · ');
}

/** One lens per container whose command or deployment is written in `file`. */
export function lensesIn(a: Analysis, file: string): CommandLens[] {
  const out: CommandLens[] = [];
  for (const c of containers(a)) {
    const place = lensPlace(c);
    if (place.file !== file) continue;
    out.push({ range: { start: place.range.start, end: place.range.start }, containerId: c.id, title: lensTitle(summarise(a, c)) });
  }
  return out;
}

/** Every file each stage of a Dockerfile holds with the instruction that put it there, and what its containers miss. */
export function imageContents(a: Analysis, dockerfile?: string): ImageContents[] {
  const out: ImageContents[] = [];
  for (const t of a.targets) {
    if (dockerfile && t.dockerfile !== dockerfile) continue;
    const item: ImageContents = { dockerfile: t.dockerfile, stages: [] };
    for (const s of t.model.stages) {
      const all = s.tree.walk('/', WALK_LIMIT);
      const files: ImageContents['stages'][number]['files'] = [];
      for (const p of all) {
        const hit = s.tree.lookup(p);
        const ins = hit?.origin.instr;
        if (!ins) continue;
        const f: (typeof files)[number] = { image: p, instruction: instructionText(t, ins), line: ins.line };
        if (hit.source) f.source = hit.source;
        files.push(f);
      }
      const runs = containers(a).filter((c) => c.target === t && c.stage.index === s.index);
      item.stages.push({
        label: `${stageLabel(t, s)}: FROM ${s.base}`,
        line: s.from.line,
        files,
        truncated: all.length >= WALK_LIMIT,
        containers: runs.map((c) => {
          const sum = summarise(a, c);
          return sum.runs ? { id: c.id, runs: sum.runs, missing: sum.missing } : { id: c.id, missing: sum.missing };
        }),
      });
    }
    out.push(item);
  }
  return out;
}

/** The container of this lint with this id. */
export function containerById(a: Analysis, id: string): Container | undefined {
  return containers(a).find((c) => c.id === id);
}
