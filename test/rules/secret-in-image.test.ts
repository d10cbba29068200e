// secret-in-image: secret files a COPY/ADD puts into the image (through the image model), exact messages and fix results.
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';
import { K, serviceAccountJson } from '../unit/secrets/fakes';

const APP = { 'app/main.py': 'print(1)\n', '.gitignore': '.env\n*.pem\nid_rsa\nsa.json\n.npmrc\n' };
const DF = 'FROM python:3.11-slim\nWORKDIR /app\n';
const GEN = process.env.GEN === '1';

async function only(files: Record<string, string>) {
  const fs = memRepo(files);
  const r = await lintRepo(fs);
  return { fs, all: r.findings, findings: r.findings.filter((f) => f.ruleId === 'secret-in-image') };
}

describe('rule secret-in-image', () => {
  const valid: [string, Record<string, string>][] = [
    ['.dockerignore keeps .env out', { ...APP, '.env': 'OPENAI_API_KEY=x1\n', '.dockerignore': '.env\n', Dockerfile: DF + 'COPY . .\n' }],
    ['only the app folder is copied', { ...APP, '.env': 'A=1\n', Dockerfile: DF + 'COPY app/ ./app/\n' }],
    ['a builder stage copies everything, the final stage only its output', { ...APP, '.env': 'A=1\n', Dockerfile: 'FROM python:3.11 AS build\nWORKDIR /src\nCOPY . .\nRUN mkdir -p /out\nFROM python:3.11-slim\nCOPY --from=build /src/app /app\n' }],
    ['an env template of placeholders, a certificate', { ...APP, '.env.example': 'OPENAI_API_KEY=your-key-here\nPORT=8080\n', 'certs/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', Dockerfile: DF + 'COPY . .\n' }],
    ['an .npmrc without a token, a JSON config', { ...APP, '.npmrc': 'registry=https://registry.npmjs.org/\n', 'config.json': '{"a": 1}\n', Dockerfile: DF + 'COPY . .\n' }],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => {
      assert.deepEqual(brief((await only(files)).findings), []);
    });
  }

  it('both images of a Dockerfile are read: the stage compose builds and the last stage a plain docker build makes; a shared layer is reported once', async () => {
    const env = { ...APP, '.env': 'STRIPE_KEY=' + K.stripeLive + '\n', 'compose.yaml': 'services:\n  web:\n    build: {context: ., target: dev}\n' };
    const last = await only({ ...env, Dockerfile: 'FROM python:3.11-slim AS dev\nWORKDIR /app\nCOPY app/ ./app/\nFROM python:3.11-slim AS prod\nWORKDIR /app\nCOPY . .\n' });
    assert.deepEqual(brief(last.findings).map((l) => l.split(' puts ')[0]), ['Dockerfile:6:6 secret-in-image COPY . .']);
    const shared = await only({ ...env, Dockerfile: 'FROM python:3.11-slim AS base\nWORKDIR /app\nCOPY . .\nFROM base AS dev\nFROM base AS prod\n' });
    assert.deepEqual(brief(shared.findings).map((l) => l.split(' puts ')[0]), ['Dockerfile:3:6 secret-in-image COPY . .']);
  });

  it('a later RUN rm in the image leaves the file in the COPY layer (reported, with the rm as related); an rm in a builder stage before COPY --from takes it out', async () => {
    const env = { ...APP, '.env': 'STRIPE_KEY=' + K.stripeLive + '\n' };
    const later = await only({ ...env, Dockerfile: DF + 'COPY . .\nRUN rm -f /app/.env && echo cleaned\nCMD ["python", "app/main.py"]\n' });
    assert.deepEqual(brief(later.findings), ['Dockerfile:3:6 secret-in-image COPY . . puts .env (an env file with a secret) into the image (at /app/.env): anyone who can pull the image can read it (the later RUN that deletes it leaves it in this layer); keep it out of the build context with .dockerignore']);
    assert.deepEqual(later.findings[0]!.related.map((r) => `${r.file.replace('/repo/', '')}:${r.range.start.line + 1}`), ['Dockerfile:4', '.env:1']);
    assert.equal(later.findings[0]!.related[0]!.message, 'this deletes it in a later layer, which does not take it out of the image');
    const builder = await only({ ...env, Dockerfile: 'FROM python:3.11 AS build\nWORKDIR /src\nCOPY . .\nRUN rm -f /src/.env\nFROM python:3.11-slim\nCOPY --from=build /src /app\n' });
    assert.deepEqual(brief(builder.findings), []);
  });

  it("a test's stand-in key (tests/data/localhost.key, tests/sa-NONEXISTING.json) or a vendored library's test key in the image is no credential file; the same names outside tests, and the project's own test key, are", async () => {
    const r = await only({
      ...APP, Dockerfile: DF + 'COPY . .\n',
      'sdk/tests/data/localhost.key': K.rsaKey + '\n', 'tests/sa-NONEXISTING.json': serviceAccountJson(),
      'certs/localhost.key': K.rsaKey + '\n', 'lib/future/backports/test/keycert.pem': K.rsaKey + '\n', 'app/tests/keycert.pem': K.rsaKey + '\n',
    });
    assert.deepEqual(r.findings.map((f) => f.message.replace(/ \(at .*$/, '')), ['COPY . . puts app/tests/keycert.pem (a private key) into the image', 'COPY . . puts certs/localhost.key (a private key) into the image']);
  });

  const invalid: [string, Record<string, string>, string[], Record<string, string>][] = [
    ['COPY . . brings in .env: .dockerignore is created', { ...APP, '.env': 'OPENAI_API_KEY=' + K.openaiProj + '\n', Dockerfile: DF + 'COPY . .\nCMD ["python", "app/main.py"]\n' }, [
      "Dockerfile:3:6 secret-in-image COPY . . puts .env (an env file with a secret) into the image (at /app/.env): anyone who can pull the image can read it; keep it out of the build context with .dockerignore"
    ], {
      ".dockerignore": ".env\n"
    }],
    ['an existing .dockerignore gets the key files appended', {
      ...APP,
      '.dockerignore': '__pycache__\n*.pyc',
      'deploy/id_rsa': K.rsaKey + '\n',
      'deploy/sa.json': serviceAccountJson(),
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_' + K.huggingface.slice(3, 39) + '\n',
      Dockerfile: DF + 'COPY requirements.txt* ./\nCOPY . /app/\n',
    }, [
      "Dockerfile:4:6 secret-in-image COPY . /app/ puts .npmrc (an npm config with a token) into the image (at /app/.npmrc): anyone who can pull the image can read it; keep it out of the build context with .dockerignore",
      "Dockerfile:4:6 secret-in-image COPY . /app/ puts deploy/id_rsa (a private key) into the image (at /app/deploy/id_rsa): anyone who can pull the image can read it; keep it out of the build context with .dockerignore",
      "Dockerfile:4:6 secret-in-image COPY . /app/ puts deploy/sa.json (a service-account key file) into the image (at /app/deploy/sa.json): anyone who can pull the image can read it; keep it out of the build context with .dockerignore"
    ], {
      ".dockerignore": "__pycache__\n*.pyc\n.npmrc\ndeploy/id_rsa\ndeploy/sa.json"
    }],
    ['an explicit COPY of .env is removed', { ...APP, '.env': 'DB_PASSWORD=' + K.dbPassword + '\n', Dockerfile: DF + 'COPY app/ ./app/\nCOPY .env /app/.env\nCMD ["python", "app/main.py"]\n' }, [
      "Dockerfile:4:6 secret-in-image COPY .env /app/.env puts .env (an env file with a secret) into the image (at /app/.env): anyone who can pull the image can read it; give the container its secrets at run time instead"
    ], {
      "Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY app/ ./app/\nCMD [\"python\", \"app/main.py\"]\n"
    }],
    ['a later stage copies it on: reported on the COPY from the context', {
      ...APP,
      '.env': 'OPENAI_API_KEY=' + K.openaiProj + '\n',
      Dockerfile: 'FROM python:3.11 AS build\nWORKDIR /src\nCOPY . .\nFROM python:3.11-slim\nCOPY --from=build /src /app\n',
    }, [
      "Dockerfile:3:6 secret-in-image COPY . . puts .env (an env file with a secret) into the image (at /app/.env): anyone who can pull the image can read it; keep it out of the build context with .dockerignore"
    ], {
      ".dockerignore": ".env\n"
    }],
    ['the ignore file of the Dockerfile is the one appended to', {
      ...APP,
      'svc/.env': 'A=' + K.githubPat + '\n',
      'svc/Dockerfile': DF + 'COPY . .\n',
      'svc/Dockerfile.dockerignore': '.git\n',
    }, [
      "svc/Dockerfile:3:6 secret-in-image COPY . . puts svc/.env (an env file with a secret) into the image (at /app/.env): anyone who can pull the image can read it; keep it out of the build context with .dockerignore"
    ], {
      "svc/Dockerfile.dockerignore": ".git\n.env\n"
    }],
  ];
  for (const [name, files, lines, changed] of invalid) {
    it(name, async () => {
      const { fs, findings } = await only(files);
      const got = Object.fromEntries([...applyAllFixes(fs, findings)].map(([f, t]) => [f.replace('/repo/', ''), t]));
      const after = brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'secret-in-image'));
      if (GEN) {
        console.log(JSON.stringify({ name, lines: brief(findings), related: findings.map((f) => f.related.map((r) => `${r.range.start.line + 1}: ${r.message}`)), changed: got, after, severities: findings.map((f) => f.severity) }, null, 2));
        return;
      }
      assert.deepEqual(brief(findings), lines);
      assert.ok(findings.every((f) => f.severity === 'warning'));
      assert.deepEqual(got, changed);
      assert.deepEqual(after, []);
    });
  }

  it('names the COPY --from that carries the file into the final image, and the secret in the file, as related locations', async () => {
    const { findings } = await only({ ...APP, '.env': 'A=' + K.githubPat + '\n', Dockerfile: 'FROM python:3.11 AS build\nWORKDIR /src\nCOPY . .\nFROM python:3.11-slim\nCOPY --from=build /src /app\n' });
    assert.deepEqual(findings[0].related, [
      { file: '/repo/Dockerfile', range: { start: { line: 4, character: 0 }, end: { line: 4, character: 27 } }, message: 'a later stage copies it into the final image' },
      { file: '/repo/.env', range: { start: { line: 0, character: 2 }, end: { line: 0, character: 42 } }, message: 'GitHub personal access token ghp_' + K.githubPat.slice(4, 8) + '… (40 chars) is in the file' },
    ]);
  });

  it('a committed .env that an image receives is one finding (secret-in-image), with the git advice on the related secret', async () => {
    const { all } = await only({ '.git/HEAD': 'ref: refs/heads/main\n', 'app/main.py': '', '.env': 'OPENAI_API_KEY=' + K.openaiProj + '\n', Dockerfile: DF + 'COPY . .\n' });
    assert.deepEqual(all.map((f) => `${f.ruleId} ${f.severity}`), ['secret-in-image warning']);
    assert.deepEqual(all[0].related.map((r) => `${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1} ${r.message}`), [
      '/repo/.env:1:16 OpenAI API key sk-proj-' + K.openaiProj.slice(8, 12) + '… (164 chars) is in the file; git does not ignore .env either: add it to .gitignore (and rotate the secret if it was ever pushed)',
    ]);
  });

  it('without a git repository there is no git advice', async () => {
    const { all } = await only({ 'app/main.py': '', '.env': 'OPENAI_API_KEY=' + K.openaiProj + '\n', Dockerfile: DF + 'COPY . .\n' });
    assert.deepEqual(all.map((f) => `${f.ruleId} ${f.related.map((r) => r.message).join(' | ')}`), ['secret-in-image OpenAI API key sk-proj-' + K.openaiProj.slice(8, 12) + '… (164 chars) is in the file']);
  });

  const notSecretFiles: [string, Record<string, string>][] = [
    ['a tracked env file of localhost URLs that a test image loads', { 'frontend/.env': 'VITE_API_URL=http://localhost:8000\nMAILPIT_HOST=http://localhost:8025\n', 'frontend/app.py': '', Dockerfile: DF + 'COPY ./frontend /app/frontend\n' }],
    ['an env file of settings', { '.env': 'DJANGO_SETTINGS_MODULE=tests.settings\nDEBUG=1\n', 'app/main.py': '', Dockerfile: DF + 'COPY . .\n' }],
    ['a dev env file with the local database password', { '.env.dev': 'POSTGRES_PASSWORD=' + K.dbPassword + '\nDATABASE_URL=postgresql://app:' + K.dbPassword + '@db:5432/app\n', 'app/main.py': '', Dockerfile: DF + 'COPY . .\n' }],
  ];
  for (const [name, files] of notSecretFiles) {
    it(`valid: ${name}`, async () => {
      assert.deepEqual(brief((await only(files)).all), []);
    });
  }
});
