// Configuration: `.deploylint.yaml` at the workspace root, merged with editor settings; rule severities by id.
import { parse as parseYaml } from 'yaml';
import { FileSystem, join, MAX_TEXT_BYTES, readText } from './fs';
import { compileWorkspaceGlob } from './text/glob';
import type { Severity } from './types';

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
}

const LEVELS = new Set(['error', 'warning', 'info', 'off']);

/** Validates a raw object (from YAML or editor settings) into a partial config, collecting problems. */
export function readConfigObject(raw: unknown, problems: string[]): Partial<LintConfig> {
  const out: Partial<LintConfig> = {};
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('the configuration must be a mapping');
    return out;
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['rules', 'modelLoadSeconds', 'modelMemoryMB', 'contexts', 'exclude', 'maxFileSize'].includes(key)) problems.push(`unknown setting '${key}'`);
  }
  if (o.rules !== undefined) {
    if (typeof o.rules !== 'object' || o.rules === null || Array.isArray(o.rules)) problems.push("'rules' must map rule ids to error, warning, info or off");
    else {
      out.rules = {};
      for (const [id, v] of Object.entries(o.rules as Record<string, unknown>)) {
        if (typeof v === 'string' && LEVELS.has(v)) out.rules[id] = v as RuleLevel;
        else problems.push(`rule '${id}': level must be error, warning, info or off`);
      }
    }
  }
  if (o.modelLoadSeconds !== undefined) {
    if (typeof o.modelLoadSeconds === 'number' && o.modelLoadSeconds >= 0 && Number.isFinite(o.modelLoadSeconds)) out.modelLoadSeconds = o.modelLoadSeconds;
    else problems.push("'modelLoadSeconds' must be a non-negative number");
  }
  if (o.modelMemoryMB !== undefined) {
    if (typeof o.modelMemoryMB === 'number' && o.modelMemoryMB >= 0 && Number.isFinite(o.modelMemoryMB)) out.modelMemoryMB = o.modelMemoryMB;
    else problems.push("'modelMemoryMB' must be a non-negative number");
  }
  if (o.contexts !== undefined) {
    if (typeof o.contexts !== 'object' || o.contexts === null || Array.isArray(o.contexts)) problems.push("'contexts' must map Dockerfile paths to context folders");
    else {
      out.contexts = {};
      for (const [k, v] of Object.entries(o.contexts as Record<string, unknown>)) {
        if (typeof v === 'string') out.contexts[k] = v;
        else problems.push(`contexts '${k}': the context must be a folder path`);
      }
    }
  }
  if (o.maxFileSize !== undefined) {
    if (typeof o.maxFileSize === 'number' && o.maxFileSize > 0 && Number.isFinite(o.maxFileSize)) out.maxFileSize = Math.floor(o.maxFileSize);
    else problems.push("'maxFileSize' must be a positive number of bytes");
  }
  if (o.exclude !== undefined) {
    if (Array.isArray(o.exclude) && o.exclude.every((x) => typeof x === 'string')) out.exclude = o.exclude as string[];
    else problems.push("'exclude' must be a list of globs");
  }
  return out;
}

/** Loads `.deploylint.yaml` from the workspace root (absent file: defaults). */
export function loadConfig(fs: FileSystem, root: string, overrides: Partial<LintConfig> = {}): { config: LintConfig; problems: ConfigProblem[] } {
  const file = join(root, CONFIG_FILE);
  const text = readText(fs, file);
  const problems: ConfigProblem[] = [];
  let fromFile: Partial<LintConfig> = {};
  if (text !== undefined) {
    let raw: unknown;
    try {
      raw = parseYaml(text);
      const msgs: string[] = [];
      fromFile = readConfigObject(raw, msgs);
      for (const m of msgs) problems.push({ file, message: m, line: 0 });
    } catch (e) {
      const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
      problems.push({ file, message: `cannot parse: ${(e as Error).message.split('\n')[0]}`, line: line - 1 });
    }
  }
  const base = defaultConfig();
  return {
    config: {
      rules: { ...base.rules, ...fromFile.rules, ...overrides.rules },
      modelLoadSeconds: overrides.modelLoadSeconds ?? fromFile.modelLoadSeconds ?? base.modelLoadSeconds,
      modelMemoryMB: overrides.modelMemoryMB ?? fromFile.modelMemoryMB ?? base.modelMemoryMB,
      contexts: { ...fromFile.contexts, ...overrides.contexts },
      exclude: [...(fromFile.exclude ?? []), ...(overrides.exclude ?? [])],
      maxFileSize: overrides.maxFileSize ?? fromFile.maxFileSize ?? base.maxFileSize,
    },
    problems,
  };
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
