// Compose projects: which files `docker compose` merges, and Compose's merge rules for override files, `extends`, `include`, `!reset` / `!override`.
import { strict as assert } from 'assert';
import { composeProjects, parseManifests, type Workload } from '../../../server/src/core/manifests';

const R = '/r';

/** The merged services of an in-memory set of compose files (paths relative to /r). */
function merge(files: Record<string, string>, composeFile: Record<string, string> = {}): { workloads: Workload[]; projects: string[][]; notes: (string | undefined)[] } {
  const parsed = new Map(Object.entries(files).map(([p, t]) => [`${R}/${p}`, parseManifests(`${R}/${p}`, t)]));
  const out = composeProjects([...parsed.keys()], (f) => parsed.get(f), (dir) => composeFile[dir.slice(R.length + 1)]);
  return { workloads: out.workloads, projects: out.projects.map((p) => p.files.map((f) => f.slice(R.length + 1))), notes: out.projects.map((p) => p.note) };
}

/** One service's merged container as a compact summary: where each value is written (file:line). */
function summary(w: Workload): Record<string, unknown> {
  const c = w.containers[0];
  const rel = (f: string | undefined) => (f ?? w.file).slice(R.length + 1);
  const where = (x: { file?: string; range: { start: { line: number } } } | undefined) => x && `${rel(x.file)}:${x.range.start.line}`;
  const out: Record<string, unknown> = { file: rel(w.file) };
  if (c.image) out.image = `${c.image.value} @ ${where(c.image)}`;
  if (c.command) out.entrypoint = `${c.command.value.join(' ')} @ ${where(c.command)}`;
  if (c.args) out.command = `${c.args.value.join(' ')} @ ${where(c.args)}`;
  if (c.user) out.user = c.user.value;
  if (c.workingDir) out.workingDir = c.workingDir.value;
  if (c.env.length) out.env = c.env.map((e) => `${e.name}=${e.value?.value ?? ''} @ ${where({ file: e.file, range: e.itemRange })}`);
  if (c.ports.length) out.ports = c.ports.map((p) => `${p.containerPort.value} @ ${where(p.containerPort)}`);
  if (c.mounts) out.volumes = c.mounts.map((m) => `${m.source ?? ''}:${m.target} @ ${where(m)}`);
  if (c.envFiles) out.envFiles = c.envFiles.map((f) => `${f.value} @ ${where(f)}`);
  if (c.healthcheck) out.healthcheck = `${c.healthcheck.test?.value.join(' ') ?? '-'} / start ${c.healthcheck.startPeriod?.value ?? '-'} / interval ${c.healthcheck.interval?.value ?? '-'} @ ${rel(c.healthcheck.file)}`;
  if (c.resources?.memoryLimits.length) out.memory = c.resources.memoryLimits.map((m) => `${m.key}=${m.value} @ ${where(m)}`);
  if (w.build) {
    out.build = `${w.build.context.value} @ ${where(w.build.context)}${w.build.dockerfile ? ` -f ${w.build.dockerfile.value} @ ${where(w.build.dockerfile)}` : ''}${w.build.target ? ` --target ${w.build.target}` : ''}${w.build.args ? ` args ${JSON.stringify(w.build.args)}` : ''}`;
  }
  return out;
}

function service(files: Record<string, string>, name: string): Record<string, unknown> | undefined {
  const w = merge(files).workloads.filter((x) => x.name === name);
  assert.ok(w.length <= 1, `one project defines ${name}`);
  return w[0] && summary(w[0]);
}

describe('compose projects: which files are merged', () => {
  const cases: [string, Record<string, string>, string[][]][] = [
    ['compose.yaml alone', { 'compose.yaml': 'services:\n  web:\n    build: .\n' }, [['compose.yaml']]],
    ['the default file and its override', { 'docker-compose.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.override.yml': 'services:\n  web:\n    command: x\n' }, [['docker-compose.yml', 'docker-compose.override.yml']]],
    // compose-go: the first of the default names, then the first override name, whatever the base's name.
    ['compose.yaml wins over docker-compose.yml; either override name goes with it', { 'compose.yaml': 'services:\n  web:\n    build: .\n', 'docker-compose.yml': 'services:\n  old:\n    build: .\n', 'docker-compose.override.yml': 'services:\n  web:\n    command: x\n' }, [['compose.yaml', 'docker-compose.override.yml'], ['docker-compose.yml']]],
    ['an override file without a base is a project of its own', { 'compose.override.yaml': 'services:\n  web:\n    build: .\n' }, [['compose.override.yaml']]],
    ['X.override.yml is merged on X.yml', { 'docker-compose.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.test.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.test.override.yml': 'services:\n  web:\n    ports: ["8000:8080"]\n' }, [['docker-compose.yml'], ['docker-compose.test.yml', 'docker-compose.test.override.yml']]],
    ['a file of services without image or build is merged on the default file', { 'docker-compose.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.prod.yml': 'services:\n  web:\n    command: gunicorn app:app\n' }, [['docker-compose.yml'], ['docker-compose.yml', 'docker-compose.prod.yml']]],
    ['a complete prod file is a project of its own', { 'docker-compose.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.prod.yml': 'services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.prod\n' }, [['docker-compose.yml'], ['docker-compose.prod.yml']]],
    ['files in other folders are other projects', { 'compose.yaml': 'services:\n  web:\n    build: .\n', 'deploy/compose.override.yaml': 'services:\n  web:\n    command: x\n' }, [['compose.yaml'], ['deploy/compose.override.yaml']]],
    ['an included file joins the project that includes it', { 'compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  web:\n    build: .\n', 'db/compose.yaml': 'services:\n  db:\n    image: postgres\n' }, [['compose.yaml']]],
  ];
  for (const [name, files, expected] of cases) it(name, () => assert.deepEqual(merge(files).projects, expected));

  const listed: [string, Record<string, string>, string, string[][]][] = [
    ['COMPOSE_FILE (in .env) replaces the default files', { 'docker-compose.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.override.yml': 'services:\n  web:\n    command: dev\n', 'docker-compose.prod.yml': 'services:\n  web:\n    command: prod\n' }, 'docker-compose.yml:docker-compose.prod.yml', [['docker-compose.yml', 'docker-compose.prod.yml'], ['docker-compose.yml', 'docker-compose.override.yml']]],
    ['a COMPOSE_FILE with a variable is not read', { 'compose.yaml': 'services:\n  web:\n    build: .\n' }, 'compose.yaml:${EXTRA}', [['compose.yaml']]],
    ['Windows separators', { 'a.yml': 'services:\n  web:\n    build: .\n', 'b.yml': 'services:\n  web:\n    image: x\n' }, 'a.yml;b.yml', [['a.yml', 'b.yml']]],
  ];
  for (const [name, files, value, expected] of listed) it(name, () => assert.deepEqual(merge(files, { '': value }).projects, expected));

  it('says how a fragment was merged', () => {
    const m = merge({ 'docker-compose.yml': 'services:\n  web:\n    build: .\n', 'docker-compose.prod.yml': 'services:\n  web:\n    command: gunicorn app:app\n' });
    assert.deepEqual(m.notes, [undefined, 'docker-compose.prod.yml defines services without image or build that docker-compose.yml defines: merged on it, as `docker compose -f docker-compose.yml -f docker-compose.prod.yml`']);
  });
});

describe('compose projects: merge rules', () => {
  const BASE = [
    'services:', //                                 0
    '  web:', //                                    1
    '    image: shop/web:1', //                     2
    '    build:', //                                3
    '      context: ./web', //                      4
    '      args:', //                               5
    '        PY: "3.12"', //                        6
    '    command: gunicorn shop.wsgi:app', //       7
    '    user: app', //                             8
    '    environment:', //                          9
    '      LOG_LEVEL: info', //                     10
    '      TZ: UTC', //                             11
    '    ports:', //                                12
    '      - "8000:8000"', //                       13
    '    volumes:', //                              14
    '      - ./web:/srv', //                        15
    '      - data:/data', //                        16
    '    env_file: .env', //                        17
    '    healthcheck:', //                          18
    '      test: curl -f http://localhost:8000/', // 19
    '      interval: 30s', //                       20
    '      start_period: 10s', //                   21
    '    mem_limit: 512m', //                       22
    '',
  ].join('\n');
  const cases: [string, string, Record<string, unknown>][] = [
    ['nothing in the override: the base as written', 'services:\n  other:\n    image: redis\n', {
      file: 'compose.yaml', image: 'shop/web:1 @ compose.yaml:2', command: 'gunicorn shop.wsgi:app @ compose.yaml:7', user: 'app',
      env: ['LOG_LEVEL=info @ compose.yaml:10', 'TZ=UTC @ compose.yaml:11'], ports: ['8000 @ compose.yaml:13'],
      volumes: ['./web:/srv @ compose.yaml:15', 'data:/data @ compose.yaml:16'], envFiles: ['.env @ compose.yaml:17'],
      healthcheck: 'CMD-SHELL curl -f http://localhost:8000/ / start 10 / interval 30 @ compose.yaml', memory: ['mem_limit=512m @ compose.yaml:22'],
      build: './web @ compose.yaml:4 args {"PY":"3.12"}',
    }],
    [
      'single values and command replaced; environment merged by name; ports appended; volumes by target; env_file appended; healthcheck by key with test replaced',
      [
        'services:', //                                   0
        '  web:', //                                      1
        '    image: shop/web:dev', //                     2
        '    command: ["gunicorn", "--reload", "wsgi:app"]', // 3
        '    environment:', //                            4
        '      - LOG_LEVEL=debug', //                     5
        '    ports:', //                                  6
        '      - "5678:5678"', //                         7
        '    volumes:', //                                8
        '      - ./src:/srv', //                          9
        '    env_file:', //                               10
        '      - .env.dev', //                            11
        '    healthcheck:', //                            12
        '      test: ["CMD", "true"]', //                 13
        '      start_period: 60s', //                     14
        '    mem_limit: 1g', //                           15
        '    build:', //                                  16
        '      dockerfile: Dockerfile.dev', //            17
        '      args:', //                                 18
        '        DEV: "1"', //                            19
        '',
      ].join('\n'),
      {
        file: 'compose.yaml', image: 'shop/web:dev @ compose.override.yaml:2', command: 'gunicorn --reload wsgi:app @ compose.override.yaml:3', user: 'app',
        env: ['TZ=UTC @ compose.yaml:11', 'LOG_LEVEL=debug @ compose.override.yaml:5'], ports: ['8000 @ compose.yaml:13', '5678 @ compose.override.yaml:7'],
        volumes: ['data:/data @ compose.yaml:16', './src:/srv @ compose.override.yaml:9'], envFiles: ['.env @ compose.yaml:17', '.env.dev @ compose.override.yaml:11'],
        healthcheck: 'CMD true / start 60 / interval 30 @ compose.override.yaml', memory: ['mem_limit=1g @ compose.override.yaml:15'],
        build: './web @ compose.yaml:4 -f Dockerfile.dev @ compose.override.yaml:17 args {"PY":"3.12","DEV":"1"}',
      },
    ],
    ['entrypoint set by the override leaves the base command', 'services:\n  web:\n    entrypoint: /docker-entrypoint.sh\n', {
      entrypoint: '/docker-entrypoint.sh @ compose.override.yaml:2', command: 'gunicorn shop.wsgi:app @ compose.yaml:7',
    }],
    ['!reset removes a value; !override replaces a list', 'services:\n  web:\n    command: !reset null\n    ports: !override\n      - "9000:9000"\n    volumes: !reset []\n', {
      command: undefined, ports: ['9000 @ compose.override.yaml:4'], volumes: undefined,
    }],
    ['the same container port published again is one port', 'services:\n  web:\n    ports:\n      - "127.0.0.1:8000:8000"\n', { ports: ['8000 @ compose.override.yaml:3'] }],
  ];
  for (const [name, override, expected] of cases) {
    it(name, () => {
      const got = service({ 'compose.yaml': BASE, 'compose.override.yaml': override }, 'web')!;
      const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, got[k]]));
      assert.deepEqual(picked, expected);
    });
  }

  it('a service only the override defines is added', () => {
    const got = service({ 'compose.yaml': BASE, 'compose.override.yaml': 'services:\n  worker:\n    build: ./web\n    command: celery -A shop worker\n' }, 'worker');
    assert.deepEqual(got, { file: 'compose.override.yaml', command: 'celery -A shop worker @ compose.override.yaml:3', build: './web @ compose.override.yaml:2' });
  });

  it('records the layers a service was merged from', () => {
    const w = merge({ 'compose.yaml': BASE, 'compose.override.yaml': 'services:\n  web:\n    user: root\n' }).workloads.find((x) => x.name === 'web')!;
    assert.deepEqual(w.compose?.layers?.map((l) => `${l.file.slice(R.length + 1)}:${l.range.start.line} ${l.how}`), ['compose.override.yaml:1 override']);
  });
});

describe('compose projects: extends, include and anchors', () => {
  it('extends a service of the same file: the extending service wins, and is what runs', () => {
    const got = service({ 'compose.yaml': 'services:\n  base:\n    build: .\n    environment:\n      A: "1"\n      B: "2"\n  worker:\n    extends: base\n    command: celery -A app worker\n    environment:\n      B: "3"\n' }, 'worker');
    assert.deepEqual(got, { file: 'compose.yaml', command: 'celery -A app worker @ compose.yaml:8', env: ['A=1 @ compose.yaml:4', 'B=3 @ compose.yaml:10'], build: '. @ compose.yaml:2' });
  });

  it('extends a service of another file: its values keep their file (paths resolve from there)', () => {
    const got = service({ 'compose.yaml': 'services:\n  web:\n    extends:\n      file: common/services.yml\n      service: app\n    ports: ["8000:8000"]\n', 'common/services.yml': 'services:\n  app:\n    build: ..\n    command: gunicorn app:app\n' }, 'web');
    assert.deepEqual(got, { file: 'compose.yaml', command: 'gunicorn app:app @ common/services.yml:3', ports: ['8000 @ compose.yaml:5'], build: '.. @ common/services.yml:2' });
  });

  it('a chain of extends, and a cycle ends', () => {
    const files = { 'compose.yaml': 'services:\n  a:\n    image: x\n    user: u\n  b:\n    extends: a\n    command: run-b\n  c:\n    extends: b\n  d:\n    extends: e\n  e:\n    extends: d\n    image: y\n' };
    assert.deepEqual(service(files, 'c'), { file: 'compose.yaml', image: 'x @ compose.yaml:2', command: 'run-b @ compose.yaml:6', user: 'u' });
    assert.equal(service(files, 'e')?.image, 'y @ compose.yaml:13');
  });

  it('an included file\'s services can be overridden by the override file', () => {
    const got = service({ 'compose.yaml': 'include:\n  - path: api/compose.yaml\n', 'api/compose.yaml': 'services:\n  api:\n    build: .\n    command: uvicorn main:app\n', 'compose.override.yaml': 'services:\n  api:\n    command: uvicorn api.main:app --reload\n' }, 'api');
    assert.deepEqual(got, { file: 'api/compose.yaml', command: 'uvicorn api.main:app --reload @ compose.override.yaml:2', build: '. @ api/compose.yaml:2' });
  });

  it('x- extension fields and merge keys are read through', () => {
    const got = service({ 'compose.yaml': 'x-app: &app\n  build: .\n  environment:\n    A: "1"\nservices:\n  web:\n    <<: *app\n    command: gunicorn app:app\n' }, 'web');
    assert.deepEqual(got, { file: 'compose.yaml', command: 'gunicorn app:app @ compose.yaml:7', env: ['A=1 @ compose.yaml:3'], build: '. @ compose.yaml:1' });
  });
});
