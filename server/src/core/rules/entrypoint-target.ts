// entrypoint-target: the server's `module:callable`, `python -m mod` or `python script.py` does not resolve in the image, or the callable is not defined there.
import type { Analysis } from '../analysis';
import { dirname, join, normalize, relativeInside } from '../fs';
import { unwrapWrappers } from '../entrypoint/parse';
import { ImportAnalysis, isNeverLocal, locateInContext, locateSource, packagePath, parseImageFile } from '../imports';
import { containers, containersOf, entryLabel, hiddenByMount, HiddenByMount, hiddenPath, perContainer, running, RunningContainer, searchedDirs } from '../runtime';
import { baseImageFacts } from '../packages/base-images';
import { firstLineRange } from '../docker/image';
import type { PyFileInfo } from '../python/parser';
import { Resolution, resolveModule } from '../python/resolver';
import { importedAtStartup } from '../python/startup-modules';
import { unmodelledWriter } from '../docker/writes';
import { InstallSet, installSet, mayProvide } from '../packages/installs';
import { editDistance } from '../text/distance';
import type { Fix, Range } from '../types';
import { chainLocations, failedCopyAt, gunicornConfigSource, scriptLocations, sourceOf, targetWithModule } from './python-common';
import { argFile, replaceCommandArg } from './command-edits';
import type { ArgRef } from '../entrypoint';
import type { Container } from '../runtime';
import type { CliCommand } from '../python/cli';
import { codeServerStarts } from '../runtime/code-servers';
import { parseAppTarget } from '../entrypoint/address';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'entrypoint-target',
  meta: {
    description: 'The gunicorn/uvicorn/hypercorn/celery target, `python -m` module or `python` script does not resolve in the image, or the callable is not defined in that module.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'A target that names the wrong module path makes every worker fail to boot ("Failed to find attribute", "No module named"), and the platform reports only a failed health check. The module path must match where the file sits in the image relative to the working directory and sys.path. A config file the server reads at start and the image lacks (gunicorn `-c FILE`, uwsgi `--ini FILE`) stops it before it loads anything.',
      bad: 'COPY predictions/coordinator/ /app/coordinator/\nCMD exec gunicorn --bind :$PORT coordinator:app',
      good: 'COPY predictions/coordinator/ /app/coordinator/\nCMD exec gunicorn --bind :$PORT coordinator.coordinator:app',
    },
  },
  check(a: Analysis): Draft[] {
    const drafts = perContainer(running(a), (ia) => {
      const d = hiddenEntry(a, ia) ?? checkTarget(a, ia, (why) => quiet(ia, why)) ?? codeTarget(a, ia, (why) => quiet(ia, why));
      return d ? [d] : [];
    });
    // A server that cannot read its config file exits before loading anything (its command is otherwise not followed).
    const unread = containers(a).filter((c): c is RunningContainer => !!c.entry && !!c.ep?.unreadConfig && !c.onlyWithHostCode);
    // A command that fails in its shell before the server (`source` in dash) starts nothing.
    const faulted = containers(a).filter((c) => !!c.entry?.fault && !c.onlyWithHostCode);
    // An exec-form program path the image does not have (`ENTRYPOINT ["/entrypoint.sh"]`, never copied).
    const programs = containers(a).filter((c) => !!c.entry && c.entry.chain.length === 0 && c.entry.ep.kind === 'unknown' && !c.entry.fault && !c.onlyWithHostCode);
    // A versioned interpreter the image does not have (`python3.9` on python:3.12-slim).
    const interpreters = containers(a).filter((c) => !!c.entry?.ep.interpreter && c.entry.chain.length === 0 && !c.entry.fault && !c.onlyWithHostCode);
    return [
      ...drafts, ...perContainer(unread, (c) => absentConfigFile(a, c)), ...perContainer(faulted, (c) => shellFault(a, c)), ...perContainer(programs, absentProgram),
      ...perContainer(interpreters, absentInterpreter),
    ];
  },
};

/**
 * The server's config file is certainly not in the image: uwsgi `--ini FILE` (or UWSGI_INI) exits at start ("realpath() of
 * FILE failed"), gunicorn `-c FILE` too ("Error: 'FILE' doesn't exist", gunicorn/app/base.py).
 */
function absentConfigFile(a: Analysis, c: RunningContainer): Draft[] {
  const absent = configAbsence(a, c);
  if (!absent) return [];
  if ('why' in absent) {
    const why = `entrypoint-target: ${c.ep.unreadConfig!.imagePath} is not reported missing: ${absent.why}`;
    if (!c.quiet.includes(why)) c.quiet.push(why);
    return [];
  }
  const { ref, flag } = c.ep.unreadConfig!;
  const elsewhere = absent.inImage.length === 1 ? absent.inImage[0] : undefined;
  const hint = elsewhere ? `; the file is at ${elsewhere}` : absent.inContext.length ? `; the build context has ${absent.inContext.join(', ')}, which no COPY puts there` : '';
  return [{
    message: `${c.ep.kind} ${flag} ${ref.value}: ${absent.path} is not in the image, so ${c.ep.kind} exits at start (${c.ep.kind === 'gunicorn' ? `Error: '${ref.value}' doesn't exist` : `realpath() of ${absent.path} failed`})${hint}`,
    file: argFile(c.entry, ref)?.file ?? c.entry.at.file,
    range: ref.range ?? (c.entry.overridden ? c.entry.at.range : c.entry.instr.keywordRange),
    related: [...scriptLocations(a, c), { file: c.entry.at.file, range: c.entry.at.range, message: `the container runs ${c.entry.ep.argv.join(' ')}` }],
    fixes: elsewhere ? (ref.range ? rewrite(c, ref, elsewhere, `Read ${elsewhere}`) : []) : copyFix(c, absent),
  }];
}

/**
 * The container's command stops in its shell before the server starts: `source` is a bash builtin that dash (the
 * /bin/sh of Debian and Ubuntu images, hence of the official python images) does not have, so `source x && exec
 * server` prints "source: not found", exits 127 and never reaches the server. Fix: `.`, the POSIX name of the same
 * builtin (or a SHELL instruction for bash).
 */
function shellFault(a: Analysis, c: Container): Draft[] {
  const entry = c.entry!;
  const f = entry.fault!;
  const where = f.file ? ` in ${f.file}` : '';
  const binSh = f.shell === 'dash' ? `dash, the /bin/sh of ${c.stage.rootBase ?? 'the base image'}` : f.shell;
  const stops = f.skipped ? `, so ${f.skipped} never runs` : ', and no server starts after it';
  const site = f.site;
  const related = [{ file: entry.at.file, range: entry.at.range, message: `the container runs ${entry.argv.join(' ')}` }];
  for (const step of entry.chain.slice(0, -1)) {
    const src = sourceOf(c.stage, step.file);
    if (src) related.push({ file: src, range: { start: { line: step.line, character: 0 }, end: { line: step.line, character: 0 } }, message: `${a.rel(src)} (${step.file} in the image) runs ${step.what}` });
  }
  return [{
    message: `'${f.word}'${where} is not a command in ${binSh}: the shell prints "${f.word}: not found" and exits 127${stops}; use '.' (the POSIX name of the same builtin)`,
    file: site?.file ?? entry.at.file,
    range: site?.range ?? entry.at.range,
    related: site ? related : related.slice(1),
    fixes: site ? [{ title: `Replace '${f.word}' with '.'`, edits: [{ file: site.file, range: site.range, newText: '.' }], isPreferred: true }] : [],
  }];
}

/**
 * The container's first word is a path (`/entrypoint.sh`, `./start`) that the image does not have: Docker cannot
 * start it ("exec /entrypoint.sh: no such file or directory"). Only where the absence is certain: a folder this
 * Dockerfile makes (WORKDIR, COPY), or the root for a file the build context has under that name (so it is the
 * project's, not the base image's), no RUN the model does not follow that may write it, and nothing uncertain there.
 * The fix copies the one build-context file of that name there.
 */
function absentProgram(c: Container): Draft[] {
  const entry = c.entry!;
  // Through the wrappers the entrypoint parser sees through (`/usr/bin/tini -- /srv/docker/entrypoint.sh`; study h5 U2: umap).
  const unwrapped = unwrapWrappers(entry.argv, entry.env).argv;
  const argv = unwrapped.length && unwrapped.every((v, i) => entry.argv[entry.argv.length - unwrapped.length + i] === v) ? unwrapped : entry.argv;
  const prog = argv[0];
  // System folders hold what the base image and installs put there (console scripts in /usr/local/bin), which the model does not list.
  if (!prog || !prog.includes('/') || /[$`*?[]/.test(prog) || /^\/(?:usr|bin|sbin|lib|lib64|etc|opt|var|proc|dev|sys|run|command|package)\//.test(prog)) return [];
  const file = normalize(prog.startsWith('/') ? prog : join(entry.cwd, prog));
  const tree = c.stage.tree;
  if (!c.stage.baseKnown || tree.stat(file) !== undefined || tree.isUncertain(file) || unmodelledWriter(c.stage, file, -1)) return [];
  const dir = dirname(file);
  // A bin folder (a virtualenv's, ~/.local/bin) gets the console scripts installs write, which the model does not list.
  if (/(?:^|\/)s?bin$/.test(dir)) return [];
  const base = file.slice(file.lastIndexOf('/') + 1);
  const made = tree.lookup(dir);
  const inContext = contextFilesNamed(c, base);
  // The folder is this Dockerfile's (WORKDIR, COPY); or, for a file the build context has, its nearest folder the image
  // has is (`CMD ["/srv/docker/start.sh"]` under `WORKDIR /srv`, docker/ never copied; study h5 R3).
  let up = dir;
  while (up !== '/' && !tree.lookup(up)) up = dirname(up);
  const nearest = tree.lookup(up);
  // A file a COPY of this Dockerfile put in that folder under a close name (`COPY entrypoint /` run as /entrypoint.sh;
  // study h9 Le3: lemur): on a base whose root folder holds no files of its own (the base-image table), the name is a typo.
  const plainRoot = dir === '/' && !!baseImageFacts(c.stage.rootBase ?? '')?.emptyRoot;
  const stem = (n: string) => n.replace(/\.(?:sh|bash|py)$/, '');
  const close = (tree.readDir(dir) ?? []).filter((n) => n !== base && tree.stat(join(dir, n)) === 'file' && !!tree.lookup(join(dir, n))?.origin.instr && (stem(n) === stem(base) || editDistance(n, base, 2) <= 2));
  const ours = (made?.kind === 'dir' && !!made.origin.instr) || (dir === '/' && inContext.length > 0) || (plainRoot && close.length === 1)
    || (inContext.length > 0 && up !== dir && up !== '/' && nearest?.kind === 'dir' && !!nearest.origin.instr && !tree.isUncertain(up));
  if (!ours) return [];
  const elsewhere = tree.walk('/', 20000).filter((p) => p.endsWith('/' + base) && p !== file);
  const typoPath = close.length === 1 && !elsewhere.length ? join(dir, close[0]) : undefined;
  const typo = typoPath && (prog.startsWith('/') ? typoPath : relativeTo(entry.cwd, typoPath, prog));
  const hint = elsewhere.length === 1 ? `; the image has it at ${elsewhere[0]}` : typo ? `; did you mean ${typo}?` : inContext.length ? `; the build context has ${inContext.slice(0, 3).join(', ')}, which no COPY puts there` : '';
  const from = inContext.length === 1 && !elsewhere.length && !typo && !entry.overridden && !/\s/.test(inContext[0]) ? inContext[0] : undefined;
  const { src, range } = wordOf(entry, entry.argv.length - argv.length);
  const at = { line: (src?.instr ?? entry.instr).line, character: 0 };
  const fixes: Fix[] = [];
  if (typo && range && src) fixes.push({ title: `Run ${typo}`, edits: [{ file: src.file, range, newText: src.instr?.json === false ? typo : JSON.stringify(typo) }], isPreferred: true });
  else if (from) fixes.push({ title: `Copy ${from} to ${file}`, edits: [{ file: c.target.dockerfile, range: { start: at, end: at }, newText: `COPY ${from} ${file}\n` }], isPreferred: true });
  return [{
    message: `${prog} is not in the image, so the container cannot start ("exec ${prog}: no such file or directory")${hint}`,
    file: src?.file ?? entry.at.file,
    range: range ?? entry.at.range,
    related: [],
    fixes,
  }];
}

/** `typo` (an image path) written the way `prog` was: relative to the working folder when prog was (`./start` -> `./start.sh`). */
function relativeTo(cwd: string, typo: string, prog: string): string {
  const rel = typo.startsWith(cwd === '/' ? '/' : cwd + '/') ? typo.slice(cwd === '/' ? 1 : cwd.length + 1) : typo;
  return prog.startsWith('./') && rel !== typo ? `./${rel}` : rel;
}

/** The Dockerfile word of the command's argument `i` (after wrappers): in the ENTRYPOINT's arguments, else the CMD's after them. */
function wordOf(entry: NonNullable<Container['entry']>, i: number): { src?: NonNullable<Container['entry']>['sources']['cmd']; range?: Range } {
  const ep = entry.sources.entrypoint?.instr ? entry.sources.entrypoint : undefined;
  const epLen = ep?.argRanges.length ?? 0;
  const src = ep && ep.argRanges[i] !== undefined ? ep : entry.sources.cmd?.argRanges[i - epLen] !== undefined ? entry.sources.cmd : undefined;
  return { src, range: src === ep ? ep?.argRanges[i] : src?.argRanges[i - epLen] };
}

/** Where the command's sources (ENTRYPOINT, then CMD, or their overrides) first write `word`: an exec-form element, or a word of a shell string. */
function firstWordNamed(entry: NonNullable<Container['entry']>, word: string): { src?: NonNullable<Container['entry']>['sources']['cmd']; range?: Range } {
  const re = new RegExp(`(?:^|[\\s;&|(])(${word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')})(?=$|[\\s;&|)])`);
  for (const src of [entry.sources.entrypoint, entry.sources.cmd]) {
    for (const r of src?.contentRanges ?? []) {
      if (!r || r.start.line !== r.end.line) continue;
      const text = (src!.lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
      const hit = re.exec(text);
      if (!hit) continue;
      const start = r.start.character + hit.index + hit[0].length - hit[1].length;
      return { src, range: { start: { line: r.start.line, character: start }, end: { line: r.start.line, character: start + word.length } } };
    }
  }
  return {};
}

/**
 * The container starts a versioned interpreter (`python3.9 app.py`) that the image does not have: the official python
 * images' slim and alpine variants have one Python, in /usr/local/bin as python, python3 and pythonX.Y of their tag, and
 * no Debian or Alpine python3 beside it, so Docker cannot start it ("python3.9": executable file not found in $PATH).
 * Only on such a base (the full variants ship Debian's python3 too, through buildpack-deps), with nothing of that name
 * on PATH in the image model and nothing uncertain there, and no RUN that names that Python (apt python3.9, deadsnakes,
 * `uv python install 3.9`, pyenv, conda, a symlink) or a tool that installs Pythons. The fix runs python3 instead.
 */
function absentInterpreter(c: Container): Draft[] {
  const entry = c.entry!;
  const prog = entry.ep.argv[0] ?? '';
  const m = /^(?:\/usr\/local\/bin\/|\/usr\/bin\/)?python(\d)\.(\d+)$/.exec(prog);
  const py = c.stage.python;
  const base = c.stage.rootBase ?? '';
  // The base image's own Python, and the table says it is the image's only one.
  if (!m || !py?.version || !py.how.startsWith('base image') || !c.stage.baseKnown || !baseImageFacts(base)?.soleInterpreter) return [];
  const wanted = `${m[1]}.${m[2]}`;
  if (wanted === py.version) return [];
  const name = `python${wanted}`;
  const dirs = searchedDirs(c, prog) ?? [];
  const tree = c.stage.tree;
  if (!dirs.length || dirs.some((d) => tree.stat(join(d, name)) !== undefined || tree.isUncertain(join(d, name)))) return [];
  const names = new RegExp(`python-?${m[1]}\\.${m[2]}\\b|(?:^|[\\s=])${m[1]}\\.${m[2]}(?![\\d])|\\b(?:uv\\s+python|pyenv|conda|mamba|micromamba|asdf|mise|deadsnakes|rye|pdm\\s+python|ln\\s)`);
  const runs = c.stage.runs.map((r) => r.commandText);
  if (runs.some((t) => names.test(t))) {
    const why = `entrypoint-target: ${name} is not reported missing: a RUN step may install or link it`;
    if (!c.quiet.includes(why)) c.quiet.push(why);
    return [];
  }
  const { src, range } = firstWordNamed(entry, prog);
  const file = src?.file ?? entry.at.file;
  const replacement = prog.includes('/') ? `${dirname(prog)}/python3` : 'python3';
  return [{
    message: `the container runs ${name}, but the image has no ${name}: ${base} has Python ${py.version} (python, python3 and python${py.version} in /usr/local/bin) and no other, so Docker cannot start it (${prog.includes('/') ? `"exec ${prog}: no such file or directory"` : `"${prog}": executable file not found in $PATH`})`,
    file,
    range: range ?? entry.at.range,
    related: py.instr && c.target.dockerfile ? [{ file: c.target.dockerfile, range: firstLineRange(py.instr, c.target.parsed.lines), message: `the base image ${base} has Python ${py.version}` }] : [],
    fixes: range ? [{ title: `Run ${replacement} (Python ${py.version})`, edits: [{ file, range, newText: replacement }], isPreferred: true }] : [],
  }];
}

/** The file is certainly not in the container; files of the same name in the build context and elsewhere in the image (for the hint). */
interface AbsentConfig {
  path: string;
  inContext: string[];
  inImage: string[];
}

/**
 * Whether the config file the container's server reads is certainly absent (uwsgi then exits at start), or why
 * that is not known: the file exists but is unreadable, the model is uncertain there, something the model does
 * not follow may write it first (a RUN, a script or shell before the server), or the base image is not known.
 */
function configAbsence(a: Analysis, c: Container): AbsentConfig | { why: string } | undefined {
  const cfg = c.ep?.unreadConfig;
  const entry = c.entry;
  if (!cfg?.imagePath || !entry) return undefined;
  const path = cfg.imagePath;
  const tree = c.stage.tree;
  const hit = tree.lookup(path);
  if (hit) {
    const by = hit.origin.instr;
    return { why: by ? `${a.rel(c.target.dockerfile)}:${by.line + 1} (${by.keyword} ${by.commandText}) puts it in the image, but its text is not known` : `${path} is in the image, but its text is not readable` };
  }
  // The bare image of a deployment that mounts the file (compose `./uwsgi.ini:/etc/uwsgi/app.ini`) is run that way.
  const given = c.runner.kind === 'image' ? containersOf(a, c.target).find((d) => d.runner.kind !== 'image' && d.stage.tree.stat(path) !== undefined) : undefined;
  if (given) return { why: `${given.runner.describe()} gives the container ${path} (a mount)` };
  if (!c.stage.baseKnown) return { why: `the base image ${c.stage.base} is not known: it may ship ${path}` };
  if (tree.isUncertain(path)) return { why: `the image model is uncertain at ${path} (an unknown base image, a COPY --from another image, or a mount may put it there)` };
  const run = unmodelledWriter(c.stage, path);
  if (run) return { why: `${a.rel(c.target.dockerfile)}:${run.instr.line + 1} (${run.instr.keyword} ${run.instr.commandText}) may create it` };
  if (entry.chain.length) return { why: `the command runs through ${entry.chain[0].file}, which may write it before the server starts` };
  // A shell string that does more than start the server (`envsubst < t > /etc/uwsgi.ini && uwsgi --ini ...`) may write it.
  const code = /(^|\/)(ba|da|a)?sh$/.test(entry.argv[0] ?? '') ? entry.argv[entry.argv.indexOf('-c') + 1] : undefined;
  if (code !== undefined && /[;&|<>\n`]|\$\(/.test(code)) return { why: `the shell command '${code}' may write it before the server starts` };
  const base = path.slice(path.lastIndexOf('/') + 1);
  const inContext = contextFilesNamed(c, base);
  const inImage = tree.walk('/', 20000).filter((p) => p.endsWith('/' + base));
  return { path, inContext, inImage };
}

/** COPY the one build-context file of that name to where the server reads it, before the command (written in the Dockerfile). */
function copyFix(c: RunningContainer, absent: AbsentConfig): Fix[] {
  const from = absent.inContext.length === 1 ? absent.inContext[0] : undefined;
  if (!from || c.entry.overridden || /\s/.test(from)) return [];
  const at = { line: c.entry.instr.line, character: 0 };
  return [{ title: `Copy ${from} to ${absent.path}`, edits: [{ file: c.target.dockerfile, range: { start: at, end: at }, newText: `COPY ${from} ${absent.path}\n` }], isPreferred: true }];
}

/**
 * The image has the entry module or script, but a mount that starts empty (an emptyDir no other container
 * of the pod writes, a tmpfs) covers it: reported at the mount, with where the image gets the file.
 */
function hiddenEntry(a: Analysis, ia: RunningContainer): Draft | undefined {
  if (!ia.mounts?.some((m) => m.empty)) return undefined;
  const ep = ia.entry.ep;
  let h: HiddenByMount | undefined;
  if (ep.script && !ia.entryResolution && !ia.entryFile) h = hiddenPath(ia, ep.script.startsWith('/') ? ep.script : join(ia.entry.cwd, ep.script));
  else if (ep.module && ia.entryResolution?.status === 'missing') h = hiddenByMount(ia, ep.module);
  if (!h?.mount.empty) return undefined;
  const related = chainLocations(a, ia, { chain: [] });
  if (h.instr) related.unshift({ file: ia.target.dockerfile, range: firstLineRange(h.instr, ia.target.parsed.lines), message: `the image gets ${h.path} here` });
  return {
    message: `${entryLabel(ia)}: the image has ${h.path}, but ${h.mount.describe} is mounted over ${h.mount.target}, which hides it: ${h.mount.empty}, so the container cannot load its entry`,
    file: h.mount.file,
    range: h.mount.range,
    related,
    fixes: [],
  };
}

/** Records for `--explain` why the rule stays quiet about the container's target. */
function quiet(c: Container, why: string): void {
  const line = `entrypoint-target: ${why}`;
  if (!c.quiet.includes(line)) c.quiet.push(line);
}

function checkTarget(a: Analysis, ia: RunningContainer, stayQuiet: (why: string) => void): Draft | undefined {
  const ep = ia.entry.ep;
  const label = entryLabel(ia);
  const target = ep.targetArg;
  // gunicorn's target from its config file's `wsgi_app`: reported, and fixed, there.
  const configFile = ep.kind === 'gunicorn' && ep.sources?.app === 'config' && ep.appConfigRange ? gunicornConfigSource(ia) : undefined;
  const rangeOf = (): Range => (configFile ? ep.appConfigRange! : target?.range ?? (ia.entry.overridden ? ia.entry.at.range : ia.entry.instr.keywordRange));
  // The command is written in the Dockerfile or in the manifest that overrides it.
  const commandFile = configFile ?? argFile(ia.entry, target)?.file ?? ia.entry.at.file;
  const retarget = (value: string, title: string): Fix[] => (configFile ? configRewrite(a, configFile, ep.appConfigRange!, value, title) : target ? rewrite(ia, target, value, title) : []);
  const relatedEntry = chainLocations(a, ia, { chain: [] });

  // AWS Lambda's base entrypoint given more than the handler (a shell-form CMD passes `/bin/sh -c HANDLER`): it exits.
  if (ep.kind === 'lambda' && ep.lambdaArgs) {
    const cmd = ia.entry.sources.cmd;
    const shell = ep.lambdaArgs.length === 3 && /(^|\/)sh$/.test(ep.lambdaArgs[0]) && ep.lambdaArgs[1] === '-c' && /^[\w./-]+$/.test(ep.lambdaArgs[2]);
    const fixes: Fix[] = [];
    if (shell && cmd?.instr && !cmd.instr.json && cmd.instr.line === cmd.instr.endLine) {
      const handler = ep.lambdaArgs[2];
      fixes.push({ title: `Write the CMD in exec form: CMD ["${handler}"]`, edits: [{ file: cmd.file, range: cmd.range, newText: `CMD ["${handler}"]` }], isPreferred: true });
    }
    return {
      message: `${ep.argv[0]} takes one argument, the handler, but ${shell ? 'the shell-form CMD passes it' : 'the command passes it'} ${ep.lambdaArgs.length} (${ep.lambdaArgs.join(' ')}): it exits at start ("entrypoint requires the handler name to be the first argument")${shell ? `; write CMD ["${ep.lambdaArgs[2]}"]` : ''}`,
      file: cmd?.file ?? ia.entry.at.file,
      range: cmd?.range ?? ia.entry.at.range,
      related: relatedEntry,
      fixes,
    };
  }

  // A command-line app given a subcommand it does not have exits with "No such command".
  const noSuch = noSuchCommand(a, ia);
  if (noSuch) return noSuch;
  // uvicorn without an app (no APP argument, UVICORN_APP unset) exits at once.
  if (ep.kind === 'uvicorn' && !ep.module && !ep.targetArg && !ep.argv.some((x) => x === '--help' || x === '--version')) {
    if (ia.hiddenEnv || Object.prototype.hasOwnProperty.call(ia.env, 'UVICORN_APP')) {
      stayQuiet(`uvicorn is given no APP argument, but UVICORN_APP ${ia.hiddenEnv ? 'may be set by what the model cannot see' : 'is set'}`);
      return undefined;
    }
    // Mounted in a CLI (`opsdesk server start`): at the command's name where the argv is written (the app argument goes after it).
    const named = ia.cli ? ia.cli.args[ia.cli.selection.restFrom - 1]?.ref : undefined;
    const at = named?.range ? argFile(ia.entry, named) : undefined;
    return {
      message: `${label}: uvicorn is given no application (no APP argument, and UVICORN_APP is not set), so it exits at once with "Error: Missing argument 'APP'"`,
      file: at?.file ?? commandFile,
      range: at && named?.range ? named.range : rangeOf(),
      related: relatedEntry,
      fixes: [],
    };
  }
  // python script.py: the file must be in the image.
  // A server's file target (uwsgi wsgi-file=PATH) is opened by path too: a missing file is judged as a file, not as a module an install may provide.
  if (ep.script && (!ia.entryResolution || (ep.kind === 'uwsgi' && ia.entryResolution.status === 'missing' && !ia.entryFile))) {
    if (ia.entryFile) return undefined;
    const file = ep.script.startsWith('/') ? ep.script : join(ia.entry.cwd, ep.script);
    if (ia.stage.tree.isUncertain(file)) {
      stayQuiet(`${file} is not in the image model, but the model is uncertain there (a RUN, an unknown base image or a COPY --from another image may put it there)`);
      return undefined;
    }
    const base = file.slice(file.lastIndexOf('/') + 1);
    const candidates = findInImage(ia, (p) => p.endsWith('/' + base));
    const hasSource = locateInContext(ia.target.model.context, base.replace(/\.py$/, ''), undefined) !== undefined || candidates.length > 0;
    let close: string[] = [];
    if (!hasSource) {
      // A script path is opened as a file: no install puts it on sys.path. In a folder this Dockerfile made
      // (WORKDIR, COPY) that no unfollowed RUN writes into, its absence is certain; a close name beside it is the likely intent.
      const dir = dirname(file);
      const made = ia.stage.tree.lookup(dir);
      const writer = made?.kind === 'dir' && made.origin.instr ? unmodelledWriter(ia.stage, file, -1) : undefined;
      if (made?.kind !== 'dir' || !made.origin.instr || writer) {
        stayQuiet(writer
          ? `${file} is not in the image and no file named ${base} is in the build context, but ${a.rel(ia.target.dockerfile)}:${writer.instr.line + 1} (RUN ${writer.command.length > 60 ? writer.command.slice(0, 57) + '...' : writer.command}) runs a program the model does not follow in ${writer.cwd}, which may write it`
          : `${file} is not in the image, but no file named ${base} is in the build context or the image, and ${dir} is not a folder this Dockerfile makes, so it is not known to be the project's`);
        return undefined;
      }
      close = (ia.stage.tree.readDir(dir) ?? []).filter((n) => n.endsWith('.py') && n !== base && ia.stage.tree.stat(join(dir, n)) === 'file' && editDistance(n, base, 2) <= 2).map((n) => join(dir, n));
    }
    const at = candidates.length === 1 ? candidates : close.length === 1 ? close : [];
    // A close name beside a relative path keeps the path's folder part (`proj/wsgy.py` -> `proj/wsgi.py`).
    const folder = ep.script.includes('/') ? ep.script.slice(0, ep.script.lastIndexOf('/') + 1) : '';
    const fixes: Fix[] = at.length === 1 ? retarget(ep.script.startsWith('/') || at !== close ? at[0] : folder + at[0].slice(dirname(file).length + 1), `Run ${at[0]}`) : [];
    return {
      message: `${label}: ${file} is not in the image${candidates.length === 1 ? `; the file is at ${candidates[0]}` : close.length === 1 ? `; did you mean ${close[0]}?` : ''}`,
      file: commandFile,
      range: rangeOf(),
      related: relatedEntry,
      fixes,
    };
  }
  if (!ep.module || !ia.entryResolution) return undefined;
  const shadowed = shadowedAtStartup(ia, ep.module);
  if (shadowed) {
    return {
      message: `${label}: '${ep.module}' cannot be imported: Python imports the standard library's module '${shadowed.top}' when it starts, so '${shadowed.top}' is that module, not the package ${shadowed.dir} (No module named '${ep.module}'; '${shadowed.top}' is not a package); rename the package`,
      file: commandFile,
      range: rangeOf(),
      related: relatedEntry,
      fixes: [],
    };
  }
  const r = ia.entryResolution;
  const moduleText = ep.module;
  const withModule = (m: string) => targetWithModule(ia, m);

  if (r.status === 'uncertain') return undefined;
  if (r.status === 'missing') {
    // celery -A pkg.name: `name` may be an attribute of pkg (Celery imports pkg, then looks the name up).
    if (ep.kind === 'celery' && !target?.value.includes(':') && celeryAttribute(a, ia, moduleText)) return undefined;
    // The COPY that would have put it on sys.path fails (its source is missing): the build stops there, one finding.
    const parts = moduleText.split('.');
    const failed = ia.entry.sysPath.map((d) => failedCopyAt(ia.stage, join(d, ...parts) + '.py') ?? failedCopyAt(ia.stage, join(d, parts[0]))).find((op) => op);
    if (failed) {
      stayQuiet(`module '${moduleText}' is not in the image because the COPY at ${a.rel(ia.target.dockerfile)}:${failed.instr.line + 1} that puts it there has a missing source (missing-copy-source reports it; the build stops there)`);
      return undefined;
    }
    const doubt: string[] = [];
    let why = certainlyMissing(a, ia, moduleText, r, doubt);
    const installed = why === undefined ? notInstalled(ia, moduleText) : undefined;
    if (installed) why = installed === 'complete' ? 'no file of that name and nothing the image installs provides it' : 'no file of that name, and going by the dependency data of the distribution table nothing the image installs provides it';
    // Only the installed set is unknown, and the name is one edit or two from a module beside where it is looked for: a typo.
    const typo = why === undefined && !doubt.length ? nearMissOnly(ia, moduleText) : undefined;
    if (typo) {
      return {
        severity: 'warning',
        message: `${label}: module '${moduleText}' is not in the image, but '${typo.module}' is (${typo.file}); did you mean '${typo.module}'? (Python looks in ${ia.entry.sysPath.join(', ')}; unless something the image installs provides '${moduleText}': ${typo.reason})`,
        file: commandFile,
        range: rangeOf(),
        related: relatedEntry,
        fixes: retarget(withModule(typo.module), `Change the target to ${withModule(typo.module)}`),
      };
    }
    if (why === undefined) {
      stayQuiet(doubt.length
        ? `module '${moduleText}' is not in the image, but it is not known to be missing: ${doubt[0]}`
        : `module '${moduleText}' is not in the image, but it is not known to be missing: no source for it in the build context, and an install, a RUN or an uncertain folder may provide it`);
      return undefined;
    }
    // Suggestions come from what exists: the same file name anywhere importable, or a close name beside it.
    const leaf = moduleText.split('.').pop()!;
    const sameName = importableNames(ia, leaf).filter((m) => m !== moduleText);
    const candidates = sameName.length ? sameName : closeSiblings(ia, moduleText);
    const fixes: Fix[] = candidates.length === 1 ? retarget(withModule(candidates[0]), `Change the target to ${withModule(candidates[0])}`) : [];
    let hint = candidates.length === 1 ? (sameName.length ? `; the file is importable as '${candidates[0]}'` : `; did you mean '${candidates[0]}'?`) : '';
    const inCwd = !hint && ep.kind === 'lambda' && ep.safePath ? moduleIn(ia, ia.entry.cwd, moduleText) : undefined;
    if (inCwd) hint = `; it is at ${inCwd}, but the Lambda runtime imports the handler from LAMBDA_TASK_ROOT (${ep.pythonPath[0]}), not from the working folder: copy the code there, or add ${ia.entry.cwd} to PYTHONPATH`;
    return {
      message: `${label}: module '${moduleText}' is not in the image (${why ? why + '; ' : ''}Python looks in ${ia.entry.sysPath.join(', ')})${hint}`,
      file: commandFile,
      range: rangeOf(),
      related: relatedEntry,
      fixes,
      ...(installed === 'dependency-data' ? { severity: 'warning' as const } : {}),
    };
  }
  if (ep.kind === 'celery' && !target?.value.includes(':') && r.kind !== 'namespace') {
    const d = celeryApp(a, ia, r, label, { file: commandFile, range: rangeOf() }, relatedEntry);
    if (d) return d;
  }

  // The module loads but its own code imports its siblings from the package of the same name (`coordinator:app` importing
  // `coordinator.player_loader`): one problem, owned by missing-module, whose fix copies the package and rewrites this target.
  if (r.kind === 'module' && ia.entryFile && ia.closure?.unresolved.some((u) => u.importer === ia.entryFile && u.reason === 'not-a-package' && u.failedAt.split('.').slice(0, -1).join('.') === moduleText)) return undefined;

  // The module loads, but its relative imports say it lives in a package: name it by its package path.
  if (r.kind === 'module' && ia.entryFile && ia.closure) {
    const rel = ia.closure.unresolved.find((u) => u.importer === ia.entryFile && u.reason === 'no-parent-package' && u.import.guard === 'none');
    const src = sourceOf(ia.stage, ia.entryFile);
    if (rel && src) {
      const { module: intended, root } = packagePath(ia.stage, ia.entryFile);
      if (intended !== moduleText && intended.includes('.')) {
        const onPath = ia.entry.sysPath.includes(root);
        const fixes: Fix[] = onPath ? retarget(withModule(intended), `Change the target to ${withModule(intended)}`) : [];
        return {
          message: `${label} loads ${ia.entryFile} as the top-level module '${moduleText}', so its relative import '${rel.dotted}' fails: its module path is '${intended}'${onPath ? '' : ` (with ${root} on sys.path)`}`,
          file: commandFile,
          range: rangeOf(),
          related: [...relatedEntry, { file: src, range: rel.import.range, message: `${a.rel(src)} imports ${rel.dotted}` }],
          fixes,
        };
      }
    }
  }

  // The callable.
  if (!ep.callable || ep.kind === 'python-module' || ep.kind === 'celery') return undefined;
  const info = r.file?.endsWith('.py') ? parseImageFile(a, ia.stage, r.file) : undefined;
  if (r.file && !info) {
    stayQuiet(`${r.file} is not Python source the model can read (compiled, or not readable), so '${ep.callable}' is not checked`);
    return undefined;
  }
  if (info && !info.topLevelNames.includes(ep.callable) && (info.hasStarImport || info.hasModuleGetattr)) {
    stayQuiet(`'${ep.callable}' is not defined at the top level of ${r.file}, but ${info.hasStarImport ? 'a star import (from ... import *)' : 'a module __getattr__'} there may provide it`);
    return undefined;
  }
  if (info && info.topLevelNames.includes(ep.callable)) return undefined;
  // A file that does not compile stops the import first: python-syntax-error reports that, and its names are not reliable.
  if (info && info.syntaxErrors.length) {
    stayQuiet(`'${ep.callable}' is not checked in ${r.file}: the file has a syntax error (python-syntax-error)`);
    return undefined;
  }
  if (info && submoduleExists(ia, moduleText, ep.callable)) return undefined;
  // Suggest: a module below a namespace package that defines it, or an app object defined in this module.
  const fixes: Fix[] = [];
  let hint = '';
  if (!info || r.kind === 'namespace') {
    const defs = (r.searchPath ?? []).flatMap((dir) => (ia.stage.tree.readDir(dir) ?? []).filter((n) => n.endsWith('.py')).map((n) => join(dir, n)))
      .filter((f) => parseImageFile(a, ia.stage, f)?.topLevelNames.includes(ep.callable!));
    if (defs.length === 1) {
      const m = moduleText + '.' + defs[0].slice(defs[0].lastIndexOf('/') + 1, -3);
      hint = `; '${ep.callable}' is defined in ${defs[0]} ('${withModule(m)}')`;
      fixes.push(...retarget(withModule(m), `Change the target to ${withModule(m)}`));
    }
  } else {
    const apps = appObjects(info);
    if (apps.length === 1) {
      const t = `${moduleText}:${apps[0]}`;
      hint = `; it defines '${apps[0]}'`;
      fixes.push(...retarget(t, `Change the target to ${t}`));
    }
  }
  const where = r.kind === 'namespace' ? `the folder ${r.searchPath?.[0] ?? moduleText} (a namespace package with no code)` : r.file;
  return {
    message: `${label}: '${ep.callable}' is not defined in ${where}${hint}`,
    file: commandFile,
    range: rangeOf(),
    related: relatedEntry,
    fixes,
  };
}

/**
 * The argv names a subcommand the CLI (click, typer, argparse) does not have, and every command of that group
 * is known (no dynamic add_command, plugins or custom group class): the program exits with click's
 * "No such command" (argparse: "invalid choice"). The fix is the one close name.
 */
function noSuchCommand(a: Analysis, ia: RunningContainer): Draft | undefined {
  const cli = ia.cli;
  const n = cli?.selection.noSuchCommand;
  if (!cli || !n?.certain) return undefined;
  const arg = cli.args[n.index];
  const group = cli.selection.path;
  const names = n.group.children.flatMap((c) => [c.name, ...c.aliases]);
  const exit = n.group.framework === 'argparse' ? `"invalid choice: '${n.name}'"` : `"No such command '${n.name}'"`;
  const at = argFile(ia.entry, arg?.ref);
  const hint = n.suggestion ? `; did you mean '${n.suggestion}'?` : names.length ? ` (its commands: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})` : '';
  const edit = n.suggestion && arg?.ref.range ? replaceCommandArg(ia.entry, arg.ref, n.suggestion) : undefined;
  const where = group.length > 1 ? `the group '${group.slice(1).map((c) => c.name).join(' ')}'` : `${cli.label}`;
  return {
    message: `${cli.label} ${n.name}: ${where} has no command '${n.name}', so it exits with ${exit}${hint}`,
    file: at?.file ?? ia.entry.at.file,
    range: arg?.ref.range ?? (ia.entry.overridden ? ia.entry.at.range : ia.entry.instr.keywordRange),
    related: [...chainLocations(a, ia, { chain: [] }), ...groupLocation(ia, n.group)],
    fixes: edit ? [{ title: `Run '${n.suggestion}'`, edits: [edit], isPreferred: true }] : [],
  };
}

/**
 * The server the container starts from code imports an app by string (`uvicorn.run("pkg.main:app")`, reached from a
 * script's __main__, a console script's function or its CLI subcommand): that module and attribute must exist on the
 * process's sys.path. Reported at the string, with the fix there.
 */
function codeTarget(a: Analysis, ia: RunningContainer, stayQuiet: (why: string) => void): Draft | undefined {
  const starts = codeServerStarts(ia).filter((s) => s.target);
  if (starts.length !== 1) return undefined;
  const start = starts[0];
  const t = start.target!;
  const src = sourceOf(ia.stage, start.file);
  if (!src) return undefined;
  const what = `${start.label} in ${a.rel(src)}:${start.call.range.start.line + 1}`;
  if (start.appDir) {
    stayQuiet(`${what} imports '${t.value}' with app_dir set: where it looks first is not modelled`);
    return undefined;
  }
  const parsed = parseAppTarget(t.value);
  const label0 = `${entryLabel(ia)} runs ${start.label.replace(/\(\)$/, '')}(${t.quote}${t.value}${t.quote})`;
  if (parsed.callable === undefined && /^[A-Za-z_][\w.]*$/.test(t.value)) {
    return {
      message: `${label0}, but '${t.value}' is not '<module>:<attribute>': uvicorn exits with 'Import string "${t.value}" must be in format "<module>:<attribute>".'`,
      file: src, range: t.range, related: [{ file: ia.entry.at.file, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }], fixes: [],
    };
  }
  if (!parsed.module || !/^[A-Za-z_][\w.]*$/.test(parsed.module) || (parsed.callable !== undefined && !/^[A-Za-z_]\w*$/.test(parsed.callable))) return undefined;
  const module = parsed.module;
  const label = label0;
  const related = [{ file: ia.entry.at.file, range: ia.entry.at.range, message: `the container runs ${entryLabel(ia)}` }];
  const rewriteTo = (value: string, title: string): Fix[] => [{ title, edits: [{ file: src, range: t.range, newText: `${t.quote}${value}${t.quote}` }], isPreferred: true }];
  const r = resolveModule(ia.view, ia.entry.sysPath, module);
  if (r.status === 'uncertain') {
    stayQuiet(`${what} imports '${t.value}': where '${module}' comes from is uncertain in the image model`);
    return undefined;
  }
  const callable = parsed.callable!;
  const withModule = (m: string) => `${m}:${callable}`;
  if (r.status === 'missing') {
    let why = certainlyMissing(a, ia, module, r);
    const installed = why === undefined ? notInstalled(ia, module) : undefined;
    if (installed) why = installed === 'complete' ? 'no file of that name and nothing the image installs provides it' : 'no file of that name, and going by the dependency data of the distribution table nothing the image installs provides it';
    if (why === undefined) {
      stayQuiet(`${what} imports '${t.value}': module '${module}' is not in the image, but it is not known to be missing (no source for it in the build context, and an install, a RUN or an uncertain folder may provide it)`);
      return undefined;
    }
    const leaf = module.split('.').pop()!;
    const sameName = importableNames(ia, leaf).filter((m) => m !== module);
    const candidates = sameName.length ? sameName : closeSiblings(ia, module);
    let hint = candidates.length === 1 ? (sameName.length ? `; the file is importable as '${candidates[0]}'` : `; did you mean '${candidates[0]}'?`) : '';
    let fixTo = candidates.length === 1 ? withModule(candidates[0]) : undefined;
    // Else: the one module beside it that defines the attribute (`pagerdesk.api` defines `app`).
    const parent = r.resolvedPrefix && module.startsWith(r.resolvedPrefix + '.') && module.split('.').length === r.resolvedPrefix.split('.').length + 1 ? resolveModule(ia.view, ia.entry.sysPath, r.resolvedPrefix) : undefined;
    if (!fixTo && parent?.status === 'found' && parent.kind === 'package' && parent.file) {
      const dir = dirname(parent.file);
      const defs = (ia.stage.tree.readDir(dir) ?? []).filter((n) => /^[A-Za-z_]\w*\.py$/.test(n) && n !== '__init__.py' && n !== '__main__.py')
        .filter((n) => parseImageFile(a, ia.stage, join(dir, n))?.topLevelNames.includes(callable));
      if (defs.length === 1) {
        fixTo = withModule(`${r.resolvedPrefix}.${defs[0].slice(0, -3)}`);
        hint = `; '${callable}' is defined in ${join(dir, defs[0])} ('${fixTo}')`;
      }
    }
    return {
      message: `${label}, but module '${module}' is not in the image (${why ? why + '; ' : ''}Python looks in ${ia.entry.sysPath.join(', ')})${hint}`,
      file: src, range: t.range, related,
      fixes: fixTo ? rewriteTo(fixTo, `Change the target to ${fixTo}`) : [],
      ...(installed === 'dependency-data' ? { severity: 'warning' as const } : {}),
    };
  }
  if (r.kind !== 'module' && r.kind !== 'package') return undefined;
  const info = r.file?.endsWith('.py') ? parseImageFile(a, ia.stage, r.file) : undefined;
  if (!info) {
    stayQuiet(`${what} imports '${t.value}': ${r.file ?? module} is not Python source the model can read`);
    return undefined;
  }
  if (info.topLevelNames.includes(callable)) return undefined;
  if (info.hasStarImport || info.hasModuleGetattr) {
    stayQuiet(`${what} imports '${t.value}': '${callable}' is not defined at the top level of ${r.file}, but ${info.hasStarImport ? 'a star import' : 'a module __getattr__'} there may provide it`);
    return undefined;
  }
  if (submoduleExists(ia, module, callable)) return undefined;
  const apps = appObjects(info);
  return {
    message: `${label}, but '${callable}' is not defined in ${r.file}${apps.length === 1 ? `; it defines '${apps[0]}'` : ''}`,
    file: src, range: t.range, related,
    fixes: apps.length === 1 ? rewriteTo(`${module}:${apps[0]}`, `Change the target to ${module}:${apps[0]}`) : [],
  };
}

/** Where the group's commands are declared, in the build-context file the image got it from. */
function groupLocation(ia: ImportAnalysis, g: CliCommand): Draft['related'] {
  const src = sourceOf(ia.stage, g.file);
  const kind = g.framework === 'typer' ? 'typer app' : g.framework === 'argparse' ? 'argparse parser' : g.group ? 'click group' : 'click command';
  return src ? [{ file: src, range: g.range, message: `the ${kind} whose commands are read here` }] : [];
}

/**
 * Why a module that does not resolve certainly fails ('' when the name alone says it), or undefined when it might exist after all.
 * Certain: its parent is a regular local package in the image (an `__init__.py` a COPY put there)
 * with no compiled sibling of that name, nothing uncertain in its folder and no RUN the model
 * does not follow that may write there; or its top-level name is local (its source is in the
 * workspace) and not provided by an installed distribution.
 */
function certainlyMissing(a: Analysis, ia: ImportAnalysis, dotted: string, r: Extract<Resolution, { status: 'missing' }>, doubt: string[] = []): string | undefined {
  const stage = ia.stage;
  if (r.resolvedPrefix) {
    const parent = resolveModule(ia.view, ia.entry.sysPath, r.resolvedPrefix);
    if (parent.status !== 'found' || !parent.file || !copied(ia, parent.file)) return undefined;
    if (r.notAPackage !== undefined) return parent.kind === 'module' ? `'${r.resolvedPrefix}' is the module ${parent.file}, not a package` : undefined;
    if (parent.kind !== 'package') return undefined;
    const dir = dirname(parent.file);
    const name = r.failedAt.slice(r.resolvedPrefix.length + 1);
    const compiled = (stage.tree.readDir(dir) ?? []).some((n) => n.startsWith(name + '.') && /\.(so|pyd|pyc)$/.test(n));
    const writer = compiled || stage.tree.isUncertain(dir) ? undefined : unmodelledWriter(stage, dir, -1, { module: true });
    if (compiled) doubt.push(`the package '${r.resolvedPrefix}' (${dir}) has a compiled module of that name`);
    else if (stage.tree.isUncertain(dir)) doubt.push(`the model is uncertain about the folder ${dir} of the package '${r.resolvedPrefix}'`);
    else if (writer) doubt.push(`the package '${r.resolvedPrefix}' (${dir}) has no such file, but ${a.rel(ia.target.dockerfile)}:${writer.instr.line + 1} (RUN ${writer.command.length > 60 ? writer.command.slice(0, 57) + '...' : writer.command}) runs a program the model does not follow in ${writer.cwd}, which may write it`);
    if (compiled || stage.tree.isUncertain(dir) || writer) return undefined;
    return `the package '${r.resolvedPrefix}' (${dir}) has no module '${name}'`;
  }
  if (isNeverLocal(ia, dotted)) return undefined;
  const hit = locateSource(a, ia.target.model.context, r.failedAt, undefined, false) ?? (dotted !== r.failedAt ? locateSource(a, ia.target.model.context, dotted, undefined, false) : undefined);
  // A bare name that the image has inside a package (`api` for /app/app/api.py) is that module, mis-addressed.
  return hit || (!dotted.includes('.') && importableNames(ia, dotted).length) ? '' : undefined;
}

/**
 * A top-level target module (`gunicorn mian:app`) with no source anywhere is still certainly missing
 * when the image's installs are known and provide no such name, and nothing uncertain or unmodelled
 * may have put it on sys.path: how sure ('complete' for a locked set), or undefined.
 */
function notInstalled(ia: ImportAnalysis, dotted: string): InstallSet['status'] | undefined {
  if (dotted.includes('.') || !/^[A-Za-z_]\w*$/.test(dotted)) return undefined;
  const set = installSet(ia.stage);
  if (set.status === 'unknown' || set.importNames.has(dotted) || mayProvide(set, dotted) || mayBeWritten(ia, dotted)) return undefined;
  return set.status;
}

/** Something the model does not follow (an uncertain folder, a RUN it does not read) may put module `dotted` where Python looks. */
function mayBeWritten(ia: ImportAnalysis, dotted: string): boolean {
  return ia.entry.sysPath.some((dir) => [dir, join(dir, dotted), join(dir, `${dotted}.py`)].some((p) => ia.stage.tree.isUncertain(p))
    || !!unmodelledWriter(ia.stage, join(dir, `${dotted}.py`), -1, { module: true }) || !!unmodelledWriter(ia.stage, join(dir, dotted), -1, { module: true }));
}

/** The build context's files named `base`, anywhere in it. */
function contextFilesNamed(c: Container, base: string): string[] {
  return c.target.model.context.entries().filter((e) => !e.dir && (e.path === base || e.path.endsWith('/' + base))).map((e) => e.path);
}

/**
 * A top-level target module that is not in the image where only the installed set is unknown (a requirement the table
 * cannot close over), when exactly one module or package a COPY put beside where Python looks is one or two edits from
 * it (`mian` for `main`), no distribution the model cannot read is named like it, and nothing uncertain or unfollowed may
 * write it there: the likely case is a typo (a warning, since an install could still provide the name).
 */
function nearMissOnly(ia: ImportAnalysis, dotted: string): { module: string; file: string; reason: string } | undefined {
  if (dotted.includes('.') || !/^[A-Za-z_]\w*$/.test(dotted) || dotted.length < 3) return undefined;
  const set = installSet(ia.stage);
  if (set.status !== 'unknown' || set.importNames.has(dotted) || mayProvide(set, dotted) || !set.reason || mayBeWritten(ia, dotted)) return undefined;
  const close = closeSiblings(ia, dotted);
  if (close.length !== 1) return undefined;
  const r = resolveModule(ia.view, ia.entry.sysPath, close[0]);
  if (r.status !== 'found' || !r.file || !copied(ia, r.file)) return undefined;
  return { module: close[0], file: r.file, reason: set.reason };
}

/**
 * A target inside a package of the image named like a plain module CPython imported before the container's code
 * runs (`python -m site.serve`, `gunicorn os.web:app`): sys.modules already holds the standard library's module,
 * so the package never loads. `python -S` skips `site` and what it imports.
 */
function shadowedAtStartup(ia: ImportAnalysis, dotted: string): { top: string; dir: string } | undefined {
  const top = dotted.split('.')[0];
  const ep = ia.entry.ep;
  const m = ep.kind === 'python-module' ? ep.argv.indexOf('-m') : -1;
  const noSite = ep.argv.slice(1, m < 0 ? 1 : m).some((a) => /^-[A-Za-z]*S/.test(a));
  if (!dotted.includes('.') || !importedAtStartup(top, noSite)) return undefined;
  const r = resolveModule(ia.view, ia.entry.sysPath, top);
  if (r.status !== 'found' || r.kind === 'module') return undefined;
  const dir = r.file ? dirname(r.file) : r.searchPath?.[0];
  return dir ? { top, dir } : undefined;
}

/** An image file that a COPY (or a heredoc) put there. */
function copied(ia: ImportAnalysis, file: string): boolean {
  const hit = ia.stage.tree.lookup(file);
  return hit?.source !== undefined || hit?.content !== undefined;
}

/** Modules beside the missing one whose names are one or two edits away (`pkg.mian` -> `pkg.main`), the closest ones only (`wsgy`: `wsgi`, not also `asgi`). */
function closeSiblings(ia: ImportAnalysis, dotted: string): string[] {
  const parts = dotted.split('.');
  const leaf = parts.pop()!;
  const parent = parts.join('.');
  const dirs = parent ? (() => {
    const p = resolveModule(ia.view, ia.entry.sysPath, parent);
    return p.status === 'found' ? p.searchPath ?? [] : [];
  })() : ia.entry.sysPath;
  const out: { m: string; d: number }[] = [];
  for (const dir of dirs) {
    for (const n of ia.stage.tree.readDir(dir) ?? []) {
      const name = n.endsWith('.py') ? n.slice(0, -3) : ia.stage.tree.stat(join(dir, n)) === 'dir' ? n : undefined;
      const d = name === undefined ? 3 : editDistance(name, leaf, 2);
      if (!name || name === leaf || !/^[A-Za-z_]\w*$/.test(name) || d > 2) continue;
      const m = parent ? `${parent}.${name}` : name;
      if (!out.some((o) => o.m === m) && resolveModule(ia.view, ia.entry.sysPath, m).status === 'found') out.push({ m, d });
    }
  }
  const best = Math.min(...out.map((o) => o.d));
  return out.filter((o) => o.d === best).map((o) => o.m);
}

/** celery -A `pkg.name`: Celery imports `pkg` and takes its attribute `name` before trying the module `pkg.name`. */
function celeryAttribute(a: Analysis, ia: ImportAnalysis, dotted: string): boolean {
  const dot = dotted.lastIndexOf('.');
  if (dot < 0) return false;
  const parent = resolveModule(ia.view, ia.entry.sysPath, dotted.slice(0, dot));
  if (parent.status !== 'found') return false;
  const info = parent.file?.endsWith('.py') ? parseImageFile(a, ia.stage, parent.file) : undefined;
  if (!info) return parent.kind !== 'namespace';
  return info.hasStarImport || info.hasModuleGetattr || info.topLevelNames.includes(dotted.slice(dot + 1));
}

/**
 * celery -A `proj` names a module: Celery then takes `proj.app`, `proj.celery`, the submodule
 * `proj.celery`, or any Celery instance among the module's names. Reported only when none of
 * these can be: no such name, no such submodule, no `Celery(...)` call, and no from-import or
 * star import that could bind an instance under another name.
 */
function celeryApp(a: Analysis, ia: ImportAnalysis, r: Extract<Resolution, { status: 'found' }>, label: string, at: { file: string; range: Range }, related: Draft['related']): Draft | undefined {
  const info = r.file?.endsWith('.py') ? parseImageFile(a, ia.stage, r.file) : undefined;
  if (!info || info.hasStarImport || info.hasModuleGetattr) return undefined;
  if (info.topLevelNames.includes('app') || info.topLevelNames.includes('celery')) return undefined;
  if (info.calls.some((c) => /(^|\.)Celery$/.test(c.callee)) || info.imports.some((i) => i.kind === 'from' && i.scope === 'module')) return undefined;
  const sub = resolveModule(ia.view, ia.entry.sysPath, `${ia.entry.ep.module}.celery`);
  if (sub.status !== 'missing' || r.kind !== 'package' && r.kind !== 'module') return undefined;
  if (r.kind === 'package' && (ia.stage.tree.isUncertain(dirname(r.file!)) || unmodelledWriter(ia.stage, dirname(r.file!), -1, { module: true }))) return undefined;
  return {
    message: `${label}: ${r.file} defines no Celery app (Celery looks for 'app', 'celery'${r.kind === 'package' ? `, the module '${ia.entry.ep.module}.celery'` : ''} or a Celery instance in the module)`,
    file: at.file,
    range: at.range,
    related,
    fixes: [],
  };
}

function submoduleExists(ia: ImportAnalysis, module: string, name: string): boolean {
  return resolveModule(ia.view, ia.entry.sysPath, `${module}.${name}`).status === 'found';
}

/** Conventional application names the module defines at top level. */
function appObjects(info: PyFileInfo): string[] {
  return ['app', 'application', 'api', 'server'].filter((n) => info.topLevelNames.includes(n));
}

/** Dotted names under which an image file named `<leaf>.py` (or package `<leaf>/`) is importable from sys.path. */
function importableNames(ia: ImportAnalysis, leaf: string): string[] {
  const out: string[] = [];
  for (const root of ia.entry.sysPath) {
    for (const f of ia.stage.tree.walk(root, 5000)) {
      const rel = relativeInside(root, f);
      if (!rel || !/\.py$/.test(rel)) continue;
      const parts = rel.replace(/\.py$/, '').split('/');
      if (parts[parts.length - 1] === '__init__') parts.pop();
      if (parts[parts.length - 1] !== leaf || parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) continue;
      const dotted = parts.join('.');
      if (resolveModule(ia.view, ia.entry.sysPath, dotted).status === 'found' && !out.includes(dotted)) out.push(dotted);
    }
  }
  return out;
}

function findInImage(ia: ImportAnalysis, pred: (p: string) => boolean): string[] {
  return ia.stage.tree.walk('/', 20000).filter(pred);
}

/** The fix replacing the target argument, keeping its quoting; none when the source text is not the parsed argument. */
/** Replaces a quoted string literal at `range` of a config file (gunicorn's `wsgi_app = "pkg.web:app"`), keeping its quotes. */
function configRewrite(a: Analysis, file: string, range: Range, value: string, title: string): Fix[] {
  if (range.start.line !== range.end.line) return [];
  const written = a.text(file)?.split('\n')[range.start.line]?.slice(range.start.character, range.end.character);
  const q = written === undefined ? undefined : /^(['"])[^'"\\{}]*\1$/.exec(written)?.[1];
  if (!q || /['"\\]/.test(value)) return [];
  return [{ title, edits: [{ file, range, newText: q + value + q }], isPreferred: true }];
}

function rewrite(ia: ImportAnalysis, target: ArgRef, value: string, title: string): Fix[] {
  const edit = replaceCommandArg(ia.entry, target, value);
  return edit ? [{ title, edits: [edit], isPreferred: true }] : [];
}

/** The file or package `module` names below `dir` in the image, if there is one. */
function moduleIn(ia: ImportAnalysis, dir: string, module: string): string | undefined {
  const p = join(dir, ...module.split('.'));
  if (ia.stage.tree.stat(p + '.py') === 'file') return p + '.py';
  if (ia.stage.tree.stat(join(p, '__init__.py')) === 'file') return p;
  return undefined;
}
