// Inline suppressions, the same in Dockerfiles, Python and YAML: `# deploylint: ignore[rule-id, ...]` on the line or alone on the line above, `# deploylint: ignore-file[rule-id, ...]` for the whole file; applied once, centrally, and checked (unknown ids, unused directives).
// In Python, "the line" is every line of a multi-line string or backslash continuation (as flake8's and ruff's noqa), and `#` inside a string is no directive.
import { basename } from './fs';
import { LineIndex, pythonCommentLayout } from './python/lexical';
import { didYouMean } from './text/distance';
import type { Finding, Fix, Range } from './types';

const MARK = /#\s*deploylint:\s*ignore(-file)?\b(?:\[([^\]\n]*)\])?/;

/** One suppression comment. */
export interface Directive {
  /** Zero-based line of the comment. */
  line: number;
  /** The (first) line it suppresses on (its own, or the next when the comment is alone on its line), or the whole file. */
  target: number | 'file';
  /** The last line it suppresses on: `target`, or in Python the last line of a string or continuation that starts there. */
  through: number;
  /** The rule ids listed, each with its range; empty for a bare `ignore` (every rule). */
  ids: { id: string; range: Range }[];
  /** From `#` to the end of the directive. */
  range: Range;
  /** The comment is alone on its line. */
  alone: boolean;
}

/** A suppression comment that names an unknown rule or suppresses nothing. Not a rule finding: it has no rule id. */
export interface SuppressionProblem {
  file: string;
  range: Range;
  message: string;
  kind: 'unknown-rule' | 'unused';
  fixes: Fix[];
}

const isPython = (file: string | undefined) => !!file && /\.pyi?$/i.test(file);

/** Python lines joined into one (a multi-line string, a backslash continuation): the first and last line of the group holding `line`. */
type Groups = (line: number) => [number, number];

function pythonGroups(text: string): { comments: number[]; group: Groups } | undefined {
  const layout = pythonCommentLayout(text);
  if (!layout) return undefined;
  const { joined } = layout;
  return {
    comments: layout.comments,
    group: (line) => {
      let a = line;
      let b = line;
      while (joined.has(a)) a--;
      while (joined.has(b + 1)) b++;
      return [a, b];
    },
  };
}

/**
 * The suppression comments of a file, in order. With a Python `file`, only real comments count (not a
 * `#` inside a string), and a directive covers the whole string or continuation its line belongs to
 * (after the closing quotes) or starts (alone on the line above it).
 */
export function directivesOf(text: string, file?: string): Directive[] {
  const out: Directive[] = [];
  if (!text.includes('deploylint')) return out;
  const lines = text.split(/\r\n|\r|\n/);
  const py = isPython(file) ? pythonGroups(text) : undefined;
  const index = py ? new LineIndex(text) : undefined;
  const group: Groups = py ? py.group : (line) => [line, line];
  const scan = (i: number, from: number) => {
    const line = lines[i];
    const m = MARK.exec(line.slice(from));
    if (!m) return;
    const at = from + m.index;
    const alone = line.slice(0, at).trim() === '';
    const ids: Directive['ids'] = [];
    if (m[2] !== undefined) {
      const listStart = at + m[0].indexOf('[') + 1;
      const re = /[^,\s]+/g;
      for (let w = re.exec(m[2]); w; w = re.exec(m[2])) {
        ids.push({ id: w[0], range: { start: { line: i, character: listStart + w.index }, end: { line: i, character: listStart + w.index + w[0].length } } });
      }
    }
    const [first, last] = m[1] ? [0, 0] : alone ? [i + 1, group(i + 1)[1]] : group(i);
    out.push({ line: i, target: m[1] ? 'file' : first, through: last, ids, alone, range: { start: { line: i, character: at }, end: { line: i, character: at + m[0].length } } });
  };
  if (py && index) {
    for (const offset of py.comments) {
      const p = index.position(offset);
      scan(p.line, p.character);
    }
  } else lines.forEach((_, i) => scan(i, 0));
  return out;
}

/** The last text scanned per file and its directives: a re-lint that reads the same text (the server keeps disk answers) does not scan it again. */
const scanned = new Map<string, { text: string; directives: Directive[] }>();

function scannedDirectives(file: string, text: string): Directive[] {
  const last = scanned.get(file);
  if (last && last.text === text) return last.directives;
  const directives = directivesOf(text, file);
  scanned.set(file, { text, directives });
  return directives;
}

/** Rule ids suppressed on each zero-based line of a file ('*' for a bare `ignore`); line -1 holds the file-wide ones. */
export function suppressionsOf(text: string, file?: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const d of directivesOf(text, file)) {
    for (let key = d.target === 'file' ? -1 : d.target; key <= (d.target === 'file' ? -1 : d.through); key++) {
      const set = out.get(key) ?? new Set<string>();
      (d.ids.length ? d.ids.map((x) => x.id) : ['*']).forEach((id) => set.add(id));
      out.set(key, set);
    }
  }
  return out;
}

export interface SuppressionOptions {
  /** Every rule id that exists: other ids in a directive are reported. */
  knownRules: readonly string[];
  /** Rules that ran over the whole workspace: an id of one of them that suppressed nothing is reported as unused. */
  ranRules?: readonly string[];
  /** Files whose directives are checked, and how to read them (files with findings are read with `textOf`). */
  files?: readonly string[];
  read?: (file: string) => string | undefined;
}

/**
 * Drops the findings that a directive suppresses: one on a line of the finding's primary range or
 * of a line where the editor mirrors it, or a file-wide one in either file. With `options`, also
 * returns the directives' problems: unknown rule ids, and ids (or bare directives) that suppressed nothing.
 */
export function applySuppressions(findings: Finding[], textOf: (file: string) => string | undefined, options?: SuppressionOptions): { kept: Finding[]; problems: SuppressionProblem[] } {
  const cache = new Map<string, Directive[]>();
  const directives = (file: string, read = textOf) => {
    let d = cache.get(file);
    if (!d) {
      const t = read(file);
      d = t === undefined ? [] : scannedDirectives(file, t);
      cache.set(file, d);
    }
    return d;
  };
  /** Directive -> the ids that suppressed something ('*' for a bare one). */
  const used = new Map<Directive, Set<string>>();
  const kept = findings.filter((f) => {
    let suppressed = false;
    for (const at of [{ file: f.file, range: f.range }, ...(f.mirrors ?? [])]) {
      for (const d of directives(at.file)) {
        const applies = d.target === 'file' || (d.target <= at.range.end.line && d.through >= at.range.start.line);
        if (!applies) continue;
        const id = d.ids.length === 0 ? '*' : d.ids.some((x) => x.id === f.ruleId) ? f.ruleId : undefined;
        if (!id) continue;
        suppressed = true;
        const s = used.get(d) ?? new Set<string>();
        s.add(id);
        used.set(d, s);
      }
    }
    return !suppressed;
  });
  if (!options) return { kept, problems: [] };
  const problems: SuppressionProblem[] = [];
  const ran = new Set(options.ranRules ?? []);
  const files = new Set([...(options.files ?? []), ...cache.keys()]);
  for (const file of [...files].sort()) {
    const text = (options.read ?? textOf)(file);
    if (text === undefined) continue;
    for (const d of directives(file, options.read ?? textOf)) {
      const u = used.get(d) ?? new Set<string>();
      for (const x of d.ids) {
        if (options.knownRules.includes(x.id)) continue;
        const hint = didYouMean(x.id, options.knownRules);
        const near = /^; did you mean '([^']+)'/.exec(hint)?.[1];
        problems.push({
          file,
          range: x.range,
          kind: 'unknown-rule',
          message: `unknown rule '${x.id}' in a deploylint suppression${hint}`,
          fixes: near ? [{ title: `Replace with '${near}'`, edits: [{ file, range: x.range, newText: near }], isPreferred: true }] : [],
        });
      }
      const scope = d.target === 'file' ? 'in this file' : d.alone ? 'on the next line' : 'on this line';
      const unused = d.ids.length
        ? d.ids.filter((x) => ran.has(x.id) && !u.has(x.id))
        : u.size || ran.size < options.knownRules.length ? [] : [undefined];
      if (!unused.length) continue;
      const all = unused.length === d.ids.length || !d.ids.length;
      const what = unused.map((x) => x?.id ?? 'deploylint');
      const edits = all ? [removeDirective(file, text, d)] : unused.map((x) => removeId(file, d, x!));
      problems.push({
        file,
        range: all ? d.range : unused[0]!.range,
        kind: 'unused',
        message: `unused suppression: no ${what.join(', ')} finding ${scope}`,
        fixes: [{ title: all ? 'Remove the unused suppression' : `Remove ${what.map((w) => `'${w}'`).join(', ')} from the suppression`, edits, isPreferred: true }],
      });
    }
  }
  return { kept, problems };
}

/** Deletes a directive: its whole line when it is alone there, else from the spaces before `#` to the end of the line. */
function removeDirective(file: string, text: string, d: Directive): Fix['edits'][number] {
  const lines = new LineIndex(text);
  const lineText = text.slice(lines.starts[d.line], d.line + 1 < lines.lineCount ? lines.starts[d.line + 1] : text.length).replace(/\r?\n$|\r$/, '');
  if (d.alone) {
    const end = d.line + 1 < lines.lineCount ? { line: d.line + 1, character: 0 } : { line: d.line, character: lineText.length };
    return { file, range: { start: { line: d.line, character: 0 }, end }, newText: '' };
  }
  const before = lineText.slice(0, d.range.start.character).replace(/\s+$/, '');
  return { file, range: { start: { line: d.line, character: before.length }, end: { line: d.line, character: lineText.length } }, newText: '' };
}

/** Deletes one id from a directive's list, with the comma and spaces that separate it from a neighbour. */
function removeId(file: string, d: Directive, x: Directive['ids'][number]): Fix['edits'][number] {
  const i = d.ids.indexOf(x);
  const next = d.ids[i + 1];
  const prev = d.ids[i - 1];
  const range = next ? { start: x.range.start, end: next.range.start } : { start: prev.range.end, end: x.range.end };
  return { file, range, newText: '' };
}

/** Files whose comments start with `#` (where a suppression can be written). */
export function takesHashComments(file: string): boolean {
  const name = basename(file).toLowerCase();
  return /(^|\.)(dockerfile|containerfile)($|\.)/.test(name)
    || /\.(py|pyi|ya?ml|toml|cfg|ini|sh|bash|txt|in)$/.test(name)
    || /^\.(dockerignore|gitignore|env)/.test(name) || name.endsWith('.dockerignore') || name.endsWith('.env');
}

/** The text of a directive for `ids` (file-wide or for one line). */
export function directiveText(ids: string[], fileWide: boolean): string {
  return `# deploylint: ${fileWide ? 'ignore-file' : 'ignore'}[${ids.join(', ')}]`;
}

/**
 * The edit that suppresses `ruleId` on `line` (a directive alone on the line above, indented like
 * the line; or the id added to a directive already there), or in the whole file (after a shebang,
 * an encoding line or Dockerfile parser directives). In Python, a line inside a multi-line string or
 * a backslash continuation gets it above the line where that string or continuation starts (a comment
 * cannot go inside it). Undefined when the file cannot hold a `#` comment.
 */
export function suppressionEdit(file: string, text: string, ruleId: string, line: number | 'file'): Fix['edits'][number] | undefined {
  if (!takesHashComments(file)) return undefined;
  const py = line !== 'file' && isPython(file) ? pythonGroups(text) : undefined;
  const at = line === 'file' || !py ? line : py.group(line)[0];
  const existing = directivesOf(text, file).find((d) => d.target === at && d.ids.length > 0);
  if (existing) {
    if (existing.ids.some((x) => x.id === ruleId)) return undefined;
    const last = existing.ids[existing.ids.length - 1];
    return { file, range: { start: last.range.end, end: last.range.end }, newText: `, ${ruleId}` };
  }
  const lines = text.split(/\r\n|\r|\n/);
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  if (at === 'file') {
    let i = 0;
    const dockerfile = /(^|\.)(dockerfile|containerfile)($|\.)/.test(basename(file).toLowerCase());
    while (i < lines.length && (i === 0 && lines[i].startsWith('#!') || i < 2 && /^[ \t\f]*#.*?coding[:=]/.test(lines[i]) || dockerfile && /^#\s*[a-z]+\s*=/i.test(lines[i]))) i++;
    return { file, range: { start: { line: i, character: 0 }, end: { line: i, character: 0 } }, newText: directiveText([ruleId], true) + eol };
  }
  const indent = /^[ \t]*/.exec(lines[at] ?? '')![0];
  return { file, range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: indent + directiveText([ruleId], false) + eol };
}
