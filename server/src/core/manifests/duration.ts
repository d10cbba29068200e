// Go duration strings (`1m30s`, `500ms`, `10s`), as Docker and Compose write them, to seconds.

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6, // U+00B5 micro sign
  'μs': 1e-6, // U+03BC Greek mu
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const COMPONENT = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a duration with Go's `time.ParseDuration` grammar: an optional sign, then one or more
 * `<decimal><unit>` components (`ns us µs ms s m h`); `"0"` alone is allowed. Returns seconds, or
 * undefined when the text is not a valid duration (e.g. a bare `"30"`).
 */
export function parseDuration(text: string): number | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    COMPONENT.lastIndex = i;
    const m = COMPONENT.exec(s);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return undefined;
    const n = Number(`${m[1] || '0'}.${m[2] || '0'}`);
    total += n * UNIT_SECONDS[m[3]];
    i = COMPONENT.lastIndex;
  }
  return sign * roundNanos(total);
}

/** Removes floating-point noise below a nanosecond (`0.1s + 0.2s` is 0.3, not 0.30000000000000004). */
function roundNanos(seconds: number): number {
  return Math.round(seconds * 1e9) / 1e9;
}
