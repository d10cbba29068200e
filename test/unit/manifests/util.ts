// Test helpers for manifest models: compact range notation and YAML from lines.
import type { Range } from '../../../server/src/core/types';

/** `line:char-line:char`, zero-based. */
export function at(r: Range | undefined): string | undefined {
  return r && `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** Joins lines with '\n' and a final newline. */
export function lines(...ls: string[]): string {
  return ls.join('\n') + '\n';
}
