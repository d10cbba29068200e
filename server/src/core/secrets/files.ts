// Per-file-type secret scanning (Python strings, Dockerfile instructions, YAML/JSON scalars, .env, key=value configs, key files) with source ranges; no fixes, no workspace.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar } from 'yaml';
import type { Instruction, ParsedDockerfile, Word } from '../docker/parse';
import { computeLineStarts, offsetToPosition } from '../docker/parse';
import type { PyCall, PyCallArg, PyFileInfo, PyString } from '../python/parser';
import type { Range } from '../types';
import { nameWords, scanServiceAccountJson, scanValue, ScanContext, SecretMatch } from './detectors';
import { dotenvValuePosition, parseDotenv, DotenvEntry } from './dotenv';
import { blankInertDocuments } from '../text/yaml-inert';

/** What a file-type scanner knows about the whole file (where it came from), passed to every value it scans. */
export type FileScanContext = Omit<ScanContext, 'name'>;

/** `base` with the value's name, when known. */
/** A URL or `host:port` on loopback. */
const LOOPBACK_ENDPOINT = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s]*@)?(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:\/\S*)?$/i;

/** `LNBITS` of `LNBITS_KEY` / `LNBITS_API_KEY` / `LNBITS_ENDPOINT` (the name's first part), or undefined for a one-part name. */
function namePrefix(key: string): string | undefined {
  const i = key.indexOf('_');
  return i > 0 ? key.slice(0, i).toUpperCase() : undefined;
}

/** The text a Secret `data` value decodes to, or undefined when it is not base64 of printable text. */
function decodeBase64Text(v: string): string | undefined {
  const s = v.replace(/\s+/g, '');
  if (!s || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  return /^[\x20-\x7e\t\r\n]+$/.test(text) ? text : undefined;
}

function named(base: FileScanContext, name: string | undefined): ScanContext {
  return name === undefined ? base : { ...base, name };
}

/** One secret found in a file. `match` offsets are into `value`. */
export interface SecretHit {
  match: SecretMatch;
  /** The string that was scanned (a literal's decoded content, a scalar, an env value). */
  value: string;
  /** The variable or key the value is assigned to, when known. */
  name?: string;
  /** Where to report: the secret itself when it could be located exactly in the source, else the value. */
  range: Range;
}

/** The text a match covers. */
export function secretText(h: Pick<SecretHit, 'match' | 'value'>): string {
  return h.value.slice(h.match.start, h.match.end);
}

/** Offsets <-> positions over one text. */
export class TextIndex {
  readonly starts: number[];
  constructor(readonly text: string) {
    this.starts = computeLineStarts(text);
  }
  offset(p: { line: number; character: number }): number {
    return (this.starts[p.line] ?? this.text.length) + p.character;
  }
  position(offset: number) {
    return offsetToPosition(this.starts, offset);
  }
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
  /** The range of `needle` when it occurs exactly once in text[from, to). */
  locate(needle: string, from: number, to: number): Range | undefined {
    if (!needle) return undefined;
    const hay = this.text.slice(from, to);
    const i = hay.indexOf(needle);
    if (i < 0 || hay.indexOf(needle, i + 1) >= 0) return undefined;
    return this.range(from + i, from + i + needle.length);
  }
}

// ---------------------------------------------------------------- Python

export interface PyHit extends SecretHit {
  str: PyString;
}

/** An identifier ending in a credential word, then `=` or `:` (an annotation may sit between), then a string literal (line continuations and an opening parenthesis may come first). */
const PY_CREDENTIAL_ASSIGNMENT =
  /(?:key|token|secret|passw(?:or)?d|pass|pwd|passphrase|credentials?|creds|authorization)['"]?\]?\s*(?::\s*[A-Za-z_][\w[\]., |]*)?[:=][\s\\]*\(?[\s\\]*[rRbBuU]{0,2}['"]/i;

/**
 * Cheap test before parsing: a Python file can only yield a finding when a provider format occurs
 * anywhere in its text or a credential-named variable, key or argument is given a string literal.
 * Parsing is what costs (about 10 ms per file), and most files pass neither test.
 */
/** `os.environ.get("SECRET_KEY", "<literal>")`, `os.getenv("API_TOKEN", '...')`: a literal fallback of a credential-named variable. */
const PY_CREDENTIAL_FALLBACK =
  /(?:getenv|environ\.get|setdefault|\benv(?:\.\w+)?|\bconfig)\(\s*['"][\w.-]*(?:key|token|secret|passw(?:or)?d|pass|pwd|passphrase|credentials?|creds)['"]\s*,\s*(?:default\s*=\s*)?[rRbBuU]{0,2}['"]/i;

/** Words that make an assignment's name say its value is an example, not configuration. */
const EXAMPLE_WORDS = new Set(['example', 'examples', 'sample', 'samples', 'demo', 'dummy', 'fake', 'mock', 'placeholder', 'placeholders']);

export function pythonMayHoldSecret(text: string): boolean {
  return PY_CREDENTIAL_ASSIGNMENT.test(text) || PY_CREDENTIAL_FALLBACK.test(text) || scanValue(text).length > 0;
}

/**
 * Secrets in a Python file's string literals (f-strings: their constant parts), named by what
 * they are assigned to. The parts of an implicit concatenation (`"a" "b"`) are scanned without
 * the name: a part is not the value.
 */
export function scanPython(ix: TextIndex, info: PyFileInfo, base: FileScanContext = {}): PyHit[] {
  const out: PyHit[] = [];
  const spans = info.strings.map((s) => ({ s, from: ix.offset(s.range.start), to: ix.offset(s.range.end) })).sort((a, b) => a.from - b.from);
  const glued = (a: { to: number } | undefined, b: { from: number } | undefined) => !!a && !!b && a.to <= b.from && /^[\s\\]*$/.test(ix.text.slice(a.to, b.from));
  const fallbacks = envFallbackNames(info);
  spans.forEach(({ s }, i) => {
    if (s.value.length < 8) return;
    const partOfConcatenation = glued(spans[i - 1], spans[i]) || glued(spans[i], spans[i + 1]);
    const assigned = fallbacks.get(`${s.range.start.line}:${s.range.start.character}`) ?? s.assignedTo;
    // A keyword or key of a call or dict that is an example by name (`connection_args_example = dict(password="...")`)
    // documents the argument: its values are not judged by the name (provider formats still are).
    const example = s.within !== undefined && nameWords(s.within).some((w) => EXAMPLE_WORDS.has(w));
    const name = assigned === undefined || partOfConcatenation || example ? undefined : assigned.split('.').pop();
    for (const match of scanValue(s.value, named(base, name))) {
      const from = ix.offset(s.contentRange.start);
      const to = ix.offset(s.contentRange.end);
      const range = ix.locate(s.value.slice(match.start, match.end), from, to) ?? s.contentRange;
      out.push({ match, value: s.value, name, range, str: s });
    }
  });
  return out;
}

/**
 * The fallback of `os.environ.get("SECRET_KEY", "<literal>")` / `os.getenv(...)` / `environ.setdefault(...)`
 * is named by the variable it stands in for, keyed by the literal's start (`line:character`).
 */
function envFallbackNames(info: PyFileInfo): Map<string, string> {
  const out = new Map<string, string>();
  for (const { key, fallback } of envFallbacks(info)) out.set(`${fallback.valueRange.start.line}:${fallback.valueRange.start.character}`, key.value!);
  return out;
}

/**
 * Calls that read a variable with a fallback: the standard library (`os.getenv("X", "d")`, `os.environ.get`,
 * `environ.setdefault`), environs (`env = Env()`; `env("X", "d")`, `env.str("X", default="d")`), django-environ
 * (`env = environ.Env()`; `env("X", default="d")`: its second positional is the cast) and python-decouple
 * (`config("X", default="d")`); each with the variable's name argument and the fallback argument.
 */
export function envFallbacks(info: PyFileInfo): { call: PyCall; key: PyCallArg; fallback: PyCallArg }[] {
  const imports = (m: string) => info.imports.some((i) => i.level === 0 && (i.module === m || i.module.startsWith(`${m}.`)));
  const environs = imports('environs');
  const djangoEnviron = imports('environ');
  const decouple = imports('decouple');
  const out: { call: PyCall; key: PyCallArg; fallback: PyCallArg }[] = [];
  for (const c of info.calls) {
    const stdlib = /(^|\.)(getenv|environ\.get|environ\.setdefault)$/.test(c.callee);
    const reader = (environs || djangoEnviron) && /^env(?:\.\w+)?$/.test(c.callee);
    const config = decouple && /^(?:decouple\.)?config$/.test(c.callee);
    if (!stdlib && !reader && !config) continue;
    const positional = stdlib || config || environs || c.callee !== 'env';
    const key = c.args[0];
    const fallback = c.args.find((x, i) => (positional && i === 1 && x.name === undefined) || x.name === 'default');
    if (key?.name !== undefined || key?.value === undefined || !fallback || fallback === key) continue;
    out.push({ call: c, key, fallback });
  }
  return out;
}

// ---------------------------------------------------------------- Dockerfile

export interface DockerHit extends SecretHit {
  instr: Instruction;
  /** The argument word holding the value (absent for the legacy `ENV NAME value` form). */
  word?: Word;
}

/**
 * Secrets in ENV and ARG values (named by the variable) and in RUN commands (provider formats
 * anywhere; `NAME=value`, `--name=value` and `Header: value` words by name). A shell-form
 * command's words are scanned as the shell would see them.
 */
export function scanDockerfile(ix: TextIndex, parsed: ParsedDockerfile, base: FileScanContext = {}): DockerHit[] {
  const out: DockerHit[] = [];
  const push = (instr: Instruction, value: string, name: string | undefined, where: Range, word?: Word) => {
    for (const match of scanValue(value, named(base, name))) {
      const range = ix.locate(value.slice(match.start, match.end), ix.offset(where.start), ix.offset(where.end)) ?? where;
      out.push({ match, value, name, range, instr, word });
    }
  };
  for (const ins of parsed.instructions) {
    if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
      const words = ins.args;
      if (ins.keyword === 'ENV' && words.length && !words[0].text.includes('=')) {
        const rest = ins.commandText.slice(ins.commandText.indexOf(words[0].raw) + words[0].raw.length).trim().replace(/^(["'])(.*)\1$/s, '$2');
        push(ins, rest, words[0].text, { start: words[1]?.range.start ?? words[0].range.end, end: ins.range.end });
        continue;
      }
      for (const w of words) {
        const eq = w.text.indexOf('=');
        if (eq <= 0) continue;
        push(ins, w.text.slice(eq + 1), w.text.slice(0, eq), w.range, w);
      }
    } else if (ins.keyword === 'RUN') {
      const words = ins.args;
      for (const w of words) {
        const kv = /^(?:--?)?([A-Za-z_][A-Za-z0-9_.-]*)=(.+)$/s.exec(w.text) ?? /^([A-Za-z][A-Za-z0-9-]*):\s*(.+)$/s.exec(w.text);
        if (kv) push(ins, kv[2], kv[1], w.range, w);
        else push(ins, w.text, undefined, w.range, w);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- YAML and JSON

export interface YamlHit extends SecretHit {
  /** The whole scalar as written (quotes included). */
  scalarRange: Range;
  /** The key the scalar is the value of (absent for sequence items). */
  keyRange?: Range;
  /** Keys from the document root to the scalar (`['services', 'api', 'environment', 'TOKEN']`). */
  path: string[];
  /** The scalar sits inside a flow collection (`{...}` or `[...]`). */
  inFlow: boolean;
  /** A plain (unquoted, not block) scalar. */
  plain: boolean;
  /** The value is the default of a variable reference (`${DD_SECRET_KEY:-x}`): the variable's name. */
  defaultOf?: string;
}

/**
 * Secrets in the string scalars of every YAML document (JSON included): a mapping value is named
 * by its key, except `value` beside a `name` (Kubernetes env), which takes that name; a sequence
 * item `NAME=value` (compose environment lists, `--flag=value` args) by the part before `=`,
 * other items by the sequence's key. Documents with syntax errors are skipped.
 */
/**
 * `localServices`: the file starts the services it configures (a compose file, a CI workflow), so a key beside
 * a loopback endpoint of the same name prefix is for a service of that throw-away stack (see below); in other
 * YAML (a Kubernetes manifest, an app config) a loopback URL says nothing about where the key is used.
 */
export function scanYaml(ix: TextIndex, base: FileScanContext = {}, opts: { localServices?: boolean } = {}): YamlHit[] {
  const text = ix.text;
  const out: YamlHit[] = [];
  let docs;
  try {
    docs = parseAllDocuments(blankInertDocuments(text), { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  } catch {
    return out;
  }
  if (!Array.isArray(docs)) return out;
  type Item = { node: unknown; name?: string; path: string[]; inFlow: boolean; keyRange?: Range; local?: boolean };
  const rangeOf = (n: unknown): [number, number] | undefined => {
    const r = (n as { range?: [number, number, number] | null }).range;
    return r ? [r[0], r[1]] : undefined;
  };
  for (const doc of docs) {
    if (doc.errors.length) continue;
    // A Kubernetes Secret's `data` values are base64: the credential is what they decode to (base64 of a
    // placeholder such as `docsgpt-dev-jwt-secret-change-me` looks random but is none).
    const secretData = isMap(doc.contents) && doc.contents.items.some((p) => isScalar(p.key) && p.key.value === 'kind' && isScalar(p.value) && p.value.value === 'Secret');
    const stack: Item[] = [{ node: doc.contents, path: [], inFlow: false }];
    let budget = 200_000;
    while (stack.length && budget-- > 0) {
      const { node, name, path, inFlow, keyRange, local } = stack.pop()!;
      if (isMap(node)) {
        const flow = inFlow || !!node.flow;
        let sibling: string | undefined;
        const loopback = new Set<string>();
        for (const p of node.items) {
          if (!isScalar(p.key) || !isScalar(p.value) || typeof p.value.value !== 'string') continue;
          if (p.key.value === 'name') sibling = p.value.value;
          const prefix = namePrefix(String(p.key.value));
          if (opts.localServices && prefix && LOOPBACK_ENDPOINT.test(p.value.value)) loopback.add(prefix);
        }
        for (let i = node.items.length - 1; i >= 0; i--) {
          const p = node.items[i];
          if (!isPair(p) || !isScalar(p.key)) continue;
          const key = String(p.key.value);
          const kr = rangeOf(p.key);
          const prefix = namePrefix(key);
          stack.push({ node: p.value, name: key === 'value' && sibling !== undefined ? sibling : key, path: [...path, key], inFlow: flow, keyRange: kr ? ix.range(kr[0], kr[1]) : undefined, local: prefix !== undefined && loopback.has(prefix) });
        }
      } else if (isSeq(node)) {
        const flow = inFlow || !!node.flow;
        for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], name, path, inFlow: flow });
      } else if (isScalar(node) && typeof node.value === 'string') {
        const r = rangeOf(node);
        if (!r) continue;
        let value = node.value;
        let itemName = name;
        if (keyRange === undefined) {
          const kv = /^(?:--?)?([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(value);
          if (kv) {
            itemName = kv[1];
            value = kv[2]!;
          }
        }
        // `${NAME:-default}` / `${NAME-default}` (compose interpolation, shell): the default is used whenever NAME is not set.
        // Only for application keys (SECRET_KEY, *_TOKEN, *_API_KEY, encryption keys): a password default is usually
        // the local database or search service the same compose file starts.
        const dfltMatch = /^\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}$]*)\}$/.exec(value);
        const dflt = dfltMatch && /SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|AES|SIGNING|ENCRYPTION/i.test(itemName ?? dfltMatch[1]) && !/PASS/i.test(itemName ?? dfltMatch[1]) ? dfltMatch : undefined;
        if (dflt) {
          itemName ??= dflt[1];
          value = dflt[2]!;
        }
        let decoded = false;
        if (secretData && path.length === 2 && path[0] === 'data') {
          const text = decodeBase64Text(value);
          if (text === undefined) continue;
          value = text;
          decoded = true;
        }
        if (value.length < 8) continue;
        const scalarRange = ix.range(r[0], r[1]);
        // A key beside an endpoint of the same prefix on loopback (`LNBITS_ENDPOINT: http://localhost:5001`,
        // `LNBITS_KEY: ...`) is for a service the job or stack runs itself: judged as test data.
        const ctx = local ? { ...named(base, itemName), testData: true } : named(base, itemName);
        for (const match of scanValue(value, ctx)) {
          const range = decoded ? scalarRange : ix.locate(value.slice(match.start, match.end), r[0], r[1]) ?? scalarRange;
          out.push({ match, value, name: itemName, range, scalarRange, keyRange, path, inFlow, plain: node.type === Scalar.PLAIN, ...(dflt ? { defaultOf: dflt[1] } : {}) });
        }
      }
    }
  }
  return out;
}

/** Cheap test before parsing JSON: a provider format anywhere, a credential-named key with a string value, or a `"value"` (Kubernetes env in JSON). */
export function jsonMayHoldSecret(text: string): boolean {
  return PY_CREDENTIAL_ASSIGNMENT.test(text) || /"value"\s*:\s*"/.test(text) || scanValue(text).length > 0;
}

/** A JSON file: a service-account key file's private key, else the secrets of its string values (as YAML reads them). */
export function scanJson(ix: TextIndex, base: FileScanContext = {}): SecretHit[] {
  if (!jsonMayHoldSecret(ix.text)) return [];
  const sa = scanServiceAccountJson(ix.text);
  if (sa.length) return sa.map((match) => ({ match, value: ix.text, name: 'private_key', range: ix.range(match.start, match.start + Math.min(match.end - match.start, 40)) }));
  if (/"type"\s*:\s*"service_account"/.test(ix.text)) return [];
  return scanYaml(ix, base);
}

// ---------------------------------------------------------------- .env, .npmrc, .pypirc, key files

export interface DotenvHit extends SecretHit {
  entry: DotenvEntry;
}

/** Secrets in `.env` values, named by their variable. */
export function scanDotenvText(text: string, base: FileScanContext = {}): DotenvHit[] {
  const out: DotenvHit[] = [];
  for (const entry of parseDotenv(text)) {
    for (const match of scanValue(entry.value, named(base, entry.name))) {
      const range = { start: dotenvValuePosition(entry, match.start), end: dotenvValuePosition(entry, match.end) };
      out.push({ match, value: entry.value, name: entry.name, range, entry });
    }
  }
  return out;
}

/** npm's credential keys, renamed so the name heuristics see them as credentials. */
const NPMRC_NAMES: Record<string, string> = { _auth: 'npm_auth_token', _authtoken: 'npm_auth_token', _password: 'npm_password' };

/**
 * Secrets in `key = value` / `key: value` lines (`.npmrc`, `.pypirc`, `.netrc`-like INI files).
 * For npm's `//registry/:_authToken=...` the name is the part after the last `:`.
 */
export function scanKeyValueLines(ix: TextIndex, base: FileScanContext = {}): SecretHit[] {
  const out: SecretHit[] = [];
  ix.text.split('\n').forEach((raw, line) => {
    const l = raw.replace(/\r$/, '');
    const t = l.trimStart();
    if (!t || /^[#;[]/.test(t)) return;
    const sepAt = t.startsWith('//') ? l.indexOf('=') : l.search(/[=:]/);
    if (sepAt < 0) return;
    let key = l.slice(l.length - t.length, sepAt).trim();
    if (key.startsWith('//')) key = key.slice(key.lastIndexOf(':') + 1);
    let valueStart = sepAt + 1;
    while (l[valueStart] === ' ' || l[valueStart] === '\t') valueStart++;
    const value = l.slice(valueStart).trimEnd();
    const name = NPMRC_NAMES[key.toLowerCase()] ?? key;
    for (const match of scanValue(value, named(base, name))) {
      const range = { start: { line, character: valueStart + match.start }, end: { line, character: valueStart + match.end } };
      out.push({ match, value, name, range });
    }
  });
  return out;
}

/** Private keys in a key file (`*.pem`, `id_rsa`...): the header line is the range. */
export function scanKeyFile(ix: TextIndex): SecretHit[] {
  return scanValue(ix.text)
    .filter((m) => m.detector === 'private-key')
    .map((match) => {
      const nl = ix.text.indexOf('\n', match.start);
      return { match, value: ix.text, range: ix.range(match.start, nl < 0 || nl > match.end ? match.end : nl) };
    });
}
