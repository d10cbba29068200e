// Values under credential names that are not credentials (versions, digests, hashes, URLs, document ids, filler, local-dev and test values), each beside a near miss that still is one.
import { strict as assert } from 'assert';
import { scanValue } from '../../../server/src/core/secrets';
import type { ScanContext } from '../../../server/src/core/secrets';
import { fileScanContext, generatedReason, isLockfileName } from '../../../server/src/core/secrets/origin';
import { isTestPath } from '../../../server/src/core/secrets/names';
import { ALPHA, K, rnd } from './fakes';

interface Case {
  title: string;
  name: string;
  value: string;
  ctx?: Omit<ScanContext, 'name'>;
  /** Detector of the one expected match, or undefined for none. */
  found?: string;
}

const key24 = rnd(ALPHA.base62, 24, 501);
const pw = rnd(ALPHA.base62, 14, 502);
const hash64 = rnd(ALPHA.base64, 64, 503);
const LOCAL = { localDev: true };
const TEST = { testData: true };

const cases: Case[] = [
  // versions and lockfile shapes
  { title: 'semver under a package name', name: 'jsonwebtoken', value: '9.0.2-rc.1+build.2024', found: undefined },
  { title: 'caret range', name: 'js-token', value: '^4.0.0-beta.12', found: undefined },
  { title: 'comparator range', name: 'auth_token', value: '>=1.0.0,<2.0.0', found: undefined },
  { title: 'v-prefixed version', name: 'API_TOKEN', value: 'v2.4.1-alpha.3', found: undefined },
  { title: 'pnpm version with peers', name: 'jsonwebtoken', value: '9.0.2(@types/node@20.11.5)', found: undefined },
  { title: 'package specifier', name: 'secret_token', value: 'npm:@scope/secret-token@1.2.3', found: undefined },
  { title: 'integrity digest', name: 'token', value: 'sha512-' + hash64, found: undefined },
  { title: 'sha256 digest', name: 'secret', value: 'sha256:' + rnd(ALPHA.hex, 64, 504), found: undefined },
  { title: 'near miss: a version prefix on a random token', name: 'API_TOKEN', value: 'v2.4.1-' + rnd(ALPHA.base62, 20, 505), found: 'generic' },
  { title: 'near miss: a bare hex key (no algorithm) stays', name: 'WEBHOOK_SECRET', value: rnd(ALPHA.hex, 64, 506), found: 'generic' },
  // rate limits under credential-like names (django-allauth ACCOUNT_RATE_LIMITS, DRF throttles)
  { title: 'allauth rate limit', name: 'reset_password', value: '1/m/ip,1/m/key', found: undefined },
  { title: 'throttle rate', name: 'password_reset', value: '100/day', found: undefined },
  { title: 'near miss: a token with slashes stays', name: 'API_TOKEN', value: '1/' + rnd(ALPHA.base62, 20, 509), found: 'generic' },
  // password hashes
  { title: 'Django password hash', name: 'password', value: 'pbkdf2_sha256$870000$' + rnd(ALPHA.base62, 22, 507) + '$' + hash64.slice(0, 44), found: undefined },
  { title: 'bcrypt hash', name: 'password_hash_value', value: '$2b$12$' + rnd(ALPHA.base62, 53, 508), found: undefined },
  { title: 'argon2 hash', name: 'PASSWORD', value: '$argon2id$v=19$m=65536,t=3,p=4$' + rnd(ALPHA.base62, 22, 509), found: undefined },
  { title: 'near miss: a password with dollar signs', name: 'PASSWORD', value: 'Xk$29pQ$7LmZ', found: 'generic' },
  // URLs
  { title: 'URL without credentials', name: 'ACCESS_TOKEN', value: 'https://api.partner.example.net/v2/token?grant=client', found: undefined },
  { title: 'near miss: a DB URL with a real password', name: 'DATABASE_URL', value: 'postgresql://app:' + pw + '@db.prod.internal:5432/app', found: 'database-url' },
  // test databases on loopback (a CI job's service container)
  { title: 'a loopback DB URL whose user is a test user', name: 'run', value: 'echo "HUB_DB_URL=postgresql+psycopg://test_user:' + pw + '@127.0.0.1:5432/hub" >> $GITHUB_ENV', found: undefined },
  { title: 'a loopback DB URL assigned to a TEST variable', name: 'script', value: 'export LEDGER_TEST_DB_URL=mysql://ledger:' + pw + '@localhost:3306/ledger', found: undefined },
  { title: 'a loopback DB URL under a TEST name', name: 'JUPYTERHUB_TEST_DB_URL', value: 'postgresql://hub:' + pw + '@127.0.0.1/hub', found: undefined },
  { title: 'a loopback DB URL of a test database', name: 'DATABASE_URL', value: 'postgresql://app:' + pw + '@127.0.0.1:5432/app_test', found: undefined },
  { title: 'near miss: a test user on a remote host', name: 'run', value: 'echo "HUB_DB_URL=postgresql://test_user:' + pw + '@db.prod.example.net:5432/hub"', found: 'database-url' },
  { title: 'near miss: a loopback DB URL with nothing about tests (a Cloud SQL proxy)', name: 'run', value: 'export LEDGER_DB_URL=postgresql://ledger:' + pw + '@127.0.0.1:5432/ledger', found: 'database-url' },
  // public document ids
  { title: 'spreadsheet key', name: 'SPREADSHEET_KEY', value: '1' + rnd(ALPHA.urlsafe, 43, 510), found: undefined },
  { title: 'Lark doc token', name: 'WIKI_DOC_TOKEN', value: 'doxcn' + rnd(ALPHA.base62, 19, 511), found: undefined },
  { title: 'near miss: an app token stays', name: 'APP_TOKEN', value: key24, found: 'generic' },
  // identifiers and enum values
  { title: 'error code echoing its name', name: 'JWT_INVALID_CSRF_TOKEN', value: 'invalid_csrf_token', found: undefined },
  { title: 'snake_case words', name: 'RESET_TOKEN', value: 'password_reset_token_sent', found: undefined },
  { title: 'near miss: snake_case with a random part', name: 'RESET_TOKEN', value: 'reset_' + rnd(ALPHA.base62, 16, 512), found: 'generic' },
  { title: 'an exception class name with an acronym (roboflow inference collector: ERROR_TYPE_KEY)', name: 'ERROR_TYPE_KEY', value: 'HTTPResponseError', found: undefined },
  { title: 'near miss: acronym-shaped capitals with no real word', name: 'ERROR_TYPE_KEY', value: 'QZXWVKRTPLMN' + rnd(ALPHA.base62, 8, 530), found: 'generic' },
  { title: 'a workflow reference to an input (roboflow workflow example)', name: 'sender_email_password', value: '$inputs.email_password', found: undefined },
  { title: 'near miss: a $-password with a dot that is no reference', name: 'sender_email_password', value: '$' + pw.slice(0, 6) + '.9' + pw.slice(6) + '!', found: 'generic' },
  // dictionary keys, lazy-import tables and documented Basic defaults (private-gpt, BentoML layouts)
  { title: 'a private snake_case dict key', name: 'SESSION_RETRY_KEY', value: '_svc_last_retry_token', found: undefined },
  { title: 'a relative module:attr reference', name: 'AuthToken', value: '._private.auth.tokens:AuthToken', found: undefined },
  { title: 'near miss: a random value after an underscore', name: 'SIGNING_KEY', value: '_' + rnd(ALPHA.base62, 20, 520), found: 'generic' },
  { title: 'Basic auth of filler words', name: 'secret', value: 'Basic ' + Buffer.from('admin:key').toString('base64'), found: undefined },
  { title: 'near miss: Basic auth of a real password', name: 'secret', value: 'Basic ' + Buffer.from('svc:' + pw).toString('base64'), found: 'generic' },
  { title: 'change-this-... filler', name: 'STORAGE_SECRET', value: 'change-this-to-something-privat', found: undefined },
  // SQL expressions under key names (a ClickHouse Distributed table's sharding key, a sampling key)
  { title: 'a hash function call as a sharding key', name: 'sharding_key', value: 'cityHash64(reinterpretAsUInt128(trace_id))', found: undefined },
  { title: 'a one-argument call as a sampling key', name: 'new_sampling_key', value: 'xxHash64(span_id)', found: undefined },
  { title: 'near miss: a random token with parentheses', name: 'SIGNING_KEY', value: 'Xk9pQ2(' + rnd(ALPHA.base62, 14, 521) + ')', found: 'generic' },
  { title: 'near miss: a call around a random argument', name: 'API_KEY', value: 'hash(' + rnd(ALPHA.base62, 20, 522) + ')', found: 'generic' },
  // study 8 (17 repositories): references, key templates, regex classes, public client keys, mock values
  { title: 'an OpenAPI discriminator $ref under a credential name (skyvern)', name: 'aws_secret', value: '#/components/schemas/AWSSecretParameter', found: undefined },
  { title: 'near miss: a #-prefixed random value', name: 'aws_secret', value: '#' + rnd(ALPHA.base62, 24, 540), found: 'generic' },
  { title: 'a str.format key template (onyx KV_CRED_KEY)', name: 'KV_CRED_KEY', value: 'credential_id_{}', found: undefined },
  { title: 'a Redis rate-limit key template', name: '_INVITE_ADMIN_MIN_KEY', value: 'ratelimit:invite_put:admin:{user_id}:min', found: undefined },
  { title: 'a %s key template', name: 'SESSION_KEY', value: 'session:user:%s:token', found: undefined },
  { title: 'near miss: a random value with a format field', name: 'SIGNING_KEY', value: rnd(ALPHA.base62, 20, 541) + '{}', found: 'generic' },
  { title: 'a regex character class under a *_TOKEN name', name: '_HEADER_TOKEN', value: '[!#$%&*+.^_|~0-9A-Za-z-]+', found: undefined },
  { title: 'near miss: a random value with a range-like run outside brackets', name: 'API_TOKEN', value: rnd(ALPHA.base62, 10, 542) + 'A-Z' + rnd(ALPHA.base62, 10, 545), found: 'generic' },
  { title: 'a PostHog project key (public, write-only)', name: 'POSTHOG_API_KEY', value: 'phc_' + rnd(ALPHA.base62, 43, 543), found: undefined },
  { title: 'near miss: a PostHog personal key', name: 'POSTHOG_API_KEY', value: 'phx_' + rnd(ALPHA.base62, 43, 544), found: 'generic' },
  { title: 'an interleaved counting token (moto update_token)', name: 'update_token', value: '2b3c4d5e-6f7a-8b9c-0d1e-2f3a4b5c6d7e', found: undefined },
  { title: 'leetspeak with 5 for s', name: 'password', value: 'Pa55w0rd#7', found: undefined },
  { title: 'near miss: a random password with fives', name: 'password', value: 'Kq5Z5xv9!mT', found: 'generic' },
  { title: 'a base64 alphabet run (a DLP sample unwrapped_key)', name: 'unwrapped_key', value: Buffer.from('abcdefghijklmnop').toString('base64'), found: undefined },
  { title: 'a base64 filler word', name: 'DB_PASSWORD', value: Buffer.from('changeme-please').toString('base64'), found: undefined },
  { title: 'near miss: base64 of random bytes', name: 'unwrapped_key', value: Buffer.from(Buffer.from(rnd(ALPHA.base62, 18, 546), 'latin1').map((c) => (c * 7) & 255)).toString('base64'), found: 'generic' },
  { title: 'near miss: base64 of printable random text', name: 'unwrapped_key', value: Buffer.from(rnd(ALPHA.base62, 18, 547)).toString('base64'), found: 'generic' },
  // filler placeholders
  { title: '<your-key>', name: 'API_KEY', value: '<your-openai-key>', found: undefined },
  { title: '<<API_KEY>>', name: 'API_KEY', value: '<<OPENAI_API_KEY_VALUE>>', found: undefined },
  { title: '{{ secret }}', name: 'SECRET', value: '{{ vault_app_secret }}', found: undefined },
  { title: 'ERB', name: 'SECRET_KEY', value: '<%= ENV.fetch("SECRET_KEY") %>', found: undefined },
  { title: 'changeme', name: 'PASSWORD', value: 'changeme', found: undefined },
  { title: 'xxx', name: 'API_KEY', value: 'xxx', found: undefined },
  { title: 'your_api_key_here', name: 'API_KEY', value: 'your_api_key_here', found: undefined },
  { title: 'insert-key-here', name: 'API_KEY', value: 'insert-key-here-please', found: undefined },
  { title: 'ellipsis', name: 'API_KEY', value: '...', found: undefined },
  { title: 'near miss: a key that contains "here" inside a word', name: 'API_KEY', value: 'whereX' + key24, found: 'generic' },
  // local-dev files
  { title: 'local postgres password in a dev file', name: 'POSTGRES_PASSWORD', value: pw, ctx: LOCAL, found: undefined },
  { title: 'pgadmin password in a dev file', name: 'PGADMIN_DEFAULT_PASSWORD', value: pw, ctx: LOCAL, found: undefined },
  { title: 'DB URL at localhost in a dev file', name: 'DATABASE_URL', value: 'postgresql://app:' + pw + '@localhost:5432/app', ctx: LOCAL, found: undefined },
  { title: 'DB URL at a compose service in a dev file', name: 'REDIS_URL', value: 'redis://:' + pw + '@redis:6379/0', ctx: LOCAL, found: undefined },
  { title: 'near miss: DB URL at a remote host in a dev file', name: 'DATABASE_URL', value: 'postgresql://app:' + pw + '@db.eu-west-1.rds.amazonaws.com/app', ctx: LOCAL, found: 'database-url' },
  { title: 'near miss: an API secret in a dev file', name: 'JWT_SECRET', value: key24, ctx: LOCAL, found: 'generic' },
  { title: 'near miss: a local postgres password outside dev files', name: 'POSTGRES_PASSWORD', value: pw, found: 'generic' },
  { title: 'near miss: DB URL at localhost outside dev files', name: 'DATABASE_URL', value: 'postgresql://app:' + pw + '@localhost:5432/app', found: 'database-url' },
  { title: 'near miss: a provider key in a dev file', name: 'OPENAI_API_KEY', value: K.openaiProj, ctx: LOCAL, found: 'openai' },
  // test data
  { title: 'UUID token in a mocked response', name: 'access_token', value: '3f2b8c1e-9a4d-4e7b-b1c2-5d6e7f8a9b0c', ctx: TEST, found: undefined },
  { title: 'test password', name: 'password', value: 'something-r@nd0m!', ctx: TEST, found: undefined },
  { title: 'near miss: a UUID token outside tests (Heroku keys are UUIDs)', name: 'HEROKU_API_KEY', value: '3f2b8c1e-9a4d-4e7b-b1c2-5d6e7f8a9b0c', found: 'generic' },
  { title: 'near miss: a provider key in a test', name: 'token', value: K.githubPat, ctx: TEST, found: 'github' },
  { title: 'a GitHub-shaped token whose checksum fails, in a test', name: 'token', value: K.githubPatBadChecksum, ctx: TEST, found: undefined },
  { title: 'a Stripe test key in a test', name: 'api_key', value: K.stripeTest, ctx: TEST, found: undefined },
  { title: 'near miss: the same GitHub-shaped token outside tests', name: 'token', value: K.githubPatBadChecksum, found: 'github' },
];

describe('secrets: values that are not credentials', () => {
  for (const c of cases) {
    it(c.title, () => {
      const found = scanValue(c.value, { ...c.ctx, name: c.name });
      assert.deepEqual(found.map((m) => m.detector), c.found === undefined ? [] : [c.found]);
    });
  }
});

describe('secrets/origin', () => {
  const contexts: [string, ReturnType<typeof fileScanContext>][] = [
    ['.env.example', { localDev: true }],
    ['config/.env.sample', { localDev: true }],
    ['.env.dev', { localDev: true }],
    ['.env.development', { localDev: true }],
    ['docker-compose.yml', { localDev: true }],
    ['docker-compose.override.yml', { localDev: true }],
    ['compose.dev.yaml', { localDev: true }],
    ['.env', {}],
    ['.env.local', {}],
    ['.env.production', {}],
    ['.env.prod.example', {}],
    ['docker-compose.prod.yml', {}],
    ['deploy/docker-compose.yml', {}],
    ['app/settings.py', {}],
    ['tests/test_api.py', { testData: true }],
    ['app/fixtures/users.json', { testData: true }],
    ['src/__mocks__/api.json', { testData: true }],
    ['app/mock_responses.py', { testData: true }],
    ['tests/.env.test', { testData: true, localDev: true }],
    ['deployment/helm/charts/app/values-ci.yaml', { testData: true }],
    ['charts/app/ci-values.yaml', { testData: true }],
    ['charts/app/values-prod.yaml', {}],
  ];
  for (const [rel, expected] of contexts) it(`context of ${rel}`, () => assert.deepEqual(fileScanContext(rel), expected));

  it('compose files are known by their content too', () => assert.deepEqual(fileScanContext('stack.yml', { compose: true }), { localDev: true }));

  for (const n of ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'poetry.lock', 'uv.lock', 'Pipfile.lock', 'Cargo.lock', 'go.sum', 'composer.lock']) {
    it(`lockfile: ${n}`, () => assert.equal(isLockfileName(n), true));
  }
  for (const n of ['package.json', 'pyproject.toml', 'requirements.txt', 'lock.py']) it(`not a lockfile: ${n}`, () => assert.equal(isLockfileName(n), false));

  const generated: [string, string, string | undefined][] = [
    ['service_pb2.py', 'x = 1\n', 'generated (protobuf)'],
    ['bundle.min.json', '{}', 'minified'],
    ['schema.py', '# Code generated by tool. DO NOT EDIT.\nX = 1\n', 'generated (it says so in its first lines)'],
    ['data.json', '{"a": "' + 'x'.repeat(5000) + '"}', 'minified (very long lines)'],
    ['0001_initial.py', '# Generated by Django 5.0 on 2024-01-01\nfrom django.db import migrations\n', undefined],
    ['settings.py', '# do not edit lightly\nSECRET_KEY = "x"\n', undefined],
  ];
  for (const [name, text, reason] of generated) it(`generated: ${name} -> ${reason}`, () => assert.equal(generatedReason(name, text), reason));

  for (const [rel, t] of [['tests/x.py', true], ['testdata/a.json', true], ['cassettes/login.yaml', true], ['app/mocks.py', true], ['app/contest.py', false], ['app/latest/x.py', false], ['scripts/test-environments/idp/config.yml', true], ['integration_tests/a.py', true], ['e2e/x.yml', true], ['attest/x.py', false], ['api/e2etests/seed.py', true], ['app/integrationtests/a.py', true], ['app/contests/a.py', false], ['protest-app/x.py', false]] as const) {
    it(`isTestPath(${rel})`, () => assert.equal(isTestPath(rel), t));
  }
});
