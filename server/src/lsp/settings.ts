// The editor's `deploylint.*` settings, validated like `.deploylint.yaml`: invalid values are ignored and reported, never applied.
import { LintConfig, readConfigObject } from '../core/config';
import { rules } from '../core/rules';

/** The engine settings in the client's `deploylint` section, and a message per invalid one. Keys the engine does not read (the client's own) are not problems. */
export function readSettings(raw: unknown): { settings: Partial<LintConfig>; problems: string[] } {
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) return { settings: {}, problems: [] };
  const messages: string[] = [];
  const paths: string[][] = [];
  const settings = readConfigObject(raw, messages, { knownRules: rules.map((r) => r.id), paths });
  const problems = messages.filter((m, i) => !(paths[i]?.length === 1 && m.startsWith('unknown setting')));
  return { settings, problems };
}
