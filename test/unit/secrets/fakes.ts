// FAKE credentials for the secret tests: random bodies from a seeded generator, assembled by concatenation so no literal here is a real or scannable key.
import { crc32 } from 'zlib';

export const ALPHA = {
  base62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  urlsafe: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_',
  base64: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/',
  base32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  upperDigits: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  hex: '0123456789abcdef',
  digits: '0123456789',
};

/** Deterministic pseudo-random characters (mulberry32), so every run sees the same fakes. */
export function rnd(alphabet: string, n: number, seed: number): string {
  let a = seed >>> 0;
  let s = '';
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) >>> 0;
    s += alphabet[t % alphabet.length];
  }
  return s;
}

/** Base62 of a CRC-32, padded to 6: computed with Node's zlib, independently of the code under test. */
function checksum62(s: string): string {
  let n = crc32(s) >>> 0;
  let out = '';
  do {
    out = ALPHA.base62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(6, '0');
}

/** A classic GitHub token shape with a valid checksum over `random30`. */
export function githubToken(prefix: 'ghp' | 'gho' | 'ghu' | 'ghs' | 'ghr', random30: string): string {
  return prefix + '_' + random30 + checksum62(random30);
}

const gh30 = rnd(ALPHA.base62, 30, 7);
const pemBody = (seed: number, lines: number) =>
  Array.from({ length: lines }, (_, i) => rnd(ALPHA.base64, 64, seed + i)).join('\n');

/** All FAKE. Each has the provider's real shape (lengths, alphabet, markers) and a random body. */
export const K = {
  openaiProj: 'sk-' + 'proj-' + rnd(ALPHA.urlsafe, 74, 1) + 'T3Blbk' + 'FJ' + rnd(ALPHA.urlsafe, 74, 2),
  openaiLegacy: 'sk-' + rnd(ALPHA.base62, 20, 3) + 'T3Blbk' + 'FJ' + rnd(ALPHA.base62, 20, 4),
  openaiNoMarker: 'sk-' + rnd(ALPHA.base62, 48, 5),
  anthropic: 'sk-ant-' + 'api03-' + rnd(ALPHA.urlsafe, 93, 6) + 'AA',
  anthropicAdmin: 'sk-ant-' + 'admin01-' + rnd(ALPHA.urlsafe, 93, 8) + 'AA',
  awsKeyId: 'AKIA' + rnd(ALPHA.base32, 16, 9),
  awsTempKeyId: 'ASIA' + rnd(ALPHA.base32, 16, 10),
  awsSecret: rnd(ALPHA.base64, 40, 11),
  googleApiKey: 'AIza' + rnd(ALPHA.urlsafe, 35, 12),
  githubPat: githubToken('ghp', gh30),
  githubPatBadChecksum: 'ghp' + '_' + gh30 + 'AAAAAA',
  githubOauth: githubToken('gho', rnd(ALPHA.base62, 30, 13)),
  githubFineGrained: 'github_' + 'pat_' + rnd(ALPHA.base62, 22, 14) + '_' + rnd(ALPHA.base62, 59, 15),
  slackBot: 'xoxb-' + rnd(ALPHA.digits, 12, 16) + '-' + rnd(ALPHA.digits, 13, 17) + '-' + rnd(ALPHA.base62, 24, 18),
  slackUser:
    'xoxp-' + rnd(ALPHA.digits, 12, 19) + '-' + rnd(ALPHA.digits, 12, 20) + '-' + rnd(ALPHA.digits, 13, 21) + '-' + rnd(ALPHA.hex, 32, 22),
  slackApp: 'xapp-' + '1-A' + rnd(ALPHA.upperDigits, 10, 23) + '-' + rnd(ALPHA.digits, 13, 24) + '-' + rnd(ALPHA.hex, 64, 25),
  slackHookPath: 'T' + rnd(ALPHA.upperDigits, 10, 26) + '/B' + rnd(ALPHA.upperDigits, 10, 27) + '/' + rnd(ALPHA.base62, 24, 28),
  stripeLive: 'sk_' + 'live_' + rnd(ALPHA.base62, 99, 29),
  stripeRestricted: 'rk_' + 'live_' + rnd(ALPHA.base62, 99, 30),
  stripeTest: 'sk_' + 'test_' + rnd(ALPHA.base62, 99, 31),
  huggingface: 'hf_' + rnd(ALPHA.letters, 34, 32),
  sendgrid: 'SG' + '.' + rnd(ALPHA.urlsafe, 22, 33) + '.' + rnd(ALPHA.urlsafe, 43, 34),
  twilioApiKey: 'SK' + rnd(ALPHA.hex, 32, 35),
  twilioSid: 'AC' + rnd(ALPHA.hex, 32, 36),
  twilioAuthToken: rnd(ALPHA.hex, 32, 37),
  rsaKey: '-----BEGIN RSA ' + 'PRIVATE KEY-----\n' + pemBody(100, 4) + '\n-----END RSA ' + 'PRIVATE KEY-----',
  pkcs8Key: '-----BEGIN ' + 'PRIVATE KEY-----\n' + pemBody(200, 4) + '\n-----END ' + 'PRIVATE KEY-----',
  encryptedKey: '-----BEGIN ENCRYPTED ' + 'PRIVATE KEY-----\n' + pemBody(300, 3) + '\n-----END ENCRYPTED ' + 'PRIVATE KEY-----',
  dbPassword: rnd(ALPHA.base62, 20, 38),
};

/** A service-account key file as Google writes it, with the PEM's line breaks escaped as `\n`. */
export function serviceAccountJson(): string {
  const pem = K.pkcs8Key.replace(/\n/g, '\\n') + '\\n';
  return [
    '{',
    '  "type": "service_account",',
    '  "project_id": "demo-project",',
    '  "private_key_id": "' + rnd(ALPHA.hex, 40, 40) + '",',
    '  "private_key": "' + pem + '",',
    '  "client_email": "runner@demo-project.iam.gserviceaccount.com"',
    '}',
  ].join('\n');
}
