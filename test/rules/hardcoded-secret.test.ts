// hardcoded-secret: every file type, every provider, placeholders, test files, exact messages and fix results (fake keys built by concatenation in fakes.ts).
import { strict as assert } from 'assert';
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { formatJson, formatNotices, formatSarif, formatText } from '../../server/src/cli/format';
import { relativeInside } from '../../server/src/core/fs';
import { scanValue } from '../../server/src/core/secrets';
import { applyAllFixes, brief, lintRepo, loadFixture, memRepo, ROOT } from '../helpers/repo';
import { ALPHA, K, rnd, serviceAccountJson } from '../unit/secrets/fakes';

async function only(files: Record<string, string>, rule = 'hardcoded-secret') {
  const fs = memRepo(files);
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === rule), notices: r.notices };
}

/** Lint, apply every preferred fix, re-lint: [brief lines with severity, changed files, brief lines after]. */
async function lintAndFix(files: Record<string, string>) {
  const { fs, findings } = await only(files);
  const lines = brief(findings).map((l, i) => `${findings[i].severity} ${l}`);
  const changed = Object.fromEntries([...applyAllFixes(fs, findings)].map(([f, t]) => [f.replace('/repo/', ''), t]));
  const after = brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'hardcoded-secret'));
  return { lines, changed, after, findings };
}

/** A Django-style random key (letters, digits, punctuation), written for this test. */
const DJANGO_KEY = 'q7#v' + 'k2!m9x@pl4$w8z^r1' + 'b6&n3t*y5(c0)h=j' + 'f-u7s+e2d9g4a8k1w';

type Case = [name: string, files: Record<string, string>, lines: string[], changed: Record<string, string>, after?: string[]];

const GEN = process.env.GEN === '1';
const FIXTURES = nodePath.join(__dirname, '..', 'fixtures');

function table(title: string, cases: Case[]) {
  describe(title, () => {
    for (const [name, files, lines, changed, after] of cases) {
      it(name, async () => {
        const r = await lintAndFix(files);
        if (GEN) {
          console.log(JSON.stringify({ name, lines: r.lines, changed: r.changed, after: r.after }, null, 2));
          return;
        }
        assert.deepEqual(r.lines, lines);
        assert.deepEqual(r.changed, changed);
        assert.deepEqual(r.after, after ?? []);
      });
    }
  });
}

const DF = 'FROM python:3.11-slim\n';

describe('rule hardcoded-secret', () => {
  it('test data and test stand-ins: a JSON under a test folder, a short RSA key in test code and a file named fake are notices; outside tests, or a full-size key, are reported', async () => {
    const pem = (lines: number, seed: number) => '-----BEGIN RSA ' + 'PRIVATE KEY-----\\n' + Array.from({ length: lines }, (_, i) => rnd(ALPHA.base64, 64, seed + i)).join('\\n') + '\\n-----END RSA ' + 'PRIVATE KEY-----';
    const report = JSON.stringify({ findings: [{ rule: 'google_api_key', match: `api_key = "${K.googleApiKey}"` }] }, null, 2) + '\n';
    const sa = serviceAccountJson();
    const r = await only({
      'unittests/scans/tool/report.json': report, 'config/report.json': report,
      'app/tests/test_jwt.py': `WEAK = "${pem(7, 600)}"\nSTRONG = "${pem(26, 620)}"\n`, 'app/jwt_keys.py': `WEAK = "${pem(7, 600)}"\n`,
      'tests/gcp-sa-NONEXISTING.json': sa, 'ops/gcp-sa-NONEXISTING.json': sa, '.git/HEAD': 'ref: refs/heads/main\n',
    });
    assert.deepEqual(r.findings.map((f) => `${f.severity} ${f.file.replace('/repo/', '')}:${f.range.start.line + 1}`), [
      'error app/jwt_keys.py:1', 'warning app/tests/test_jwt.py:2', 'error config/report.json:5', 'error ops/gcp-sa-NONEXISTING.json:5',
    ]);
    assert.deepEqual(r.notices.filter((n) => n.cause === 'not-reported').map((n) => n.message), [
      'not reported: app/tests/test_jwt.py:1 holds a private key too short for real use (under 1024 bits) in test code: a test fixture',
      "not reported: tests/gcp-sa-NONEXISTING.json holds what looks like a secret, but it is a test's stand-in by its name",
      'not reported: unittests/scans/tool/report.json holds a value that looks like a secret, but it is data under a test folder',
    ]);
  });

  it("Firebase's google-services.json holds the app's public Google API key: a notice; the same key in another JSON file is reported", async () => {
    const cfg = JSON.stringify({ project_info: { project_id: 'demo' }, client: [{ api_key: [{ current_key: K.googleApiKey }] }] }, null, 2) + '\n';
    const r = await only({ 'mobile/app/google-services.json': cfg, 'mobile/app/settings.json': cfg, '.git/HEAD': 'ref: refs/heads/main\n' });
    assert.deepEqual(r.findings.map((f) => `${f.severity} ${f.file.replace('/repo/', '')}`), ['error mobile/app/settings.json']);
    assert.deepEqual(r.notices.filter((n) => n.cause === 'not-reported').map((n) => n.message), [
      'not reported: the Google API key in mobile/app/google-services.json is a Firebase client configuration value, public by design (it is not a secret)',
    ]);
  });

  it('a sample invocation event under events/ (sam local invoke -e) gets a notice; the same JSON elsewhere, or copied into an image, is reported', async () => {
    const event = JSON.stringify({ Token: K.githubPat, Payload: { id: 1 } }, null, 2) + '\n';
    const r = await only({ 'fn/events/task.json': event, 'fn/config/task.json': event, '.git/HEAD': 'ref: refs/heads/main\n' });
    assert.deepEqual(r.findings.map((f) => `${f.severity} ${f.file.replace('/repo/', '')}:${f.range.start.line + 1}`), ['error fn/config/task.json:2']);
    assert.deepEqual(r.notices.filter((n) => n.cause === 'not-reported').map((n) => n.message), [
      'not reported: fn/events/task.json holds a value that looks like a secret, but it is a sample invocation event (events/ folder) that no image copies',
    ]);
  });

  it('a settings module git ignores and no image copies (Django local_settings.py) gets one notice, not findings; in an image, or committed, it is reported', async () => {
    const settings = 'SECRET_KEY = "' + DJANGO_KEY + '"\nGITHUB_TOKEN = "' + K.githubPat + '"\n';
    const df = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n';
    const base = { 'manage.py': 'import proj.settings\n', 'proj/__init__.py': '', 'proj/settings.py': 'try:\n    from proj.local_settings import *\nexcept ImportError:\n    pass\n', 'proj/local_settings.py': settings, Dockerfile: df };
    const quiet = await only({ ...base, '.gitignore': 'proj/local_settings.py\n', '.dockerignore': 'proj/local_settings.py\n' });
    assert.deepEqual(brief(quiet.findings), []);
    assert.deepEqual(quiet.notices.filter((n) => n.cause === 'not-reported').map((n) => n.message), ['not reported: proj/local_settings.py holds 2 secrets, but git ignores it and no image copies it, so neither the repository nor an image has them']);
    const shipped = await only({ ...base, '.gitignore': 'proj/local_settings.py\n' });
    assert.deepEqual(shipped.findings.map((f) => `${f.file.replace('/repo/', '')}:${f.range.start.line + 1}`), ['proj/local_settings.py:1', 'proj/local_settings.py:2']);
    const committed = await only({ ...base, '.dockerignore': 'proj/local_settings.py\n' });
    assert.equal(committed.findings.length, 2);
  });

  const valid: [string, Record<string, string>][] = [
    ['lookups and placeholders in Python', {
      'app.py': 'import os\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\nTOKEN = os.getenv("GITHUB_TOKEN")\napi_key = "your-api-key-here"\npassword = "changeme"\nsecret = "<KEY>"\nSECRET_KEY = "${SECRET_KEY}"\nAWS_KEY = "' + 'AKIA' + 'IOSFODNN7' + 'EXAMPLE"\ntoken = ""\nauth_token = "xxxxxxxxxxxxxxxxxxxx"\n',
    }],
    ['a docstring or comment that shows a key shape is not a literal value', { 'app.py': '"""Set OPENAI_API_KEY=sk-... before running."""\n# api_key = "sk-..."\nx = 1\n' }],
    ['Dockerfile variables and declarations without values', { Dockerfile: DF + 'ARG GITHUB_TOKEN\nENV OPENAI_API_KEY=${OPENAI_API_KEY} PORT=8080\nRUN --mount=type=secret,id=token pip install -r requirements.txt\n' }],
    ['templated YAML values', {
      'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: x\n          env:\n            - name: API_KEY\n              value: "{{ .Values.apiKey }}"\n            - name: TOKEN\n              valueFrom:\n                secretKeyRef: {name: api, key: token}\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n    steps:\n      - run: pytest\n',
      'compose.yaml': 'services:\n  api:\n    image: x\n    environment:\n      - OPENAI_API_KEY=${OPENAI_API_KEY}\n      - DEBUG=1\n',
    }],
    ['a git-ignored .env is where local secrets belong', { '.gitignore': '.env\n', '.env': 'OPENAI_API_KEY=' + K.openaiProj + '\n' }],
    ['a .env ignored by a pattern in a sub-folder .gitignore', { 'svc/.gitignore': '*.env\n', 'svc/local.env': 'GITHUB_TOKEN=' + K.githubPat + '\n' }],
    ['a .env of placeholders', { '.env': 'OPENAI_API_KEY=\nGITHUB_TOKEN=your-token-here\nDB_PASSWORD=changeme\n' }],
    ['a key file git ignores', { '.gitignore': '*.pem\n', 'certs/server.pem': K.rsaKey + '\n' }],
    ['an .npmrc that reads the token from the environment', { '.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' }],
    ['enum members hold labels, not credentials (skyvern credential_type)', {
      'kinds.py': 'import enum\nfrom enum import StrEnum\n\n\nclass VaultKind(StrEnum):\n    onepassword = "1password-cli"\n    bitwarden_token = "Bw7-session-Kx9q"\n\n\nclass Legacy(enum.Enum):\n    api_secret = "Zx8-vault-Lm2qP4rT7wY9"\n',
    }],
    ['arguments of a call or dict named as an example document the arguments (mindsdb connection_args_example)', {
      'connection_args.py': 'from collections import OrderedDict\n\nconnection_args_example = OrderedDict(\n    host="127.0.0.1",\n    client_secret="5B63D2B2F32EG0123JPED0JTOYYBBEEB0",\n    access_token="dzpj7Kq2Lx9vR4mW8nT3",\n)\nSAMPLE_CONFIG = {"api": {"token": "Vx8Rq2Lm7Kp4Wz9T"}}\n',
    }],
    ['a public certificate is not a key', { 'certs/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => {
      assert.deepEqual(brief((await only(files)).findings), []);
    });
  }
});

table('rule hardcoded-secret: findings and fixes per file type', [
  ['Python: assigned key, import os after the docstring and __future__ imports', {
    'app/main.py': '#!/usr/bin/env python\n"""Service\nentry."""\nfrom __future__ import annotations\nimport sys\n\nOPENAI_API_KEY = "' + K.openaiProj + '"\n',
  }, [
    "error app/main.py:7:19 hardcoded-secret OpenAI API key sk-proj-p9hz… (164 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"OPENAI_API_KEY\"])"
  ], {
    "app/main.py": "#!/usr/bin/env python\n\"\"\"Service\nentry.\"\"\"\nfrom __future__ import annotations\nimport os\nimport sys\n\nOPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n"
  }],
  ['Python: a class attribute of a class that is no enum is still a value', {
    'settings.py': 'import os\n\n\nclass Settings(BaseSettings):\n    password = "Kq7!vR2pLx9wZ"\n',
  }, [
    "error settings.py:5:17 hardcoded-secret Password Kq7… (13 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"PASSWORD\"])"
  ], {
    "settings.py": "import os\n\n\nclass Settings(BaseSettings):\n    password = os.environ[\"PASSWORD\"]\n"
  }],
  ['Python: keyword argument, dict entry, os already imported', {
    'app.py': 'import os\nclient = OpenAI(api_key="' + K.openaiLegacy + '")\nCONFIG = {"aws_secret_access_key": "' + K.awsSecret + '"}\n',
  }, [
    "error app.py:2:26 hardcoded-secret OpenAI API key sk-ibcv… (51 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"API_KEY\"])",
    "error app.py:3:37 hardcoded-secret AWS secret access key hS1Y… (40 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"AWS_SECRET_ACCESS_KEY\"])"
  ], {
    "app.py": "import os\nclient = OpenAI(api_key=os.environ[\"API_KEY\"])\nCONFIG = {\"aws_secret_access_key\": os.environ[\"AWS_SECRET_ACCESS_KEY\"]}\n"
  }],
  ['Python: near misses of example names: a provider key in an example, and a name without an example word', {
    'handler.py': 'import os\nconnection_args_example = dict(api_key="' + K.openaiLegacy + '")\nconnection_args = dict(client_secret="5B63D2B2F32EG0123JPED0JTOYYBBEEB0")\n',
  }, [
    "error handler.py:2:41 hardcoded-secret OpenAI API key sk-ibcv… (51 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"OPENAI_API_KEY\"])",
    "error handler.py:3:39 hardcoded-secret Secret 5B63… (33 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"CLIENT_SECRET\"])"
  ], {
    "handler.py": "import os\nconnection_args_example = dict(api_key=os.environ[\"OPENAI_API_KEY\"])\nconnection_args = dict(client_secret=os.environ[\"CLIENT_SECRET\"])\n"
  }],
  ['Python: part of a literal becomes an f-string; a database URL is replaced whole', {
    'app.py': 'HEADERS = {"Authorization": "Bearer ' + K.githubPat + '"}\nDATABASE_URL = "postgresql://app:' + K.dbPassword + '@db.internal:5432/app"\n',
  }, [
    "error app.py:1:37 hardcoded-secret GitHub personal access token ghp_Ae88… (40 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"GITHUB_TOKEN\"])",
    "error app.py:2:34 hardcoded-secret PostgreSQL URL password nk1t… (20 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"DATABASE_URL\"])"
  ], {
    "app.py": "import os\nHEADERS = {\"Authorization\": f\"Bearer {os.environ['GITHUB_TOKEN']}\"}\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\n"
  }],
  ['Python: the fallback of os.getenv is removed', {
    'app.py': 'import os\nKEY = os.getenv("ANTHROPIC_API_KEY", "' + K.anthropic + '")\n',
  }, [
    "error app.py:2:39 hardcoded-secret Anthropic API key sk-ant-api03-rmlD… (108 chars) is hardcoded as the fallback of os.getenv(): anyone with the code or the image has it; drop the fallback and set the variable"
  ], {
    "app.py": "import os\nKEY = os.getenv(\"ANTHROPIC_API_KEY\")\n"
  }],
  ['Python: a generic fallback is named by the variable it stands in for (apprise-api layout)', {
    'settings.py': 'import os\n\nSECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "' + DJANGO_KEY + '")\nDEBUG = os.environ.get("DEBUG_TOKEN_LOG", "0")\n',
  }, [
    "error settings.py:3:51 hardcoded-secret Secret q7#v… (54 chars) is hardcoded as the fallback of os.environ.get(): anyone with the code or the image has it; drop the fallback and set the variable"
  ], {
    "settings.py": "import os\n\nSECRET_KEY = os.environ.get(\"DJANGO_SECRET_KEY\")\nDEBUG = os.environ.get(\"DEBUG_TOKEN_LOG\", \"0\")\n"
  }],
  ['Python: fallbacks of environs, django-environ and python-decouple readers are named by their variable (doccano layout); a non-credential variable, and a config() of another module, are not', {
    'a.py': 'from environs import Env\nenv = Env()\nSECRET_KEY = env("SECRET_KEY", "' + DJANGO_KEY + '")\nTOKEN = env.str("SLACK_TOKEN", default="' + DJANGO_KEY + '")\n',
    'b.py': 'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY", default="' + DJANGO_KEY + '")\n',
    'c.py': 'from decouple import config\nSECRET_KEY = config("SECRET_KEY", default="' + DJANGO_KEY + '")\nDEBUG = config("DEBUG", default="False")\n',
    'd.py': 'from myapp.settings import config\nvalue = config("SECRET_KEY", "' + DJANGO_KEY + '")\n',
  }, [
    'error a.py:3:33 hardcoded-secret Secret q7#v… (54 chars) is hardcoded as the fallback of env(): anyone with the code or the image has it; drop the fallback and set the variable',
    'error a.py:4:41 hardcoded-secret Secret q7#v… (54 chars) is hardcoded as the fallback of env.str(): anyone with the code or the image has it; drop the fallback and set the variable',
    'error b.py:3:48 hardcoded-secret Secret q7#v… (54 chars) is hardcoded as the fallback of env(): anyone with the code or the image has it; drop the fallback and set the variable',
    'error c.py:2:44 hardcoded-secret Secret q7#v… (54 chars) is hardcoded as the fallback of config(): anyone with the code or the image has it; drop the fallback and set the variable',
  ], {
    'a.py': 'from environs import Env\nenv = Env()\nSECRET_KEY = env("SECRET_KEY")\nTOKEN = env.str("SLACK_TOKEN")\n',
    'b.py': 'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY")\n',
    'c.py': 'from decouple import config\nSECRET_KEY = config("SECRET_KEY")\nDEBUG = config("DEBUG", default="False")\n',
  }],
  ['Python: f-string constant parts are scanned (no fix)', {
    'app.py': 'def url(q):\n    return f"https://maps.example.invalid/?q={q}&key=' + K.googleApiKey + '"\n',
  }, [
    "error app.py:2:54 hardcoded-secret Google API key AIzaUa7n… (39 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"GOOGLE_API_KEY\"])"
  ], {}, [
    "app.py:2:54 hardcoded-secret Google API key AIzaUa7n… (39 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"GOOGLE_API_KEY\"])"
  ]],
  ['Python: test files are warnings', {
    'tests/test_api.py': 'STRIPE = "' + K.stripeLive + '"\n',
    'svc/conftest.py': 'import os\nTOKEN = "' + K.slackBot + '"\n',
    'svc/client_test.py': 'HF = "' + K.huggingface + '"\n',
  }, [
    "warning svc/client_test.py:1:7 hardcoded-secret Hugging Face token hf_qbHO… (37 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"HF_TOKEN\"])",
    "warning svc/conftest.py:2:10 hardcoded-secret Slack token xoxb-6415… (56 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"SLACK_TOKEN\"])",
    "warning tests/test_api.py:1:11 hardcoded-secret Stripe secret key sk_live_5dv7… (107 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"STRIPE_SECRET_KEY\"])"
  ], {
    "svc/client_test.py": "import os\nHF = os.environ[\"HF_TOKEN\"]\n",
    "svc/conftest.py": "import os\nTOKEN = os.environ[\"SLACK_TOKEN\"]\n",
    "tests/test_api.py": "import os\nSTRIPE = os.environ[\"STRIPE_SECRET_KEY\"]\n"
  }],
  ['Python: a database URL password in test code is test data (no checksum makes it certain); in app code it is reported', {
    'tests/test_cache.py': 'BROKER = "redis://:Vx9qLr2mZt@cache.example.invalid:6379/0"\n',
    'svc/cache.py': 'BROKER = "redis://:Vx9qLr2mZt@cache.example.invalid:6379/0"\n',
  }, [
    "error svc/cache.py:1:20 hardcoded-secret Redis URL password Vx… (10 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ[\"DATABASE_URL\"])"
  ], {
    "svc/cache.py": "import os\nBROKER = os.environ[\"DATABASE_URL\"]\n"
  }],
  ['Dockerfile: ENV pair, ARG default, RUN command', {
    Dockerfile: DF + 'ENV OPENAI_API_KEY=' + K.openaiProj + ' PORT=8080\nARG GITHUB_TOKEN=' + K.githubPat + '\nRUN curl -H "Authorization: Bearer ' + K.sendgrid + '" https://api.example.invalid\nENV AWS_SECRET_ACCESS_KEY ' + K.awsSecret + '\nCMD ["python", "app.py"]\n',
  }, [
    "error Dockerfile:2:20 hardcoded-secret OpenAI API key sk-proj-p9hz… (164 chars) is baked into the image by ENV OPENAI_API_KEY (docker inspect and docker history show it); pass it at run time instead (docker run -e OPENAI_API_KEY, or the platform's secrets)",
    "error Dockerfile:3:18 hardcoded-secret GitHub personal access token ghp_Ae88… (40 chars) is the value of ARG GITHUB_TOKEN, which stays in the image history; pass build-time secrets with RUN --mount=type=secret,id=github-token, run-time ones with docker run -e GITHUB_TOKEN",
    "error Dockerfile:4:36 hardcoded-secret SendGrid API key SG.hHOd… (69 chars) is written into a RUN command, which stays in the image history; use RUN --mount=type=secret,id=sendgrid-api-key and read /run/secrets/sendgrid-api-key",
    "error Dockerfile:5:27 hardcoded-secret AWS secret access key hS1Y… (40 chars) is baked into the image by ENV AWS_SECRET_ACCESS_KEY (docker inspect and docker history show it); pass it at run time instead (docker run -e AWS_SECRET_ACCESS_KEY, or the platform's secrets)"
  ], {
    "Dockerfile": "FROM python:3.11-slim\nENV PORT=8080\nRUN curl -H \"Authorization: Bearer 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\" https://api.example.invalid\nCMD [\"python\", \"app.py\"]\n"
  }, [
    "Dockerfile:3:36 hardcoded-secret SendGrid API key SG.hHOd… (69 chars) is written into a RUN command, which stays in the image history; use RUN --mount=type=secret,id=sendgrid-api-key and read /run/secrets/sendgrid-api-key"
  ]],
  ['Kubernetes: value becomes a secretKeyRef named after the workload', {
    'k8s/worker.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: predictions-worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: x\n          env:\n            - name: OPENAI_API_KEY\n              value: "' + K.openaiProj + '"\n            - name: LOG_LEVEL\n              value: info\n',
  }, [
    "error k8s/worker.yaml:13:23 hardcoded-secret OpenAI API key sk-proj-p9hz… (164 chars) is hardcoded in env OPENAI_API_KEY of Deployment 'predictions-worker'; reference a Secret (valueFrom.secretKeyRef)"
  ], {
    "k8s/worker.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: predictions-worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: x\n          env:\n            - name: OPENAI_API_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: predictions-worker-secrets\n                  key: openai-api-key\n            - name: LOG_LEVEL\n              value: info\n"
  }],
  ['Cloud Run: a Secret Manager secret, flow style kept', {
    'service.yaml': 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/api\n          env:\n            - {name: STRIPE_SECRET_KEY, value: ' + K.stripeLive + '}\n',
  }, [
    "error service.yaml:11:48 hardcoded-secret Stripe secret key sk_live_5dv7… (107 chars) is hardcoded in env STRIPE_SECRET_KEY of Service 'api'; reference a Secret Manager secret (valueFrom.secretKeyRef)"
  ], {
    "service.yaml": "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/api\n          env:\n            - {name: STRIPE_SECRET_KEY, valueFrom: {secretKeyRef: {name: stripe-secret-key, key: latest}}}\n"
  }],
  ['compose: map and list environment become ${NAME}', {
    'compose.yaml': 'services:\n  api:\n    image: x\n    environment:\n      SENDGRID_API_KEY: "' + K.sendgrid + '"\n  worker:\n    image: y\n    environment:\n      - AWS_ACCESS_KEY_ID=' + K.awsKeyId + '\n      - DEBUG=1\n',
  }, [
    "error compose.yaml:5:26 hardcoded-secret SendGrid API key SG.hHOd… (69 chars) is hardcoded in the environment of compose service 'api'; use ${SENDGRID_API_KEY} and set it in the shell or a git-ignored .env",
    "error compose.yaml:9:27 hardcoded-secret AWS access key ID AKIA4… (20 chars) is hardcoded in the environment of compose service 'worker'; use ${AWS_ACCESS_KEY_ID} and set it in the shell or a git-ignored .env"
  ], {
    "compose.yaml": "services:\n  api:\n    image: x\n    environment:\n      SENDGRID_API_KEY: ${SENDGRID_API_KEY}\n  worker:\n    image: y\n    environment:\n      - AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\n      - DEBUG=1\n"
  }],
  ['GitHub workflow: env value becomes ${{ secrets.NAME }}', {
    '.github/workflows/deploy.yml': 'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      HF_TOKEN: ' + K.huggingface + '\n    steps:\n      - run: ./deploy.sh\n',
  }, [
    "error .github/workflows/deploy.yml:6:17 hardcoded-secret Hugging Face token hf_qbHO… (37 chars) is hardcoded in the workflow; use ${{ secrets.HF_TOKEN }}"
  ], {
    ".github/workflows/deploy.yml": "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      HF_TOKEN: ${{ secrets.HF_TOKEN }}\n    steps:\n      - run: ./deploy.sh\n"
  }],
  ['other YAML: reported with its key path, no fix', {
    'config/settings.yaml': 'slack:\n  webhook: https://hooks.slack.com/services/' + K.slackHookPath + '\n',
  }, [
    "error config/settings.yaml:2:45 hardcoded-secret Slack webhook URL TK5R… (48 chars) is hardcoded in settings.yaml at slack.webhook; read it from the environment or a secret store"
  ], {}, [
    "config/settings.yaml:2:45 hardcoded-secret Slack webhook URL TK5R… (48 chars) is hardcoded in settings.yaml at slack.webhook; read it from the environment or a secret store"
  ]],
  ['.env that git would commit: one finding per file, fixed by .gitignore', {
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.gitignore': 'node_modules/\n',
    '.env': '# local\nOPENAI_API_KEY=' + K.openaiProj + '\nexport TWILIO_AUTH_TOKEN="' + K.twilioAuthToken + '"\nDEBUG=1\n',
  }, [
    "error .env:2:16 hardcoded-secret OpenAI API key sk-proj-p9hz… (164 chars) and 1 more secret in .env, which git does not ignore: committing it leaks them; add the file to .gitignore, and if git already tracks it also run git rm --cached .env (rotate them if they were ever pushed)"
  ], {
    ".gitignore": "node_modules/\n.env\n"
  }],
  ['.env template: the value is blanked', {
    '.env.example': 'GITHUB_TOKEN=' + K.githubFineGrained + '\nPORT=8080\n',
  }, [
    "error .env.example:1:14 hardcoded-secret GitHub fine-grained personal access token github_pat_qDUr… (93 chars) is the value of GITHUB_TOKEN in .env.example, a template meant to be committed; leave it empty or write a placeholder"
  ], {
    ".env.example": "GITHUB_TOKEN=\nPORT=8080\n"
  }],
  ['service-account JSON, key file, .pypirc: ignored by .gitignore (created)', {
    '.git': 'gitdir: ../.git/worktrees/app\n',
    'deploy/sa.json': serviceAccountJson(),
    'deploy/id_rsa': K.rsaKey + '\n',
    '.pypirc': '[pypi]\nusername = __token__\npassword = pypi-' + K.huggingface + K.awsSecret + '\n',
  }, [
    "error .pypirc:3:12 hardcoded-secret Password pypi… (82 chars) in .pypirc, which git does not ignore: committing it leaks it; add the file to .gitignore, and if git already tracks it also run git rm --cached .pypirc (rotate it if it was ever pushed)",
    "error deploy/id_rsa:1:1 hardcoded-secret RSA private key -----BEGIN RSA PRIVATE KEY-----… (321 chars) in the key file deploy/id_rsa, which git does not ignore: committing it leaks it; add the file to .gitignore, and if git already tracks it also run git rm --cached deploy/id_rsa (rotate it if it was ever pushed)",
    "error deploy/sa.json:5:19 hardcoded-secret GCP service-account private key -----BEGIN PRIVATE KEY-----… (320 chars) in the service-account key file deploy/sa.json, which git does not ignore: committing it leaks it; add the file to .gitignore, and if git already tracks it also run git rm --cached deploy/sa.json (rotate it if it was ever pushed)"
  ], {
    ".gitignore": ".pypirc\ndeploy/id_rsa\ndeploy/sa.json\n"
  }],
  ['.npmrc: the token becomes ${NPM_TOKEN}', {
    '.npmrc': 'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_' + K.huggingface.slice(3, 39) + '\n',
  }, [
    "error .npmrc:2:34 hardcoded-secret Secret npm_… (38 chars) is hardcoded in .npmrc; write ${NPM_TOKEN} and set the variable where npm runs"
  ], {
    ".npmrc": "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
  }],
  ['JSON config: named values', {
    'config.json': '{\n  "service": "api",\n  "twilio": {"account_sid": "' + K.twilioSid + '", "auth_token": "' + K.twilioAuthToken + '"}\n}\n',
  }, [
    "error config.json:3:82 hardcoded-secret Secret 763d… (32 chars) is hardcoded in config.json at twilio.auth_token; read it from the environment or a secret store"
  ], {}, [
    "config.json:3:82 hardcoded-secret Secret 763d… (32 chars) is hardcoded in config.json at twilio.auth_token; read it from the environment or a secret store"
  ]],
]);

describe('rule hardcoded-secret: providers', () => {
  const all: [name: string, value: string, provider: string][] = [
    ['a', K.openaiProj, 'OpenAI API key'],
    ['b', K.openaiLegacy, 'OpenAI API key'],
    ['c', K.openaiNoMarker, 'OpenAI API key'],
    ['d', K.anthropic, 'Anthropic API key'],
    ['e', K.anthropicAdmin, 'Anthropic admin key'],
    ['f', K.awsKeyId, 'AWS access key ID'],
    ['g', K.awsTempKeyId, 'AWS access key ID'],
    ['aws_secret_access_key', K.awsSecret, 'AWS secret access key'],
    ['h', K.googleApiKey, 'Google API key'],
    ['i', K.githubPat, 'GitHub personal access token'],
    ['j', K.githubOauth, 'GitHub OAuth access token'],
    ['k', K.githubFineGrained, 'GitHub fine-grained personal access token'],
    ['l', K.slackBot, 'Slack token'],
    ['m', K.slackUser, 'Slack token'],
    ['n', K.slackApp, 'Slack app-level token'],
    ['o', 'https://hooks.slack.com/services/' + K.slackHookPath, 'Slack webhook URL'],
    ['p', K.stripeLive, 'Stripe secret key'],
    ['q', K.stripeRestricted, 'Stripe restricted key'],
    ['r', K.stripeTest, 'Stripe test secret key'],
    ['s', K.huggingface, 'Hugging Face token'],
    ['t', K.sendgrid, 'SendGrid API key'],
    ['u', K.twilioApiKey, 'Twilio API key'],
    ['twilio_auth_token', K.twilioAuthToken, 'Twilio auth token'],
    ['v', K.rsaKey.replace(/\n/g, '\\n'), 'RSA private key'],
    ['w', K.pkcs8Key.replace(/\n/g, '\\n'), 'Private key'],
    ['x', K.encryptedKey.replace(/\n/g, '\\n'), 'Encrypted private key'],
    ['y', 'mysql://app:' + K.dbPassword + '@db.internal/app', 'MySQL URL password'],
    ['db_password', K.dbPassword, 'Password'],
  ];

  it('catches every provider in Python and never prints a secret whole', async () => {
    const src = all.map(([n, v]) => `${n} = "${v}"`).join('\n') + '\n';
    const { findings } = await only({ 'app.py': src });
    assert.deepEqual(findings.map((f) => f.message.slice(0, f.message.indexOf(' is hardcoded')).replace(/ (-----BEGIN [A-Z ]+-----)?\S*… \(\d+ chars\)$/, '')), all.map(([, , p]) => p));
    for (const f of findings) {
      for (const [, v] of all) {
        assert.ok(!f.message.includes(v) && !f.fixes.some((x) => x.title.includes(v) || x.edits.some((e) => e.newText.includes(v))), `secret printed in ${f.message}`);
      }
    }
  });

  const main: [string, string, string][] = [
    ['OPENAI_API_KEY', K.openaiProj, 'OpenAI API key'],
    ['AWS_ACCESS_KEY_ID', K.awsKeyId, 'AWS access key ID'],
    ['GITHUB_TOKEN', K.githubPat, 'GitHub personal access token'],
    ['ANTHROPIC_API_KEY', K.anthropic, 'Anthropic API key'],
    ['DATABASE_URL', 'postgres://app:' + K.dbPassword + '@db.internal/app', 'PostgreSQL URL password'],
  ];
  const k8s = (n: string, v: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n      env:\n        - name: ${n}\n          value: "${v}"\n`;
  const kinds: [string, (n: string, v: string) => Record<string, string>][] = [
    ['Python', (n, v) => ({ 'app.py': `${n} = "${v}"\n` })],
    ['Dockerfile ENV', (n, v) => ({ Dockerfile: `${DF}ENV ${n}="${v}"\n` })],
    ['Dockerfile ARG', (n, v) => ({ Dockerfile: `${DF}ARG ${n}="${v}"\n` })],
    ['Dockerfile RUN', (n, v) => ({ Dockerfile: `${DF}RUN ${n}="${v}" ./setup.sh\n` })],
    ['Kubernetes env', (n, v) => ({ 'pod.yaml': k8s(n, v) })],
    ['compose environment', (n, v) => ({ 'compose.prod.yaml': `services:\n  api:\n    image: x\n    environment:\n      ${n}: "${v}"\n` })],
    ['workflow env', (n, v) => ({ '.github/workflows/ci.yml': `on: push\nenv:\n  ${n}: ${v}\njobs: {}\n` })],
    ['.env', (n, v) => ({ '.git/HEAD': 'ref: refs/heads/main\n', '.env': `${n}=${v}\n` })],
    ['JSON', (n, v) => ({ 'settings.json': `{"${n}": "${v}"}\n` })],
  ];
  for (const [kind, make] of kinds) {
    it(`catches the main providers in ${kind}`, async () => {
      for (const [n, v, provider] of main) {
        const { findings } = await only(make(n, v));
        assert.equal(findings.length, 1, `${kind} ${n}`);
        assert.ok(findings[0].message.startsWith(provider + ' '), findings[0].message);
        assert.ok(!findings[0].message.includes(v));
      }
    });
  }

  // Every provider in every file type (names are upper-cased env names; the PEM keys travel \n-escaped).
  for (const [kind, make] of kinds) {
    it(`catches every provider in ${kind}`, async () => {
      const missed: string[] = [];
      for (const [n, v, provider] of all) {
        const name = n.length === 1 ? `SETTING_${n.toUpperCase()}` : n.toUpperCase();
        const { findings } = await only(make(name, v));
        if (findings.length !== 1 || !findings[0].message.startsWith(provider + ' ') || findings[0].message.includes(v)) missed.push(`${provider} (${findings.map((f) => f.message.slice(0, 60)).join(' | ') || 'nothing'})`);
      }
      assert.deepEqual(missed, []);
    });
  }

  it('an env file that a local compose file loads holds local-stack passwords; one a production compose file loads does not', async () => {
    const env = 'POSTGRES_PASSWORD=' + K.dbPassword + '\n';
    const compose = 'services:\n  db:\n    image: postgres:16\n    env_file: env/db.env\n';
    const local = await only({ '.git/HEAD': 'ref: refs/heads/main\n', 'env/db.env': env, 'docker-compose.yml': compose });
    assert.deepEqual(brief(local.findings), []);
    const prod = await only({ '.git/HEAD': 'ref: refs/heads/main\n', 'env/db.env': env, 'docker-compose.prod.yml': compose });
    assert.deepEqual(brief(prod.findings), [
      'env/db.env:1:19 hardcoded-secret Password ' + K.dbPassword.slice(0, 4) + '… (20 chars) in env/db.env, which git does not ignore: committing it leaks it; add the file to .gitignore, and if git already tracks it also run git rm --cached env/db.env (rotate it if it was ever pushed)',
    ]);
  });

  it('a .env outside any git repository is not reported, and a notice says why', async () => {
    const { findings, notices } = await only({ '.env': 'OPENAI_API_KEY=' + K.openaiProj + '\n' });
    assert.deepEqual(brief(findings), []);
    assert.deepEqual(notices.filter((n) => n.file === '/repo/.env').map((n) => n.message), [
      'not reported: .env holds OpenAI API key sk-proj-' + K.openaiProj.slice(8, 12) + '… (164 chars), but it is in no git repository of the workspace, so nothing commits it',
    ]);
  });

  it('skips files over 1 MiB with a notice', async () => {
    const { findings, notices } = await only({ 'big.py': 'x = 1\n'.repeat(200_000) + `KEY = "${K.openaiProj}"\n` });
    assert.deepEqual(findings, []);
    assert.ok(notices.some((n) => n.file === '/repo/big.py' && /larger than 1 MiB/.test(n.message)));
  });

  it('can be suppressed on the line', async () => {
    const { findings } = await only({ 'app.py': `KEY = "${K.openaiProj}"  # deploylint: ignore[hardcoded-secret]\n` });
    assert.deepEqual(findings, []);
  });
});

describe('secrets never appear whole in CLI output', () => {
  const fixtures = ['hardcoded-secret', 'secret-in-image'].flatMap((g) => nodeFs.readdirSync(nodePath.join(FIXTURES, g)).map((c) => nodePath.join(FIXTURES, g, c)));
  for (const dir of fixtures) {
    it(`text, JSON and SARIF of ${nodePath.relative(FIXTURES, dir)}`, async () => {
      const repo = loadFixture(dir);
      const { findings, notices } = await lintRepo(repo);
      assert.ok(findings.length > 0);
      // The fixture's secrets, found independently of the rules: provider formats in the raw text, and each line of a PEM body.
      const secrets = new Set<string>();
      const walk = (d: string) => {
        for (const e of nodeFs.readdirSync(d, { withFileTypes: true })) {
          const p = nodePath.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else {
            const text = nodeFs.readFileSync(p, 'utf8');
            for (const m of scanValue(text)) secrets.add(text.slice(m.start, m.end));
            for (const l of text.split('\n')) if (/^[A-Za-z0-9+/=]{40,}$/.test(l)) secrets.add(l);
          }
        }
      };
      walk(dir);
      assert.ok(secrets.size > 0);
      const o = { rel: (p: string) => relativeInside(ROOT, p) ?? p, root: ROOT, version: 'test' };
      const related = findings.flatMap((f) => f.related.map((r) => r.message)).join('\n');
      const outputs = [formatText(findings, o), formatJson(findings, o), formatSarif(findings, o), formatNotices(notices, o), related];
      for (const out of outputs) for (const s of secrets) assert.ok(!out.includes(s), `a secret of ${dir} appears whole in the output`);
    });
  }
});

describe('rule hardcoded-secret: CI workflows (study h7 R3: mathesar test-and-lint-code.yml)', () => {
  const wf = (host: string) => ({ '.github/workflows/ci.yml': `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./install.sh -c "postgres://testuser:Zq8rT2vLp9@${host}:5432/appdb"\n` });
  it('a database URL on localhost in a step is the job\'s own database: quiet', async () => {
    for (const host of ['localhost', '127.0.0.1']) assert.deepEqual(brief((await lintRepo(memRepo(wf(host)))).findings), [], host);
  });
  it('on another host it is reported, with no fix that would replace the step\'s run script', async () => {
    const r = await lintRepo(memRepo(wf('db.prod.example.com')));
    assert.deepEqual(brief(r.findings), ['.github/workflows/ci.yml:6:51 hardcoded-secret PostgreSQL URL password Zq… (10 chars) is hardcoded in the workflow; use ${{ secrets.NAME }}']);
    assert.deepEqual(r.findings[0].fixes, []);
  });
});

describe('rule hardcoded-secret: where a test finds the password field (study h7 R1: jumpserver test_data_example.json)', () => {
  const json = (k: string) => ({ 'app/data.json': `{"asset": {"category": {"value": "web"}, "specific": {"${k}": "Qm7v-name=pw9Z"}}}\n` });
  it('password_selector and passwordXpath name a selector, not a password: quiet; db_password: reported', async () => {
    for (const k of ['password_selector', 'passwordXpath']) assert.deepEqual(brief((await lintRepo(memRepo(json(k)))).findings), [], k);
    assert.deepEqual(brief((await lintRepo(memRepo(json('db_password')))).findings), ['app/data.json:1:71 hardcoded-secret Password Qm7… (14 chars) is hardcoded in data.json at asset.specific.db_password; read it from the environment or a secret store']);
  });
});
