// python-version-mismatch: the closure uses syntax or standard-library modules that the container's Python does not have (or no longer has).
import type { Analysis } from '../analysis';
import type { Instruction } from '../docker/parse';
import { withDependencies } from '../packages/names';
import { compareVersions } from '../python/features';
import type { PyFileInfo, PyImport } from '../python/parser';
import { chainTo, type ClosureFile } from '../python/closure';
import { resolveModule } from '../python/resolver';
import { STDLIB_ADDED, STDLIB_REMOVED } from '../python/stdlib-versions';
import type { PythonEnv } from '../docker/installs';
import { containerPython, entryLabel, installerPython, perContainer, running, type RunningContainer } from '../runtime';
import type { Fix, Location, Range } from '../types';
import { dirname } from '../fs';
import { chainLocations, fallbackNotRun, sourceOf } from './python-common';
import type { Draft, Rule } from './rule';

/** What one file needs: Python >= `min` (a feature or a module added then) or < `below` (a module removed then). */
interface Need {
  key: string;
  /** After `Python 3.9 `: `cannot run ...`, `has no module ...`. */
  what: string;
  min?: string;
  below?: string;
  range: Range;
  more: number;
  /** For a project's declared Python: the install step (`pip install`) that checks it. */
  install?: string;
  /** The Python that install step runs under, when it is not the container's (a virtualenv's pip). */
  version?: string;
}

export const rule: Rule = {
  id: 'python-version-mismatch',
  meta: {
    description: 'The code the container runs uses syntax or standard-library modules that the image\'s Python does not have (or no longer has).',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'Python compiles each module when it is imported: a `match` statement on Python 3.9, `import tomllib` on 3.10 or `import distutils` on 3.12 stops the server at start, although the image builds. The version comes from the base image tag; the fix moves the tag to the lowest version that runs the code (keeping the variant, `-slim`). Syntax is checked even under `sys.version_info` checks (the whole file is compiled first); a module import under such a check, or in `try/except ImportError`, is not reported. Annotations count where Python evaluates them at import: `def read(q: str | None = None)` at module or class level, or a class attribute `tags: list[str] | None`, raises TypeError on 3.9 (`X | Y` needs 3.10, `list[int]` 3.9); local variable annotations, defs nested in functions, string annotations and modules with `from __future__ import annotations` are not reported (an alias `Maybe = str | None` is evaluated regardless), except where pydantic evaluates the strings itself at import: fields of a pydantic model class and the parameters of a FastAPI route function, unless the image installs eval_type_backport.',
      bad: '# Dockerfile\nFROM python:3.9-slim\nCOPY app.py .\nCMD ["python", "app.py"]\n\n# app.py\nmatch command:\n    case "start":\n        start()',
      good: '# Dockerfile\nFROM python:3.10-slim\nCOPY app.py .\nCMD ["python", "app.py"]',
    },
  },
  check(a: Analysis): Draft[] {
    return perContainer(running(a), (c) => checkContainer(a, c));
  },
};

/** Versions below and above every table entry: with them the need functions list every requirement. */
const ANY_OLD = '3.0';
const ANY_NEW = '3.999';

interface PerFileNeeds {
  file: string;
  src: string;
  needs: Need[];
  at?: Location[];
}

/** Per closure object: the needs of its files, with what they were computed against (see checkContainer). */
const closureNeeds = new WeakMap<object, { key: string; tree: unknown; perFile: PerFileNeeds[]; all: Need[] }>();

function checkContainer(a: Analysis, c: RunningContainer): Draft[] {
  // The interpreter the container runs: a virtualenv first on PATH (or named by the command) has its own Python.
  const chosen = containerPython(c);
  const foreign = chosen && foreignVenv(c, chosen.env, chosen.why);
  if (foreign) return [foreign];
  if (chosen?.env.venv && !chosen.env.version) {
    c.quiet.push(`python-version-mismatch: the container runs the virtualenv ${chosen.env.venv} (${chosen.why}), whose Python version is not known`);
    return [];
  }
  let py: PythonEnv | undefined = chosen?.env ?? c.stage.python;
  // `python3.10 main.py`: whatever provides it, that name runs a 3.10 interpreter (or is not found).
  const named = /^python(3\.\d+)$/.exec((c.entry.ep.interpreter ?? c.entry.ep.argv[0] ?? '').split('/').pop() ?? '')?.[1];
  if (named && !py?.version) py = { ...py, version: named, how: `the command runs python${named}` };
  const version = py?.version;
  if (!version || !/^3\.\d+$/.test(version)) {
    c.quiet.push(version && /^2(?:\.|$)/.test(version)
      ? `python-version-mismatch: the container runs Python ${version} (${py!.how}); the version tables cover Python 3 only`
      : `python-version-mismatch: the Python version the container runs is not known (${py?.how ?? `base image ${c.stage.base}`})`);
    return [];
  }
  // Without a closure (a command the model cannot follow) the build still runs its installs: their Python checks hold.
  const closure = c.closure;
  const backports = installedNames(c);
  // pydantic evaluates new annotation syntax on old Pythons with eval_type_backport when it is installed (pydantic#8209).
  const evaluable = (n: Need) => !(n.key.startsWith('library-') && backports.has('eval-type-backport'));
  // The closure's needs are a function of the closure, the image's files, the version, sys.path and what
  // is installed: kept per closure object (the closure cache hands the same one back while its inputs hold),
  // so a Dockerfile edit that changes none of them does not walk the closure's files again.
  const memoKey = `${version}\0${c.sysPath.join(':')}\0${c.stage.installsUnknown ? 1 : 0}\0${[...backports].sort().join(',')}`;
  const kept = c.mounts?.length || !closure ? undefined : closureNeeds.get(closure);
  let perFile: PerFileNeeds[];
  let all: Need[];
  if (kept && kept.key === memoKey && kept.tree === c.stage.tree) {
    a.trace('version-needs-kept');
    perFile = [...kept.perFile];
    all = [...kept.all];
  } else {
    perFile = [];
    // Every requirement of the closure, met or not: the fix's tag must keep meeting those that are met.
    all = [];
    const files = closure?.files ?? new Map<string, ClosureFile>();
    const underVersionCheck = versionCheckedChains(files);
    for (const [file, cf] of files) {
      const src = sourceOf(c.stage, file);
      // A file that does not parse is python-syntax-error's: its tree says nothing reliable.
      if (!src || cf.info.syntaxErrors.length) continue;
      // Loaded only under a version check (`if sys.version_info >= (3, 10): import fast_path`): not on this Python.
      if (underVersionCheck(file)) continue;
      const needs = [...syntaxNeeds(cf.info, version).filter(evaluable), ...moduleNeeds(c, cf.info, version, backports, file)];
      if (needs.length) perFile.push({ file, src, needs });
      all.push(...syntaxNeeds(cf.info, ANY_OLD).filter(evaluable), ...moduleNeeds(c, cf.info, ANY_OLD, backports), ...moduleNeeds(c, cf.info, ANY_NEW, backports));
    }
    if (!c.mounts?.length && closure) closureNeeds.set(closure, { key: memoKey, tree: c.stage.tree, perFile: [...perFile], all: [...all] });
  }
  const declared = declaredPythons(a, c, version);
  for (const d of declared) {
    // The installer checks the Python it runs under, which may be a virtualenv's rather than the one the container starts.
    const v = d.need.version ?? version;
    if (d.need.version === undefined) all.push(d.need);
    if ((d.need.min && compareVersions(d.need.min, v) > 0) || (d.need.below && compareVersions(d.need.below, v) <= 0)) {
      perFile.push({ file: d.file, src: d.src, needs: [d.need], at: [d.at] });
    }
  }
  if (!perFile.length) return [];
  // One tag for the whole container: at least every minimum, below every removal.
  const low = all.reduce<string | undefined>((m, n) => (n.min && (!m || compareVersions(n.min, m) > 0) ? n.min : m), undefined);
  const high = all.reduce<string | undefined>((m, n) => (n.below && (!m || compareVersions(n.below, m) < 0) ? n.below : m), undefined);
  const want = low ?? (high ? previous(high) : undefined);
  const fixable = want && (!high || compareVersions(want, high) < 0) && (!low || compareVersions(want, low) >= 0);
  const from = py?.instr;
  // The FROM, or the RUN that installed the interpreter (apt-get install python3), in the container's Dockerfile.
  const fromFile = from && (dockerfileOf(a, from) ?? c.target.dockerfile);
  const fix = fixable && py?.how.startsWith('base image') && from && fromFile ? tagFix(fromFile, from, want) : undefined;
  const out: Draft[] = [];
  for (const { file, src, needs, at } of perFile) {
    const chain = at ?? (closure ? chainLocations(a, c, { chain: chainTo(closure.files, file) }) : []);
    for (const n of needs) {
      const more = n.more ? ` (${n.more} more use${n.more === 1 ? '' : 's'} in this file)` : '';
      const how = chosen && chosen.env === py ? `${py.how}; ${chosen.why}` : py!.how;
      const related = from && fromFile && !n.version ? [{ file: fromFile, range: from.range, message: `the container runs Python ${version} (${how})` }, ...chain] : chain;
      const head = `Python ${n.version ?? version} ${n.what}: `;
      const failure = n.install ? `${n.install} refuses to install the project` : `${entryLabel(c)} fails when it loads ${file}`;
      // Two containers of one image failing on the same line (a web service and its worker): one finding naming both.
      const render = (who: string[]): string => `${head}${who.length === 1 ? `${who[0]} fails` : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]} fail`} when they load ${file}${more}`;
      out.push({
        message: `${head}${failure}${more}`,
        file: src,
        range: n.range,
        related,
        fixes: fix ? [fix] : [],
        ...(n.install ? {} : { across: { key: head + file + more, who: entryLabel(c), render } }),
      });
    }
  }
  return out;
}

/**
 * A virtualenv made in another stage with that stage's Python X.Y, copied into a stage whose own interpreter, in the
 * same folder the venv points at (pyvenv.cfg `home`), is another version: that Python reads the venv's pyvenv.cfg but
 * looks for packages in lib/pythonA.B/site-packages, not lib/pythonX.Y (or bin/python dangles), so every installed
 * package is missing (a builder on python:3.12, the runtime on python:3.11-slim).
 */
function foreignVenv(c: RunningContainer, env: PythonEnv, why: string): Draft | undefined {
  const here = c.stage.python;
  if (!env.venv || !env.carriedBy || !env.home || !env.version || env.madeIn === undefined) return undefined;
  if (!here?.version || !here.interpreter || !here.how.startsWith('base image') || here.version === env.version || dirname(here.interpreter) !== env.home) return undefined;
  const made = c.target.model.stages[env.madeIn];
  const stage = made ? (made.name ? `stage '${made.name}'` : `stage ${made.index}`) : 'another stage';
  const related: Location[] = [];
  if (env.instr) related.push({ file: c.target.dockerfile, range: env.instr.range, message: `${env.how}: the virtualenv is made here, with Python ${env.version}` });
  if (here.instr) related.push({ file: c.target.dockerfile, range: here.instr.range, message: `this image's Python is ${here.version} (${here.how})` });
  const fix = here.instr ? tagFix(c.target.dockerfile, here.instr, env.version) : undefined;
  return {
    message: `Python ${here.version} cannot use the virtualenv ${env.venv} (${why}): ${stage} made it with Python ${env.version}, so its packages are in ${env.venv}/lib/python${env.version}/site-packages, where Python ${here.version} does not look: ${entryLabel(c)} fails at its first import of an installed package`,
    file: c.target.dockerfile,
    range: env.carriedBy.range,
    related,
    fixes: fix ? [fix] : [],
  };
}

/**
 * Whether the import chain to a file passes an import inside a `sys.version_info` check of its
 * importer. Each file's answer is kept, so a closure costs one walk up per file to the first
 * answered ancestor, not one whole chain per file (chains can be thousands deep).
 */
function versionCheckedChains(files: ReadonlyMap<string, ClosureFile>): (file: string) => boolean {
  const known = new Map<string, boolean>();
  return (file) => {
    const walked: string[] = [];
    let result = false;
    for (let cur = file; walked.length <= files.size; ) {
      const hit = known.get(cur);
      if (hit !== undefined) {
        result = hit;
        break;
      }
      const via = files.get(cur)?.via;
      if (!via) break;
      walked.push(cur);
      if (files.get(via.from)?.info.features.versionGuards.some((g) => inside(via.import.stmtRange, g))) {
        result = true;
        break;
      }
      cur = via.from;
    }
    for (const f of walked) known.set(f, result);
    return result;
  };
}

/** `syntaxNeeds` answers per parsed file and version (pure; the needs are not changed by callers). */
const syntaxMemo = new WeakMap<PyFileInfo, Map<string, Need[]>>();

/** Syntax newer than `version`, one need per feature with its first use. */
function syntaxNeeds(info: PyFileInfo, version: string): Need[] {
  let byVersion = syntaxMemo.get(info);
  if (!byVersion) syntaxMemo.set(info, (byVersion = new Map()));
  let out = byVersion.get(version);
  if (!out) byVersion.set(version, (out = computeSyntaxNeeds(info, version)));
  return out;
}

function computeSyntaxNeeds(info: PyFileInfo, version: string): Need[] {
  const byId = new Map<string, Need>();
  for (const u of info.features.uses) {
    if (compareVersions(u.min, version) <= 0) continue;
    const hit = byId.get(u.id);
    if (hit) hit.more++;
    else byId.set(u.id, { key: u.id, what: `cannot run ${newIn(u.description, u.min)}`, min: u.min, range: u.range, more: 0 });
  }
  return [...byId.values()];
}

/**
 * The Python range that projects the stage installs declare (pyproject `requires-python`,
 * setup.cfg `python_requires`, poetry's `python` dependency): the installer refuses an interpreter outside it.
 */
function declaredPythons(a: Analysis, c: RunningContainer, version: string): { file: string; src: string; need: Need; at: Location }[] {
  const out: { file: string; src: string; need: Need; at: Location }[] = [];
  const seen = new Set<string>();
  for (const r of c.stage.installs) {
    // A project installed only under a condition the model cannot decide may never be installed.
    if (!r.project || r.conditional) continue;
    for (const name of ['pyproject.toml', 'setup.cfg']) {
      const file = `${r.project.dir.replace(/\/$/, '')}/${name}`;
      const src = sourceOf(c.stage, file) ?? r.project.metadata?.[name];
      const text = src && !seen.has(src) ? a.text(src) : undefined;
      if (!src || text === undefined) continue;
      seen.add(src);
      const hit = requiresPython(text);
      if (!hit) continue;
      const line = text.slice(0, hit.offset).split('\n').length - 1;
      const col = hit.offset - (text.lastIndexOf('\n', hit.offset - 1) + 1);
      const range = { start: { line, character: col }, end: { line, character: col + hit.spec.length } };
      const what = `is outside the project's declared Python '${hit.spec}' (${name})`;
      const env = installerPython(c.stage, r);
      const own = env?.version && env.version !== version ? env.version : undefined;
      // A virtualenv of an unknown Python: what its installer checks is not known.
      if (env?.venv && !env.version) continue;
      const at: Location = { file: c.target.dockerfile, range: r.instr.range, message: `${r.tool} installs the project here${own ? ` with Python ${own} (${env!.how})` : ''}` };
      const base = { range, more: 0, install: r.tool, ...(own ? { version: own } : {}) };
      if (hit.min) out.push({ file, src, at, need: { key: `requires:${src}`, what, min: hit.min, ...base } });
      if (hit.below) out.push({ file, src, at, need: { key: `requires-below:${src}`, what, below: hit.below, ...base } });
    }
  }
  return out;
}

import { requiresPython } from '../packages/manifests';
export { requiresPython };

/** `f-strings (PEP 498)` -> `f-strings (PEP 498, new in Python 3.6)`. */
function newIn(description: string, min: string): string {
  return description.endsWith(')') ? `${description.slice(0, -1)}, new in Python ${min})` : `${description} (new in Python ${min})`;
}

/** Standard-library modules that `version` lacks, imported at module level outside version checks and ImportError guards. */
function moduleNeeds(c: RunningContainer, info: PyFileInfo, version: string, installed: Set<string>, file?: string): Need[] {
  const byModule = new Map<string, Need>();
  for (const { imp, names } of tabledImports(info)) {
    // The fallback of an `except ImportError:` whose try succeeds here (`try: import tomli as tomllib` with tomli installed) never runs.
    if (file && fallbackNotRun(c, file, imp)) continue;
    for (const { added, removed } of names) {
      let need: Need | undefined;
      if (added && compareVersions(added.version, version) > 0) {
        need = { key: added.module, what: `has no module '${added.module}' (standard library since Python ${added.version})`, min: added.version, range: imp.range, more: 0 };
      } else if (removed && compareVersions(removed.version, version) <= 0 && !providedElsewhere(c, removed.module, installed)) {
        need = { key: removed.module, what: `has no module '${removed.module}' (removed from the standard library in Python ${removed.version})`, below: removed.version, range: imp.range, more: 0 };
      }
      if (!need) continue;
      // A module of that name in the image (a local file, a backport in site-packages) is what Python imports.
      if (resolveModule(c.view, c.sysPath, need.key.split('.')[0]).status === 'found') continue;
      const hit = byModule.get(need.key);
      if (hit) hit.more++;
      else byModule.set(need.key, need);
      break;
    }
  }
  return [...byModule.values()];
}

/** A module-level import outside version checks and ImportError guards, with the dotted names it may load that a table lists (in candidate order). */
interface TabledImport {
  imp: PyImport;
  names: { added?: { module: string; version: string }; removed?: { module: string; version: string } }[];
}

/** Per parsed file (pure: the tables are constants), so that a closure's unchanged files cost a lookup each lint. */
const tabled = new WeakMap<PyFileInfo, TabledImport[]>();

function tabledImports(info: PyFileInfo): TabledImport[] {
  let out = tabled.get(info);
  if (out) return out;
  out = [];
  for (const imp of info.imports) {
    if (imp.level > 0 || imp.kind === 'dynamic' || imp.scope !== 'module' || imp.guard !== 'none' || imp.mainGuard) continue;
    if (info.features.versionGuards.some((g) => inside(imp.stmtRange, g))) continue;
    const names: TabledImport['names'] = [];
    for (const dotted of candidates(imp)) {
      const added = prefixHit(STDLIB_ADDED, dotted);
      const removed = prefixHit(STDLIB_REMOVED, dotted);
      // A name neither table lists never needs a version.
      if (added || removed) names.push({ added, removed });
    }
    if (names.length) out.push({ imp, names });
  }
  tabled.set(info, out);
  return out;
}

/** Dotted names an import statement loads: `from importlib import metadata` may load `importlib.metadata`. */
function candidates(imp: PyImport): string[] {
  const out = imp.kind === 'from' ? imp.names.filter((n) => n !== '*').map((n) => `${imp.module}.${n}`) : [];
  return [...out, imp.module];
}

/** Answers of `prefixHit` by table and dotted name (pure: the tables are constants), so that a closure's thousands of imports cost a lookup each. */
const prefixHits = new Map<Record<string, string>, Map<string, { module: string; version: string } | null>>();

function prefixHit(table: Record<string, string>, dotted: string): { module: string; version: string } | undefined {
  let byName = prefixHits.get(table);
  if (!byName) prefixHits.set(table, (byName = new Map()));
  let hit = byName.get(dotted);
  if (hit === undefined) {
    if (byName.size > 100_000) byName.clear();
    byName.set(dotted, (hit = findPrefix(table, dotted) ?? null));
  }
  return hit ?? undefined;
}

function findPrefix(table: Record<string, string>, dotted: string): { module: string; version: string } | undefined {
  const parts = dotted.split('.');
  for (let i = parts.length; i > 0; i--) {
    const m = parts.slice(0, i).join('.');
    if (table[m]) return { module: m, version: table[m] };
  }
  return undefined;
}

/**
 * A removed module some installed distribution may bring back: setuptools provides `distutils`
 * (its `_distutils_hack`); backports carry the module's name (`standard-imghdr`, `audioop-lts`,
 * `legacy-cgi`, `pyasyncore`). Any RUN the model cannot read may have installed one too.
 */
function providedElsewhere(c: RunningContainer, module: string, installed: Set<string>): boolean {
  if (c.stage.installsUnknown) return true;
  const key = module.replace(/_/g, '');
  for (const d of installed) {
    if (d.replace(/[-_.]/g, '').includes(key)) return true;
    if (module === 'distutils' && d === 'setuptools') return true;
  }
  return false;
}

/** Normalised names of what the stage installs (install records and declared dependencies), closed over the table's requirements. */
function installedNames(c: RunningContainer): Set<string> {
  const names: string[] = [...c.thirdParty];
  for (const r of c.stage.installs) for (const s of r.sources) for (const q of s.requirements) names.push(q.name);
  for (const run of c.stage.runs) if (/\bsetuptools\b/.test(run.commandText)) names.push('setuptools');
  return withDependencies(names);
}

function inside(r: Range, outer: Range): boolean {
  const le = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return le(outer.start, r.start) && le(r.end, outer.end);
}

/** The Dockerfile a FROM instruction is in. */
function dockerfileOf(a: Analysis, from: Instruction): string | undefined {
  return a.targets.find((t) => t.model.stages.some((s) => s.from === from))?.dockerfile;
}

/** `3.12` -> `3.11`. */
function previous(v: string): string {
  const [maj, min] = v.split('.').map(Number);
  return `${maj}.${min - 1}`;
}

/**
 * Rewrites the version in the FROM image's tag (`python:3.9-slim` -> `python:3.10-slim`; a patch
 * version goes, the variant stays). None for a tag built from ARGs or pinned by digest.
 */
function tagFix(file: string, from: Instruction, want: string): Fix | undefined {
  const word = from.args.find((w) => !w.text.startsWith('--'));
  if (!word || /[$@]/.test(word.raw)) return undefined;
  const m = /^([^:]*:(?:[\w.-]*-)?(?:python)?)(\d+\.\d+)(?:\.\d+)?((?:[-.][A-Za-z][\w.-]*)?)$/.exec(word.raw);
  if (!m) return undefined;
  const newText = `${m[1]}${want}${m[3]}`;
  return { title: `Use ${newText}`, edits: [{ file, range: word.range, newText }], isPreferred: true };
}
