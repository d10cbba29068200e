// Queries behind the editor's hovers and lenses: long COPY lists, COPY --from a stage and from an external image, relative imports, commands not followed.
import { strict as assert } from 'assert';
import { analyse } from '../../server/src/core/analysis';
import { defaultConfig } from '../../server/src/core/config';
import { initPython } from '../../server/src/core/python/parser';
import { copyAt, lensesIn } from '../../server/src/core/query';
import { hoverAt } from '../../server/src/lsp/hover';
import { memRepo, ROOT } from '../helpers/repo';

before(() => initPython());

const files = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`app/m${String(i).padStart(2, '0')}.py`, '']));
const analysis = (repo: Record<string, string>) => analyse(memRepo(repo), ROOT, defaultConfig());

describe('query: what a COPY brings', () => {
  it('lists the first files and counts the rest', () => {
    const a = analysis({ Dockerfile: 'FROM python:3.12-slim\nCOPY app/ /srv/app/\nCMD ["python", "/srv/app/m00.py"]\n', ...files(11) });
    assert.equal(hoverAt(a, `${ROOT}/Dockerfile`, { line: 1, character: 0 }), [
      '**COPY** brings 11 files into the final stage at `/srv/app`:',
      ...Array.from({ length: 8 }, (_, i) => `- \`/srv/app/m0${i}.py\` ← \`app/m0${i}.py\``),
      '- … and 3 more',
    ].join('\n'));
  });

  it('follows COPY --from a stage to the files that stage holds, and says when an external image makes it unknown', () => {
    const a = analysis({
      Dockerfile: 'FROM python:3.12-slim AS build\nWORKDIR /src\nCOPY app/ ./app/\nFROM python:3.12-slim\nCOPY --from=build /src/app /srv/app\nCOPY --from=ghcr.io/acme/tools:1 /bin/tool /usr/local/bin/tool\n',
      ...files(2),
    });
    const fromStage = copyAt(a, `${ROOT}/Dockerfile`, 4)!;
    assert.deepEqual([fromStage.stage, fromStage.files, fromStage.unknown], ['the final stage', [{ image: '/srv/app/m00.py', source: `${ROOT}/app/m00.py` }, { image: '/srv/app/m01.py', source: `${ROOT}/app/m01.py` }], undefined]);
    assert.equal(copyAt(a, `${ROOT}/Dockerfile`, 2)!.stage, "stage 'build'");
    assert.equal(hoverAt(a, `${ROOT}/Dockerfile`, { line: 5, character: 3 }), '**COPY** brings 0 files into the final stage at `/usr/local/bin/tool`\n\nNot fully known: it copies from the image ghcr.io/acme/tools:1, which deploylint does not model.');
  });
});

describe('query: imports and lenses', () => {
  it('answers a relative import inside a package, and one that climbs above the top-level package', () => {
    const a = analysis({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY pkg/ ./pkg/\nCMD ["python", "-m", "pkg.main"]\n',
      'pkg/__init__.py': '',
      'pkg/main.py': 'from . import util\nfrom .. import outside\n',
      'pkg/util.py': '',
    });
    assert.equal(hoverAt(a, `${ROOT}/pkg/main.py`, { line: 0, character: 15 }), '**import `.util`** in the images that load this file:\n- Dockerfile @ docker run: `/srv/pkg/util.py` ← `pkg/util.py`');
    assert.equal(hoverAt(a, `${ROOT}/pkg/main.py`, { line: 1, character: 6 }), '**import `..`** in the images that load this file:\n- Dockerfile @ docker run: missing in this image: a relative import with no parent package');
  });

  it('says why a command is not followed', () => {
    const a = analysis({ Dockerfile: 'FROM python:3.12-slim\nCMD ["java", "-jar", "app.jar"]\n' });
    assert.deepEqual(lensesIn(a, `${ROOT}/Dockerfile`).map((l) => [l.range.start.line, l.title]), [[1, "deploylint: command not followed ('java -jar app.jar' is not a Python server, module or script the model follows)"]]);
  });
});
