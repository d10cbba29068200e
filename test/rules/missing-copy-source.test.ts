// missing-copy-source: valid and invalid cases with exact messages, ranges and fix results.
import { strict as assert } from 'assert';
import { applyAllFixes, brief, lintRepo, memRepo } from '../helpers/repo';

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
