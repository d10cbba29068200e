// Secret detectors: provider formats, near misses, placeholders, pairing rules and the generic name-and-entropy detector.
import { strict as assert } from 'assert';
import { classifyCredentialName, scanServiceAccountJson, scanValue, shannonEntropy } from '../../../server/src/core/secrets';
import type { SecretMatch } from '../../../server/src/core/secrets';
import { ALPHA, K, rnd, serviceAccountJson } from './fakes';

type Conf = SecretMatch['confidence'];
const hit = (detector: string, provider: string, start: number, end: number, confidence: Conf): SecretMatch => ({
  provider,
  detector,
  start,
  end,
  confidence,
});

interface Case {
  title: string;
  value: string;
  name?: string;
  expected: SecretMatch[];
}

function run(cases: Case[]): void {
  for (const c of cases) {
    it(c.title, () => {
      assert.deepEqual(scanValue(c.value, c.name === undefined ? {} : { name: c.name }), c.expected);
    });
  }
}

// All keys below are FAKE (see fakes.ts); pieces are concatenated so no literal is a scannable key.
describe('secrets/detectors', () => {
  describe('provider formats', () => {
    run([
      { title: 'OpenAI project key', value: K.openaiProj, expected: [hit('openai', 'OpenAI API key', 0, 164, 'high')] },
      { title: 'OpenAI legacy key with marker', value: K.openaiLegacy, expected: [hit('openai', 'OpenAI API key', 0, 51, 'high')] },
      { title: 'OpenAI-shaped key without marker', value: K.openaiNoMarker, expected: [hit('openai', 'OpenAI API key', 0, 51, 'medium')] },
      {
        title: 'OpenAI key inside Python source',
        value: 'client = OpenAI(api_key="' + K.openaiProj + '")',
        expected: [hit('openai', 'OpenAI API key', 25, 189, 'high')],
      },
      {
        title: 'OpenAI service-account key without marker',
        value: 'sk-' + 'svcacct-' + rnd(ALPHA.urlsafe, 60, 50),
        expected: [hit('openai', 'OpenAI API key', 0, 71, 'medium')],
      },
      { title: 'Anthropic API key', value: K.anthropic, expected: [hit('anthropic', 'Anthropic API key', 0, 108, 'high')] },
      { title: 'Anthropic admin key', value: K.anthropicAdmin, expected: [hit('anthropic', 'Anthropic admin key', 0, 110, 'high')] },
      {
        title: 'Anthropic key of another length',
        value: 'sk-ant-' + 'api03-' + rnd(ALPHA.urlsafe, 60, 51),
        expected: [hit('anthropic', 'Anthropic API key', 0, 73, 'medium')],
      },
      { title: 'AWS access key id', value: K.awsKeyId, expected: [hit('aws-access-key-id', 'AWS access key ID', 0, 20, 'high')] },
      { title: 'AWS temporary key id', value: K.awsTempKeyId, expected: [hit('aws-access-key-id', 'AWS access key ID', 0, 20, 'high')] },
      { title: 'AWS key id followed by a path that is no credential scope', value: K.awsKeyId + '/2022/x', expected: [hit('aws-access-key-id', 'AWS access key ID', 0, 20, 'high')] },
      { title: 'Google API key', value: K.googleApiKey, expected: [hit('google-api-key', 'Google API key', 0, 39, 'high')] },
      { title: 'GitHub PAT, valid checksum', value: K.githubPat, expected: [hit('github', 'GitHub personal access token', 0, 40, 'high')] },
      {
        title: 'GitHub PAT, bad checksum',
        value: K.githubPatBadChecksum,
        expected: [hit('github', 'GitHub personal access token', 0, 40, 'medium')],
      },
      { title: 'GitHub OAuth token', value: K.githubOauth, expected: [hit('github', 'GitHub OAuth access token', 0, 40, 'high')] },
      {
        title: 'GitHub fine-grained PAT',
        value: K.githubFineGrained,
        expected: [hit('github-fine-grained-pat', 'GitHub fine-grained personal access token', 0, 93, 'high')],
      },
      { title: 'Slack bot token', value: K.slackBot, expected: [hit('slack', 'Slack token', 0, 56, 'high')] },
      { title: 'Slack user token', value: K.slackUser, expected: [hit('slack', 'Slack token', 0, 77, 'high')] },
      { title: 'Slack app-level token', value: K.slackApp, expected: [hit('slack', 'Slack app-level token', 0, 97, 'high')] },
      {
        title: 'Slack webhook URL (the path is the secret)',
        value: 'https://hooks.slack.com/services/' + K.slackHookPath,
        expected: [hit('slack-webhook', 'Slack webhook URL', 33, 81, 'high')],
      },
      { title: 'Stripe live secret key', value: K.stripeLive, expected: [hit('stripe', 'Stripe secret key', 0, 107, 'high')] },
      { title: 'Stripe restricted key', value: K.stripeRestricted, expected: [hit('stripe', 'Stripe restricted key', 0, 107, 'high')] },
      { title: 'Stripe test key is medium', value: K.stripeTest, expected: [hit('stripe', 'Stripe test secret key', 0, 107, 'medium')] },
      { title: 'Hugging Face token', value: K.huggingface, expected: [hit('huggingface', 'Hugging Face token', 0, 37, 'high')] },
      { title: 'SendGrid key', value: K.sendgrid, expected: [hit('sendgrid', 'SendGrid API key', 0, 69, 'high')] },
      { title: 'Twilio API key', value: K.twilioApiKey, expected: [hit('twilio-api-key', 'Twilio API key', 0, 34, 'high')] },
      { title: 'RSA private key', value: K.rsaKey, expected: [hit('private-key', 'RSA private key', 0, 321, 'high')] },
      { title: 'PKCS#8 private key', value: K.pkcs8Key, expected: [hit('private-key', 'Private key', 0, 313, 'high')] },
      {
        title: 'private key with escaped line breaks, inside a literal',
        value: 'KEY = "' + K.pkcs8Key.replace(/\n/g, '\\n') + '"',
        expected: [hit('private-key', 'Private key', 7, 325, 'high')],
      },
      {
        title: 'private key without its footer (truncated paste)',
        value: K.rsaKey.slice(0, 200),
        expected: [hit('private-key', 'RSA private key', 0, 200, 'high')],
      },
      { title: 'encrypted private key is medium', value: K.encryptedKey, expected: [hit('private-key', 'Encrypted private key', 0, 268, 'medium')] },
      {
        title: 'several secrets in one string, in order',
        value: 'HF=' + K.huggingface + ' OPENAI=' + K.openaiLegacy,
        expected: [hit('huggingface', 'Hugging Face token', 3, 40, 'high'), hit('openai', 'OpenAI API key', 48, 99, 'high')],
      },
      {
        title: 'service-account JSON as a value: one match for the key, not two',
        value: serviceAccountJson(),
        expected: [hit('gcp-service-account', 'GCP service-account private key', 145, 465, 'high')],
      },
    ]);
  });

  describe('near misses', () => {
    run([
      { title: '`sk-` inside risk-assessment', value: 'risk-' + rnd(ALPHA.base62, 48, 60), expected: [] },
      { title: 'legacy OpenAI body one short', value: 'sk-' + rnd(ALPHA.base62, 47, 61), expected: [] },
      { title: 'legacy OpenAI body continuing into an identifier', value: K.openaiLegacy + 'x', expected: [] },
      { title: 'Anthropic prefix with a short body', value: 'sk-ant-' + 'api03-' + rnd(ALPHA.urlsafe, 30, 62), expected: [] },
      { title: 'AWS key id glued to a word', value: 'MY' + K.awsKeyId, expected: [] },
      { title: 'AWS key id one too long', value: K.awsKeyId + 'Q', expected: [] },
      // A SigV4 credential (a presigned POST's x-amz-credential, a presigned URL's X-Amz-Credential): the ID is public by design.
      { title: 'AWS key id as a SigV4 credential', value: "{'x-amz-credential': '" + K.awsKeyId + "/20220405/eu-central-1/s3/aws4_request'}", expected: [] },
      { title: 'AWS key id as a presigned URL credential', value: 'https://b.s3.amazonaws.com/k?X-Amz-Credential=' + K.awsKeyId + '%2F20220405%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=x', expected: [] },
      { title: 'AWS key id too short', value: 'AKIA' + rnd(ALPHA.base32, 15, 63), expected: [] },
      { title: 'AWS key id with digits outside base32', value: 'AKIA' + rnd(ALPHA.base32, 15, 64) + '0', expected: [] },
      { title: 'Google key too short', value: 'AIza' + rnd(ALPHA.urlsafe, 34, 65), expected: [] },
      { title: 'GitHub token too short', value: 'ghp_' + rnd(ALPHA.base62, 35, 66), expected: [] },
      { title: 'GitHub token embedded in an identifier', value: 'x' + K.githubPat, expected: [] },
      { title: 'GitHub token followed by more word characters', value: K.githubPat + '_v2', expected: [] },
      { title: 'unknown gh prefix', value: 'ghx_' + rnd(ALPHA.base62, 36, 67), expected: [] },
      { title: 'fine-grained PAT with a short part', value: 'github_' + 'pat_' + rnd(ALPHA.base62, 21, 68) + '_' + rnd(ALPHA.base62, 59, 69), expected: [] },
      { title: 'Slack token without numeric parts', value: 'xoxb-' + rnd(ALPHA.base62, 40, 70), expected: [] },
      { title: 'Slack webhook path without the URL', value: K.slackHookPath, expected: [] },
      { title: 'Stripe publishable key is public', value: 'pk_' + 'live_' + rnd(ALPHA.base62, 99, 71), expected: [] },
      { title: 'Stripe key too short', value: 'sk_' + 'live_' + rnd(ALPHA.base62, 23, 72), expected: [] },
      { title: 'Hugging Face body with a digit', value: 'hf_' + rnd(ALPHA.letters, 33, 73) + '7', expected: [] },
      { title: 'Hugging Face token after an underscore', value: 'my_' + K.huggingface, expected: [] },
      { title: 'SendGrid key with a short last part', value: 'SG.' + rnd(ALPHA.urlsafe, 22, 74) + '.' + rnd(ALPHA.urlsafe, 42, 75), expected: [] },
      { title: 'Twilio API key in upper-case hex', value: 'SK' + rnd(ALPHA.hex, 32, 76).toUpperCase(), expected: [] },
      { title: 'PEM header alone (code that checks for one)', value: 'if line.startswith("-----BEGIN ' + 'PRIVATE KEY-----"):', expected: [] },
      { title: 'public key block', value: K.pkcs8Key.replace(/PRIVATE/g, 'PUBLIC'), expected: [] },
      { title: 'plain prose', value: 'Set the API key in the environment before deploying.', expected: [] },
    ]);
  });

  describe('provider-shaped placeholders', () => {
    run([
      { title: 'sk- with an ellipsis', value: 'sk-...', expected: [] },
      { title: 'project key of x', value: 'sk-' + 'proj-' + 'x'.repeat(156), expected: [] },
      { title: 'AWS documentation key id', value: 'AKIA' + 'IOSFODNN7' + 'EXAMPLE', expected: [] },
      { title: 'AWS key id of X', value: 'AKIA' + 'X'.repeat(16), expected: [] },
      { title: 'GitHub token of one letter', value: 'ghp_' + 'a'.repeat(36), expected: [] },
      { title: 'GitHub token with an alphabet run', value: 'ghp_' + 'abcdefghijklmnopqrstuvwxyz0123456789', expected: [] },
      { title: 'Stripe documentation test key', value: 'sk_' + 'test_' + '4eC39HqLyjWDarjtT1zdp7dc', expected: [] },
      { title: 'Stripe key with EXAMPLE', value: 'sk_' + 'live_' + 'EXAMPLE' + rnd(ALPHA.base62, 20, 77), expected: [] },
      { title: 'Slack token with filler', value: 'xoxb-' + '0000000000-0000000000-' + 'x'.repeat(24), expected: [] },
      { title: 'Google key of zeros', value: 'AIza' + '0'.repeat(35), expected: [] },
      { title: 'PEM with an elided body', value: '-----BEGIN RSA ' + 'PRIVATE KEY-----\n...\n-----END RSA ' + 'PRIVATE KEY-----', expected: [] },
    ]);
  });

  describe('AWS secret access key pairing', () => {
    const sha1 = rnd(ALPHA.hex, 40, 78);
    run([
      {
        title: 'by name',
        name: 'aws_secret_access_key',
        value: K.awsSecret,
        expected: [hit('aws-secret-access-key', 'AWS secret access key', 0, 40, 'high')],
      },
      {
        title: 'by camelCase name',
        name: 'secretAccessKey',
        value: K.awsSecret,
        expected: [hit('aws-secret-access-key', 'AWS secret access key', 0, 40, 'high')],
      },
      {
        title: 'next to a key id',
        value: K.awsKeyId + ':' + K.awsSecret,
        expected: [
          hit('aws-access-key-id', 'AWS access key ID', 0, 20, 'high'),
          hit('aws-secret-access-key', 'AWS secret access key', 21, 61, 'high'),
        ],
      },
      { title: 'alone, no name', value: K.awsSecret, expected: [] },
      {
        title: 'too far from the key id',
        value: K.awsKeyId + ' '.repeat(400) + K.awsSecret,
        expected: [hit('aws-access-key-id', 'AWS access key ID', 0, 20, 'high')],
      },
      {
        title: 'a hex digest next to a key id is not a secret key',
        value: K.awsKeyId + ' ' + sha1,
        expected: [hit('aws-access-key-id', 'AWS access key ID', 0, 20, 'high')],
      },
      {
        title: 'AWS documentation secret by name',
        name: 'AWS_SECRET_ACCESS_KEY',
        value: 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCY' + 'EXAMPLEKEY',
        expected: [],
      },
    ]);
  });

  describe('Twilio pairing', () => {
    run([
      {
        title: 'account SID with an auth token',
        value: K.twilioSid + ':' + K.twilioAuthToken,
        expected: [
          hit('twilio-account-sid', 'Twilio account SID', 0, 34, 'medium'),
          hit('twilio-auth-token', 'Twilio auth token', 35, 67, 'high'),
        ],
      },
      { title: 'account SID alone', value: K.twilioSid, expected: [] },
      { title: 'hex token alone', value: K.twilioAuthToken, expected: [] },
      {
        title: 'auth token by name',
        name: 'TWILIO_AUTH_TOKEN',
        value: K.twilioAuthToken,
        expected: [hit('twilio-auth-token', 'Twilio auth token', 0, 32, 'high')],
      },
    ]);
  });

  describe('database URLs', () => {
    const pw = K.dbPassword;
    run([
      {
        title: 'postgresql on a remote host',
        value: 'postgresql://app:' + pw + '@db.internal:5432/app',
        expected: [hit('database-url', 'PostgreSQL URL password', 17, 37, 'high')],
      },
      {
        title: 'postgres on localhost is medium',
        value: 'postgres://app:' + pw + '@localhost/app',
        expected: [hit('database-url', 'PostgreSQL URL password', 15, 35, 'medium')],
      },
      {
        title: 'SQLAlchemy driver suffix',
        value: 'postgresql+psycopg2://app:' + pw + '@db/app',
        expected: [hit('database-url', 'PostgreSQL URL password', 26, 46, 'high')],
      },
      {
        title: 'mysql',
        value: 'mysql://root:' + pw + '@mysql:3306/shop',
        expected: [hit('database-url', 'MySQL URL password', 13, 33, 'high')],
      },
      {
        title: 'mongodb+srv',
        value: 'mongodb+srv://svc:' + pw + '@cluster0.mongodb.net/db',
        expected: [hit('database-url', 'MongoDB URL password', 18, 38, 'high')],
      },
      {
        title: 'redis with an empty user',
        value: 'redis://:' + pw + '@cache:6379/0',
        expected: [hit('database-url', 'Redis URL password', 9, 29, 'high')],
      },
      {
        title: 'amqp',
        value: 'amqp://worker:' + pw + '@rabbit:5672/',
        expected: [hit('database-url', 'AMQP URL password', 14, 34, 'high')],
      },
      {
        title: 'inside a larger string',
        value: 'DATABASE_URL = "postgres://app:' + pw + '@db/app"',
        expected: [hit('database-url', 'PostgreSQL URL password', 31, 51, 'high')],
      },
      { title: 'image default password', value: 'postgres://postgres:postgres@localhost/db', expected: [] },
      { title: 'password equal to the user', value: 'amqp://guest:guest@rabbit:5672/', expected: [] },
      { title: '${VAR} password', value: 'postgres://app:${DB_PASSWORD}@db/app', expected: [] },
      { title: '$VAR password', value: 'postgres://app:$DB_PASSWORD@db/app', expected: [] },
      { title: 'angle-bracket placeholder', value: 'postgres://app:<password>@db/app', expected: [] },
      { title: 'format placeholder', value: 'mysql://app:{password}@db/app', expected: [] },
      { title: 'percent placeholder', value: 'mysql://app:%(password)s@db/app', expected: [] },
      { title: 'word password', value: 'postgresql://user:password@host:5432/db', expected: [] },
      { title: 'no password', value: 'postgres://app@db/app', expected: [] },
      { title: 'a password that names itself (wger settings fallback)', value: 'postgres://powersync_storage:powersync_password@db:5432/wger', expected: [] },
      { title: 'words ending in -pass / _secret', value: 'mysql://shop:shop-db-pass@db/shop redis://:cache_secret@cache:6379/0', expected: [] },
      { title: 'a self-naming word with digits is not filler', value: 'postgres://app:prod7_password@db/app', expected: [hit('database-url', 'PostgreSQL URL password', 15, 29, 'high')] },
      { title: 'scheme glued to a word', value: 'xpostgres://app:' + pw + '@db/app', expected: [] },
    ]);
  });

  describe('generic detector', () => {
    const key32 = rnd(ALPHA.base62, 32, 80);
    const pw12 = rnd(ALPHA.base62, 12, 81);
    run([
      { title: '*_API_KEY with a random value', name: 'OPENAI_API_KEY', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'camelCase apiKey', name: 'apiKey', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'apikey as one word', name: 'apikey', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'secret', name: 'secret', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'client_secret', name: 'client_secret', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'access_token', name: 'access_token', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'x-api-key header', name: 'x-api-key', value: key32, expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'Django SECRET_KEY', name: 'SECRET_KEY', value: 'django-insecure-' + 'k2$w9!q@x7#r4z', expected: [hit('generic', 'Secret', 0, 30, 'medium')] },
      { title: 'hex key', name: 'WEBHOOK_SECRET', value: rnd(ALPHA.hex, 32, 82), expected: [hit('generic', 'Secret', 0, 32, 'medium')] },
      { title: 'password of 12', name: 'DB_PASSWORD', value: pw12, expected: [hit('generic', 'Password', 0, 12, 'medium')] },
      { title: 'password in a dotted key', name: 'spring.datasource.password', value: pw12, expected: [hit('generic', 'Password', 0, 12, 'medium')] },
      { title: '*_PASS', name: 'SMTP_PASS', value: pw12, expected: [hit('generic', 'Password', 0, 12, 'medium')] },
      { title: 'surrounding spaces are not part of the match', name: 'password', value: '  ' + pw12 + ' ', expected: [hit('generic', 'Password', 2, 14, 'medium')] },
      {
        title: 'Authorization header: the token after the scheme',
        name: 'Authorization',
        value: 'Bearer ' + key32,
        expected: [hit('generic', 'Secret', 7, 39, 'medium')],
      },
      {
        title: 'a provider match wins over the generic one',
        name: 'OPENAI_API_KEY',
        value: K.openaiProj,
        expected: [hit('openai', 'OpenAI API key', 0, 164, 'high')],
      },
      { title: 'SORT_KEY setting', name: 'SORT_KEY', value: 'created_at', expected: [] },
      { title: 'SORT_KEY even when random-looking', name: 'SORT_KEY', value: key32, expected: [] },
      { title: 'CACHE_KEY_PREFIX', name: 'CACHE_KEY_PREFIX', value: 'v1:users:profile:', expected: [] },
      { title: 'PUBLIC_KEY', name: 'PUBLIC_KEY', value: key32, expected: [] },
      { title: 'bare `key` (dict keys, loops)', name: 'key', value: key32, expected: [] },
      { title: 'SECRET_NAME', name: 'SECRET_NAME', value: 'prod-db-credentials', expected: [] },
      { title: 'TOKEN_URL', name: 'TOKEN_URL', value: 'https://oauth2.googleapis.com/token', expected: [] },
      { title: 'PAD_TOKEN (tokenizer)', name: 'PAD_TOKEN', value: '<|pad|>', expected: [] },
      { title: 'not a credential name', name: 'USERNAME', value: key32, expected: [] },
      { title: 'identifier-like value', name: 'API_KEY', value: 'my_secret_name_value', expected: [] },
      { title: 'identifier with a digit-ending word (a session key name)', name: 'CSRF_KEY', value: 'google_oauth2_csrf_token', expected: [] },
      { title: 'identifier with s3/k8s words', name: 'SECRET_NAME_KEY', value: 's3_bucket_k8s-config', expected: [] },
      { title: 'env var name as value', name: 'API_KEY', value: 'OPENAI_API_KEY', expected: [] },
      { title: 'camelCase identifier value', name: 'SECRET', value: 'PostgresConnectionString', expected: [] },
      { title: 'path', name: 'PRIVATE_KEY', value: '/run/secrets/signing-key.pem', expected: [] },
      { title: 'relative key file', name: 'PRIVATE_KEY', value: 'keys/signing.pem', expected: [] },
      { title: 'Secret Manager reference', name: 'API_KEY', value: 'projects/demo/secrets/api-key/versions/latest', expected: [] },
      { title: 'URL without credentials', name: 'AUTH_TOKEN', value: 'https://auth.internal/token', expected: [] },
      { title: 'template', name: 'API_KEY', value: '${OPENAI_API_KEY}', expected: [] },
      { title: 'placeholder', name: 'API_KEY', value: 'your-api-key-here', expected: [] },
      { title: 'placeholder password', name: 'password', value: 'changeme', expected: [] },
      { title: 'key too short', name: 'API_KEY', value: rnd(ALPHA.base62, 15, 83), expected: [] },
      { title: 'password too short', name: 'PASSWORD', value: rnd(ALPHA.base62, 7, 84), expected: [] },
      { title: 'one character class', name: 'API_KEY', value: rnd('abcdefghijklmnopqrstuvwxyz', 24, 85), expected: [] },
      { title: 'digits only', name: 'API_KEY', value: rnd(ALPHA.digits, 24, 86), expected: [] },
      { title: 'low entropy', name: 'API_KEY', value: 'aAaAaAaAbBbBbBbB', expected: [] },
      { title: 'sentence', name: 'SECRET', value: 'Do not commit secrets, use Secret Manager', expected: [] },
    ]);
  });

  describe('scanServiceAccountJson', () => {
    const json = serviceAccountJson();
    const cases: { title: string; text: string; expected: SecretMatch[] }[] = [
      { title: 'key file', text: json, expected: [hit('gcp-service-account', 'GCP service-account private key', 145, 465, 'high')] },
      { title: 'not a service account', text: json.replace('service_account', 'authorized_user'), expected: [] },
      {
        title: 'placeholder key',
        text: '{"type": "service_account", "private_key": "-----BEGIN ' + 'PRIVATE KEY-----\\n...\\n-----END ' + 'PRIVATE KEY-----\\n"}',
        expected: [],
      },
      { title: 'no private key', text: '{"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com"}', expected: [] },
    ];
    for (const c of cases) it(c.title, () => assert.deepEqual(scanServiceAccountJson(c.text), c.expected));
  });

  describe('classifyCredentialName', () => {
    const cases: [string, 'password' | 'secret' | undefined][] = [
      ['OPENAI_API_KEY', 'secret'],
      ['api_key', 'secret'],
      ['apiKey', 'secret'],
      ['APIKey', 'secret'],
      ['apikey', 'secret'],
      // Glued names ending in a key compound (study h10 R12: a ConfigMap's `ltapikey`); `monkey` and `hotkey` are no key compound.
      ['ltapikey', 'secret'],
      ['stripesecretkey', 'secret'],
      ['monkey', undefined],
      ['hotkey', undefined],
      ['secret', 'secret'],
      ['SECRET_KEY', 'secret'],
      ['client_secret', 'secret'],
      ['clientSecret', 'secret'],
      ['auth_token', 'secret'],
      ['accessToken', 'secret'],
      ['token', 'secret'],
      ['private_key', 'secret'],
      ['GOOGLE_CREDENTIALS', 'secret'],
      ['Authorization', 'secret'],
      ['PASSWORD', 'password'],
      ['DB_PASSWORD', 'password'],
      ['POSTGRES_PASSWORD', 'password'],
      ['dbPassword', 'password'],
      ['MYSQL_ROOT_PASSWD', 'password'],
      ['PASSWORD_SALT', 'password'],
      ['SMTP_PASS', 'password'],
      ['passphrase', 'password'],
      ['USER_TOKEN', 'secret'],
      ['AZURE_STORAGE_KEY', 'secret'],
      ['DATA_KEY', 'secret'],
      ['JWT_SECRET_KEY', 'secret'],
      ['key', undefined],
      ['SORT_KEY', undefined],
      ['CACHE_KEY', undefined],
      ['CACHE_KEY_PREFIX', undefined],
      ['PUBLIC_KEY', undefined],
      ['STRIPE_PUBLISHABLE_KEY', undefined],
      ['PRIMARY_KEY', undefined],
      ['PARTITION_KEY', undefined],
      ['AWS_ACCESS_KEY_ID', undefined],
      ['SECRET_NAME', undefined],
      ['PASSWORD_FIELD', undefined],
      ['PASSWORD_MIN_LENGTH', undefined],
      ['TOKEN_URL', undefined],
      ['PAD_TOKEN', undefined],
      ['eos_token', undefined],
      ['NEXT_PAGE_TOKEN', undefined],
      ['VerificationToken', undefined],
      ['domain_verification_token', undefined],
      ['VERIFICATION_SECRET', 'secret'],
      ['VERIFY_TOKEN', 'secret'],
      ['MAX_TOKENS', undefined],
      ['USERNAME', undefined],
      ['', undefined],
    ];
    for (const [name, expected] of cases) it(`${name || '(empty)'} -> ${expected}`, () => assert.equal(classifyCredentialName(name), expected));
  });

  describe('shannonEntropy', () => {
    const cases: [string, number][] = [
      ['', 0],
      ['aaaa', 0],
      ['abab', 1],
      ['abcd', 2],
      ['abcdefgh', 3],
    ];
    for (const [s, e] of cases) it(JSON.stringify(s), () => assert.equal(shannonEntropy(s), e));
  });
});
