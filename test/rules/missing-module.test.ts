// missing-module: table-driven cases over in-memory repos, exact findings and fix results.
import { strict as assert } from 'assert';
import { explain } from '../../server/src/core/runtime/explain';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const DF = (copies: string, cmd = '["gunicorn", "-b", "0.0.0.0:8080", "app:app"]') => `FROM python:3.11-slim\nWORKDIR /app\n${copies}\nCMD ${cmd}\n`;
const APP = (body: string) => `from flask import Flask\n${body}\napp = Flask(__name__)\n`;

async function mm(files: Record<string, string>) {
  const fs = memRepo(files);
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'missing-module') };
}

describe('rule missing-module', () => {
  const quiet: [string, Record<string, string>][] = [
    ['stdlib and declared third-party imports', { 'svc/app.py': APP('import os, json\nimport requests\nimport yaml'), 'svc/requirements.txt': 'requests\nPyYAML\n', Dockerfile: DF('COPY svc/ ./') }],
    ['an import the code guards with try/except ImportError', { 'svc/app.py': APP('try:\n    import extras\nexcept ImportError:\n    extras = None'), 'svc/extras.py': '', Dockerfile: DF('COPY svc/app.py ./') }],
    ['an import under if TYPE_CHECKING', { 'svc/app.py': APP('from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from models import M'), 'svc/models.py': '', Dockerfile: DF('COPY svc/app.py ./') }],
    ['an import under if __name__ == "__main__" in a module gunicorn imports', { 'svc/app.py': APP('if __name__ == "__main__":\n    import devserver'), 'svc/devserver.py': '', Dockerfile: DF('COPY svc/app.py ./') }],
    ['a module whose source is not in the build context (unknown: maybe installed)', { 'svc/app.py': APP('import company_internal_sdk'), Dockerfile: DF('COPY svc/app.py ./') }],
    ['code that changes sys.path at run time', { 'svc/app.py': APP('import sys\nsys.path.append("/opt/plugins")\nimport plugin_a'), 'plugins/plugin_a.py': '', Dockerfile: DF('COPY svc/app.py ./') }],
    ['two different source roots could provide it', { 'svc/app.py': APP('import common'), 'libs/a/common.py': '', 'libs/b/common.py': '', Dockerfile: DF('COPY svc/app.py ./') }],
    ['RUN git clone may bring it', { 'svc/app.py': APP('import vendored'), 'svc/vendored.py': '', Dockerfile: DF('COPY svc/app.py ./\nRUN git clone https://example.invalid/v.git /app') }],
    ['pip install of a wheel the model cannot see', { 'svc/app.py': APP('import mylib'), 'mylib/__init__.py': '', Dockerfile: DF('COPY svc/app.py ./\nCOPY --from=ghcr.io/o/wheels:1 /w /w\nRUN pip install /w/mylib-1.0-py3-none-any.whl') }],
    ['a third-party name that is also the name of the importing file (import jwt in services/jwt.py)', { 'app/__init__.py': '', 'app/main.py': APP('from app.services import jwt as tokens'), 'app/services/__init__.py': '', 'app/services/jwt.py': 'import jwt\n', Dockerfile: DF('COPY . ./', '["uvicorn", "--host", "0.0.0.0", "app.main:app"]') }],
    ['a third-party name that is also the service folder the build context is (compose build: flask, import flask)', { 'svc/flask/app.py': 'import flask\napp = flask.Flask(__name__)\n', 'svc/flask/requirements.txt': 'Flask==1.1.1\n', 'svc/flask/Dockerfile': 'FROM python:3.9-alpine\nWORKDIR /home/app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n', 'svc/compose.yaml': 'services:\n  web:\n    build: flask\n' }],
    ['a third-party name that is also an unrelated project folder beside the service (flask/ next to web/)', { 'flask/app/app.py': 'print(1)\n', 'flask/compose.yaml': 'services:\n  a:\n    build: app\n', 'web/svc/app.py': 'import flask\napp = flask.Flask(__name__)\n', 'web/svc/requirements.txt': 'Flask\n', 'web/svc/Dockerfile': 'FROM python:3.9-alpine\nWORKDIR /home/app\nCOPY . .\nCMD ["python", "app.py"]\n', 'web/compose.yaml': 'services:\n  web:\n    build: svc\n' }],
    ['a CMD the parser cannot be sure of (variable target)', { 'svc/app.py': APP('import helpers'), 'svc/helpers.py': '', Dockerfile: DF('COPY svc/app.py ./', 'gunicorn -b :8080 $APP_MODULE') }],
  ];
  for (const [name, files] of quiet) {
    it(`quiet: ${name}`, async () => assert.deepEqual(brief((await mm(files)).findings), []));
  }

  it('follows fastapi run without a path into fastapi-cli\'s default file (app/main.py)', async () => {
    const { findings } = await mm({ 'svc/app/__init__.py': '', 'svc/app/main.py': 'from fastapi import FastAPI\nfrom app.routes import router\n\napp = FastAPI()\n', 'svc/app/routes.py': 'router = 1\n', 'svc/requirements.txt': 'fastapi\n', Dockerfile: 'FROM python:3.12-slim\nWORKDIR /code\nCOPY svc/requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY svc/app/__init__.py svc/app/main.py ./app/\nCMD ["fastapi", "run", "--workers", "4"]\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:5:1 missing-module 'app.routes' is imported by /code/app/main.py but is not in the image: svc/app/routes.py is never copied"]);
  });

  it('finds a module in a sibling source root (libs/common) and copies it next to the app', async () => {
    const { fs, findings } = await mm({ 'svc/app.py': APP('from common.db import session'), 'libs/common/__init__.py': '', 'libs/common/db.py': '', Dockerfile: DF('COPY svc/app.py ./') });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module package 'common' (common.db) is imported by /app/app.py but is not in the image: libs/common/ is never copied"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: DF('COPY svc/app.py ./\nCOPY libs/common/ /app/common/') });
    assert.deepEqual(brief((await mm({})).findings), []);
  });

  it('reports a relative import of a file that was not copied, with the chain through two files', async () => {
    const { findings } = await mm({
      'pkg/__init__.py': '',
      'pkg/app.py': APP('from .views import index'),
      'pkg/views.py': 'from .templates import render\n\n\ndef index():\n    return render()\n',
      'pkg/templates.py': '',
      Dockerfile: DF('COPY pkg/__init__.py pkg/app.py pkg/views.py pkg/', '["gunicorn", "pkg.app:app"]'),
    });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module 'pkg.templates' is imported by /app/pkg/views.py but is not in the image: pkg/templates.py is never copied"]);
    assert.deepEqual(findings[0].related.map((r) => `${r.file.slice(6)}:${r.range.start.line + 1} ${r.message}`), [
      'Dockerfile:4 the container runs gunicorn pkg.app:app',
      'pkg/app.py:2 pkg/app.py (/app/pkg/app.py in the image) imports .views',
      'pkg/views.py:1 pkg/views.py (/app/pkg/views.py in the image) imports .templates',
    ]);
    assert.deepEqual(findings[0].mirrors?.map((m) => `${m.file.slice(6)}:${m.range.start.line + 1}:${m.range.start.character + 1}`), ['pkg/views.py:1:6']);
  });

  it('reports one finding per missing package, whatever the number of imports into it', async () => {
    const { findings } = await mm({
      'svc/app.py': APP('from shared.a import x\nfrom shared.b import y\nimport shared.c'),
      'svc/other.py': 'from shared.a import z\n',
      'shared/__init__.py': '', 'shared/a.py': '', 'shared/b.py': '', 'shared/c.py': '',
      Dockerfile: DF('COPY svc/ ./'),
    });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module package 'shared' (shared.a, shared.b, shared.c) is imported by /app/app.py but is not in the image: shared/ is never copied"]);
    assert.equal(findings[0].mirrors?.length, 3);
  });

  it('inserts after the COPY of the importing file, also at the end of a file without a final newline', async () => {
    const { fs, findings } = await mm({ 'app.py': APP('import helpers'), 'helpers.py': '', Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCMD ["python", "app.py"]\nCOPY app.py .' });
    assert.deepEqual(brief(findings), ["Dockerfile:4:1 missing-module 'helpers' is imported by /app/app.py but is not in the image: helpers.py is never copied"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: 'FROM python:3.11-slim\nWORKDIR /app\nCMD ["python", "app.py"]\nCOPY app.py .\nCOPY helpers.py /app/' });
  });
});

describe('rule missing-module: copied, but not where Python looks', () => {
  it('python src/main.py importing src.utils: adds the parent folder to PYTHONPATH', async () => {
    const { fs, findings } = await mm({ 'src/__init__.py': '', 'src/main.py': 'from src.utils import helper\n', 'src/utils.py': 'def helper():\n    pass\n', Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY src/ ./src/\nCMD ["python", "src/main.py"]\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:4:1 missing-module 'src.utils' is imported by /app/src/main.py, but 'src' is at /app/src and Python does not look in /app (sys.path: /app/src)"]);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Add /app to PYTHONPATH']);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY src/ ./src/\nENV PYTHONPATH=/app\nCMD ["python", "src/main.py"]\n' });
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });
});

describe('rule missing-module: relative imports without a parent package', () => {
  it('python app/main.py with `from .routers import items` fails at import', async () => {
    const { findings } = await mm({ 'app/__init__.py': '', 'app/main.py': 'from .routers import items\n', 'app/routers.py': '', Dockerfile: 'FROM python:3.11\nWORKDIR /code\nCOPY app/ ./app/\nCMD ["python", "app/main.py"]\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module the relative import '.routers' in /code/app/main.py cannot work: the file runs as the script __main__, with no parent package (ImportError: attempted relative import with no known parent package)"]);
    assert.deepEqual(findings[0].fixes, []);
  });
});

describe('rule missing-module: parent packages of the entry module', () => {
  it('run as their package (relative imports work, __main__ blocks do not run)', async () => {
    const { findings } = await mm({ 'pkg/__init__.py': 'from .settings import X\nif __name__ == "__main__":\n    import devtool\n', 'pkg/settings.py': 'X = 1\n', 'pkg/app.py': 'app = 1\n', 'devtool.py': '', Dockerfile: 'FROM python:3.11\nWORKDIR /app\nCOPY pkg/ ./pkg/\nCMD ["gunicorn", "pkg.app:app"]\n' });
    assert.deepEqual(brief(findings), []);
  });
});

describe('rule missing-module: locality from the workspace', () => {
  const COMPOSE = (ctx: string) => `services:\n  svc:\n    build: ${ctx}\n`;
  it('a service-folder context: the flat-copied module shadows the package its code imports (from the image alone)', async () => {
    const { fs, findings } = await mm({
      'compose.yaml': COMPOSE('./coordinator'),
      'coordinator/Dockerfile': 'FROM python:3.11-slim\nWORKDIR /app\nCOPY coordinator.py /app/coordinator.py\nCMD ["gunicorn", "-b", ":8080", "coordinator:app"]\n',
      'coordinator/coordinator.py': APP('from coordinator.player_loader import load\nfrom coordinator.progress import track'),
      'coordinator/player_loader.py': 'def load():\n    pass\n',
      'coordinator/progress.py': 'def track():\n    pass\n',
    });
    assert.deepEqual(brief(findings), ["coordinator/Dockerfile:3:1 missing-module 'coordinator.player_loader' and 'coordinator.progress' are imported by /app/coordinator.py but cannot load: in the image 'coordinator' is the module /app/coordinator.py, not the package coordinator/"]);
    // One problem, one finding (entrypoint-target stays quiet): the fix copies the package and rewrites the target in one go.
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Copy the context as the package /app/coordinator/ instead of the single file, and run coordinator.coordinator:app']);
    assert.deepEqual((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'entrypoint-target'), []);
    applyAllFixes(fs, findings);
    assert.equal((fs.read('/repo/coordinator/Dockerfile') as { text: string }).text, 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app/coordinator/\nCMD ["gunicorn", "-b", ":8080", "coordinator.coordinator:app"]\n');
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('a local package that .dockerignore drops from COPY . . (a gitignore-template line): names the line, re-includes it', async () => {
    const { fs, findings } = await mm({ 'app.py': APP('from lib.db import connect'), 'lib/__init__.py': '', 'lib/db.py': 'def connect():\n    pass\n', '.dockerignore': '# from a Python .gitignore\nbuild/\nlib/\n*.pyc\n', Dockerfile: DF('COPY . .') });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module package 'lib' (lib.db) is imported by /app/app.py but is not in the image: .dockerignore line 3 ('lib/') drops lib/ from the build context"]);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ["Re-include lib/ after .dockerignore line 3 ('lib/')"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/.dockerignore'), { text: '# from a Python .gitignore\nbuild/\nlib/\n!lib/\n*.pyc\n' });
    assert.deepEqual(brief((await mm({})).findings), []);
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('a whitelist of top-level files (** then !*.py): a bare import of a package folder is no namespace package, its folder is not sent at all (study h10 label-studio-ml-backend)', async () => {
    const { fs, findings } = await mm({ '_wsgi.py': APP('import utils'), 'utils/__init__.py': '', 'utils/conv.py': 'def f():\n    pass\n', '.dockerignore': '**\n!*.py\n', Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nRUN pip install gunicorn flask\nCOPY . ./\nCMD ["gunicorn", "--bind", ":9090", "_wsgi:app"]\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:4:1 missing-module package 'utils' is imported by /app/_wsgi.py but is not in the image: .dockerignore line 1 ('**') drops utils/ from the build context"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/.dockerignore'), { text: '**\n!utils/\n!*.py\n' });
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('a whitelist .dockerignore (* then !app.py): re-includes the module and copies it when no COPY covers it', async () => {
    const { fs, findings } = await mm({ 'app.py': APP('import helpers'), 'helpers.py': '', '.dockerignore': '*\n!app.py', Dockerfile: DF('COPY app.py .') });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module 'helpers' is imported by /app/app.py but is not in the image: .dockerignore line 1 ('*') drops helpers.py from the build context"]);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ["Re-include helpers.py after .dockerignore line 1 ('*') and copy it"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/.dockerignore'), { text: '*\n!helpers.py\n!app.py' });
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  const quiet: [string, Record<string, string>][] = [
    ['a dockerignored folder that a RUN after the COPY regenerates', { 'app.py': APP('from gen.api_pb2 import Req'), 'gen/api_pb2.py': '', '.dockerignore': 'gen/\n', Dockerfile: DF('COPY . .\nRUN make proto') }],
    ['a dockerignored package that pip install . after the COPY may build', { 'app.py': APP('import native'), 'native/__init__.py': '', 'setup.py': '', '.dockerignore': 'native/\n', Dockerfile: DF('COPY . .\nRUN pip install .') }],
    ['a sibling folder that compose additional_contexts brings in (COPY --from=<context>)', { 'compose.yaml': 'services:\n  svc:\n    build:\n      context: ./svc\n      additional_contexts:\n        shared: ./shared\n', 'svc/app.py': APP('from shared.utils import f'), 'shared/__init__.py': '', 'shared/utils.py': '', 'svc/Dockerfile': DF('COPY . .\nCOPY --from=shared . /app/shared/') }],
    ['a sibling folder outside an inferred context (the real build may use a wider one)', { 'svc/app.py': APP('import shared'), 'shared/__init__.py': '', 'svc/Dockerfile': DF('COPY . .') }],
  ];
  for (const [name, files] of quiet) it(`quiet: ${name}`, async () => assert.deepEqual(brief((await mm(files)).findings), []));

  it('a package in a sibling folder outside a service-folder context: reported, with no COPY to offer', async () => {
    const { findings } = await mm({ 'compose.yaml': COMPOSE('./svc'), 'svc/app.py': APP('from shared.utils import f'), 'shared/__init__.py': '', 'shared/utils.py': '', 'svc/Dockerfile': DF('COPY . .') });
    assert.deepEqual(brief(findings), ["svc/Dockerfile:3:1 missing-module package 'shared' (shared.utils) is imported by /app/app.py but is not in the image: shared/ is outside the build context 'svc' (as compose.yaml builds it), so no COPY can bring it in"]);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('two missing submodules of a package in the image: one finding each', async () => {
    const { findings } = await mm({ 'pkg/__init__.py': '', 'pkg/app.py': APP('from pkg import models, views'), 'pkg/models.py': '', 'pkg/views.py': '', Dockerfile: DF('COPY pkg/__init__.py pkg/app.py pkg/', '["gunicorn", "pkg.app:app"]') });
    assert.deepEqual(brief(findings), [
      "Dockerfile:3:1 missing-module 'pkg.models' is imported by /app/pkg/app.py but is not in the image: pkg/models.py is never copied",
      "Dockerfile:3:1 missing-module 'pkg.views' is imported by /app/pkg/app.py but is not in the image: pkg/views.py is never copied",
    ]);
  });
});

describe('rule missing-module: sys.path edits evaluated in the image', () => {
  const RUN = (edit: string, imports: string) => `import os\nimport sys\nfrom pathlib import Path\n\n${edit}\n\n${imports}\n`;
  const DFS = (copies: string) => `FROM python:3.11-slim\nWORKDIR /app\n${copies}\nCMD ["python", "/app/bin/run.py"]\n`;
  it('os.path.join(os.path.dirname(__file__), "..", ".."): the added folder does not hold the module', async () => {
    const { findings } = await mm({ 'bin/run.py': RUN('sys.path.append(os.path.join(os.path.dirname(__file__), "..", ".."))', 'from jobs import nightly'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/') });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module 'jobs' is imported by /app/bin/run.py but is not in the image: lib/jobs.py is never copied"]);
  });

  it('a __file__-relative folder that was never copied', async () => {
    const { findings } = await mm({ 'bin/run.py': RUN('sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/') });
    assert.deepEqual(brief(findings), ["Dockerfile:3:1 missing-module 'jobs' is imported by /app/bin/run.py but is not in the image: lib/jobs.py is never copied"]);
  });

  it('the same edit with string concatenation is evaluated too', async () => {
    const { findings } = await mm({ 'bin/run.py': RUN('sys.path.extend([os.path.dirname(os.path.dirname(__file__)) + "/lib"])', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/') });
    assert.equal(brief(findings).length, 1);
  });

  const quiet: [string, Record<string, string>][] = [
    ['pathlib parents and a module-level name', { 'bin/run.py': RUN('ROOT = Path(__file__).resolve().parents[1]\nsys.path.insert(0, str(ROOT / "lib"))', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/\nCOPY lib/ /app/lib/') }],
    ['os.path.abspath of a join with ..', { 'bin/run.py': RUN('sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "lib")))', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/\nCOPY lib/ /app/lib/') }],
    ['site.addsitedir of a literal folder in the image', { 'bin/run.py': RUN('import site\nsite.addsitedir("/app/lib")', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/\nCOPY lib/ /app/lib/') }],
    ['sys.path.extend with a list and string concatenation', { 'bin/run.py': RUN('sys.path.extend([os.path.dirname(os.path.dirname(__file__)) + "/lib"])', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/\nCOPY lib/ /app/lib/') }],
    ['an edit that is not evaluable (an environment variable)', { 'bin/run.py': RUN('sys.path.insert(0, os.environ["PLUGIN_DIR"])', 'import jobs'), 'lib/jobs.py': '', Dockerfile: DFS('COPY bin/run.py /app/bin/') }],
  ];
  for (const [name, files] of quiet) it(`quiet: ${name}`, async () => assert.deepEqual(brief((await mm(files)).findings), []));
});

describe('rule missing-module: modules Django and Celery import by name', () => {
  const WSGI = 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\napplication = get_wsgi_application()\n';
  const BASE = 'DJANGO_APPS = [\n    "django.contrib.admin",\n    "django.contrib.auth",\n]\nTHIRD_PARTY_APPS = ["rest_framework", "corsheaders"]\nLOCAL_APPS = [\n    "shop.users.apps.UsersConfig",\n    "shop.orders",\n]\nINSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS\nMIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "shop.middleware.TimingMiddleware"]\nROOT_URLCONF = "config.urls"\nWSGI_APPLICATION = "config.wsgi.application"\n';
  const PROJECT = {
    'requirements.txt': 'django\ndjangorestframework\ndjango-cors-headers\ngunicorn\n',
    'config/__init__.py': '', 'config/wsgi.py': WSGI, 'config/settings/__init__.py': '', 'config/settings/base.py': BASE,
    'config/settings/production.py': 'from .base import *  # noqa\n\nINSTALLED_APPS += ["anymail"]\n',
    'config/urls.py': 'from django.urls import include, path\n\nurlpatterns = [path("api/", include("shop.api.urls"))]\n',
    'shop/__init__.py': '', 'shop/middleware.py': 'class TimingMiddleware:\n    pass\n',
    'shop/users/__init__.py': '', 'shop/users/apps.py': 'class UsersConfig:\n    name = "shop.users"\n',
    'shop/orders/__init__.py': '', 'shop/api/__init__.py': '', 'shop/api/urls.py': 'urlpatterns = []\n',
  };
  const DJ = (copies: string, env = '') => `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n${copies}\n${env}CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]\n`;

  it('a Django project whose INSTALLED_APPS, MIDDLEWARE and included URLconfs are all copied: quiet', async () => {
    assert.deepEqual(brief((await mm({ ...PROJECT, Dockerfile: DJ('COPY config/ ./config/\nCOPY shop/ ./shop/') })).findings), []);
  });

  it('an app in INSTALLED_APPS that the image never received: reported at the COPY, mirrored at the string', async () => {
    const { findings } = await mm({ ...PROJECT, Dockerfile: DJ('COPY config/ ./config/\nCOPY shop/__init__.py shop/middleware.py ./shop/\nCOPY shop/users/ ./shop/users/\nCOPY shop/api/ ./shop/api/') });
    assert.deepEqual(brief(findings), ["Dockerfile:5:1 missing-module package 'shop.orders' is listed in LOCAL_APPS in /app/config/settings/base.py but is not in the image: shop/orders/ is never copied"]);
    assert.deepEqual(findings[0].mirrors?.map((m) => `${m.file.slice(6)}:${m.range.start.line + 1}:${m.range.start.character + 1}`), ['config/settings/base.py:8:5']);
  });

  it('the settings module from the container environment wins over the setdefault default', async () => {
    const files = { ...PROJECT, 'config/settings/local.py': 'from .base import *  # noqa\n\nINSTALLED_APPS += ["debug_tools"]\n', 'debug_tools/__init__.py': '' };
    assert.deepEqual(brief((await mm({ ...files, Dockerfile: DJ('COPY config/ ./config/\nCOPY shop/ ./shop/') })).findings), []);
    const { findings } = await mm({ ...files, Dockerfile: DJ('COPY config/ ./config/\nCOPY shop/ ./shop/', 'ENV DJANGO_SETTINGS_MODULE=config.settings.local\n') });
    assert.deepEqual(brief(findings), ["Dockerfile:5:1 missing-module package 'debug_tools' is listed in INSTALLED_APPS in /app/config/settings/local.py but is not in the image: debug_tools/ is never copied"]);
  });

  it('Celery include= and autodiscover_tasks() packages', async () => {
    const { findings } = await mm({
      'requirements.txt': 'celery\n',
      'worker/__init__.py': '', 'worker/app.py': 'from celery import Celery\n\napp = Celery("worker", include=["worker.jobs.email"])\napp.autodiscover_tasks(["billing"])\n',
      'worker/jobs/__init__.py': '', 'worker/jobs/email.py': '', 'billing/__init__.py': '', 'billing/tasks.py': '',
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY worker/__init__.py worker/app.py ./worker/\nCMD ["celery", "-A", "worker.app", "worker"]\n',
    });
    assert.deepEqual(brief(findings), [
      "Dockerfile:5:1 missing-module package 'worker.jobs' (worker.jobs.email) is listed in Celery(include=...) in /app/worker/app.py but is not in the image: worker/jobs/ is never copied",
      "Dockerfile:5:1 missing-module package 'billing' is listed in autodiscover_tasks() in /app/worker/app.py but is not in the image: billing/ is never copied",
    ]);
  });

  it('ROOT_URLCONF, MIDDLEWARE and include() say which setting names the module', async () => {
    const { findings } = await mm({ ...PROJECT, Dockerfile: DJ('COPY config/settings/ ./config/settings/\nCOPY config/__init__.py config/wsgi.py ./config/\nCOPY shop/__init__.py ./shop/\nCOPY shop/orders/ ./shop/orders/\nCOPY shop/users/ ./shop/users/') });
    assert.deepEqual(brief(findings), [
      "Dockerfile:5:1 missing-module 'shop.middleware' is listed in MIDDLEWARE in /app/config/settings/base.py but is not in the image: shop/middleware.py is never copied",
      "Dockerfile:5:1 missing-module 'config.urls' is named by ROOT_URLCONF in /app/config/settings/base.py but is not in the image: config/urls.py is never copied",
    ]);
    assert.deepEqual(findings[1].related.map((r) => r.message).slice(-1), ['config/settings/base.py (/app/config/settings/base.py in the image) sets ROOT_URLCONF to config.urls']);
    const included = await mm({ ...PROJECT, Dockerfile: DJ('COPY config/ ./config/\nCOPY shop/__init__.py shop/middleware.py ./shop/\nCOPY shop/orders/ ./shop/orders/\nCOPY shop/users/ ./shop/users/') });
    assert.deepEqual(brief(included.findings), ["Dockerfile:5:1 missing-module package 'shop.api' (shop.api.urls) is named by include() in /app/config/urls.py but is not in the image: shop/api/ is never copied"]);
    assert.equal(included.findings[0].related.at(-1)?.message, 'config/urls.py (/app/config/urls.py in the image) calls include("shop.api.urls")');
  });

  const WORKER = {
    'requirements.txt': 'celery\nflask\ngunicorn\n',
    'proj/__init__.py': 'from .celery_app import app as celery_app\n\n__all__ = ("celery_app",)\n',
    'proj/celery_app.py': 'from celery import Celery\n\napp = Celery("proj")\napp.conf.imports = ["proj.reports", "exports.jobs"]\n',
    'proj/reports.py': '', 'proj/web.py': 'from flask import Flask\n\nfrom . import celery_app\n\napp = Flask(__name__)\n',
    'exports/__init__.py': '', 'exports/jobs.py': '',
  };
  const CELERY_DF = (copies: string, cmd: string) => `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n${copies}\nCMD ${cmd}\n`;

  it('app.conf.imports: a worker imports each module at start-up, the web server that shares the app does not', async () => {
    const copies = 'COPY proj/ ./proj/';
    assert.deepEqual(brief((await mm({ ...WORKER, Dockerfile: CELERY_DF(copies, '["celery", "-A", "proj", "worker"]') })).findings), [
      "Dockerfile:5:1 missing-module package 'exports' (exports.jobs) is listed in app.conf.imports in /app/proj/celery_app.py but is not in the image: exports/ is never copied",
    ]);
    assert.deepEqual(brief((await mm({ ...WORKER, Dockerfile: CELERY_DF(copies, '["celery", "-A", "proj", "beat"]') })).findings).length, 1);
    assert.deepEqual(brief((await mm({ ...WORKER, Dockerfile: CELERY_DF(copies, '["gunicorn", "-b", "0.0.0.0:8000", "proj.web:app"]') })).findings), []);
    assert.deepEqual(brief((await mm({ ...WORKER, Dockerfile: CELERY_DF('COPY proj/ ./proj/\nCOPY exports/ ./exports/', '["celery", "-A", "proj", "worker"]') })).findings), []);
  });

  it('CELERY_IMPORTS in the Django settings the worker loads', async () => {
    const files = {
      ...PROJECT,
      'config/celery.py': 'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\napp = Celery("config")\napp.config_from_object("django.conf:settings", namespace="CELERY")\n',
      'config/settings/production.py': 'from .base import *  # noqa\n\nCELERY_IMPORTS = ("shop.jobs",)\n',
      'shop/jobs.py': '',
    };
    const worker = (copies: string) => `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n${copies}\nCMD ["celery", "-A", "config.celery", "worker"]\n`;
    assert.deepEqual(brief((await mm({ ...files, Dockerfile: worker('COPY config/ ./config/\nCOPY shop/__init__.py shop/middleware.py ./shop/\nCOPY shop/users/ ./shop/users/\nCOPY shop/orders/ ./shop/orders/\nCOPY shop/api/ ./shop/api/') })).findings), [
      "Dockerfile:5:1 missing-module 'shop.jobs' is listed in CELERY_IMPORTS in /app/config/settings/production.py but is not in the image: shop/jobs.py is never copied",
    ]);
    assert.deepEqual(brief((await mm({ ...files, Dockerfile: worker('COPY config/ ./config/\nCOPY shop/ ./shop/') })).findings), []);
  });

  it('autodiscover_tasks(["pkg.sub"]): celery falls back to pkg.tasks when pkg.sub is missing, so only a missing pkg fails', async () => {
    const files = (copies: string) => ({
      'requirements.txt': 'celery\n',
      'worker.py': 'from celery import Celery\n\napp = Celery("w")\napp.autodiscover_tasks(["apps.mail"])\n',
      'apps/__init__.py': '', 'apps/mail/__init__.py': '', 'apps/mail/tasks.py': 'import helper\n', 'helper.py': '',
      Dockerfile: `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY worker.py .\n${copies}\nCMD ["celery", "-A", "worker", "worker"]\n`,
    });
    // apps.mail missing, apps present: celery imports apps.tasks, which may be absent.
    assert.deepEqual(brief((await mm(files('COPY apps/__init__.py ./apps/'))).findings), []);
    assert.deepEqual(brief((await mm(files('COPY helper.py .'))).findings), [
      "Dockerfile:5:1 missing-module package 'apps' is listed in autodiscover_tasks() in /app/worker.py but is not in the image: apps/ is never copied",
    ]);
    // The tasks modules it finds are followed.
    assert.deepEqual(brief((await mm(files('COPY apps/ ./apps/'))).findings), [
      "Dockerfile:6:1 missing-module 'helper' is imported by /app/apps/mail/tasks.py but is not in the image: helper.py is never copied",
    ]);
  });
});

describe('rule missing-module: a folder inside a package is not a top-level module', () => {
  it('config/django/ (settings for Django) is config.django, not the installed django', async () => {
    const { findings } = await mm({ 'config/__init__.py': '', 'config/wsgi.py': 'from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n', 'config/django/__init__.py': '', 'config/django/base.py': '', Dockerfile: DF('COPY . .', '["gunicorn", "config.wsgi:application"]') });
    assert.deepEqual(brief(findings), []);
  });
});

describe('rule missing-module: a namespace folder inside a package is not a source root', () => {
  it('config/settings/debug_toolbar/ is config.settings.debug_toolbar, not the installed debug_toolbar', async () => {
    const { findings } = await mm({ 'config/__init__.py': '', 'config/settings/debug_toolbar/setup.py': 'def show():\n    import debug_toolbar\n', 'app.py': APP('from config.settings.debug_toolbar.setup import show'), Dockerfile: DF('COPY . .') });
    assert.deepEqual(brief(findings), []);
  });
});

describe('rule missing-module: an unreadable install blurs site-packages for third-party names only', () => {
  const files = (run: string, extra: Record<string, string> = {}) => ({
    'requirements.txt': 'flask\ngit+https://git.example.com/acme/units.git\n',
    'app.py': 'from flask import Flask\n\nfrom larder.shelves import stock\n\napp = Flask(__name__)\n',
    'larder/__init__.py': '', 'larder/shelves.py': 'stock = []\n', 'pyproject.toml': '[project]\nname = "larder"\nversion = "1"\n',
    Dockerfile: DF(`COPY requirements.txt pyproject.toml ./\n${run}\nCOPY app.py .`),
    ...extra,
  });
  const MISSING = ["Dockerfile:5:1 missing-module package 'larder' (larder.shelves) is imported by /app/app.py but is not in the image: larder/ is never copied"];
  const cases: [string, string, string[]][] = [
    ['a VCS URL cannot provide the project package', 'RUN pip install -r requirements.txt', MISSING],
    ['poetry install --no-root installs no project', 'RUN pip install -r requirements.txt && poetry install --no-root', MISSING],
    ['uv sync --no-install-project installs no project', 'RUN pip install -r requirements.txt && uv sync --no-install-project', MISSING],
    ['pip install . may install it', 'RUN pip install -r requirements.txt .', []],
    ['pip install -e . may install it', 'RUN pip install -r requirements.txt -e .', []],
    ['poetry install may install it', 'RUN pip install -r requirements.txt && poetry install', []],
    ['uv sync may install it', 'RUN pip install -r requirements.txt && uv sync --frozen', []],
  ];
  for (const [what, run, expected] of cases) {
    it(what, async () => assert.deepEqual(brief((await mm(files(run))).findings), expected));
  }

  it('a name the unreadable requirement mentions, or that a known distribution provides, stays uncertain', async () => {
    const named = files('RUN pip install -r requirements.txt', { 'requirements.txt': 'flask\ngit+https://github.com/acme/larder.git#egg=larder\n' });
    assert.deepEqual(brief((await mm(named)).findings), []);
    const known = files('RUN pip install -r requirements.txt', { 'app.py': 'from flask import Flask\n\nimport yaml\n\napp = Flask(__name__)\n', 'yaml/__init__.py': '' });
    assert.deepEqual(brief((await mm(known)).findings), []);
  });
});

describe('missing-module: a same-named local folder is evidence only when it can be the module imported', () => {
  const DF = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "bot.py"]\n';
  const repo = (req: string) => memRepo({
    Dockerfile: DF, 'requirements.txt': req,
    'bot.py': 'from channels.web import site\nfrom voices.azure import speech\n',
    'channels/web/site.py': 'import web\n', 'voices/azure/speech.py': 'import azure.cognitiveservices.speech as sdk\n',
  });
  const missingLines = async (req: string) => {
    const r = await lintRepo(repo(req));
    return { findings: brief(r.findings), missing: explain(r.analysis, '/repo/Dockerfile').flatMap((x) => x.missing) };
  };

  it('an installed distribution the table does not know may provide it (web.py -> web); a folder without the submodule is another module', async () => {
    const r = await missingLines('web.py==0.62\n');
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.missing, [
      "'web' imported at channels/web/site.py:1: not found on sys.path (web-py, which the image installs and whose import names the distribution table does not know, may provide 'web': not reported)",
      "'azure.cognitiveservices.speech' imported at voices/azure/speech.py:1: not found on sys.path (the local 'azure' at voices/azure has no 'cognitiveservices': another module of that name, not the one imported, so not reported)",
    ]);
  });

  it('a declared distribution whose dependencies the table does not know may pull in pyyaml: a never-copied local yaml/ is no proof that import yaml fails', async () => {
    const layout = (req: string) => memRepo({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app/ app/\nCMD ["gunicorn", "app.main:app"]\n',
      'requirements.txt': req, 'yaml/__init__.py': 'X = 1\n', 'app/__init__.py': '', 'app/main.py': 'import yaml\nfrom flask import Flask\napp = Flask(__name__)\n',
    });
    const open = await lintRepo(layout('flask\ngunicorn\nunits-acme-tool\n'));
    assert.deepEqual(brief(open.findings), []);
    assert.deepEqual(explain(open.analysis, '/repo/Dockerfile').flatMap((x) => x.missing), [
      "'yaml' imported at app/main.py:1: not found on sys.path (units-acme-tool, which the image installs and whose dependencies the distribution table does not know, may pull in pyyaml, which provides 'yaml': not reported)",
    ]);
    // Near miss: every declared distribution is known, so nothing installs yaml and the local package is the one meant.
    const closed = await lintRepo(layout('flask\ngunicorn\n'));
    assert.deepEqual(brief(closed.findings), ["Dockerfile:5:1 missing-module package 'yaml' is imported by /srv/app/main.py but is not in the image: yaml/ is never copied"]);
  });

  it('near miss: with nothing that may provide web, the folder beside sys.path is reported; the SDK named like the plugin folder is a missing dependency', async () => {
    const r = await missingLines('requests==2.32.3\n');
    // ... and the SDK the plugin folder is named after is what the image lacks: missing-dependency, once.
    assert.deepEqual(r.findings, [
      "Dockerfile:6:1 missing-module 'web' is imported by /app/channels/web/site.py, but 'web' is at /app/channels/web and Python does not look in /app/channels (sys.path: /app)",
      "voices/azure/speech.py:1:8 missing-dependency requirements.txt (Dockerfile:4) installs 1 distribution; none provides 'azure' (azure-cognitiveservices-speech) (going by the dependency data of the distribution table)",
    ]);
  });
});
