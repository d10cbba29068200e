// The runtime layer: one container per Dockerfile stage x what runs it, with Docker's and Kubernetes' command rules and where each part was written.
import { strict as assert } from 'assert';
import { analyse } from '../../server/src/core/analysis';
import { defaultConfig } from '../../server/src/core/config';
import { installSet } from '../../server/src/core/packages/installs';
import type { CommandSource } from '../../server/src/core/container';
import { initPython } from '../../server/src/core/python/parser';
import { containerPython, containers, explain, gcloudList, hasOwnCommand, running } from '../../server/src/core/runtime';
import { applyAllFixes, brief, lintRepo, memRepo, ROOT } from '../helpers/repo';

before(() => initPython());

const DF = 'FROM python:3.11-slim AS base\nWORKDIR /app\nCOPY . .\nENV APP_ENV=prod\nENTRYPOINT ["python", "-m"]\nCMD ["web"]\n';
const DF_GUNICORN = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "--bind", "0.0.0.0:8080", "web:app"]\n';
const PY = { 'web.py': 'app = object()\n', 'worker.py': 'import web\n', 'tasks.py': '' };
const POD = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;

function at(s: CommandSource | undefined): string {
  return s ? `${s.key}@${s.file.slice(ROOT.length + 1)}:${s.range.start.line + 1}` : '-';
}

/** One line per container: runner, stage, argv, where ENTRYPOINT and CMD came from, cwd. */
function summary(files: Record<string, string>): string[] {
  const a = analyse(memRepo({ ...PY, ...files }), ROOT, defaultConfig());
  return containers(a).map((c) => {
    const s = c.entry?.sources;
    return `${c.runner.kind}${c.stage.name ? '#' + c.stage.name : ''}: ${c.argv.join(' ')} | entrypoint ${at(s?.entrypoint)} cmd ${at(s?.cmd)}${s?.cmdReset ? ' (CMD reset)' : ''} | cwd ${c.cwd}`;
  });
}

describe('runtime: command sources', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['the bare image', { Dockerfile: DF }, ['image#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app']],
    [
      'compose command: replaces CMD, keeps ENTRYPOINT',
      { Dockerfile: DF, 'compose.yaml': 'services:\n  worker:\n    build: .\n    command: ["worker"]\n' },
      ['image#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app', 'compose#base: python -m worker | entrypoint ENTRYPOINT@Dockerfile:5 cmd command@compose.yaml:4 | cwd /app'],
    ],
    [
      'compose entrypoint: resets CMD (string form split into words)',
      { Dockerfile: DF, 'compose.yaml': 'services:\n  worker:\n    build: .\n    entrypoint: python tasks.py\n    working_dir: /app\n' },
      ['image#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app', 'compose#base: python tasks.py | entrypoint entrypoint@compose.yaml:4 cmd - (CMD reset) | cwd /app'],
    ],
    [
      'k8s command: replaces ENTRYPOINT and drops CMD',
      { Dockerfile: DF, 'pod.yaml': POD('  containers:\n    - name: w\n      image: gcr.io/p/app\n      command: ["python", "worker.py"]\n') },
      ['image#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app', 'k8s#base: python worker.py | entrypoint command@pod.yaml:9 cmd - (CMD reset) | cwd /app'],
    ],
    [
      'k8s args: replaces CMD only; workingDir',
      { Dockerfile: DF, 'pod.yaml': POD('  containers:\n    - name: w\n      image: gcr.io/p/app\n      workingDir: /app\n      args:\n        - worker\n') },
      ['image#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app', 'k8s#base: python -m worker | entrypoint ENTRYPOINT@Dockerfile:5 cmd args@pod.yaml:11 | cwd /app'],
    ],
    [
      'k8s initContainers on the same image',
      { Dockerfile: DF, 'pod.yaml': POD('  initContainers:\n    - name: migrate\n      image: gcr.io/p/app\n      args: ["tasks"]\n  containers:\n    - name: w\n      image: gcr.io/p/app\n') },
      [
        'image#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app',
        'k8s#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app',
        'k8s-init#base: python -m tasks | entrypoint ENTRYPOINT@Dockerfile:5 cmd args@pod.yaml:9 | cwd /app',
      ],
    ],
    [
      'compose build.target picks the stage',
      { Dockerfile: DF + 'FROM base AS worker\nCMD ["worker"]\n', 'compose.yaml': 'services:\n  web:\n    build: {context: ., target: base}\n  worker:\n    build: {context: ., target: worker}\n' },
      [
        // A plain `docker build` builds the last stage, whatever stages compose picks.
        'image#worker: python -m worker | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:8 | cwd /app',
        'compose#base: python -m web | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:6 | cwd /app',
        'compose#worker: python -m worker | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:8 | cwd /app',
      ],
    ],
    [
      'a k8s image built without --target runs the last stage, though compose builds another',
      {
        Dockerfile: DF + 'FROM base AS dev\nCMD ["tasks"]\nFROM base AS prod\nCMD ["worker"]\n',
        'compose.yaml': 'services:\n  dev:\n    build: {context: ., target: dev}\n',
        'build.sh': 'docker build -t gcr.io/p/api .\n',
        'pod.yaml': POD('  containers:\n    - name: w\n      image: gcr.io/p/api:1\n'),
      },
      [
        'image#prod: python -m worker | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:10 | cwd /app',
        'compose#dev: python -m tasks | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:8 | cwd /app',
        'k8s#prod: python -m worker | entrypoint ENTRYPOINT@Dockerfile:5 cmd CMD@Dockerfile:10 | cwd /app',
      ],
    ],
    [
      'two compose services on one image run different commands',
      { Dockerfile: DF_GUNICORN, 'compose.yaml': 'services:\n  web:\n    build: .\n  worker:\n    build: .\n    command: python worker.py\n' },
      [
        'image: gunicorn --bind 0.0.0.0:8080 web:app | entrypoint - cmd CMD@Dockerfile:4 | cwd /app',
        'compose: gunicorn --bind 0.0.0.0:8080 web:app | entrypoint - cmd CMD@Dockerfile:4 | cwd /app',
        'compose: python worker.py | entrypoint - cmd command@compose.yaml:6 | cwd /app',
      ],
    ],
    [
      'Cloud Run service args',
      { Dockerfile: DF_GUNICORN, 'service.yaml': 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/app\n          args: ["gunicorn", "-b", ":8080", "web:app"]\n' },
      ['image: gunicorn --bind 0.0.0.0:8080 web:app | entrypoint - cmd CMD@Dockerfile:4 | cwd /app', 'cloudrun: gunicorn -b :8080 web:app | entrypoint - cmd args@service.yaml:10 | cwd /app'],
    ],
    [
      'gcloud run deploy --command/--args',
      { Dockerfile: DF_GUNICORN, 'deploy.sh': 'gcloud run deploy app --image gcr.io/p/app --command=python --args=worker.py,--verbose\n' },
      ['image: gunicorn --bind 0.0.0.0:8080 web:app | entrypoint - cmd CMD@Dockerfile:4 | cwd /app', 'gcloud: python worker.py --verbose | entrypoint --command@deploy.sh:1 cmd --args@deploy.sh:1 | cwd /app'],
    ],
    [
      "a known base image's ENTRYPOINT (AWS Lambda) runs with the Dockerfile's CMD, in its WORKDIR; the Dockerfile's own ENTRYPOINT replaces it",
      {
        Dockerfile: 'FROM public.ecr.aws/lambda/python:3.12 AS fn\nCOPY web.py ${LAMBDA_TASK_ROOT}\nCMD ["web.app"]\nFROM fn AS local\nENTRYPOINT ["python", "-m", "awslambdaric"]\n',
        'compose.yaml': 'services:\n  fn:\n    build: {context: ., target: fn}\n    command: ["worker.main"]\n',
      },
      [
        'image#local: python -m awslambdaric | entrypoint ENTRYPOINT@Dockerfile:5 cmd - | cwd /var/task',
        'compose#fn: /lambda-entrypoint.sh worker.main | entrypoint ENTRYPOINT of public.ecr.aws/lambda/python:3.12@Dockerfile:1 cmd command@compose.yaml:4 | cwd /var/task',
      ],
    ],
  ];
  for (const [name, files, expected] of cases) it(name, () => assert.deepEqual(summary(files), expected));
});

describe('runtime: argument ranges in manifests', () => {
  it('each list item and each word of a compose string keeps its range', () => {
    const a = analyse(memRepo({ ...PY, Dockerfile: DF_GUNICORN, 'compose.yaml': 'services:\n  w:\n    build: .\n    command: gunicorn -b 0.0.0.0:8000 "worker:app"\n' }), ROOT, defaultConfig());
    const c = containers(a).find((x) => x.runner.kind === 'compose')!;
    assert.equal(c.ep?.module, 'worker');
    const r = c.ep!.targetArg!.range!;
    assert.deepEqual([r.start.line, r.start.character, r.end.character], [3, 39, 49]);
    assert.equal(c.entry!.at.file, `${ROOT}/compose.yaml`);
    assert.equal(c.entry!.overridden, true);
  });
});

describe('runtime: one finding for one problem', () => {
  it('a missing module two overriding services import is reported once, at the first override, naming the other', async () => {
    const fs = memRepo({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app/ ./app/\nCMD ["python", "-m", "app.web"]\n',
      'app/__init__.py': '', 'app/web.py': '', 'app/worker.py': 'import shared.jobs\n', 'shared/__init__.py': '', 'shared/jobs.py': '',
      'compose.yaml': 'services:\n  a:\n    build: .\n    command: python -m app.worker\n  b:\n    build: .\n    command: ["python", "-m", "app.worker", "--fast"]\n',
    });
    const { findings } = await lintRepo(fs);
    assert.deepEqual(brief(findings), ["compose.yaml:4:24 missing-module package 'shared' (shared.jobs) is imported by /app/app/worker.py but is not in the image: shared/ is never copied"]);
    assert.deepEqual(findings[0].related.map((r) => `${r.file.slice(ROOT.length + 1)}:${r.range.start.line + 1} ${r.message}`), [
      'Dockerfile:3 compose.yaml: service a runs the image built here',
      'compose.yaml:4 the container runs python -m app.worker',
      'app/worker.py:1 app/worker.py (/app/app/worker.py in the image) imports shared.jobs',
      'compose.yaml:7 the container runs python -m app.worker',
      'compose.yaml:6 also in compose.yaml: service b',
    ]);
  });
});

describe('runtime: environment', () => {
  it('image ENV, then a readable env_file, then environment; an unreadable env_file is recorded', () => {
    const a = analyse(memRepo({ ...PY, Dockerfile: DF, 'app.env': 'A=1\nB=2\n', 'compose.yaml': 'services:\n  w:\n    build: .\n    env_file: [app.env, missing.env]\n    environment:\n      B: "3"\n' }), ROOT, defaultConfig());
    const c = containers(a).find((x) => x.runner.kind === 'compose')!;
    assert.deepEqual([c.env.APP_ENV, c.env.A, c.env.B], ['prod', '1', '3']);
    assert.equal(c.hiddenEnv, 'env_file missing.env is not readable: its variables are unknown');
    assert.ok(c.quiet.includes(c.hiddenEnv));
  });
});

describe('runtime: a script found on the PATH the base image sets', () => {
  it('ENV PATH=/opt/venv/bin:$PATH still finds /usr/local/bin/start and follows it to the server', () => {
    const df = 'FROM python:3.12-slim\nRUN python -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nWORKDIR /app\nCOPY . .\nCOPY start /usr/local/bin/start\nCMD ["start"]\n';
    const a = analyse(memRepo({ ...PY, Dockerfile: df, start: '#!/bin/sh\nexec gunicorn web:app\n' }), ROOT, defaultConfig());
    const [c] = containers(a);
    assert.deepEqual(c.argv, ['start']);
    assert.deepEqual([c.ep?.kind, c.ep?.module, c.ep?.callable], ['gunicorn', 'web', 'app']);
  });
});

describe('runtime: gcloudList', () => {
  const cases: [string, string[]][] = [['a,b', ['a', 'b']], ['^:^a,b:c', ['a,b', 'c']], ['', []]];
  for (const [v, want] of cases) it(v || '(empty)', () => assert.deepEqual(gcloudList(v), want));
});

describe('runtime: mounts over the image', () => {
  const DF_SRC = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY src/ /app/\nCMD ["gunicorn", "web:app"]\n';
  const SRC = { 'src/web.py': 'import image_only\napp = 1\n', 'src/image_only.py': '', 'dev/web.py': 'import host_only\napp = 1\n', 'dev/host_only.py': '' };
  const compose = (volumes: string) => `services:\n  web:\n    build: .\n    volumes:\n${volumes}`;
  function container(files: Record<string, string>) {
    const a = analyse(memRepo({ Dockerfile: DF_SRC, ...SRC, ...files }), ROOT, defaultConfig());
    return { a, image: containers(a).find((c) => c.runner.kind === 'image')!, c: containers(a).find((c) => c.runner.kind !== 'image')! };
  }
  const imported = (c: ReturnType<typeof container>['c']) => [...(c.closure?.files.keys() ?? [])];

  it('a bind mount of a workspace folder shows the host files at its target and hides the image\'s; the bare image is unchanged', () => {
    const { image, c } = container({ 'compose.yaml': compose('      - ./dev:/app\n') });
    assert.deepEqual([imported(image), imported(c)], [['/app/web.py', '/app/image_only.py'], ['/app/web.py', '/app/host_only.py']]);
    assert.equal(c.stage.tree.lookup('/app/web.py')?.source, `${ROOT}/dev/web.py`);
    assert.equal(c.stage.tree.stat('/app/image_only.py'), undefined);
    assert.deepEqual(c.mounts?.map((m) => [m.target, m.describe, m.host, m.uncertain]), [['/app', './dev', 'dev', undefined]]);
    assert.deepEqual(c.quiet, []);
  });

  it('a bind mount of one file replaces that file only', () => {
    const { c } = container({ 'compose.yaml': compose('      - ./dev/web.py:/app/web.py:ro\n') });
    assert.deepEqual(imported(c), ['/app/web.py']);
    assert.deepEqual(c.closure?.unresolved.map((u) => u.dotted), ['host_only']);
    assert.equal(c.stage.tree.stat('/app/image_only.py'), 'file');
  });

  it('a named volume over the working folder makes it uncertain, and says why', () => {
    const { c } = container({ 'compose.yaml': compose('      - code:/app\n') });
    assert.equal(c.stage.tree.isUncertain('/app/missing.py'), true);
    assert.deepEqual(c.quiet, ['volume code is mounted at /app (over the working folder /app): a volume holds what earlier containers left in it (Docker seeds a new named volume from the image, later runs keep the old files), so what is imported from there is not judged']);
  });

  it('a host path that is not in the workspace, or holds a variable, is uncertain', () => {
    const missing = container({ 'compose.yaml': compose('      - ./nothing-here:/app\n') }).c;
    const variable = container({ 'compose.yaml': compose('      - ${SRC_DIR}:/app\n') }).c;
    assert.deepEqual([missing.mounts?.[0].uncertain, variable.mounts?.[0].uncertain], [
      'the host path ./nothing-here is not in the workspace (Docker creates it empty)',
      'the host path ${SRC_DIR} is outside the workspace or holds a variable: its files are not known here',
    ]);
    assert.equal(missing.stage.tree.isUncertain('/app/x.py'), true);
  });

  it('a mount away from the code leaves no quiet reason', () => {
    const { c } = container({ 'compose.yaml': compose('      - uploads:/var/uploads\n      - ./dev:/srv/dev\n') });
    assert.deepEqual([c.quiet, imported(c)], [[], ['/app/web.py', '/app/image_only.py']]);
  });

  it('k8s: an emptyDir another container of the pod mounts inside a sys.path folder matters when something is imported from it', () => {
    const pod = POD('  initContainers:\n    - name: seed\n      image: busybox\n      volumeMounts:\n        - {name: scratch, mountPath: /seed}\n  containers:\n    - name: w\n      image: gcr.io/p/app\n      volumeMounts:\n        - {name: scratch, mountPath: /app/cache}\n  volumes:\n    - name: scratch\n      emptyDir: {}\n');
    const { c } = container({ 'pod.yaml': pod, 'src/cache/__init__.py': '', 'src/web.py': 'import cache.store\napp = 1\n' });
    assert.deepEqual(c.quiet, ["emptyDir volume scratch is mounted at /app/cache (over /app/cache/store, where 'cache.store' would be imported from): an emptyDir volume starts empty, but initContainer seed of the pod mounts it too and may write code into it, so what is imported from there is not judged"]);
    // Nothing imported from there (static files, uploads): no reason to give.
    assert.deepEqual(container({ 'pod.yaml': pod, 'src/cache/__init__.py': '' }).c.quiet, []);
  });

  const EMPTY = (command: string, extra = '') => POD(`${extra}  containers:\n    - name: w\n      image: gcr.io/p/app\n${command}      volumeMounts:\n        - {name: work, mountPath: /app}\n  volumes:\n    - name: work\n      emptyDir: {}\n`);
  const emptyCases: [string, string, string | undefined][] = [
    ['no other container mounts it and Python starts directly: the image\'s files there are gone', EMPTY(''), 'empty: an emptyDir volume starts empty and no other container of the pod mounts it'],
    ['an initContainer mounts it too: uncertain', EMPTY('', '  initContainers:\n    - name: copy\n      image: gcr.io/p/app\n      command: ["cp", "-r", "/app/.", "/work/"]\n      volumeMounts:\n        - {name: work, mountPath: /work}\n'), undefined],
    ['a shell command runs first and may write into it: uncertain', EMPTY('      command: ["sh", "-c", "cp -r /src/. /app && exec gunicorn web:app"]\n'), undefined],
  ];
  for (const [name, pod, empty] of emptyCases) {
    it(`k8s emptyDir over the working folder: ${name}`, () => {
      const { c } = container({ 'pod.yaml': pod, 'src/web.py': 'app = 1\n' });
      const m = c.mounts?.[0];
      assert.equal(m?.empty === undefined ? undefined : `empty: ${m.empty}`, empty);
      if (!empty) assert.ok(m?.uncertain);
    });
  }

  it('the entrypoint script is followed in the host copy the mount shows', () => {
    const a = analyse(memRepo({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY src/ /app/\nENTRYPOINT ["/app/start.sh"]\n',
      'src/start.sh': '#!/bin/sh\nexec gunicorn web:app\n', 'src/web.py': 'app = 1\n',
      'dev/start.sh': '#!/bin/sh\nexec gunicorn devweb:app --reload\n', 'dev/devweb.py': 'app = 1\n',
      'compose.yaml': compose('      - ./dev:/app\n'),
    }), ROOT, defaultConfig());
    assert.deepEqual(containers(a).map((c) => `${c.runner.kind}: ${c.ep?.module} ${c.entryFile}`), ['image: web /app/web.py', 'compose: devweb /app/devweb.py']);
  });
});

describe('runtime: --explain says why a missing module is not reported', () => {
  const missing = (files: Record<string, string>, file = 'Dockerfile') => {
    const a = analyse(memRepo(files), ROOT, defaultConfig());
    return explain(a, `${ROOT}/${file}`).map((x) => x.missing);
  };

  it('a dockerignored folder that a later RUN may generate', () => {
    assert.deepEqual(missing({
      Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN python tools/gen.py\nCMD ["python", "main.py"]\n',
      '.dockerignore': 'generated/\n', 'main.py': 'import generated.api\n', 'generated/__init__.py': '', 'generated/api.py': '', 'tools/gen.py': 'import pathlib\npathlib.Path("generated/api.py").write_text("")\n',
    }), [["'generated.api' imported at main.py:1: not found on sys.path (.dockerignore line 1 ('generated/') drops generated from the context, but Dockerfile:4 (RUN python tools/gen.py) may generate it in the image: not reported)"]]);
  });

  it('a source outside a build context that was inferred, not given', () => {
    assert.deepEqual(missing({
      'svc/Dockerfile': 'FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python", "app.py"]\n',
      'svc/app.py': 'from shared import util\n', 'shared/__init__.py': '', 'shared/util.py': '',
    }, 'svc/Dockerfile'), [["'shared' imported at svc/app.py:1: not found on sys.path (its source shared is outside the build context 'svc', which deploylint inferred (no compose file, build script or config names it): not reported)"]]);
  });

  it('lists what a deployment mounts', () => {
    const a = analyse(memRepo({ Dockerfile: DF_GUNICORN, ...PY, 'compose.yaml': 'services:\n  web:\n    build: .\n    volumes:\n      - ./:/app\n      - cache:/root/.cache\n' }), ROOT, defaultConfig());
    // The mounted view is still the final stage, and the same command as the image's (not one of its own).
    const c = containers(a).find((x) => x.runner.kind === 'compose')!;
    assert.deepEqual([explain(a, `${ROOT}/compose.yaml`)[0].stage, hasOwnCommand(c)], ['final stage (FROM python:3.11-slim)', false]);
    assert.deepEqual(explain(a, `${ROOT}/compose.yaml`).map((x) => x.mounts), [[
      "/app <- ./ (the host's . replaces the image's files there; compose.yaml:5)",
      "/root/.cache <- volume cache (uncertain: a volume holds what earlier containers left in it (Docker seeds a new named volume from the image, later runs keep the old files); compose.yaml:6)",
    ]]);
  });
});

describe('runtime: an image only ever run with host code over it', () => {
  const DF_NO_CODE = 'FROM python:3.12-slim\nWORKDIR /app\nCMD ["gunicorn", "web:app"]\n';
  const ids = (files: Record<string, string>) => {
    const a = analyse(memRepo({ Dockerfile: DF_NO_CODE, 'web.py': 'app = 1\n', ...files }), ROOT, defaultConfig());
    return { running: running(a).map((c) => c.runner.kind), image: containers(a)[0] };
  };

  it('every deployment bind-mounts the workspace over the working folder: the bare image is not judged, and says why', () => {
    const r = ids({ 'compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n  worker:\n    build: .\n    volumes: ["./:/app/"]\n' });
    assert.deepEqual(r.running, ['compose', 'compose']);
    assert.equal(r.image.onlyWithHostCode, 'every deployment of this image runs it with host code over /app (compose.yaml: service web mounts . at /app; compose.yaml: service worker mounts ./ at /app): the image\'s own files are not what runs, so they are not judged');
  });

  it('one deployment without the mount (k8s runs the image as built): the bare image is judged', () => {
    const r = ids({
      'compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n',
      'pod.yaml': POD('  containers:\n    - name: w\n      image: gcr.io/p/app\n'),
    });
    assert.deepEqual([r.running, r.image.onlyWithHostCode], [['image', 'compose', 'k8s'], undefined]);
  });

  it('a workflow builds and pushes the image too (study h9: python-discord): the bare image runs its own files there, so it is judged', () => {
    const ci = '.github/workflows/deploy.yml';
    const push = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          push: true\n          tags: ghcr.io/acme/site:latest\n';
    const r = ids({ 'compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n', [ci]: push });
    assert.deepEqual([r.running, r.image.onlyWithHostCode], [['image', 'compose'], undefined]);
    // Near misses: a local `docker build -t app .` (a Makefile's) is the development image again; and the workflow builds another Dockerfile.
    const local = ids({ 'compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n', Makefile: 'image:\n\tdocker build -t app .\n' });
    assert.equal(local.running.filter((k) => k === 'image').length, 0);
    const pushed = ids({ 'compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n', Makefile: 'image:\n\tdocker build -t ghcr.io/acme/app .\n' });
    assert.deepEqual(pushed.running, ['image', 'compose']);
    const other = ids({ 'compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n', 'docs/Dockerfile': 'FROM nginx:1\n', [ci]: push.replace('context: .', 'context: docs') });
    assert.deepEqual(other.running.filter((k) => k === 'image').length, 0);
  });
});

describe('runtime: process starters', () => {
  it('a container per process a starter runs, for the bare image and each deployment; --explain names the process and where it is written', () => {
    const files = {
      Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCOPY sup.conf /etc/supervisor/supervisord.conf\nCMD ["supervisord", "-n"]\n',
      'sup.conf': '[supervisord]\n[program:web]\ncommand=gunicorn -b 0.0.0.0:8080 web:app\n[program:tasks]\ncommand=python -m worker\ndirectory=/app\n',
      'compose.yaml': 'services:\n  app:\n    build: .\n',
    };
    const a = analyse(memRepo({ ...PY, ...files }), ROOT, defaultConfig());
    assert.deepEqual(containers(a).map((c) => [c.id, c.ep?.kind, c.ep?.module, c.entry?.at.file.slice(ROOT.length + 1), (c.entry?.at.range.start.line ?? -1) + 1]), [
      ['Dockerfile @ docker run · supervisord [program:web]', 'gunicorn', 'web', 'sup.conf', 3],
      ['Dockerfile @ docker run · supervisord [program:tasks]', 'python-module', 'worker', 'sup.conf', 5],
      ['Dockerfile @ compose.yaml: service app · supervisord [program:web]', 'gunicorn', 'web', 'sup.conf', 3],
      ['Dockerfile @ compose.yaml: service app · supervisord [program:tasks]', 'python-module', 'worker', 'sup.conf', 5],
    ]);
    assert.equal(running(a).length, 4);
    const chains = [
      ['supervisord -n', '/etc/supervisor/supervisord.conf:3 (supervisord) starts supervisord [program:web]', 'then gunicorn -b 0.0.0.0:8080 web:app'],
      ['supervisord -n', '/etc/supervisor/supervisord.conf:5 (supervisord) starts supervisord [program:tasks]', 'then python -m worker'],
    ];
    assert.deepEqual(explain(a, `${ROOT}/Dockerfile`).map((x) => x.chain), [...chains, ...chains]);
  });

  it('a starter that starts nothing the model sees stays one container, quiet with the reasons', () => {
    const a = analyse(memRepo({ ...PY, Dockerfile: 'FROM python:3.11-slim\nCMD ["supervisord", "-c", "/etc/missing.conf"]\n' }), ROOT, defaultConfig());
    const [c] = containers(a);
    assert.deepEqual([containers(a).length, c.quiet], [1, ['the supervisord config /etc/missing.conf is not visible', 'supervisord starts no process the model can follow']]);
  });
});

describe('runtime: --explain says why a missing uwsgi ini file is not reported', () => {
  const quietOf = async (files: Record<string, string>) => {
    const r = await lintRepo(memRepo(files));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'entrypoint-target'), []);
    return explain(r.analysis, `${ROOT}/Dockerfile`).flatMap((x) => x.quiet.filter((q) => q.startsWith('entrypoint-target:')));
  };
  const app = { 'shop/__init__.py': '', 'shop/wsgi.py': 'app = 1\n', 'deploy/shop.ini': '[uwsgi]\nmodule = shop.wsgi:app\n' };

  it('a RUN writes it or may write it; the base image is not known', async () => {
    assert.deepEqual(await quietOf({ ...app, Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN ./render-config > /etc/uwsgi/shop.ini\nCMD ["uwsgi", "--ini", "/etc/uwsgi/shop.ini"]\n' }),
      ['entrypoint-target: /etc/uwsgi/shop.ini is not reported missing: Dockerfile:4 (RUN ./render-config > /etc/uwsgi/shop.ini) puts it in the image, but its text is not known']);
    assert.deepEqual(await quietOf({ ...app, Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN python tools/render.py --out /etc/uwsgi\nCMD ["uwsgi", "--ini", "/etc/uwsgi/shop.ini"]\n', 'tools/render.py': 'print(1)\n' }),
      ['entrypoint-target: /etc/uwsgi/shop.ini is not reported missing: Dockerfile:4 (RUN python tools/render.py --out /etc/uwsgi) may create it']);
    assert.deepEqual(await quietOf({ ...app, Dockerfile: 'FROM tiangolo/uwsgi-nginx:python3.12\nWORKDIR /srv\nCOPY . .\nCMD ["uwsgi", "--ini", "/etc/uwsgi/shop.ini"]\n' }),
      ['entrypoint-target: /etc/uwsgi/shop.ini is not reported missing: the base image tiangolo/uwsgi-nginx:python3.12 is not known: it may ship /etc/uwsgi/shop.ini']);
  });

  it('gunicorn -c: rendered by a RUN, mounted by compose, or read through a script', async () => {
    const web = { 'shop/__init__.py': '', 'shop/wsgi.py': 'app = 1\n', 'deploy/gunicorn.conf.py': 'bind = "0.0.0.0:8000"\n' };
    assert.deepEqual(await quietOf({ ...web, Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY shop/ shop/\nRUN envsubst < /dev/null > /srv/gunicorn.conf.py\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "shop.wsgi:app"]\n' }),
      ['entrypoint-target: /srv/gunicorn.conf.py is not reported missing: Dockerfile:4 (RUN envsubst < /dev/null > /srv/gunicorn.conf.py) puts it in the image, but its text is not known']);
    const compose = 'services:\n  web:\n    build: .\n    volumes:\n      - ./deploy/gunicorn.conf.py:/srv/gunicorn.conf.py:ro\n';
    assert.deepEqual(await quietOf({ ...web, 'compose.yaml': compose, Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY shop/ shop/\nCMD ["gunicorn", "--config", "gunicorn.conf.py", "shop.wsgi:app"]\n' }),
      ['entrypoint-target: /srv/gunicorn.conf.py is not reported missing: compose.yaml: service web gives the container /srv/gunicorn.conf.py (a mount)']);
    assert.deepEqual(await quietOf({ ...web, 'start.sh': '#!/bin/sh\nexec gunicorn -c gunicorn.conf.py shop.wsgi:app\n', Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY shop/ shop/\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n' }),
      ['entrypoint-target: /srv/gunicorn.conf.py is not reported missing: the command runs through /start.sh, which may write it before the server starts']);
  });
});

describe('runtime: --explain says why entrypoint-target stays quiet', () => {
  const quietOf = async (files: Record<string, string>) => {
    const r = await lintRepo(memRepo(files));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'entrypoint-target'), []);
    return explain(r.analysis, `${ROOT}/Dockerfile`).flatMap((x) => x.quiet.filter((q) => q.startsWith('entrypoint-target:')));
  };
  const DF_WEB = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "web:application"]\n';

  it('a callable a star import or a module __getattr__ may provide', async () => {
    assert.deepEqual(await quietOf({ Dockerfile: DF_WEB, 'web.py': 'from factory import *\n', 'factory.py': 'application = object()\n' }),
      ["entrypoint-target: 'application' is not defined at the top level of /app/web.py, but a star import (from ... import *) there may provide it"]);
    assert.deepEqual(await quietOf({ Dockerfile: DF_WEB, 'web.py': 'def __getattr__(name):\n    return object()\n' }),
      ["entrypoint-target: 'application' is not defined at the top level of /app/web.py, but a module __getattr__ there may provide it"]);
  });

  it('a module or script not known to be the project\'s', async () => {
    assert.deepEqual(await quietOf({ Dockerfile: DF_WEB.replace('web:application', 'vendor.web:application'), 'web.py': 'application = 1\n' }),
      ["entrypoint-target: module 'vendor.web' is not in the image, but it is not known to be missing: no source for it in the build context, and an install, a RUN or an uncertain folder may provide it"]);
    assert.deepEqual(await quietOf({ Dockerfile: DF_WEB.replace('"gunicorn", "web:application"', '"python", "/opt/tools/serve.py"'), 'web.py': 'application = 1\n' }),
      ["entrypoint-target: /opt/tools/serve.py is not in the image, but no file named serve.py is in the build context or the image, and /opt/tools is not a folder this Dockerfile makes, so it is not known to be the project's"]);
    assert.deepEqual(await quietOf({ Dockerfile: DF_WEB.replace('COPY . .\n', 'COPY . .\nRUN ./render-templates\n').replace('"gunicorn", "web:application"', '"python", "serve.py"'), 'web.py': 'application = 1\n', 'render-templates': '#!/bin/sh\nexec jinja-render templates/ "$@"\n' }),
      ["entrypoint-target: /app/serve.py is not in the image and no file named serve.py is in the build context, but Dockerfile:4 (RUN ./render-templates: jinja-render templates/ $@) runs a program the model does not follow in /app, which may write it"]);
  });

  it('a submodule of a local package that a RUN the model does not follow may write', async () => {
    assert.deepEqual(await quietOf({ Dockerfile: DF_WEB.replace('COPY . .\n', 'COPY . .\nRUN ./render-templates\n').replace('web:application', 'shop.wsgl:application'), 'shop/__init__.py': '', 'shop/wsgi.py': 'application = 1\n', 'render-templates': '#!/bin/sh\nexec jinja-render templates/ "$@"\n' }),
      ["entrypoint-target: module 'shop.wsgl' is not in the image, but it is not known to be missing: the package 'shop' (/app/shop) has no such file, but Dockerfile:4 (RUN ./render-templates: jinja-render templates/ $@) runs a program the model does not follow in /app, which may write it"]);
  });
});

describe('runtime: a command-line app (click, typer, argparse) is followed into the subcommand the argv selects', () => {
  const CLI = [
    'import click',
    'import uvicorn',
    '',
    '@click.group()',
    'def cli():',
    '    pass',
    '',
    '@cli.group("web")',
    'def web():',
    '    pass',
    '',
    '@web.command("up")',
    '@click.option("--port", default=8000)',
    'def up(port):',
    '    uvicorn.run("shop.app:app", host="0.0.0.0", port=port)',
    '',
    'def main():',
    '    cli()',
  ].join('\n');
  const files = (cmd: string, extra = '') => ({
    Dockerfile: `FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD ${cmd}\n`,
    'pyproject.toml': '[project]\nname = "shop"\nversion = "1"\n\n[project.scripts]\nshop = "shop.cli:main"\n',
    'shop/__init__.py': '', 'shop/app.py': 'app = object()\n', 'shop/cli.py': CLI + extra,
  });

  it('--explain shows console script -> group -> subcommand -> function', async () => {
    const r = await lintRepo(memRepo(files('["shop", "web", "up", "--port", "8080"]')));
    assert.deepEqual(explain(r.analysis, `${ROOT}/Dockerfile`)[0].chain, [
      'shop web up --port 8080',
      'shop runs the click group cli (shop/cli.py:4)',
      "subcommand 'web' (click group, shop/cli.py:8)",
      "subcommand 'up' (click command, shop/cli.py:12)",
      'runs up() (shop/cli.py:14)',
    ]);
  });

  it('a name that is no command, when commands are added at run time: quiet, with the reason', async () => {
    const extra = '\n\nfor name in ("a", "b"):\n    web.add_command(click.Command(name), name=name)\n';
    const r = await lintRepo(memRepo(files('["shop", "web", "down"]', extra)));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'entrypoint-target'), []);
    assert.ok(explain(r.analysis, `${ROOT}/Dockerfile`)[0].quiet.some((q) => /^entrypoint-target: 'down' is not reported as no command of shop web: /.test(q)));
  });
});

describe('runtime: the user a container starts as, for $(id -u) tests in its scripts', () => {
  const script = '#!/bin/bash\nif [ "$(id -u)" = "0" ]; then\n  exec su agent -s /bin/bash -c "cd /app && python app.py"\nfi\nexec python other.py\n';
  const files = (dockerUser: string, extra: Record<string, string> = {}) => memRepo({
    'app.py': 'print(1)\n', 'other.py': 'print(2)\n', 'entrypoint.sh': script,
    Dockerfile: `FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n${dockerUser}ENTRYPOINT ["/app/entrypoint.sh"]\n`, ...extra,
  });
  const runs = (fs: ReturnType<typeof memRepo>) => containers(analyse(fs, ROOT, defaultConfig())).map((c) => `${c.runner.kind}: ${c.entry?.ep.argv.join(' ') ?? '-'}${c.quiet.some((q) => q.includes('cannot decide')) ? ' (undecided)' : ''}`);

  it('no USER (root), USER, compose user:, and Kubernetes without runAsUser (undecided: OpenShift picks a uid)', () => {
    assert.deepEqual(runs(files('')), ['image: python app.py']);
    assert.deepEqual(runs(files('USER agent\n')), ['image: python other.py']);
    assert.deepEqual(runs(files('', { 'compose.yaml': 'services:\n  bot:\n    build: .\n    user: "1000"\n' })), ['image: python app.py', 'compose: python other.py']);
    const k8s = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bot\nspec:\n  template:\n    spec:\n      containers:\n        - name: bot\n          image: bot:1\n';
    const r = runs(files('', { 'k8s/bot.yaml': k8s, 'compose.yaml': 'services:\n  bot:\n    build: .\n    image: bot:1\n' }));
    assert.deepEqual(r, ['image: python app.py', 'compose: python app.py', 'k8s: /app/entrypoint.sh (undecided)']);
  });

  it('Kubernetes runAsUser: the container\'s securityContext over the pod\'s; runAsNonRoot alone names no uid', () => {
    const k8s = (pod: string, container: string) => 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bot\nspec:\n  template:\n    spec:\n'
      + pod + '      containers:\n        - name: bot\n          image: bot:1\n' + container;
    const compose = { 'compose.yaml': 'services:\n  bot:\n    build: .\n    image: bot:1\n' };
    const k8sRuns = (pod: string, container: string) => runs(files('', { ...compose, 'k8s/bot.yaml': k8s(pod, container) })).filter((l) => l.startsWith('k8s'));
    assert.deepEqual(k8sRuns('      securityContext:\n        runAsUser: 1000\n', ''), ['k8s: python other.py']);
    assert.deepEqual(k8sRuns('      securityContext:\n        runAsUser: 1000\n', '          securityContext:\n            runAsUser: 0\n'), ['k8s: python app.py']);
    assert.deepEqual(k8sRuns('', '          securityContext:\n            runAsUser: 0\n'), ['k8s: python app.py']);
    assert.deepEqual(k8sRuns('      securityContext:\n        runAsNonRoot: true\n', ''), ['k8s: /app/entrypoint.sh (undecided)']);
    assert.deepEqual(k8sRuns('', '          securityContext:\n            runAsUser: "1000"\n'), ['k8s: /app/entrypoint.sh (undecided)']);
    // Cloud Run (fully managed) does not support runAsUser: the image's USER (none: root) runs.
    const run = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: bot\nspec:\n  template:\n    spec:\n      containers:\n        - image: bot:1\n          securityContext:\n            runAsUser: 1000\n';
    assert.deepEqual(runs(files('', { ...compose, 'service.yaml': run })).filter((l) => !l.startsWith('image') && !l.startsWith('compose')), ['cloudrun: python app.py']);
  });

  it('the user --explain shows is the one the follower used (startUser): one decision for both', () => {
    const users = (fs: ReturnType<typeof memRepo>) => containers(analyse(fs, ROOT, defaultConfig())).map((c) => `${c.runner.kind}: ${c.user ?? '(not known)'}`);
    const k8s = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bot\nspec:\n  template:\n    spec:\n      containers:\n        - name: bot\n          image: bot:1\n';
    const run = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: bot\nspec:\n  template:\n    spec:\n      containers:\n        - image: bot:1\n          securityContext:\n            runAsUser: 1000\n';
    const compose = 'services:\n  bot:\n    build: .\n    image: bot:1\n    user: "1000:1000"\n';
    assert.deepEqual(users(files('USER agent\n', { 'compose.yaml': compose, 'k8s/bot.yaml': k8s, 'service.yaml': run })).sort(),
      ['cloudrun: agent', 'compose: 1000:1000', 'image: agent', 'k8s: (not known)']);
    assert.deepEqual(users(files('')), ['image: root']);
  });
});

describe('runtime: the Python a container runs', () => {
  const VENV = 'FROM python:3.12-slim\nRUN pip install uv && uv venv /opt/venv --python 3.10\nWORKDIR /app\nCOPY . .\n';
  const which = (dockerfile: string): string[] => {
    const a = analyse(memRepo({ ...PY, Dockerfile: dockerfile }), ROOT, defaultConfig());
    return running(a).map((c) => {
      const p = containerPython(c);
      return p ? `${p.env.venv ?? p.env.interpreter} ${p.env.version ?? '?'} (${p.why})` : `stage ${c.stage.python?.version ?? '?'}`;
    });
  };
  const cases: [string, string, string[]][] = [
    ['a venv first on PATH runs python', VENV + 'ENV PATH=/opt/venv/bin:$PATH\nCMD ["python", "web.py"]\n', ['/opt/venv 3.10 (/opt/venv/bin comes first on PATH)']],
    ['without ENV PATH the base image interpreter runs', VENV + 'CMD ["python", "web.py"]\n', ['/usr/local/bin/python 3.12 (PATH finds python in /usr/local/bin before any virtualenv\'s bin folder)']],
    ['the command names the venv interpreter', VENV + 'CMD ["/opt/venv/bin/python", "web.py"]\n', ['/opt/venv 3.10 (the command names /opt/venv/bin/python)']],
    ["a server's console script in the venv's bin", VENV + 'CMD ["/opt/venv/bin/gunicorn", "web:app"]\n', ['/opt/venv 3.10 (the command names /opt/venv/bin/gunicorn)']],
    ['no venv: the stage Python', 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "web.py"]\n', ['stage 3.11']],
    ['uv run picks the project environment itself', VENV + 'ENV PATH=/opt/venv/bin:$PATH\nCMD ["uv", "run", "web.py"]\n', ['stage 3.12']],
  ];
  for (const [name, df, want] of cases) it(name, () => assert.deepEqual(which(df), want));
});

describe('runtime: an install the model cannot read', () => {
  const files = (install: string) => ({
    Dockerfile: `FROM python:3.12-slim\nARG VERSION\nRUN pip install gunicorn==23.0.0 ${install}\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "svc.wsgi:application"]\n`,
    'pyproject.toml': '[project]\nname = "svc"\nversion = "2.4.0"\n',
    'svc/__init__.py': '',
    'svc/wsgi.py': 'application = None\n',
  });
  for (const install of ['git+https://github.com/acme/svc@${VERSION}', '$EXTRA_PKGS']) {
    it(`${install}: the release image's own package may be installed, so its module is uncertain, not missing`, async () => {
      const fs = memRepo(files(install));
      const r = await lintRepo(fs);
      assert.deepEqual(brief(r.findings), []);
      const a = analyse(memRepo(files(install)), ROOT, defaultConfig());
      assert.ok(running(a)[0].quiet.includes("where 'svc.wsgi' comes from is uncertain in the image model"), running(a)[0].quiet.join('\n'));
    });
  }
  it('"svc==${VERSION}": the distribution svc is installed (its version unknown; its dependencies unknown), and may provide the module', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('"svc==${VERSION}"')))).findings), []);
    const a = analyse(memRepo(files('"svc==${VERSION}"')), ROOT, defaultConfig());
    const set = installSet(running(a)[0].stage);
    assert.deepEqual([set.status, set.distributions.has('svc'), set.importNames.has('svc')], ['unknown', true, true]);
  });
});

describe('runtime: unreadable installs add up', () => {
  it('an unseen requirements file first does not hide a later archive install of the project (unknown Python version, a venv)', async () => {
    const df = 'FROM ubuntu:26.04\nARG RELEASE_TAG\nRUN apt-get install -y python3-pip python3-venv wget\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\n'
      + 'RUN wget https://example.org/svc/$RELEASE_TAG/requirements.txt\nRUN pip3 install -r requirements.txt\nRUN pip3 install https://example.org/svc/archive/$RELEASE_TAG.zip\nCMD ["gunicorn", "svc.wsgi:application"]\n';
    const files = { Dockerfile: df, 'pyproject.toml': '[project]\nname = "svc"\n', 'svc/__init__.py': '', 'svc/wsgi.py': 'application = None\n' };
    assert.deepEqual(brief((await lintRepo(memRepo(files))).findings), []);
    const c = running(analyse(memRepo(files), ROOT, defaultConfig()))[0];
    assert.ok(c.quiet.includes("where 'svc.wsgi' comes from is uncertain in the image model"), c.quiet.join('\n'));
  });
});

describe('runtime: compose files a workflow merges with -f', () => {
  it('docker compose -f base -f override in a workflow: the override is merged on the base, not a project of its own', () => {
    const files = {
      Dockerfile: DF_GUNICORN,
      'docker-compose.local.yml': 'services:\n  web:\n    build: .\n  worker:\n    build: .\n    command: ["python", "worker.py"]\n',
      '.github/compose.ci.yml': 'x-img: &img\n  image: ci-img:${TAG:?tag}\nservices:\n  web:\n    <<: *img\n  worker:\n    <<: *img\n',
      '.github/workflows/ci.yml': 'jobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose -f docker-compose.local.yml -f .github/compose.ci.yml up -d\n',
    };
    // docker-compose.local.yml alone (a project of its own too), then merged with the CI file: the worker keeps its command.
    assert.deepEqual(summary(files).filter((l) => l.startsWith('compose')), [
      'compose: gunicorn --bind 0.0.0.0:8080 web:app | entrypoint - cmd CMD@Dockerfile:4 | cwd /app',
      'compose: python worker.py | entrypoint - cmd command@docker-compose.local.yml:6 | cwd /app',
      'compose: gunicorn --bind 0.0.0.0:8080 web:app | entrypoint - cmd CMD@Dockerfile:4 | cwd /app',
      'compose: python worker.py | entrypoint - cmd command@docker-compose.local.yml:6 | cwd /app',
    ]);
    const a = analyse(memRepo({ ...PY, ...files }), ROOT, defaultConfig());
    assert.deepEqual(containers(a).filter((c) => c.runner.kind === 'compose').map((c) => c.id).sort(), [
      'Dockerfile @ docker-compose.local.yml + .github/compose.ci.yml: service web',
      'Dockerfile @ docker-compose.local.yml + .github/compose.ci.yml: service worker',
      'Dockerfile @ docker-compose.local.yml: service web',
      'Dockerfile @ docker-compose.local.yml: service worker',
    ]);
  });
});

describe('runtime: Lambda handlers a deployer sets', () => {
  const DF_LAMBDA = 'FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py ${LAMBDA_TASK_ROOT}\nCMD ["app.handler"]\n';
  const APP = 'def create(event, context):\n    return 1\n\n\ndef delete(event, context):\n    return 2\n';
  const SAM = 'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Create:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n      Role: !GetAtt Role.Arn\n      ImageConfig:\n        Command: ["app.create"]\n    Metadata:\n      DockerContext: ./fn\n      Dockerfile: Dockerfile\n';
  it('SAM ImageConfig.Command: the placeholder CMD is not judged, and --explain says why', async () => {
    const files = { 'fn/Dockerfile': DF_LAMBDA, 'fn/app.py': APP, 'template.yaml': SAM };
    assert.deepEqual(brief((await lintRepo(memRepo(files))).findings), []);
    const c = containers(analyse(memRepo(files), ROOT, defaultConfig()))[0];
    assert.ok(c.quiet.includes("the command is not followed: the handler is set by template.yaml (SAM ImageConfig.Command), which runs it as a container of its own: the Dockerfile's CMD app.handler may not be what runs"), c.quiet.join('\n'));
  });
  it('SAM ImageConfig.Command is the container the function runs: its handler is checked and reported in the template (study h1 m2)', async () => {
    const fs = memRepo({ 'fn/Dockerfile': DF_LAMBDA, 'fn/app.py': APP, 'template.yaml': SAM.replace('["app.create"]', '["app.creat"]') });
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), ["template.yaml:10:20 entrypoint-target the Lambda runtime (handler app.creat): 'creat' is not defined in /var/task/app.py"]);
    assert.deepEqual(containers(r.analysis).map((c) => c.id), ['fn/Dockerfile @ docker run', 'fn/Dockerfile @ template.yaml: SAM function Create']);
  });
  it('CDK DockerImageCode.from_image_asset(..., cmd=[...]) too', async () => {
    const cdk = 'from aws_cdk import aws_lambda as lambda_\n\n\ndef build(scope):\n    return lambda_.DockerImageFunction(scope, "Create", code=lambda_.DockerImageCode.from_image_asset("fn", cmd=["app.create"]))\n';
    assert.deepEqual(brief((await lintRepo(memRepo({ 'fn/Dockerfile': DF_LAMBDA, 'fn/app.py': APP, 'stack.py': cdk }))).findings), []);
  });
  it("the runtime's own awslambdaric is importable; a distribution nothing installs is reported without hedging on it", async () => {
    const df = 'FROM public.ecr.aws/lambda/python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt --target "${LAMBDA_TASK_ROOT}"\nCOPY app.py ${LAMBDA_TASK_ROOT}\nCMD ["app.handler"]\n';
    const app = 'import awslambdaric\nimport boto3\nimport yaml\n\n\ndef handler(event, context):\n    return 1\n';
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'requirements.txt': 'requests==2.32.3\nidna==3.7\ncharset-normalizer==3.3.2\nurllib3==2.2.2\ncertifi==2024.7.4\n', 'app.py': app }))).findings),
      ["app.py:3:8 missing-dependency requirements.txt (Dockerfile:3) installs 5 distributions; none provides 'yaml' (pyyaml) (going by the dependency data of the distribution table)"]);
  });
  it('without an override the CMD is the handler, and a missing function is reported', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo({ 'fn/Dockerfile': DF_LAMBDA, 'fn/app.py': APP }))).findings), ["fn/Dockerfile:3:6 entrypoint-target the Lambda runtime (handler app.handler): 'handler' is not defined in /var/task/app.py"]);
  });
});

describe('runtime: a stage a CI build pushes with --target', () => {
  it('docker build --target prod in a workflow: that stage is an image container too, beside the last stage', () => {
    const files = {
      Dockerfile: 'FROM python:3.11-slim AS prod\nWORKDIR /app\nCOPY . .\nCMD ["python", "web.py"]\nFROM prod AS lambda\nCMD ["python", "tasks.py"]\n',
      '.github/workflows/release.yml': 'jobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build --target prod -t ghcr.io/acme/web:1 .\n',
    };
    assert.deepEqual(summary(files), [
      'image#lambda: python tasks.py | entrypoint - cmd CMD@Dockerfile:6 | cwd /app',
      'image#prod: python web.py | entrypoint - cmd CMD@Dockerfile:4 | cwd /app',
    ]);
  });
});

describe('runtime: the shell that runs a shell-form command (SHELL, /bin/sh of the base image)', () => {
  const APP = 'from flask import Flask\napp = Flask(__name__)\n';
  const DF = (from: string, extra = '', cmd = 'CMD source /venv/bin/activate && exec gunicorn -b 0.0.0.0:8000 app:app') =>
    `FROM ${from}\nRUN python -m venv /venv && /venv/bin/pip install flask gunicorn\nWORKDIR /app\nCOPY app.py .\n${extra}${cmd}\n`;
  it('`source` in dash (python:3.12-slim, Debian): "source: not found", the server never starts; the fix writes "."', async () => {
    const fs = memRepo({ Dockerfile: DF('python:3.12-slim'), 'app.py': APP });
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [
      "Dockerfile:5:5 entrypoint-target 'source' is not a command in dash, the /bin/sh of python:3.12-slim: the shell prints \"source: not found\" and exits 127, so exec gunicorn -b 0.0.0.0:8000 app:app never runs; use '.' (the POSIX name of the same builtin)",
    ]);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n')[4], 'CMD . /venv/bin/activate && exec gunicorn -b 0.0.0.0:8000 app:app');
  });
  it('silent where /bin/sh has `source`: SHELL ["/bin/bash", "-c"], an Alpine image (BusyBox ash), `ln -sf /bin/bash /bin/sh`, or "." already', async () => {
    for (const df of [
      DF('python:3.12-slim', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'),
      DF('python:3.12-alpine'),
      DF('python:3.12-slim', 'RUN ln -sf /bin/bash /bin/sh\n'),
      DF('python:3.12-slim', '', 'CMD . /venv/bin/activate && exec gunicorn -b 0.0.0.0:8000 app:app'),
    ]) assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'app.py': APP }))).findings), [], df);
  });
  it('a SHELL after the CMD does not change it (Docker bakes the shell in when it reads CMD); the SHELL argv is what the container runs', () => {
    const after = containers(analyse(memRepo({ Dockerfile: DF('python:3.12-slim', '', 'CMD exec gunicorn -b 0.0.0.0:8000 app:app\nSHELL ["/bin/bash", "-c"]'), 'app.py': APP }), ROOT, defaultConfig()))[0];
    assert.deepEqual(after.argv, ['/bin/sh', '-c', 'exec gunicorn -b 0.0.0.0:8000 app:app']);
    const before = containers(analyse(memRepo({ Dockerfile: DF('python:3.12-slim', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n', 'CMD exec gunicorn -b 0.0.0.0:8000 app:app'), 'app.py': APP }), ROOT, defaultConfig()))[0];
    assert.deepEqual(before.argv, ['/bin/bash', '-o', 'pipefail', '-c', 'exec gunicorn -b 0.0.0.0:8000 app:app']);
    assert.equal(before.ep?.kind, 'gunicorn');
  });
  it('in a #!/bin/sh entrypoint script: reported at the word in the script; a #!/bin/bash one is silent; a server started after a failed `source` (no &&) runs', async () => {
    const df = 'FROM python:3.11-slim\nRUN python -m venv /venv && /venv/bin/pip install flask gunicorn\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/start.sh"]\n';
    const sh = (shebang: string, body: string) => `${shebang}\nset -e\n${body}\n`;
    const r = await lintRepo(memRepo({ Dockerfile: df, 'app.py': APP, 'start.sh': sh('#!/bin/sh', 'source /venv/bin/activate\nexec gunicorn -b 0.0.0.0:8000 app:app') }));
    assert.deepEqual(brief(r.findings), [
      "start.sh:3:1 entrypoint-target 'source' in /app/start.sh is not a command in dash, the /bin/sh of python:3.11-slim: the shell prints \"source: not found\" and exits 127, and no server starts after it; use '.' (the POSIX name of the same builtin)",
    ]);
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'app.py': APP, 'start.sh': sh('#!/bin/bash', 'source /venv/bin/activate\nexec gunicorn -b 0.0.0.0:8000 app:app') }))).findings), []);
    const noE = '#!/bin/sh\nsource /venv/bin/activate\nexec /venv/bin/gunicorn -b 0.0.0.0:8000 app:app\n';
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'app.py': APP, 'start.sh': noE }))).findings), []);
  });
});

describe('runtime: AWS Lambda Web Adapter images (study h1: aws-lambda-web-adapter examples)', () => {
  const DF = (env: string, cmd: string) => `FROM python:3.12-slim\nCOPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.8.4 /lambda-adapter /opt/extensions/lambda-adapter\n${env}WORKDIR /var/task\nRUN pip install fastapi uvicorn\nCOPY main.py ./\n${cmd}\n`;
  const APP = 'from fastapi import FastAPI\napp = FastAPI()\n';
  it("uvicorn on its default 127.0.0.1 is what the adapter reaches (it runs in the same sandbox): no loopback finding", async () => {
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: DF('ENV PORT=8000\n', 'CMD exec uvicorn --port=$PORT main:app'), 'main.py': APP }))).findings), []);
  });
  it('another port than AWS_LWA_PORT / PORT / 8080 never becomes ready: reported, with the fix to that port', async () => {
    const fs = memRepo({ Dockerfile: DF('', 'CMD ["uvicorn", "main:app", "--port", "9000"]'), 'main.py': APP });
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [
      "Dockerfile:6:39 port-mismatch uvicorn main:app listens on port 9000, but the Lambda Web Adapter this image carries forwards requests and its readiness check to port 8080 (its default, with AWS_LWA_PORT and PORT unset), so the function never becomes ready",
    ]);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n')[5], 'CMD ["uvicorn", "main:app", "--port", "8080"]');
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: DF('ENV AWS_LWA_PORT=9000\n', 'CMD ["uvicorn", "main:app", "--port", "9000"]'), 'main.py': APP }))).findings), []);
  });
});

describe('runtime: an image CDK builds only to copy /asset out (Code.from_docker_build; study h1: titiler)', () => {
  it('its placeholder CMD is not judged, and --explain says why; the same Dockerfile without the CDK app is', async () => {
    const df = 'FROM public.ecr.aws/lambda/python:3.12\nRUN pip install mangum -t /asset\nCOPY lambda/handler.py /asset/handler.py\nCMD ["echo", "hello world"]\n';
    const cdk = 'import os\nfrom aws_cdk import aws_lambda\n\n\ndef stack(scope, code_dir):\n    return aws_lambda.Function(scope, "fn", code=aws_lambda.Code.from_docker_build(\n        path=os.path.abspath(code_dir),\n        file="lambda/Dockerfile",\n    ), handler="handler.handler")\n';
    const files = { 'infra/lambda/Dockerfile': df, 'infra/lambda/handler.py': 'def handler(event, context):\n    return 1\n', 'infra/app.py': cdk };
    assert.deepEqual(brief((await lintRepo(memRepo(files))).findings), []);
    const c = containers(analyse(memRepo(files), ROOT, defaultConfig()))[0];
    assert.ok(c.quiet.includes('the command is not followed: the image is built by infra/app.py (CDK Code.from_docker_build) only to copy /asset out of it as the function\'s code: it never runs, so its command is not checked'), c.quiet.join('\n'));
    const { 'infra/app.py': _cdk, ...alone } = files;
    assert.equal(brief((await lintRepo(memRepo(alone))).findings).length, 1);
  });
});

describe('runtime: RUN commands read as the tools read them (study h2 r6, h3 rg)', () => {
  it('`install -d DIR` only makes folders: a wrong script name after it is still reported', async () => {
    const df = 'FROM python:3.12-slim\nWORKDIR /srv\nRUN install -d /usr/share/pg\nCOPY manage.py ./\nCMD ["python", "manag.py", "check"]\n';
    const found = brief((await lintRepo(memRepo({ Dockerfile: df, 'manage.py': 'print(1)\n' }))).findings);
    assert.deepEqual(found, ['Dockerfile:5:16 entrypoint-target python manag.py: /srv/manag.py is not in the image; did you mean /srv/manage.py?']);
  });
  it('`apt-get -y install python3-pip` (an option before the subcommand) installs jammy\'s Python 3.10', async () => {
    const df = 'FROM ubuntu:jammy\nRUN apt-get update && apt-get -y install python3-pip\nWORKDIR /app\nCOPY . .\nCMD ["python3", "main.py"]\n';
    const found = brief((await lintRepo(memRepo({ Dockerfile: df, 'main.py': 'type Port = int\n' }))).findings);
    assert.deepEqual(found, ['main.py:1:1 python-version-mismatch Python 3.10 cannot run `type` alias statements (PEP 695, new in Python 3.12): python main.py fails when it loads /app/main.py']);
  });
});

describe('runtime: a Django base settings literal that the loaded settings module replaces (study h2: taiga, bakerydemo)', () => {
  const KEY = 'c6u0-9c!7nilj_ysatsda0(f@e_2mws2f!6m0n^o*4#*q#kzp)';
  const files = (prod: string) => ({
    Dockerfile: 'FROM python:3.12-slim\nRUN pip install django gunicorn\nWORKDIR /code\nCOPY . .\nENV DJANGO_SETTINGS_MODULE=proj.settings.production\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "proj.wsgi:application"]\n',
    'proj/__init__.py': '',
    'proj/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\napplication = get_wsgi_application()\n',
    'proj/settings/__init__.py': '',
    'proj/settings/base.py': `DEBUG = True\nSECRET_KEY = "${KEY}"\n`,
    'proj/settings/production.py': prod,
  });
  it('replaced in every branch after the star import: a notice, not a finding', async () => {
    const prod = 'import os\nfrom .base import *\n\nif "DJANGO_SECRET_KEY" in os.environ:\n    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\nelse:\n    SECRET_KEY = "".join(["x" for _ in range(50)])\n';
    const r = await lintRepo(memRepo(files(prod)));
    assert.deepEqual(brief(r.findings), []);
    assert.ok(r.notices.some((n) => n.message === 'not reported: proj/settings/base.py:2 SECRET_KEY is a literal, but proj.settings.production (the settings module the container loads) assigns it again from something that is not a literal, so no container runs with it'), r.notices.map((n) => n.message).join('\n'));
  });
  it('replaced only under a condition, or with another literal: still reported', async () => {
    const base = 'proj/settings/base.py:2:15 hardcoded-secret Secret c6u0… (50 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ["SECRET_KEY"])';
    assert.deepEqual(brief((await lintRepo(memRepo(files('import os\nfrom .base import *\nif os.environ.get("K"):\n    SECRET_KEY = os.environ["K"]\n')))).findings), [base]);
    const again = brief((await lintRepo(memRepo(files('from .base import *\nSECRET_KEY = "b7Rq9xZ2mK4pL8vN3cT6wY1sF5hJ0dG7aQ2eU9iO4rB"\n')))).findings);
    assert.deepEqual(again.map((f) => f.split(' hardcoded-secret ')[0]), ['proj/settings/base.py:2:15', 'proj/settings/production.py:2:15']);
  });
});

describe('runtime: requirements with extras the extras table knows (study h2 r15, h3 mem0)', () => {
  const DF = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app/ ./app/\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app.wsgi:application"]\n';
  const lintWith = async (reqs: string) => brief((await lintRepo(memRepo({ Dockerfile: DF, 'requirements.txt': reqs, 'app/__init__.py': '', 'app/wsgi.py': 'import yaml\napplication = None\n' }))).findings);
  it('psycopg[binary] adds psycopg-binary, which cannot provide yaml: reported (was silent: "asks for extras ...")', async () => {
    assert.deepEqual(await lintWith('django==5.2\ngunicorn==23.0.0\npsycopg[binary]==3.2.9\n'), [
      "app/wsgi.py:1:8 missing-dependency requirements.txt (Dockerfile:4) installs 3 distributions; none provides 'yaml' (pyyaml) (going by the dependency data of the distribution table)",
    ]);
  });
  it('uvicorn[standard] adds PyYAML: silent; an extra the table does not know: silent', async () => {
    assert.deepEqual(await lintWith('gunicorn==23.0.0\nuvicorn[standard]==0.34.0\n'), []);
    assert.deepEqual(await lintWith('gunicorn==23.0.0\nsomepkg[fancy]==1.0\n'), []);
  });
});

describe('runtime: an exec-form program the image does not have (study h2 r1)', () => {
  it('ENTRYPOINT ["/entrypoint.sh"] with docker/entrypoint.sh never copied: "no such file or directory", with the COPY fix', async () => {
    const df = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY docker/other.sh /\nCOPY app/ ./app/\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["gunicorn", "app.wsgi:application"]\n';
    const fs = memRepo({ Dockerfile: df, 'docker/entrypoint.sh': '#!/bin/sh\nexec "$@"\n', 'docker/other.sh': '#!/bin/sh\n', 'app/__init__.py': '', 'app/wsgi.py': 'application = None\n' });
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [
      'Dockerfile:5:13 entrypoint-target /entrypoint.sh is not in the image, so the container cannot start ("exec /entrypoint.sh: no such file or directory"); the build context has docker/entrypoint.sh, which no COPY puts there',
    ]);
    assert.deepEqual(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n').slice(4, 6), ['COPY docker/entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]']);
  });
  it('under a folder this Dockerfile makes, behind tini (study h5 R3, U2: umap): reported at the script word, with the fix', async () => {
    for (const [run, col] of [['CMD ["/srv/docker/start.sh"]', 6], ['ENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["/srv/docker/start.sh"]', 6], ['CMD ["/usr/bin/tini", "--", "/srv/docker/start.sh"]', 29]] as const) {
      const df = `FROM python:3.12-slim\nWORKDIR /srv\nCOPY app.py .\n${run}\n`;
      const fs = memRepo({ Dockerfile: df, 'docker/start.sh': '#!/bin/sh\nexec gunicorn app:app\n', 'app.py': 'app = None\n' });
      const r = await lintRepo(fs);
      const line = df.split('\n').findIndex((l) => l.includes('start.sh')) + 1;
      assert.deepEqual(brief(r.findings), [
        `Dockerfile:${line}:${col} entrypoint-target /srv/docker/start.sh is not in the image, so the container cannot start ("exec /srv/docker/start.sh: no such file or directory"); the build context has docker/start.sh, which no COPY puts there`,
      ], run);
      assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n')[line - 1], 'COPY docker/start.sh /srv/docker/start.sh', run);
    }
  });
  it('a close name the Dockerfile copied into the same folder (COPY entrypoint / run as /entrypoint.sh; study h9 Le3: lemur): a typo, with the fix', async () => {
    for (const [copy, cmd, want, fixed] of [
      ['COPY entrypoint /', 'ENTRYPOINT ["/entrypoint.sh"]', 'Dockerfile:3:13 entrypoint-target /entrypoint.sh is not in the image, so the container cannot start ("exec /entrypoint.sh: no such file or directory"); did you mean /entrypoint?', 'ENTRYPOINT ["/entrypoint"]'],
      ['WORKDIR /app\nCOPY entrypoint start', 'CMD ["./strat"]', 'Dockerfile:4:6 entrypoint-target ./strat is not in the image, so the container cannot start ("exec ./strat: no such file or directory"); did you mean ./start?', 'CMD ["./start"]'],
    ] as const) {
      const fs = memRepo({ Dockerfile: `FROM python:3.12-alpine\n${copy}\n${cmd}\n`, entrypoint: '#!/bin/sh\nexec python -c "print(1)"\n' });
      const r = await lintRepo(fs);
      assert.deepEqual(brief(r.findings), [want], cmd);
      const text = applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)!;
      assert.equal(text.split('\n').find((l) => /^(?:ENTRYPOINT|CMD)/.test(l)), fixed);
      assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: text, entrypoint: '#!/bin/sh\nexec python -c "print(1)"\n' }))).findings), []);
    }
  });
  it('near miss: a root file with a close name on a base whose root folder is not known to be empty (an NGC image), or two close names: not judged', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: 'FROM nvcr.io/nvidia/pytorch:24.01-py3\nCOPY entrypoint /\nENTRYPOINT ["/entrypoint.sh"]\n', entrypoint: '#!/bin/sh\n' }))).findings), []);
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: 'FROM python:3.12-alpine\nCOPY entrypoint entrypoint.py /\nENTRYPOINT ["/entrypoint.sh"]\n', entrypoint: '#!/bin/sh\n', 'entrypoint.py': '' }))).findings), []);
  });
  it('silent for a system path, a bin folder, a file a RUN may write, or a root file the build context does not have', async () => {
    for (const [ep, extra] of [['/usr/local/bin/docker-entrypoint.sh', ''], ['/app/.venv/bin/serve', ''], ['/entrypoint.sh', 'RUN ./gen.sh /entrypoint.sh\n'], ['/start-app', '']]) {
      const df = `FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n${extra}ENTRYPOINT ["${ep}"]\n`;
      assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'gen.sh': '#!/bin/sh\nexec render-file "$1"\n', 'entrypoint.sh': '#!/bin/sh\nexec "$@"\n' }))).findings), [], ep);
    }
  });
});

describe('runtime: a near-miss target where only the installed set is unknown (study h3 r1: mem0)', () => {
  const DF = (target: string) => `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["uvicorn", "${target}", "--host", "0.0.0.0"]\n`;
  const files = (target: string) => ({ Dockerfile: DF(target), 'requirements.txt': 'fastapi==0.115.8\nuvicorn==0.34.0\nslowapi\n', 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
  it('mian:app beside /app/main.py: a warning with the fix (an unread distribution could still provide it)', async () => {
    const fs = memRepo(files('mian:app'));
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [
      "Dockerfile:6:17 entrypoint-target uvicorn mian:app: module 'mian' is not in the image, but 'main' is (/app/main.py); did you mean 'main'? (Python looks in /app; unless something the image installs provides 'mian': the dependencies of slowapi are not in the distribution table, and it may install the module)",
    ]);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n')[5], 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]');
  });
  it('a name far from every module there: still quiet (the unread distribution may provide it)', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('service:app')))).findings), []);
  });
});

describe('runtime: pip install --group (PEP 735; study h2 r14: bookwyrm)', () => {
  const DF = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml .\nRUN pip install "pip>=25.1" && pip install --group main\nCOPY app/ ./app/\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app.wsgi:application"]\n';
  const PY = '[project]\nname = "svc"\nversion = "1"\n\n[dependency-groups]\nbase = ["django==5.2"]\nmain = [{include-group = "base"}, "gunicorn==23.0.0", "celery==5.4.0"]\n';
  it('installs the group (an include-group too): gunicorn is there, and a module no group installs is reported', async () => {
    const r = await lintRepo(memRepo({ Dockerfile: DF, 'pyproject.toml': PY, 'app/__init__.py': '', 'app/wsgi.py': 'import django\nimport yaml\napplication = None\n' }));
    assert.deepEqual(brief(r.findings), [
      "app/wsgi.py:2:8 missing-dependency pip install (Dockerfile:4), pyproject.toml (Dockerfile:4) install 4 distributions; none provides 'yaml' (pyyaml) (going by the dependency data of the distribution table)",
    ]);
  });
});

describe('runtime: a volume below the app folder covers only its target (study h3 r3: h2ogpt cache volume)', () => {
  it('cache:/workspace/.cache leaves /workspace/generate.py the image\'s: a wrong script name is still reported', async () => {
    const compose = 'services:\n  app:\n    build: .\n    volumes:\n      - cache:/workspace/.cache\n    command: ["/workspace/generat.py"]\nvolumes:\n  cache:\n';
    const r = await lintRepo(memRepo({ Dockerfile: 'FROM python:3.10-slim\nWORKDIR /workspace\nCOPY . /workspace/\nENTRYPOINT ["python3"]\n', 'docker-compose.yml': compose, 'generate.py': 'print("hi")\n' }));
    assert.deepEqual(brief(r.findings), ['docker-compose.yml:6:16 entrypoint-target python /workspace/generat.py: /workspace/generat.py is not in the image; did you mean /workspace/generate.py?']);
  });
});

describe('runtime: RUN lines that install nothing Python sees (study h3 rc, rd)', () => {
  const TAIL = 'WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n';
  const files = (head: string) => ({ Dockerfile: `FROM python:3.12-slim\n${head}${TAIL}`, 'requirements.txt': 'fastapi==0.115.8\nuvicorn==0.34.0\n', 'main.py': 'import redis\nfrom fastapi import FastAPI\napp = FastAPI()\n' });
  const expected = (line: number) => [`main.py:1:8 missing-dependency requirements.txt (Dockerfile:${line}) installs 2 distributions; none provides 'redis' (redis) (going by the dependency data of the distribution table)`];
  it('$(case "$(uname -m)" in x86_64) ...;; esac): the case patterns are no commands', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('RUN A=$(case "$(uname -m)" in x86_64) echo amd64 ;; aarch64) echo arm64 ;; esac) && echo $A\n')))).findings), expected(5));
  });
  it('add-apt-repository only adds an apt source', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('RUN apt-get update && apt-get install -y software-properties-common && add-apt-repository -y ppa:deadsnakes/ppa\n')))).findings), expected(5));
  });
});

describe('runtime: an interpreter named with its version (study h3 ri: h2ogpt ENTRYPOINT ["python3.10"])', () => {
  it('python3.10 on a base whose Python is not known runs 3.10: `type` statements are reported', async () => {
    const df = 'FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nWORKDIR /workspace\nCOPY . .\nRUN ./setup.sh\nENTRYPOINT ["python3.10", "main.py"]\n';
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'setup.sh': '#!/bin/sh\n', 'main.py': 'type Port = int\n' }))).findings), [
      'main.py:1:1 python-version-mismatch Python 3.10 cannot run `type` alias statements (PEP 695, new in Python 3.12): python main.py fails when it loads /workspace/main.py',
    ]);
  });
});

describe('runtime: uwsgi wsgi-file= is a path (study h2 r17: bakerydemo)', () => {
  it('a missing wsgi-file is reported as a file, in the ini, with the close name as the fix (its folder kept)', async () => {
    const fs = memRepo({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /code\nRUN pip install django==5.2 uwsgi==2.0.28\nCOPY . /code/\nCMD ["uwsgi", "/code/etc/uwsgi.ini"]\n',
      'etc/uwsgi.ini': '[uwsgi]\nhttp-socket=:8000\nmaster=true\nwsgi-file=proj/wsgy.py\n',
      'proj/__init__.py': '', 'proj/wsgi.py': 'application = None\n',
    });
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), ['etc/uwsgi.ini:4:11 entrypoint-target uwsgi wsgy:application: /code/proj/wsgy.py is not in the image; did you mean /code/proj/wsgi.py?']);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/etc/uwsgi.ini`)?.split('\n')[3], 'wsgi-file=proj/wsgi.py');
  });
});

describe('secrets: an application key as the default of ${VAR:-...} in compose (study h2 r11: DefectDojo)', () => {
  it('a SECRET_KEY default is a warning with the fix to require the variable; a password default (local services) and filler are not', async () => {
    const compose = 'services:\n  web:\n    image: acme/app\n    environment:\n      DD_SECRET_KEY: "${DD_SECRET_KEY:-hhZCp@D28z!n@NED*yB!ROMt+WzsY*iq}"\n      DB_PASSWORD: "${DB_PASSWORD:-Str0ngPassw0rd!2024}"\n      API_TOKEN: "${API_TOKEN:-changeme}"\n';
    const fs = memRepo({ 'docker-compose.yml': compose });
    const r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [
      "docker-compose.yml:5:40 hardcoded-secret Secret hhZC… (32 chars) is hardcoded as the default of ${DD_SECRET_KEY:-...} in the environment of compose service 'web': whoever starts it without DD_SECRET_KEY set runs with this value, which anyone with the code has; require the variable instead (${DD_SECRET_KEY:?...})",
    ]);
    assert.equal(r.findings[0].severity, 'warning');
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/docker-compose.yml`)?.split('\n')[4], '      DD_SECRET_KEY: "${DD_SECRET_KEY:?set DD_SECRET_KEY}"');
  });
});

describe('builds: a CI step that stages files into the context before docker build (study h1 fp3: emblem)', () => {
  it('cp -R libs/ web/libs then docker build web/.: the COPY of libs is not missing; without the cp it is', async () => {
    const files = (script: string) => ({
      'libs/py/setup.py': 'from setuptools import setup\nsetup(name="libs")\n',
      'web/app.py': 'app = None\n',
      'web/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /app\nCOPY libs libs/\nCOPY app.py .\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n',
      'cloudbuild.yaml': `steps:\n  - name: gcr.io/cloud-builders/docker\n    script: |\n${script}      docker build -t gcr.io/p/web web/.\n`,
    });
    assert.deepEqual(brief((await lintRepo(memRepo(files('      cp -R libs/ web/libs\n')))).findings), []);
    assert.deepEqual(brief((await lintRepo(memRepo(files('')))).findings), ["web/Dockerfile:3:6 missing-copy-source COPY source 'libs' is not in the build context, 'web' (as cloudbuild.yaml builds it)"]);
  });
});

describe('runtime: development tools and stubs the table does not know (study h5 R1: HackSoftware Django-Styleguide-Example)', () => {
  const DF = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n';
  const APP = 'import markdown\nfrom flask import Flask\napp = Flask(__name__)\n';
  it('stubs install no module and a test plugin serves tests: an import nothing provides is still reported, naming the plugin', async () => {
    const reqs = 'flask==3.0.3\ngunicorn==23.0.0\nruff==0.14.0\ndjango-stubs==5.1.0\ntypes-markdown-extras==1.0\npytest-imaginary-plugin==0.3\n';
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: DF, 'requirements.txt': reqs, 'app.py': APP }))).findings), [
      "app.py:1:8 missing-dependency requirements.txt (Dockerfile:4) installs 6 distributions; none provides 'markdown' (markdown) (going by the dependency data of the distribution table), unless pytest-imaginary-plugin pulls it in (what it installs is not known to deploylint)",
    ]);
  });
  it('another distribution whose dependencies are not known may install it: quiet, and --explain says why', async () => {
    const reqs = 'flask==3.0.3\ngunicorn==23.0.0\nimaginary-article-extractor==0.2.8\n';
    const files = { Dockerfile: DF, 'requirements.txt': reqs, 'app.py': APP };
    assert.deepEqual(brief((await lintRepo(memRepo(files))).findings), []);
    const quiet = explain(analyse(memRepo(files), ROOT, defaultConfig()), `${ROOT}/Dockerfile`)[0].quiet;
    assert.ok(quiet.includes('missing-dependency: the installed set is unknown (the dependencies of imaginary-article-extractor are not in the distribution table, and it may install the module), so third-party imports are not judged'), quiet.join('\n'));
  });
});

describe('runtime: apt python3-X on an official python image (study h6 R4: IntelOwl)', () => {
  const DF = (apt: string) => `FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ${apt}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD ["uvicorn", "app:app", "--host", "0.0.0.0"]\n`;
  const files = (apt: string, app: string) => ({ Dockerfile: DF(apt), 'requirements.txt': 'fastapi==0.115.8\nuvicorn==0.34.0\n', 'app.py': `${app}\nfrom fastapi import FastAPI\napp = FastAPI()\n` });
  it('installs for the Debian python3 only: the image\'s Python still lacks what pip did not install', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('python3-psycopg2', 'import tomlkit')))).findings), [
      "app.py:1:8 missing-dependency requirements.txt (Dockerfile:4) installs 2 distributions; none provides 'tomlkit' (tomlkit) (going by the dependency data of the distribution table)",
    ]);
  });
  it('and the module the apt package holds is not importable by it either', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('python3-psycopg2', 'import psycopg2')))).findings), [
      "app.py:1:8 missing-dependency requirements.txt (Dockerfile:4) installs 2 distributions; none provides 'psycopg2' (psycopg2) (going by the dependency data of the distribution table)",
    ]);
  });
});

describe('runtime: poetry install without the dev group (study h5 R2: fastapi-realworld-example-app)', () => {
  const DF = (flags: string) => `FROM python:3.9-slim\nWORKDIR /app\nCOPY poetry.lock pyproject.toml ./\nRUN pip install poetry==1.8.3 && poetry config virtualenvs.create false && poetry install ${flags}\nCOPY app.py .\nCMD ["uvicorn", "--host", "0.0.0.0", "app:app"]\n`;
  const PY = '[tool.poetry]\nname = "svc"\nversion = "1"\npackages = []\n\n[tool.poetry.dependencies]\npython = "^3.9"\nfastapi = "*"\nuvicorn = "*"\n\n[tool.poetry.group.dev.dependencies]\npyyaml = "*"\n';
  const pkg = (name: string, where: string) => `[[package]]\nname = "${name}"\nversion = "1.0"\ndescription = ""\noptional = false\npython-versions = "*"\n${where}\n`;
  const lock = (where: (g: string) => string) => [pkg('fastapi', where('main')), pkg('starlette', where('main')), pkg('uvicorn', where('main')), pkg('click', where('main')), pkg('h11', where('main')), pkg('pydantic', where('main')), pkg('pyyaml', where('dev'))].join('\n');
  const files = (flags: string, where: (g: string) => string) => ({ Dockerfile: DF(flags), 'pyproject.toml': PY, 'poetry.lock': lock(where), 'app.py': 'import yaml\nfrom fastapi import FastAPI\napp = FastAPI()\n' });
  const MISSING = "app.py:1:8 missing-dependency pip install (Dockerfile:4), /app/poetry.lock (Dockerfile:4) install 7 distributions; none provides 'yaml' (pyyaml) (going by the dependency data of the distribution table)";
  for (const [flags, where, label] of [
    ['--no-dev', (g: string) => `category = "${g}"`, 'Poetry 1.1: --no-dev, category = "dev"'],
    ['--without dev', (g: string) => `groups = ["${g}"]`, 'Poetry 2: --without dev, groups = ["dev"]'],
    ['--only main', (g: string) => `groups = ["${g}"]`, '--only main'],
  ] as const) {
    it(`${label}: the dev group's packages are not installed`, async () => {
      assert.deepEqual(brief((await lintRepo(memRepo(files(flags, where)))).findings), [MISSING]);
    });
  }
  it('a plain poetry install installs the dev group too: quiet', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('', (g) => `groups = ["${g}"]`)))).findings), []);
  });
  it('a package both groups need stays', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('--without dev', (g) => (g === 'dev' ? 'groups = ["main", "dev"]' : `groups = ["${g}"]`))))).findings), []);
  });
});

describe('runtime: a RUN python script that writes no module (study h6 R5: Skyvern)', () => {
  const DF = 'FROM python:3.11-slim\nRUN pip install fastapi uvicorn tiktoken\nWORKDIR /app\nCOPY . .\nRUN python scripts/warm_cache.py\nCMD ["python", "-m", "svc.servr"]\n';
  const files = (warm: string) => ({ Dockerfile: DF, 'scripts/warm_cache.py': warm, 'svc/__init__.py': '', 'svc/server.py': 'import uvicorn\n' });
  it('a cache warm-up leaves the target judged: the typo is reported', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('import tiktoken\ntiktoken.get_encoding("cl100k_base")\n')))).findings), [
      "Dockerfile:6:22 entrypoint-target python -m svc.servr: module 'svc.servr' is not in the image (the package 'svc' (/app/svc) has no module 'servr'; Python looks in /app); did you mean 'svc.server'?",
    ]);
  });
  it('a script that writes files or spawns programs may make it: quiet', async () => {
    for (const warm of ['import subprocess\nsubprocess.run(["make"])\n', 'with open("svc/servr.py", "w") as f:\n    f.write("")\n', 'import shutil\nshutil.copy("a", "b")\n']) {
      assert.deepEqual(brief((await lintRepo(memRepo(files(warm)))).findings), [], warm);
    }
  });
});

describe('runtime: uvicorn.Config + uvicorn.Server started from a console script (study h5 R6: lnbits)', () => {
  const PY = '[project]\nname = "svc"\nversion = "1"\ndependencies = ["click", "uvicorn", "fastapi"]\n\n[project.scripts]\nsvc = "svc.server:main"\n\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n';
  const SERVER = 'import click\nimport uvicorn\n\n@click.command()\n@click.option("--port", default=8000)\ndef main(port):\n    config = uvicorn.Config("svc.app:app", host="0.0.0.0", port=port)\n    uvicorn.Server(config=config).run()\n';
  it('the import string Config names is followed: a module the image lacks is reported there', async () => {
    const df = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml .\nCOPY svc/server.py svc/__init__.py svc/\nRUN pip install .\nCMD ["svc", "--port", "8000"]\n';
    assert.deepEqual(brief((await lintRepo(memRepo({ Dockerfile: df, 'pyproject.toml': PY, 'svc/__init__.py': '', 'svc/server.py': SERVER, 'svc/app.py': 'app = None\n' }))).findings), [
      "svc/server.py:7:29 entrypoint-target svc (console script svc.server:main) runs uvicorn.Config(\"svc.app:app\"), but module 'svc.app' is not in the image (the package 'svc' (/usr/local/lib/python3.12/site-packages/svc) has no module 'app'; Python looks in /usr/local/lib/python3.12/site-packages, /app)",
    ]);
  });
  it('and its bind is compared with the published port', async () => {
    const df = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\nCMD ["svc", "--port", "8000"]\n';
    const compose = 'services:\n  web:\n    build: .\n    ports: ["8080:8080"]\n';
    const r = brief((await lintRepo(memRepo({ Dockerfile: df, 'compose.yaml': compose, 'pyproject.toml': PY, 'svc/__init__.py': '', 'svc/server.py': SERVER, 'svc/app.py': 'app = None\n' }))).findings);
    assert.deepEqual(r, ["svc/server.py:7:14 port-mismatch uvicorn.Config() listens on port 8000 (given on svc's command line), but the service publishes container port 8080 (compose.yaml: service web; compose.yaml builds it)"]);
  });
});

describe('runtime: celery flower listens (study h6 R11: mher/flower)', () => {
  const DF = (cmd: string) => `FROM python:3.12-alpine\nRUN pip install flower==2.0.1 redis==5.0.8\nWORKDIR /data\nCOPY tasks.py .\nCMD ${cmd}\n`;
  const files = (cmd: string, ports = '5555:5555') => ({ Dockerfile: DF(cmd), 'compose.yaml': `services:\n  flower:\n    build: .\n    ports: ["${ports}"]\n`, 'tasks.py': 'from celery import Celery\napp = Celery("tasks")\n' });
  it('--address=127.0.0.1 behind a published port: port-mismatch', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('["celery", "-A", "tasks", "flower", "--address=127.0.0.1", "--port=5555"]')))).findings), [
      'Dockerfile:5:52 port-mismatch celery -A tasks flower listens on 127.0.0.1:5555 inside the container, so nothing outside it can connect; the service publishes container port 5555 (compose.yaml: service flower; compose.yaml builds it)',
    ]);
  });
  it('its defaults (all interfaces, 5555), and a worker, which listens on nothing: quiet', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('["celery", "-A", "tasks", "flower"]')))).findings), []);
    assert.deepEqual(brief((await lintRepo(memRepo(files('["celery", "-A", "tasks", "worker", "--loglevel=info"]')))).findings), []);
  });
  it('another published port than 5555: port-mismatch', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('["celery", "-A", "tasks", "flower"]', '8080:8080')))).findings), [
      "Dockerfile:5:1 port-mismatch celery -A tasks flower listens on port 5555 (celery's default), but the service publishes container port 8080 (compose.yaml: service flower; compose.yaml builds it)",
    ]);
  });
});

describe('runtime: a versioned interpreter the image does not have (python3.9 on python:3.12-slim)', () => {
  const files = (df: string, extra: Record<string, string> = {}) => ({ Dockerfile: df, 'main.py': 'print("up")\n', ...extra });
  const DF = (cmd: string, base = 'python:3.12-slim', run = '') => `FROM ${base}\nWORKDIR /app\n${run}COPY . .\nCMD ${cmd}\n`;
  const MSG = (name: string, shown = name) => `entrypoint-target the container runs ${name}, but the image has no ${name}: python:3.12-slim has Python 3.12 (python, python3 and python3.12 in /usr/local/bin) and no other, so Docker cannot start it (${shown.includes('/') ? `"exec ${shown}: no such file or directory"` : `"${shown}": executable file not found in $PATH`})`;
  it('exec form, shell form, an absolute path and a compose override: reported at the word, the fix runs python3', async () => {
    let fs = memRepo(files(DF('["python3.11", "main.py"]')));
    let r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [`Dockerfile:4:7 ${MSG('python3.11')}`]);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n')[3], 'CMD ["python3", "main.py"]');
    fs = memRepo(files(DF('exec python3.9 main.py')));
    r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [`Dockerfile:4:10 ${MSG('python3.9')}`]);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/Dockerfile`)?.split('\n')[3], 'CMD exec python3 main.py');
    assert.deepEqual(brief((await lintRepo(memRepo(files(DF('["/usr/local/bin/python3.10", "main.py"]'))))).findings), [`Dockerfile:4:7 ${MSG('python3.10', '/usr/local/bin/python3.10')}`]);
    fs = memRepo(files(DF('["python3", "main.py"]'), { 'compose.yaml': 'services:\n  app:\n    build: .\n    command: python3.8 main.py\n' }));
    r = await lintRepo(fs);
    assert.deepEqual(brief(r.findings), [`compose.yaml:4:14 ${MSG('python3.8')}`]);
    assert.equal(applyAllFixes(fs, r.findings).get(`${ROOT}/compose.yaml`)?.split('\n')[3], '    command: python3 main.py');
  });
  it('quiet: the tag\'s own version, a full (non-slim) image, a RUN that installs or links that Python, a base deploylint does not know', async () => {
    const quiet = [
      DF('["python3.12", "main.py"]'),
      DF('["python3.11", "main.py"]', 'python:3.12'),
      DF('["python3.11", "main.py"]', 'python:3.12-slim', 'RUN uv python install 3.11\n'),
      DF('["python3.11", "main.py"]', 'python:3.12-slim', 'RUN apt-get update && apt-get install -y python3.11\n'),
      DF('["python3.11", "main.py"]', 'python:3.12-slim', 'RUN ln -s /usr/local/bin/python3 /usr/local/bin/python3.11\n'),
      DF('["python3.11", "main.py"]', 'ghcr.io/acme/python:3.12-slim'),
    ];
    for (const df of quiet) assert.deepEqual(brief((await lintRepo(memRepo(files(df)))).findings), [], df);
  });
});

describe('runtime: variables assigned in front of the command reach the program (study h8 F2: generative-ai prism, rosetta)', () => {
  const serve = 'import os, uvicorn\nfrom fastapi import FastAPI\napi = FastAPI()\nif __name__ == "__main__":\n    uvicorn.run(api, host=os.environ.get("APP_HOST", "127.0.0.1"), port=8080)\n';
  const files = (cmd: string) => ({ Dockerfile: `FROM python:3.12-slim\nWORKDIR /code\nRUN pip install uvicorn fastapi\nCOPY serve.py .\nCMD ${cmd}\n`, 'serve.py': serve });
  it('sh -c "APP_HOST=0.0.0.0 python serve.py", the shell form and env APP_HOST=0.0.0.0: the default is overridden, quiet', async () => {
    for (const cmd of ['["sh", "-c", "APP_HOST=0.0.0.0 python serve.py"]', 'APP_HOST=0.0.0.0 python serve.py', '["env", "APP_HOST=0.0.0.0", "python", "serve.py"]', 'APP_HOST=0.0.0.0 exec python serve.py']) {
      assert.deepEqual(brief((await lintRepo(memRepo(files(cmd)))).findings), [], cmd);
    }
  });
  it('another variable, or APP_HOST=127.0.0.1: port-mismatch as before', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('["sh", "-c", "OTHER=1 python serve.py"]')))).findings), [
      'serve.py:5:54 port-mismatch uvicorn.run() listens on 127.0.0.1:8080 (the default of os.getenv("APP_HOST"), which is not set in the container) inside the container, so nothing outside it can connect',
    ]);
    assert.deepEqual(brief((await lintRepo(memRepo(files('["sh", "-c", "APP_HOST=127.0.0.1 python serve.py"]')))).findings), [
      'serve.py:5:5 port-mismatch uvicorn.run() listens on 127.0.0.1:8080 (APP_HOST set in the container) inside the container, so nothing outside it can connect',
    ]);
  });
});

describe('runtime: a relative program path runs from WORKDIR (study h8 F1: generative-ai langgraph-demo)', () => {
  it('ENTRYPOINT [".venv/bin/uvicorn", ...] under WORKDIR /app with the venv at /app/.venv: quiet; the same venv, never put on PATH, with a bare uvicorn: reported', async () => {
    const df = (ep: string) => `FROM python:3.12-slim\nWORKDIR /app\nRUN python -m venv /app/.venv && /app/.venv/bin/pip install uvicorn==0.30.6 fastapi==0.115.0\nCOPY pkg ./pkg/\nENTRYPOINT ${ep}\n`;
    const files = (ep: string) => ({ Dockerfile: df(ep), 'pkg/__init__.py': '', 'pkg/server.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
    assert.deepEqual(brief((await lintRepo(memRepo(files('[".venv/bin/uvicorn", "pkg.server:app", "--host", "0.0.0.0"]')))).findings), []);
    assert.deepEqual(brief((await lintRepo(memRepo(files('["uvicorn", "pkg.server:app", "--host", "0.0.0.0"]')))).findings), [
      'Dockerfile:5:13 missing-dependency the container runs uvicorn, but it is installed only into the virtualenv /app/.venv, whose bin folder is not on PATH: Docker cannot start it ("uvicorn": executable file not found in $PATH); put /app/.venv/bin first on PATH',
    ]);
  });
});

describe('runtime: RUN steps that install what the model does not read (study h8 F3, F4: opengpts, pyciemss-service)', () => {
  const py = '[tool.poetry]\nname = "svc"\nversion = "0"\ndescription = ""\nauthors = ["a"]\n\n[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "*"\n';
  const files = (run: string, poe = '') => ({
    Dockerfile: `FROM python:3.11\nWORKDIR /backend\nRUN pip install poetry\nCOPY pyproject.toml .\nRUN poetry config virtualenvs.create false && poetry install --no-root\n${run}COPY job.py .\nCMD ["python", "job.py"]\n`,
    'pyproject.toml': py + poe,
    'job.py': 'import redis\nimport requests\nprint(redis.Redis, requests.get)\n',
  });
  const MISSING = "job.py:1:8 missing-dependency pip install (Dockerfile:3), pyproject.toml (Dockerfile:5) install 2 distributions; none provides 'redis' (redis) (going by the dependency data of the distribution table)";
  it('poetry add redis, a poe task (also under poetry run) whose tasks pip install: the installed set is unknown, quiet', async () => {
    for (const [run, poe] of [
      ['RUN poetry add redis==5.0.1\n', ''],
      ['RUN poetry run poe deps\n', '\n[tool.poe.tasks]\ndeps = "pip install redis"\n'],
      ['RUN poe deps\n', '\n[tool.poe.tasks.deps]\ncmd = "uv pip install --system redis"\n'],
    ]) assert.deepEqual(brief((await lintRepo(memRepo(files(run, poe)))).findings), [], run);
  });
  it('no such step, poetry add --lock, or a poe task that installs nothing: reported as before', async () => {
    for (const [run, poe] of [
      ['', ''],
      ['RUN poetry add --lock redis==5.0.1\n', ''],
      ['RUN poetry run poe check\n', '\n[tool.poe.tasks]\ncheck = "python -m compileall ."\n'],
    ]) assert.deepEqual(brief((await lintRepo(memRepo(files(run, poe)))).findings), [MISSING], run);
  });
});

describe('runtime: a tests/<pkg>/ mirror beside the package (study h8 M3: langchain-ai/opengpts backend/tests/unit_tests/app)', () => {
  it('the package never copied: entrypoint-target, as without the mirror', async () => {
    const files = (mirror: boolean) => ({
      Dockerfile: 'FROM python:3.11\nRUN pip install poetry\nWORKDIR /backend\nCOPY ./backend/pyproject.toml ./\nRUN poetry config virtualenvs.create false && poetry install --only main\nCMD ["uvicorn", "app.server:app", "--host", "0.0.0.0"]\n',
      'backend/pyproject.toml': '[tool.poetry]\nname = "app"\nversion = "0"\ndescription = ""\nauthors = ["a"]\npackages = [{include = "app"}]\n\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "*"\nuvicorn = "*"\n',
      'backend/app/__init__.py': '',
      'backend/app/server.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      ...(mirror ? { 'backend/tests/app/__init__.py': '', 'backend/tests/app/test_server.py': 'def test_x():\n    pass\n' } : {}),
    });
    const expected = ["Dockerfile:6:17 entrypoint-target uvicorn app.server:app: module 'app.server' is not in the image (Python looks in /backend)"];
    assert.deepEqual(brief((await lintRepo(memRepo(files(false)))).findings), expected);
    assert.deepEqual(brief((await lintRepo(memRepo(files(true)))).findings), expected);
  });
});

describe('runtime: pip install uv leaves the installed set known (study h7 Me1, h8 M1: tubearchivist, prefect proxy-test)', () => {
  it('uv installs no Python dependencies: an import nothing installs is reported', async () => {
    const files = { Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nRUN pip install uv\nCOPY requirements.txt main.py ./\nRUN pip install -r requirements.txt\nCMD ["python", "main.py"]\n', 'requirements.txt': 'requests==2.32.3\n', 'main.py': 'import requests\nimport yaml\n' };
    assert.deepEqual(brief((await lintRepo(memRepo(files))).findings), [
      "main.py:2:8 missing-dependency pip install (Dockerfile:3), requirements.txt (Dockerfile:5) install 2 distributions; none provides 'yaml' (pyyaml) (going by the dependency data of the distribution table)",
    ]);
  });
});

describe('runtime: start scripts with steps around the server (study h7 Ma, Mh: tubearchivist run.sh, mathesar bin/mathesar_dev)', () => {
  const ma = (step: string) => ({
    Dockerfile: 'FROM python:3.12-slim\nRUN pip install uvicorn fastapi\nWORKDIR /app\nCOPY . .\nCMD ["./run.sh"]\n',
    'run.sh': `#!/bin/bash\nset -e\nif [[ "\${AUTO_UPDATE,,}" =~ ^(release|nightly)$ ]]; then\n  ${step}\nfi\npython start.py\n`,
    'start.py': 'import uvicorn\nuvicorn.run("api:app", host="0.0.0.0", port=8000)\n',
    'api.py': 'from fastapi import FastAPI\napplication = FastAPI()\n',
  });
  it('python -m pip install under a condition the model cannot decide installs and returns: the server after it is followed', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(ma('python -m pip install --upgrade yt-dlp')))).findings), [
      "start.py:2:13 entrypoint-target python start.py runs uvicorn.run(\"api:app\"), but 'app' is not defined in /app/api.py; it defines 'application'",
    ]);
  });
  it('a server under that condition may be the one that runs: quiet, as before', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(ma('python other.py')))).findings), []);
  });
  const mh = (script: string) => ({ Dockerfile: 'FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\nCMD ["bash", "./bin/dev"]\n', 'manage.py': 'import sys\n', 'bin/dev': `#!/usr/bin/env bash\n${script}` });
  it('pushd ... / the server / popd: the server is what runs, from the folder pushd entered', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(mh('pushd "$(dirname "$0")/.." > /dev/null || exit\n  python manag.py runserver 0.0.0.0:8000\npopd > /dev/null || exit\n')))).findings), [
      'bin/dev:3:10 entrypoint-target python manag.py: /code/manag.py is not in the image; did you mean /code/manage.py?',
    ]);
    assert.deepEqual(brief((await lintRepo(memRepo(mh('pushd /tmp > /dev/null\npython manage.py runserver 0.0.0.0:8000\n')))).findings), [
      'bin/dev:3:8 entrypoint-target django-manage manage.py: /tmp/manage.py is not in the image; the file is at /code/manage.py',
    ]);
    assert.deepEqual(brief((await lintRepo(memRepo(mh('pushd /tmp > /dev/null\npopd\npython manage.py runserver 0.0.0.0:8000\n')))).findings), []);
  });
});

describe('runtime: a proxy the start script runs in front of the server (study h7 R5: tubearchivist nginx on 8000, uvicorn on 8080)', () => {
  const files = (pre: string) => ({
    Dockerfile: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends nginx && pip install uvicorn==0.30.6 fastapi==0.115.0\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD ["bash", "./run.sh"]\n',
    'compose.yaml': 'services:\n  web:\n    build: .\n    ports: ["8000:8000"]\n',
    'run.sh': `#!/bin/bash\n${pre}uvicorn main:app --host 127.0.0.1 --port 8080\n`,
    'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  });
  it('nginx &, nginx (it daemonizes) or service nginx start before the server: its ports are not compared', async () => {
    for (const pre of ['nginx &\n', 'nginx\n', 'service nginx start\n', '/usr/sbin/nginx -g "daemon on;"\n']) {
      assert.deepEqual(brief((await lintRepo(memRepo(files(pre)))).findings), [], pre);
    }
  });
  it('no proxy (a comment naming nginx is none, nor a function that starts it but is never called): port-mismatch', async () => {
    for (const pre of ['', '# nginx runs elsewhere\n', 'start_proxy() {\n  nginx\n}\n']) {
      assert.deepEqual(brief((await lintRepo(memRepo(files(pre)))).findings), [
        `run.sh:${pre.split('\n').length + 1}:25 port-mismatch uvicorn main:app listens on 127.0.0.1:8080 inside the container, so nothing outside it can connect; the service publishes container port 8000 (compose.yaml: service web; compose.yaml builds it)`,
      ], pre);
    }
  });
});

describe('runtime: uv pip install -r pyproject.toml (study h7 Me2: jumpserver)', () => {
  const files = (run: string) => ({
    Dockerfile: `FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.9.15 /uv /usr/local/bin/uv\nWORKDIR /app\nCOPY . .\nRUN ${run}\nCMD ["python", "main.py"]\n`,
    'pyproject.toml': '[project]\nname = "svc"\nversion = "0"\ndependencies = ["requests==2.32.3"]\n\n[project.optional-dependencies]\nyml = ["pyyaml==6.0.2"]\n',
    'main.py': 'import requests\nimport yaml\n',
  });
  it('installs [project].dependencies: an import they do not provide is reported', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('uv pip install --system -r pyproject.toml')))).findings), [
      "main.py:2:8 missing-dependency pyproject.toml (Dockerfile:5) installs 1 distribution; none provides 'yaml' (pyyaml) (going by the dependency data of the distribution table)",
    ]);
  });
  it('--extra yml and --all-extras add the optional dependencies: quiet', async () => {
    for (const run of ['uv pip install --system -r pyproject.toml --extra yml', 'uv pip install --system -r pyproject.toml --all-extras']) {
      assert.deepEqual(brief((await lintRepo(memRepo(files(run)))).findings), [], run);
    }
  });
});

describe('runtime: one python-version-mismatch for containers of one image failing on one line (study h8: maria-quiteria web and worker)', () => {
  it('a worker and an api service that load the same file: one finding naming both', async () => {
    const files = {
      Dockerfile: 'FROM python:3.8-slim\nWORKDIR /code\nRUN pip install celery==5.3.6 redis==5.0.8\nCOPY . .\nCMD ["celery", "-A", "web", "worker"]\n',
      'compose.yaml': 'services:\n  worker:\n    build: .\n  api:\n    build: .\n    command: python run.py\n',
      'run.py': 'import web\n',
      'web/__init__.py': 'from .tasks import app\n',
      'web/tasks.py': 'from celery import Celery\napp = Celery("web")\ndef f(x):\n    match x:\n        case 1:\n            return 1\n',
    };
    const r = await lintRepo(memRepo(files));
    assert.deepEqual(brief(r.findings), ['web/tasks.py:4:5 python-version-mismatch Python 3.8 cannot run `match` statements (PEP 634, new in Python 3.10): celery web and python run.py fail when they load /code/web/tasks.py']);
    assert.equal('across' in r.findings[0], false);
  });
});

describe('runtime: a RUN the model does not follow, before the COPY of the package, in a base stage (study h7 Mc: tracecat)', () => {
  const files = (run: string, after = '') => ({
    Dockerfile: `FROM python:3.12-slim AS base\n${run}WORKDIR /app\nFROM base AS app\nCOPY ./svc /app/svc\n${after}FROM app AS production\nCMD ["python", "-m", "svc.workers"]\n`,
    'svc/__init__.py': '', 'svc/worker.py': 'print(1)\n', 'gen.py': 'open("svc/workers.py", "w").write("")\n',
  });
  const MSG = (line: number) => `Dockerfile:${line}:22 entrypoint-target python -m svc.workers: module 'svc.workers' is not in the image (the package 'svc' (/app/svc) has no module 'workers'; Python looks in /app); did you mean 'svc.worker'?`;
  it('setcap or install of another file before the COPY cannot write into the copied package: reported', async () => {
    for (const run of ['RUN setcap cap_net_bind_service+ep /usr/local/bin/python3.12\n', 'RUN install -m 0644 /dev/null /etc/x.conf\n']) {
      assert.deepEqual(brief((await lintRepo(memRepo(files(run)))).findings), [MSG(7)], run);
    }
  });
  it('a RUN after the COPY, in the folder above the package, may write it: quiet', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('', 'COPY gen.py .\nRUN python gen.py\n')))).findings), []);
  });
});

describe('runtime: console scripts of a project whose pyproject.toml uv sync read through a bind mount (study h10 R3: docling-serve)', () => {
  const files = (fn: string, mount = true) => ({
    Dockerfile: `FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.8 /uv /bin/uv\nENV UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH\nWORKDIR /app\nCOPY pkg ./pkg\n${mount ? 'RUN --mount=type=bind,source=uv.lock,target=uv.lock --mount=type=bind,source=pyproject.toml,target=pyproject.toml uv sync --frozen' : 'RUN uv sync --frozen'}\nCMD ["svc", "run"]\n`,
    'pyproject.toml': '[project]\nname = "pkg"\nversion = "1"\ndependencies = []\n[project.scripts]\nsvc = "pkg.cli:main"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    'uv.lock': 'version = 1\n', 'pkg/__init__.py': '', 'pkg/cli.py': `def ${fn}():\n    print("up")\n`,
  });
  it('the script is the project\'s, though the image never keeps pyproject.toml: a function the module lacks is reported; the right one is clean', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('mian')))).findings), ["Dockerfile:7:1 entrypoint-target svc (console script pkg.cli:main): 'main' is not defined in /app/pkg/cli.py"]);
    assert.deepEqual(brief((await lintRepo(memRepo(files('main')))).findings), []);
  });
  it('near miss: without the mount uv sync sees no pyproject.toml in /app, so nothing is known about svc', async () => {
    assert.deepEqual(brief((await lintRepo(memRepo(files('mian', false)))).findings), []);
  });
});
