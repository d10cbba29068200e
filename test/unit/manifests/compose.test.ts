// docker-compose files: detection, build, command/entrypoint, environment and port forms, healthcheck.
import { strict as assert } from 'assert';
import { isComposeFileName, parseManifests, type ContainerSpec, type Workload } from '../../../server/src/core/manifests';
import { at, lines } from './util';

const COMPOSE = lines(
  'version: "3.9"', //                                           0
  'x-common: &common', //                                        1
  '  environment:', //                                           2
  '    SHARED: "1"', //                                          3
  'services:', //                                                4
  '  worker:', //                                                5
  '    build:', //                                               6
  '      context: .', //                                         7
  '      dockerfile: docker/predictions-worker.Dockerfile', //   8
  '      target: runtime', //                                    9
  '    image: worker:dev', //                                    10
  '    entrypoint: ["python", "-m"]', //                         11
  '    command: gunicorn --bind 0.0.0.0:8080 worker:app', //     12
  '    working_dir: /app', //                                    13
  '    environment:', //                                         14
  '      - PORT=8080', //                                        15
  '      - "API_KEY=sk-123"', //                                 16
  '      - FROM_SHELL', //                                       17
  '    ports:', //                                               18
  '      - "8080:80"', //                                        19
  '      - "127.0.0.1:9090:9000/tcp"', //                        20
  '      - 3000', //                                             21
  '      - "[::1]:5000:5001"', //                                22
  '      - "7000-7002:8000-8002"', //                            23
  '      - target: 6000', //                                     24
  '        published: "16000"', //                               25
  '        name: web', //                                        26
  '    expose: ["4000"]', //                                     27
  '    healthcheck:', //                                         28
  '      test: ["CMD", "curl", "-f", "http://localhost:80/health"]', // 29
  '      interval: 1m30s', //                                    30
  '      timeout: 10s', //                                       31
  '      retries: 5', //                                         32
  '      start_period: 500ms', //                                33
  '      start_interval: 2s', //                                 34
  '  coordinator:', //                                           35
  '    <<: *common', //                                          36
  '    build: ./coordinator', //                                 37
  '    command: []', //                                          38
  '    healthcheck:', //                                         39
  '      disable: true', //                                      40
  '  db:', //                                                    41
  '    image: postgres', //                                      42
  '    environment:', //                                         43
  '      POSTGRES_PASSWORD: example', //                         44
  '      PORT: 5432', //                                         45
  '      EMPTY:', //                                             46
  '    healthcheck:', //                                         47
  '      test: ["NONE"]', //                                     48
);

describe('manifests: compose', () => {
  const r = parseManifests('/repo/docker-compose.yml', COMPOSE);
  const byName = new Map(r.workloads.map((w) => [w.name, w] as [string, Workload]));
  const container = (n: string): ContainerSpec => byName.get(n)!.containers[0];

  it('makes one workload per service, merge keys resolved', () => {
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.workloads.map((w) => [w.platform, w.kind, w.name, w.containers.length, at(w.range), at(w.containers[0].range), w.containers[0].indent, at(w.containers[0].name?.range)]),
      [
        ['compose', 'worker', 'worker', 1, '5:2-34:24', '6:4-34:24', 4, '5:2-5:8'],
        ['compose', 'coordinator', 'coordinator', 1, '35:2-40:19', '36:4-40:19', 4, '35:2-35:13'],
        ['compose', 'db', 'db', 1, '41:2-48:20', '42:4-48:20', 4, '41:2-41:4'],
      ],
    );
  });

  it('reads build in string and map form', () => {
    const view = (w: Workload) => w.build && [w.build.context.value, at(w.build.context.range), w.build.dockerfile?.value, at(w.build.dockerfile?.range), w.build.target];
    assert.deepEqual(view(byName.get('worker')!), ['.', '7:15-7:16', 'docker/predictions-worker.Dockerfile', '8:18-8:54', 'runtime']);
    assert.deepEqual(view(byName.get('coordinator')!), ['./coordinator', '37:11-37:24', undefined, undefined, undefined]);
    assert.equal(byName.get('db')!.build, undefined);
  });

  it('maps entrypoint to command and command to args; the string form is flagged shell', () => {
    const w = container('worker');
    assert.deepEqual([w.command?.value, at(w.command?.range), w.command?.shell], [['python', '-m'], '11:16-11:32', undefined]);
    assert.deepEqual([w.args?.value, at(w.args?.range), at(w.args?.keyRange), w.args?.shell], [['gunicorn --bind 0.0.0.0:8080 worker:app'], '12:13-12:52', '12:4-12:11', true]);
    assert.deepEqual([w.image?.value, w.workingDir?.value, at(w.workingDir?.range)], ['worker:dev', '/app', '13:17-13:21']);
    assert.deepEqual([container('coordinator').args?.value, container('coordinator').args?.shell], [[], undefined]);
    assert.equal(container('db').args, undefined);
  });

  const envCases: [string, [string, string | undefined, string | undefined, string, string | undefined][]][] = [
    [
      'worker',
      [
        ['PORT', '8080', '15:13-15:17', '15:8-15:12', '15:8-15:17'],
        ['API_KEY', 'sk-123', '16:17-16:23', '16:9-16:16', '16:8-16:24'],
        ['FROM_SHELL', undefined, undefined, '17:8-17:18', '17:8-17:18'],
      ],
    ],
    ['coordinator', [['SHARED', '1', '3:12-3:15', '3:4-3:10', '3:4-3:15']]],
    [
      'db',
      [
        ['POSTGRES_PASSWORD', 'example', '44:25-44:32', '44:6-44:23', '44:6-44:32'],
        ['PORT', '5432', '45:12-45:16', '45:6-45:10', '45:6-45:16'],
        ['EMPTY', undefined, undefined, '46:6-46:11', '46:6-46:12'],
      ],
    ],
  ];
  for (const [service, expected] of envCases) {
    it(`reads environment (${service})`, () => {
      assert.deepEqual(
        container(service).env.map((e) => [e.name, e.value?.value, at(e.value?.range), at(e.nameRange), at(e.itemRange)]),
        expected,
      );
    });
  }

  it('reads the container side of short and long port forms, and expose', () => {
    assert.deepEqual(
      container('worker').ports.map((p) => [p.containerPort.value, at(p.containerPort.range), p.name]),
      [
        [80, '19:14-19:16', undefined],
        [9000, '20:24-20:28', undefined],
        [3000, '21:8-21:12', undefined],
        [5001, '22:20-22:24', undefined],
        [8000, '23:19-23:28', undefined],
        [8001, '23:19-23:28', undefined],
        [8002, '23:19-23:28', undefined],
        [6000, '24:16-24:20', 'web'],
        [4000, '27:14-27:18', undefined],
      ],
    );
  });

  it('reads healthchecks: durations in seconds with ranges, disable and NONE', () => {
    const h = container('worker').healthcheck!;
    assert.deepEqual(
      {
        test: [h.test?.value, at(h.test?.range)],
        numbers: (['interval', 'timeout', 'retries', 'startPeriod', 'startInterval'] as const).map((k) => `${k}=${h[k]?.value}@${at(h[k]?.range)}`),
        disabled: h.disabled,
        range: at(h.range),
        keyRange: at(h.keyRange),
        indent: h.indent,
      },
      {
        test: [['CMD', 'curl', '-f', 'http://localhost:80/health'], '29:12-29:63'],
        numbers: ['interval=90@30:16-30:21', 'timeout=10@31:15-31:18', 'retries=5@32:15-32:16', 'startPeriod=0.5@33:20-33:25', 'startInterval=2@34:22-34:24'],
        disabled: false,
        range: '29:6-34:24',
        keyRange: '28:4-28:15',
        indent: 6,
      },
    );
    assert.deepEqual([container('coordinator').healthcheck?.disabled, container('coordinator').healthcheck?.test], [true, undefined]);
    assert.deepEqual([container('db').healthcheck?.disabled, container('db').healthcheck?.test?.value], [true, ['NONE']]);
    assert.equal(container('worker').probes.length, 0);
  });

  it('normalises a string test to CMD-SHELL and ignores durations that are not Go durations', () => {
    const text = lines('services:', '  web:', '    image: x', '    healthcheck:', '      test: curl -f http://localhost/ || exit 1', '      interval: 30', '      timeout: soon');
    const h = parseManifests('/compose.yaml', text).workloads[0].containers[0].healthcheck!;
    assert.deepEqual([h.test?.value, h.interval, h.timeout], [['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], undefined, undefined]);
  });

  const detection: [string, string, string[]][] = [
    ['/r/compose.yaml', lines('services:', '  web: {}', '  cache:'), ['web', 'cache']],
    ['/r/docker-compose.prod.yml', lines('services:', '  api:', '    ports: ["80"]'), ['api']],
    ['/r/deploy/stack.yml', lines('services:', '  api:', '    image: api:1'), ['api']],
    ['/r/deploy/stack.yml', lines('services:', '  api:', '    build: .'), ['api']],
    ['/r/config.yml', lines('services:', '  api:', '    enabled: true'), []],
    ['/r/compose.yaml', lines('apiVersion: v1', 'kind: Pod', 'services:', '  web: {image: x}'), []],
    ['/r/compose.yaml', lines('services: [web]'), []],
  ];
  for (const [file, text, expected] of detection) {
    it(`detects compose by name or content: ${file} ${JSON.stringify(text.split('\n')[1])}`, () => {
      const r = parseManifests(file, text);
      assert.deepEqual(r.workloads.filter((w) => w.platform === 'compose').map((w) => w.name), expected);
    });
  }

  const names: [string, boolean][] = [
    ['/r/compose.yaml', true],
    ['/r/compose.yml', true],
    ['/r/docker-compose.yml', true],
    ['/r/docker-compose.override.yaml', true],
    ['/r/compose.dev.yml', true],
    ['/r/Docker-Compose.YML', true],
    ['/r/my-compose.yml', false],
    ['/r/compose.json', false],
    ['/r/deploy.yaml', false],
  ];
  for (const [file, expected] of names) {
    it(`isComposeFileName(${file}) = ${expected}`, () => assert.equal(isComposeFileName(file), expected));
  }
});
