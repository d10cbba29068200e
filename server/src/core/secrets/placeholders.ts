// Recognises values that stand in for a credential (templates, documentation keys, filler) rather than being one.

/**
 * Documentation keys published by providers. Built by concatenation so that this file does not
 * itself look like it contains a credential.
 */
const DOCUMENTATION_KEYS = new Set<string>([
  'AKIA' + 'IOSFODNN7' + 'EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCY' + 'EXAMPLEKEY',
  'sk_test_' + '4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_' + 'TYooMQauvdEDq54NiTphI7jx',
]);

/**
 * Constants a protocol publishes, which code keeps under key-like names: RFC 6455's GUID that a WebSocket
 * server appends to the client's `Sec-WebSocket-Key` (`WS_KEY = b"258EAFA5-..."` in gunicorn's example worker).
 */
const PROTOCOL_CONSTANTS = new Set<string>(['258EAFA5-E914-' + '47DA-95CA-C5AB0DC85B11']);

/** True for a constant a protocol specification publishes (upper or lower case). */
export function isProtocolConstant(value: string): boolean {
  return PROTOCOL_CONSTANTS.has(value.trim().toUpperCase());
}

/** True for a key a provider publishes in its documentation (AWS's `AKIAIOSFODNN7EXAMPLE`, Stripe's sample test key). */
export function isDocumentationKey(value: string): boolean {
  return DOCUMENTATION_KEYS.has(value.trim()) || /EXAMPLE/.test(value);
}

/** Whole values that are a template or a reference rather than a literal. */
const TEMPLATE_SHAPES: RegExp[] = [
  /^<[^<>]*>$/, // <KEY>, <your-token>
  /^<<[^<>]*>>$/, // <<API_KEY>>
  /^\[[^\][]*\]$/, // [YOUR_KEY]
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $VAR
  /^\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/, // $inputs.password, $steps.login.token: a workflow's reference to a value
  /^\$\(.*\)$/s, // $(command)
  /^%s$|^%\([^)]*\)[sd]$/, // %s, %(x)s
  /^\{[A-Za-z0-9_.]*\}$/, // {}, {name}, {0}
  /^@[A-Za-z_][A-Za-z0-9_]*@$/, // @VAR@
  /^__[A-Za-z0-9_]+__$/, // __VAR__
  /^#\{.*\}$/s, // #{var}
];

/** Template markers that make the whole value a template wherever they occur. */
const TEMPLATE_MARKERS = /\$\{|\{\{|\{%|<%[=-]|<%\s|%\([A-Za-z_][A-Za-z0-9_]*\)[sd]/;

/** Words that mark a value as filler when they appear as a separate word in it. */
const FILLER_WORDS = new Set([
  'your', 'changeme', 'replaceme', 'todo', 'tbd', 'fixme', 'dummy', 'sample', 'samples', 'test', 'testing',
  'fake', 'placeholder', 'redacted', 'insert', 'xxx', 'notreal', 'bogus', 'mock', 'here',
]);

/** Values (compared without separators, case and trailing digits) that are filler as a whole. */
const FILLER_VALUES = new Set([
  'changeme', 'changethis', 'changeit', 'replaceme', 'replacethis', 'fillme', 'fillmein', 'setme', 'updateme',
  'password', 'passwd', 'pass', 'secret', 'token', 'apikey', 'key', 'value', 'string', 'none', 'null', 'nil',
  'undefined', 'default', 'empty', 'notset', 'unset', 'foo', 'bar', 'baz', 'foobar', 'abc', 'qwerty', 'letmein',
  'mysecretpassword', 'secretpassword', 'supersecret', 'topsecret', 'hunter', 'correcthorsebatterystaple',
  'secretkey', 'privatekey', 'accesstoken', 'authtoken', 'clientsecret', 'mysecret', 'mypassword', 'mytoken',
  'myapikey', 'todo', 'tbd',
]);

/**
 * True when `value` is not a credential but stands in for one: a template or variable reference
 * (`${VAR}`, `$VAR`, `{{ x }}`, `${{ secrets.X }}`, `%(x)s`, `<KEY>`), filler (`your-api-key-here`,
 * `changeme`, `xxxx`, `***`, `...`, one repeated character, an ascending run such as `123456`),
 * a word such as `none`, `password` or `test`, or a provider's documentation key (anything
 * containing `EXAMPLE`). The empty string counts as a placeholder: there is nothing to report.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (DOCUMENTATION_KEYS.has(v) || isProtocolConstant(v)) return true;
  if (TEMPLATE_SHAPES.some((re) => re.test(v))) return true;
  if (TEMPLATE_MARKERS.test(v)) return true;
  if (/^(.)\1*$/s.test(v)) return true;
  if (/\.\.\.|…|\*{3,}|x{4,}/i.test(v) || /XXX|xxx/.test(v)) return true; // three x of one case: AKIA...XXX... (a scanner's documented sample)
  if (/^[x*#._\-\s]+$/i.test(v)) return true;
  if (/example/i.test(v)) return true;
  const words = v.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
  if (words.length > 1 && words.some((w) => FILLER_WORDS.has(w))) return true;
  const joined = deLeet(v.toLowerCase().replace(/[\d\W_]+$/, '')).replace(/[^a-z0-9]+/g, '');
  if (FILLER_VALUES.has(joined) || FILLER_WORDS.has(joined)) return true;
  if (joined.startsWith('your') || /^(?:changeme|changethis|changeit|replaceme|replacethis)/.test(joined)) return true;
  if (hasCountingRun(v, 6, 1) || hasCountingRun(v, 8, 2)) return true;
  const decoded = printableBase64(v);
  return decoded !== undefined && isPlaceholder(decoded);
}

/**
 * The text a base64 value encodes, when it is printable ASCII (a sample's `unwrapped_key = "YWJjZGVm..."` is the
 * alphabet run `abcdefghijklmnop` encoded); undefined for anything else, such as the random bytes a real key encodes.
 */
function printableBase64(v: string): string | undefined {
  if (v.length < 12 || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(v)) return undefined;
  const text = Buffer.from(v, 'base64').toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** Maps the usual letter-for-digit substitutions back (`p@ssw0rd` -> `password`). */
function deLeet(s: string): string {
  return s.replace(/[@4]/g, 'a').replace(/0/g, 'o').replace(/3/g, 'e').replace(/[$5]/g, 's').replace(/1/g, 'i').replace(/7/g, 't');
}

/**
 * True when `s` has `n` characters that each count on from the one `stride` places before it: a
 * counting run (`abcdef`, `345678`, stride 1), or two interleaved ones as made-up tokens are typed
 * (`1a2b3c4d`, a mock's `2b3c4d5e-6f7a-...`, stride 2).
 */
function hasCountingRun(s: string, n: number, stride: 1 | 2): boolean {
  let run = stride;
  for (let i = stride; i < s.length; i++) {
    const prev = s.charCodeAt(i - stride);
    const cur = s.charCodeAt(i);
    if (cur === prev + 1 && isAlnumCode(cur) && isAlnumCode(prev) && (stride === 1 || s[i] !== s[i - 1])) {
      if (++run >= n) return true;
    } else {
      run = stride;
    }
  }
  return false;
}

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
