// The memory estimate: which imports count (module level, not lazy, not guarded, not local), each once with what it pulls in, model sizes, and workers.
import { strict as assert } from 'assert';
import { analyse } from '../../server/src/core/analysis';
import { defaultConfig } from '../../server/src/core/config';
import { parseEntrypoint } from '../../server/src/core/entrypoint';
import { running } from '../../server/src/core/runtime';
import { IMPORT_FOOTPRINTS, importMemory, memoryNeed } from '../../server/src/core/memory';
import { initPython } from '../../server/src/core/python/parser';
import { memRepo, ROOT } from '../helpers/repo';

before(() => initPython());

const DOCKERFILE = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]\n';

function memory(files: Record<string, string>, modelMemoryMB = 100) {
  const fs = memRepo({ Dockerfile: DOCKERFILE, 'requirements.txt': 'flask\ntorch\n', ...files });
  const a = analyse(fs, ROOT, { ...defaultConfig(), modelMemoryMB });
  const [ia] = running(a);
  return importMemory(a, ia);
}

const terms = (m: ReturnType<typeof memory>) => m.parts.map((p) => `${p.label} ${Math.round(p.bytes / 2 ** 20)}`);

describe('memory: importMemory', () => {
  it('counts the interpreter, each framework once with what it pulls in, in import order', () => {
    const m = memory({ 'app.py': 'import torch\nimport torch.nn as nn\nfrom flask import Flask\nfrom sentence_transformers import SentenceTransformer\napp = Flask(__name__)\n' });
    assert.deepEqual(terms(m), ['python 8', 'numpy 13', 'torch 195', 'flask 16', 'sentence_transformers 128']);
    assert.equal(m.bytes, (8 + 13 + 195 + 16 + 128) * 2 ** 20);
    assert.equal(m.informative, true);
  });

  it('follows the closure: a framework imported by a local module counts, with its import as the source', () => {
    const m = memory({ 'app.py': 'from flask import Flask\nimport model\napp = Flask(__name__)\n', 'model.py': 'import pandas as pd\n' });
    assert.deepEqual(terms(m), ['python 8', 'flask 16', 'numpy 13', 'pandas 31']);
    const pandas = m.parts.find((p) => p.label === 'pandas')!;
    assert.equal(pandas.source, '/repo/model.py');
    assert.equal(pandas.range?.start.line, 0);
  });

  it('dotted entries: `from scipy import stats` and `import scipy.sparse` count their submodules, `import scipy` alone nothing', () => {
    assert.deepEqual(terms(memory({ 'app.py': 'from scipy import stats\nimport scipy.sparse\napp = 1\n' })), ['python 8', 'numpy 13', 'scipy.stats 41', 'scipy.sparse 10']);
    assert.deepEqual(terms(memory({ 'app.py': 'from PIL import Image\nimport torchvision\napp = 1\n' })), ['python 8', 'PIL.Image 7', 'numpy 13', 'torch 195', 'torchvision 14']);
    const plain = memory({ 'app.py': 'import scipy\napp = 1\n' });
    assert.deepEqual(terms(plain), ['python 8']);
    assert.equal(plain.informative, false);
  });

  it('skips function-level, guarded, TYPE_CHECKING, __main__-guarded and lazily reached imports', () => {
    const m = memory({
      'app.py': [
        'from typing import TYPE_CHECKING',
        'from flask import Flask',
        'try:\n    import torch\nexcept ImportError:\n    torch = None',
        'if TYPE_CHECKING:\n    import pandas',
        'def f():\n    import tensorflow\n    import heavy',
        'if __name__ == "__main__":\n    import cv2',
        'app = Flask(__name__)',
      ].join('\n') + '\n',
      'heavy.py': 'import sklearn\n',
    });
    assert.deepEqual(terms(m), ['python 8', 'flask 16']);
  });

  it('a local package named like a framework is not the framework', () => {
    assert.deepEqual(terms(memory({ 'app.py': 'import torch\napp = 1\n', 'torch/__init__.py': 'X = 1\n' })), ['python 8']);
  });

  it('models: the file size in the image when the load names it, else modelMemoryMB; downloads count nothing', () => {
    const m = memory({
      'app.py': 'import joblib\nfrom huggingface_hub import hf_hub_download\nfrom sentence_transformers import SentenceTransformer\npath = hf_hub_download("org/m", "m.bin")\nclf = joblib.load("clf.joblib")\nenc = SentenceTransformer(path)\napp = 1\n',
      'clf.joblib': 'x'.repeat(3 * 2 ** 20),
    }, 250);
    assert.deepEqual(m.parts.filter((p) => p.kind === 'model').map((p) => [p.label, p.bytes, p.note]), [
      ['model /app/clf.joblib', 3 * 2 ** 20, 'file size in the image'],
      ['SentenceTransformer model', 250 * 2 ** 20, 'modelMemoryMB'],
    ]);
  });

  it('a model a lifespan handler loads before its yield counts; one it loads after the yield (at shutdown) does not', () => {
    const m = memory({
      'app.py': 'import joblib\nfrom fastapi import FastAPI\n\n\nasync def lifespan(app):\n    app.state.clf = joblib.load("clf.joblib")\n    yield\n    joblib.load("stats.joblib")\n\n\napp = FastAPI(lifespan=lifespan)\n',
    }, 250);
    assert.deepEqual(m.parts.filter((p) => p.kind === 'model').map((p) => [p.label, p.bytes]), [['joblib.load model', 250 * 2 ** 20]]);
  });

  it('every footprint names its source, and what it pulls in is in the table', () => {
    for (const [name, fp] of Object.entries(IMPORT_FOOTPRINTS)) {
      assert.ok(fp.source.length > 20, name);
      for (const p of fp.pulls ?? []) assert.ok(IMPORT_FOOTPRINTS[p], `${name} pulls ${p}`);
    }
  });
});

describe('memory: memoryNeed', () => {
  let m: ReturnType<typeof memory>;
  let per: number;
  before(() => {
    m = memory({ 'app.py': 'import torch\napp = 1\n' });
    per = m.bytes;
  });
  const need = (argv: string[]) => memoryNeed(m, parseEntrypoint(argv, {}));

  it('gunicorn without --preload: workers x the app, said in the arithmetic', () => {
    const n = need(['gunicorn', '-w', '3', 'app:app']);
    assert.equal(n.processes, 3);
    assert.equal(n.bytes, 3 * per);
    assert.equal(n.arithmetic, '3 gunicorn workers without --preload, each importing the app (copy-on-write sharing not counted): 3 x (python 8 MiB + numpy 13 MiB + torch 195 MiB)');
  });

  it('gunicorn --preload: the app once', () => assert.equal(need(['gunicorn', '-w', '3', '--preload', 'app:app']).bytes, per));
  it('gunicorn default: one worker', () => assert.equal(need(['gunicorn', 'app:app']).arithmetic, 'python 8 MiB + numpy 13 MiB + torch 195 MiB'));
  it('uvicorn --workers N', () => assert.equal(need(['uvicorn', 'app:app', '--workers', '2']).bytes, 2 * per));
  it('a plain script: one process', () => assert.equal(need(['python', 'app.py']).processes, 1));
});
