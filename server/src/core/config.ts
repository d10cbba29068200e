// Configuration: `.deploylint.yaml` at the workspace root, merged with editor settings; rule severities by id.
import { isMap, isScalar, parseDocument } from 'yaml';
import { FileSystem, join, MAX_TEXT_BYTES, readText } from './fs';
import { LineIndex } from './python/lexical';
import { didYouMean } from './text/distance';
import { compileWorkspaceGlob } from './text/glob';
import type { Range, Severity } from './types';

export type RuleLevel = Severity | 'off';

export interface LintConfig {
  /** Severity overrides by rule id. */
  rules: Record<string, RuleLevel>;
  /** Seconds one module-level model load is assumed to take. */
  modelLoadSeconds: number;
  /** MiB one module-level model load is assumed to hold in memory when its file is not in the image. */
  modelMemoryMB: number;
  /** Build contexts by Dockerfile, both relative to the workspace root. */
  contexts: Record<string, string>;
  /** Workspace-relative globs never read. */
  exclude: string[];
  /** Largest file read, in bytes; bigger files are skipped with a notice. */
  maxFileSize: number;
  /** Baseline file (workspace-relative or absolute); '' for none. Findings it records are not reported. */
  baseline: string;
}

export const CONFIG_FILE = '.deploylint.yaml';

export const LEVELS: readonly RuleLevel[] = ['error', 'warning', 'info', 'off'];

/** How one setting's value is read, validated, merged and described as JSON Schema. */
type SettingKind =
  | { kind: 'rules' }
  | { kind: 'number'; min: number; exclusiveMin?: boolean; /** Fractions are rounded down. */ integer?: boolean; problem: string }
  | { kind: 'map'; problem: string; valueProblem: (key: string) => string; example: string }
  | { kind: 'globs'; problem: string }
  | { kind: 'path'; problem: string };

/** One setting of `.deploylint.yaml` (and of the editor's `deploylint.*`). */
export type Setting = { key: keyof LintConfig; description: string } & SettingKind;

/**
 * The one definition of the configuration: the reader below, the VS Code settings in package.json,
 * the JSON Schema of `.deploylint.yaml` (schemas/) and the README's list derive from it (`npm run gen`).
 */
export const SETTINGS: readonly Setting[] = [
  { key: 'rules', kind: 'rules', description: 'Severity by rule id (`error`, `warning`, `info` or `off`).' },
  {
    key: 'modelLoadSeconds',
    kind: 'number',
    min: 0,
    problem: "'modelLoadSeconds' must be a non-negative number",
    description: 'Seconds one module-level model load is assumed to take when estimating start-up time.',
  },
  {
    key: 'modelMemoryMB',
    kind: 'number',
    min: 0,
    problem: "'modelMemoryMB' must be a non-negative number",
    description: 'MiB one module-level model load is assumed to hold in memory when the model file is not in the image (memory-limit-too-low).',
  },
  {
    key: 'contexts',
    kind: 'map',
    problem: "'contexts' must map Dockerfile paths to context folders",
    valueProblem: (k) => `contexts '${k}': the context must be a folder path`,
    example: '{"docker/api.Dockerfile": "."}',
    description: 'Build context by Dockerfile, both relative to the workspace root.',
  },
  { key: 'exclude', kind: 'globs', problem: "'exclude' must be a list of globs", description: 'Workspace-relative globs deploylint never reads.' },
  {
    key: 'maxFileSize',
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    integer: true,
    problem: "'maxFileSize' must be a positive number of bytes",
    description: 'Largest file deploylint reads, in bytes (default 2 MiB); bigger files are skipped with a notice in the output.',
  },
  {
    key: 'baseline',
    kind: 'path',
    problem: "'baseline' must be a file path",
    description: 'Baseline file written by `deploylint --write-baseline FILE` (relative to the workspace root): the findings it records are not reported, only new ones.',
  },
];

export function defaultConfig(): LintConfig {
  return { rules: {}, modelLoadSeconds: 60, modelMemoryMB: 100, contexts: {}, exclude: [], maxFileSize: MAX_TEXT_BYTES, baseline: '' };
}

export interface ConfigProblem {
  file: string;
  message: string;
  line: number;
  /** The offending key (or value) in the file, when known. */
  range?: Range;
}

/** "unknown rule 'x'; did you mean 'y'?" when one is close, else "unknown rule 'x'; valid: a, b, c". */
export function unknownRuleMessage(id: string, known: readonly string[]): string {
  return `unknown rule '${id}'${didYouMean(id, known)}`;
}

/** What `readConfigObject` checks beyond the shape: the rule ids that exist. */
export interface ConfigCheck {
  knownRules?: readonly string[];
  /** Receives the key path of each problem, in the order of `problems` (for ranges). */
  paths?: string[][];
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a raw object (from YAML or editor settings) into a partial config, collecting problems.
 * Invalid values are never applied; with `check.knownRules`, an unknown rule id is a problem too.
 */
export function readConfigObject(raw: unknown, problems: string[], check: ConfigCheck = {}): Partial<LintConfig> {
  const out: Record<string, unknown> = {};
  const bad = (message: string, ...path: string[]) => {
    problems.push(message);
    check.paths?.push(path);
  };
  if (raw === null || raw === undefined) return out;
  if (!isMapping(raw)) {
    bad('the configuration must be a mapping');
    return out;
  }
  const keys = SETTINGS.map((s) => s.key as string);
  for (const key of Object.keys(raw)) if (!keys.includes(key)) bad(`unknown setting '${key}'${didYouMean(key, keys)}`, key);
  for (const s of SETTINGS) {
    const v = raw[s.key];
    if (v === undefined) continue;
    if (s.kind === 'rules') {
      if (!isMapping(v)) {
        bad("'rules' must map rule ids to error, warning, info or off", s.key);
        continue;
      }
      const rules: Record<string, RuleLevel> = {};
      for (const [id, level] of Object.entries(v)) {
        if (check.knownRules && !check.knownRules.includes(id)) bad(unknownRuleMessage(id, check.knownRules), s.key, id);
        else if (typeof level === 'string' && (LEVELS as string[]).includes(level)) rules[id] = level as RuleLevel;
        else bad(`rule '${id}': level ${JSON.stringify(level)} is not error, warning, info or off; the rule keeps its default`, s.key, id);
      }
      out.rules = rules;
    } else if (s.kind === 'number') {
      const ok = typeof v === 'number' && Number.isFinite(v) && (s.exclusiveMin ? v > s.min : v >= s.min);
      if (ok) out[s.key] = s.integer ? Math.floor(v) : v;
      else bad(s.problem, s.key);
    } else if (s.kind === 'map') {
      if (!isMapping(v)) {
        bad(s.problem, s.key);
        continue;
      }
      const m: Record<string, string> = {};
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string') m[k] = x;
        else bad(s.valueProblem(k), s.key, k);
      }
      out[s.key] = m;
    } else if (s.kind === 'globs') {
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[s.key] = v;
      else bad(s.problem, s.key);
    } else if (typeof v === 'string') out[s.key] = v;
    else bad(s.problem, s.key);
  }
  return out as Partial<LintConfig>;
}

/** Merges editor settings over the file over the defaults: maps merge by key, glob lists add up, scalars override. */
function mergeConfig(...layers: Partial<LintConfig>[]): LintConfig {
  const out = defaultConfig() as unknown as Record<string, unknown>;
  for (const layer of layers) {
    for (const s of SETTINGS) {
      const v = layer[s.key];
      // An empty path is "not set" (the editor sends its default, ''), so it does not hide the file's value.
      if (v === undefined || (s.kind === 'path' && v === '')) continue;
      if (s.kind === 'rules' || s.kind === 'map') out[s.key] = { ...(out[s.key] as object), ...(v as object) };
      else if (s.kind === 'globs') out[s.key] = [...(out[s.key] as string[]), ...(v as string[])];
      else out[s.key] = v;
    }
  }
  return out as unknown as LintConfig;
}

export interface LoadConfigOptions {
  /** Absolute path of the config file to read instead of `<root>/.deploylint.yaml` (it must exist). */
  file?: string;
  /** Known rule ids: other ids in `rules` are problems. */
  knownRules?: readonly string[];
}

/** Loads `.deploylint.yaml` from the workspace root (absent file: defaults), or `options.file`; problems carry the offending key's range. */
export function loadConfig(
  fs: FileSystem,
  root: string,
  overrides: Partial<LintConfig> = {},
  options: LoadConfigOptions = {},
): { config: LintConfig; problems: ConfigProblem[] } {
  const file = options.file ?? join(root, CONFIG_FILE);
  const text = readText(fs, file);
  const problems: ConfigProblem[] = [];
  let fromFile: Partial<LintConfig> = {};
  if (text === undefined && options.file) problems.push({ file, message: 'cannot read the configuration file', line: 0 });
  if (text !== undefined) {
    const doc = parseDocument(text, { prettyErrors: false });
    const lines = new LineIndex(text);
    let raw: unknown;
    try {
      raw = doc.errors.length ? undefined : doc.toJS();
    } catch (e) {
      problems.push({ file, message: `cannot parse: ${(e as Error).message.split('\n')[0]}`, line: 0 });
    }
    if (doc.errors.length) {
      const e = doc.errors[0];
      const start = lines.position(e.pos[0]);
      problems.push({ file, message: `cannot parse: ${e.message.split('\n')[0]}`, line: start.line, range: { start, end: lines.position(Math.max(e.pos[1], e.pos[0])) } });
    } else if (!problems.length) {
      const msgs: string[] = [];
      const paths: string[][] = [];
      fromFile = readConfigObject(raw, msgs, { knownRules: options.knownRules, paths });
      msgs.forEach((message, i) => {
        const range = keyRange(doc, paths[i] ?? [], lines);
        problems.push({ file, message, line: range?.start.line ?? 0, range });
      });
    }
  }
  return { config: mergeConfig(fromFile, { ...overrides, rules: validLevels(overrides.rules) }), problems };
}

/** Only the levels that exist: a value like "loud" from unchecked editor settings is never applied. */
function validLevels(rules: Record<string, unknown> | undefined): Record<string, RuleLevel> {
  return Object.fromEntries(Object.entries(rules ?? {}).filter(([, v]) => typeof v === 'string' && (LEVELS as string[]).includes(v))) as Record<string, RuleLevel>;
}

/** The range of the key at `path` in a YAML document (the deepest key that exists along it). */
function keyRange(doc: ReturnType<typeof parseDocument>, path: string[], lines: LineIndex): Range | undefined {
  let node: unknown = doc.contents;
  let found: Range | undefined;
  for (const k of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === k);
    if (!pair || !isScalar(pair.key) || !pair.key.range) break;
    found = { start: lines.position(pair.key.range[0]), end: lines.position(pair.key.range[1]) };
    node = pair.value;
  }
  return found ?? (isMap(doc.contents) || !doc.contents?.range ? undefined : { start: lines.position(doc.contents.range[0]), end: lines.position(doc.contents.range[1]) });
}

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema of each setting's value, keyed by setting, from SETTINGS and the rule registry's
 * metadata (passed in: the registry imports this module). Descriptions are Markdown.
 */
export function settingSchemas(rules: readonly { id: string; meta: { severity: string; description: string } }[]): Record<string, JsonSchema> {
  const dflt = defaultConfig() as unknown as Record<string, unknown>;
  const out: Record<string, JsonSchema> = {};
  for (const s of SETTINGS) {
    const base = { default: dflt[s.key], markdownDescription: s.description };
    if (s.kind === 'rules') {
      out[s.key] = {
        type: 'object',
        ...base,
        properties: Object.fromEntries(rules.map((r) => [r.id, { type: 'string', enum: [...LEVELS], default: r.meta.severity, description: r.meta.description }])),
        additionalProperties: false,
      };
    } else if (s.kind === 'number') {
      out[s.key] = { type: 'number', ...base, ...(s.exclusiveMin ? { exclusiveMinimum: s.min } : { minimum: s.min }) };
    } else if (s.kind === 'map') {
      out[s.key] = { type: 'object', ...base, additionalProperties: { type: 'string' }, markdownDescription: `${s.description} For example \`${s.example}\`.` };
    } else if (s.kind === 'globs') out[s.key] = { type: 'array', ...base, items: { type: 'string' } };
    else out[s.key] = { type: 'string', ...base };
  }
  return out;
}

/** A matcher for workspace-relative globs (`**`, `*`, `?`); a glob also matches everything below a matching folder. Linear time. */
export function globMatcher(globs: string[]): (rel: string) => boolean {
  if (!globs.length) return () => false;
  const gs = globs.map(compileWorkspaceGlob);
  return (rel) => {
    for (let i = rel.length; i > 0; i = rel.lastIndexOf('/', i - 1)) {
      const part = i === rel.length ? rel : rel.slice(0, i);
      if (gs.some((g) => g.test(part))) return true;
    }
    return false;
  };
}
