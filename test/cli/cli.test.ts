// The bundled CLI on examples/: exact findings in text, JSON and SARIF, exit codes, usage errors.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, runCli, snapshot, writeTree } from '../helpers/cli';

const root = REPO_ROOT;
const run = runCli;

describe('CLI (bundled dist/cli.js) on examples/', function () {
  this.timeout(60000);

  it('text: exact findings, exit 1', () => {
    const r = run(['examples']);
    assert.equal(r.code, 1, r.err);
    snapshot('examples.txt', r.out);
  });

  it('json: exact findings with fixes, exit 1', () => {
    const r = run(['examples', '--format', 'json']);
    assert.equal(r.code, 1, r.err);
    snapshot('examples.json', r.out);
    const parsed = JSON.parse(r.out) as { findings: { file: string }[]; notices: unknown[]; baselined: number };
    assert.ok(parsed.findings.length > 0 && parsed.findings.every((f) => !path.isAbsolute(f.file)));
    assert.deepEqual([parsed.notices, parsed.baselined], [[], 0]);
  });

  it('sarif: 2.1.0 with rule metadata and relative artifact URIs, exit 1', () => {
    const r = run(['examples', '--format=sarif']);
    assert.equal(r.code, 1, r.err);
    const log = JSON.parse(r.out);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.equal(run0.originalUriBaseIds['%SRCROOT%'].uri, 'file://' + path.join(root, 'examples') + '/');
    run0.originalUriBaseIds['%SRCROOT%'].uri = 'file:///ROOT/';
    for (const res of run0.results) {
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(!res.locations[0].physicalLocation.artifactLocation.uri.startsWith('/'));
      assert.equal(run0.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    }
    snapshot('examples.sarif', JSON.stringify(log, null, 2) + '\n');
  });

  it('exits 0 on a clean folder and 2 on usage errors or a missing path', () => {
    const clean = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-cli-'));
    fs.writeFileSync(path.join(clean, 'app.py'), 'print(1)\n');
    fs.writeFileSync(path.join(clean, 'Dockerfile'), 'FROM python:3.11\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n');
    const ok = run([clean]);
    assert.deepEqual([ok.code, ok.out], [0, 'no problems found\n']);
    assert.deepEqual([run(['no/such/place']).code, run(['no/such/place']).err], [2, 'deploylint: no such file or folder: no/such/place\n']);
    assert.deepEqual([run(['--format', 'xml']).code, run(['--format', 'xml']).err], [2, "deploylint: unknown format 'xml' (use text, json, sarif, github or gitlab)\n"]);
    assert.deepEqual([run(['--bogus']).code, run(['--bogus']).err], [2, "deploylint: unknown option '--bogus' (see --help)\n"]);
    const help = run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^deploylint \S+: catch Python-in-Docker deploy failures/);
  });

  it('--fix applies the preferred fixes and leaves fewer findings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploylint-fix-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.11\nCOPY requirments.txt /app/\n');
    const r = run([dir, '--fix']);
    assert.deepEqual([r.code, r.out], [0, 'no problems found\n']);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'FROM python:3.11\nCOPY requirements.txt /app/\n');
  });
});

describe('CLI --explain', function () {
  this.timeout(60000);

  it('prints each container a compose file defines: command sources, chain, env (secrets masked), imports, quiet reasons', () => {
    const dir = writeTree('deploylint-explain-', {
      '.deploylint.yaml': '',
      Dockerfile: 'FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY docker-entrypoint.sh /entrypoint.sh\nCOPY shop/ ./shop/\nUSER app\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "shop.wsgi:app"]\n',
      'docker-entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
      'requirements.txt': 'flask\ncelery\ngunicorn\n',
      'shop/__init__.py': '',
      'shop/wsgi.py': 'from flask import Flask\n\nfrom shop import jobs\n\napp = Flask(__name__)\n',
      'shop/tasks.py': 'from celery import Celery\n\nfrom shop.jobs import pending\nfrom shop.mail import send\n\napp = Celery("shop")\n',
      'shop/jobs.py': 'def pending():\n    return []\n',
      'compose.yaml': 'services:\n  web:\n    build: .\n    ports: ["8000:8000"]\n    environment:\n      DATABASE_URL: postgres://shop:pw-for-local-only@db/shop\n      SESSION_SECRET: local-session-secret-value\n  worker:\n    build: .\n    env_file: worker.env\n    command: celery -A shop.tasks worker\n',
    });
    try {
      const r = run(['--explain', 'compose.yaml'], dir);
      assert.equal(r.code, 0, r.err);
      snapshot('explain-compose.txt', r.out);
      assert.doesNotMatch(r.out, /pw-for-local-only|local-session-secret-value/);
      const missing = run(['--explain', 'nope.yaml'], dir);
      assert.equal(missing.code, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a workspace folder named beside --explain is the root, as when it is linted (a Dockerfile in backend/ whose compose context is the parent)', () => {
    // No .git (an extracted tree): the folder named on the command line, not the Dockerfile's own folder, is the workspace,
    // so the build context is the parent that holds backend/app and fastapi run finds backend/app/main.py.
    const dir = writeTree('deploylint-explain-root-', {
      'backend/Dockerfile': 'FROM python:3.12\nWORKDIR /srv/\nCOPY ./backend/app /srv/backend/app\nRUN pip install fastapi\nWORKDIR /srv/backend/\nCMD ["fastapi", "run", "--workers", "2"]\n',
      'backend/app/__init__.py': '',
      'backend/app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
    });
    try {
      const r = run(['--explain', path.join(dir, 'backend/Dockerfile'), dir]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^ {2}entry: \/srv\/backend\/app\/main\.py$/m);
      assert.match(r.out, /^ {4}\/srv\/backend\/app\/main\.py \(app\.main\) <- backend\/app\/main\.py$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('says where a server the code starts listens (a click command whose options feed uvicorn.run; whisper-asr-webservice)', () => {
    const dir = writeTree('deploylint-explain-code-', {
      Dockerfile: 'FROM python:3.10-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\nEXPOSE 9000\nENTRYPOINT ["asr-svc"]\n',
      'pyproject.toml': '[project]\nname = "asr-svc"\nversion = "1.0"\ndependencies = ["click", "fastapi", "uvicorn"]\n[project.scripts]\nasr-svc = "app.webservice:start"\n[tool.setuptools]\npackages = ["app"]\n',
      'app/__init__.py': '',
      'app/webservice.py': 'import click\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@click.command()\n@click.option("-h", "--host", metavar="HOST", default="0.0.0.0")\n@click.option("-p", "--port", metavar="PORT", default=9000)\ndef start(host, port):\n    uvicorn.run(app, host=host, port=port)\n',
    });
    try {
      const r = run(['--explain', 'Dockerfile'], dir);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^ {2}listens: 0\.0\.0\.0:9000 \(uvicorn\.run\(\) at app\/webservice\.py:12\)$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
