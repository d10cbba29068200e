// A FROM that names an image another Dockerfile of the repository builds: tag matching, the linked base stage, and why a base is not linked (--explain).
import { strict as assert } from 'assert';
import { normalizeImageRef, producersOf } from '../../server/src/core/builds';
import { parseBake } from '../../server/src/core/manifests/bake';
import type { KnownBuild } from '../../server/src/core/project';
import { explain } from '../../server/src/core/runtime';
import { brief, lintRepo, memRepo, ROOT } from '../helpers/repo';

describe('repo-built bases: image references', () => {
  const cases: [string, string][] = [
    ['python', 'python:latest'],
    ['docker.io/library/python:3.12', 'python:3.12'],
    ['docker.io/acme/base', 'acme/base:latest'],
    ['localhost/acme/base:builder', 'acme/base:builder'],
    ['library/redis:7', 'redis:7'],
    ['Acme/Base:Dev', 'acme/base:Dev'],
    ['registry.example.com:5000/team/app', 'registry.example.com:5000/team/app:latest'],
    ['ghcr.io/acme/app@sha256:abc', 'ghcr.io/acme/app@sha256:abc'],
  ];
  for (const [ref, want] of cases) it(`${ref} -> ${want}`, () => assert.equal(normalizeImageRef(ref), want));

  const build = (tags: string[], dockerfile = '/r/base.Dockerfile'): KnownBuild => ({ dockerfile, context: '/r', how: 'script', evidence: '/r/build.sh', tags });
  it('a tag matches after normalising both sides; an unresolved part may match anything but a separator', () => {
    const builds = [build(['localhost/acme/web:builder']), build(['acme/base']), build(['ghcr.io/$?/cache:web-$?'], '/r/other.Dockerfile')];
    assert.deepEqual(producersOf(builds, 'acme/web:builder').exact.map((p) => p.tag), ['localhost/acme/web:builder']);
    assert.deepEqual(producersOf(builds, 'docker.io/acme/base:latest').exact.map((p) => p.tag), ['acme/base']);
    assert.deepEqual(producersOf(builds, 'acme/base:dev').exact, []);
    assert.deepEqual(producersOf(builds, 'ghcr.io/acme/cache:web-amd64').maybe.map((p) => p.tag), ['ghcr.io/$?/cache:web-$?']);
    assert.deepEqual(producersOf(builds, 'ghcr.io/acme/sub/cache:web-amd64').maybe, []);
  });
});

describe('repo-built bases: the linked stage and the reasons it is not linked', () => {
  const base = 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY common/ /srv/common/\nENV APP_MODE=prod\nUSER app\n';
  const app = 'FROM acme/base:dev\nCOPY api/ /srv/api/\nCMD ["python", "-m", "api.main"]\n';
  const code = { 'common/__init__.py': '', 'api/__init__.py': '', 'api/main.py': 'import common\nimport jobs\n', 'jobs/__init__.py': '' };
  const quiet = async (files: Record<string, string>) => {
    const r = await lintRepo(memRepo(files));
    return { r, x: explain(r.analysis, `${ROOT}/app.Dockerfile`)[0] };
  };

  it('the base stage brings files, WORKDIR, ENV and USER; a module neither image has is reported', async () => {
    const { r, x } = await quiet({ ...code, 'base.Dockerfile': base, 'app.Dockerfile': app, 'build.sh': 'docker build -t acme/base:dev -f base.Dockerfile .\ndocker build -t acme/app -f app.Dockerfile .\n' });
    assert.equal(x.stage, 'final stage (FROM acme/base:dev, built by base.Dockerfile as acme/base:dev in build.sh:1)');
    assert.deepEqual([x.cwd, x.user, x.env.includes('APP_MODE=prod'), x.quiet], ['/srv', 'app', true, ['missing-dependency: the image installs no distributions from a file or argument deploylint reads, so third-party imports are not judged']]);
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${f.message.slice(0, 30)}`), ["missing-module package 'jobs' is imported by "]);
  });

  it('two Dockerfiles build the tag: not linked, and --explain says so', async () => {
    const { r, x } = await quiet({ ...code, 'base.Dockerfile': base, 'base2.Dockerfile': base, 'app.Dockerfile': app, 'build.sh': 'docker build -t acme/base:dev -f base.Dockerfile .\ndocker build -t acme/base:dev -f base2.Dockerfile .\n' });
    assert.deepEqual(r.findings, []);
    assert.ok(x.quiet.includes('the base image acme/base:dev is built by base.Dockerfile in build.sh:1 and by base2.Dockerfile in build.sh:2: which one is used is not known, so it is not linked'), x.quiet.join('\n'));
  });

  it('a tag with a part the model cannot resolve: not linked, with the reason', async () => {
    const { x } = await quiet({ ...code, 'base.Dockerfile': base, 'app.Dockerfile': app, 'build.sh': 'docker build -t "acme/base:$(git describe)" -f base.Dockerfile .\n' });
    assert.ok(x.quiet.some((q) => q.startsWith("the base image acme/base:dev may be the one base.Dockerfile builds as acme/base:$(git describe) (build.sh:1), whose tag the model cannot resolve")), x.quiet.join('\n'));
  });

  it('a cycle of bases is not followed', async () => {
    const { x } = await quiet({ ...code, 'base.Dockerfile': 'FROM acme/app\n', 'app.Dockerfile': app, 'build.sh': 'docker build -t acme/base:dev -f base.Dockerfile .\ndocker build -t acme/app -f app.Dockerfile .\n' });
    assert.ok(x.quiet.some((q) => /whose own base leads back here: a cycle, not linked|is the image .* itself builds/.test(q)), x.quiet.join('\n'));
  });

  it("the base's ENTRYPOINT, written in the other Dockerfile, is not followed", async () => {
    const { r, x } = await quiet({ ...code, 'start.sh': '#!/bin/sh\nexec "$@"\n', 'base.Dockerfile': base + 'COPY start.sh /srv/start.sh\nENTRYPOINT ["/srv/start.sh"]\n', 'app.Dockerfile': app, 'build.sh': 'docker build -t acme/base:dev -f base.Dockerfile .\n' });
    assert.deepEqual(r.findings, []);
    assert.ok(x.quiet.includes("the ENTRYPOINT comes from the base image's Dockerfile (base.Dockerfile:7): a command written in another Dockerfile is not followed"), x.quiet.join('\n'));
  });
});

describe('repo-built bases: docker buildx bake files', () => {
  const hcl = [
    '# comment',
    'variable "ORG" {',
    '  default = "acme"',
    '}',
    'variable "PY" { default = "3.12" }',
    'function "tag" {',
    '  params = [name]',
    '  result = ["${ORG}/${name}:latest"]',
    '}',
    'target "common" {',
    '  args = { PYTHON_VERSION = "${PY}", MODE = "prod" }',
    '}',
    'target "base" {',
    '  inherits = ["common"]',
    '  context = "."',
    '  dockerfile = "docker/base.Dockerfile"',
    '  tags = ["${ORG}/base:dev", "ghcr.io/${ORG}/base:${VERSION}"]',
    '}',
    'target "app" {',
    '  inherits = ["common"]',
    '  dockerfile = "docker/app.Dockerfile"',
    '  target = "runtime"',
    '  args = { MODE = "debug" }',
    '  contexts = { baseapp = "target:base" }',
    '  tags = tag("app")',
    '}',
  ].join('\n');

  it('targets with inherits, variable defaults, unknown parts and named contexts', () => {
    assert.deepEqual(parseBake(hcl).map((t) => ({ ...t })), [
      { name: 'common', context: '.', dockerfile: 'Dockerfile', tags: [], args: { PYTHON_VERSION: '3.12', MODE: 'prod' }, contexts: {} },
      { name: 'base', context: '.', dockerfile: 'docker/base.Dockerfile', tags: ['acme/base:dev'], tagsUnknown: true, args: { PYTHON_VERSION: '3.12', MODE: 'prod' }, contexts: {} },
      { name: 'app', context: '.', dockerfile: 'docker/app.Dockerfile', target: 'runtime', tags: [], tagsUnknown: true, args: { PYTHON_VERSION: '3.12', MODE: 'debug' }, contexts: { baseapp: 'target:base' } },
    ]);
  });

  it('a FROM of a named context (target:base) is that target built; bake targets link by tag too', async () => {
    const files = {
      'docker-bake.hcl': hcl,
      'docker/base.Dockerfile': 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY common/ /srv/common/\n',
      'docker/app.Dockerfile': 'FROM baseapp AS runtime\nCOPY api/ /srv/api/\nCMD ["python", "-m", "api.main"]\n',
      'common/__init__.py': '', 'api/__init__.py': '', 'api/main.py': 'import common\n',
    };
    const r = await lintRepo(memRepo(files));
    const x = explain(r.analysis, `${ROOT}/docker/app.Dockerfile`)[0];
    assert.equal(x.stage, "final stage 'runtime' (FROM baseapp, built by docker/base.Dockerfile as baseapp in docker-bake.hcl)");
    assert.deepEqual(r.findings, []);
  });
});

describe('repo-built bases: compose names what it builds', () => {
  it('a service with build: and no image: is <project>-<service> (the file\'s name:, else its folder)', async () => {
    const files = {
      'compose.base.yaml': 'name: acme\nservices:\n  python-base:\n    build:\n      context: ./base\n',
      'base/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY common/ /srv/common/\n',
      'base/common/__init__.py': '',
      'app/Dockerfile': 'ARG BASE=acme-python-base\nFROM ${BASE}\nCOPY . /srv/app/\nCMD ["python", "-m", "app.main"]\n',
      'app/__init__.py': '', 'app/main.py': 'import common\n',
    };
    const r = await lintRepo(memRepo(files));
    const x = explain(r.analysis, `${ROOT}/app/Dockerfile`)[0];
    assert.equal(x.stage, 'final stage (FROM acme-python-base, built by base/Dockerfile as acme-python-base in compose.base.yaml)');
  });
  it('a tag that is all expression (docker/metadata-action outputs) may be anything: it is no candidate', () => {
    const b: KnownBuild = { dockerfile: '/r/a.Dockerfile', context: '/r', how: 'script', evidence: '/r/w.yml', tags: ['${{ steps.meta.outputs.tags }}'] };
    assert.deepEqual(producersOf([b], 'acme-python-base'), { exact: [], maybe: [] });
  });
});

describe('repo-built bases: a FROM with no value', () => {
  const quietOfApp = async (files: Record<string, string>) => {
    const r = await lintRepo(memRepo(files));
    return { findings: r.findings, quiet: explain(r.analysis, `${ROOT}/app.Dockerfile`)[0].quiet };
  };
  // A base image the repository builds, an app image FROM ${BASE} whose code imports a package it never copies.
  const repo = (arg: string, moreBuilds = '', ciBuild = false): Record<string, string> => ({
    'base.Dockerfile': 'FROM python:3.12-slim\nWORKDIR /srv\n',
    'app.Dockerfile': `${arg}\nFROM \${BASE}\nCOPY api/ /srv/api/\nCMD ["python", "-m", "api.main"]\n`,
    'build.sh': `docker build -t acme/base -f base.Dockerfile .\ndocker build -f app.Dockerfile .\n${moreBuilds}`,
    ...(ciBuild ? { '.github/workflows/b.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build --build-arg BASE=${{ env.BASE }} -f app.Dockerfile .\n' } : {}),
    'api/__init__.py': '', 'api/main.py': 'import jobs\n', 'jobs/__init__.py': '',
  });
  it('says so when the repository builds images the FROM could have named', async () => {
    const { findings, quiet } = await quietOfApp(repo('ARG BASE'));
    assert.deepEqual(findings, []);
    assert.ok(quiet.includes('the base image reference has no one value for BASE (no default, and no build the repository describes passes it): it is not known whether it names an image the repository builds'), quiet.join('\n'));
  });

  it('a build passing a value the model cannot know leaves the choice to the builds it can read: the default names the repository\'s base', async () => {
    const { findings, quiet } = await quietOfApp(repo('ARG BASE=acme/base', '', true));
    assert.deepEqual(brief(findings), ["app.Dockerfile:3:1 missing-module package 'jobs' is imported by /srv/api/main.py but is not in the image: jobs/ is never copied"]);
    assert.ok(quiet.includes('ARG BASE: .github/workflows/b.yml:6 passes a value the model cannot know; the model follows the other builds of this Dockerfile, which give acme/base'), quiet.join('\n'));
  });

  it('says the builds disagree, not "no default", when the builds it can read pass different values', async () => {
    const { findings, quiet } = await quietOfApp(repo('ARG BASE=acme/base', 'docker build --build-arg BASE=acme/gpu -f app.Dockerfile .\n', true));
    assert.deepEqual(findings, []);
    assert.ok(quiet.includes('the base image reference has no one value for BASE (a build of this Dockerfile passes a value the model cannot know, or its builds pass different ones): it is not known whether it names an image the repository builds'), quiet.join('\n'));
    assert.ok(quiet.includes('ARG BASE has no one value: the builds of this Dockerfile pass (unknown) (.github/workflows/b.yml:6), (not passed: the default acme/base) (build.sh:2), acme/gpu (build.sh:3)'), quiet.join('\n'));
  });
});

describe('a FROM whose only unknown part is the registry host', () => {
  // onyx: ARG BASE_IMAGE_REGISTRY=docker.io, FROM ${BASE_IMAGE_REGISTRY}/library/python:3.13-slim, and one CI build
  // passing ${{ env.BASE_IMAGE_REGISTRY }}: the compose build passes nothing, so the default decides; with no default
  // the registry is unknown, and the official image's path still says which image it is.
  const files = (from: string, arg = 'ARG REG') => ({
    Dockerfile: `${arg}\nFROM ${from}\nWORKDIR /app\nCOPY app.py .\nCMD ["python", "app.py"]\n`,
    'compose.yml': 'services:\n  app:\n    build: .\n',
    '.github/workflows/b.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build --build-arg REG=${{ env.REG }} -t x .\n',
    'app.py': 'import helper\n', 'helper.py': 'X = 1\n',
  });
  const missingHelper = ["Dockerfile:4:1 missing-module 'helper' is imported by /app/app.py but is not in the image: helper.py is never copied"];
  it('with a default, the builds that pass nothing decide: ${REG}/library/python:TAG is docker.io/library/python:TAG', async () => {
    const r = await lintRepo(memRepo(files('${REG}/library/python:3.12-slim', 'ARG REG=docker.io')));
    assert.deepEqual(brief(r.findings), missingHelper);
    const x = explain(r.analysis, `${ROOT}/Dockerfile`)[0];
    assert.ok(x.quiet.includes('ARG REG: .github/workflows/b.yml:6 passes a value the model cannot know; the model follows the other builds of this Dockerfile, which give docker.io'), x.quiet.join('\n'));
    assert.ok(!x.quiet.some((q) => q.startsWith('the registry of the base image')), x.quiet.join('\n'));
  });
  it('with no default: reads ${REG}/library/python:TAG as the official image, and says why', async () => {
    const r = await lintRepo(memRepo(files('${REG}/library/python:3.12-slim')));
    assert.deepEqual(brief(r.findings), missingHelper);
    const x = explain(r.analysis, `${ROOT}/Dockerfile`)[0];
    assert.ok(x.quiet.includes('the registry of the base image comes from ARG REG, which has no one value; the path library/python:3.12-slim is an official image\'s, read as docker.io/library/python:3.12-slim'), x.quiet.join('\n'));
  });
  it('a registry and a repository path both from the ARG stay unknown', async () => {
    const r = await lintRepo(memRepo(files('${REG}/python:3.12-slim')));
    assert.deepEqual(brief(r.findings), []);
  });
});
