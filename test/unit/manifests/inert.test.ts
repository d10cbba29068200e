// CustomResourceDefinition documents are blanked before YAML parsing: offsets kept, the other documents untouched.
import { strict as assert } from 'assert';
import { parseManifests } from '../../../server/src/core/manifests/parse';
import { blankInertDocuments } from '../../../server/src/core/text/yaml-inert';

const CRD = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: models.serving.example.io\nspec:\n  versions:\n    - name: v1\n      schema:\n        openAPIV3Schema:\n          description: "---"\n          type: object\n';
const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: shop/web:1\n          command: ["gunicorn", "app:app"]\n';

describe('blankInertDocuments', () => {
  it('blanks a CRD between documents, keeping length, newlines and the markers; the Deployment after it keeps its lines', () => {
    const text = `# operator install\n---\n${CRD}---\n${DEPLOY}`;
    const out = blankInertDocuments(text);
    assert.equal(out.length, text.length);
    assert.deepEqual(out.split('\n').map((l) => l.trim() === '' ? '' : l), text.split('\n').map((l, i) => (i >= 2 && i < 2 + CRD.split('\n').length - 1 ? '' : l)));
    const parsed = parseManifests('/r/install.yaml', text);
    assert.deepEqual(parsed.workloads.map((w) => [w.kind, w.name]), [['Deployment', 'web']]);
    assert.equal(parsed.errors.length, 0);
  });

  it('a CRD as the first document (no leading marker) and quoted values are blanked too', () => {
    const quoted = CRD.replace('kind: CustomResourceDefinition', 'kind: "CustomResourceDefinition"');
    assert.equal(blankInertDocuments(`${quoted}---\n${DEPLOY}`), `${quoted.replace(/[^\n]/g, ' ')}---\n${DEPLOY}`);
  });

  it('a file of CRDs only (and comment-only documents) is empty: nothing is left to parse', () => {
    assert.equal(blankInertDocuments(`# generated\n---\n${CRD}---\n# end\n---\n${CRD}`), '');
    assert.equal(blankInertDocuments(`---\n${CRD}---\n${DEPLOY}`).length, `---\n${CRD}---\n${DEPLOY}`.length);
  });

  it('leaves other documents alone: a CRD named in a value, an indented kind, a ConfigMap holding a CRD as text', () => {
    for (const text of [
      `${DEPLOY}---\napiVersion: v1\nkind: ConfigMap\ndata:\n  crd.yaml: |\n    apiVersion: apiextensions.k8s.io/v1\n    kind: CustomResourceDefinition\n`,
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules:\n  - apiGroups: [apiextensions.k8s.io]\n    resources: [CustomResourceDefinition]\n',
      'apiVersion: v2\nkind: CustomResourceDefinition\n',
    ]) assert.equal(blankInertDocuments(text), text);
  });
});
