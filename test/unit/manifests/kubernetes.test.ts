// Kubernetes and Cloud Run manifests: workload kinds, containers, env, ports, probes and their exact ranges.
import { strict as assert } from 'assert';
import { cloudRunPort, parseManifests, type Workload } from '../../../server/src/core/manifests';
import { at, lines } from './util';

const POD_SPEC = ['spec:', '  containers:', '    - name: app', '      image: app:1'];

function indentLines(ls: string[], by: number): string[] {
  return ls.map((l) => ' '.repeat(by) + l);
}

function summary(w: Workload) {
  return {
    platform: w.platform,
    kind: w.kind,
    name: w.name,
    containers: w.containers.map((c) => (c.initContainer ? 'init:' : '') + c.name?.value),
  };
}

describe('manifests: kubernetes workloads', () => {
  const cases: { title: string; text: string; expect: ReturnType<typeof summary>[] }[] = [
    ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].map((kind) => ({
      title: kind,
      text: lines('apiVersion: apps/v1', `kind: ${kind}`, 'metadata:', '  name: w', 'spec:', '  template:', ...indentLines(POD_SPEC, 4)),
      expect: [{ platform: 'kubernetes' as const, kind, name: 'w', containers: ['app'] }],
    })),
    {
      title: 'CronJob (spec.jobTemplate.spec.template)',
      text: lines('apiVersion: batch/v1', 'kind: CronJob', 'metadata: {name: nightly}', 'spec:', '  schedule: "0 3 * * *"', '  jobTemplate:', '    spec:', '      template:', ...indentLines(POD_SPEC, 8)),
      expect: [{ platform: 'kubernetes', kind: 'CronJob', name: 'nightly', containers: ['app'] }],
    },
    {
      title: 'Pod with initContainers first',
      text: lines('apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', ...POD_SPEC, '  initContainers:', '    - name: fetch', '      image: busybox'),
      expect: [{ platform: 'kubernetes', kind: 'Pod', name: 'p', containers: ['init:fetch', 'app'] }],
    },
    {
      title: 'List with items',
      text: lines(
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - apiVersion: apps/v1',
        '    kind: Deployment',
        '    metadata: {name: a}',
        '    spec: {template: {spec: {containers: [{name: x, image: i}]}}}',
        '  - apiVersion: v1',
        '    kind: ConfigMap',
        '    metadata: {name: cfg}',
        '  - apiVersion: v1',
        '    kind: Pod',
        '    metadata: {name: b}',
        '    spec: {containers: [{name: y, image: i}]}',
      ),
      expect: [
        { platform: 'kubernetes', kind: 'Deployment', name: 'a', containers: ['x'] },
        { platform: 'kubernetes', kind: 'Pod', name: 'b', containers: ['y'] },
      ],
    },
    {
      title: 'Cloud Run (Knative) Service',
      text: lines('apiVersion: serving.knative.dev/v1', 'kind: Service', 'metadata:', '  name: coordinator', 'spec:', '  template:', ...indentLines(POD_SPEC, 4)),
      expect: [{ platform: 'cloudrun', kind: 'Service', name: 'coordinator', containers: ['app'] }],
    },
    {
      title: 'a core v1 Service is not a workload',
      text: lines('apiVersion: v1', 'kind: Service', 'metadata: {name: s}', 'spec: {ports: [{port: 80}]}'),
      expect: [],
    },
    {
      title: 'ConfigMap and an object without kind are not workloads',
      text: lines('apiVersion: v1', 'kind: ConfigMap', 'data: {a: b}', '---', 'spec: {containers: [{name: x}]}'),
      expect: [],
    },
    {
      title: 'a Deployment without a template yields a workload without containers',
      text: lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: empty}', 'spec: {}'),
      expect: [{ platform: 'kubernetes', kind: 'Deployment', name: 'empty', containers: [] }],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const r = parseManifests('/repo/k8s/m.yaml', c.text);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.workloads.map(summary), c.expect);
      for (const w of r.workloads) assert.equal(w.file, '/repo/k8s/m.yaml');
    });
  }
});

describe('manifests: kubernetes containers and probes', () => {
  const deployment = lines(
    'apiVersion: apps/v1', //                                 0
    'kind: Deployment', //                                    1
    'metadata:', //                                           2
    '  name: predictions-worker', //                          3
    'spec:', //                                               4
    '  template:', //                                         5
    '    spec:', //                                           6
    '      containers:', //                                   7
    '        - name: worker', //                              8
    '          image: gcr.io/p/worker:1', //                  9
    '          command: ["gunicorn"]', //                     10
    '          args: ["--bind", "0.0.0.0:8080", "worker:app"]', // 11
    '          workingDir: /app', //                          12
    '          ports:', //                                    13
    '            - containerPort: 8080', //                   14
    '              name: http', //                            15
    '          startupProbe:', //                             16
    '            tcpSocket:', //                              17
    '              port: 8080', //                            18
    '            failureThreshold: 30', //                    19
    '            periodSeconds: 10', //                       20
    '          livenessProbe:', //                            21
    '            httpGet:', //                                22
    '              path: /healthz', //                        23
    '              port: http', //                            24
    '            initialDelaySeconds: 60', //                 25
    '            timeoutSeconds: 5', //                       26
    '            successThreshold: 1', //                     27
    '          readinessProbe:', //                           28
    '            exec:', //                                   29
    '              command: ["cat", "/tmp/ready"]', //        30
    '          # trailing comment', //                        31
    '', //                                                    32
  );
  const [w] = parseManifests('/m.yaml', deployment).workloads;
  const [c] = w.containers;

  it('reads the container fields with ranges', () => {
    assert.deepEqual(
      {
        name: [c.name?.value, at(c.name?.range), at(c.name?.keyRange)],
        image: [c.image?.value, at(c.image?.range)],
        command: [c.command?.value, at(c.command?.range), c.command?.shell],
        args: [c.args?.value, at(c.args?.range)],
        workingDir: [c.workingDir?.value, at(c.workingDir?.range)],
        ports: c.ports.map((p) => [p.containerPort.value, p.name, at(p.containerPort.range)]),
        range: at(c.range),
        indent: c.indent,
        init: c.initContainer,
        workloadRange: at(w.range),
      },
      {
        name: ['worker', '8:16-8:22', '8:10-8:14'],
        image: ['gcr.io/p/worker:1', '9:17-9:34'],
        command: [['gunicorn'], '10:19-10:31', undefined],
        args: [['--bind', '0.0.0.0:8080', 'worker:app'], '11:16-11:56'],
        workingDir: ['/app', '12:22-12:26'],
        ports: [[8080, 'http', '14:29-14:33']],
        range: '8:10-30:44',
        indent: 10,
        init: undefined,
        workloadRange: '0:0-30:44',
      },
    );
  });

  it('reads the probes: handler, port, path, each number and its exact range', () => {
    const view = c.probes.map((p) => ({
      kind: p.kind,
      handler: p.handler,
      port: p.port && [p.port.value, at(p.port.range)],
      path: p.path && [p.path.value, at(p.path.range)],
      numbers: (['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const)
        .filter((k) => p[k])
        .map((k) => `${k}=${p[k]!.value}@${at(p[k]!.range)} key@${at(p[k]!.keyRange)}`),
      range: at(p.range),
      keyRange: at(p.keyRange),
      indent: p.indent,
      flow: p.flow,
    }));
    assert.deepEqual(view, [
      {
        kind: 'startup',
        handler: 'tcpSocket',
        port: [8080, '18:20-18:24'],
        path: undefined,
        numbers: ['periodSeconds=10@20:27-20:29 key@20:12-20:25', 'failureThreshold=30@19:30-19:32 key@19:12-19:28'],
        range: '17:12-20:29',
        keyRange: '16:10-16:22',
        indent: 12,
        flow: undefined,
      },
      {
        kind: 'liveness',
        handler: 'httpGet',
        port: ['http', '24:20-24:24'],
        path: ['/healthz', '23:20-23:28'],
        numbers: [
          'initialDelaySeconds=60@25:33-25:35 key@25:12-25:31',
          'timeoutSeconds=5@26:28-26:29 key@26:12-26:26',
          'successThreshold=1@27:30-27:31 key@27:12-27:28',
        ],
        range: '22:12-27:31',
        keyRange: '21:10-21:23',
        indent: 12,
        flow: undefined,
      },
      {
        kind: 'readiness',
        handler: 'exec',
        port: undefined,
        path: undefined,
        numbers: [],
        range: '29:12-30:44',
        keyRange: '28:10-28:24',
        indent: 12,
        flow: undefined,
      },
    ]);
  });

  it('handles flow-style, empty and handler-less probes', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: Pod',
      'spec:',
      '  containers:',
      '    - name: a',
      '      livenessProbe: {httpGet: {port: 8080}, failureThreshold: 5}',
      '      readinessProbe:',
      '      startupProbe:',
      '        periodSeconds: "10"',
    );
    const probes = parseManifests('/p.yaml', text).workloads[0].containers[0].probes;
    assert.deepEqual(
      probes.map((p) => [p.kind, p.handler, p.port?.value, p.failureThreshold?.value, at(p.failureThreshold?.range), p.periodSeconds, at(p.range), p.indent, p.flow]),
      [
        ['startup', 'unknown', undefined, undefined, undefined, undefined, '8:8-8:27', 8, undefined],
        ['liveness', 'httpGet', 8080, 5, '5:63-5:64', undefined, '5:21-5:65', 8, true],
        ['readiness', 'unknown', undefined, undefined, undefined, undefined, '6:6-6:21', 8, undefined],
      ],
    );
  });

  it('keeps UTF-16 columns after non-ASCII text (accents, CJK, astral emoji)', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: "café"}',
      'spec:',
      '  containers:',
      '    - {name: "模型-😀", image: "app", env: [{name: GREETING, value: "héllo 😀"}, {name: KEY, valueFrom: {secretKeyRef: {name: s, key: k}}}]}',
      '    - name: b # ünïcødé 😀',
      '      livenessProbe: {tcpSocket: {port: 80}, failureThreshold: 2} # 😀',
    );
    const r = parseManifests('/u.yaml', text);
    assert.equal(r.workloads[0].name, 'café');
    const [a, b] = r.workloads[0].containers;
    assert.deepEqual([a.name?.value, at(a.name?.range), at(a.image?.range)], ['模型-😀', '5:13-5:20', '5:29-5:34']);
    assert.deepEqual(
      a.env.map((e) => [e.name, at(e.nameRange), e.value?.value, at(e.value?.range), e.valueFrom, at(e.itemRange)]),
      [
        ['GREETING', '5:49-5:57', 'héllo 😀', '5:66-5:76', undefined, '5:42-5:77'],
        ['KEY', '5:86-5:89', undefined, undefined, true, '5:79-5:136'],
      ],
    );
    assert.deepEqual([b.probes[0].failureThreshold?.value, at(b.probes[0].failureThreshold?.range)], [2, '7:63-7:64']);
  });

  it('resolves anchors and merge keys, with ranges at the anchored text', () => {
    const text = lines(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - &base',
      '          name: a',
      '          livenessProbe: &probe',
      '            tcpSocket: {port: 8080}',
      '            failureThreshold: 4',
      '        - <<: *base',
      '          name: b',
      '          startupProbe: *probe',
    );
    const cs = parseManifests('/a.yaml', text).workloads[0].containers;
    assert.deepEqual(
      cs.map((c) => [c.name?.value, c.probes.map((p) => `${p.kind}:${p.failureThreshold?.value}@${at(p.failureThreshold?.range)}`)]),
      [
        ['a', ['liveness:4@10:30-10:31']],
        ['b', ['startup:4@10:30-10:31', 'liveness:4@10:30-10:31']],
      ],
    );
  });

  it('merges object and template annotations for Cloud Run, the template winning', () => {
    const text = lines(
      'apiVersion: serving.knative.dev/v1',
      'kind: Service',
      'metadata:',
      '  name: svc',
      '  annotations:',
      '    run.googleapis.com/ingress: all',
      '    shared: outer',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        run.googleapis.com/startup-cpu-boost: "true"',
      '        autoscaling.knative.dev/maxScale: 10',
      '        shared: inner',
      '    spec:',
      '      containers:',
      '        - image: gcr.io/p/svc',
    );
    const [w] = parseManifests('/s.yaml', text).workloads;
    assert.deepEqual(
      Object.entries(w.annotations).map(([k, v]) => [k, v.value, at(v.range), at(v.keyRange)]),
      [
        ['run.googleapis.com/ingress', 'all', '5:32-5:35', '5:4-5:30'],
        ['shared', 'inner', '13:16-13:21', '13:8-13:14'],
        ['run.googleapis.com/startup-cpu-boost', 'true', '11:46-11:52', '11:8-11:44'],
        ['autoscaling.knative.dev/maxScale', '10', '12:42-12:44', '12:8-12:40'],
      ],
    );
  });

  it('gives the Cloud Run port: ports[0].containerPort, else 8080', () => {
    const svc = (ports: string) =>
      parseManifests('/s.yaml', lines('apiVersion: serving.knative.dev/v1', 'kind: Service', 'spec:', '  template:', '    spec:', `      containers: [{image: x${ports}}]`)).workloads[0].containers[0];
    assert.deepEqual(cloudRunPort(svc('')), { port: 8080 });
    const withPort = cloudRunPort(svc(', ports: [{containerPort: 9000, name: h2c}, {containerPort: 9001}]'));
    assert.deepEqual([withPort.port, at(withPort.located?.range)], [9000, '5:54-5:58']);
  });
});
