// missing-copy-source: valid and invalid cases with exact messages, ranges and fix results.
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';
import { preparedPaths } from '../../server/src/core/rules/missing-copy-source';

const APP = { 'app/main.py': 'print(1)\n', 'app/util.py': '', 'requirements.txt': 'flask\n' };

async function only(files: Record<string, string>) {
  const fs = memRepo(files);
  const r = await lintRepo(fs);
  return { fs, findings: r.findings.filter((f) => f.ruleId === 'missing-copy-source') };
}

describe('rule missing-copy-source', () => {
  const valid: [string, Record<string, string>][] = [
    ['plain paths that exist', { ...APP, Dockerfile: 'FROM python:3.11\nCOPY requirements.txt app/ /srv/\n' }],
    ['a glob that matches nothing next to one that matches (the yarn.lock* idiom)', { ...APP, Dockerfile: 'FROM python:3.11\nCOPY requirements.txt poetry.lock* /srv/\n' }],
    ['COPY --from a stage is not a context path', { ...APP, Dockerfile: 'FROM python:3.11 AS b\nRUN mkdir /out\nFROM python:3.11\nCOPY --from=b /out /out\n' }],
    ['ADD of a URL', { ...APP, Dockerfile: 'FROM python:3.11\nADD https://example.invalid/x.tgz /srv/\n' }],
    ['a source built from an ARG without a value stays quiet', { ...APP, Dockerfile: 'FROM python:3.11\nARG SRC\nCOPY $SRC /srv/\n' }],
    ['the context comes from compose', { 'svc/app.py': '', 'docker/api.Dockerfile': 'FROM python:3.11\nCOPY svc/app.py /app/\n', 'compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n' }],
    ['the context is inferred from where the sources exist', { 'predictions/w.py': '', 'docker/w.Dockerfile': 'FROM python:3.11\nCOPY predictions/w.py /app/\n' }],
  ];
  for (const [name, files] of valid) {
    it(`valid: ${name}`, async () => {
      assert.deepEqual(brief((await only(files)).findings), []);
    });
  }

  it('reports a typo with the close match as a preferred fix, then is clean once applied', async () => {
    const { fs, findings } = await only({ ...APP, Dockerfile: 'FROM python:3.11\nWORKDIR /srv\nCOPY requirments.txt ./\nCOPY app/mian.py ./\n' });
    assert.deepEqual(brief(findings), [
      "Dockerfile:3:6 missing-copy-source COPY source 'requirments.txt' is not in the build context, the workspace root (inferred); did you mean 'requirements.txt'?",
      "Dockerfile:4:6 missing-copy-source COPY source 'app/mian.py' is not in the build context, the workspace root (inferred); did you mean 'app/main.py'?",
    ]);
    assert.deepEqual(findings[0].range, { start: { line: 2, character: 5 }, end: { line: 2, character: 20 } });
    assert.deepEqual(findings.map((f) => f.fixes.map((x) => [x.title, x.isPreferred])), [[["Replace with 'requirements.txt'", true]], [["Replace with 'app/main.py'", true]]]);
    const changed = applyAllFixes(fs, findings);
    assert.equal(changed.get('/repo/Dockerfile'), 'FROM python:3.11\nWORKDIR /srv\nCOPY requirements.txt ./\nCOPY app/main.py ./\n');
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
  });

  it('the fix also mends the later RUN and CMD words that name the misspelt file in the image; other words, and a renaming COPY, are left', async () => {
    const df = 'FROM python:3.11\nWORKDIR /srv\nCOPY requirments.txt ./\nRUN pip install -r requirments.txt && \\\n    cp /srv/requirments.txt /tmp/requirments.txt.bak\nCOPY app/ ./app/\nCOPY app/mian.py ./\nCMD ["python", "mian.py"]\n';
    const { fs, findings } = await only({ ...APP, Dockerfile: df });
    assert.deepEqual(findings.map((f) => f.fixes.map((x) => x.title)), [["Replace with 'requirements.txt' (and on lines 4, 5)"], ["Replace with 'app/main.py' (and on line 8)"]]);
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: 'FROM python:3.11\nWORKDIR /srv\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt && \\\n    cp /srv/requirements.txt /tmp/requirments.txt.bak\nCOPY app/ ./app/\nCOPY app/main.py ./\nCMD ["python", "main.py"]\n' });
    assert.deepEqual(brief((await lintRepo(fs)).findings), []);
    const renamed = await only({ ...APP, Dockerfile: 'FROM python:3.11\nWORKDIR /srv\nCOPY requirments.txt reqs.txt\nRUN pip install -r reqs.txt\n' });
    assert.deepEqual(renamed.findings[0]!.fixes.map((x) => [x.title, x.edits.length]), [["Replace with 'requirements.txt'", 1]]);
  });

  it('a destination that is only an unset variable (COPY x ${LAMBDA_TASK_ROOT}) does not hide a missing source (feast aws_lambda); an existing one is fine', async () => {
    const df = (src: string) => `FROM public.ecr.aws/lambda/python:3.9\nCOPY ${src} \${LAMBDA_TASK_ROOT}\nCMD ["app.handler"]\n`;
    assert.deepEqual(brief((await only({ ...APP, Dockerfile: df('app/handler.py') })).findings), ["Dockerfile:2:6 missing-copy-source COPY source 'app/handler.py' is not in the build context, the workspace root (inferred)"]);
    assert.deepEqual(brief((await only({ ...APP, Dockerfile: df('app/main.py') })).findings), []);
  });

  it('offers the same file in another folder (a wrong folder)', async () => {
    const { findings } = await only({ ...APP, Dockerfile: 'FROM python:3.11\nCOPY src/util.py /srv/\n' });
    assert.deepEqual(findings.map((f) => f.fixes[0]?.edits[0].newText), ['app/util.py']);
  });

  it('keeps JSON quoting in the fix', async () => {
    const { fs, findings } = await only({ ...APP, Dockerfile: 'FROM python:3.11\nCOPY ["app/mian.py", "/srv/"]\n' });
    applyAllFixes(fs, findings);
    assert.deepEqual(fs.read('/repo/Dockerfile'), { text: 'FROM python:3.11\nCOPY ["app/main.py", "/srv/"]\n' });
  });

  it('offers no fix when nothing is close', async () => {
    const { findings } = await only({ ...APP, Dockerfile: 'FROM python:3.11\nCOPY models/weights.bin /srv/\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:2:6 missing-copy-source COPY source 'models/weights.bin' is not in the build context, the workspace root (inferred)"]);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('a file whose download a README beside the Dockerfile links is documented (kserve sample); a README that only names it is not', async () => {
    const df = 'FROM python:3.11\nWORKDIR /srv\nCOPY main.py ./\nCOPY credit.csv /srv/data/\nCMD ["python", "main.py"]\n';
    const base = { 'svc/main.py': 'print(1)\n', 'svc/Dockerfile': df };
    const linked = await only({ ...base, 'svc/README.md': '# Credit model\n\nBefore building, download into this folder:\n- https://archive.example.org/ml/statlog/credit.csv\n' });
    assert.deepEqual(brief(linked.findings), []);
    const named = await only({ ...base, 'svc/README.md': '# Credit model\n\nPut credit.csv here (see https://archive.example.org/ml/statlog/) before building.\n' });
    assert.deepEqual(brief(named.findings), ["svc/Dockerfile:4:6 missing-copy-source COPY source 'credit.csv' is not in the build context, 'svc' (inferred)"]);
    const other = await only({ ...base, 'svc/README.md': '- https://archive.example.org/ml/statlog/credit.csv.gz\n' });
    assert.equal(other.findings.length, 1);
  });

  it('a folder one README line links a download for and names in backticks is documented (gemma sample); another case, no link, no download word or no backticks is not', async () => {
    const df = 'FROM python:3.11\nWORKDIR /srv\nCOPY main.py ./\nCOPY weights_2b ./weights_2b\nCMD ["python", "main.py"]\n';
    const base = { 'svc/main.py': 'print(1)\n', 'svc/Dockerfile': df };
    const lint = async (readme: string) => brief((await only({ ...base, 'svc/README.md': readme })).findings);
    const reported = ["svc/Dockerfile:4:6 missing-copy-source COPY source 'weights_2b' is not in the build context, 'svc' (inferred)"];
    assert.deepEqual(await lint('# Serve\n\n1. Download the weights from [the hub](https://hub.example.org/m/2b) and extract them into `weights_2b/`.\n'), []);
    assert.deepEqual(await lint('1. Download the weights from https://hub.example.org/m/2b into `weights_2B`.\n'), reported);
    assert.deepEqual(await lint('1. Download the weights and extract them into `weights_2b`.\n'), reported);
    assert.deepEqual(await lint('1. Fetch the weights from https://hub.example.org/m/2b into `weights_2b`.\n'), reported);
    assert.deepEqual(await lint('1. Download the weights from https://hub.example.org/m/2b.\n2. Put them in weights_2b.\n'), reported);
  });

  it('reports a source excluded by .dockerignore with the excluding line as related location', async () => {
    const { findings } = await only({ ...APP, '.env': 'X=1\n', '.dockerignore': '# local only\n.env\n**/*.pyc\n', Dockerfile: 'FROM python:3.11\nCOPY .env /srv/.env\n' });
    assert.deepEqual(brief(findings), ["Dockerfile:2:6 missing-copy-source COPY source '.env' is excluded by .dockerignore line 2 ('.env'), so the build cannot find it"]);
    assert.deepEqual(findings[0].related, [{ file: '/repo/.dockerignore', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, message: 'the pattern that excludes it' }]);
  });

  it('uses <Dockerfile>.dockerignore over the context one', async () => {
    const { findings } = await only({ ...APP, '.dockerignore': 'app\n', 'Dockerfile.dockerignore': 'nothing\n', Dockerfile: 'FROM python:3.11\nCOPY app /srv\n' });
    assert.deepEqual(brief(findings), []);
  });

  it('names the compose file that sets the context', async () => {
    const { findings } = await only({
      'svc/app.py': '',
      'svc/Dockerfile': 'FROM python:3.11\nCOPY svc/ap.py /app/\n',
      'compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: svc/Dockerfile\n',
    });
    assert.deepEqual(brief(findings), ["svc/Dockerfile:2:6 missing-copy-source COPY source 'svc/ap.py' is not in the build context, the workspace root (as compose.yaml builds it); did you mean 'svc/app.py'?"]);
  });

  it('can be suppressed on the line above (Dockerfiles have no trailing comments)', async () => {
    const { findings } = await only({ ...APP, Dockerfile: 'FROM python:3.11\n# deploylint: ignore[missing-copy-source]\nCOPY nope1 /srv/\n# deploylint: ignore\nCOPY nope2 /srv/\n# deploylint: ignore[other-rule]\nCOPY nope3 /srv/\n' });
    assert.deepEqual(brief(findings).map((l) => l.split(' ')[0]), ['Dockerfile:7:6']);
  });
});

describe('rule missing-copy-source: COPY --from=<stage>', () => {
  const B = (build: string, copy: string) => `FROM python:3.11 AS builder\nWORKDIR /app\nCOPY requirements.txt app/ ./\n${build}\nFROM python:3.11-slim\nWORKDIR /app\n${copy}\nCMD ["python", "main.py"]\n`;
  const valid: [string, string][] = [
    ['a path the stage made with mkdir', B('RUN mkdir -p /app/dist', 'COPY --from=builder /app/dist ./dist')],
    ['a path a build tool may have written in its working folder', B('RUN make dist', 'COPY --from=builder /app/dist ./dist')],
    ['a path a build tool names', B('RUN python setup.py bdist_wheel --dist-dir /wheels', 'COPY --from=builder /wheels /wheels')],
    ['pip --prefix output (not modelled)', B('RUN pip install --prefix=/install -r requirements.txt', 'COPY --from=builder /install /usr/local')],
    ['a base-image system folder', B('RUN pip install -r requirements.txt', 'COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages')],
    ['a stage on an unknown base', 'FROM example.invalid/base:1 AS builder\nFROM python:3.11-slim\nCOPY --from=builder /opt/app /app\n'],
    ['an external image', B('RUN true', 'COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv')],
    ['a bare image name that is no stage name', B('RUN true', 'COPY --from=busybox:1.36 /bin/busybox /bin/')],
    ['a file at the root of a known tool image used as a stage (FROM ghcr.io/astral-sh/uv AS uv)', 'ARG UV_VERSION=0.11.16\nFROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv\nFROM python:3.12-slim\nCOPY --from=uv /uv /uvx /bin/\n'],
    ['a path outside every folder the stage made (its base image\'s own files)', B('RUN true', 'COPY --from=builder /opt/tool/bin ./bin')],
    ['a top-level folder pip --target made', B('RUN pip install --target=/deps -r requirements.txt', 'COPY --from=builder /deps /usr/local')],
    ['a top-level folder of an image whose root the table does not list (NGC images have /workspace)', 'FROM nvcr.io/nvidia/pytorch:24.01-py3 AS builder\nFROM python:3.11-slim\nCOPY --from=builder /workspace/app /app\n'],
    ['a top-level folder of a stage on a stage on an unknown base', 'FROM example.invalid/base:1 AS tools\nFROM tools AS builder\nFROM python:3.11-slim\nCOPY --from=builder /deps /usr/local\n'],
  ];
  for (const [name, df] of valid) {
    it(`valid: ${name}`, async () => assert.deepEqual(brief((await only({ ...APP, Dockerfile: df })).findings), []));
  }

  it('reports a path the stage never produces, with the file of the same name as the fix', async () => {
    const { fs, findings } = await only({ ...APP, Dockerfile: B('RUN pip install -r requirements.txt', 'COPY --from=builder /app/mian.py ./') });
    assert.deepEqual(brief(findings), ["Dockerfile:7:21 missing-copy-source COPY --from=builder /app/mian.py: stage 'builder' never produces /app/mian.py; did you mean '/app/main.py'?"]);
    applyAllFixes(fs, findings);
    assert.match((fs.read('/repo/Dockerfile') as { text: string }).text, /COPY --from=builder \/app\/main\.py \.\//);
    assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'missing-copy-source')), []);
  });

  it('reports a top-level folder that an official python image does not have and the stage never made (changedetection.io\'s /dependencies)', async () => {
    const { fs, findings } = await only({ ...APP, Dockerfile: B('RUN pip install --target=/dependencies -r requirements.txt', 'COPY --from=builder /dependecies /usr/local') });
    assert.deepEqual(brief(findings), ["Dockerfile:7:21 missing-copy-source COPY --from=builder /dependecies: stage 'builder' never produces /dependecies; did you mean '/dependencies'?"]);
    applyAllFixes(fs, findings);
    assert.match((fs.read('/repo/Dockerfile') as { text: string }).text, /COPY --from=builder \/dependencies \/usr\/local/);
  });

  it('reports a folder the stage never produces, without a guess when nothing is close', async () => {
    const { findings } = await only({ ...APP, Dockerfile: B('RUN pip install -r requirements.txt', 'COPY --from=builder /app/build/lib ./lib') });
    assert.deepEqual(brief(findings), ["Dockerfile:7:21 missing-copy-source COPY --from=builder /app/build/lib: stage 'builder' never produces /app/build/lib"]);
  });

  it('git clone URL from a compose build arg Compose interpolates: the clone folder is unknown (opencve web); a literal arg names it', async () => {
    const files = (arg: string) => ({
      Dockerfile: 'FROM python:3.12-slim AS builder\nARG REPO="https://github.com/acme/svc.git"\nARG VER="main"\nWORKDIR /app\nRUN git clone --depth 1 -b "${VER}" --single-branch "${REPO}"\nFROM python:3.12-slim\nCOPY --from=builder /app/svc/web /app/svc/web\nCMD ["python", "-c", "print(1)"]\n',
      'docker/compose.yaml': `services:\n  web:\n    build:\n      context: ..\n      args:\n        - REPO=${arg}\n`,
    });
    assert.deepEqual(brief((await only(files('${REPO}'))).findings), []);
    // Near miss: Compose passes a literal URL whose clone folder is 'other', so /app/svc/web is never made.
    assert.deepEqual(brief((await only(files('https://github.com/acme/other.git'))).findings), ["Dockerfile:7:21 missing-copy-source COPY --from=builder /app/svc/web: stage 'builder' never produces /app/svc/web"]);
    // ... and `$$` is Compose's literal dollar, no interpolation.
    assert.deepEqual(brief((await only(files('https://github.com/acme/other.git#$$x'))).findings), ["Dockerfile:7:21 missing-copy-source COPY --from=builder /app/svc/web: stage 'builder' never produces /app/svc/web"]);
  });

  it('reports a --from that misspells a stage name, with the stage as the fix', async () => {
    const { fs, findings } = await only({ ...APP, Dockerfile: B('RUN mkdir /app/out', 'COPY --from=buidler /app/out ./out') });
    assert.deepEqual(brief(findings), ["Dockerfile:7:13 missing-copy-source COPY --from=buidler: no stage is named 'buidler', so Docker pulls an image of that name; did you mean the stage 'builder'?"]);
    applyAllFixes(fs, findings);
    assert.match((fs.read('/repo/Dockerfile') as { text: string }).text, /COPY --from=builder \/app\/out/);
    assert.deepEqual(brief((await lintRepo(fs)).findings.filter((f) => f.ruleId === 'missing-copy-source')), []);
  });
});

describe('missing-copy-source: sources a build script makes before the build', () => {
  const DF = 'FROM python:3.11\nWORKDIR /srv\nCOPY third_party/ ./third_party/\nCOPY app/ ./app/\n';
  it('is quiet when a script beside the context copies the folder in, reported when a script only mentions the name', async () => {
    const made = await only({ ...APP, Dockerfile: DF, 'build_image.sh': '#!/bin/sh\nset -e\ncp -r ../../third_party .\n' });
    assert.deepEqual(brief(made.findings), []);
    const mentioned = await only({ ...APP, Dockerfile: DF, 'release.sh': '#!/bin/sh\ntar czf /tmp/backup.tgz third_party app\ncp third_party.lock /tmp/\n' });
    assert.deepEqual(brief(mentioned.findings), [
      "Dockerfile:3:6 missing-copy-source COPY source 'third_party' is not in the build context, the workspace root (inferred)",
    ]);
  });
});

describe('preparedPaths: what a build-script line writes', () => {
  const cases: [string, { exact: string[]; under: string[] } | undefined][] = [
    ['cp -r ../specs ./shared_specs', { exact: ['/r/svc/shared_specs', '/r/svc/shared_specs/specs'], under: [] }],
    ['cp -r ../../third_party .', { exact: ['/r/svc', '/r/svc/third_party'], under: [] }],
    ['  mv build/out.whl dist/ && echo ok', { exact: ['/r/svc/dist', '/r/svc/dist/out.whl'], under: [] }],
    ['curl -fsSL https://example.invalid/m.bin -o models/m.bin', { exact: ['/r/svc/models/m.bin'], under: [] }],
    ['wget -q -O /r/svc/vendor.tgz https://example.invalid/v.tgz', { exact: ['/r/svc/vendor.tgz'], under: [] }],
    ['tar -xzf assets.tgz -C static', { exact: [], under: ['/r/svc/static'] }],
    ['cp README.md', { exact: [], under: [] }],
    ['echo copy third_party', undefined],
  ];
  for (const [line, expected] of cases) {
    it(line, () => assert.deepEqual(preparedPaths(line, '/r/svc'), expected));
  }
});
