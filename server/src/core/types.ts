// Shared value types of the engine: positions, findings, fixes and the rule contract.

/** Zero-based line and UTF-16 character offset, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

/** Half-open range [start, end). */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A place in a file. `file` is always an absolute POSIX path inside the workspace. */
export interface Location {
  file: string;
  range: Range;
  message?: string;
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

/** A fix travels with its finding; the LSP and CLI apply its edits verbatim. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  /** Other places involved (for missing-module: the import chain, entrypoint first). */
  related: Location[];
  fixes: Fix[];
  /**
   * Places where the editor should show the same problem as a second diagnostic
   * (for example the import line in the Python file). CLI and SARIF ignore these.
   */
  mirrors?: Location[];
  /** Stable identity across unrelated edits (rule + file + normalised subject), set by lint(); baselines and GitLab reports use it. */
  fingerprint?: string;
}

/** A finding before severity is applied; the engine sets `severity` from metadata and config. */
export type Draft = Omit<Finding, 'ruleId' | 'severity'> & {
  severity?: Severity;
  /**
   * The same problem in several containers whose messages differ only in the container's command: drafts with the same
   * file, range and `key` are one finding, its message rendered with every container's `who` (see perContainer).
   */
  across?: { key: string; who: string; render: (who: string[]) => string };
};

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

export function compareRanges(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character
    || a.end.line - b.end.line || a.end.character - b.end.character;
}
