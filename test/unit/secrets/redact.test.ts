// The redactor learns secret values from the text under findings' ranges: values, not their names, and nothing from code that only looks random.
import { strict as assert } from 'assert';
import { Redactor } from '../../../server/src/core/redact';

/** What `mask` makes of `shown` after learning from `learned`. */
function masked(learned: string, shown = learned): string {
  const r = new Redactor();
  r.learn(learned);
  return r.mask(shown);
}

describe('redact: what the redactor learns', () => {
  const cases: [string, string, string][] = [
    ['a password in name=value: the value, not the pair', 'password=Xk9#mQ2$vL8pZr4W', 'password=Xk9#… (16 chars)'],
    ['a Python assignment: the quoted value', 'SECRET_KEY = "aw3+t2r(8(0kkrhg8)gx6i96v5^kv%6cfep9wxfom0%7dy0m9e"', 'SECRET_KEY = "aw3+… (50 chars)"'],
    ['a YAML/JSON pair', '"api_token": "Zt7qP2mX9vK4rW8nB3jL6hY1"', '"api_token": "Zt7q… (24 chars)"'],
    ['a bare literal (a finding whose range is the value itself)', '"aw3+t2r(8(0kkrhg8)gx6i96v5^kv%6cfep9wxfom0%7dy0m9e"', '"aw3+… (50 chars)"'],
  ];
  for (const [what, text, expected] of cases) it(what, () => assert.equal(masked(text), expected));

  it('the learned value is masked wherever it appears later', () => {
    assert.equal(masked('DB_PASSWORD=Xk9#mQ2$vL8pZr4W', 'the value Xk9#mQ2$vL8pZr4W leaked'), 'the value Xk9#… (16 chars) leaked');
  });

  const quiet = [
    '"storefront.accounts.apps.AccountsConfig",',
    'from shared.utils.player_registry import RegistryReader',
    'model = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")',
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")',
    'CMD exec gunicorn --bind :$PORT --workers 2 worker:app',
    'include=["newsroom.digest", "feeds.poll"],',
    'image: registry.example.com/embedder:1.4.0',
    '"web:create_app()"',
    '"config.asgi:application"',
    // A COPY source finding's range is the path (study h5: shynet).
    'assets/GeoLite2-City_20191224.tar.gz',
    './docker/entrypoint-prod_v2.sh',
  ];
  for (const text of quiet) it(`learns nothing from ${text}`, () => assert.equal(masked(text), text));
});
