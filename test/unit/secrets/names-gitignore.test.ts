// Fix names, the test-file convention, gitignore matching and the key=value scanner used by the secret rules.
import { strict as assert } from 'assert';
import { GitIgnore, toRootPattern } from '../../../server/src/core/secrets/gitignore';
import { envNameFor, isTestPath, lowerKebab, upperSnake } from '../../../server/src/core/secrets/names';
import { scanKeyValueLines, TextIndex } from '../../../server/src/core/secrets/files';
import { memRepo } from '../../helpers/repo';
import { K } from './fakes';

describe('secret fix names', () => {
  it('takes the assigned name when it names a credential, else the provider default', () => {
    const cases: [string, string | undefined, string][] = [
      ['openai', 'OPENAI_API_KEY', 'OPENAI_API_KEY'],
      ['openai', 'api_key', 'API_KEY'],
      ['openai', 'self.apiKey', 'API_KEY'],
      ['openai', 'client', 'OPENAI_API_KEY'],
      ['openai', 'key', 'OPENAI_API_KEY'],
      ['github', undefined, 'GITHUB_TOKEN'],
      ['aws-secret-access-key', 'x', 'AWS_SECRET_ACCESS_KEY'],
      ['database-url', 'db_url', 'DB_URL'],
      ['generic', 'password', 'PASSWORD'],
    ];
    for (const [detector, name, want] of cases) assert.equal(envNameFor({ detector }, name), want, `${detector} ${name}`);
    assert.equal(upperSnake('x-api-key'), 'X_API_KEY');
    assert.equal(lowerKebab('OPENAI_API_KEY'), 'openai-api-key');
    assert.equal(lowerKebab('predictionsWorker'), 'predictions-worker');
  });

  it('recognises test files', () => {
    for (const p of ['tests/a.py', 'svc/test/x.yaml', 'test_api.py', 'pkg/api_test.py', 'conftest.py', 'a/__tests__/b.json', 'docs/install/k8s/secrets.yaml', 'settings/ci.py', 'shop/config/testing.py', 'settings_ci.py', 'test_settings.py', 'ci-settings.py']) assert.ok(isTestPath(p), p);
    for (const p of ['app/main.py', 'testing_utils.py', 'contest.py', 'latest/app.py', 'settings/main.py', 'ci.py', 'app/ci.py', 'settings/production.py']) assert.ok(!isTestPath(p), p);
  });
});

describe('gitignore matching', () => {
  it('rewrites patterns relative to their folder', () => {
    assert.equal(toRootPattern('.env', ''), '**/.env');
    assert.equal(toRootPattern('/.env', ''), '.env');
    assert.equal(toRootPattern('config/*.json', 'svc'), 'svc/config/*.json');
    assert.equal(toRootPattern('!keep.env', 'svc'), '!svc/**/keep.env');
    assert.equal(toRootPattern('secrets/', ''), '**/secrets');
    assert.equal(toRootPattern('# comment', ''), undefined);
  });

  it('follows .gitignore files down the tree, negations and .git/info/exclude', () => {
    const fs = memRepo({ '.gitignore': '*.env\n!public.env\nsecrets/\n', 'svc/.gitignore': 'local.json\n', '.git/info/exclude': 'notes.txt\n' });
    const g = new GitIgnore(fs, '/repo');
    const cases: [string, boolean][] = [
      ['/repo/.env', true], ['/repo/a/b/prod.env', true], ['/repo/public.env', false], ['/repo/secrets/key.pem', true],
      ['/repo/svc/local.json', true], ['/repo/local.json', false], ['/repo/notes.txt', true], ['/repo/app.py', false],
    ];
    for (const [p, want] of cases) assert.equal(g.isIgnored(p), want, p);
  });
});

describe('scanKeyValueLines', () => {
  it('reads .npmrc auth keys and INI passwords with exact ranges', () => {
    const npm = 'npm_' + K.huggingface.slice(3, 39);
    const text = 'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=' + npm + '\n[pypi]\npassword = ' + K.dbPassword + '\nusername: __token__\n';
    const hits = scanKeyValueLines(new TextIndex(text));
    assert.deepEqual(hits.map((h) => [h.name, h.range.start.line, h.range.start.character, h.range.end.character]), [
      ['npm_auth_token', 1, 33, 33 + npm.length],
      ['password', 3, 11, 11 + K.dbPassword.length],
    ]);
  });
});
