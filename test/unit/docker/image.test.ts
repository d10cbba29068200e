// The image model: Docker's COPY/ADD, WORKDIR, ARG/ENV, stage and RUN semantics, table-driven over in-memory repos.
import { strict as assert } from 'assert';
import { BuildContext } from '../../../server/src/core/docker/context';
import { buildImageModel, ImageModel, isKnownBase } from '../../../server/src/core/docker/image';
import { parseDockerfile } from '../../../server/src/core/docker/parse';
import { memRepo, ROOT } from '../../helpers/repo';

function model(files: Record<string, string>, dockerfile = 'Dockerfile', opts = {}): ImageModel {
  const fs = memRepo(files);
  const text = files[dockerfile];
  const ctx = BuildContext.load(fs, ROOT, `${ROOT}/${dockerfile}`);
  return buildImageModel(`${ROOT}/${dockerfile}`, parseDockerfile(text), ctx, opts);
}

/** Files of the final stage under `dir`, each with the context file it came from. */
function files(m: ImageModel, dir = '/app'): string[] {
  const t = m.final!.tree;
  return t.walk(dir).map((p) => {
    const l = t.lookup(p)!;
    return l.source ? `${p} <- ${l.source.slice(ROOT.length + 1)}` : `${p} (made)`;
  });
}

const SRC = { 'src/app.py': 'x', 'src/pkg/__init__.py': '', 'src/pkg/mod.py': 'y', 'requirements.txt': 'flask\n' };

describe('image model: COPY semantics', () => {
  it('a file to a folder every base image has goes inside it, slash or not (COPY x /opt, /usr/local/bin, /tmp); to a new path, or FROM scratch, it is the file', () => {
    const m = model({ ...SRC, Dockerfile: 'FROM python:3.11 AS b\nCOPY src/app.py /opt\nCOPY src/pkg/mod.py /usr/local/bin\nCOPY src/app.py /srv/app\nFROM b AS c\nCOPY requirements.txt /tmp\nFROM scratch\nCOPY src/app.py /opt\n' });
    const stat = (i: number, p: string) => m.stages[i]!.tree.stat(p);
    assert.deepEqual([stat(0, '/opt/app.py'), stat(0, '/usr/local/bin/mod.py'), stat(0, '/srv/app'), stat(1, '/tmp/requirements.txt'), stat(1, '/opt/app.py')], ['file', 'file', 'file', 'file', 'file']);
    assert.deepEqual([stat(2, '/opt'), stat(2, '/opt/app.py')], ['file', undefined]);
  });

  const cases: { name: string; df: string; extra?: Record<string, string>; dir?: string; want: string[] }[] = [
    {
      name: 'a folder source copies its contents, not the folder',
      df: 'FROM python:3.11\nCOPY src /app\n',
      want: ['/app/app.py <- src/app.py', '/app/pkg/__init__.py <- src/pkg/__init__.py', '/app/pkg/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'COPY src /app/src keeps the folder name only because the destination says so',
      df: 'FROM python:3.11\nCOPY src /app/src\n',
      want: ['/app/src/app.py <- src/app.py', '/app/src/pkg/__init__.py <- src/pkg/__init__.py', '/app/src/pkg/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'a file to a path without trailing slash is renamed',
      df: 'FROM python:3.11\nCOPY src/app.py /app/main.py\n',
      want: ['/app/main.py <- src/app.py'],
    },
    {
      name: 'a file into dest/ keeps its name',
      df: 'FROM python:3.11\nCOPY src/app.py /app/\n',
      want: ['/app/app.py <- src/app.py'],
    },
    {
      name: 'a file into an existing folder (WORKDIR) keeps its name',
      df: 'FROM python:3.11\nWORKDIR /app\nCOPY src/app.py /app\n',
      want: ['/app/app.py <- src/app.py'],
    },
    {
      name: 'a relative destination is relative to WORKDIR; "." is the WORKDIR',
      df: 'FROM python:3.11\nWORKDIR /app\nCOPY src/app.py .\nCOPY requirements.txt ./deps/\n',
      want: ['/app/app.py <- src/app.py', '/app/deps/requirements.txt <- requirements.txt'],
    },
    {
      name: 'WORKDIR is relative to the previous WORKDIR',
      df: 'FROM python:3.11\nWORKDIR /srv\nWORKDIR app\nCOPY src/app.py ./\n',
      dir: '/srv',
      want: ['/srv/app/app.py <- src/app.py'],
    },
    {
      name: 'several sources go into the destination folder',
      df: 'FROM python:3.11\nCOPY src/app.py requirements.txt /app/\n',
      want: ['/app/app.py <- src/app.py', '/app/requirements.txt <- requirements.txt'],
    },
    {
      name: 'globs follow filepath.Match and put matches into the folder',
      df: 'FROM python:3.11\nCOPY src/*.py src/pkg/m?d.py /app/\n',
      want: ['/app/app.py <- src/app.py', '/app/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'JSON form with spaces in names',
      df: 'FROM python:3.11\nCOPY ["my app/x.py", "/app/"]\n',
      extra: { 'my app/x.py': 'z' },
      want: ['/app/x.py <- my app/x.py'],
    },
    {
      name: 'ARG and ENV substitution with defaults',
      df: 'ARG BASE=python:3.11\nFROM ${BASE}\nARG SRC_DIR=src\nENV APP_HOME=/app\nCOPY ${SRC_DIR}/app.py ${APP_HOME}/\nCOPY ${MISSING:-src}/pkg $APP_HOME/pkg\n',
      want: ['/app/app.py <- src/app.py', '/app/pkg/__init__.py <- src/pkg/__init__.py', '/app/pkg/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'a global ARG re-declared in the stage takes the global default',
      df: 'ARG DIR=src\nFROM python:3.11\nARG DIR\nCOPY $DIR/app.py /app/\n',
      want: ['/app/app.py <- src/app.py'],
    },
    {
      name: '.dockerignore keeps files out of folder copies',
      df: 'FROM python:3.11\nCOPY . /app\n',
      extra: { '.dockerignore': '**/__pycache__\nsrc/pkg\n.git\n' },
      want: ['/app/.dockerignore <- .dockerignore', '/app/Dockerfile <- Dockerfile', '/app/requirements.txt <- requirements.txt', '/app/src/app.py <- src/app.py'],
    },
    {
      name: '.dockerignore negation re-includes a file inside an excluded folder',
      df: 'FROM python:3.11\nCOPY src /app\n',
      extra: { '.dockerignore': 'src/pkg\n!src/pkg/__init__.py\n' },
      want: ['/app/app.py <- src/app.py', '/app/pkg/__init__.py <- src/pkg/__init__.py'],
    },
    {
      name: 'a later COPY shadows an earlier one',
      df: 'FROM python:3.11\nCOPY src/app.py /app/main.py\nCOPY src/pkg/mod.py /app/main.py\n',
      want: ['/app/main.py <- src/pkg/mod.py'],
    },
    {
      name: '--parents keeps the source path',
      df: 'FROM python:3.11\nCOPY --parents src/pkg/*.py /app/\n',
      want: ['/app/src/pkg/__init__.py <- src/pkg/__init__.py', '/app/src/pkg/mod.py <- src/pkg/mod.py'],
    },
    {
      name: '--exclude leaves matching files out',
      df: 'FROM python:3.11\nCOPY --exclude=*.txt --exclude=pkg . /app\n',
      extra: {},
      dir: '/app/src',
      want: ['/app/src/app.py <- src/app.py', '/app/src/pkg/__init__.py <- src/pkg/__init__.py', '/app/src/pkg/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'COPY --from=<stage> takes files from that stage',
      df: 'FROM python:3.11 AS build\nWORKDIR /build\nCOPY src/ ./\nFROM python:3.11-slim\nCOPY --from=build /build/pkg /app/pkg\nCOPY --from=0 /build/app.py /app/\n',
      want: ['/app/app.py <- src/app.py', '/app/pkg/__init__.py <- src/pkg/__init__.py', '/app/pkg/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'FROM <stage> inherits its files and WORKDIR',
      df: 'FROM python:3.11 AS base\nWORKDIR /app\nCOPY src/app.py .\nFROM base\nCOPY requirements.txt .\n',
      want: ['/app/app.py <- src/app.py', '/app/requirements.txt <- requirements.txt'],
    },
    {
      name: 'RUN mkdir, touch, cp, mv, rm and redirections',
      df: 'FROM python:3.11\nWORKDIR /app\nCOPY src/ ./\nRUN mkdir -p /app/gen && touch /app/gen/__init__.py && cp app.py gen/app2.py && mv pkg lib && rm -f requirements.txt && echo "" > /app/lib/extra.py\n',
      want: ['/app/app.py <- src/app.py', '/app/gen/__init__.py (made)', '/app/gen/app2.py <- src/app.py', '/app/lib/__init__.py <- src/pkg/__init__.py', '/app/lib/extra.py (made)', '/app/lib/mod.py <- src/pkg/mod.py'],
    },
    {
      name: 'CRLF line endings and line continuations',
      df: 'FROM python:3.11\r\nCOPY src/app.py \\\r\n     requirements.txt \\\r\n     /app/\r\n',
      want: ['/app/app.py <- src/app.py', '/app/requirements.txt <- requirements.txt'],
    },
    {
      name: 'the escape directive (backtick) and FROM --platform',
      df: '# escape=`\nFROM --platform=$BUILDPLATFORM python:3.11 AS b\nCOPY src/app.py `\n     /app/\n',
      want: ['/app/app.py <- src/app.py'],
    },
    {
      name: 'RUN with a heredoc script',
      df: 'FROM python:3.11\nWORKDIR /app\nRUN <<EOF\nmkdir -p pkg\ntouch pkg/__init__.py\nEOF\n',
      want: ['/app/pkg/__init__.py (made)'],
    },
    {
      name: 'COPY heredoc creates a file',
      df: 'FROM python:3.11\nCOPY <<EOF /app/settings.py\nDEBUG = False\nEOF\n',
      want: ['/app/settings.py (made)'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = model({ ...SRC, ...c.extra, Dockerfile: c.df });
      assert.deepEqual(files(m, c.dir), c.want);
    });
  }
});

describe('image model: uncertainty', () => {
  const cases: { name: string; df: string; path: string; uncertain: boolean }[] = [
    { name: 'an official python base is known', df: 'FROM python:3.11-slim\n', path: '/app/x.py', uncertain: false },
    { name: 'an unknown base image may hold anything', df: 'FROM mycorp/base:1\n', path: '/app/x.py', uncertain: true },
    { name: 'COPY --from an external image blurs its destination', df: 'FROM python:3.11\nCOPY --from=ghcr.io/org/tools:1 /opt/tools /app/tools\n', path: '/app/tools/x.py', uncertain: true },
    { name: '... but not its siblings', df: 'FROM python:3.11\nCOPY --from=ghcr.io/org/tools:1 /opt/tools /app/tools\n', path: '/app/x.py', uncertain: false },
    { name: 'git clone blurs the clone folder', df: 'FROM python:3.11\nWORKDIR /app\nRUN git clone https://example.invalid/lib.git vendor/lib\n', path: '/app/vendor/lib/x.py', uncertain: true },
    { name: 'git clone -b BRANCH --depth N URL: the folder is named after the URL, not the option values', df: 'FROM python:3.11\nWORKDIR /app\nRUN git clone --depth 1 -b "main" --single-branch https://example.invalid/acme/svc.git\n', path: '/app/svc/web/x.py', uncertain: true },
    { name: '... and an option value is no folder', df: 'FROM python:3.11\nWORKDIR /app\nRUN git clone --depth 1 -b main https://example.invalid/acme/svc.git\n', path: '/app/main/x.py', uncertain: false },
    { name: 'wget --version and curl -V write nothing', df: 'FROM python:3.11\nWORKDIR /app\nRUN which wget && wget --version && curl -V\n', path: '/app/x.py', uncertain: false },
    { name: 'ADD of a URL blurs the destination', df: 'FROM python:3.11\nADD https://example.invalid/x.tar.gz /app/\n', path: '/app/x.py', uncertain: true },
    { name: 'protoc output is generated code', df: 'FROM python:3.11\nWORKDIR /app\nRUN python -m grpc_tools.protoc -I. --python_out=gen x.proto\n', path: '/app/gen/x_pb2.py', uncertain: true },
    { name: 'curl -O names the download after the URL: only that file is uncertain', df: 'FROM python:3.11\nWORKDIR /app\nRUN curl -sSL -O https://example.invalid/pkgs/tool.deb\n', path: '/app/x.py', uncertain: false },
    { name: '... the downloaded file itself is', df: 'FROM python:3.11\nWORKDIR /app\nRUN curl -sSLO https://example.invalid/pkgs/tool.deb\n', path: '/app/tool.deb', uncertain: true },
    { name: '... and a later rm of it clears that', df: 'FROM python:3.11\nWORKDIR /\nRUN curl -sSL -O https://example.invalid/pkgs/tool.deb && dpkg -i tool.deb && rm tool.deb\n', path: '/tool.deb', uncertain: false },
    { name: 'wget without -O writes the URL\'s file name into -P', df: 'FROM python:3.11\nRUN wget -q -P /opt https://example.invalid/a/model.bin\n', path: '/opt/x.py', uncertain: false },
    { name: 'curl -OJ lets the server name it: the folder is uncertain', df: 'FROM python:3.11\nWORKDIR /app\nRUN curl -OJ https://example.invalid/download\n', path: '/app/x.py', uncertain: true },
    { name: 'a URL with no file name leaves the folder uncertain', df: 'FROM python:3.11\nWORKDIR /app\nRUN wget https://example.invalid/\n', path: '/app/x.py', uncertain: true },
    { name: 'apt-get and pip install of distributions change nothing we model', df: 'FROM python:3.11\nWORKDIR /app\nRUN apt-get update && apt-get install -y gcc && pip install flask\n', path: '/app/x.py', uncertain: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = model({ ...SRC, Dockerfile: c.df });
      assert.equal(m.final!.tree.isUncertain(c.path), c.uncertain);
    });
  }

  it('knows the common base images', () => {
    assert.deepEqual(
      ['python:3.12-slim', 'docker.io/library/python:3.11@sha256:abc', 'nvidia/cuda:12.1.0-runtime-ubuntu22.04', 'tiangolo/uvicorn-gunicorn-fastapi:python3.11', 'scratch', 'gcr.io/distroless/python3'].map(isKnownBase),
      [true, true, true, false, true, true],
    );
  });
});

describe('image model: installs and settings', () => {
  it('records pip install of the project (., -e ., -r with -e .)', () => {
    const m = model({
      ...SRC,
      'pyproject.toml': '[project]\nname="x"\n',
      'req-local.txt': 'flask\n-e .\n',
      Dockerfile: 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\nRUN pip install -e /app\nRUN python -m pip install -r req-local.txt\n',
    });
    assert.deepEqual(m.final!.installed.map((i) => [i.dir, i.instr.line]), [['/app', 3], ['/app', 4], ['/app', 5]]);
    assert.equal(m.final!.sitePackagesUncertain, undefined);
  });

  it('marks site-packages uncertain when wheels are installed', () => {
    const m = model({ ...SRC, Dockerfile: 'FROM python:3.11\nCOPY --from=ghcr.io/x/wheels:1 /wheels /wheels\nRUN pip install /wheels/*.whl\n' });
    assert.equal(m.final!.sitePackagesUncertain?.reason, 'pip install /wheels/*.whl: wheels the model cannot see');
  });

  it('tracks ENV, EXPOSE, CMD, ENTRYPOINT and the final WORKDIR', () => {
    const m = model({ ...SRC, Dockerfile: 'FROM python:3.11\nENV PORT=8080 PYTHONPATH=/app/src\nWORKDIR /app\nEXPOSE ${PORT}/tcp 9090\nENTRYPOINT ["python"]\nCMD ["-m", "app"]\n' });
    const s = m.final!;
    assert.deepEqual([...s.env].map(([k, v]) => [k, v.value]), [['PATH', '/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['PORT', '8080'], ['PYTHONPATH', '/app/src']]);
    assert.deepEqual(s.expose.map((e) => e.port), ['8080', '9090']);
    assert.equal(s.workdir, '/app');
    assert.deepEqual([s.entrypoint?.line, s.cmd?.line], [4, 5]);
  });

  it("expands $PATH to the base image's PATH, inherited through stages", () => {
    const cases: [string, string][] = [
      ['FROM python:3.12-slim\nENV PATH=/opt/venv/bin:$PATH\n', '/opt/venv/bin:/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ['FROM debian:bookworm-slim AS b\nENV PATH="/root/.local/bin:${PATH}"\nFROM b\nENV PATH=/x:$PATH\n', '/x:/root/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      // An image the table does not know: Docker's default PATH, which nearly every image config sets.
      ['FROM registry.example.com/team/base:7\nENV PATH=/command:$PATH\n', '/command:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ['FROM scratch\nENV PATH=/bin:$PATH\n', '/bin:'],
    ];
    for (const [df, want] of cases) assert.equal(model({ ...SRC, Dockerfile: df }).final!.env.get('PATH')?.value, want, df);
  });

  it('honours --target and build args', () => {
    const m = model({ ...SRC, Dockerfile: 'FROM python:3.11 AS a\nARG D=nope\nCOPY $D/app.py /x/\nFROM python:3.11 AS b\n' }, 'Dockerfile', { target: 'a', buildArgs: { D: 'src' } });
    assert.equal(m.final!.name, 'a');
    assert.deepEqual(files(m, '/x'), ['/x/app.py <- src/app.py']);
  });
});

describe('image model: COPY source status', () => {
  it('tells missing from excluded and names the excluding line', () => {
    const m = model({ ...SRC, '.env': 'A=1', '.dockerignore': '# secrets\n.env\n', Dockerfile: 'FROM python:3.11\nCOPY .env nope.py src/*.txt /app/\n' });
    const s = m.final!.copies[0].sources.map((x) => [x.path, x.status, x.excludedBy?.line ?? null, x.matches.length]);
    assert.deepEqual(s, [['.env', 'excluded', 1, 0], ['nope.py', 'missing', null, 0], ['src/*.txt', 'ok', null, 0]]);
  });

  it('clamps ../ at the context root, as BuildKit does', () => {
    const m = model({ ...SRC, Dockerfile: 'FROM python:3.11\nCOPY ../src/app.py /app/\n' });
    assert.deepEqual(m.final!.copies[0].sources.map((x) => [x.path, x.status]), [['src/app.py', 'ok']]);
  });
});
