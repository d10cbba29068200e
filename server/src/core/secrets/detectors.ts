// Finds credentials in a string: provider token formats anywhere in it, and high-entropy values assigned to credential names.
import { githubChecksumValid } from './checksum';
import { isDocumentationKey, isPlaceholder } from './placeholders';

/** A credential found in a scanned string. */
export interface SecretMatch {
  /** Human name of what was found, e.g. 'OpenAI API key'. */
  provider: string;
  /** Stable detector id, e.g. 'openai'. */
  detector: string;
  /** Offset of the first character within the scanned string. */
  start: number;
  /** Offset after the last character within the scanned string. */
  end: number;
  /**
   * 'high': the shape is specific to the provider (and any embedded checksum holds), so a match
   * is almost surely a real credential. 'medium': likely a credential, but a test key, a shape
   * other strings can share, or the generic name-and-entropy heuristic.
   */
  confidence: 'high' | 'medium';
}

/** What the caller knows about where the scanned string came from. */
export interface ScanContext {
  /** The variable or key the value is assigned to, e.g. `OPENAI_API_KEY`, `api_key`, `password`. */
  name?: string;
  /**
   * The value comes from a local-development file (an example or dev env file, a compose file
   * that is not for production): database URLs whose host is local (localhost, a loopback
   * address, a one-label service name such as `db`) and passwords of local data services
   * (`POSTGRES_PASSWORD`, `REDIS_PASSWORD`...) are set-up values, not leaked secrets.
   */
  localDev?: boolean;
  /** The value is in a CI workflow, whose jobs start the services they use: a database URL on loopback is the job's own. */
  ciWorkflow?: boolean;
  /**
   * The value is test data (test code, fixtures, mocked responses): values under credential names
   * (passwords, UUID tokens, hashes) are not scanned by name, local database URLs are set-up
   * values as in `localDev`, and of the provider formats only 'high' matches count (a GitHub token
   * whose checksum fails, a Stripe test key or an encrypted test key is a test's fake).
   */
  testData?: boolean;
}

type Push = (m: SecretMatch) => void;

interface Detector {
  id: string;
  scan(value: string, ctx: ScanContext, push: Push): void;
}

/** Distance (in characters) within which an AWS secret key or Twilio auth token must sit near its key id / SID. */
const PAIR_DISTANCE = 300;

function match(provider: string, detector: string, start: number, end: number, confidence: 'high' | 'medium'): SecretMatch {
  return { provider, detector, start, end, confidence };
}

/** Runs a global regex over `value`, calling `f` for each match. */
function each(re: RegExp, value: string, f: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    f(m);
    if (m[0] === '') re.lastIndex++;
  }
}

/** Shannon entropy of the character distribution of `s`, in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  const n = [...s].length;
  let h = 0;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A provider-shaped token whose random part is filler (placeholder words, one character repeated, too little variety). */
function fakeBody(body: string, whole: string): boolean {
  return isDocumentationKey(whole) || isPlaceholder(body) || (body.length >= 16 && shannonEntropy(body) < 2.5);
}

const openai: Detector = {
  id: 'openai',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin|None)-([A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g, value, (m) => {
      const body = m[1]!;
      if (fakeBody(body, m[0])) return;
      const marker = body.indexOf('T3BlbkFJ');
      if (marker >= 20 && body.length - marker - 8 >= 20) push(match('OpenAI API key', 'openai', m.index, m.index + m[0].length, 'high'));
      else if (body.length >= 40) push(match('OpenAI API key', 'openai', m.index, m.index + m[0].length, 'medium'));
    });
    each(/(?<![A-Za-z0-9_-])sk-([A-Za-z0-9]{48})(?![A-Za-z0-9_-])/g, value, (m) => {
      const body = m[1]!;
      if (fakeBody(body, m[0])) return;
      const conf = body.slice(20, 28) === 'T3BlbkFJ' ? 'high' : 'medium';
      push(match('OpenAI API key', 'openai', m.index, m.index + m[0].length, conf));
    });
  },
};

const anthropic: Detector = {
  id: 'anthropic',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_-])sk-ant-([a-z]+)\d{2}-([A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g, value, (m) => {
      const body = m[2]!;
      if (fakeBody(body, m[0])) return;
      const provider = m[1] === 'admin' ? 'Anthropic admin key' : 'Anthropic API key';
      if (body.length === 95 && body.endsWith('AA')) push(match(provider, 'anthropic', m.index, m.index + m[0].length, 'high'));
      else if (body.length >= 40) push(match(provider, 'anthropic', m.index, m.index + m[0].length, 'medium'));
    });
  },
};

const AWS_KEY_ID = /(?<![A-Za-z0-9_])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9_])/g;

/** What follows the key ID in a SigV4 credential: `/<yyyymmdd>/<region>/<service>/aws4_request`. */
const SIGV4_SCOPE = /^(?:\/|%2F)\d{8}(?:\/|%2F)[a-z0-9-]+(?:\/|%2F)[a-z0-9-]+(?:\/|%2F)aws4_request/i;

const awsAccessKeyId: Detector = {
  id: 'aws-access-key-id',
  scan(value, _ctx, push) {
    each(AWS_KEY_ID, value, (m) => {
      if (fakeBody(m[0].slice(4), m[0])) return;
      // The Credential of a SigV4-signed request (`AKIA…/20220405/eu-central-1/s3/aws4_request`, `%2F`-encoded in a
      // presigned URL): the key ID is sent in the clear by design and signs nothing without its secret (study h5).
      if (SIGV4_SCOPE.test(value.slice(m.index + m[0].length))) return;
      push(match('AWS access key ID', 'aws-access-key-id', m.index, m.index + m[0].length, 'high'));
    });
  },
};

/** `aws_secret_access_key`, `AWS_SECRET_KEY`, `secretAccessKey`, `aws_secret`. */
function isAwsSecretName(name: string | undefined): boolean {
  if (!name) return false;
  const w = nameWords(name);
  return (w.includes('aws') && w.includes('secret')) || (w.includes('secret') && w.includes('access') && w.includes('key'));
}

function plausibleAwsSecret(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9/+]/.test(s) && shannonEntropy(s) >= 3.5 && !isPlaceholder(s);
}

const awsSecretAccessKey: Detector = {
  id: 'aws-secret-access-key',
  scan(value, ctx, push) {
    const provider = 'AWS secret access key';
    if (isAwsSecretName(ctx.name)) {
      const t = trimmedSpan(value);
      const s = value.slice(t.start, t.end);
      if (/^[A-Za-z0-9/+]{40}$/.test(s) && plausibleAwsSecret(s)) push(match(provider, 'aws-secret-access-key', t.start, t.end, 'high'));
      return;
    }
    const ids: number[] = [];
    each(AWS_KEY_ID, value, (m) => ids.push(m.index));
    if (ids.length === 0) return;
    each(/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, value, (m) => {
      if (!plausibleAwsSecret(m[0])) return;
      if (ids.some((i) => Math.abs(i - m.index) <= PAIR_DISTANCE)) push(match(provider, 'aws-secret-access-key', m.index, m.index + m[0].length, 'high'));
    });
  },
};

const googleApiKey: Detector = {
  id: 'google-api-key',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, value, (m) => {
      if (fakeBody(m[0].slice(4), m[0])) return;
      push(match('Google API key', 'google-api-key', m.index, m.index + m[0].length, 'high'));
    });
  },
};

const GITHUB_KINDS: Record<string, string> = {
  ghp: 'GitHub personal access token',
  gho: 'GitHub OAuth access token',
  ghu: 'GitHub user-to-server token',
  ghs: 'GitHub server-to-server token',
  ghr: 'GitHub refresh token',
};

const github: Detector = {
  id: 'github',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_])(gh[pousr])_([A-Za-z0-9]{36})(?![A-Za-z0-9_])/g, value, (m) => {
      if (fakeBody(m[2]!, m[0])) return;
      const conf = githubChecksumValid(m[0]) ? 'high' : 'medium';
      push(match(GITHUB_KINDS[m[1]!]!, 'github', m.index, m.index + m[0].length, conf));
    });
    each(/(?<![A-Za-z0-9_])github_pat_([A-Za-z0-9]{22})_([A-Za-z0-9]{59})(?![A-Za-z0-9_])/g, value, (m) => {
      if (fakeBody(m[1]! + m[2]!, m[0])) return;
      push(match('GitHub fine-grained personal access token', 'github-fine-grained-pat', m.index, m.index + m[0].length, 'high'));
    });
  },
};

const slack: Detector = {
  id: 'slack',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_-])xox[bpars]-((?:\d+-){1,3}[A-Za-z0-9]{16,})(?![A-Za-z0-9_-])/g, value, (m) => {
      if (fakeBody(m[1]!, m[0])) return;
      push(match('Slack token', 'slack', m.index, m.index + m[0].length, 'high'));
    });
    each(/(?<![A-Za-z0-9_-])xapp-\d-([A-Z0-9]+-\d+-[a-z0-9]{32,})(?![A-Za-z0-9_-])/g, value, (m) => {
      if (fakeBody(m[1]!, m[0])) return;
      push(match('Slack app-level token', 'slack', m.index, m.index + m[0].length, 'high'));
    });
    const hook = 'https://hooks.slack.com/services/';
    each(/https:\/\/hooks\.slack\.com\/services\/(T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/([A-Za-z0-9]{24}))(?![A-Za-z0-9])/g, value, (m) => {
      if (fakeBody(m[2]!, m[0])) return;
      const start = m.index + hook.length;
      push(match('Slack webhook URL', 'slack-webhook', start, start + m[1]!.length, 'high'));
    });
  },
};

const stripe: Detector = {
  id: 'stripe',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_])(sk|rk)_(live|test)_([0-9A-Za-z]{24,247})(?![A-Za-z0-9_])/g, value, (m) => {
      if (fakeBody(m[3]!, m[0])) return;
      const kind = m[1] === 'sk' ? 'secret' : 'restricted';
      const live = m[2] === 'live';
      push(match(`Stripe ${live ? '' : 'test '}${kind} key`, 'stripe', m.index, m.index + m[0].length, live ? 'high' : 'medium'));
    });
  },
};

const huggingface: Detector = {
  id: 'huggingface',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_])(hf|api_org)_([A-Za-z]{34})(?![A-Za-z0-9_])/g, value, (m) => {
      if (fakeBody(m[2]!, m[0])) return;
      const provider = m[1] === 'hf' ? 'Hugging Face token' : 'Hugging Face organization token';
      push(match(provider, 'huggingface', m.index, m.index + m[0].length, 'high'));
    });
  },
};

const sendgrid: Detector = {
  id: 'sendgrid',
  scan(value, _ctx, push) {
    each(/(?<![A-Za-z0-9_.-])SG\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})(?![A-Za-z0-9_.-])/g, value, (m) => {
      if (fakeBody(m[1]! + m[2]!, m[0])) return;
      push(match('SendGrid API key', 'sendgrid', m.index, m.index + m[0].length, 'high'));
    });
  },
};

const twilio: Detector = {
  id: 'twilio',
  scan(value, ctx, push) {
    each(/(?<![A-Za-z0-9_])SK[0-9a-f]{32}(?![A-Za-z0-9_])/g, value, (m) => {
      if (fakeBody(m[0].slice(2), m[0])) return;
      push(match('Twilio API key', 'twilio-api-key', m.index, m.index + m[0].length, 'high'));
    });
    const hex32 = /^[0-9a-f]{32}$/;
    if (ctx.name && /twilio/i.test(ctx.name) && /auth|token|secret/i.test(ctx.name)) {
      const t = trimmedSpan(value);
      const s = value.slice(t.start, t.end);
      if (hex32.test(s) && !fakeBody(s, s)) push(match('Twilio auth token', 'twilio-auth-token', t.start, t.end, 'high'));
      return;
    }
    const sids: RegExpExecArray[] = [];
    each(/(?<![A-Za-z0-9_])AC[0-9a-f]{32}(?![A-Za-z0-9_])/g, value, (m) => {
      if (!fakeBody(m[0].slice(2), m[0])) sids.push(m);
    });
    if (sids.length === 0) return;
    const tokens: RegExpExecArray[] = [];
    each(/(?<![A-Za-z0-9_])[0-9a-f]{32}(?![A-Za-z0-9_])/g, value, (m) => {
      if (!fakeBody(m[0], m[0])) tokens.push(m);
    });
    const near = (a: RegExpExecArray, b: RegExpExecArray) => Math.abs(a.index - b.index) <= PAIR_DISTANCE;
    for (const sid of sids) {
      if (tokens.some((t) => near(sid, t))) push(match('Twilio account SID', 'twilio-account-sid', sid.index, sid.index + sid[0].length, 'medium'));
    }
    for (const t of tokens) {
      if (sids.some((sid) => near(sid, t))) push(match('Twilio auth token', 'twilio-auth-token', t.index, t.index + t[0].length, 'high'));
    }
  },
};

const PEM_HEADER = /-----BEGIN ((?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/g;

const PEM_NAMES: Record<string, string> = {
  RSA: 'RSA private key',
  EC: 'EC private key',
  DSA: 'DSA private key',
  OPENSSH: 'OpenSSH private key',
  ENCRYPTED: 'Encrypted private key',
  PGP: 'PGP private key',
};

/** Largest PEM block looked at; a key body is a few kilobytes. */
const MAX_PEM = 64 * 1024;

/**
 * Private-key PEM blocks with a real base64 body (at least 64 characters of varied base64; a
 * lone header, as in `line.startswith("-----BEGIN PRIVATE KEY-----")`, is not a key). Line breaks
 * may be real or JSON/shell-escaped (`\n`). Passphrase-encrypted keys are 'medium'.
 */
function scanPem(value: string, push: Push): void {
  each(PEM_HEADER, value, (m) => {
    const kind = m[1]?.trim();
    const footer = `-----END ${kind ? kind + ' ' : ''}PRIVATE KEY${m[2] ?? ''}-----`;
    const bodyStart = m.index + m[0].length;
    const footerAt = value.indexOf(footer, bodyStart);
    let body: string;
    let end: number;
    if (footerAt >= 0 && footerAt - bodyStart <= MAX_PEM) {
      body = value.slice(bodyStart, footerAt);
      end = footerAt + footer.length;
    } else {
      const run = /^(?:[A-Za-z0-9+/=\s]|\\[nr])*/.exec(value.slice(bodyStart, bodyStart + MAX_PEM))![0].replace(/(?:\s|\\[nr])+$/, '');
      body = run;
      end = bodyStart + run.length;
    }
    const lines = body.replace(/\\[nr]/g, '\n').split('\n');
    const base64 = lines.filter((l) => !l.includes(':')).join('').replace(/\s+/g, '');
    if (base64.length < 64 || !/^[A-Za-z0-9+/=]+$/.test(base64)) return;
    if (isPlaceholder(base64) || shannonEntropy(base64) < 4) return;
    const encrypted = kind === 'ENCRYPTED' || /Proc-Type:\s*4,ENCRYPTED/.test(body);
    push(match(kind ? PEM_NAMES[kind]! : 'Private key', 'private-key', m.index, end, encrypted ? 'medium' : 'high'));
  });
}

const privateKey: Detector = {
  id: 'private-key',
  scan(value, _ctx, push) {
    scanPem(value, push);
  },
};

const gcpServiceAccount: Detector = {
  id: 'gcp-service-account',
  scan(value, _ctx, push) {
    if (value.includes('service_account')) for (const m of scanServiceAccountJson(value)) push(m);
  },
};

const DB_SCHEMES: Record<string, string> = {
  postgres: 'PostgreSQL',
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongodb: 'MongoDB',
  redis: 'Redis',
  rediss: 'Redis',
  amqp: 'AMQP',
  amqps: 'AMQP',
};

/** Passwords that ship as image or tutorial defaults; a URL using one is a local setup, not a leaked secret. */
const DEFAULT_DB_PASSWORDS = new Set([
  'postgres', 'postgresql', 'mysql', 'mariadb', 'root', 'admin', 'guest', 'mongo', 'mongodb', 'redis', 'rabbitmq',
  'user', 'pass', 'pw', 'pwd', 'password', 'secret', 'test', 'example', 'changeme',
]);

/** A password that is its own description, words only: `powersync_password` (wger's settings fallback), `app-db-pass`, `shop_secret`. */
const NAMED_PASSWORD = /^[a-z]+(?:[_-][a-z]+)*[_-](?:password|passwd|pass|pwd|pw|secret)$/i;

const LOCAL_HOSTS = /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\])$/i;

/** A host only a local setup resolves: loopback, Docker's host alias, or a one-label name (a compose service such as `db`). */
function isLocalSetupHost(host: string): boolean {
  return LOCAL_HOSTS.test(host) || /^host\.docker\.internal$/i.test(host) || /^[A-Za-z][A-Za-z0-9_-]*$/.test(host);
}

/**
 * A URL on loopback for a test database: its user or database name, the name it is scanned under, or the variable the text assigns it to
 * (`JUPYTERHUB_TEST_DB_URL` on 127.0.0.1 with the user `test_user`, in a CI step), has the word `test`.
 * Only the machine that runs the tests reaches it (a CI job's service container, a developer's database).
 */
function testDatabase(value: string, at: number, user: string, length: number, name: string | undefined): boolean {
  const dbName = /^\/([A-Za-z0-9_-]+)/.exec(value.slice(at + length).replace(/^:\d+/, ''))?.[1];
  const assigned = /([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*["']?$/.exec(value.slice(Math.max(0, at - 80), at))?.[1];
  return [user, dbName, assigned, name].some((x) => x !== undefined && nameWords(x).includes('test'));
}

const databaseUrl: Detector = {
  id: 'database-url',
  scan(value, ctx, push) {
    const re = /(?<![A-Za-z0-9+.-])(postgres(?:ql)?|mysql|mariadb|mongodb|rediss?|amqps?)(?:\+[a-z0-9]+)*:\/\/([^\s:@/'"`]*):([^\s@/'"`]+)@([^\s/:?#'"`,;]+)/gi;
    each(re, value, (m) => {
      const user = m[2]!;
      const password = m[3]!;
      if (isPlaceholder(password) || password === user || DEFAULT_DB_PASSWORDS.has(password.toLowerCase()) || NAMED_PASSWORD.test(password)) return;
      if (/^\$|%[sd]$/.test(password)) return;
      // Test data reports only keys whose shape is certain (a checksum or marker); a URL's password has none,
      // and test suites are full of them (celery's t/unit/backends: redis://:bosco@vandelay.com//1).
      if (ctx.testData) return;
      if (ctx.localDev && isLocalSetupHost(m[4]!)) return;
      if (ctx.ciWorkflow && LOCAL_HOSTS.test(m[4]!)) return;
      if (LOCAL_HOSTS.test(m[4]!) && testDatabase(value, m.index, user, m[0].length, ctx.name)) return;
      const start = m.index + m[0].indexOf('://') + 3 + user.length + 1;
      const provider = `${DB_SCHEMES[m[1]!.toLowerCase()]} URL password`;
      push(match(provider, 'database-url', start, start + password.length, LOCAL_HOSTS.test(m[4]!) ? 'medium' : 'high'));
    });
  },
};

/** Provider detectors in priority order: when matches overlap, the earlier detector's match is kept. */
const PROVIDER_DETECTORS: Detector[] = [
  gcpServiceAccount,
  privateKey,
  slack,
  databaseUrl,
  anthropic,
  openai,
  github,
  awsAccessKeyId,
  awsSecretAccessKey,
  googleApiKey,
  stripe,
  huggingface,
  sendgrid,
  twilio,
];

/** Ids of all detectors, provider detectors first and 'generic' last. */
export const DETECTOR_IDS: readonly string[] = [
  'gcp-service-account', 'private-key', 'slack', 'slack-webhook', 'database-url', 'anthropic', 'openai', 'github',
  'github-fine-grained-pat', 'aws-access-key-id', 'aws-secret-access-key', 'google-api-key', 'stripe', 'huggingface',
  'sendgrid', 'twilio-api-key', 'twilio-account-sid', 'twilio-auth-token', 'generic',
];

/**
 * Finds credentials in `value`: every provider-format secret anywhere in the string, and, when
 * none is found and `ctx.name` is a credential name, the whole value if it looks random enough
 * (detector 'generic', confidence 'medium'). Matches are sorted by offset and never overlap.
 */
export function scanValue(value: string, ctx: ScanContext = {}): SecretMatch[] {
  const found: SecretMatch[] = [];
  const push: Push = (m) => {
    if (!found.some((f) => f.start < m.end && m.start < f.end)) found.push(m);
  };
  for (const d of PROVIDER_DETECTORS) d.scan(value, ctx, push);
  if (found.length === 0 && ctx.name !== undefined && !ctx.testData) {
    const g = genericMatch(value, ctx.name, ctx.localDev === true);
    if (g) found.push(g);
  }
  const kept = ctx.testData ? found.filter((m) => m.confidence === 'high') : found;
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Private keys of Google Cloud service-account key files: in JSON text that declares
 * `"type": "service_account"`, each `"private_key"` string holding a PEM private key. Offsets
 * are into `text` and cover the JSON string's contents (without the quotes, escapes as written).
 */
export function scanServiceAccountJson(text: string): SecretMatch[] {
  if (!/"type"\s*:\s*"service_account"/.test(text)) return [];
  const out: SecretMatch[] = [];
  each(/"private_key"\s*:\s*"/g, text, (m) => {
    const start = m.index + m[0].length;
    let i = start;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return;
    const contents = text.slice(start, i);
    let isKey = false;
    scanPem(contents, () => (isKey = true));
    if (isKey) out.push(match('GCP service-account private key', 'gcp-service-account', start, i, 'high'));
  });
  return out;
}

/** The words of an identifier, lower case: `OPENAI_API_KEY`, `apiKey`, `x-api-key` -> ['api', 'key'] etc. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Last words that make a credential-looking name describe something about the credential instead (`SECRET_NAME`, `TOKEN_URL`). */
const META_WORDS = new Set([
  'name', 'names', 'id', 'ids', 'arn', 'ref', 'reference', 'field', 'label', 'prompt', 'hint', 'help', 'title', 'text',
  'message', 'msg', 'placeholder', 'file', 'filename', 'path', 'dir', 'folder', 'location', 'env', 'var', 'variable',
  'length', 'len', 'min', 'max', 'size', 'bytes', 'bits', 'limit', 'count', 'regex', 'pattern', 'policy', 'rule',
  'rules', 'strength', 'complexity', 'url', 'uri', 'endpoint', 'host', 'algorithm', 'algo', 'type', 'kind', 'format',
  'encoding', 'mode', 'header', 'param', 'column', 'attr', 'attribute', 'hash', 'hasher', 'hashers', 'validator',
  'validators', 'timeout', 'ttl', 'expiry', 'expires', 'expiration', 'lifetime', 'duration', 'interval', 'age',
  'retries', 'attempts', 'reset', 'input', 'form', 'widget', 'class', 'enabled', 'required', 'template', 'version',
  'source', 'store', 'provider', 'backend', 'manager', 'prefix', 'suffix', 'separator', 'delimiter', 'char', 'chars',
  'scope', 'scopes', 'audience', 'issuer', 'index', 'pos', 'position', 'list', 'map', 'dict', 'set', 'callback',
  // Where a UI test or a scraper finds the field (jumpserver's applet test data: `"password_selector": "name=password"`).
  'selector', 'selectors', 'xpath', 'css', 'locator',
]);

/** Words before `KEY`/`TOKEN` that make it a document's id (a Google Sheets key, a Lark/Feishu doc token), not a credential. */
const PUBLIC_DOCUMENT_WORDS = ['doc', 'docs', 'document', 'sheet', 'sheets', 'spreadsheet', 'wiki', 'drive', 'folder', 'obj', 'bitable', 'gist'];

/** Words before `KEY` that make it a lookup or configuration key, not a credential (`SORT_KEY`, `PUBLIC_KEY`). */
const KEY_SETTING_WORDS = new Set([
  'sort', 'cache', 'partition', 'primary', 'foreign', 'unique', 'composite', 'natural', 'surrogate', 'public', 'pub',
  'publishable', 'site', 'lookup', 'index', 'hash', 'range', 'row', 'routing', 'group', 'order', 'idempotency',
  'dedup', 'dedupe', 'map', 'dict', 'registry', 'object', 'bucket', 'lock', 'memcache',
  'cursor', 'metadata', 'meta', 'config', 'setting', 'settings', 'translation', 'i18n', 'message', 'label', 'field',
  'column', 'attr', 'attribute', 'json', 'yaml', 'header', 'form', 'query', 'param', 'env', 'state', 'session',
  'table', 'model', 'event', 'topic', 'queue', 'stream', 'feature', 'flag', 'experiment', 'namespace', 'hot',
  'shortcut', 'keyboard', 'prefix', 'item', 'entry', 'record', 'lang', 'locale', 'sequence', 'seq',
  ...PUBLIC_DOCUMENT_WORDS,
]);

/** Words before `TOKEN` that make it a tokenizer or pagination token, not a credential (`PAD_TOKEN`, `NEXT_TOKEN`). */
const TOKEN_SETTING_WORDS = new Set([
  'pad', 'eos', 'bos', 'unk', 'sep', 'cls', 'mask', 'start', 'end', 'stop', 'special', 'page', 'next', 'continuation',
  'pagination', 'cancellation', 'sync', 'max', 'min', 'num',
  // A domain verification token is published in a DNS TXT record (SES VerifyDomainIdentity's VerificationToken).
  'verification',
  ...PUBLIC_DOCUMENT_WORDS,
]);

const KEY_COMPOUNDS = new Set(['apikey', 'secretkey', 'privatekey', 'accesskey', 'signingkey', 'masterkey', 'encryptionkey']);
const TOKEN_COMPOUNDS = new Set(['token', 'authtoken', 'accesstoken', 'refreshtoken', 'apitoken', 'bearertoken', 'idtoken']);
const SECRET_COMPOUNDS = new Set(['secret', 'clientsecret', 'appsecret', 'apisecret', 'credential', 'credentials', 'creds']);

/**
 * Whether a variable or key name holds a credential: 'password' for `*PASSWORD*`, `*PASSWD*`,
 * `*_PASS`, `*_PWD`, `passphrase`; 'secret' for `*_KEY`, `*_TOKEN`, `*_SECRET`, `api_key`, `apikey`,
 * `secret`, `token`, `auth_token`, `access_token`, `client_secret`, `private_key`, `credentials`,
 * `Authorization` (case-insensitive, snake, kebab, dotted or camelCase). Names whose last word
 * describes the credential (`SECRET_NAME`, `PASSWORD_FIELD`, `TOKEN_URL`) and keys that are
 * settings (`SORT_KEY`, `PUBLIC_KEY`, `PAD_TOKEN`) are not credential names.
 */
export function classifyCredentialName(name: string): 'password' | 'secret' | undefined {
  const w = nameWords(name);
  const last = w[w.length - 1];
  if (last === undefined || META_WORDS.has(last)) return undefined;
  const before = w.length > 1 ? w[w.length - 2]! : undefined;
  if (w.some((x) => x.includes('password') || x.includes('passwd')) || ['pass', 'pwd', 'passphrase'].includes(last)) {
    return 'password';
  }
  if (last === 'key') return before !== undefined && !KEY_SETTING_WORDS.has(before) ? 'secret' : undefined;
  // A glued name ending in one (`ltapikey`, `stripesecretkey`; study h10 R12: LibreTranslate's ConfigMap).
  if (KEY_COMPOUNDS.has(last) || [...KEY_COMPOUNDS].some((k) => last.endsWith(k))) return 'secret';
  if (TOKEN_COMPOUNDS.has(last) || (last.endsWith('token') && last.length > 5)) {
    return before !== undefined && TOKEN_SETTING_WORDS.has(before) ? undefined : 'secret';
  }
  if (SECRET_COMPOUNDS.has(last) || last.endsWith('secret')) return 'secret';
  if (last === 'authorization' || (last === 'header' && before === 'auth')) return 'secret';
  return undefined;
}

/**
 * Minimum Shannon entropy (bits per character) for a generic value. For random strings the
 * 0.1st percentile of the empirical entropy is about 3.16 for 16 base62 characters, 2.95 for 16
 * of [a-z0-9], 2.48 for 16 hex digits and 2.16 for 8 base62 characters; filler such as
 * `aaaabbbbcccc1111` (2.0) or `abab1212` (2.0) falls below. Entropy alone cannot tell `my_secret_name`
 * (3.18) from a key: the shape checks in `genericMatch` do that.
 */
const MIN_ENTROPY = { key: 3.0, hexKey: 2.5, password: 2.0 };

/** Bearer and Basic authorization schemes in front of a token. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|token)\s+/;

function trimmedSpan(value: string): { start: number; end: number } {
  const start = value.length - value.trimStart().length;
  return { start, end: Math.max(start, value.trimEnd().length) };
}

/** Words naming a data service whose password a local setup chooses (`POSTGRES_PASSWORD`, `DB_PASS`, `REDIS_PASSWORD`). */
const LOCAL_SERVICE_WORDS = new Set([
  'postgres', 'postgresql', 'pg', 'psql', 'mysql', 'mariadb', 'mssql', 'sa', 'db', 'database', 'sql', 'mongo', 'mongodb',
  'redis', 'rabbitmq', 'rabbit', 'amqp', 'minio', 'elastic', 'elasticsearch', 'opensearch', 'keycloak', 'pgadmin',
  'grafana', 'influxdb', 'clickhouse', 'neo4j', 'cassandra', 'couchdb', 'memcached', 'kafka', 'nats', 'mailpit',
  'admin', 'superuser', 'root',
]);

function genericMatch(value: string, name: string, localDev: boolean): SecretMatch | undefined {
  const kind = classifyCredentialName(name);
  if (!kind) return undefined;
  if (localDev && kind === 'password' && nameWords(name).some((w) => LOCAL_SERVICE_WORDS.has(w))) return undefined;
  let { start, end } = trimmedSpan(value);
  const scheme = AUTH_SCHEME.exec(value.slice(start, end));
  if (scheme) start += scheme[0].length;
  const v = value.slice(start, end);
  if (!looksLikeSecretValue(v, kind) || echoesName(v, name)) return undefined;
  if (scheme?.[0].startsWith('Basic') && !basicCredentialIsSecret(v)) return undefined;
  return match(kind === 'password' ? 'Password' : 'Secret', 'generic', start, end, 'medium');
}

function looksLikeSecretValue(v: string, kind: 'password' | 'secret'): boolean {
  if (v.length < (kind === 'password' ? 8 : 16)) return false;
  if (/\s/.test(v) || !/^[\x21-\x7e]+$/.test(v)) return false;
  if (isPlaceholder(v)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
  if (classes < 2) return false;
  const min = kind === 'password' ? MIN_ENTROPY.password : /^[0-9a-f]+$|^[0-9A-F]+$/.test(v) ? MIN_ENTROPY.hexKey : MIN_ENTROPY.key;
  if (shannonEntropy(v) < min) return false;
  if (isUrlOrPath(v) || isIdentifierLike(v) || isVersionOrDigest(v) || isPasswordHash(v) || isRateLimit(v) || isCallExpression(v)) return false;
  if (isKeyTemplate(v) || isRegexClass(v) || isPublicClientKey(v)) return false;
  return true;
}

/**
 * A key-name template with format fields: a key-value store or Redis key (`credential_id_{}`,
 * `ratelimit:invite:admin:{user_id}:min`, `session:%s`) under a `*_KEY` name. With the fields taken
 * out, what is left is words and separators.
 */
function isKeyTemplate(v: string): boolean {
  const FIELD = /\{[A-Za-z_][A-Za-z0-9_.]*(?::[^{}]*)?\}|\{\d*\}|%\([A-Za-z_]\w*\)[sdr]|%[sdr]/g;
  if (!FIELD.test(v)) return false;
  const rest = v.replace(FIELD, '').replace(/([_.:\-/])[_.:\-/]+/g, '$1').replace(/^[_.:\-/]+|[_.:\-/]+$/g, '');
  return rest === '' || isIdentifierLike(rest) || rest.split('/').every((p) => p !== '' && isIdentifierLike(p));
}

/**
 * A regular-expression character class (`[A-Za-z0-9!#$&^_.+-]+`, RFC 7230's `token` grammar held in
 * `_HEADER_TOKEN` to build a pattern): a bracket expression with a letter or digit range.
 */
function isRegexClass(v: string): boolean {
  return /\[\^?[^\]]*(?:A-Z|a-z|0-9|\\[dwsDWS])[^\]]*\](?:[+*?]|\{\d+(?:,\d*)?\})?/.test(v);
}

/**
 * Keys that are public by design: a PostHog project API key (`phc_`) only captures events and is
 * written into every web page that uses PostHog; the secret personal keys are `phx_` (docs/assumptions.md).
 */
function isPublicClientKey(v: string): boolean {
  return /^phc_[A-Za-z0-9]{30,}$/.test(v);
}

/**
 * A Basic authorization value is base64 of `user:password`; the server sees the decoded password, so
 * that is what is judged (`Basic c2VjcmV0OmtleQ==` is `secret:key`, a documented default). A value
 * that does not decode to printable `user:password` is judged as it is.
 */
function basicCredentialIsSecret(v: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) return true;
  const decoded = Buffer.from(v, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0 || !/^[\x20-\x7e]+$/.test(decoded)) return true;
  return looksLikeSecretValue(decoded.slice(colon + 1), 'password');
}

/**
 * A function call written as text, as SQL and ORM options hold under `*_key` names (a ClickHouse
 * `sharding_key="cityHash64(reinterpretAsUInt128(trace_id))"`, a sampling or partition key):
 * word-like function names whose arguments are word-like names, numbers or such calls. A random
 * token with a parenthesis in it has no word-like function name.
 */
function isCallExpression(v: string): boolean {
  const CALL = /([A-Za-z_][A-Za-z0-9_]*)\(([A-Za-z0-9_.,]*)\)/;
  let s = v;
  for (let i = 0; i < 8; i++) {
    const m = CALL.exec(s);
    if (!m || !isIdentifierLike(m[1]!) || !m[2]!.split(',').every((arg) => arg === '' || /^\d+$/.test(arg) || arg === 'call' || isIdentifierLike(arg))) return false;
    s = `${s.slice(0, m.index)}call${s.slice(m.index + m[0].length)}`;
    if (s === 'call') return true;
  }
  return false;
}

/** A rate limit (`100/day`, django-allauth's `1/m/ip,5/h/key`, DRF throttle rates) under a name like `reset_password`. */
function isRateLimit(v: string): boolean {
  return /^\d+\/[a-z]+(?:\/[a-z]+)*(?:,\d+\/[a-z]+(?:\/[a-z]+)*)*$/.test(v);
}

/** The value spells (part of) its own name, as enum members and error codes do: `JWT_INVALID_CSRF_TOKEN = "invalid_csrf_token"`. */
function echoesName(v: string, name: string): boolean {
  const flat = (x: string) => nameWords(x).join('');
  const fv = flat(v);
  return fv.length >= 8 && flat(name).includes(fv);
}

/**
 * A version or version range (`1.2.3`, `v2.0.1-rc.1+build.5`, `^4.0.0`, `>=1.0,<2`, pnpm's
 * `9.0.2(@types/node@20.1.0)`), a package specifier (`npm:x@1.2.3`, `workspace:*`), or a content
 * digest with its algorithm (`sha512-<base64>`, `sha256:<hex>`): what lockfiles and manifests hold
 * under package names such as `jsonwebtoken`.
 */
function isVersionOrDigest(v: string): boolean {
  const bare = v.replace(/\(.*\)$/, '');
  const parts = bare.split(/,|\|\|/);
  if (parts.every((p) => VERSION.test(p)) && /\d\.\d|^[\^~<>=]/.test(bare)) return true;
  if (/^(?:npm|workspace|file|link|portal|patch|git\+[a-z]+):/.test(v)) return true;
  return /^(?:sha(?:1|224|256|384|512)|md5|blake2b?|xxh(?:32|64|3))[-:][A-Za-z0-9+/=_-]+$/i.test(v);
}

/** One version or comparator: `1.2.3`, `v2`, `^4.0`, `>=1.0`, `1.x`, semver pre-release and build parts of short identifiers (`-rc.1`, `+build.5`). */
const VERSION = /^(?:[\^~]|[<>]=?|==?|!=)?v?\d+(?:\.(?:\d+|[x*]))*(?:-[0-9A-Za-z-]{1,10}(?:\.[0-9A-Za-z-]{1,10})*)?(?:\+[0-9A-Za-z-]{1,12}(?:\.[0-9A-Za-z-]{1,12})*)?$/;

/** A stored password hash (Django's `pbkdf2_sha256$...`, bcrypt `$2b$12$...`, argon2, crypt's `$6$...`): what a password hashes to, not the password. */
function isPasswordHash(v: string): boolean {
  return /^(?:pbkdf2_sha(?:1|256)|bcrypt(?:_sha256)?|argon2|scrypt|sha1|md5|unsalted_md5|crypt)\$/.test(v)
    || /^\$(?:2[abxy]?|argon2(?:id|i|d)|[156]|sha(?:256|512)crypt|scrypt|pbkdf2(?:-sha\d+)?)\$/.test(v)
    || /^\{(?:SSHA|SHA|SMD5|MD5|CRYPT|PBKDF2)[^}]*\}/i.test(v);
}

/** A URL (credentials in URLs are the database-url detector's business), a file path, or a cloud resource reference. */
function isUrlOrPath(v: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v)) return true;
  if (/^(?:\/|\.\.?\/|~\/|[A-Za-z]:[\\/])/.test(v)) return true;
  if (/^arn:|^projects\/|^vault:|^secret:/.test(v)) return true;
  // A JSON pointer or JSON Schema / OpenAPI `$ref` (`#/components/schemas/AWSSecretParameter`).
  if (/^#\/[\w~.%\/-]*$/.test(v)) return true;
  if (/\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|env|cfg|ini|conf|toml|py|sh)$/i.test(v)) return true;
  const parts = v.split('/');
  return parts.length > 1 && parts.every((p) => p === '' || isIdentifierLike(p) || /^[\w-]+\.\w{1,5}$/.test(p));
}

/**
 * An identifier made of words rather than random characters: `my_secret_name`, `created_at`,
 * `OPENAI_API_KEY`, `PostgresConnection`, any lower-case `snake_case`/`kebab-case` run of letters
 * (`invalid_csrf_token`). Random letters split into many short camelCase
 * "words", which this rejects.
 */
function isIdentifierLike(value: string): boolean {
  // Leading dots and underscores are Python's: a private name (`_app_last_token`) or a relative import (`._impl.auth:Token`).
  const v = value.replace(/^[._]+/, '').replace(/_+$/, '');
  if (v === '') return false;
  if (/^[a-z]+(?:[_.:-][a-z]+)+$/.test(v) || /^[A-Z]+(?:_[A-Z]+)+$/.test(v)) return true;
  // Lower-case words of which some end in a short number (`google_oauth2_csrf_token`, `s3_bucket_name`, `k8s-config`), with a real word among them.
  if (/^[a-z]+\d{0,2}[a-z]*(?:[_-][a-z]+\d{0,2}[a-z]*)+$/.test(v) && v.split(/[_-]/).some((w) => /^[a-z]{4,}$/.test(w) && /[aeiouy]/.test(w))) return true;
  if (!/^[A-Za-z][A-Za-z0-9]*(?:[_.:-][A-Za-z0-9]+)*$/.test(v)) return false;
  const words = v
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.:-]+/)
    .filter((w) => w !== '');
  if (words.length > Math.max(1, v.length / 4)) return false;
  // An upper-case acronym of up to 5 letters (HTTP, HTTPS, SMTP) counts as a word beside a real word: `HTTPResponseError`.
  const realWord = words.some((w) => /^[A-Za-z][a-z]{3,}$/.test(w) && /[aeiouy]/.test(w));
  return words.every((w) => {
    const m = /^([A-Za-z]*)(\d*)$/.exec(w);
    if (!m || m[2]!.length > 4) return false;
    const letters = m[1]!;
    return letters.length <= 3 || /[aeiouy]/i.test(letters) || (realWord && /^[A-Z]{4,5}$/.test(letters));
  });
}
