// missing-copy-source: a COPY/ADD source that is not in the build context, or that .dockerignore keeps out of it.
import type { Analysis, DockerTarget } from '../analysis';
import { absDest, CopyOp, CopySource, isKnownBase, StageModel } from '../docker/image';
import type { BuildContext } from '../docker/context';
import { isSystemPath, unmodelledWriter } from '../docker/writes';
import { basename, dirname, join, normalize, readText } from '../fs';
import { baseImageFacts } from '../packages/base-images';
import { GitIgnore } from '../secrets/gitignore';
import type { Fix } from '../types';
import { editDistance } from '../text/distance';
import type { Draft, Rule } from './rule';
import type { Word } from '../docker/parse';

export const rule: Rule = {
  id: 'missing-copy-source',
  meta: {
    description: 'A COPY/ADD source does not exist in the build context (or, with --from, in that stage), or .dockerignore excludes it.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'docker build stops with "failed to compute cache key: ... not found" when a COPY source is not in the build context. Paths are relative to the context (not to the Dockerfile), and files excluded by .dockerignore do not exist for the build. `COPY --from=<stage>` reads that stage\'s filesystem: a path the stage never produced fails the same way, and a `--from` that misspells a stage name makes Docker pull an image of that name instead. A source absent from the checkout that git ignores (a generated `version.py`, a `dist/`), or that a build script beside the context, or the script or CI step that runs the build, copies in (`cp -r ../../protos .`, `cp -R libs/ web/libs` before `docker build web/`), or whose download a README beside it documents (a URL ending in the file name, or one line with a download link that names the source exactly in backticks), is made before the build and is not reported; nor is a `--from` path beside the folder where the stage ran a build tool (its output folder comes from the tool\'s config). A Dockerfile below the workspace root that no build names, none of whose copied files is in any folder that could be its context, with no Python code at or below its folder and a folder named like an example or template (or a README beside it), is a template for another project (a framework\'s `docker-example/`): what its COPY brings is unknown, and nothing about its sources is reported.',
      bad: 'COPY predictions/worker/wroker.py /app/worker.py',
      good: 'COPY predictions/worker/worker.py /app/worker.py',
    },
  },
  check(a: Analysis): Draft[] {
    const out: Draft[] = [];
    const git = new GitIgnore(a.fs, a.root);
    for (const t of a.targets) {
      for (const stage of t.model.stages) {
        for (const op of stage.copies) {
          if (op.from) {
            out.push(...fromStage(t, stage, op));
            continue;
          }
          for (const s of op.sources) {
            if (s.status !== 'missing' && s.status !== 'excluded') continue;
            if (s.status === 'missing' && preparedBeforeBuild(a, t, s.path, git)) continue;
            out.push(draft(a, t, stage, op, s));
          }
        }
      }
    }
    return out;
  },
};

/** Commands a build script uses to put a file into the context before `docker build`, and how each names what it writes. */
const PREPARE: Record<string, 'last' | 'output' | 'extract'> = { cp: 'last', mv: 'last', ln: 'last', rsync: 'last', curl: 'output', wget: 'output', tar: 'extract', unzip: 'extract' };
const OUTPUT_FLAGS = new Set(['-o', '--output', '-O', '--output-document']);
const EXTRACT_FLAGS = new Set(['-C', '--directory', '-d']);

/**
 * The paths a build-script command line writes, resolved from the script's folder: the destination of
 * `cp`/`mv`/`ln`/`rsync` (a folder destination also receives each source's basename), the output file of
 * `curl -o`/`wget -O`, the folder `tar -x -C`/`unzip -d` extracts into (its contents are unknown: the
 * folder itself is returned and anything below it counts). Undefined for lines that run none of them.
 */
export function preparedPaths(line: string, dir: string): { exact: string[]; under: string[] } | undefined {
  const words = line.trim().split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ''));
  const at = words.findIndex((w) => w in PREPARE);
  if (at < 0) return undefined;
  const kind = PREPARE[words[at]!]!;
  const rest: string[] = [];
  for (const w of words.slice(at + 1)) {
    if (/^[;&|)]/.test(w) || w === '&&' || w === '||') break;
    rest.push(w);
  }
  const resolve = (w: string) => normalize(w.startsWith('/') ? w : join(dir, w)).replace(/\/+$/, '');
  if (kind === 'output') {
    const i = rest.findIndex((w) => OUTPUT_FLAGS.has(w));
    return { exact: i >= 0 && rest[i + 1] ? [resolve(rest[i + 1]!)] : [], under: [] };
  }
  if (kind === 'extract') {
    const i = rest.findIndex((w) => EXTRACT_FLAGS.has(w));
    return { exact: [], under: [i >= 0 && rest[i + 1] ? resolve(rest[i + 1]!) : dir] };
  }
  const args = rest.filter((w) => !w.startsWith('-'));
  if (args.length < 2) return { exact: [], under: [] };
  const dest = resolve(args[args.length - 1]!);
  const exact = [dest, ...args.slice(0, -1).map((src) => join(dest, src.replace(/\/+$/, '').split('/').pop()!))];
  return { exact, under: [] };
}

/**
 * True when a source absent from the checkout is made before the build: git ignores it or all it can hold (a
 * generated file such as `version_frozen.py`, or a `dist/` the developer's or CI's build writes: locust's CI
 * downloads its wheel into `dist/`, which `.gitignore` covers as `dist/**`), or a build script or
 * Makefile in the context's folder or the Dockerfile's writes it there (`cp -r ../../third_party .`,
 * `curl -o model.bin ...`, `tar -xzf assets.tgz`): the path the command writes, not a word it mentions.
 */
function preparedBeforeBuild(a: Analysis, t: DockerTarget, source: string, git: GitIgnore): boolean {
  const rel = source.replace(/^\.\//, '').replace(/\/+$/, '');
  if (rel === '' || rel.startsWith('../')) return false;
  const target = join(t.context.root, rel);
  // git ignores the path itself (`dist/`, `version.py`), or everything inside it (`dist/**`, `dist/*`: the folder
  // can then hold nothing git tracks, so a checkout never has it): a probe name no specific pattern names stands
  // for "any file in it".
  if (git.isIgnored(target) || git.isIgnored(join(target, 'deploylint-any-file'))) return true;
  const root = t.context.root;
  // A command's folder destination that is the context (or above it) says nothing by itself: only what it puts there.
  const writes = (p: string) => !(p === root || root.startsWith(p + '/')) && (p === target || target.startsWith(p + '/'));
  const scripts: { file: string; dir: string }[] = [];
  for (const dir of new Set([t.context.root, dirname(t.dockerfile)])) {
    for (const name of a.fs.readDir(dir) ?? []) if (/\.(?:sh|bash|mk)$|^(?:GNU)?[Mm]akefile$/.test(name)) scripts.push({ file: join(dir, name), dir });
  }
  // The file that runs this build (a script, a Cloud Build or CI step): a `cp -R libs web/libs` before `docker build web`
  // stages the context. A CI file's steps run in the checkout's root.
  for (const b of a.builds) {
    if (b.dockerfile !== t.dockerfile || !b.evidence || b.how === 'compose' || scripts.some((x) => x.file === b.evidence)) continue;
    scripts.push({ file: b.evidence, dir: /\.ya?ml$/.test(b.evidence) ? a.root : dirname(b.evidence) });
  }
  for (const { file, dir } of scripts) {
    const text = readText(a.fs, file);
    if (!text) continue;
    for (const line of text.split('\n')) {
      const made = preparedPaths(line.replace(/^\s*(?:-\s*)?(?:run:|script:|args:)?\s*[|>]?-?\s*/, ''), dir);
      if (made && (made.exact.some(writes) || made.under.some(writes))) return true;
    }
  }
  return documentedDownload(a, [t.context.root, dirname(t.dockerfile)], rel);
}

/**
 * True when a README in the context's folder or the Dockerfile's documents making the source before the build: it links
 * a download whose last path segment is the source's file name (kserve's germancredit sample: "download these files and
 * move them into `server/`", then the URLs of `german.data` and `german.doc`), or one line both links a download and
 * names the source, exactly, in backticks (python-docs-samples' gemma-flex-template: "Downloaded the model from
 * [Kaggle](https://...). ... Extract the archive into a directory and name it `pytorch_model`."): a documented step
 * before the build, not a slip.
 */
function documentedDownload(a: Analysis, dirs: string[], rel: string): boolean {
  const name = rel.split('/').pop()!;
  if (/[*?[]/.test(name)) return false;
  const esc = name.replace(/[.+^$()|{}\\]/g, '\\$&');
  const url = /\.\w+$/.test(name) ? new RegExp(`https?://[^\\s)<>"'\\]]*/${esc}(?=[\\s)<>"'\\]#?]|$)`, 'm') : undefined;
  const named = new RegExp('`' + esc + '/?`');
  for (const dir of new Set(dirs)) {
    for (const file of a.fs.readDir(dir) ?? []) {
      if (!/^readme(?:\.(?:md|rst|txt))?$/i.test(file)) continue;
      const text = readText(a.fs, join(dir, file));
      if (!text) continue;
      if (url?.test(text)) return true;
      if (text.split('\n').some((line) => /\bdownload/i.test(line) && /https?:\/\//.test(line) && named.test(line))) return true;
    }
  }
  return false;
}

/**
 * Where a later RUN, CMD or ENTRYPOINT of the stage names the file the misspelt source would have put into the image
 * (`COPY requirments.txt ./` then `RUN pip install -r requirments.txt`): the same slip, which the fix must mend too, or
 * the build fails one step later. Only when the COPY keeps the source's name (a folder destination) and the fix changes
 * that name; a word counts when it is the source's name, its context path or its image path (`./` allowed).
 */
function laterMentions(stage: StageModel, op: CopyOp, source: string, match: string): { range: Word['range']; newText: string }[] {
  const oldName = source.replace(/\/+$/, '').split('/').pop()!;
  const newName = match.replace(/\/+$/, '').split('/').pop()!;
  if (!op.destIsDir || oldName === newName || /[*?[$]/.test(source)) return [];
  const names = new Set([oldName, source.replace(/\/+$/, ''), join(op.dest, oldName)]);
  const out: { range: Word['range']; newText: string }[] = [];
  for (const instr of stage.instructions) {
    if (instr.line <= op.instr.endLine || !['RUN', 'CMD', 'ENTRYPOINT'].includes(instr.keyword)) continue;
    for (const w of instr.args) {
      const text = w.text.replace(/^\.\//, '').replace(/\/+$/, '');
      if (!names.has(text) && !names.has(w.text)) continue;
      const at = w.raw.lastIndexOf(oldName);
      if (at < 0) continue;
      out.push({ range: w.range, newText: w.raw.slice(0, at) + newName + w.raw.slice(at + oldName.length) });
    }
  }
  return out;
}

function contextLabel(a: Analysis, t: DockerTarget): string {
  const rel = a.rel(t.context.root);
  const where = rel ? `'${rel}'` : 'the workspace root';
  const how = t.context.evidence ? `as ${a.rel(t.context.evidence)} builds it` : 'inferred';
  return `${where} (${how})`;
}

function draft(a: Analysis, t: DockerTarget, stage: StageModel, op: CopyOp, s: CopySource): Draft {
  const ctx = t.model.context;
  const keyword = op.keyword;
  if (s.status === 'excluded') {
    const by = s.excludedBy;
    const where = by && ctx.ignoreFile ? ` by ${a.rel(ctx.ignoreFile)} line ${by.line + 1} ('${by.pattern}')` : ' by .dockerignore';
    return {
      message: `${keyword} source '${s.path}' is excluded${where}, so the build cannot find it`,
      file: t.dockerfile,
      range: s.word.range,
      related: by && ctx.ignoreFile ? [{ file: ctx.ignoreFile, range: lineRange(by.line, by.pattern.length), message: 'the pattern that excludes it' }] : [],
      fixes: [],
    };
  }
  const fixes: Fix[] = [];
  const match = closestPath(ctx, s.path);
  if (match !== undefined) {
    const replacement = s.word.raw.startsWith('"') ? JSON.stringify(match) : /\s/.test(match) ? `"${match}"` : match;
    const later = laterMentions(stage, op, s.path, match);
    const also = later.length === 0 ? '' : ` (and on line${later.length > 1 ? 's' : ''} ${[...new Set(later.map((e) => e.range.start.line + 1))].join(', ')})`;
    const edits = [{ file: t.dockerfile, range: s.word.range, newText: replacement }, ...later.map((e) => ({ file: t.dockerfile, ...e }))];
    fixes.push({ title: `Replace with '${match}'${also}`, edits, isPreferred: true });
  }
  const hint = match !== undefined ? `; did you mean '${match}'?` : '';
  return {
    message: `${keyword} source '${s.path}' is not in the build context, ${contextLabel(a, t)}${hint}`,
    file: t.dockerfile,
    range: s.word.range,
    related: [],
    fixes,
  };
}

/** COPY --from: a misspelt stage name, or a path the stage never produced. */
function fromStage(t: DockerTarget, stage: StageModel, op: CopyOp): Draft[] {
  const flag = op.instr.flags.find((f) => f.name === 'from')!;
  const from = op.from!;
  const earlier = t.model.stages.filter((s) => s.index < stage.index && s.name !== undefined);
  if (from.image !== undefined) {
    // A bare name one or two edits from an earlier stage's name (and not a known image) is a typo of it.
    const v = from.image.toLowerCase();
    if (/[/:@.]/.test(v) || v.includes('$') || isKnownBase(v) || v.length < 4) return [];
    const close = earlier.filter((s) => editDistance(s.name!, v, 2) <= 2);
    if (close.length !== 1) return [];
    const name = close[0].name!;
    // The value after `--from=` (the flag as written, on one line), else the whole flag.
    const written = t.parsed.lines[flag.range.start.line]?.slice(flag.range.start.character, flag.range.end.character) ?? '';
    const eq = written.indexOf('=');
    const exact = flag.range.start.line === flag.range.end.line && eq > 0 && written.slice(eq + 1) === from.raw;
    const range = exact ? { start: { line: flag.range.start.line, character: flag.range.start.character + eq + 1 }, end: flag.range.end } : flag.range;
    return [{
      message: `${op.keyword} --from=${from.raw}: no stage is named '${from.raw}', so Docker pulls an image of that name; did you mean the stage '${name}'?`,
      file: t.dockerfile,
      range,
      related: [{ file: t.dockerfile, range: close[0].from.keywordRange, message: `stage '${name}'` }],
      fixes: [{ title: `Copy from the stage '${name}'`, edits: [{ file: t.dockerfile, range, newText: exact ? name : `--from=${name}` }], isPreferred: true }],
    }];
  }
  const src = t.model.stages[from.stage!];
  if (src.index >= stage.index) return [];
  const out: Draft[] = [];
  for (const s of op.sources) {
    if (s.status !== 'stage' || s.isGlob) continue;
    const p = absDest(s.path, '/');
    if (src.tree.stat(p) || src.tree.isUncertain(p) || (isSystemPath(p) && !inAppFolder(src, p)) || unmodelledWriter(src, p, -1, { beside: true }) || !inModelledFolder(src, p, t.model.stages)) continue;
    const label = src.name ? `stage '${src.name}'` : `stage ${src.index}`;
    const match = closestInStage(src, p);
    const fixes: Fix[] = match ? [{ title: `Replace with '${match}'`, edits: [{ file: t.dockerfile, range: s.word.range, newText: match }], isPreferred: true }] : [];
    out.push({
      message: `${op.keyword} --from=${from.raw} ${s.path}: ${label} never produces ${p}${match ? `; did you mean '${match}'?` : ''}`,
      file: t.dockerfile,
      range: s.word.range,
      related: [{ file: t.dockerfile, range: src.from.keywordRange, message: `${label} starts here` }],
      fixes,
    });
  }
  return out;
}

/** Names of the folders a Linux root holds below /usr, /opt, /var... (a WORKDIR there is not an application's own). */
const FHS_NAMES = new Set(['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libexec', 'local', 'share', 'include', 'src', 'etc', 'games', 'man', 'cache', 'log', 'tmp', 'spool', 'run', 'opt', 'home', 'root']);

/**
 * True when a folder above `path` under a system folder (`/usr/local/webapp`) is the stage's application
 * folder: its WORKDIR, or a COPY destination, with a name that is not one of a root file system's own.
 * A known base image holds nothing there, so the path is not one the system brings.
 */
function inAppFolder(stage: StageModel, path: string): boolean {
  for (let d = dirname(path); d !== '/'; d = dirname(d)) {
    const hit = stage.tree.lookup(d);
    if (hit?.kind !== 'dir') continue;
    const kw = hit.origin.instr?.keyword;
    // Through a base image another Dockerfile builds: that Dockerfile's own instructions say.
    if (kw === 'FROM' && stage.baseImage && hit.origin.instr === stage.from) return inAppFolder(stage.baseImage.stage, path);
    if ((kw === 'WORKDIR' || kw === 'COPY' || kw === 'ADD') && !FHS_NAMES.has(basename(d)) && !/python\d|site-packages|dist-packages/.test(d)) return stage.baseKnown;
  }
  return false;
}

/**
 * True when a folder above `path` (other than `/`) is one the stage's own instructions made (WORKDIR,
 * COPY destinations, mkdir), or the stage starts from scratch: only there does the model know every
 * file. Elsewhere the base image may hold it (`/uv` in the uv image, `/go/bin` in golang).
 */
function inModelledFolder(stage: StageModel, path: string, stages: StageModel[]): boolean {
  if (stage.base === 'scratch' && stage.baseStage === undefined) return true;
  for (let d = dirname(path); d !== '/'; d = dirname(d)) if (stage.tree.stat(d) === 'dir') return true;
  // A top-level folder of an official python / Debian / Ubuntu / distroless image is one of the FHS root
  // folders; any other (`/dependencies`, `/install`, `/wheels`) exists only if the stage made it.
  return dirname(path) === '/' && !ROOT_FOLDERS.has(basename(path)) && rootHasOnlyFhsFolders(stage, stages) && !namedByRun(stage, stages, path);
}

/** True when a RUN of the stage or its base stages names `path` or a path below it (an install whose arguments the model could not expand still writes there). */
function namedByRun(stage: StageModel, stages: StageModel[], path: string): boolean {
  for (let s: StageModel | undefined = stage, i = 0; s && i <= stages.length; s = s.baseStage !== undefined ? stages[s.baseStage] : undefined, i++) {
    for (const ins of s.instructions) {
      if (ins.keyword !== 'RUN') continue;
      const text = [ins.commandText, ...ins.heredocs.map((h) => h.content)].join('\n');
      if (text.split(/[\s=:'"]+/).some((w) => w.replace(/\/+$/, '') === path || w.startsWith(path + '/'))) return true;
    }
  }
  return false;
}

/** Top-level folders of the root file systems that the images of rootHasOnlyFhsFolders start from. */
const ROOT_FOLDERS = new Set(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var']);

/** True when the stage's chain of FROMs starts at an image whose root holds only the FHS folders (the base table's images that list all they hold). */
function rootHasOnlyFhsFolders(stage: StageModel, stages: StageModel[]): boolean {
  let s = stage;
  for (let i = 0; s.baseStage !== undefined && i < stages.length; i++) s = stages[s.baseStage];
  if (s.baseStage !== undefined) return false;
  return s.base === 'scratch' || baseImageFacts(s.base)?.preinstalledComplete === true;
}

/** The stage's file or folder most likely meant: the only one with the same name, else the only path within two edits. */
function closestInStage(stage: StageModel, wanted: string): string | undefined {
  const paths = new Set<string>();
  for (const f of stage.tree.walk('/', 20000)) {
    for (let p = f; p !== '/' && !paths.has(p); p = dirname(p)) paths.add(p);
  }
  // Folders the stage's installs fill (pip --target/--prefix, a venv) hold no modelled files but exist.
  for (const r of stage.installs) if (r.home && r.home !== '/') paths.add(r.home);
  const leaf = wanted.slice(wanted.lastIndexOf('/') + 1);
  const same = [...paths].filter((p) => p.slice(p.lastIndexOf('/') + 1) === leaf);
  if (same.length === 1) return same[0];
  const near = [...paths].filter((p) => editDistance(p, wanted, 2) <= 2);
  return near.length === 1 ? near[0] : undefined;
}

function lineRange(line: number, len: number) {
  return { start: { line, character: 0 }, end: { line, character: len } };
}

/**
 * The context path the user most likely meant: the same name in another folder, or a path
 * within a small edit distance. Only a single clear winner is offered.
 */
export function closestPath(ctx: BuildContext, wanted: string): string | undefined {
  const want = wanted.replace(/\/$/, '');
  const wantBase = want.slice(want.lastIndexOf('/') + 1);
  const all = ctx.entries().map((e) => e.path);
  const sameName = all.filter((p) => p.slice(p.lastIndexOf('/') + 1) === wantBase);
  if (sameName.length === 1) return sameName[0];
  const budget = Math.max(2, Math.floor(want.length / 6));
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const p of sameName.length > 1 ? sameName : all) {
    if (Math.abs(p.length - want.length) > budget) continue;
    const d = editDistance(p, want, budget);
    if (d < bestD) {
      best = p;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return best !== undefined && bestD <= budget && !tie ? best : undefined;
}
