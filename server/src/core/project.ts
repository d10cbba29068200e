// Project discovery: Dockerfiles, ignore files, manifests and build scripts in a workspace, and each Dockerfile's build context.
import { dirname, FileSystem, relativeInside } from './fs';
import type { ParsedDockerfile } from './docker/parse';
import { contextPath, globContext } from './docker/image';
import { BuildContext, SKIP_DIRS } from './docker/context';
import { isLockfileName, KEY_NAME } from './secrets/origin';

const MAX_FILES = 200_000;
const MAX_DEPTH = 64;

export interface Skipped {
  path: string;
  reason: string;
}

export interface ProjectFiles {
  root: string;
  dockerfiles: string[];
  /** YAML files (compose, Kubernetes, Cloud Run, workflows, cloudbuild). */
  yamlFiles: string[];
  /** Shell scripts and Makefiles that may run `docker build`. */
  scripts: string[];
  envFiles: string[];
  pythonFiles: string[];
  /** Other files worth scanning for secrets (JSON service accounts, .npmrc, .pypirc). */
  otherFiles: string[];
  skipped: Skipped[];
  /** Number of files seen. */
  fileCount: number;
}

/** True for the names Docker and Podman users give Dockerfiles (the loose ones too: see {@link isLooseDockerfileName}). */
export function isDockerfileName(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'dockerfile' || n === 'containerfile' || n.endsWith('.dockerfile') || n.endsWith('.containerfile')
    || (n.startsWith('dockerfile.') && !n.endsWith('.dockerignore') && !/\.(md|txt|orig|bak|swp)$/.test(n))
    || (n.startsWith('containerfile.') && !n.endsWith('.dockerignore'))
    || isLooseDockerfileName(name);
}

/** Extensions that say a file is something else, whatever its name says of Dockerfiles. */
const NOT_A_DOCKERFILE = /\.(md|rst|txt|orig|bak|swp|ya?ml|json|py|sh|bash|js|ts|toml|cfg|ini|lock|sample|example|dockerignore|j2|jinja2?|tmpl|tpl|erb|ejs|mustache)$/;

/**
 * Names that `docker build -f` users give Dockerfiles beyond the conventional ones: `Dockerfile-dev`,
 * `Dockerfile_prod`, `CPUDockerfile`, `api-Dockerfile` (and Containerfile alike). Such a file is taken
 * for a Dockerfile only when its text has a FROM line ({@link looksLikeDockerfile}), since the name alone
 * says less than the conventional ones do.
 */
export function isLooseDockerfileName(name: string): boolean {
  const n = name.toLowerCase();
  if (NOT_A_DOCKERFILE.test(n)) return false;
  return /^(docker|container)file[-_]./.test(n) || (/.(docker|container)file$/.test(n) && !/\.(docker|container)file$/.test(n));
}

/**
 * The first instruction (after blank lines, comments and parser directives) is FROM, or ARG before a FROM:
 * how every Dockerfile starts, and what a script that writes one (`cat > Dockerfile <<EOF`) does not.
 */
export function looksLikeDockerfile(text: string): boolean {
  for (const line of text.split('\n', 200)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    return /^(from|arg)\s+\S/i.test(t);
  }
  return false;
}

/** Walks the workspace iteratively; symlink loops and files outside the workspace are skipped with a reason. Generator templates are set aside (their texts are read). */
export function discoverProject(fs: FileSystem, root: string, exclude: (rel: string) => boolean = () => false): ProjectFiles {
  return setTemplatesAside(fs, walkProject(fs, root, exclude));
}

/**
 * The files of the workspace by kind, and what was skipped: a function of the layout alone (kinds,
 * listings, real paths), read by name; nothing's text is read. Callers must not change it (a
 * session keeps it while the layout version holds).
 */
export function walkProject(fs: FileSystem, root: string, exclude: (rel: string) => boolean = () => false): ProjectFiles {
  const out: ProjectFiles = { root, dockerfiles: [], yamlFiles: [], scripts: [], envFiles: [], pythonFiles: [], otherFiles: [], skipped: [], fileCount: 0 };
  const seen = new Set<string>();
  const stack: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
  while (stack.length) {
    const { path, depth } = stack.pop()!;
    const real = fs.realpath ? fs.realpath(path) : path;
    if (real === undefined) continue;
    if (seen.has(real)) {
      out.skipped.push({ path, reason: 'symlink loop or duplicate folder (already walked)' });
      continue;
    }
    seen.add(real);
    if (depth > MAX_DEPTH) {
      out.skipped.push({ path, reason: `deeper than ${MAX_DEPTH} folders` });
      continue;
    }
    const names = fs.readDir(path);
    if (!names) {
      if (path !== root) out.skipped.push({ path, reason: 'unreadable folder or outside the workspace' });
      continue;
    }
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i];
      const p = path === '/' ? '/' + name : path + '/' + name;
      const rel = relativeInside(root, p) ?? p;
      if (exclude(rel)) continue;
      const st = fs.stat(p);
      if (!st) {
        out.skipped.push({ path: p, reason: 'broken symlink, unreadable, or outside the workspace' });
        continue;
      }
      if (st.kind === 'dir') {
        if (SKIP_DIRS.has(name) || name.endsWith('.egg-info')) continue;
        stack.push({ path: p, depth: depth + 1 });
        continue;
      }
      if (++out.fileCount > MAX_FILES) {
        out.skipped.push({ path, reason: `more than ${MAX_FILES} files: the rest of the workspace was not read` });
        stack.length = 0;
        break;
      }
      classify(out, p, name);
    }
  }
  for (const k of ['dockerfiles', 'yamlFiles', 'scripts', 'envFiles', 'pythonFiles', 'otherFiles'] as const) out[k].sort();
  return out;
}

/**
 * A walk's files with the generator templates among its Dockerfiles and YAML files taken out, and the
 * files a loose name only suggested are Dockerfiles kept only when their text has a FROM line (a copy:
 * the walk is not changed).
 */
export function setTemplatesAside(fs: FileSystem, walked: ProjectFiles): ProjectFiles {
  const out = { ...walked, skipped: [...walked.skipped] };
  out.dockerfiles = walked.dockerfiles.filter((p) => {
    if (!isLooseDockerfileName(p.slice(p.lastIndexOf('/') + 1))) return true;
    const r = fs.read(p);
    return 'text' in r && looksLikeDockerfile(r.text);
  });
  skipTemplates(fs, walked.root, out);
  return out;
}

export type FileKind = 'dockerfile' | 'yaml' | 'python' | 'script' | 'env' | 'other';

/** What deploylint reads a file as, by its name; undefined for files it does not read (lockfiles among them: package managers write them, and they hold versions and digests). */
export function fileKind(name: string): FileKind | undefined {
  const lower = name.toLowerCase();
  if (isLockfileName(lower)) return undefined;
  if (isDockerfileName(name)) return 'dockerfile';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.py')) return 'python';
  if (lower.endsWith('.sh') || lower === 'makefile' || lower.endsWith('.bash') || lower === 'justfile') return 'script';
  if (lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env')) return 'env';
  if (lower.endsWith('.json') || lower === '.npmrc' || lower === '.pypirc' || lower.startsWith('id_rsa') || lower.startsWith('id_ed25519') || KEY_NAME.test(lower)) return 'other';
  return undefined;
}

const LISTS: Record<FileKind, 'dockerfiles' | 'yamlFiles' | 'pythonFiles' | 'scripts' | 'envFiles' | 'otherFiles'> = {
  dockerfile: 'dockerfiles', yaml: 'yamlFiles', python: 'pythonFiles', script: 'scripts', env: 'envFiles', other: 'otherFiles',
};

function classify(out: ProjectFiles, p: string, name: string): void {
  const kind = fileKind(name);
  if (kind) out[LISTS[kind]].push(p);
}

// ---------------------------------------------------------------- generator templates

/** Extensions of template files (Jinja, Go templates, ERB, Handlebars...): a folder holding them beside a Dockerfile is a scaffold. */
const TEMPLATE_EXT = /\.(?:tmpl|tpl|j2|jinja2?|mustache|hbs|handlebars|erb|ejs|njk|liquid)$/i;

/** Folder names of generator scaffolds (cookiecutter/copier/Backstage/Yeoman layouts). */
const SCAFFOLD_DIR = /^(?:_?templates?|skeletons?|scaffolds?|scaffolding|blueprints?|boilerplates?|generators?|project_template|app_template|starters?)$/i;

/** A placeholder of a template language: Go/Jinja/Helm `{{ x }}`, Jinja `{% x %}`, Backstage `${{ values.x }}`, ERB/EJS `<%= x %>`. */
const PLACEHOLDER = /\$?\{\{-?[^{}\n]*\}\}|\{%-?[^%\n]*%\}|<%[=-]?[^%\n]*%>/;

/**
 * YAML placeholders that only a generator fills in (a Helm chart's `.Values`/`.Release`/`.Chart`,
 * a cookiecutter's, Backstage's `${{ values.x }}`), and template control lines (`{{- if ... }}`,
 * `{% for %}`); not `{{ $labels.x }}` in an alert rule nor `${{ secrets.X }}` in a workflow, which
 * are the file's own content.
 */
const YAML_PLACEHOLDER = /\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\.Files|include\b|template\b|toYaml\b|cookiecutter\.|copier\b)[^{}\n]*\}\}|\$\{\{\s*(?:values|parameters)\.[^{}\n]*\}\}|^\s*\{\{-?\s*(?:if|else|end|range|with|define)\b[^{}\n]*\}\}|^\s*\{%-?[^%\n]*%\}|<%[=-]?[^%\n]*%>/m;

/** The first template placeholder in a Dockerfile outside comments and heredoc bodies (which are content). */
export function dockerfilePlaceholder(text: string): string | undefined {
  let heredoc: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (heredoc !== undefined) {
      if (line.replace(/^\t+/, '') === heredoc) heredoc = undefined;
      continue;
    }
    if (/^\s*#/.test(line)) continue;
    const m = PLACEHOLDER.exec(line);
    if (m) return m[0];
    const h = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line);
    if (h && /^\s*(?:RUN|COPY|ADD)\b/i.test(line)) heredoc = h[2];
  }
  return undefined;
}

/** The first generator placeholder in a YAML file (see YAML_PLACEHOLDER). */
export function yamlPlaceholder(text: string): string | undefined {
  return YAML_PLACEHOLDER.exec(text)?.[0].trim();
}

/** `x` shortened for a message. */
function shown(x: string): string {
  return x.length > 40 ? x.slice(0, 37) + '...' : x;
}

/**
 * Why a Dockerfile or YAML file is a generator's template rather than a build or a manifest, or
 * undefined: a template extension in its name, a folder with a placeholder in its name above it
 * (`{{cookiecutter.project_slug}}/`), a scaffold folder (`templates/`, `skeleton/`...) whose
 * files include `*.tmpl`/`*.j2`/`*.jinja` siblings, or placeholders in the text.
 */
export function templateReason(fs: FileSystem, root: string, path: string, kind: 'dockerfile' | 'yaml'): string | undefined {
  const rel = relativeInside(root, path) ?? path;
  const parts = rel.split('/');
  const name = parts[parts.length - 1]!;
  if (TEMPLATE_EXT.test(name) || /\.template$/i.test(name)) return `a template (its name ends in ${/\.[^.]+$/.exec(name)![0]})`;
  const folder = parts.slice(0, -1).find((p) => PLACEHOLDER.test(p) || /\{\{|\{%/.test(p));
  if (folder !== undefined) return `a template (under the folder '${shown(folder)}')`;
  if (parts.slice(0, -1).some((p) => SCAFFOLD_DIR.test(p))) {
    const sibling = (fs.readDir(dirname(path)) ?? []).find((n) => TEMPLATE_EXT.test(n));
    if (sibling !== undefined) return `a template (in a scaffold folder beside '${shown(sibling)}')`;
  }
  const r = fs.read(path);
  if (!('text' in r)) return undefined;
  const ph = kind === 'dockerfile' ? dockerfilePlaceholder(r.text) : yamlPlaceholder(r.text);
  return ph === undefined ? undefined : `a template (has '${shown(ph)}' placeholders)`;
}

/**
 * Takes generator templates out of the Dockerfiles and YAML files: each skipped Dockerfile gets
 * its own notice; skipped YAML files get one notice per folder (a Helm chart's `templates/`
 * holds dozens).
 */
function skipTemplates(fs: FileSystem, root: string, out: ProjectFiles): void {
  out.dockerfiles = out.dockerfiles.filter((p) => {
    const why = templateReason(fs, root, p, 'dockerfile');
    if (why) out.skipped.push({ path: p, reason: why });
    return !why;
  });
  const byFolder = new Map<string, { first: string; why: string; n: number }>();
  out.yamlFiles = out.yamlFiles.filter((p) => {
    if (/(^|\/)\.github\/workflows\//.test(relativeInside(root, p) ?? p)) return true;
    const why = templateReason(fs, root, p, 'yaml');
    if (!why) return true;
    const d = dirname(p);
    const g = byFolder.get(d);
    if (g) g.n++;
    else byFolder.set(d, { first: p, why, n: 1 });
    return false;
  });
  for (const [d, g] of byFolder) {
    out.skipped.push(g.n === 1 ? { path: g.first, reason: g.why } : { path: d, reason: `${g.n} YAML files, templates (such as ${g.first.slice(d.length + 1)}: ${g.why.replace(/^a template \(|\)$/g, '')})` });
  }
}

/** How a Dockerfile's build context was decided, for messages ("context: compose.yaml"). */
export interface ContextChoice {
  root: string;
  how: 'config' | 'compose' | 'script' | 'inferred' | 'dockerfile-folder';
  /** The file that says so (compose file, workflow, script), when any. */
  evidence?: string;
  /** `--build-arg` values; undefined: passed with a value the model does not know (or builds disagree on it). */
  buildArgs?: Record<string, string | undefined>;
  target?: string;
  /** Why some ARG values are unknown (several builds of this Dockerfile pass different values), for --explain. */
  argNotes?: string[];
  /**
   * Inferred only, below the workspace root: no folder that could be the context holds any of the files the Dockerfile
   * copies by name, no Python code is at or below the Dockerfile's folder, and a folder named like an example or
   * template, or a README beside it, says what it is: a template meant for another project (reflex's
   * docker-example/), whose COPY sources the model does not know. Says why, for --explain.
   */
  template?: string;
}

/** A `docker build` seen in compose, a workflow or a script, already resolved to absolute paths. */
export interface KnownBuild {
  dockerfile: string;
  context: string;
  how: 'compose' | 'script' | 'config';
  evidence: string;
  buildArgs?: Record<string, string | undefined>;
  target?: string;
  /** Image tag or compose service, used to link manifests to this Dockerfile. */
  tag?: string;
  /** The image references the build really tags (`-t`, compose `image:` beside `build:`, action `tags`), as written. */
  tags?: string[];
  /** Zero-based line of the command in `evidence` (scripts and workflows). */
  line?: number;
}

/**
 * Picks the build context for a Dockerfile: an explicit build (config, compose, workflow or
 * script) when one names it, else the nearest ancestor folder where the COPY sources exist.
 */
export function resolveContext(fs: FileSystem, workspaceRoot: string, dockerfile: string, parsed: ParsedDockerfile, known: KnownBuild[]): ContextChoice {
  const order = { config: 0, compose: 1, script: 2 } as const;
  const explicit = known.filter((k) => k.dockerfile === dockerfile).sort((a, b) => order[a.how] - order[b.how]);
  if (explicit.length) {
    const k = explicit[0];
    const args = mergedBuildArgs(explicit.filter((e) => e.context === k.context), (p) => relativeInside(workspaceRoot, p) ?? p, argDefaults(parsed));
    return { root: k.context, how: k.how, evidence: k.evidence, buildArgs: args.values, target: k.target, ...(args.notes.length ? { argNotes: args.notes } : {}) };
  }
  return inferContext(fs, workspaceRoot, dockerfile, parsed);
}

/**
 * The build args of one Dockerfile over every build of it that the repository describes. A build that does not pass
 * a name gets the Dockerfile's default for it (`defaults`: the one literal default its ARG lines give; a name declared
 * without one is unset). A name every build gives the same value keeps it; when the builds that pass a value the
 * model cannot know (`${{ env.X }}`, `$SHA`) are the only ones that differ, the others decide and a note says so (the
 * model has one image per Dockerfile: it follows the builds it can read); otherwise the name has no known value and a
 * note says which builds disagree.
 */
export function mergedBuildArgs(
  builds: Pick<KnownBuild, 'buildArgs' | 'evidence' | 'line'>[],
  rel: (path: string) => string = (p) => p,
  defaults: Map<string, string | undefined> = new Map(),
): { values?: Record<string, string | undefined>; notes: string[] } {
  const notes: string[] = [];
  if (!builds.some((b) => b.buildArgs)) return { notes };
  if (builds.length === 1) return { values: builds[0].buildArgs, notes };
  const names = new Set(builds.flatMap((b) => Object.keys(b.buildArgs ?? {})));
  const values: Record<string, string | undefined> = {};
  const where = (b: (typeof builds)[number]) => `${rel(b.evidence)}${b.line !== undefined ? ':' + (b.line + 1) : ''}`;
  const UNKNOWN = '(unknown)';
  const UNSET = '(not passed)';
  for (const n of [...names].sort()) {
    const fallback = defaults.get(n);
    const seen = builds.map((b) => (b.buildArgs && n in b.buildArgs ? b.buildArgs[n] ?? UNKNOWN : fallback ?? UNSET));
    const shown = (v: string, b: (typeof builds)[number]) => (b.buildArgs && n in b.buildArgs ? v : fallback !== undefined ? `(not passed: the default ${fallback})` : UNSET);
    const known = [...new Set(seen.filter((v) => v !== UNKNOWN))];
    const unknownAt = builds.filter((_, i) => seen[i] === UNKNOWN).map(where);
    if (known.length === 0) {
      values[n] = undefined;
      continue;
    }
    if (known.length === 1) {
      // Agreed by every build that can be read; one that passes nothing keeps the Dockerfile's own declarations.
      const explicit = builds.some((b, i) => seen[i] !== UNKNOWN && b.buildArgs && n in b.buildArgs);
      if (explicit) values[n] = known[0];
      if (unknownAt.length) {
        notes.push(`ARG ${n}: ${unknownAt.join(', ')} ${unknownAt.length > 1 ? 'pass values' : 'passes a value'} the model cannot know; the model follows the other builds of this Dockerfile, which ${known[0] === UNSET ? 'do not pass it' : `give ${known[0]}`}`);
      }
      continue;
    }
    values[n] = undefined;
    notes.push(`ARG ${n} has no one value: the builds of this Dockerfile pass ${builds.map((b, i) => `${shown(seen[i], b)} (${where(b)})`).join(', ')}`);
  }
  return { values, notes };
}

/** Each ARG name the Dockerfile declares, with its one literal default (undefined: none, a variable in it, or different ones). */
export function argDefaults(parsed: ParsedDockerfile): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const conflicting = new Set<string>();
  for (const ins of parsed.instructions) {
    if (ins.keyword !== 'ARG') continue;
    for (const w of ins.args) {
      const eq = w.text.indexOf('=');
      const name = eq < 0 ? w.text : w.text.slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
      const value = eq < 0 || w.text.includes('$') ? undefined : w.text.slice(eq + 1);
      // One declaration without a default, or two different ones: a build passing nothing gets no single value.
      if (out.has(name) && out.get(name) !== value) conflicting.add(name);
      if (value === undefined) conflicting.add(name);
      out.set(name, value);
    }
  }
  for (const n of conflicting) out.set(n, undefined);
  return out;
}

/** The nearest ancestor (Dockerfile's folder first, up to the workspace root) where the most COPY sources exist. */
export function inferContext(fs: FileSystem, workspaceRoot: string, dockerfile: string, parsed: ParsedDockerfile): ContextChoice {
  const sources: string[] = [];
  for (const ins of parsed.instructions) {
    if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.json === undefined) continue;
    if (ins.flags.some((f) => f.name === 'from')) continue;
    if (ins.heredocs.length) continue;
    for (const w of ins.args.slice(0, -1)) {
      if (w.text.includes('$') || /^(https?:|git@)/.test(w.text)) continue;
      sources.push(contextPath(w.text));
    }
  }
  const candidates: string[] = [];
  let d = dirname(dockerfile);
  for (;;) {
    candidates.push(d);
    if (d === workspaceRoot || relativeInside(workspaceRoot, d) === undefined || d === '/') break;
    d = dirname(d);
  }
  if (!sources.length) return { root: dirname(dockerfile), how: 'dockerfile-folder' };
  let best = candidates[0];
  let bestScore = -1;
  // Sources other than the whole context (`COPY . .` exists in every folder).
  let named = 0;
  let namedFound = 0;
  for (const c of candidates) {
    const ctx = new BuildContext(fs, c);
    let score = 0;
    for (const s of sources) {
      const found = /[*?[]/.test(s) ? globContext(ctx, s).length > 0 : ctx.statOnDisk(s) !== undefined;
      if (found) score++;
      if (s !== '' && found) namedFound++;
    }
    if (c === candidates[0]) named = sources.filter((s) => s !== '').length;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
    if (score === sources.length) break;
  }
  const choice: ContextChoice = { root: best, how: 'inferred' };
  const rel = relativeInside(workspaceRoot, dirname(dockerfile));
  if (named > 0 && namedFound === 0 && rel && templateFolder(fs, dirname(dockerfile), rel) && !hasPythonBelow(fs, dirname(dockerfile))) {
    choice.template = `no build names this Dockerfile, no folder from ${rel} up to the workspace root holds any of the ${named} file(s) it copies by name, no Python code is in ${rel}, and ${templateFolder(fs, dirname(dockerfile), rel)}: it reads as a template for another project: what COPY brings is not known, and missing COPY sources are not reported`;
  }
  return choice;
}

const TEMPLATE_SEGMENT = /(?:^|[-_.])(?:examples?|templates?|samples?|starters?|boilerplates?|scaffold(?:ing)?)(?:$|[-_.])/i;

/** What says the Dockerfile's folder (never the workspace root) holds a template: a path segment naming one, or a README beside it to read first. */
function templateFolder(fs: FileSystem, dir: string, rel: string): string | undefined {
  const seg = rel.split('/').find((s) => TEMPLATE_SEGMENT.test(s));
  if (seg) return `the folder ${seg} names it an example or template`;
  const readme = (fs.readDir(dir) ?? []).find((n) => /^readme(?:\.(?:md|rst|txt))?$/i.test(n));
  return readme ? `${rel}/${readme} documents it` : undefined;
}

const PYTHON_PROJECT_FILE = /\.py$|^(?:requirements[\w.-]*\.txt|pyproject\.toml|setup\.cfg|Pipfile|poetry\.lock|uv\.lock)$/;

/** True when `dir` or a folder below it (SKIP_DIRS aside, at most 5,000 entries looked at) holds a Python file or project file; true also when the look is cut short. */
function hasPythonBelow(fs: FileSystem, dir: string): boolean {
  const stack = [dir];
  let seen = 0;
  while (stack.length) {
    const d = stack.pop()!;
    for (const name of fs.readDir(d) ?? []) {
      if (++seen > 5000) return true;
      if (PYTHON_PROJECT_FILE.test(name)) return true;
      if (SKIP_DIRS.has(name)) continue;
      const p = d === '/' ? '/' + name : d + '/' + name;
      if (fs.stat(p)?.kind === 'dir' && !fs.isSymlink?.(p)) stack.push(p);
    }
  }
  return false;
}

