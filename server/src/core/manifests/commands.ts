// Finds `docker build` and `gcloud run deploy` invocations in workflows, shell scripts and cloudbuild.yaml (for build contexts and Cloud Run settings).
import { LineCounter, Scalar, YAMLMap, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { basename } from '../fs';
import { parseDuration } from './duration';
import { OffsetMapper, YamlSource } from './nodes';
import type { Range } from '../types';
import { blankInertDocuments } from '../text/yaml-inert';
import { expandWords, isEngineVariable, ScriptVars } from './script-vars';

/** A container build found in a script, workflow or cloudbuild.yaml; paths as written (relative to where it runs). */
export interface DockerBuild {
  dockerfile?: string;
  context: string;
  tag?: string;
  /** Every tag, when there are several (`tag` is the first). */
  tags?: string[];
  /** `--target` stage, when given. */
  target?: string;
  /** `--build-arg K=V` (workflow `build-args`); undefined: passed, but its value is not known (a command's output, the caller's environment). */
  buildArgs?: Record<string, string | undefined>;
  /** Zero-based line where the command starts. */
  line: number;
}

/** A `gcloud run deploy` (or the deploy-cloudrun action); `flags` maps names without leading dashes to values ('true' for switches). */
export interface GcloudRunDeploy {
  service: string;
  image?: string;
  source?: string;
  port?: number;
  /** Request timeout in seconds (`--timeout 300`, `5m`). */
  timeout?: number;
  flags: Record<string, string>;
  /** Zero-based line where the command starts. */
  line: number;
}

/** Both kinds of command in one pass. */
export function scanDeployCommands(text: string, vars?: ScriptVars): { builds: DockerBuild[]; deploys: GcloudRunDeploy[] } {
  const builds: DockerBuild[] = [];
  const deploys: GcloudRunDeploy[] = [];
  for (const seg of shellSegments(text, 0)) matchSegment(seg, builds, deploys, vars);
  if (/^\s*steps\s*:|build-push-action|deploy-cloudrun/m.test(text)) structured(text, builds, deploys);
  return { builds: dedupe(builds, buildKey), deploys: dedupe(deploys, (d) => `${d.line}|${d.service}`) };
}

/**
 * `docker build`, `docker buildx build`, `docker image build`, `podman build`, `buildah bud`,
 * `gcloud builds submit --tag T CTX`, cloudbuild.yaml docker and kaniko steps, the docker/build-push-action,
 * in shell scripts and YAML `run:` blocks (backslash continuations joined).
 */
export function findDockerBuilds(text: string, vars?: ScriptVars): DockerBuild[] {
  return scanDeployCommands(text, vars).builds;
}

/** `gcloud [beta] run deploy NAME --image X --port N --source . ...`, cloudbuild gcloud steps, and the deploy-cloudrun action. */
export function findGcloudRunDeploys(text: string): GcloudRunDeploy[] {
  return scanDeployCommands(text).deploys;
}

/** Splits a string into shell words (quotes, backslashes, `$(...)` and `${{ }}` kept whole); operators end it. */
export function splitShellWords(s: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(s)) {
    if (t.op !== undefined) break;
    out.push(t.word);
  }
  return out;
}

// ---- shell scanning ----

interface Segment {
  words: string[];
  line: number;
}

type Token = { word: string; op?: undefined } | { op: string; word?: undefined };

/** Logical lines (backslash-newline joined), tokenized and cut at `;`, `&&`, `|`, ... */
function shellSegments(text: string, lineBase: number): Segment[] {
  const lines = text.split('\n');
  const out: Segment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = stripCr(lines[i]);
    while (endsWithContinuation(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + ' ' + stripCr(lines[++i]);
    }
    let words: string[] = [];
    for (const t of tokenize(logical)) {
      if (t.op !== undefined) {
        if (words.length) out.push({ words, line: lineBase + start });
        words = [];
      } else {
        words.push(t.word);
      }
    }
    if (words.length) out.push({ words, line: lineBase + start });
  }
  return out;
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

function endsWithContinuation(s: string): boolean {
  const m = /\\+$/.exec(s);
  return m !== null && m[0].length % 2 === 1;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let cur: string | undefined;
  const flush = () => {
    if (cur !== undefined) out.push({ word: cur });
    cur = undefined;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '#' && cur === undefined) {
      break; // comment
    } else if (s.startsWith('${{', i)) {
      const end = s.indexOf('}}', i + 3);
      const j = end < 0 ? s.length : end + 2;
      cur = (cur ?? '') + s.slice(i, j);
      i = j;
    } else if (s.startsWith('$(', i)) {
      const j = matchingParen(s, i + 1);
      cur = (cur ?? '') + s.slice(i, j);
      i = j;
    } else if (c === "'" || c === '`') {
      const end = s.indexOf(c, i + 1);
      const j = end < 0 ? s.length : end;
      cur = (cur ?? '') + (c === '`' ? s.slice(i, j + 1) : s.slice(i + 1, j));
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`'.includes(s[j + 1])) {
          v += s[j + 1];
          j += 2;
        } else if (s.startsWith('$(', j)) {
          const k = matchingParen(s, j + 1);
          v += s.slice(j, k);
          j = k;
        } else {
          v += s[j++];
        }
      }
      cur = (cur ?? '') + v;
      i = j + 1;
    } else if (c === '\\') {
      cur = (cur ?? '') + (s[i + 1] ?? '');
      i += 2;
    } else if (';&|()<>'.includes(c)) {
      flush();
      const j = i + 1 < s.length && s[i + 1] === c && c !== '(' && c !== ')' ? i + 2 : i + 1;
      out.push({ op: s.slice(i, j) });
      i = j;
    } else {
      cur = (cur ?? '') + c;
      i++;
    }
  }
  flush();
  return out;
}

/** Index just past the `)` matching the `(` at `open` (or the end of the string). */
function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    if (s[j] === '(') depth++;
    else if (s[j] === ')' && --depth === 0) return j + 1;
  }
  return s.length;
}

/** Recognises a build or deploy command anywhere in a segment (after `run:`, `sudo`, env assignments, ...). */
function matchSegment(seg: Segment, builds: DockerBuild[], deploys: GcloudRunDeploy[], vars?: ScriptVars): void {
  // In a script, its variables are expanded first (`"${DOCKER_BUILD_ARGS[@]}"`, `$params`); a word that may hold a build option drops the command.
  const expanded = vars ? expandWords(seg.words, vars) : undefined;
  const w = expanded?.words ?? seg.words;
  for (let i = 0; i < w.length; i++) {
    const cmd = basename(w[i]);
    const rest = (n: number) => w.slice(i + n);
    // `"$container_engine" build ...`: a script that runs docker or podman, whichever it was given.
    if (cmd === 'docker' || cmd === 'podman' || (vars && isEngineVariable(w[i]) && (w[i + 1] === 'build' || w[i + 1] === 'buildx'))) {
      if (expanded?.unsure && (w[i + 1] === 'build' || w[i + 1] === 'buildx')) return;
      if (w[i + 1] === 'build') return pushBuild(builds, dockerBuildArgs(rest(2), seg.line, vars));
      if (w[i + 1] === 'image' && w[i + 2] === 'build') return pushBuild(builds, dockerBuildArgs(rest(3), seg.line, vars));
      if (w[i + 1] === 'buildx') {
        // Global buildx options before the subcommand: `docker buildx --builder NAME build`.
        let j = i + 2;
        while (j < w.length && w[j].startsWith('-')) j += w[j] === '--builder' ? 2 : 1;
        if (w[j] === 'build') return pushBuild(builds, dockerBuildArgs(w.slice(j + 1), seg.line, vars));
      }
    } else if (cmd === 'buildah' && (w[i + 1] === 'bud' || w[i + 1] === 'build')) {
      return pushBuild(builds, dockerBuildArgs(rest(2), seg.line));
    } else if (cmd === 'gcloud') {
      const j = w[i + 1] === 'beta' || w[i + 1] === 'alpha' ? i + 2 : i + 1;
      if (w[j] === 'builds' && w[j + 1] === 'submit') return pushBuild(builds, gcloudBuildsSubmit(w.slice(j + 2), seg.line));
      if (w[j] === 'run' && w[j + 1] === 'deploy') {
        const d = gcloudRunDeploy(w.slice(j + 2), seg.line);
        if (d) deploys.push(d);
        return;
      }
    } else if ((cmd === 'sh' || cmd === 'bash') && w[i + 1] === '-c' && w[i + 2] !== undefined) {
      for (const inner of shellSegments(w[i + 2], seg.line)) matchSegment({ ...inner, line: seg.line }, builds, deploys, vars);
      return;
    }
  }
}

function pushBuild(builds: DockerBuild[], b: DockerBuild | undefined): void {
  if (b) builds.push(b);
}

// ---- argument parsing ----

/** docker/podman/buildx build switches (everything else takes a value unless written `--x=v`). */
const DOCKER_SWITCHES = new Set([
  'load', 'push', 'pull', 'no-cache', 'q', 'quiet', 'rm', 'force-rm', 'squash', 'compress', 'disable-content-trust',
  'check', 'debug', 'sbom', 'provenance', 'layers', 'no-hosts', 'squash-all', 'tls-verify', 'http-proxy', 'help',
]);

/** gcloud switches; any `--no-*` is one too. */
const GCLOUD_SWITCHES = new Set([
  'allow-unauthenticated', 'async', 'quiet', 'q', 'cpu-boost', 'cpu-throttling', 'use-http2', 'session-affinity',
  'default-url', 'invoker-iam-check', 'no-traffic', 'clear-env-vars', 'clear-secrets', 'clear-labels',
  'clear-vpc-connector', 'clear-network', 'clear-network-tags', 'clear-cloudsql-instances', 'clear-volumes',
  'clear-volume-mounts', 'clear-base-image', 'clear-key', 'automatic-updates', 'deploy-health-check', 'iap',
  'gpu-zonal-redundancy', 'suppress-logs', 'no-source', 'help',
]);

interface ParsedArgs {
  flags: [string, string][];
  positionals: string[];
}

/** Flags (`--x v`, `--x=v`, `-x v`, `-xv`) and positionals; a flag followed by another flag is a switch. */
function parseArgs(args: string[], switches: Set<string>): ParsedArgs {
  const out: ParsedArgs = { flags: [], positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const long = a.startsWith('--');
    const body = a.slice(long ? 2 : 1);
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    if (!long && eq < 0 && body.length > 1) {
      name = body[0]; // -fDockerfile
      value = body.slice(1);
    }
    if (value === undefined) {
      const next = args[i + 1];
      const isSwitch = switches.has(name) || name.startsWith('no-') || next === undefined || (next.startsWith('-') && next !== '-');
      value = isSwitch ? 'true' : args[++i];
    }
    out.flags.push([name, value]);
  }
  return out;
}

function first(p: ParsedArgs, ...names: string[]): string | undefined {
  return p.flags.find(([n]) => names.includes(n))?.[1];
}

function last(p: ParsedArgs, ...names: string[]): string | undefined {
  return [...p.flags].reverse().find(([n]) => names.includes(n))?.[1];
}

function dockerBuildArgs(args: string[], line: number, vars?: ScriptVars): DockerBuild | undefined {
  const p = parseArgs(args, DOCKER_SWITCHES);
  const context = p.positionals[0];
  if (context === undefined || context === '-') return undefined;
  const b: DockerBuild = { context, line };
  const dockerfile = last(p, 'f', 'file');
  if (dockerfile !== undefined) b.dockerfile = dockerfile;
  setTags(b, p.flags.filter(([n]) => n === 't' || n === 'tag').map(([, v]) => v));
  const target = last(p, 'target');
  if (target !== undefined) b.target = target;
  const args2 = buildArgValues(p.flags.filter(([n]) => n === 'build-arg').map(([, v]) => v), vars);
  if (args2) b.buildArgs = args2;
  return b;
}

function setTags(b: DockerBuild, tags: string[]): void {
  if (tags.length) b.tag = tags[0];
  if (tags.length > 1) b.tags = tags;
}

/**
 * `--build-arg K=V` values in order (the last of a name wins, as with docker); a value that still holds a
 * variable or a command is unknown, and `--build-arg K` takes K from the script's variables (else unknown).
 */
export function buildArgValues(items: string[], vars?: ScriptVars): Record<string, string | undefined> | undefined {
  if (!items.length) return undefined;
  const out: Record<string, string | undefined> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    let value: string | undefined = eq < 0 ? undefined : item.slice(eq + 1);
    if (eq < 0 && vars) {
      const words = expandWords(['${' + name + '}'], vars).words;
      value = words.length === 1 && !words[0].includes('$') ? words[0] : undefined;
    }
    out[name] = value === undefined || /\$|`/.test(value) ? undefined : value;
  }
  return out;
}

/** `gcloud builds submit --tag T [CTX]` builds CTX/Dockerfile; without `--tag` it runs a cloudbuild.yaml instead. */
function gcloudBuildsSubmit(args: string[], line: number): DockerBuild | undefined {
  const p = parseArgs(args, GCLOUD_SWITCHES);
  const tag = first(p, 'tag', 't');
  if (tag === undefined) return undefined;
  return { context: p.positionals[0] ?? '.', tag, line };
}

function gcloudRunDeploy(args: string[], line: number): GcloudRunDeploy | undefined {
  const p = parseArgs(args, GCLOUD_SWITCHES);
  const service = p.positionals[0];
  return service === undefined ? undefined : runDeploy(service, Object.fromEntries(p.flags), line);
}

function runDeploy(service: string, flags: Record<string, string>, line: number): GcloudRunDeploy {
  const d: GcloudRunDeploy = { service, flags, line };
  if (flags.image !== undefined) d.image = flags.image;
  if (flags.source !== undefined) d.source = flags.source;
  if (flags.port !== undefined && /^\d+$/.test(flags.port)) d.port = Number(flags.port);
  if (flags.timeout !== undefined) {
    const t = /^\d+$/.test(flags.timeout) ? Number(flags.timeout) : parseDuration(flags.timeout);
    if (t !== undefined) d.timeout = t;
  }
  return d;
}

// ---- YAML structures: cloudbuild.yaml steps, GitHub Actions ----

function structured(text: string, builds: DockerBuild[], deploys: GcloudRunDeploy[]): void {
  const lineCounter = new LineCounter();
  const mapper = new OffsetMapper(lineCounter);
  let docs;
  try {
    docs = parseAllDocuments(blankInertDocuments(text), { lineCounter, prettyErrors: false, merge: true });
  } catch {
    return;
  }
  if (!Array.isArray(docs)) return;
  for (const doc of docs) {
    if (doc.errors.length) continue;
    const src = new YamlSource(text, mapper, doc);
    const root = src.map(doc.contents);
    for (const step of src.seq(src.get(root, 'steps'))?.items ?? []) cloudBuildStep(src, src.map(step), builds, deploys);
    // Step ids are a job's own: each step sees the metadata-action steps of its job.
    const metaOf = new Map<YAMLMap, Map<string, string[]>>();
    visitMaps(doc.contents, 0, (m) => {
      const steps = src.seq(src.get(m, 'steps'))?.items.map((i) => src.map(i)).filter((i): i is YAMLMap => !!i);
      if (!steps) return;
      const meta = new Map<string, string[]>();
      for (const st of steps) metadataStep(src, st, meta);
      for (const st of steps) metaOf.set(st, meta);
    });
    visitMaps(doc.contents, 0, (m) => actionStep(src, m, builds, deploys, metaOf.get(m) ?? new Map()));
  }
}

function cloudBuildStep(src: YamlSource, step: YAMLMap | undefined, builds: DockerBuild[], deploys: GcloudRunDeploy[]): void {
  if (!step) return;
  const line = src.nodeRange(step).start.line;
  const name = src.str(step, 'name')?.value ?? '';
  const entrypoint = src.str(step, 'entrypoint')?.value;
  const args = src.strList(step, 'args')?.value ?? [];
  const image = basename(name).replace(/[:@].*$/, '');
  const tool = entrypoint !== undefined ? basename(entrypoint) : image === 'cloud-sdk' ? 'gcloud' : image;
  if (tool === 'docker') {
    if (args[0] === 'build') pushBuild(builds, dockerBuildArgs(args.slice(1), line));
    else if (args[0] === 'buildx' && args[1] === 'build') pushBuild(builds, dockerBuildArgs(args.slice(2), line));
  } else if (tool === 'executor') {
    pushBuild(builds, kanikoArgs(args, line));
  } else if (tool === 'gcloud') {
    const j = args[0] === 'beta' || args[0] === 'alpha' ? 1 : 0;
    if (args[j] === 'run' && args[j + 1] === 'deploy') {
      const d = gcloudRunDeploy(args.slice(j + 2), line);
      if (d) deploys.push(d);
    }
  } else if (tool === 'bash' || tool === 'sh') {
    // Block scripts (`- |`) are found by the line scan; one-line scripts are scanned here.
    const seq = src.seq(src.get(step, 'args'));
    const idx = args.indexOf('-c');
    const node = idx >= 0 ? seq?.items[idx + 1] : undefined;
    if (isScalar(node) && node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED && typeof node.value === 'string') {
      const at = src.nodeRange(node).start.line;
      for (const seg of shellSegments(node.value.replace(/\n/g, ' '), at)) matchSegment(seg, builds, deploys);
    }
  }
}

/** Kaniko (`gcr.io/kaniko-project/executor`): `--dockerfile`, `--context` (default: the workspace), `--destination`. */
function kanikoArgs(args: string[], line: number): DockerBuild {
  const p = parseArgs(args, DOCKER_SWITCHES);
  const b: DockerBuild = { context: (last(p, 'context', 'c') ?? '.').replace(/^dir:\/\//, ''), line };
  const dockerfile = last(p, 'dockerfile', 'f');
  if (dockerfile !== undefined) b.dockerfile = dockerfile;
  const tag = first(p, 'destination', 'd');
  if (tag !== undefined) b.tag = tag;
  const target = last(p, 'target');
  if (target !== undefined) b.target = target;
  return b;
}

/**
 * docker/metadata-action steps by id: the images of their `images` input (one a line or comma-separated, plain or in
 * the `name=REF,enable=...` form), the base names of the `tags` output a build-push step reads as
 * `${{ steps.<id>.outputs.tags }}`.
 */
function metadataStep(src: YamlSource, m: YAMLMap, meta: Map<string, string[]>): void {
  const uses = src.str(m, 'uses')?.value.replace(/@.*$/, '');
  const id = src.str(m, 'id')?.value;
  if (uses !== 'docker/metadata-action' || !id) return;
  const images = src.str(src.map(src.get(m, 'with')), 'images')?.value ?? '';
  const out: string[] = [];
  for (const line of images.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const parts = line.split(',').map((p) => p.trim());
    const named = parts.find((p) => p.startsWith('name='));
    if (named) out.push(named.slice(5));
    else out.push(...parts.filter((p) => p && !p.includes('=')));
  }
  if (out.length) meta.set(id, out.filter((i) => !i.includes('${{')));
}

/** The image names a build-push step pushes: its `tags` (metadata-action outputs resolved to their images) and `outputs: type=image,name=REF`. */
function pushedNames(tags: string, outputs: string, meta: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const t of tags.split(/[\n,]/).map((x) => x.trim()).filter((x) => x !== '')) {
    const ref = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$/.exec(t);
    if (ref) out.push(...(meta.get(ref[1]) ?? []));
    else out.push(t);
  }
  // buildx `--output type=image,name=REF[,push-by-digest=true]` names the image as -t does; several names are quoted `"name=a,b"`.
  const name = /(?:^|,)\s*"?name=([^"]+?)"?\s*(?:,\s*[a-z-]+=|$)/.exec(outputs.replace(/\n/g, ','));
  if (name && /type=(?:image|registry)/.test(outputs)) out.push(...name[1].split(',').map((x) => x.trim()).filter((x) => x && !x.includes('${{')));
  return out;
}

function actionStep(src: YamlSource, m: YAMLMap, builds: DockerBuild[], deploys: GcloudRunDeploy[], meta: Map<string, string[]>): void {
  const uses = src.str(m, 'uses');
  if (!uses) return;
  const line = uses.keyRange?.start.line ?? uses.range.start.line;
  const action = uses.value.replace(/@.*$/, '');
  const w = src.map(src.get(m, 'with'));
  const get = (k: string) => src.str(w, k)?.value;
  // docker/build-push-action, and drop-in forks with its inputs (useblacksmith/build-push-action).
  if (/^[\w.-]+\/build-push-action$/.test(action)) {
    const b: DockerBuild = { context: get('context') ?? '.', line };
    const file = get('file');
    if (file !== undefined) b.dockerfile = file;
    setTags(b, pushedNames(get('tags') ?? '', get('outputs') ?? '', meta));
    const target = get('target');
    if (target !== undefined) b.target = target;
    // `build-args`: one `K=V` a line (a list in the action's own format).
    const args = buildArgValues((get('build-args') ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
    if (args) b.buildArgs = args;
    builds.push(b);
  } else if (action === 'google-github-actions/deploy-cloudrun') {
    const service = get('service');
    if (service === undefined) return;
    const flags = Object.fromEntries(parseArgs(splitShellWords(get('flags') ?? ''), GCLOUD_SWITCHES).flags);
    for (const k of ['image', 'source', 'region']) {
      const v = get(k);
      if (v !== undefined) flags[k] = v;
    }
    deploys.push(runDeploy(service, flags, line));
  }
}

function visitMaps(node: unknown, depth: number, fn: (m: YAMLMap) => void): void {
  if (depth > 12) return;
  if (isMap(node)) {
    fn(node);
    for (const p of node.items) visitMaps(p.value, depth + 1, fn);
  } else if (isSeq(node)) {
    for (const it of node.items) visitMaps(it, depth + 1, fn);
  }
}

function buildKey(b: DockerBuild): string {
  return `${b.line}|${b.context}|${b.dockerfile ?? ''}|${b.tag ?? ''}`;
}

function dedupe<T extends { line: number }>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items
    .filter((t) => {
      const k = key(t);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}

/**
 * Where the value of `--<flag>` is written for a command found at zero-based `line` (`--memory 2Gi`,
 * `--memory=2Gi`, a continuation line, or the list item after a `'--memory'` item in cloudbuild args),
 * provided it reads `value` literally; undefined otherwise.
 */
export function findFlagValue(text: string, line: number, flag: string, value: string): Range | undefined {
  const lines = text.split('\n');
  const name = new RegExp(`(?:^|[\\s'"\\[,=])--${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s='",\\]])`, 'g');
  const token = (s: string, from: number): number => {
    for (let at = s.indexOf(value, from); at >= 0; at = s.indexOf(value, at + 1)) {
      const before = s[at - 1];
      const after = s[at + value.length];
      if ((before === undefined || /[\s'"=,[]/.test(before)) && (after === undefined || /[\s'",\]\\\r]/.test(after))) return at;
    }
    return -1;
  };
  for (let i = line; i < Math.min(lines.length, line + 40); i++) {
    name.lastIndex = 0;
    const m = name.exec(lines[i]);
    if (!m) continue;
    const end = m.index + m[0].length;
    for (let j = i; j <= Math.min(lines.length - 1, i + 2); j++) {
      const at = token(lines[j], j === i ? end : 0);
      if (at >= 0) return { start: { line: j, character: at }, end: { line: j, character: at + value.length } };
    }
    return undefined;
  }
  return undefined;
}
