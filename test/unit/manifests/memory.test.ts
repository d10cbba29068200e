// Memory quantities: Kubernetes / Cloud Run quantity and Compose byte semantics, rounding and writing back, and the resources read from manifests.
import { strict as assert } from 'assert';
import {
  findFlagValue, formatMemoryLike, GiB, isDecimalStyle, MiB, parseComposeBytes, parseKubeQuantity, parseManifests, roundUpMemory,
} from '../../../server/src/core/manifests';
import { at, lines } from './util';

describe('manifests: Kubernetes quantities', () => {
  const cases: [string, number | undefined][] = [
    ['512Mi', 512 * MiB],
    ['1Gi', GiB],
    ['0.5Gi', 512 * MiB],
    ['1.5Gi', 1536 * MiB],
    ['.5Gi', 512 * MiB],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['1e9', 1e9],
    ['1E9', 1e9],
    ['1G', 1e9],
    ['500M', 500e6],
    ['1k', 1000],
    ['1Ki', 1024],
    ['2Ti', 2 * 2 ** 40],
    ['1E', 1e18],
    ['+1Gi', GiB],
    [' 256Mi ', 256 * MiB],
    // `m` is milli, a classic trap for memory
    ['512m', 0.512],
    ['1500m', 1.5],
    // not quantities
    ['512MB', undefined],
    ['1gi', undefined],
    ['1K', undefined],
    ['-1Gi', undefined],
    ['1e', undefined],
    ['Gi', undefined],
    ['{{ .Values.memory }}', undefined],
    ['', undefined],
  ];
  for (const [text, bytes] of cases) it(`${JSON.stringify(text)} -> ${bytes}`, () => assert.equal(parseKubeQuantity(text), bytes));
});

describe('manifests: Compose byte values', () => {
  const cases: [string, number | undefined][] = [
    ['256m', 256 * MiB],
    ['1g', GiB],
    ['1gb', GiB],
    ['1GB', GiB],
    ['1GiB', GiB],
    ['512M', 512 * MiB],
    ['512 m', 512 * MiB],
    ['1.5g', 1536 * MiB],
    ['100k', 102400],
    ['1048576', 1048576],
    ['1024b', 1024],
    ['1Mi', 1048576],
    ['1i', undefined],
    ['1x', undefined],
    ['-1g', undefined],
    ['g', undefined],
    ['${MEM:-1g}', undefined],
  ];
  for (const [text, bytes] of cases) it(`${JSON.stringify(text)} -> ${bytes}`, () => assert.equal(parseComposeBytes(text), bytes));
});

describe('manifests: rounding a memory size up and writing it like the original', () => {
  const rounds: [number, boolean, number][] = [
    [100 * MiB, false, 256 * MiB],
    [300 * MiB, false, 512 * MiB],
    [1000 * MiB, false, GiB],
    [1100 * MiB, false, 1536 * MiB],
    [3.9 * GiB, false, 4 * GiB],
    [4.1 * GiB, false, 5 * GiB],
    [600e6, true, 750e6],
    [1.2e9, true, 1.5e9],
    [5.5e9, true, 6e9],
  ];
  for (const [bytes, decimal, expected] of rounds) it(`${bytes} (${decimal ? 'decimal' : 'binary'}) -> ${expected}`, () => assert.equal(roundUpMemory(bytes, decimal), expected));

  const writes: [number, string, 'kubernetes' | 'compose', string][] = [
    [2 * GiB, '512Mi', 'kubernetes', '2Gi'],
    [1536 * MiB, '512Mi', 'kubernetes', '1536Mi'],
    [2e9, '500M', 'kubernetes', '2G'],
    [1.5e9, '1G', 'kubernetes', '1500M'],
    [2 * GiB, '128974848', 'kubernetes', '2147483648'],
    [2 * GiB, '512m', 'kubernetes', '2Gi'],
    [2 * GiB, '256m', 'compose', '2g'],
    [2 * GiB, '256M', 'compose', '2G'],
    [2 * GiB, '256mb', 'compose', '2gb'],
    [768 * MiB, '256m', 'compose', '768m'],
    [2 * GiB, '268435456', 'compose', '2147483648'],
  ];
  for (const [bytes, like, syntax, expected] of writes) {
    it(`${bytes} like ${like} (${syntax}) -> ${expected}`, () => {
      assert.equal(formatMemoryLike(bytes, like, syntax), expected);
      const back = syntax === 'kubernetes' ? parseKubeQuantity(expected) : parseComposeBytes(expected);
      assert.equal(back, bytes);
    });
  }

  it('decimal styles are the decimal suffixes only', () => {
    assert.deepEqual(['500M', '1G', '1e9', '512Mi', '512m', '1000'].map((t) => isDecimalStyle(t, 'kubernetes')), [true, true, false, false, false, false]);
    assert.equal(isDecimalStyle('500m', 'compose'), false);
  });
});

describe('manifests: memory settings read from manifests', () => {
  it('Kubernetes limits and requests with their value ranges, the CPU limit and where to add a limit', () => {
    const text = lines(
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', 'spec:', '  template:', '    spec:', '      containers:',
      '        - name: w', '          image: w:1', '          resources:', '            requests:', '              memory: "256Mi"',
      '            limits:', '              cpu: 500m', '              memory: 1e9',
    );
    const r = parseManifests('/k.yaml', text).workloads[0].containers[0].resources!;
    assert.deepEqual(r.memoryLimits.map((s) => [s.value, s.bytes, s.key, at(s.range)]), [['1e9', 1e9, 'resources.limits.memory', '15:22-15:25']]);
    assert.deepEqual(r.memoryRequests.map((s) => [s.value, s.bytes, at(s.range)]), [['256Mi', 256 * MiB, '12:22-12:29']]);
    assert.equal(r.cpuLimit?.value, 0.5);
    assert.equal(at(r.limitsKey), '13:12-13:18');
    assert.equal(r.limitsIndent, 14);
  });

  it('a templated or misspelt Kubernetes value is not a setting', () => {
    const text = lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  containers:', '    - image: w:1', '      resources:', '        limits:', '          memory: 512MB');
    const r = parseManifests('/k.yaml', text).workloads[0].containers[0].resources!;
    assert.deepEqual(r.memoryLimits, []);
  });

  it('compose mem_limit, deploy limits and both reservations', () => {
    const text = lines(
      'services:', '  api:', '    build: .', '    mem_limit: 256m', '    mem_reservation: 128974848', '    deploy:', '      resources:',
      '        limits:', '          memory: 1gb', '        reservations:', '          memory: 100M',
    );
    const r = parseManifests('/compose.yaml', text).workloads[0].containers[0].resources!;
    assert.deepEqual(r.memoryLimits.map((s) => [s.key, s.bytes, at(s.range)]), [['mem_limit', 256 * MiB, '3:15-3:19'], ['deploy.resources.limits.memory', GiB, '8:18-8:21']]);
    assert.deepEqual(r.memoryRequests.map((s) => [s.key, s.bytes]), [['mem_reservation', 128974848], ['deploy.resources.reservations.memory', 100 * MiB]]);
  });

  it('a compose service without memory settings has no resources', () => {
    assert.equal(parseManifests('/compose.yaml', lines('services:', '  api:', '    image: api')).workloads[0].containers[0].resources, undefined);
  });
});

describe('manifests: findFlagValue', () => {
  it('finds --memory X, --memory=X, a continuation line and a cloudbuild args item', () => {
    assert.equal(at(findFlagValue('gcloud run deploy api --image x --memory 512Mi\n', 0, 'memory', '512Mi')), '0:41-0:46');
    assert.equal(at(findFlagValue('gcloud run deploy api --memory=1Gi --cpu 1\n', 0, 'memory', '1Gi')), '0:31-0:34');
    assert.equal(at(findFlagValue('gcloud run deploy api \\\n  --image x \\\n  --memory 2Gi\n', 0, 'memory', '2Gi')), '2:11-2:14');
    assert.equal(at(findFlagValue("args: ['run', 'deploy', 'api',\n  '--memory', '512Mi']\n", 0, 'memory', '512Mi')), '1:15-1:20');
    assert.equal(at(findFlagValue("      - '--memory'\n      - '512Mi'\n", 0, 'memory', '512Mi')), '1:9-1:14');
  });

  it('does not take --memory-something, nor a value that is not the one parsed', () => {
    assert.equal(findFlagValue('gcloud run deploy api --memory-limit 1 --memory 512Mi\n', 0, 'memory', '1'), undefined);
    assert.equal(findFlagValue('gcloud run deploy api --memory $MEM\n', 0, 'memory', '512Mi'), undefined);
  });
});
