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
}

export const CONFIG_FILE = '.deploylint.yaml';

export function defaultConfig(): LintConfig {
  return { rules: {}, modelLoadSeconds: 60, modelMemoryMB: 100, contexts: {}, exclude: [], maxFileSize: MAX_TEXT_BYTES };
}

export interface ConfigProblem {
  file: string;
  message: string;
  line: number;
  /** The offending key (or value) in the file, when known. */
  range?: Range;
}

const LEVELS = new Set(['error', 'warning', 'info', 'off']);

/** What `readConfigObject` checks beyond the shape: the rule ids that exist. */
export interface ConfigCheck {
  knownRules?: readonly string[];
  /** Receives the key path of each problem, in the order of `problems` (for ranges). */
  paths?: string[][];
}

/** Validates a raw object (from YAML or editor settings) into a partial config, collecting problems. Invalid values are never applied. */
export function readConfigObject(raw: unknown, problems: string[], check: ConfigCheck = {}): Partial<LintConfig> {
  const out: Partial<LintConfig> = {};
  const bad = (message: string, ...path: string[]) => {
    problems.push(message);
    check.paths?.push(path);
  };
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    bad('the configuration must be a mapping');
    return out;
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['rules', 'modelLoadSeconds', 'modelMemoryMB', 'contexts', 'exclude', 'maxFileSize'].includes(key)) bad(`unknown setting '${key}'`, key);
  }
  if (o.rules !== undefined) {
    if (typeof o.rules !== 'object' || o.rules === null || Array.isArray(o.rules)) bad("'rules' must map rule ids to error, warning, info or off", 'rules');
    else {
      out.rules = {};
      for (const [id, v] of Object.entries(o.rules as Record<string, unknown>)) {
        if (check.knownRules && !check.knownRules.includes(id)) bad(`unknown rule '${id}'${didYouMean(id, check.knownRules)}`, 'rules', id);
        else if (typeof v === 'string' && LEVELS.has(v)) out.rules[id] = v as RuleLevel;
        else bad(`rule '${id}': level ${JSON.stringify(v)} is not error, warning, info or off; the rule keeps its default`, 'rules', id);
      }
    }
  }
  if (o.modelLoadSeconds !== undefined) {
    if (typeof o.modelLoadSeconds === 'number' && o.modelLoadSeconds >= 0 && Number.isFinite(o.modelLoadSeconds)) out.modelLoadSeconds = o.modelLoadSeconds;
    else bad("'modelLoadSeconds' must be a non-negative number", 'modelLoadSeconds');
  }
  if (o.modelMemoryMB !== undefined) {
    if (typeof o.modelMemoryMB === 'number' && o.modelMemoryMB >= 0 && Number.isFinite(o.modelMemoryMB)) out.modelMemoryMB = o.modelMemoryMB;
    else bad("'modelMemoryMB' must be a non-negative number", 'modelMemoryMB');
  }
  if (o.contexts !== undefined) {
    if (typeof o.contexts !== 'object' || o.contexts === null || Array.isArray(o.contexts)) bad("'contexts' must map Dockerfile paths to context folders", 'contexts');
    else {
      out.contexts = {};
      for (const [k, v] of Object.entries(o.contexts as Record<string, unknown>)) {
        if (typeof v === 'string') out.contexts[k] = v;
        else bad(`contexts '${k}': the context must be a folder path`, 'contexts', k);
      }
    }
  }
  if (o.maxFileSize !== undefined) {
    if (typeof o.maxFileSize === 'number' && o.maxFileSize > 0 && Number.isFinite(o.maxFileSize)) out.maxFileSize = Math.floor(o.maxFileSize);
    else bad("'maxFileSize' must be a positive number of bytes", 'maxFileSize');
  }
  if (o.exclude !== undefined) {
    if (Array.isArray(o.exclude) && o.exclude.every((x) => typeof x === 'string')) out.exclude = o.exclude as string[];
    else bad("'exclude' must be a list of globs", 'exclude');
  }
  return out;
}

/** Loads `.deploylint.yaml` from the workspace root (absent file: defaults). `knownRules` turns unknown rule ids into problems. */
export function loadConfig(fs: FileSystem, root: string, overrides: Partial<LintConfig> = {}, knownRules?: readonly string[]): { config: LintConfig; problems: ConfigProblem[] } {
  const file = join(root, CONFIG_FILE);
  const text = readText(fs, file);
  const problems: ConfigProblem[] = [];
  let fromFile: Partial<LintConfig> = {};
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
      fromFile = readConfigObject(raw, msgs, { knownRules, paths });
      msgs.forEach((message, i) => {
        const range = keyRange(doc, paths[i] ?? [], lines);
        problems.push({ file, message, line: range?.start.line ?? 0, range });
      });
    }
  }
  const base = defaultConfig();
  return {
    config: {
      rules: { ...base.rules, ...fromFile.rules, ...validLevels(overrides.rules) },
      modelLoadSeconds: overrides.modelLoadSeconds ?? fromFile.modelLoadSeconds ?? base.modelLoadSeconds,
      modelMemoryMB: overrides.modelMemoryMB ?? fromFile.modelMemoryMB ?? base.modelMemoryMB,
      contexts: { ...fromFile.contexts, ...overrides.contexts },
      exclude: [...(fromFile.exclude ?? []), ...(overrides.exclude ?? [])],
      maxFileSize: overrides.maxFileSize ?? fromFile.maxFileSize ?? base.maxFileSize,
    },
    problems,
  };
}

/** Only the levels that exist: a value like "loud" from unchecked editor settings is never applied. */
function validLevels(rules: Record<string, unknown> | undefined): Record<string, RuleLevel> {
  return Object.fromEntries(Object.entries(rules ?? {}).filter(([, v]) => typeof v === 'string' && LEVELS.has(v))) as Record<string, RuleLevel>;
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
