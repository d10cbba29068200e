// The secrets boundary: every string that leaves the engine (messages, related messages, fix titles, notices) has secret values masked; a fix whose new text would carry a secret is not offered.
import type { Analysis, Notice } from './analysis';
import { scanValue } from './secrets/detectors';
import { maskSecret } from './secrets/mask';
import type { Finding, Range } from './types';

/** Longest text under a range that is scanned for secret values. */
const MAX_SCANNED = 16 * 1024;

/** `name = value`, `name: value`, `"name": "value"`, `--name=value`: the name, then the value (quoted or bare). */
const KEY_VALUE = /(?:^|[\s,{(;[-])["']?([A-Za-z_][\w.-]*)["']?\s*[=:]\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s,;'"}\])]+))/g;

/** `module:callable` or `module:factory(args)`, as gunicorn/uvicorn targets are written. */
const TARGET = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/;

/** A file name or path ending in a short extension (`docker/start.sh`, `GeoLite2-City.tar.gz`); a JWT's last part is longer. */
const FILE_PATH = /^(?:\.{1,2}\/|\/)?(?:[\w@-][\w.@-]*\/)*[\w@-][\w@-]*(?:\.[A-Za-z][A-Za-z0-9]{0,5})+$/;

/** One literal and nothing else: a quoted string (with an optional prefix) or a bare token. */
const LITERAL = /^(?:[rRbBuUfF]{0,2}"([^"\n]*)"|[rRbBuUfF]{0,2}'([^'\n]*)'|([^\s"'=,;()[\]{}]+))$/;

/** Masks secret values in outgoing text: the values it was taught, and any provider-format secret. */
export class Redactor {
  private readonly known = new Set<string>();

  /**
   * Remembers the secrets found in `text` (the text under a finding's or related location's range):
   * provider-format secrets anywhere in it; the value of each `name = value` / `name: value` pair,
   * judged under its own name (`password=...` teaches the password, not `password=...`); and, when
   * the text is one literal (a hardcoded-secret finding's range is the value itself), that literal
   * without its quotes, judged as a value named like a secret. Nothing else: an import line or a
   * dotted module name is not a credential because some finding points at it.
   */
  learn(text: string): void {
    if (text.length > MAX_SCANNED) text = text.slice(0, MAX_SCANNED);
    const add = (v: string) => {
      if (v.length >= 8) this.known.add(v);
    };
    for (const m of scanValue(text)) add(text.slice(m.start, m.end));
    for (const kv of text.matchAll(KEY_VALUE)) {
      const value = kv[2] ?? kv[3] ?? kv[4];
      for (const m of scanValue(value, { name: kv[1] })) add(value.slice(m.start, m.end));
    }
    const literal = LITERAL.exec(text.trim());
    if (literal) {
      const value = literal[1] ?? literal[2] ?? literal[3];
      // A server target (`web:create_app()`, `pkg.mod:app`) is code, not a credential; nor is a file path with an
      // extension (a COPY source `assets/GeoLite2-City_20191224.tar.gz`; study h5: shynet).
      if (TARGET.test(value) || FILE_PATH.test(value)) return;
      for (const m of scanValue(value, { name: 'secret' })) add(value.slice(m.start, m.end));
    }
  }

  /** True when `s` holds a known secret or a provider-format one. */
  holdsSecret(s: string): boolean {
    for (const v of this.known) if (s.includes(v)) return true;
    return scanValue(s).length > 0;
  }

  /** `s` with every known secret and every provider-format secret masked (`sk-proj-Ab12… (164 chars)`). */
  mask(s: string): string {
    if (!s) return s;
    let out = s;
    for (const v of [...this.known].sort((a, b) => b.length - a.length)) if (out.includes(v)) out = out.split(v).join(maskSecret(v));
    return maskProviderSecrets(out);
  }
}

/** `s` with every provider-format secret in it masked; stateless, for output formats as a last guard. */
export function maskProviderSecrets(s: string): string {
  if (!s) return s;
  const ms = scanValue(s);
  let out = s;
  for (let i = ms.length - 1; i >= 0; i--) out = out.slice(0, ms[i].start) + maskSecret(out.slice(ms[i].start, ms[i].end)) + out.slice(ms[i].end);
  return out;
}

/** The text a range covers in a file's text (at most MAX_SCANNED characters). */
function textAt(text: string, r: Range): string {
  let line = 0;
  let i = 0;
  while (line < r.start.line && i >= 0) {
    i = text.indexOf('\n', i);
    if (i >= 0) (i++, line++);
  }
  if (i < 0) return '';
  const start = i + r.start.character;
  let end = start;
  if (r.end.line === r.start.line) end = i + r.end.character;
  else {
    let j = i;
    for (let l = r.start.line; l < r.end.line && j >= 0; l++) {
      j = text.indexOf('\n', j);
      if (j >= 0) j++;
    }
    end = j < 0 ? text.length : j + r.end.character;
  }
  return text.slice(start, Math.min(end, start + MAX_SCANNED));
}

/**
 * Applies the boundary to a lint's output in place: learns the secret values under every finding's
 * and related location's range, drops fixes whose new text would carry a secret (with a notice),
 * and masks messages, fix titles and notices. Returns the redactor for callers' own output.
 */
export function redactOutput(a: Pick<Analysis, 'text'>, findings: Finding[], notices: Notice[]): Redactor {
  const r = new Redactor();
  for (const f of findings) {
    for (const loc of [f, ...f.related, ...(f.mirrors ?? [])]) {
      const text = a.text(loc.file);
      if (text !== undefined) r.learn(textAt(text, loc.range));
    }
  }
  for (const f of findings) {
    const kept = f.fixes.filter((x) => !x.edits.some((e) => r.holdsSecret(e.newText)));
    if (kept.length !== f.fixes.length) notices.push({ file: f.file, line: f.range.start.line, cause: 'fix-not-offered', message: `fix not offered (${f.ruleId}): its new text would contain the secret` });
    f.fixes = kept.map((x) => ({ ...x, title: r.mask(x.title) }));
    f.message = r.mask(f.message);
    f.related = f.related.map((l) => (l.message ? { ...l, message: r.mask(l.message) } : l));
    if (f.mirrors) f.mirrors = f.mirrors.map((l) => (l.message ? { ...l, message: r.mask(l.message) } : l));
  }
  for (const n of notices) n.message = r.mask(n.message);
  return r;
}
