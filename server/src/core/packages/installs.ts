// The install set of a stage's Python: which distributions its site-packages hold (from install records, the lock/requirements files they read, the table's dependency data and the base image), and how sure that is.
import type { StageModel } from '../docker/image';
import type { InstallRecord, InstallSource } from '../docker/installs';
import { within } from '../docker/tree';
import { baseImageFacts } from './base-images';
import { dependenciesOf, importNamesFor, importNamesOrGuess, normalizeDist } from './names';
import { EXTRAS_TABLE } from './extras-data';
import { WHEELS_EXTRAS } from './names-wheels-data';

/** Where one distribution came from. */
export interface InstalledDist {
  name: string;
  record?: InstallRecord;
  source?: InstallSource;
  /** Came in as a dependency of another distribution (table data), not named by any file. */
  via?: string;
  /** Preinstalled by the base image. */
  base?: true;
  /** Installed only by a step that may not run (its record's `conditional`, or that of the distribution it came with). */
  conditional?: string;
}

export interface InstallSet {
  /**
   * `complete`: every source is a lock, generated requirements or --no-deps list, and the base image's list is complete;
   * `dependency-data`: declared distributions closed over the table's dependency data;
   * `unknown`: some install step, source or the base image cannot be read (`reason` says which).
   */
  status: 'complete' | 'dependency-data' | 'unknown';
  reason?: string;
  /** Normalised distribution name -> where it came from. */
  distributions: Map<string, InstalledDist>;
  /** Top-level import names the installed distributions provide (table names, else the PEP 503 guess). */
  importNames: Set<string>;
  /** The install records the set was built from (wheel folders excluded). */
  records: InstallRecord[];
  /**
   * Installed distributions the table does not know (normalised, in install order): each is taken to provide its
   * PEP 503 guess (`firebase-admin` -> `firebase_admin`) and maybe names sharing a token with it (mayProvide);
   * their own dependencies are not known, so an import nothing else provides may still come from them.
   */
  unknownDists: string[];
  /** Import names that only distributions installed under a condition provide, with such a distribution (counted as installed: --explain says so). */
  conditionalNames: Map<string, InstalledDist>;
  /**
   * Declared development tools (not locked) whose dependencies are not known (`pytest-django`, `flake8-bugbear`): what
   * they pull in serves tests and linters, so missing-dependency still judges the image, warning and naming them. Any
   * other declared distribution or extra the table does not know makes the set unknown: a module imported without
   * being declared often arrives through one (newspaper3k installs nltk, python-fasthtml starlette; measured in study
   * session 13: five of five such warnings on working repositories were wrong).
   */
  opaque: string[];
  /**
   * Declared distributions the table does not know whose own dependencies are therefore unknown (what made the set
   * `unknown`, in order): any distribution may arrive through them, so a name a known distribution provides (`yaml`
   * from pyyaml) may be in site-packages although nothing names that distribution.
   */
  unknownDeps: string[];
}

/** Development tools by name: test runners and their plugins, linters, type checkers, formatters, debuggers, doc builders. */
const DEV_TOOL = /^(?:pytest|flake8|pylint|mypy|ruff|black|isort|coverage|pre-commit|tox|nox|bandit|pyright|sphinx|sphinxcontrib|debugpy|ipdb|pdbpp|pyupgrade|autopep8|yapf|pydocstyle|pycodestyle|pyflakes)(?:-|$)/;
export const isDevTool = (d: string): boolean => DEV_TOOL.test(normalizeDist(d));

/** A typing-stubs distribution (`types-requests`, `django-stubs`, `boto3-stubs[s3]`): it installs stub files only (PEP 561), no module code imports at run time. */
export const isStubsDist = (d: string): boolean => /^types-|-stubs$/.test(normalizeDist(d));

const memo = new WeakMap<StageModel, InstallSet>();

/** The install set of a stage (memoised per stage model). */
export function installSet(stage: StageModel): InstallSet {
  const hit = memo.get(stage);
  if (hit) return hit;
  const set = compute(stage);
  memo.set(stage, set);
  return set;
}

/** Top-level import names some installed distribution of the stage provides (whatever the set's status). */
export function installedImportNames(stage: StageModel): Set<string> {
  return installSet(stage).importNames;
}

const without = new WeakMap<StageModel, Map<string, InstallSet>>();

/**
 * What the stage's installs provide to an interpreter that does not use the virtual environments rooted at `roots`
 * (their records left out): the set the system python sees when the container runs it without the venv on PATH.
 */
export function installSetWithout(stage: StageModel, roots: string[]): InstallSet {
  const key = [...roots].sort().join('\0');
  let m = without.get(stage);
  if (!m) without.set(stage, (m = new Map()));
  let set = m.get(key);
  if (!set) {
    m.set(key, (set = compute(stage, stage.installs.filter((r) => !roots.some((root) => within(root, r.sitePackages ?? r.home))))));
  }
  return set;
}

function compute(stage: StageModel, from: InstallRecord[] = stage.installs): InstallSet {
  const distributions = new Map<string, InstalledDist>();
  const records = from.filter((r) => !r.wheelhouse);
  let status: InstallSet['status'] = 'complete';
  let reason: string | undefined;
  const degrade = (to: 'dependency-data' | 'unknown', why: string) => {
    if (status === 'unknown') return;
    if (to === 'unknown' || status === 'complete') {
      status = to;
      reason = why;
    }
  };

  const facts = baseImageFacts(stage.rootBase);
  if (!facts) degrade('unknown', `the base image ${stage.rootBase || '(none)'} is not one deploylint knows`);
  else {
    for (const d of facts.preinstalled) distributions.set(d, { name: d, base: true });
    if (!facts.preinstalledComplete) degrade('unknown', `the base image ${stage.rootBase} preinstalls distributions the table does not list`);
    if (facts.python === 'apt' && !stage.python) degrade('unknown', `the base image ${stage.rootBase} has no Python the model knows of`);
  }
  if (stage.installsUnknown) degrade('unknown', stage.installsUnknown.reason);

  const open: string[] = [];
  const opaque: string[] = [];
  const unknownDeps: string[] = [];
  for (const r of records) {
    if (r.unknown) degrade('unknown', r.unknown);
    for (const s of r.sources) {
      for (const q of s.requirements) {
        // A step that certainly ran is the better source than one under a condition (or the base image).
        const had = distributions.get(q.name);
        if (!had || had.base || (had.conditional && !r.conditional)) distributions.set(q.name, { name: q.name, record: r, source: s, ...(r.conditional ? { conditional: r.conditional } : {}) });
        if (!s.complete) {
          open.push(q.name);
          if (q.extras.length && s.kind !== 'pyproject') {
            // Extras the extras table knows add their distributions (closed over below); another extra may add anything.
            const added = extrasRequire(q.name, q.extras);
            if (added === undefined) {
              const key = `${normalizeDist(q.name)}[${q.extras.map(normalizeDist).join(',')}]`;
              if (isDevTool(q.name)) opaque.push(key);
              else if (!isStubsDist(q.name)) degrade('unknown', `${q.text} asks for extras whose dependencies the table does not know`);
            } else for (const d of added) {
              if (!distributions.has(d)) distributions.set(d, { name: d, via: `${q.name}[${q.extras.join(',')}]`, ...(r.conditional ? { conditional: r.conditional } : {}) });
              open.push(d);
            }
          }
        }
      }
    }
  }
  // Declared, not locked: close over the table's dependency data.
  if (open.length) degrade('dependency-data', 'the installed set rests on the dependency data of the distribution table');
  const queue = [...open];
  const declared = new Set(open.filter((d) => !distributions.get(d)?.via).map(normalizeDist));
  const seen = new Set<string>();
  while (queue.length) {
    const d = normalizeDist(queue.pop()!);
    if (seen.has(d)) continue;
    seen.add(d);
    // Declared (not locked) and not in the table: what it pulls in is unknown, and a module imported without being
    // declared often arrives that way (newspaper3k -> nltk), so the set cannot be judged. In a lock every
    // dependency is listed: there only the import names are guessed (unknownDists; the rules hedge).
    if (importNamesFor(d) === undefined) {
      // Declared by the project (not a dependency the table lists for a distribution it knows, such as celery's tzdata).
      if (declared.has(d) && isDevTool(d)) {
        if (!opaque.includes(d)) opaque.push(d);
      } else if (declared.has(d) && !isStubsDist(d)) {
        degrade('unknown', `the dependencies of ${d} are not in the distribution table, and it may install the module`);
        unknownDeps.push(d);
      }
      continue;
    }
    const parent = distributions.get(d);
    for (const dep of dependenciesOf(d) ?? []) {
      const had = distributions.get(dep);
      if (!had || (had.conditional && !parent?.conditional && had.via)) distributions.set(dep, { name: dep, via: d, ...(parent?.conditional ? { conditional: parent.conditional } : {}) });
      queue.push(dep);
    }
  }

  const importNames = new Set<string>();
  const conditionalNames = new Map<string, InstalledDist>();
  for (const [d, dist] of distributions) for (const n of importNamesOrGuess(d)) {
    importNames.add(n);
    if (dist.conditional) conditionalNames.set(n, conditionalNames.get(n) ?? dist);
  }
  for (const [d, dist] of distributions) if (!dist.conditional) for (const n of importNamesOrGuess(d)) conditionalNames.delete(n);
  // What the base-image table preinstalls is listed with its import names in mind (awslambdaric imports as awslambdaric).
  // Stubs install no importable module (their `<name>-stubs` folders are read by type checkers only).
  const unknownDists = [...distributions].filter(([d, dist]) => !dist.base && importNamesFor(d) === undefined && !isStubsDist(d)).map(([d]) => d);
  return { status, reason, distributions, importNames, records, unknownDists, conditionalNames, opaque, unknownDeps };
}

/**
 * The distributions `dist[extras]` adds, from the extras table (an added `x[y]` expanded too), or undefined when
 * an extra is not in the table.
 */
export function extrasRequire(dist: string, extras: string[]): string[] | undefined {
  const out = new Set<string>();
  const todo = extras.map((e) => `${normalizeDist(dist)}[${normalizeDist(e)}]`);
  const seen = new Set<string>();
  while (todo.length) {
    const key = todo.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    // A wheel's METADATA first (what pip reads), else the table read from the projects' own packaging files.
    const requires = WHEELS_EXTRAS[key] ?? EXTRAS_TABLE[key]?.requires;
    if (!requires) return undefined;
    for (const r of requires) {
      const m = /^([^[\]]+)(?:\[([^\]]+)\])?$/.exec(r);
      if (!m) continue;
      out.add(normalizeDist(m[1]));
      for (const e of (m[2] ?? '').split(',').filter(Boolean)) todo.push(`${normalizeDist(m[1])}[${normalizeDist(e)}]`);
    }
  }
  return [...out];
}

/** `py`/`python` prefixes dropped: `pyjwt` -> `jwt`, `python-jose` -> `jose`. */
const unprefixed = (t: string) => t.replace(/^py(thon)?(?=.)/, '');

/** The 4+ character tokens of a name, prefixes dropped: `python-dateutil` -> [`dateutil`]. */
const tokensOf = (name: string) => normalizeDist(name).split('-').filter((t) => t !== 'py' && t !== 'python').map(unprefixed).filter((t) => t.length >= 4);

/**
 * The distribution the table does not know that might provide `importName` although its PEP 503 guess is another name,
 * or undefined: one whose flat name contains the import name or the other way round (pyyaml -> yaml, pyjwt -> jwt,
 * google-cloud-storage -> google), or that shares a token of 4+ characters with it (python-dateutil -> dateutil,
 * django-redis-cache -> django_redis). A one-character name may come from anything (`*`).
 */
export function possibleProvider(set: InstallSet, importName: string): string | undefined {
  const n = normalizeDist(importName).replace(/-/g, '');
  if (n.length < 2) return '*';
  const tokens = tokensOf(importName);
  for (const d of set.unknownDists) {
    const flat = d.replace(/-/g, '');
    const bare = unprefixed(flat);
    if (flat.includes(n) || (bare.length >= 3 && n.includes(bare))) return d;
    if (tokensOf(d).some((t) => tokens.includes(t))) return d;
    // An import named by the initials of the distribution's words (adversarial-robustness-toolbox provides `art`).
    const words = d.split('-').filter(Boolean);
    if (words.length >= 2 && words.map((w) => w[0]).join('') === n) return d;
  }
  return undefined;
}

/** True when an installed distribution the table does not know might provide `importName` (possibleProvider). */
export function mayProvide(set: InstallSet, importName: string): boolean {
  return possibleProvider(set, importName) !== undefined;
}

/** Why missing-dependency cannot judge a stage's imports at all, or undefined when it can (for --explain). */
export function installSetQuiet(stage: StageModel): string | undefined {
  const set = installSet(stage);
  if (set.status === 'unknown') return `missing-dependency: the installed set is unknown (${set.reason}), so third-party imports are not judged`;
  if (!set.records.some((r) => r.sources.length)) return 'missing-dependency: the image installs no distributions from a file or argument deploylint reads, so third-party imports are not judged';
  return undefined;
}

/** What the install set says about one distribution's version: the requirement that named it and its specifier. */
export interface InstalledVersion {
  /** The specifier as written after the name (`==21.2.0`, `<22,>=20`, `^21.2`); '' when unpinned. */
  spec: string;
  /** The exact version a `==` pin or a lock names. */
  exact?: string;
  /** Where it came from: the source and record that named it, or the base image / another distribution's dependencies. */
  dist: InstalledDist;
  /** Zero-based line of the requirement in its file. */
  line: number;
}

/** The version evidence for distribution `name` in a stage; undefined when nothing in the stage installs it. */
export function installedVersion(stage: StageModel, name: string): InstalledVersion | undefined {
  const dist = installSet(stage).distributions.get(normalizeDist(name));
  if (!dist) return undefined;
  const q = dist.source?.requirements.find((r) => r.name === dist.name);
  if (!q) return { spec: '', dist, line: 0 };
  const spec = q.text.replace(/^\s*[A-Za-z0-9._-]+\s*(?:\[[^\]]*\])?\s*/, '').replace(/\s*[;@].*$/, '').trim().replace(/^=(?!=)\s*"?([^"]*)"?$/, '$1');
  const exact = /^===?\s*([0-9][0-9A-Za-z.+!-]*)$/.exec(spec)?.[1];
  return { spec, exact, dist, line: q.line };
}

/** Release segments of a version (`21.2.0rc1` -> [21, 2, 0]); undefined when it does not start with a number. */
function release(v: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(v.trim());
  return m ? m[1].split('.').map(Number) : undefined;
}

function compare(x: number[], y: number[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** `prefix` with its last segment incremented: the first version past every `prefix.*`. */
function bump(prefix: number[]): number[] {
  return [...prefix.slice(0, -1), prefix[prefix.length - 1] + 1];
}

/**
 * True when every version a specifier allows is below `bound` (PEP 440 `==`, `===`, `==X.*`, `<`, `<=`, `~=`,
 * and Poetry's `^` / `~`, comma-separated clauses intersect); false when it sets no such bound or cannot be read.
 */
export function specifierBelow(spec: string, bound: string): boolean {
  const b = release(bound);
  if (!b) return false;
  return spec.split(',').some((clause) => {
    const m = /^\s*(===|==|~=|<=|<|\^|~(?!=))?\s*([0-9][0-9A-Za-z.*+!-]*)\s*$/.exec(clause);
    if (!m || m[1] === undefined) return false;
    const [, op, raw] = m;
    const wild = raw.endsWith('.*');
    const v = release(wild ? raw.slice(0, -2) : raw);
    if (!v) return false;
    if (op === '==' && wild) return compare(bump(v), b) <= 0;
    if (op === '==' || op === '===' || op === '<=') return !wild && compare(v, b) < 0;
    if (op === '<') return compare(v, b) <= 0;
    if (op === '~=') return v.length >= 2 && compare(bump(v.slice(0, -1)), b) <= 0;
    // Poetry: ^1.2.3 -> <2.0.0 (^0.2.3 -> <0.3.0); ~1.2.3 -> <1.3.0 (~1 -> <2).
    if (op === '^') {
      const i = v.findIndex((x) => x !== 0);
      return compare(bump(v.slice(0, (i < 0 ? v.length - 1 : i) + 1)), b) <= 0;
    }
    return compare(bump(v.slice(0, Math.min(2, v.length))), b) <= 0;
  });
}
