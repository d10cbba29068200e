// python-version-mismatch: syntax and stdlib modules against the container's Python; guards, backports, one tag fix per container.
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

const df = (from: string, cmd = '["python", "/app/app.py"]') => `FROM ${from}\nCOPY . /app\nCMD ${cmd}\n`;

async function pvm(files: Record<string, string>) {
  const r = await lintRepo(memRepo(files));
  return r.findings.filter((f) => f.ruleId === 'python-version-mismatch');
}

describe('rule python-version-mismatch', () => {
  it('reports the first use per feature in each file, counting the others', async () => {
    const found = await pvm({ Dockerfile: df('python:3.7-slim'), 'app.py': 'if (n := 1):\n    pass\nif (m := 2):\n    pass\ndef f(a, /):\n    pass\n' });
    assert.deepEqual(brief(found), [
      'app.py:1:5 python-version-mismatch Python 3.7 cannot run assignment expressions `:=` (PEP 572, new in Python 3.8): python /app/app.py fails when it loads /app/app.py (1 more use in this file)',
      'app.py:5:10 python-version-mismatch Python 3.7 cannot run positional-only parameters `/` (PEP 570, new in Python 3.8): python /app/app.py fails when it loads /app/app.py',
    ]);
    assert.equal(found[0].related[0].message, 'the container runs Python 3.7 (base image python:3.7-slim)');
    assert.equal(found[0].fixes[0].title, 'Use python:3.8-slim');
  });

  it('fixes to the lowest version that runs every file of the closure', async () => {
    const repo = memRepo({ Dockerfile: df('python:3.8-alpine3.18'), 'app.py': 'import lib\nx = f"{1=}"\n', 'lib.py': 'match 1:\n    case _:\n        pass\n' });
    const r = await lintRepo(repo);
    const found = r.findings.filter((f) => f.ruleId === 'python-version-mismatch');
    assert.deepEqual(found.map((f) => f.file.slice(6)), ['lib.py']);
    const changed = applyAllFixes(repo, found);
    assert.deepEqual([...changed.values()], [df('python:3.10-alpine3.18')]);
    assert.deepEqual((await lintRepo(repo)).findings.filter((f) => f.ruleId === 'python-version-mismatch'), []);
  });

  it('offers no fix when a removal and an addition cannot both hold', async () => {
    const found = await pvm({ Dockerfile: df('python:3.12'), 'app.py': 'import imp\ntype X = int\n' });
    assert.deepEqual(found.map((f) => [f.range.start.line, f.fixes.length]), [[0, 0]]);
    const older = await pvm({ Dockerfile: df('python:3.11'), 'app.py': 'import imp\ntype X = int\n' });
    assert.deepEqual(older.map((f) => [f.range.start.line, f.fixes.length]), [[1, 0]]);
  });

  it('is quiet about modules under version checks, ImportError guards and in functions', async () => {
    const files = {
      Dockerfile: df('python:3.10'),
      'app.py': [
        'import sys',
        'if sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib',
        'try:\n    from zoneinfo import ZoneInfo\nexcept ImportError:\n    ZoneInfo = None',
        'def later():\n    import tomllib\n    return tomllib',
        '',
      ].join('\n'),
    };
    assert.deepEqual(brief(await pvm(files)), []);
  });

  it('still reports syntax under a version check: the whole file is compiled first', async () => {
    const found = await pvm({ Dockerfile: df('python:3.9'), 'app.py': 'import sys\nif sys.version_info >= (3, 10):\n    match sys.argv:\n        case _:\n            pass\n' });
    assert.deepEqual(found.map((f) => f.range.start.line), [2]);
  });

  it('a module imported only under a version check is not loaded on older Pythons', async () => {
    const files = { Dockerfile: df('python:3.9'), 'app.py': 'import sys\nif sys.version_info >= (3, 10):\n    import fast\nelse:\n    import slow\n', 'fast.py': 'match 1:\n    case _:\n        pass\n', 'slow.py': 'x = 1\n' };
    assert.deepEqual(brief(await pvm(files)), []);
    // An ImportError guard does not stop a SyntaxError.
    const tried = { ...files, 'app.py': 'try:\n    import fast\nexcept ImportError:\n    import slow\n' };
    assert.deepEqual((await pvm(tried)).map((f) => f.file.slice(6)), ['fast.py']);
  });

  it('a module reached through a chain that passes a version check is not loaded either, however deep', async () => {
    const chain: Record<string, string> = {};
    for (let i = 0; i < 50; i++) chain[`m${i}.py`] = `import m${i + 1}\n`;
    const files = { Dockerfile: df('python:3.9'), 'app.py': 'import sys\nimport plain\nif sys.version_info >= (3, 10):\n    import m0\n', 'plain.py': 'import deep\n', 'deep.py': 'match 1:\n    case _:\n        pass\n', ...chain, 'm50.py': 'match 2:\n    case _:\n        pass\n' };
    assert.deepEqual((await pvm(files)).map((f) => `${f.file.slice(6)}:${f.range.start.line + 1}`), ['deep.py:1']);
  });

  it('knows dotted modules: importlib.metadata is 3.8', async () => {
    const found = await pvm({ Dockerfile: df('python:3.7'), 'app.py': 'from importlib import metadata\nimport importlib.resources\n' });
    assert.deepEqual(found.map((f) => f.message.split(':')[0]), ["Python 3.7 has no module 'importlib.metadata' (standard library since Python 3.8)"]);
  });

  it('a removed module that an installed distribution brings back is not reported', async () => {
    const removed = { 'app.py': 'import distutils.util\nimport imghdr\n' };
    assert.deepEqual((await pvm({ ...removed, Dockerfile: df('python:3.13') })).map((f) => f.message.match(/'(\w+)'/)![1]), ['distutils', 'imghdr']);
    const withBackports = { ...removed, 'requirements.txt': 'setuptools\nstandard-imghdr\n', Dockerfile: 'FROM python:3.13\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . /app\nCMD ["python", "/app/app.py"]\n' };
    assert.deepEqual(brief(await pvm(withBackports)), []);
  });

  it('a local module of the same name wins', async () => {
    assert.deepEqual(brief(await pvm({ Dockerfile: df('python:3.10'), 'app.py': 'import tomllib\n', 'tomllib.py': 'def load(f):\n    return {}\n' })), []);
  });

  it('is quiet when the Python version is not known, and says why', async () => {
    const r = await lintRepo(memRepo({ Dockerfile: df('python:3-slim'), 'app.py': 'type X = int\n' }));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'python-version-mismatch'), []);
    assert.deepEqual(await pvm({ Dockerfile: df('myorg/base:1'), 'app.py': 'type X = int\n' }), []);
  });

  it('offers no fix for a tag built from an ARG or pinned by digest', async () => {
    const arg = await pvm({ Dockerfile: 'ARG PY=3.9\nFROM python:${PY}-slim\nCOPY . /app\nCMD ["python", "/app/app.py"]\n', 'app.py': 'match 1:\n    case _:\n        pass\n' });
    assert.deepEqual(arg.map((f) => f.fixes.length), [0]);
  });
});

describe('python-version-mismatch: declared Python ranges', () => {
  const { requiresPython } = require('../../server/src/core/rules/python-version-mismatch') as typeof import('../../server/src/core/rules/python-version-mismatch');
  const cases: [string, { min?: string; below?: string } | undefined][] = [
    ['requires-python = ">=3.11"', { min: '3.11' }],
    ['requires-python = ">=3.9,<3.13"', { min: '3.9', below: '3.13' }],
    ['requires-python = ">3.8"', { min: '3.8' }],
    ['requires-python = "~=3.10"', { min: '3.10' }],
    ['requires-python = "~=3.10.2"', { min: '3.10', below: '3.11' }],
    ['requires-python = "==3.11.*"', { min: '3.11', below: '3.12' }],
    ['requires-python = "<=3.11"', { below: '3.12' }],
    ['python = "^3.12"', { min: '3.12' }],
    ['python = "~3.10"', { min: '3.10', below: '3.11' }],
    ['python_requires = >=3.8', { min: '3.8' }],
    ['requires-python = "!=3.9.*"', undefined],
    ['python = "*"', undefined],
    ['python_version = "3.11"', undefined],
  ];
  for (const [line, expected] of cases) {
    it(line, () => {
      const hit = requiresPython(`[project]\n${line}\n`);
      assert.deepEqual(hit && { ...(hit.min ? { min: hit.min } : {}), ...(hit.below ? { below: hit.below } : {}) }, expected);
    });
  }
});

describe('rule python-version-mismatch: Python 3.14 standard library', () => {
  const APP = 'from compression import zstd\nimport annotationlib\nfrom string.templatelib import Template\n';
  const files = (from: string) => ({ Dockerfile: `FROM ${from}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . /app\nCMD ["python", "/app/app.py"]\n`, 'requirements.txt': 'requests==2.32.3\n', 'app.py': APP });

  it('compression.zstd, annotationlib and string.templatelib need 3.14; nothing reports them as a distribution to install', async () => {
    const r = await lintRepo(memRepo(files('python:3.13-slim')));
    assert.deepEqual(brief(r.findings), [
      "app.py:1:6 python-version-mismatch Python 3.13 has no module 'compression.zstd' (standard library since Python 3.14): python /app/app.py fails when it loads /app/app.py",
      "app.py:2:8 python-version-mismatch Python 3.13 has no module 'annotationlib' (standard library since Python 3.14): python /app/app.py fails when it loads /app/app.py",
      "app.py:3:6 python-version-mismatch Python 3.13 has no module 'string.templatelib' (standard library since Python 3.14): python /app/app.py fails when it loads /app/app.py",
    ]);
    assert.equal(r.findings[0].fixes[0].title, 'Use python:3.14-slim');
  });

  it('python:3.14 runs them', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('python:3.14-slim')))).findings), []);
  });
});

describe('python-version-mismatch: the Python uv sync makes the venv with', () => {
  const UV = (env: string, mount = '') => `FROM python:3.10-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.7 /uv /bin/\n${env}WORKDIR /build\nRUN --mount=type=bind,source=uv.lock,target=uv.lock ${mount}\\\n    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n    uv sync --frozen --no-dev\nENV PATH="/build/.venv/bin:$PATH"\nWORKDIR /app\nCOPY pkg/ pkg/\nCMD ["python", "-m", "pkg"]\n`;
  const files = (env: string, extra: Record<string, string> = {}, mount = '') => ({
    Dockerfile: UV(env, mount), 'uv.lock': 'version = 1\n', 'pkg/__init__.py': '', 'pkg/__main__.py': 'print("up")\n',
    'pyproject.toml': '[project]\nname = "pkg"\nversion = "1"\nrequires-python = "==3.13.*"\ndependencies = []\n', ...extra,
  });

  it('with downloads off, uv sync refuses a project whose requires-python (read through the bind mount) excludes the image Python', async () => {
    assert.deepEqual(brief(await pvm(files('ENV UV_PYTHON_DOWNLOADS=0\n'))), ["pyproject.toml:4:20 python-version-mismatch Python 3.10 is outside the project's declared Python '==3.13.*' (pyproject.toml): uv sync refuses to install the project"]);
  });

  it('by default uv downloads a Python that satisfies requires-python, so the build goes on (its version is not known: nothing is judged against 3.10)', async () => {
    assert.deepEqual(brief(await pvm(files('', { 'pkg/__main__.py': 'type Point = tuple[int, int]\nprint("up")\n' }))), []);
  });

  it('a mounted .python-version asks for 3.12: the venv runs 3.12, so 3.12 syntax is fine', async () => {
    const pinned = { 'pyproject.toml': '[project]\nname = "pkg"\nversion = "1"\ndependencies = []\n', '.python-version': '3.12\n', 'pkg/__main__.py': 'type Point = tuple[int, int]\nprint("up")\n' };
    assert.deepEqual(brief(await pvm(files('', pinned, '--mount=type=bind,source=.python-version,target=.python-version '))), []);
    // Near miss: not mounted, uv never sees the pin in /build, and the venv has the image's 3.10.
    assert.deepEqual(brief(await pvm(files('', pinned))), ['pkg/__main__.py:1:1 python-version-mismatch Python 3.10 cannot run `type` alias statements (PEP 695, new in Python 3.12): python -m pkg fails when it loads /app/pkg/__main__.py']);
  });
});

describe('python-version-mismatch: a virtualenv copied from a stage with another Python (study h10 R5: Kokoro-FastAPI)', () => {
  const files = (builder: string, runtime: string, mk = 'python -m venv /app/.venv') => ({
    Dockerfile: `FROM ${builder} AS builder\nWORKDIR /app\nRUN ${mk} && /app/.venv/bin/pip install fastapi uvicorn\nFROM ${runtime}\nWORKDIR /app\nCOPY --from=builder /app/.venv /app/.venv\nCOPY api ./api\nENV PATH="/app/.venv/bin:$PATH"\nCMD ["uvicorn", "api.main:app", "--host", "0.0.0.0"]\n`,
    'api/__init__.py': '', 'api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  });
  const MSG = "Dockerfile:6:1 python-version-mismatch Python 3.11 cannot use the virtualenv /app/.venv (/app/.venv/bin comes first on PATH): stage 'builder' made it with Python 3.12, so its packages are in /app/.venv/lib/python3.12/site-packages, where Python 3.11 does not look: uvicorn api.main:app fails at its first import of an installed package";

  it('reports the COPY --from of the venv, and the fix puts the runtime on the venv\'s Python', async () => {
    const fs = memRepo(files('python:3.12', 'python:3.11-slim'));
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings.filter((f) => f.ruleId === 'python-version-mismatch')), [MSG]);
    applyAllFixes(fs, r.findings);
    assert.match((fs.read('/repo/Dockerfile') as { text: string }).text, /\nFROM python:3\.12-slim\n/);
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('near misses: the same Python in both stages, and a venv whose Python uv downloads (its interpreter is not the image\'s)', async () => {
    assert.deepEqual(await pvm(files('python:3.12', 'python:3.12-slim')), []);
    assert.deepEqual(await pvm(files('python:3.12', 'python:3.11-slim', 'uv venv --python 3.13 /app/.venv')), []);
  });
});

describe('python-version-mismatch: the build refuses the project even when the command is not followed (study h9: ihatemoney, LibreTranslate)', () => {
  const files = (py: string) => ({
    Dockerfile: `FROM ${py}\nADD . /src\nRUN pip install -e /src\nENTRYPOINT ["/src/conf/entrypoint.sh"]\n`,
    'conf/entrypoint.sh': '#!/bin/sh\ncmd="exec gunicorn pkg.wsgi:application -b 0.0.0.0:$PORT $@"\neval "$cmd"\n',
    'pyproject.toml': '[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.12"\ndependencies = ["gunicorn"]\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    'pkg/__init__.py': '', 'pkg/wsgi.py': 'application = None\n',
  });
  it('pip install -e refuses Python 3.11 at build time, whatever the entrypoint script then runs', async () => {
    assert.deepEqual(brief(await pvm(files('python:3.11-alpine'))), ["pyproject.toml:4:20 python-version-mismatch Python 3.11 is outside the project's declared Python '>=3.12' (pyproject.toml): pip install refuses to install the project"]);
    assert.deepEqual(await pvm(files('python:3.12-alpine')), []);
  });
});
