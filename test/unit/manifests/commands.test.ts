// Build and deploy commands in workflows, shell scripts and cloudbuild.yaml (backslash continuations, actions, steps).
import { strict as assert } from 'assert';
import { findDockerBuilds, findGcloudRunDeploys, splitShellWords } from '../../../server/src/core/manifests';
import { lines } from './util';

const WORKFLOW = lines(
  'name: deploy', //                                                                   0
  'on: {push: {branches: [main]}}', //                                                 1
  'env:', //                                                                           2
  '  IMAGE: gcr.io/proj/worker', //                                                    3
  'jobs:', //                                                                          4
  '  build:', //                                                                       5
  '    runs-on: ubuntu-latest', //                                                     6
  '    steps:', //                                                                     7
  '      - uses: actions/checkout@v4', //                                              8
  '      - name: Build worker', //                                                     9
  '        run: |', //                                                                 10
  '          docker build \\', //                                                      11
  '            -f docker/predictions-worker.Dockerfile \\', //                         12
  '            -t ${{ env.IMAGE }}:${{ github.sha }} \\', //                           13
  '            --build-arg VERSION=1 \\', //                                           14
  '            .', //                                                                  15
  '      - name: Build coordinator (buildx)', //                                       16
  '        run: docker buildx build --platform linux/amd64 --file docker/predictions-coordinator.Dockerfile --tag "coord:latest" --push --target runtime .', // 17
  '      - name: Submit', //                                                           18
  '        run: gcloud builds submit --tag gcr.io/proj/app:$GITHUB_SHA services/app', // 19
  '      - name: Deploy', //                                                           20
  '        run: |', //                                                                 21
  '          gcloud run deploy predictions-worker \\', //                              22
  '            --image ${{ env.IMAGE }}:${{ github.sha }} \\', //                      23
  '            --region us-central1 \\', //                                            24
  '            --port 8080 \\', //                                                     25
  '            --timeout=15m \\', //                                                   26
  '            --allow-unauthenticated \\', //                                         27
  '            --set-env-vars "MODEL_PATH=/models/a,LOG_LEVEL=info"', //               28
  '      - uses: docker/build-push-action@v6', //                                      29
  '        with:', //                                                                  30
  '          context: ./api', //                                                       31
  '          file: ./api/Dockerfile', //                                               32
  '          tags: |', //                                                              33
  '            ghcr.io/o/api:latest', //                                               34
  '            ghcr.io/o/api:${{ github.sha }}', //                                    35
  '      - uses: google-github-actions/deploy-cloudrun@v2', //                         36
  '        with:', //                                                                  37
  '          service: api', //                                                         38
  '          image: ghcr.io/o/api:latest', //                                          39
  "          flags: '--port=9000 --timeout=300 --cpu-boost'", //                       40
  '      - run: echo "docker build is not run here" # docker build -t x .', //          41
);

const SCRIPT = lines(
  '#!/usr/bin/env bash', //                                                            0
  'set -euo pipefail', //                                                              1
  '# docker build -t commented .', //                                                  2
  'PROJECT=$(gcloud config get-value project)', //                                     3
  'cd "$(dirname "$0")/.." && docker build -f docker/worker.Dockerfile \\', //         4
  '    -t "gcr.io/${PROJECT}/worker:$(git rev-parse --short HEAD)" \\', //             5
  '    --build-arg "A=b c" .', //                                                      6
  'podman build -t local/coord -f docker/coord.Dockerfile ./coordinator', //           7
  'sudo docker image build --no-cache -t x:1 - < Dockerfile', //                       8
  "bash -c 'docker build -t inner:1 ctx'", //                                          9
  'gcloud beta run deploy coordinator --source . --region=europe-west1 --no-traffic \\', // 10
  '  --port=5000 --memory 2Gi', //                                                     11
  'time gcloud run deploy --quiet worker --image=gcr.io/p/w', //                       12
  'gcloud run deploy --image=x', //                                                    13
  'gcloud builds submit --config cloudbuild.yaml .', //                                14
);

const CLOUDBUILD = lines(
  'steps:', //                                                                         0
  '  - name: gcr.io/cloud-builders/docker', //                                         1
  "    args: ['build', '-t', 'gcr.io/$PROJECT_ID/worker:$SHORT_SHA', '-f', 'docker/predictions-worker.Dockerfile', '.']", // 2
  "  - name: 'gcr.io/cloud-builders/docker'", //                                       3
  "    args: ['push', 'gcr.io/$PROJECT_ID/worker:$SHORT_SHA']", //                      4
  '  - name: gcr.io/google.com/cloudsdktool/cloud-sdk', //                             5
  '    entrypoint: gcloud', //                                                         6
  '    args:', //                                                                      7
  '      - run', //                                                                    8
  '      - deploy', //                                                                 9
  '      - worker', //                                                                 10
  '      - --image=gcr.io/$PROJECT_ID/worker:$SHORT_SHA', //                           11
  '      - --port=8080', //                                                            12
  '  - name: gcr.io/cloud-builders/docker', //                                         13
  '    entrypoint: bash', //                                                           14
  "    args: ['-c', 'docker build -t gcr.io/$PROJECT_ID/coord -f docker/coord.Dockerfile coordinator']", // 15
  '  - name: gcr.io/cloud-builders/docker', //                                         16
  '    entrypoint: bash', //                                                           17
  '    args:', //                                                                      18
  '      - -c', //                                                                     19
  '      - |', //                                                                      20
  '        docker build \\', //                                                        21
  '          -t gcr.io/$PROJECT_ID/other .', //                                        22
  "images: ['gcr.io/$PROJECT_ID/worker:$SHORT_SHA']", //                               23
);

describe('manifests: findDockerBuilds', () => {
  const cases: [string, string, ReturnType<typeof findDockerBuilds>][] = [
    [
      'GitHub Actions workflow',
      WORKFLOW,
      [
        { context: '.', dockerfile: 'docker/predictions-worker.Dockerfile', tag: '${{ env.IMAGE }}:${{ github.sha }}', buildArgs: { VERSION: '1' }, line: 11 },
        { context: '.', dockerfile: 'docker/predictions-coordinator.Dockerfile', tag: 'coord:latest', target: 'runtime', line: 17 },
        { context: 'services/app', tag: 'gcr.io/proj/app:$GITHUB_SHA', line: 19 },
        { context: './api', dockerfile: './api/Dockerfile', tag: 'ghcr.io/o/api:latest', tags: ['ghcr.io/o/api:latest', 'ghcr.io/o/api:${{ github.sha }}'], line: 29 },
      ],
    ],
    [
      'shell script with continuations',
      SCRIPT,
      [
        { context: '.', dockerfile: 'docker/worker.Dockerfile', tag: 'gcr.io/${PROJECT}/worker:$(git rev-parse --short HEAD)', buildArgs: { A: 'b c' }, line: 4 },
        { context: './coordinator', dockerfile: 'docker/coord.Dockerfile', tag: 'local/coord', line: 7 },
        { context: 'ctx', tag: 'inner:1', line: 9 },
      ],
    ],
    [
      'cloudbuild.yaml',
      CLOUDBUILD,
      [
        { context: '.', dockerfile: 'docker/predictions-worker.Dockerfile', tag: 'gcr.io/$PROJECT_ID/worker:$SHORT_SHA', line: 1 },
        { context: 'coordinator', dockerfile: 'docker/coord.Dockerfile', tag: 'gcr.io/$PROJECT_ID/coord', line: 15 },
        { context: '.', tag: 'gcr.io/$PROJECT_ID/other', line: 21 },
      ],
    ],
    [
      'flag spellings: -fX, -f=X, --file=X, repeated -t (the first is tag, all are tags), -- before the context',
      lines('docker build -fa.Dockerfile -t one -t two -- ctx1', 'docker build -f=b.Dockerfile ctx2', 'docker build --file=c.Dockerfile --pull --load ctx3', '/usr/bin/docker build ctx4 2>&1 | tee log'),
      [
        { context: 'ctx1', dockerfile: 'a.Dockerfile', tag: 'one', tags: ['one', 'two'], line: 0 },
        { context: 'ctx2', dockerfile: 'b.Dockerfile', line: 1 },
        { context: 'ctx3', dockerfile: 'c.Dockerfile', line: 2 },
        { context: 'ctx4', line: 3 },
      ],
    ],
    ['CRLF and an escaped backslash that is not a continuation', 'docker build -t a\\\\\r\n. \r\ndocker build \\\r\n  ctx\r\n', [{ context: 'ctx', line: 2 }]],
    [
      'cloudbuild.yaml kaniko step',
      lines('steps:', '  - name: gcr.io/kaniko-project/executor:latest', '    args: [--dockerfile=docker/w.Dockerfile, --context=dir://services/w, --destination=gcr.io/p/w, --cache=true]'),
      [{ context: 'services/w', dockerfile: 'docker/w.Dockerfile', tag: 'gcr.io/p/w', line: 1 }],
    ],
    ['not builds', lines('docker compose build', 'docker run -t x .', 'echo docker', 'docker buildx bake'), []],
  ];
  for (const [title, text, expected] of cases) {
    it(title, () => assert.deepEqual(findDockerBuilds(text), expected));
  }
});

describe('manifests: findGcloudRunDeploys', () => {
  const cases: [string, string, ReturnType<typeof findGcloudRunDeploys>][] = [
    [
      'GitHub Actions workflow (run block and deploy-cloudrun action)',
      WORKFLOW,
      [
        {
          service: 'predictions-worker',
          image: '${{ env.IMAGE }}:${{ github.sha }}',
          port: 8080,
          timeout: 900,
          flags: {
            image: '${{ env.IMAGE }}:${{ github.sha }}',
            region: 'us-central1',
            port: '8080',
            timeout: '15m',
            'allow-unauthenticated': 'true',
            'set-env-vars': 'MODEL_PATH=/models/a,LOG_LEVEL=info',
          },
          line: 22,
        },
        {
          service: 'api',
          image: 'ghcr.io/o/api:latest',
          port: 9000,
          timeout: 300,
          flags: { port: '9000', timeout: '300', 'cpu-boost': 'true', image: 'ghcr.io/o/api:latest' },
          line: 36,
        },
      ],
    ],
    [
      'shell script with continuations',
      SCRIPT,
      [
        {
          service: 'coordinator',
          source: '.',
          port: 5000,
          flags: { source: '.', region: 'europe-west1', 'no-traffic': 'true', port: '5000', memory: '2Gi' },
          line: 10,
        },
        { service: 'worker', image: 'gcr.io/p/w', flags: { quiet: 'true', image: 'gcr.io/p/w' }, line: 12 },
      ],
    ],
    [
      'cloudbuild.yaml gcloud step',
      CLOUDBUILD,
      [
        {
          service: 'worker',
          image: 'gcr.io/$PROJECT_ID/worker:$SHORT_SHA',
          port: 8080,
          flags: { image: 'gcr.io/$PROJECT_ID/worker:$SHORT_SHA', port: '8080' },
          line: 5,
        },
      ],
    ],
    ['not deploys', lines('gcloud run services list', 'gcloud run jobs deploy j --image x', '# gcloud run deploy a'), []],
  ];
  for (const [title, text, expected] of cases) {
    it(title, () => assert.deepEqual(findGcloudRunDeploys(text), expected));
  }
});

describe('manifests: command scanning is total', () => {
  it('never throws, whatever the input', () => {
    const inputs = ['docker build', 'docker build "unterminated', "gcloud run deploy 'x", 'docker build $(((', 'steps: [', 'steps:\n  - args: {a: 1}\n  - name: docker', '\\', 'uses: docker/build-push-action@v1'];
    for (const text of inputs) {
      assert.doesNotThrow(() => findDockerBuilds(text), text);
      assert.doesNotThrow(() => findGcloudRunDeploys(text), text);
    }
  });
});

describe('manifests: splitShellWords', () => {
  const cases: [string, string[]][] = [
    ['gunicorn --bind 0.0.0.0:8080 "app:create_app()"', ['gunicorn', '--bind', '0.0.0.0:8080', 'app:create_app()']],
    ['a \'b c\' "d \\"e\\"" f\\ g', ['a', 'b c', 'd "e"', 'f g']],
    ['echo $(date +%s) ${{ github.sha }}', ['echo', '$(date +%s)', '${{ github.sha }}']],
    ['a && b', ['a']],
    ['x # comment', ['x']],
    ['a#b', ['a#b']],
    ['', []],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(splitShellWords(text), expected));
  }
});
