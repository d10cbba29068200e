// Build scripts' variables: assignments, bash arrays, ${VAR:-default}, Makefile variables, and the build args and tags of the docker build lines they feed.
import { strict as assert } from 'assert';
import { findDockerBuilds, splitShellWords } from '../../../server/src/core/manifests';
import { expandString, expandWords, scriptVariables } from '../../../server/src/core/manifests/script-vars';
import { argDefaults, mergedBuildArgs } from '../../../server/src/core/project';
import { parseDockerfile } from '../../../server/src/core/docker/parse';
import { workflowEnvExpanded } from '../../../server/src/core/builds';
import { lines } from './util';

const vars = (text: string, make = false) => scriptVariables(text, splitShellWords, make);
const builds = (text: string, make = false) => findDockerBuilds(text, vars(text, make));

describe('script variables: expandString', () => {
  const v = vars(lines(
    'ORG=${GITHUB_REPOSITORY_OWNER:-"acme"}',
    'NAME="web"',
    'if [ -z "$BASE" ]; then BASE="docker.io/python:3.12-slim"; fi',
    'SELF=${SELF:-fallback}',
    'REV=$(git rev-parse HEAD)',
    'if [ "$CI" = true ]; then MODE=ci; else MODE=local; fi',
    'TAGS="-t a"',
    'TAGS+=" -t b"',
  ));
  const cases: [string, string[] | 'unknown'][] = [
    ['localhost/$ORG/${NAME}:builder', ['localhost/acme/web:builder']],
    ['${BASE}', ['docker.io/python:3.12-slim']],
    ['$SELF', ['fallback']],
    ['${UNSET:-d}', ['d']],
    ['${UNSET-}x', ['x']],
    ['${NAME:+set}', ['set']],
    ['$UNSET', 'unknown'],
    ['$1', 'unknown'],
    ['$REV', 'unknown'],
    ['$(date)', 'unknown'],
    ['$MODE', ['ci', 'local']],
    ['$TAGS', ['-t a -t b']],
  ];
  for (const [s, want] of cases) {
    it(s, () => {
      const e = expandString(v, s);
      if (want === 'unknown') assert.ok('unknown' in e, JSON.stringify(e));
      else assert.deepEqual(e, { values: want });
    });
  }
  it('leniently, unknown parts are marked and the known ones kept', () => {
    assert.deepEqual(expandString(v, 'v=$REV-$NAME', 0, undefined, true), { values: ['v=$?-web'] });
  });
});

describe('script variables: expandWords', () => {
  const v = vars(lines(
    'ARGS=(',
    '  --pull',
    '  -f "docker/Dockerfile"   # the file',
    ')',
    'ARGS+=(--build-arg "FROM=${FROM:-ubuntu:24.04}")',
    'if [ "$engine" = podman ]; then P="build --format=oci --layers"; else P="build --load"; fi',
    'if [ -n "$X" ]; then Q="build -f a.Dockerfile"; else Q="build -f b.Dockerfile"; fi',
  ));
  it('splices an array, each element expanded, comments dropped', () => {
    assert.deepEqual(expandWords(['docker', 'build', '${ARGS[@]}', '.'], v), { words: ['docker', 'build', '--pull', '-f', 'docker/Dockerfile', '--build-arg', 'FROM=ubuntu:24.04', '.'] });
  });
  it('a variable with several values gives their common words', () => {
    assert.deepEqual(expandWords(['$engine', '$P', '.'], v), { words: ['$engine', 'build', '.'] });
  });
  it('several values that set -f make the command unsure', () => {
    assert.equal(expandWords(['docker', '$Q', '.'], v).unsure, '$Q has several values that set build options');
  });
  it('an array the script never fills makes the command unsure', () => {
    assert.ok(expandWords(['docker', 'build', '${NOPE[@]}', '.'], v).unsure);
  });
});

describe('script variables: docker build lines', () => {
  it('netbox-docker style: an array of args, a default set under if -z, buildx --builder before build', () => {
    const text = lines(
      'DOCKERFILE="${DOCKERFILE-Dockerfile}"',
      'if [ -z "$DOCKER_FROM" ]; then',
      '  DOCKER_FROM="docker.io/ubuntu:24.04"',
      'fi',
      'SRC_PATH="${SRC_PATH-.src}"',
      'BUILD_ARGS=(',
      '  --pull',
      '  --target main',
      '  -f "${DOCKERFILE}"',
      ')',
      'BUILD_ARGS+=(--build-arg "SRC_PATH=${SRC_PATH}")',
      'if [ -n "${DOCKER_FROM}" ]; then',
      '  BUILD_ARGS+=(--build-arg "FROM=${DOCKER_FROM}")',
      'fi',
      'BUILD_ARGS+=(--build-arg "VERSION=$(cat VERSION)")',
      '$DRY docker buildx \\',
      '  --builder "${BUILDER}" \\',
      '  build \\',
      '  "${BUILD_ARGS[@]}" \\',
      '  .',
    );
    assert.deepEqual(builds(text), [{ context: '.', dockerfile: 'Dockerfile', target: 'main', buildArgs: { SRC_PATH: '.src', FROM: 'docker.io/ubuntu:24.04', VERSION: undefined }, line: 15 }]);
  });
  it('searxng style: the engine in a variable, options in a variable, tags and args from the script', () => {
    const text = lines(
      'ORG=${GITHUB_REPOSITORY_OWNER:-"acme"}',
      'NAME="web"',
      'build() {',
      '  local engine="$1"',
      '  if [ "$engine" = podman ]; then params="build --format=oci --timestamp=$ts"; else params="build"; fi',
      '  "$engine" $params \\',
      '    --build-arg="TS=$ts" \\',
      '    --tag="localhost/$ORG/$NAME:builder" \\',
      '    --file="./container/builder.dockerfile" .',
      '  "$engine" $params --build-arg="ORG=$ORG" --build-arg NAME --file=./container/dist.dockerfile .',
      '}',
    );
    assert.deepEqual(builds(text), [
      { context: '.', dockerfile: './container/builder.dockerfile', tag: 'localhost/acme/web:builder', buildArgs: { TS: undefined }, line: 5 },
      { context: '.', dockerfile: './container/dist.dockerfile', buildArgs: { ORG: 'acme', NAME: 'web' }, line: 9 },
    ]);
  });
  it('a Makefile: $(VAR), ?=, :=, $$ for the shell', () => {
    const text = lines(
      'REGISTRY ?= ghcr.io/acme',
      'BASE := $(REGISTRY)/base:dev',
      'build-base:',
      '\tdocker build -t $(BASE) -f docker/base.Dockerfile .',
      'build-app: build-base',
      '\tdocker build --build-arg BASE_IMAGE=$(BASE) --build-arg HOME_DIR=$$HOME -t $(REGISTRY)/app -f docker/app.Dockerfile .',
    );
    assert.deepEqual(builds(text, true), [
      { context: '.', dockerfile: 'docker/base.Dockerfile', tag: 'ghcr.io/acme/base:dev', line: 3 },
      { context: '.', dockerfile: 'docker/app.Dockerfile', tag: 'ghcr.io/acme/app', buildArgs: { BASE_IMAGE: 'ghcr.io/acme/base:dev', HOME_DIR: undefined }, line: 5 },
    ]);
  });
  it('build-push-action: build-args and every tag', () => {
    const text = lines(
      'jobs:',
      '  b:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: docker/build-push-action@v6',
      '        with:',
      '          file: docker/app.Dockerfile',
      '          tags: |',
      '            acme/app:latest',
      '            acme/app:${{ github.sha }}',
      '          build-args: |',
      '            BASE_IMAGE=acme/base:latest',
      '            REV=${{ github.sha }}',
    );
    assert.deepEqual(findDockerBuilds(text), [
      { context: '.', dockerfile: 'docker/app.Dockerfile', tag: 'acme/app:latest', tags: ['acme/app:latest', 'acme/app:${{ github.sha }}'], buildArgs: { BASE_IMAGE: 'acme/base:latest', REV: undefined }, line: 4 },
    ]);
  });
});

describe('build args over several builds of one Dockerfile', () => {
  it('the same value stays; different values (or passed by one only) have none, with a note', () => {
    const r = mergedBuildArgs([
      { evidence: 'build.sh', line: 3, buildArgs: { FROM: 'ubuntu:24.04', MODE: 'a', ONLY: 'x' } },
      { evidence: 'Makefile', line: 9, buildArgs: { FROM: 'ubuntu:24.04', MODE: 'b' } },
    ]);
    assert.deepEqual(r.values, { FROM: 'ubuntu:24.04', MODE: undefined, ONLY: undefined });
    assert.deepEqual(r.notes, [
      'ARG MODE has no one value: the builds of this Dockerfile pass a (build.sh:4), b (Makefile:10)',
      'ARG ONLY has no one value: the builds of this Dockerfile pass x (build.sh:4), (not passed) (Makefile:10)',
    ]);
  });
  it('a build that passes nothing gets the Dockerfile default; builds passing values the model cannot know leave the decision to the others', () => {
    const parsed = parseDockerfile('ARG REG=docker.io\nARG MODE=prod\nARG TAG\nFROM ${REG}/library/python:3.12\nARG MODE=prod\nARG TAG\n');
    assert.deepEqual([...argDefaults(parsed)], [['REG', 'docker.io'], ['MODE', 'prod'], ['TAG', undefined]]);
    const r = mergedBuildArgs(
      [
        { evidence: 'compose.yaml', buildArgs: { MODE: 'prod' } },
        { evidence: '.github/workflows/ci.yml', line: 40, buildArgs: { REG: undefined, MODE: 'prod', TAG: undefined } },
        { evidence: 'build.sh', line: 2, buildArgs: { TAG: 'dev' } },
      ],
      (p) => p,
      argDefaults(parsed),
    );
    // REG: passed only by CI, with a value the model cannot know; the others use the default, so the model does too (no build arg).
    // MODE: passed as prod by two, defaulted to prod by the third. TAG: no default, one build passes dev, another nothing: no one value.
    assert.deepEqual(r.values, { MODE: 'prod', TAG: undefined });
    assert.deepEqual(r.notes, [
      'ARG REG: .github/workflows/ci.yml:41 passes a value the model cannot know; the model follows the other builds of this Dockerfile, which give docker.io',
      'ARG TAG has no one value: the builds of this Dockerfile pass (not passed) (compose.yaml), (unknown) (.github/workflows/ci.yml:41), dev (build.sh:3)',
    ]);
  });
  it('near misses: builds that differ on a known value, and ARGs declared with two defaults, still have no one value', () => {
    const parsed = parseDockerfile('ARG MODE=prod\nFROM python:3.12\nARG MODE=dev\n');
    assert.deepEqual([...argDefaults(parsed)], [['MODE', undefined]]);
    const r = mergedBuildArgs([{ evidence: 'a.sh', buildArgs: { MODE: 'prod' } }, { evidence: 'b.sh', buildArgs: {} }, { evidence: 'c.sh', buildArgs: { MODE: undefined } }], (p) => p, argDefaults(parsed));
    assert.deepEqual(r.values, { MODE: undefined });
    assert.deepEqual(r.notes, ['ARG MODE has no one value: the builds of this Dockerfile pass prod (a.sh), (not passed) (b.sh), (unknown) (c.sh)']);
  });
  it('one build: its values', () => {
    assert.deepEqual(mergedBuildArgs([{ evidence: 'a', buildArgs: { A: '1' } }]).values, { A: '1' });
  });
});

describe('workflow env in build steps', () => {
  it('${{ env.NAME }} takes the value every env: map of the file gives it; several values or an expression leave it', () => {
    const text = lines(
      'env:',
      '  FAMILY: "general"',
      '  REG: ghcr.io/acme',
      '  SHA: ${{ github.sha }}',
      'jobs:',
      '  a:',
      '    env:',
      '      MODE: prod',
      '    steps:',
      '      - run: docker build --build-arg P=${{ env.FAMILY }} --build-arg S=${{ env.SHA }} --build-arg M=${{ env.MODE }} -t ${{ env.REG }}/app .',
      '  b:',
      '    env:',
      '      MODE: dev',
    );
    assert.equal(workflowEnvExpanded(text).split('\n')[9], '      - run: docker build --build-arg P=general --build-arg S=${{ env.SHA }} --build-arg M=${{ env.MODE }} -t ghcr.io/acme/app .');
  });
});
