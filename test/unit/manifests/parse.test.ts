// parseManifests on whole files: multi-document streams, syntax errors, Helm templates, line endings.
import { strict as assert } from 'assert';
import { parseManifests, TEMPLATE_SKIPPED } from '../../../server/src/core/manifests';
import { at, lines } from './util';

function view(file: string, text: string) {
  const r = parseManifests(file, text);
  return {
    workloads: r.workloads.map((w) => `${w.platform}:${w.kind}:${w.name ?? ''}@${at(w.range)}`),
    errors: r.errors.map((e) => `${e.message}@${at(e.range)}`),
    notices: r.notices,
  };
}

describe('manifests: parseManifests', () => {
  const cases: { title: string; file?: string; text: string; expect: ReturnType<typeof view> }[] = [
    {
      title: 'empty file',
      text: '',
      expect: { workloads: [], errors: [], notices: [] },
    },
    {
      title: 'comments only',
      text: lines('# nothing here', '---', '# still nothing'),
      expect: { workloads: [], errors: [], notices: [] },
    },
    {
      title: 'multi-document stream',
      text: lines(
        'apiVersion: v1',
        'kind: ConfigMap',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: a}',
        '---',
        'apiVersion: serving.knative.dev/v1',
        'kind: Service',
        'metadata: {name: b}',
        '...',
      ),
      expect: { workloads: ['kubernetes:Deployment:a@3:0-5:19', 'cloudrun:Service:b@7:0-9:19'], errors: [], notices: [] },
    },
    {
      title: 'a broken document is reported with its range; the others still parse',
      text: lines(
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: first}',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: [broken',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: ok}',
      ),
      expect: {
        workloads: ['kubernetes:Pod:first@0:0-2:23', 'kubernetes:Pod:ok@8:0-10:20'],
        errors: [
          'Flow sequence in block collection must be sufficiently indented and end with a ]@7:0-7:3',
          'Flow map in block collection must be sufficiently indented and end with a }@7:0-7:3',
        ],
        notices: [],
      },
    },
    {
      title: 'duplicate keys are an error (kubectl and compose reject them too)',
      text: lines('apiVersion: v1', 'kind: Pod', 'kind: Pod'),
      expect: { workloads: [], errors: ['Map keys must be unique@2:0-2:4'], notices: [] },
    },
    {
      title: 'a Helm template that does not parse is skipped, not an error',
      file: '/repo/chart/templates/deployment.yaml',
      text: lines(
        '{{- if .Values.enabled }}',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ include "app.fullname" . }}',
        '{{- end }}',
      ),
      expect: { workloads: [], errors: [], notices: [TEMPLATE_SKIPPED] },
    },
    {
      title: 'a template document that parses is skipped too (its values are not known)',
      text: lines(
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: plain}',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'spec:',
        '  containers:',
        '    - livenessProbe: {failureThreshold: {{ .Values.threshold }}}',
      ),
      expect: { workloads: ['kubernetes:Pod:plain@0:0-2:23'], errors: [], notices: [TEMPLATE_SKIPPED] },
    },
    {
      title: 'GitHub `${{ }}` is not a template: a real YAML error is still reported',
      file: '/repo/.github/workflows/deploy.yml',
      text: lines('jobs:', '  b:', '    steps:', '      - run: echo ${{ github.sha }}', '     bad: ['),
      expect: {
        workloads: [],
        errors: ['All mapping items must start at the same column@4:0-4:1', 'Flow sequence in block collection must be sufficiently indented and end with a ]@5:0-5:0'],
        notices: [],
      },
    },
    {
      title: 'CRLF line endings keep columns',
      text: 'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\n',
      expect: { workloads: ['kubernetes:Pod:crlf@0:0-3:12'], errors: [], notices: [] },
    },
    {
      title: 'a scalar or a sequence at the top is not a manifest',
      text: lines('- a', '- b', '---', 'just text'),
      expect: { workloads: [], errors: [], notices: [] },
    },
  ];
  for (const c of cases) {
    it(c.title, () => assert.deepEqual(view(c.file ?? '/repo/m.yaml', c.text), c.expect));
  }

  it('never throws, whatever the input', () => {
    const inputs = ['\0\u0001', '[[[[', '{a: *missing}', '&a [*a]', 'a: !!binary zzz', '%YAML 9.9\n---\nx', ': : :', '\t- x', '- &x a\n- *x\n'];
    for (const text of inputs) assert.doesNotThrow(() => parseManifests('/f.yaml', text), text);
  });
});
