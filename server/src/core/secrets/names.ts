// Names for fixes (the environment variable a secret should come from, Kubernetes secret names) and the test-file convention.
import { classifyCredentialName } from './detectors';
import type { SecretMatch } from './detectors';

/** The environment variable each detector's secret conventionally lives in. */
const PROVIDER_ENV: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'aws-access-key-id': 'AWS_ACCESS_KEY_ID',
  'aws-secret-access-key': 'AWS_SECRET_ACCESS_KEY',
  'google-api-key': 'GOOGLE_API_KEY',
  github: 'GITHUB_TOKEN',
  'github-fine-grained-pat': 'GITHUB_TOKEN',
  slack: 'SLACK_TOKEN',
  'slack-webhook': 'SLACK_WEBHOOK_URL',
  'database-url': 'DATABASE_URL',
  stripe: 'STRIPE_SECRET_KEY',
  huggingface: 'HF_TOKEN',
  sendgrid: 'SENDGRID_API_KEY',
  'twilio-api-key': 'TWILIO_API_KEY',
  'twilio-account-sid': 'TWILIO_ACCOUNT_SID',
  'twilio-auth-token': 'TWILIO_AUTH_TOKEN',
  'private-key': 'PRIVATE_KEY',
  'gcp-service-account': 'GCP_SERVICE_ACCOUNT_KEY',
  generic: 'SECRET',
};

/** `apiKey`, `api-key`, `self.api_key` -> `API_KEY`; undefined when no identifier remains. */
export function upperSnake(name: string): string | undefined {
  const last = name.split('.').pop() ?? '';
  const s = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[A-Z][A-Z0-9_]*$/.test(s) ? s : undefined;
}

/** `OPENAI_API_KEY` -> `openai-api-key`; `Predictions Worker` -> `predictions-worker`. */
export function lowerKebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The environment variable a fix reads the secret from: the name it was assigned to, upper-cased,
 * when that looks like an environment variable for it (`OPENAI_API_KEY`, `api_key` -> `API_KEY`,
 * `password` for a password), else the provider's usual variable (`OPENAI_API_KEY`,
 * `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`...).
 */
export function envNameFor(m: Pick<SecretMatch, 'detector'>, assignedTo?: string): string {
  const fallback = PROVIDER_ENV[m.detector] ?? 'SECRET';
  if (assignedTo === undefined) return fallback;
  const snake = upperSnake(assignedTo);
  if (!snake) return fallback;
  const multiWord = snake.includes('_');
  if (m.detector === 'generic') return snake;
  if (multiWord && (classifyCredentialName(snake) !== undefined || /URL|DSN|URI|WEBHOOK|SID|CONN/.test(snake))) return snake;
  return fallback;
}

const TEST_DIRS = new Set([
  'test', 'tests', 'testing', '__tests__', 'spec', 'specs', 'fixtures', 'fixture', '__fixtures__', 'mocks', '__mocks__',
  'testdata', 'test_data', 'test-data', 'cassettes',
  // Documentation examples (a k8s Secret in docs/install/ holding base64 of 'db-password') are judged like test data.
  'docs', 'doc',
]);

/** A folder named for tests with another word: `test-environments`, `integration_tests`, `e2e-setup`, `e2e`, `e2etests`. */
const TEST_DIR_WORD = /^(?:tests?|testing|e2e)[-_]|[-_](?:tests?|testing|e2e)$|^e2e$|^(?:e2e|integration|functional|unit|system|acceptance)tests?$/i;

/**
 * Settings modules that only the test suite or CI loads (wger's `settings/ci.py`, which its CI workflow selects
 * with DJANGO_SETTINGS_MODULE): `ci.py`, `test.py`, `tests.py`, `testing.py` in a `settings`/`config` package, or
 * `settings_ci.py`, `ci_settings.py`, `settings_testing.py`, `config_test.py` anywhere.
 */
function isTestSettings(parts: string[]): boolean {
  const base = parts[parts.length - 1] ?? '';
  if (/^(?:settings|config|conf)[_-](?:ci|tests?|testing)\.py$|^(?:ci|tests?|testing)[_-](?:settings|config|conf)\.py$/i.test(base)) return true;
  const folder = (parts[parts.length - 2] ?? '').toLowerCase();
  return /^(?:ci|tests?|testing)\.py$/i.test(base) && /^(?:settings|config|configs|conf)$/.test(folder);
}

/**
 * Test code and test data by convention: `test_*.py`, `*_test.py`, `conftest.py`, mocks
 * (`mocks.py`, `mock_*.py`, `*_mocks.py`, `*.mock.json`), or anything under a `test/`, `tests/`,
 * `fixtures/`, `mocks/`, `testdata/`, `cassettes/`, `e2e/` or `docs/` folder, or one named `test-*`/`*_tests`;
 * settings modules for tests or CI (`settings/ci.py`, `settings_test.py`).
 */
export function isTestPath(rel: string): boolean {
  const parts = rel.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (/^test_.*\.py$|_test\.py$|^conftest\.py$|^mocks?(?:_.*)?\.py$|_mocks?\.py$|[._-]mocks?\.json$/.test(base)) return true;
  if (isTestSettings(parts)) return true;
  return parts.slice(0, -1).some((p) => TEST_DIRS.has(p.toLowerCase()) || TEST_DIR_WORD.test(p));
}
