// entrypoint-target: server targets across gunicorn, uvicorn, hypercorn, celery, flask and python -m; exact findings and fixes.
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const DF = (cmd: string, copies = 'COPY app/ ./') => `FROM python:3.11-slim\nWORKDIR /srv\n${copies}\nCMD ${cmd}\n`;
const FLASK = 'from flask import Flask\n\napp = Flask(__name__)\n';

async function et(files: Record<string, string>) {
  const fs = memRepo(files);
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'entrypoint-target') };
}

describe('rule entrypoint-target', () => {
  const quiet: [string, Record<string, string>][] = [
    ['gunicorn module:app', { 'app/web.py': FLASK, Dockerfile: DF('["gunicorn", "web:app"]') }],
    ['gunicorn factory module:create_app()', { 'app/web.py': 'def create_app():\n    pass\n', Dockerfile: DF('["gunicorn", "web:create_app()"]') }],
    ['gunicorn without callable finds application', { 'app/wsgi.py': 'application = object()\n', Dockerfile: DF('gunicorn -b 0.0.0.0:8000 wsgi') }],
    ['a module with a star import may define anything', { 'app/web.py': 'from flask_app import *\n', 'app/flask_app.py': FLASK, Dockerfile: DF('["gunicorn", "web:app"]') }],
    ['a module-level __getattr__', { 'app/web.py': 'def __getattr__(name):\n    return 1\n', Dockerfile: DF('["gunicorn", "web:app"]') }],
    ['uvicorn --app-dir', { 'app/src/main.py': 'app = 1\n', Dockerfile: DF('["uvicorn", "--app-dir", "src", "main:app"]') }],
    ['hypercorn', { 'app/asgi.py': 'app = 1\n', Dockerfile: DF('["hypercorn", "-b", "0.0.0.0:8000", "asgi:app"]') }],
    ['celery -A package', { 'app/proj/__init__.py': '', 'app/proj/celery.py': 'app = 1\n', Dockerfile: DF('["celery", "-A", "proj", "worker"]') }],
    ['python -m package with __main__', { 'app/tool/__init__.py': '', 'app/tool/__main__.py': 'print(1)\n', Dockerfile: DF('["python", "-m", "tool"]') }],
    ['flask run with FLASK_APP', { 'app/web.py': FLASK, Dockerfile: 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY app/ ./\nENV FLASK_APP=web.py\nCMD ["flask", "run", "--host=0.0.0.0"]\n' }],
    ['a target the model cannot see (unknown base image)', { 'app/x.py': '', Dockerfile: 'FROM corp/base\nWORKDIR /srv\nCMD ["gunicorn", "web:app"]\n' }],
    ['fastapi run of a package folder imports its __init__.py (uv-docker-example layout)', { 'app/src/shop/__init__.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n', Dockerfile: DF('["fastapi", "run", "--host", "0.0.0.0", "src/shop"]') }],
    ['gunicorn wsgi_app from gunicorn.conf.py in the working folder', { 'app/web.py': FLASK, 'app/gunicorn.conf.py': 'bind = "0.0.0.0:8080"\nwsgi_app = "web:app"\n', Dockerfile: DF('["gunicorn"]') }],
  ];
  for (const [name, files] of quiet) {
    it(`quiet: ${name}`, async () => assert.deepEqual(brief((await et(files)).findings), []));
  }

  it('uvicorn.run("module:attr") in a script\'s __main__ code: the attribute the module does not define, fixed in the code; a string without a colon', async () => {
    const main = (target: string) => `import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n    uvicorn.run("${target}", host="0.0.0.0", port=8000)\n`;
    const { fs, findings } = await et({ 'app/main.py': main('main:api'), Dockerfile: DF('["python", "main.py"]') });
    assert.deepEqual(brief(findings), [`app/main.py:7:17 entrypoint-target python main.py runs uvicorn.run("main:api"), but 'api' is not defined in /srv/main.py; it defines 'app'`]);
    assert.equal([...applyAllFixes(fs, findings).values()][0], main('main:app'));
    assert.deepEqual(brief((await et({ 'app/main.py': main('main:app'), Dockerfile: DF('["python", "main.py"]') })).findings), []);
    assert.deepEqual(brief((await et({ 'app/main.py': main('main'), Dockerfile: DF('["python", "main.py"]') })).findings),
      [`app/main.py:7:17 entrypoint-target python main.py runs uvicorn.run("main"), but 'main' is not '<module>:<attribute>': uvicorn exits with 'Import string "main" must be in format "<module>:<attribute>".'`]);
  });

  it('a factory that is not defined', async () => {
    const { findings } = await et({ 'app/web.py': 'def make_app():\n    pass\n', Dockerfile: DF('["gunicorn", "web:create_app()"]') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:18 entrypoint-target gunicorn web:create_app(): 'create_app' is not defined in /srv/web.py"]);
  });

  it('a namespace package as target: points at the module that defines the callable', async () => {
    const { fs, findings } = await et({ 'app/svc/server.py': FLASK, 'app/svc/util.py': '', Dockerfile: DF('["gunicorn", "svc:app"]') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:18 entrypoint-target gunicorn svc:app: 'app' is not defined in the folder /srv/svc (a namespace package with no code); 'app' is defined in /srv/svc/server.py ('svc.server:app')"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: DF('["gunicorn", "svc.server:app"]') });
  });

  it('python -m of a module that is not in the image', async () => {
    const { findings } = await et({ 'app/jobs/run.py': '', Dockerfile: DF('["python", "-m", "run"]') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:22 entrypoint-target python -m run: module 'run' is not in the image (Python looks in /srv); the file is importable as 'jobs.run'"]);
    assert.deepEqual(findings[0].fixes[0].edits.map((e) => e.newText), ['"jobs.run"']);
  });

  it('shell-form CMD: rewrites the word inside the command line', async () => {
    const { fs, findings } = await et({ 'app/web.py': FLASK, Dockerfile: DF('exec gunicorn --bind :$PORT web:application') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:33 entrypoint-target gunicorn web:application: 'application' is not defined in /srv/web.py; it defines 'app'"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: DF('exec gunicorn --bind :$PORT web:app') });
  });
});

describe('rule entrypoint-target: relative imports name the package path', () => {
  it('gunicorn main:app for app/main.py with `from .routes import x` becomes app.main:app', async () => {
    const { findings } = await et({ 'app/__init__.py': '', 'app/main.py': FLASK + 'from .routes import bp\n', 'app/routes.py': 'bp = 1\n', Dockerfile: 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY app/ ./app/\nCMD ["gunicorn", "app.main:app"]\n' });
    assert.deepEqual(brief(findings), []);
    const r2 = await et({ 'app/__init__.py': '', 'app/main.py': FLASK + 'from .routes import bp\n', 'app/routes.py': 'bp = 1\n', Dockerfile: 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY app/ ./app/\nCMD ["gunicorn", "--pythonpath", "/srv/app", "main:app"]\n' });
    assert.deepEqual(brief(r2.findings), ["Dockerfile:4:46 entrypoint-target gunicorn main:app loads /srv/app/main.py as the top-level module 'main', so its relative import '.routes' fails: its module path is 'app.main'"]);
    applyAllFixes(r2.fs, r2.findings);
    assert.deepEqual(r2.fs.read('/repo/Dockerfile'), { text: 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY app/ ./app/\nCMD ["gunicorn", "--pythonpath", "/srv/app", "app.main:app"]\n' });
  });

  it('fastapi run app/main.py imports it as app.main (relative imports work)', async () => {
    const files = { 'app/__init__.py': '', 'app/main.py': 'from fastapi import FastAPI\nfrom .routers import items\napp = FastAPI()\n', 'app/routers/__init__.py': '', 'app/routers/items.py': '', 'requirements.txt': 'fastapi\n', Dockerfile: 'FROM python:3.11\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["fastapi", "run", "app/main.py", "--port", "80"]\n' };
    const r = await lintRepo(memRepo(files));
    assert.deepEqual(brief(r.findings), []);
  });
});

describe('rule entrypoint-target: certainty from structure', () => {
  const PKG = { 'app/pkg/__init__.py': '', 'app/pkg/main.py': 'app = 1\n', 'app/pkg/worker.py': '' };
  it('python -m pkg.mod under a regular package in the image, with no file of that name anywhere', async () => {
    const { findings } = await et({ ...PKG, Dockerfile: DF('["python", "-m", "pkg.jobs"]') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:22 entrypoint-target python -m pkg.jobs: module 'pkg.jobs' is not in the image (the package 'pkg' (/srv/pkg) has no module 'jobs'; Python looks in /srv)"]);
  });

  it('uvicorn pkg.mian:app: did you mean pkg.main (from what exists), with the fix', async () => {
    const { fs, findings } = await et({ ...PKG, Dockerfile: DF('["uvicorn", "pkg.mian:app", "--host", "0.0.0.0"]') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:17 entrypoint-target uvicorn pkg.mian:app: module 'pkg.mian' is not in the image (the package 'pkg' (/srv/pkg) has no module 'mian'; Python looks in /srv); did you mean 'pkg.main'?"]);
    applyAllFixes(fs, findings);
    assert.deepEqual(brief((await et({})).findings), []);
    assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'entrypoint-target')), []);
  });

  it('an unmodelled RUN in the working folder before the COPY of the package (poetry config, a setup script) does not silence it', async () => {
    const { findings } = await et({ ...PKG, Dockerfile: 'FROM python:3.11-slim\nWORKDIR /srv\nRUN pip install poetry && poetry config virtualenvs.in-project true && ./setup-system\nCOPY app/ ./\nCMD ["uvicorn", "pkg.mian:app", "--host", "0.0.0.0"]\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:5:17 entrypoint-target uvicorn pkg.mian:app: module 'pkg.mian' is not in the image (the package 'pkg' (/srv/pkg) has no module 'mian'; Python looks in /srv); did you mean 'pkg.main'?"]);
  });

  it('quiet: an unmodelled RUN in the working folder after the COPY may have written the module', async () => {
    const { findings } = await et({ ...PKG, Dockerfile: 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY app/ ./\nRUN ./generate-modules\nCMD ["uvicorn", "pkg.mian:app", "--host", "0.0.0.0"]\n' });
    assert.deepEqual(brief(findings), []);
  });

  it('celery -A proj where the module defines no app', async () => {
    const { findings } = await et({ 'app/proj.py': 'import os\nBROKER = os.environ.get("BROKER")\n', Dockerfile: DF('["celery", "-A", "proj", "worker"]') });
    assert.deepEqual(brief(findings), ["Dockerfile:4:22 entrypoint-target celery proj: /srv/proj.py defines no Celery app (Celery looks for 'app', 'celery' or a Celery instance in the module)"]);
  });

  const quiet: [string, Record<string, string>][] = [
    ['celery -A worker.app where worker is installed, beside an unrelated local app.py', { 'app/app.py': FLASK, 'app/requirements.txt': 'celery\n', Dockerfile: DF('["celery", "-A", "worker.app", "worker"]') }],
    ['gunicorn mlflow.server:app beside an unrelated local server.py', { 'app/server.py': FLASK, Dockerfile: DF('["gunicorn", "mlflow.server:app"]') }],
    ['celery -A proj.celery_app: an attribute that __init__.py binds by import', { 'app/proj/__init__.py': 'from .factory import celery_app\n', 'app/proj/factory.py': 'from celery import Celery\ncelery_app = Celery("proj")\n', Dockerfile: DF('["celery", "-A", "proj.celery_app", "worker"]') }],
    ['celery -A proj: __init__.py binds the celery app under another name', { 'app/proj/__init__.py': 'from .celery import app as celery_app\n\n__all__ = ("celery_app",)\n', 'app/proj/celery.py': 'from celery import Celery\napp = Celery("proj")\n', Dockerfile: DF('["celery", "-A", "proj", "worker"]') }],
    ['celery -A tasks: a module that creates the app under any name', { 'app/tasks.py': 'from celery import Celery\nqueue = Celery("tasks")\n', Dockerfile: DF('["celery", "-A", "tasks", "worker"]') }],
    ['a compiled sibling module (.pyc) in the package', { ...PKG, 'app/pkg/jobs.pyc': '', Dockerfile: DF('["python", "-m", "pkg.jobs"]') }],
    ['a Cython module built in place', { ...PKG, 'app/pkg/fast.pyx': 'def f():\n    pass\n', 'app/setup.py': '', Dockerfile: DF('["python", "-m", "pkg.fast"]', 'COPY app/ ./\nRUN python setup.py build_ext --inplace') }],
    ['a package a RUN may write into (a code generator)', { ...PKG, Dockerfile: DF('["python", "-m", "pkg.schema_pb2"]', 'COPY app/ ./\nRUN ./scripts/gen.sh') }],
  ];
  for (const [name, files] of quiet) it(`quiet: ${name}`, async () => assert.deepEqual(brief((await et(files)).findings), []));
});
