// The editor's `deploylint.*` settings, validated like `.deploylint.yaml`: invalid values and unknown keys are ignored and reported, never applied.
import { LintConfig, readConfigObject, SETTINGS } from '../core/config';
import { rules } from '../core/rules';
import { didYouMean } from '../core/text/distance';

/** Settings only the editor has (not in `.deploylint.yaml`), with the values each may take. */
export const EDITOR_SETTINGS: Readonly<Record<string, readonly string[]>> = { diagnosticMode: ['workspace', 'openFiles'] };

/**
 * The engine settings in the client's `deploylint` section, and a message per invalid one: a bad
 * value, or a key that is neither an engine setting nor an editor one (with the closest known key).
 */
export function readSettings(raw: unknown): { settings: Partial<LintConfig>; problems: string[] } {
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) return { settings: {}, problems: [] };
  const messages: string[] = [];
  const paths: string[][] = [];
  const editor = raw as Record<string, unknown>;
  const engine = Object.fromEntries(Object.entries(editor).filter(([k]) => !(k in EDITOR_SETTINGS)));
  const settings = readConfigObject(engine, messages, { knownRules: rules.map((r) => r.id), paths });
  const known = [...SETTINGS.map((s) => s.key as string), ...Object.keys(EDITOR_SETTINGS)].map((k) => `deploylint.${k}`);
  const problems = messages.map((m, i) => {
    const unknown = paths[i]?.length === 1 && m.startsWith('unknown setting') ? paths[i][0] : undefined;
    return unknown === undefined ? m : `unknown setting 'deploylint.${unknown}'${didYouMean(`deploylint.${unknown}`, known)}`;
  });
  for (const [key, values] of Object.entries(EDITOR_SETTINGS)) {
    const v = editor[key];
    if (v !== undefined && !values.includes(v as string)) problems.push(`'${key}' must be ${values.join(' or ')}, not ${JSON.stringify(v)}`);
  }
  return { settings, problems };
}
