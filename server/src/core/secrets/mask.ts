// Renders a secret for messages, logs and SARIF without revealing it: provider prefix, a few characters, the length.
import type { SecretMatch } from './detectors';

/** Provider prefixes that identify a format and are not secret themselves, longest first where they nest. */
const KNOWN_PREFIX =
  /^(?:sk-ant-[a-z]+\d{2}-|sk-(?:proj|svcacct|admin|None)-|sk-|(?:sk|rk|pk)_(?:live|test)_|gh[pousr]_|github_pat_|xox[bpars]-|xapp-|AKIA|ASIA|ABIA|ACCA|AIza|hf_|api_org_|SG\.|(?:SK|AC)(?=[0-9a-f]{32}$)|-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----)/;

/** Characters shown after the provider prefix, at most. */
const SHOWN_AFTER_PREFIX = 4;

/**
 * `value` reduced to a short prefix, an ellipsis and its length: `sk-proj-Ab12… (164 chars)`.
 * The prefix is the provider's format prefix plus at most 4 characters (cut at a whitespace,
 * quote or backslash after the format prefix), and never more than a quarter of the value; a value shorter than
 * 4 characters shows nothing of itself (`… (3 chars)`). Lengths count Unicode code points.
 */
export function maskSecret(value: string): string {
  const chars = Array.from(value);
  const n = chars.length;
  const prefix = KNOWN_PREFIX.exec(value)?.[0].length ?? 0;
  let shown = Math.min(prefix + SHOWN_AFTER_PREFIX, Math.floor(n / 4));
  const stop = chars.slice(prefix, shown).findIndex((c) => /[\s\\"'`]/.test(c));
  if (stop >= 0) shown = prefix + stop;
  return `${chars.slice(0, shown).join('')}… (${n} ${n === 1 ? 'char' : 'chars'})`;
}

/** A match described for a message: `OpenAI API key sk-proj-Ab12… (164 chars)`. `value` is the scanned string. */
export function describeSecret(m: SecretMatch, value: string): string {
  return `${m.provider} ${maskSecret(value.slice(m.start, m.end))}`;
}
