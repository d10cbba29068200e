// Import closures and image models kept across lints (runtime/closure-cache.ts, analysis.ts): what an edit recomputes (the session's event counts), and that the findings are a fresh lint's.
import { strict as assert } from 'assert';
import { lint, LintResult } from '../../server/src/core/lint';
import { LintSession } from '../../server/src/core/session';
import type { MemoryFileSystem } from '../../server/src/core/fs';
import * as nodePath from 'path';
import { brief, loadFixture, memRepo, ROOT } from '../helpers/repo';

/** Everything a caller sees of a lint except the analysis object. */
const outcome = (r: LintResult) => JSON.stringify({ findings: r.findings, notices: r.notices });

const read = (fs: MemoryFileSystem, rel: string) => {
  const r = fs.read(`${ROOT}/${rel}`);
  return 'text' in r ? r.text : '';
};

const APP = 'from flask import Flask\nfrom helpers import greet\n\napp = Flask(__name__)\n';

/** A service whose image holds svc/ (app.py -> helpers.py), a module the image lacks (extra.py beside the Dockerfile), and files no image holds. */
const REPO = {
  'svc/app.py': APP,
  'svc/helpers.py': 'def greet():\n    return "hi"\n',
  'extra.py': 'X = 1\n',
  'requirements.txt': 'flask\ngunicorn\n',
  Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY svc/ /app/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n',
  'tools/seed.py': 'print("seed")\n',
};

const MISSING_EXTRA = (line: number) => [
  "Dockerfile:5:1 missing-module 'extra' is imported by /app/app.py but is not in the image: extra.py is never copied",
  `svc/app.py:${line}:8 missing-module 'extra' is imported by /app/app.py but is not in the image: extra.py is never copied (Dockerfile, gunicorn app:app)`,
];

/** Lints with the session, checks the result against a fresh lint, and returns it with the cache events of the lint. */
async function relint(fs: MemoryFileSystem, session: LintSession): Promise<{ r: LintResult; events: Record<string, number> }> {
  const r = await lint({ fs, root: ROOT }, { session });
  assert.equal(outcome(r), outcome(await lint({ fs, root: ROOT })));
  return { r, events: { ...session.stats.events } };
}

/** The findings as brief lines, mirrors included (the editor shows the import line in the Python file too). */
const shown = (r: LintResult) =>
  brief(r.findings.flatMap((f) => [f, ...(f.mirrors ?? []).map((m) => ({ ...f, file: m.file, range: m.range, message: m.message ?? f.message }))])).sort();

describe('closure cache: an edit re-walks only the closures it can change', () => {
  it('a new import of a module the image lacks is found, and goes when the import goes', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    assert.deepEqual((await relint(fs, session)).events, { 'model-built': 1, 'closure-walked': 1 });

    fs.write(`${ROOT}/svc/app.py`, APP.replace('from helpers', 'import extra\nfrom helpers'));
    let { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-reused': 1, 'closure-walked': 1 });
    assert.deepEqual(shown(r), MISSING_EXTRA(2));

    fs.write(`${ROOT}/svc/app.py`, APP);
    ({ r, events } = await relint(fs, session));
    // The walk from before the import is still recorded, and holds again: no walk.
    assert.deepEqual(events, { 'model-reused': 1, 'closure-patched': 1 });
    assert.deepEqual(shown(r), []);
  });

  it('an edit that keeps the imports patches the closure without a walk; findings move with their lines', async () => {
    const fs = memRepo({ ...REPO, 'svc/app.py': APP.replace('from helpers', 'import extra\nfrom helpers') });
    const session = new LintSession();
    assert.deepEqual(shown((await relint(fs, session)).r), MISSING_EXTRA(2));
    fs.write(`${ROOT}/svc/app.py`, '"""The app."""\n\n' + read(fs, 'svc/app.py') + '\nVALUE = 2\n');
    const { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-reused': 1, 'closure-patched': 1 });
    assert.deepEqual(shown(r), MISSING_EXTRA(4));
  });

  it('python-version-mismatch keeps a closure\'s needs only for the same closure object: a patched closure is judged again', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    await relint(fs, session);
    fs.write(`${ROOT}/Dockerfile`, read(fs, 'Dockerfile').replace('0.0.0.0:8080', '0.0.0.0:9090'));
    assert.deepEqual((await relint(fs, session)).events, { 'model-built': 1, 'tree-kept': 1, 'closure-reused': 1, 'version-needs-kept': 1 });
    // Same imports, new syntax (PEP 695 needs 3.12, the image runs 3.11): the patch is a new closure, so its needs are computed anew.
    fs.write(`${ROOT}/svc/helpers.py`, read(fs, 'svc/helpers.py') + 'type Greeting = str\n');
    const { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-reused': 1, 'closure-patched': 1 });
    assert.deepEqual(brief(r.findings).filter((l) => l.includes('python-version-mismatch')).map((l) => l.slice(0, l.indexOf(' cannot'))), ['svc/helpers.py:3:1 python-version-mismatch Python 3.11']);
  });

  it('an edit in a file outside every closure neither walks nor patches, nor rebuilds the image model', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    await relint(fs, session);
    fs.write(`${ROOT}/tools/seed.py`, 'import extra\nprint("seed 2")\n');
    // The rules that use the closure are replayed (only the secret scan read the file): no closure is even asked for.
    assert.deepEqual((await relint(fs, session)).events, { 'model-reused': 1 });
    // An edit in the closure makes those rules run again: the closure is checked, not walked.
    fs.write(`${ROOT}/svc/helpers.py`, 'def greet():\n    return "hello"\n');
    assert.deepEqual((await relint(fs, session)).events, { 'model-reused': 1, 'closure-patched': 1 });
  });

  it('a new name asked for by a from-import is a changed walk; a new name nobody imports is not', async () => {
    const fs = memRepo({ ...REPO, 'svc/app.py': APP.replace('import greet', 'import greet, wave') });
    const session = new LintSession();
    assert.deepEqual((await relint(fs, session)).events, { 'model-built': 1, 'closure-walked': 1 });
    fs.write(`${ROOT}/svc/helpers.py`, read(fs, 'svc/helpers.py') + '\nUNUSED = 1\n');
    assert.deepEqual((await relint(fs, session)).events, { 'model-reused': 1, 'closure-patched': 1 });
    fs.write(`${ROOT}/svc/helpers.py`, read(fs, 'svc/helpers.py') + '\ndef wave():\n    pass\n');
    assert.deepEqual((await relint(fs, session)).events, { 'model-reused': 1, 'closure-walked': 1 });
  });

  it('a Dockerfile edit rebuilds its model; the walk is kept while the image answers the same, and walks again when they change', async () => {
    const fs = memRepo(REPO);
    const session = new LintSession();
    await relint(fs, session);
    fs.write(`${ROOT}/Dockerfile`, read(fs, 'Dockerfile').replace('WORKDIR /app\n', 'WORKDIR /app\nLABEL team=web\n'));
    assert.deepEqual((await relint(fs, session)).events, { 'model-built': 1, 'closure-reused': 1 });
    fs.write(`${ROOT}/Dockerfile`, read(fs, 'Dockerfile').replace('COPY svc/ /app/\n', 'COPY svc/app.py /app/\n'));
    const { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-built': 1, 'closure-walked': 1 });
    assert.deepEqual(brief(r.findings)[0], "Dockerfile:6:1 missing-module 'helpers' is imported by /app/app.py but is not in the image: svc/helpers.py is never copied");
  });

  it('a Dockerfile edit that leaves a stage\'s files as they were keeps its tree: the walk is reused without asking the image again', async () => {
    // Two stages (COPY --from compares the kept tree of the stage it copies from) and a .env the image holds (secret-in-image names the COPY that put it there).
    const dockerfile = 'FROM python:3.11-slim AS build\nWORKDIR /src\nCOPY svc/ /src/\nFROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY --from=build /src/ /app/\nCOPY .env ./\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n';
    const fs = memRepo({ ...REPO, Dockerfile: dockerfile, '.env': `HF_TOKEN=hf_${'UnxsGGkemlnhIVWOtavNTPMytIlqfwDtqs'}\n`, 'svc/app.py': APP.replace('from helpers', 'import extra\nfrom helpers') });
    const session = new LintSession();
    const before = shown((await relint(fs, session)).r);
    assert.ok(before.some((l) => l.includes('secret-in-image')), before.join('\n'));
    // A CMD edit, an ENV line at the end, a COPY whose source is missing: the same files in every stage.
    const edits = [
      dockerfile.replace('0.0.0.0:8080', '0.0.0.0:9090'),
      dockerfile + 'ENV MODE=prod\n',
      dockerfile + 'COPY missing.py ./\n',
    ];
    for (const text of edits) {
      fs.write(`${ROOT}/Dockerfile`, text);
      const { r, events } = await relint(fs, session);
      // python-version-mismatch keeps the closure's needs too: same closure object, same tree.
      assert.deepEqual(events, { 'model-built': 1, 'tree-kept': 2, 'closure-reused': 1, 'version-needs-kept': 1 }, text);
      assert.ok(shown(r).some((l) => l.includes('secret-in-image')));
    }
    // A COPY that adds a file changes the final stage's tree only; the build stage's is kept.
    fs.write(`${ROOT}/Dockerfile`, dockerfile + 'COPY extra.py ./\n');
    const { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-built': 1, 'tree-kept': 1, 'closure-walked': 1 });
    assert.ok(!shown(r).some((l) => l.includes("'extra'")));
  });

  it('startup estimates: a reused closure keeps its facts across lints; a patched closure is judged again', async () => {
    // A model loaded at import under a gunicorn timeout too short for it (closure facts: model loads, hooks, lazy files).
    const app = 'from flask import Flask\nfrom sentence_transformers import SentenceTransformer\n\napp = Flask(__name__)\nencoder = SentenceTransformer("/opt/models/enc")\n';
    const dockerfile = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY svc/ /app/\nCMD ["gunicorn", "--timeout", "30", "-b", "0.0.0.0:8080", "app:app"]\n';
    const fs = memRepo({ 'svc/app.py': app, 'requirements.txt': 'flask==3.0.3\ngunicorn==21.2.0\nsentence-transformers==3.0.1\n', Dockerfile: dockerfile });
    const session = new LintSession();
    const timeout = (r: LintResult) => shown(r).filter((l) => l.includes('worker-timeout-too-short'));
    const WARNING = (line = 6) => `Dockerfile:${line}:31 worker-timeout-too-short gunicorn 21.2.0 (requirements.txt:2) kills a worker that is silent for --timeout 30 s, and without --preload each worker imports app:app itself; the entrypoint loads 1 model at import: ~60 s (modelLoadSeconds 60 x 1): workers are killed while loading ([CRITICAL] WORKER TIMEOUT) and the app never serves`;
    assert.deepEqual(timeout((await relint(fs, session)).r), [WARNING()]);
    // A Dockerfile edit that keeps the closure (a new tree): the estimate is the fresh lint's (relint compares).
    fs.write(`${ROOT}/Dockerfile`, dockerfile.replace('COPY svc/ /app/\n', 'COPY svc/ /app/\nENV MODE=prod\n'));
    let { r, events } = await relint(fs, session);
    assert.equal(events['closure-reused'], 1);
    assert.deepEqual(timeout(r), [WARNING(7)]);
    // The load moves into a function, with the same imports: the closure is patched (a new object), the load is lazy now.
    fs.write(`${ROOT}/svc/app.py`, app.replace('encoder = SentenceTransformer', 'def encoder():\n    return SentenceTransformer'));
    ({ r, events } = await relint(fs, session));
    assert.equal(events['closure-patched'], 1);
    assert.deepEqual(timeout(r), []);
    // And back: the kept walk holds again, and the load counts again.
    fs.write(`${ROOT}/svc/app.py`, app);
    ({ r, events } = await relint(fs, session));
    assert.equal(events['closure-patched'], 1);
    assert.deepEqual(timeout(r), [WARNING(7)]);
  });

  it('a file created where a closure probed (a module it lacked) rebuilds the model and walks again', async () => {
    const fs = memRepo({ ...REPO, 'svc/app.py': APP.replace('from helpers', 'import later\nfrom helpers') });
    const session = new LintSession();
    await relint(fs, session);
    fs.write(`${ROOT}/svc/later.py`, 'Y = 1\n');
    const { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-built': 1, 'closure-walked': 1 });
    assert.deepEqual(shown(r), []);
    // An ignore file that drops it: the context's answers change, so the model is rebuilt; the image
    // answers again what it answered before the file existed, so the first walk's record holds.
    fs.write(`${ROOT}/.dockerignore`, 'svc/later.py\n');
    const again = await relint(fs, session);
    assert.deepEqual(again.events, { 'model-built': 1, 'closure-reused': 1 });
    assert.deepEqual(shown(again.r), ["Dockerfile:5:1 missing-module 'later' is imported by /app/app.py but is not in the image: .dockerignore line 1 ('svc/later.py') drops svc/later.py from the build context", "svc/app.py:2:8 missing-module 'later' is imported by /app/app.py but is not in the image: .dockerignore line 1 ('svc/later.py') drops svc/later.py from the build context (Dockerfile, gunicorn app:app)"]);
  });

  it('a newer edit stops the lint between containers; the next lint keeps the walks done and is exact', async () => {
    const fs = memRepo({ ...REPO, 'worker/Dockerfile': 'FROM python:3.11-slim\nWORKDIR /w\nCOPY svc/ /w/\nCMD ["python", "app.py"]\n', 'worker/compose.yaml': 'services:\n  w:\n    build:\n      context: ..\n      dockerfile: worker/Dockerfile\n' });
    const session = new LintSession();
    let asked = 0;
    // The first question comes before the first container, the second after it: the lint stops there.
    await assert.rejects(lint({ fs, root: ROOT }, { session, cancelled: () => asked++ >= 1 }), /lint cancelled/);
    assert.deepEqual(session.stats.events, { 'model-built': 2, 'closure-walked': 1 });
    assert.equal(asked, 2);
    const { events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-reused': 2, 'closure-reused': 1, 'closure-walked': 1, 'version-needs-kept': 1 });
  });

  it('string-named imports (Django settings): an edit that keeps what they name patches; one that changes it walks', async () => {
    const fs = loadFixture(nodePath.join(__dirname, '..', 'fixtures', 'missing-module', 'django-app-not-copied'));
    const session = new LintSession();
    const first = await relint(fs, session);
    assert.deepEqual(first.events, { 'model-built': 1, 'closure-walked': 1 });
    assert.equal(first.r.findings.length, 1);
    const base = 'config/settings/base.py';
    fs.write(`${ROOT}/${base}`, '# Settings.\n' + read(fs, base));
    let { r, events } = await relint(fs, session);
    assert.deepEqual(events, { 'model-reused': 1, 'closure-patched': 1 });
    // The chain's LOCAL_APPS entry moved down a line with the edit.
    assert.deepEqual(r.findings[0].related.filter((x) => x.file.endsWith(base)).map((x) => x.range.start.line), [15]);
    fs.write(`${ROOT}/${base}`, read(fs, base).replace('    "storefront.accounts.apps.AccountsConfig",\n', ''));
    ({ r, events } = await relint(fs, session));
    assert.deepEqual(events, { 'model-reused': 1, 'closure-walked': 1 });
    assert.deepEqual(brief(r.findings), []);
  });
});
