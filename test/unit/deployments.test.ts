// Linking manifest containers and `gcloud run deploy` to Dockerfiles, and what the deployment runs.
import { strict as assert } from 'assert';
import { analyse } from '../../server/src/core/analysis';
import { defaultConfig } from '../../server/src/core/config';
import { deployments, imageName } from '../../server/src/core/deployments';
import { interpolateCompose } from '../../server/src/core/builds';
import { containers } from '../../server/src/core/runtime';
import { memRepo, ROOT } from '../helpers/repo';

const DF = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD exec gunicorn --bind :$PORT worker:app\n';
const K8S = (image: string, extra = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${extra}      containers:\n        - name: w\n          image: ${image}\n`;

function links(files: Record<string, string>): string[] {
  const a = analyse(memRepo({ 'worker.py': 'app = 1\n', ...files }), ROOT, defaultConfig());
  return deployments(a).map((d) => `${a.rel(d.file)} -> ${a.rel(d.target.dockerfile)} (${d.how})`);
}

describe('deployments: imageName', () => {
  const cases: [string, string | undefined][] = [
    ['us-west2-docker.pkg.dev/p/r/worker:latest', 'worker'],
    ['$REPO/worker:latest', 'worker'],
    ['"${REGION}-docker.pkg.dev/${PROJECT}/r/worker:${{ github.sha }}"'.slice(1, -1), 'worker'],
    ['localhost:5000/worker', 'worker'],
    ['worker', 'worker'],
    ['gcr.io/p/worker@sha256:abc', 'worker'],
    ['$IMAGE', undefined],
    ['${{ env.IMAGE }}', undefined],
  ];
  for (const [ref, name] of cases) it(ref, () => assert.equal(imageName(ref), name));
});

describe('deployments: linking', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['compose build', { Dockerfile: DF, 'compose.yaml': 'services:\n  worker:\n    build: .\n  cache:\n    image: redis:7\n' }, ['compose.yaml -> Dockerfile (compose-build)']],
    ['compose build with a dockerfile in another folder', { 'docker/w.Dockerfile': DF, 'compose.yaml': 'services:\n  worker:\n    build:\n      context: .\n      dockerfile: docker/w.Dockerfile\n' }, ['compose.yaml -> docker/w.Dockerfile (compose-build)']],
    [
      'an image built by a script, registry and tag ignored',
      { 'docker/worker.Dockerfile': DF, 'docker/api.Dockerfile': DF, 'build.sh': 'docker build -f docker/worker.Dockerfile -t "$REPO/worker:latest" .\ndocker build -f docker/api.Dockerfile -t "$REPO/api:latest" .\n', 'k8s/w.yaml': K8S('us-west2-docker.pkg.dev/p/r/worker:v3') },
      ['k8s/w.yaml -> docker/worker.Dockerfile (image)'],
    ],
    [
      'ambiguous: two Dockerfiles build the same name',
      { 'a/Dockerfile': DF, 'b/Dockerfile': DF, 'build.sh': 'docker build -t x/worker a\ndocker build -t y/worker b\n', 'k8s/w.yaml': K8S('gcr.io/p/worker') },
      [],
    ],
    ['the only Dockerfile', { Dockerfile: DF, 'k8s/w.yaml': K8S('gcr.io/p/worker:1') }, ['k8s/w.yaml -> Dockerfile (single-dockerfile)']],
    ['not a third-party image, even with only one Dockerfile', { Dockerfile: DF, 'k8s/w.yaml': K8S('redis:7') }, []],
    ['not when the pod has several containers and no name matches', { Dockerfile: DF, 'k8s/w.yaml': K8S('gcr.io/p/worker:1') + '        - name: proxy\n          image: gcr.io/p/proxy\n' }, []],
    ['not with two Dockerfiles and no build naming the image', { 'a/Dockerfile': DF, 'b/Dockerfile': DF, 'k8s/w.yaml': K8S('gcr.io/p/worker') }, []],
    ['init containers are not linked', { Dockerfile: DF, 'k8s/w.yaml': K8S('gcr.io/p/worker:1', '      initContainers:\n        - name: migrate\n          image: gcr.io/p/worker:1\n') }, ['k8s/w.yaml -> Dockerfile (single-dockerfile)']],
    [
      'a skaffold artifact names the image a manifest runs',
      { 'svc/Dockerfile': DF, 'other/Dockerfile': DF, 'skaffold.yaml': 'apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n  - image: worker\n    context: svc\n', 'k8s/w.yaml': K8S('worker') },
      ['k8s/w.yaml -> svc/Dockerfile (image)'],
    ],
    [
      'a kustomize images rename (overlay over a base folder) names the built image',
      { 'svc/Dockerfile': DF, 'other/Dockerfile': DF, 'build.sh': 'docker build -t gcr.io/p/orders-api svc\ndocker build -t gcr.io/p/billing other\n', 'k8s/base/w.yaml': K8S('orders'), 'k8s/base/kustomization.yaml': 'resources:\n  - w.yaml\n', 'k8s/prod/kustomization.yaml': 'resources:\n  - ../base\nimages:\n  - name: orders\n    newName: gcr.io/p/orders-api\n    newTag: "2"\n' },
      ['k8s/base/w.yaml -> svc/Dockerfile (image)'],
    ],
    [
      'a kustomize component\'s rename applies to the kustomization that uses it',
      { 'svc/Dockerfile': DF, 'other/Dockerfile': DF, 'build.sh': 'docker build -t gcr.io/p/orders-api svc\ndocker build -t gcr.io/p/billing other\n', 'k8s/w.yaml': K8S('orders:1'), 'k8s/kustomization.yaml': 'resources:\n  - w.yaml\ncomponents:\n  - ../registry\n', 'registry/kustomization.yaml': 'kind: Component\nimages:\n  - name: orders\n    newName: gcr.io/p/orders-api\n' },
      ['k8s/w.yaml -> svc/Dockerfile (image)'],
    ],
    [
      'a rename in a kustomization that does not deploy the manifest does not link it',
      { 'svc/Dockerfile': DF, 'other/Dockerfile': DF, 'build.sh': 'docker build -t gcr.io/p/orders-api svc\ndocker build -t gcr.io/p/billing other\n', 'k8s/w.yaml': K8S('orders'), 'elsewhere/kustomization.yaml': 'resources:\n  - x.yaml\nimages:\n  - name: orders\n    newName: gcr.io/p/orders-api\n' },
      [],
    ],
    [
      'two kustomizations renaming it to different built images: ambiguous, not linked',
      { 'svc/Dockerfile': DF, 'other/Dockerfile': DF, 'build.sh': 'docker build -t gcr.io/p/orders-api svc\ndocker build -t gcr.io/p/billing other\n', 'k8s/base/w.yaml': K8S('orders'), 'k8s/a/kustomization.yaml': 'resources: [../base/w.yaml]\nimages:\n  - name: orders\n    newName: gcr.io/p/orders-api\n', 'k8s/b/kustomization.yaml': 'resources: [../base/w.yaml]\nimages:\n  - name: orders\n    newName: gcr.io/p/billing\n' },
      [],
    ],
    ['gcloud run deploy --image', { Dockerfile: DF, 'deploy.sh': 'docker build -t "$REPO/worker:latest" .\ngcloud run deploy worker --image "$REPO/worker:latest" --region us-west2\n' }, ['deploy.sh -> Dockerfile (image)']],
    ['gcloud run deploy --source', { 'svc/Dockerfile': DF, 'other/Dockerfile': DF, '.github/workflows/d.yml': 'jobs:\n  d:\n    steps:\n      - run: gcloud run deploy svc --source svc\n' }, ['.github/workflows/d.yml -> svc/Dockerfile (gcloud-source)']],
  ];
  for (const [name, files, expected] of cases) it(name, () => assert.deepEqual(links(files), expected));
});

describe('deployments: environment and command', () => {
  it('Cloud Run sets PORT from containerPort, and the image command sees it', () => {
    const svc = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/worker\n          ports:\n            - containerPort: 9000\n';
    const a = analyse(memRepo({ 'worker.py': '', Dockerfile: DF, 'service.yaml': svc }), ROOT, defaultConfig());
    const [d] = deployments(a);
    assert.equal(d.platform, 'cloudrun');
    assert.deepEqual(d.platformPort?.port, 9000);
    assert.equal(d.env.PORT, '9000');
    assert.equal(containers(a).find((c) => c.runner.deployment === d)?.ep?.bind?.port, '9000');
  });

  it('gcloud --port and --set-env-vars', () => {
    const a = analyse(memRepo({ 'worker.py': '', Dockerfile: DF, 'deploy.sh': 'gcloud run deploy w --image gcr.io/p/worker --port 7000 --set-env-vars A=1,B=2\n' }), ROOT, defaultConfig());
    const [d] = deployments(a);
    assert.deepEqual(d.env, { A: '1', B: '2', PORT: '7000' });
    assert.equal(d.platformPort?.why, '--port 7000');
  });

  it('k8s env: literal values known, valueFrom unknown; args replace CMD', () => {
    const extra = '          env:\n            - name: A\n              value: "1"\n            - name: S\n              valueFrom: {secretKeyRef: {name: s, key: k}}\n          args: ["gunicorn", "--timeout", "120", "worker:app"]\n';
    const a = analyse(memRepo({ 'worker.py': '', Dockerfile: DF, 'k8s/w.yaml': K8S('gcr.io/p/worker') + extra }), ROOT, defaultConfig());
    const [d] = deployments(a);
    assert.deepEqual(d.env, { A: '1', S: undefined });
    assert.equal(d.overridesCommand, true);
    const ep = containers(a).find((c) => c.runner.deployment === d)!.ep!;
    assert.equal(ep.kind, 'gunicorn');
    assert.equal(ep.timeout?.seconds, 120);
  });
});

describe('deployments: compose interpolation of build fields', () => {
  it('interpolateCompose follows compose: $$, ${VAR}, $VAR, :- and - defaults, :+ and + (a variable .env lacks is taken as unset where a form has a default or alternative); a bare variable .env lacks is unknown', () => {
    const env = new Map([['OS', 'debian'], ['EMPTY', '']]);
    const cases: [string, string | undefined][] = [
      ['Dockerfile.django-${OS}', 'Dockerfile.django-debian'], ['Dockerfile.$OS', 'Dockerfile.debian'], ['a$$b', 'a$b'],
      ['Dockerfile.${APP_OS:-alpine}', 'Dockerfile.alpine'], ['${EMPTY:-x}', 'x'], ['${EMPTY-x}', ''], ['${OS:-x}', 'debian'],
      ['${OS:+set}', 'set'], ['${EMPTY:+set}', ''], ['${NOPE:+set}', ''], ['${NOPE}', undefined], ['${NOPE:?required}', undefined],
      ['${A:-${OS}}', 'debian'],
    ];
    for (const [v, want] of cases) assert.equal(interpolateCompose(v, env), want, v);
  });

  it("a service whose build.dockerfile or context has ${VAR:-default} or a .env value is linked (DefectDojo's Dockerfile.django-${DEFECT_DOJO_OS:-debian}); one only the shell sets is not", () => {
    const compose = (df: string) => `services:\n  uwsgi:\n    build:\n      context: \${CTX:-.}\n      dockerfile: "${df}"\n    command: ["gunicorn", "worker:app"]\n`;
    const files = { 'Dockerfile.django-debian': DF, 'Dockerfile.django-alpine': DF };
    assert.deepEqual(links({ ...files, 'compose.yaml': compose('Dockerfile.django-${DJ_OS:-debian}') }), ['compose.yaml -> Dockerfile.django-debian (compose-build)']);
    assert.deepEqual(links({ ...files, '.env': 'DJ_OS=alpine\n', 'compose.yaml': compose('Dockerfile.django-${DJ_OS:-debian}') }), ['compose.yaml -> Dockerfile.django-alpine (compose-build)']);
    assert.deepEqual(links({ ...files, 'compose.yaml': compose('Dockerfile.django-${DJ_OS}') }), []);
  });
});

describe('deployments: one repository, several tags', () => {
  it("an image whose name several Dockerfiles build is linked by its exact tag (doccano: me/app:web, me/app:backend); without a tag it stays ambiguous", () => {
    const wf = 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: ./docker/Dockerfile\n          tags: me/app:web\n      - uses: docker/build-push-action@v6\n        with:\n          file: ./docker/Dockerfile.prod\n          tags: me/app:backend\n';
    const base = { 'docker/Dockerfile': DF, 'docker/Dockerfile.prod': DF, '.github/workflows/build.yml': wf };
    assert.deepEqual(links({ ...base, 'compose.yml': 'services:\n  worker:\n    image: me/app:backend\n' }), ['compose.yml -> docker/Dockerfile.prod (image)']);
    assert.deepEqual(links({ ...base, 'compose.yml': 'services:\n  worker:\n    image: me/app\n' }), []);
  });
});

describe('deployments: locality of image names', () => {
  it("a manifest beside its own Dockerfile is not linked to another folder's build whose tag only ends in the same name; the same repository path, or a build in its own folder, is", () => {
    const base = {
      'ml/jax/Dockerfile': DF, 'ml/jax/build.sh': 'docker build . -t "gcr.io/${PROJECT}/jax/hello:latest"\n',
      'other/go/Dockerfile': 'FROM golang:1.22\nCOPY . .\nRUN go build -o /hello\nCMD ["/hello"]\n',
    };
    assert.deepEqual(links({ ...base, 'other/go/k8s/deploy.yaml': K8S('hello') }), []);
    assert.deepEqual(links({ ...base, 'other/go/k8s/deploy.yaml': K8S('gcr.io/${PROJECT}/jax/hello:v2') }), ['other/go/k8s/deploy.yaml -> ml/jax/Dockerfile (image)']);
    assert.deepEqual(links({ ...base, 'k8s/deploy.yaml': K8S('hello') }), ['k8s/deploy.yaml -> ml/jax/Dockerfile (image)']);
    assert.deepEqual(links({ ...base, 'other/go/build.sh': 'docker build -t gcr.io/p/hello .\n', 'other/go/k8s/deploy.yaml': K8S('hello') }), ['other/go/k8s/deploy.yaml -> other/go/Dockerfile (image)']);
  });
});

describe('deployments: kustomize rename evidence', () => {
  it('names the rename and the kustomization in the evidence', () => {
    const a = analyse(memRepo({
      'worker.py': 'app = 1\n', 'svc/Dockerfile': DF, 'other/Dockerfile': DF, 'build.sh': 'docker build -t gcr.io/p/orders-api svc\ndocker build -t gcr.io/p/billing other\n',
      'k8s/base/w.yaml': K8S('orders'), 'k8s/base/kustomization.yaml': 'resources:\n  - w.yaml\n', 'k8s/prod/kustomization.yaml': 'resources:\n  - ../base\nimages:\n  - name: orders\n    newName: gcr.io/p/orders-api\n',
    }), ROOT, defaultConfig());
    assert.deepEqual(deployments(a).map((d) => d.evidence), ["its image 'orders' (renamed 'orders-api' by k8s/prod/kustomization.yaml) is built from it in build.sh"]);
  });
});
