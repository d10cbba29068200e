// Probe and health-check budgets with platform defaults, and the Cloud Run caps.
import { strict as assert } from 'assert';
import {
  cloudRunDefaultStartupBudget,
  healthcheckBudget,
  parseManifests,
  probeBudget,
  type Platform,
  type ProbeSpec,
} from '../../../server/src/core/manifests';
import { range } from '../../../server/src/core/types';

function probe(kind: ProbeSpec['kind'], fields: Partial<Record<'initialDelaySeconds' | 'periodSeconds' | 'failureThreshold', number>>): ProbeSpec {
  const p: ProbeSpec = { kind, handler: 'tcpSocket', range: range(0, 0, 0, 0), keyRange: range(0, 0, 0, 0), indent: 0 };
  for (const [k, v] of Object.entries(fields) as [keyof typeof fields, number][]) p[k] = { value: v, range: range(0, 0, 0, 0) };
  return p;
}

describe('manifests: probeBudget', () => {
  const cases: [string, ProbeSpec, Platform | undefined, number, string][] = [
    ['all defaults', probe('liveness', {}), undefined, 30, 'initialDelaySeconds 0 + periodSeconds 10 x failureThreshold 3 = 30 s'],
    ['explicit values', probe('liveness', { initialDelaySeconds: 60, periodSeconds: 5, failureThreshold: 6 }), 'kubernetes', 90, 'initialDelaySeconds 60 + periodSeconds 5 x failureThreshold 6 = 90 s'],
    ['only failureThreshold', probe('startup', { failureThreshold: 30 }), 'kubernetes', 300, 'initialDelaySeconds 0 + periodSeconds 10 x failureThreshold 30 = 300 s'],
    ['Kubernetes has no cap', probe('startup', { initialDelaySeconds: 300, failureThreshold: 60 }), 'kubernetes', 900, 'initialDelaySeconds 300 + periodSeconds 10 x failureThreshold 60 = 900 s'],
    ['Cloud Run within the cap', probe('startup', { initialDelaySeconds: 60, failureThreshold: 18 }), 'cloudrun', 240, 'initialDelaySeconds 60 + periodSeconds 10 x failureThreshold 18 = 240 s'],
    [
      'Cloud Run caps periodSeconds x failureThreshold of a startup probe',
      probe('startup', { initialDelaySeconds: 60, failureThreshold: 36 }),
      'cloudrun',
      300,
      "initialDelaySeconds 60 + periodSeconds 10 x failureThreshold 36 = 420 s; Cloud Run caps a service's startup probe at 240 s (periodSeconds x failureThreshold and initialDelaySeconds each): 60 + 240 = 300 s",
    ],
    [
      'Cloud Run caps initialDelaySeconds of a startup probe',
      probe('startup', { initialDelaySeconds: 300 }),
      'cloudrun',
      270,
      "initialDelaySeconds 300 + periodSeconds 10 x failureThreshold 3 = 330 s; Cloud Run caps a service's startup probe at 240 s (periodSeconds x failureThreshold and initialDelaySeconds each): 240 + 30 = 270 s",
    ],
    ['Cloud Run liveness probes are not capped', probe('liveness', { failureThreshold: 36 }), 'cloudrun', 360, 'initialDelaySeconds 0 + periodSeconds 10 x failureThreshold 36 = 360 s'],
  ];
  for (const [title, p, platform, seconds, formula] of cases) {
    it(title, () => assert.deepEqual(probeBudget(p, platform), { seconds, formula }));
  }

  it('reads the numbers from a parsed manifest', () => {
    const text = ['apiVersion: v1', 'kind: Pod', 'spec:', '  containers:', '    - startupProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 60, failureThreshold: 18}', ''].join('\n');
    const [p] = parseManifests('/p.yaml', text).workloads[0].containers[0].probes;
    assert.deepEqual(probeBudget(p), { seconds: 240, formula: 'initialDelaySeconds 60 + periodSeconds 10 x failureThreshold 18 = 240 s' });
  });
});

describe('manifests: healthcheckBudget and the Cloud Run default', () => {
  const v = (value: number) => ({ value });
  const cases: [string, Parameters<typeof healthcheckBudget>, number, string][] = [
    ['Docker defaults', [{}], 90, 'start_period 0 s + interval 30 s x retries 3 = 90 s'],
    ['explicit', [{ startPeriod: v(60), interval: v(10), retries: v(5) }], 110, 'start_period 60 s + interval 10 s x retries 5 = 110 s'],
    ['fractions', [{ interval: v(0.5), retries: v(3) }], 1.5, 'start_period 0 s + interval 0.5 s x retries 3 = 1.5 s'],
    ['Dockerfile option names', [{ startPeriod: v(5) }, 'dockerfile'], 95, '--start-period 5 s + --interval 30 s x --retries 3 = 95 s'],
    ['disabled', [{ disabled: true, interval: v(1) }], Infinity, 'health check disabled'],
  ];
  for (const [title, args, seconds, formula] of cases) {
    it(title, () => assert.deepEqual(healthcheckBudget(...args), { seconds, formula }));
  }

  it('reads a parsed compose healthcheck', () => {
    const text = ['services:', '  web:', '    image: x', '    healthcheck:', '      interval: 1m30s', '      start_period: 40s', ''].join('\n');
    const h = parseManifests('/compose.yaml', text).workloads[0].containers[0].healthcheck!;
    assert.deepEqual(healthcheckBudget(h), { seconds: 310, formula: 'start_period 40 s + interval 90 s x retries 3 = 310 s' });
  });

  it('Cloud Run default TCP startup probe is 240 s', () => {
    assert.deepEqual(cloudRunDefaultStartupBudget(), {
      seconds: 240,
      formula: 'Cloud Run default TCP startup probe: timeoutSeconds 240, periodSeconds 240 x failureThreshold 1 = 240 s',
    });
  });
});
