// The startup estimate: which calls are model loads, which run at import, and how file sizes add time.
import { strict as assert } from 'assert';
import { analyse } from '../../server/src/core/analysis';
import { defaultConfig } from '../../server/src/core/config';
import type { FileSystem } from '../../server/src/core/fs';
import { running } from '../../server/src/core/runtime';
import { initPython, parsePython } from '../../server/src/core/python/parser';
import { isModelLoad, MODEL_READ_BYTES_PER_SECOND, startupEstimate } from '../../server/src/core/startup';
import { memRepo, ROOT } from '../helpers/repo';

before(() => initPython());

const DOCKERFILE = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["gunicorn", "--bind", "0.0.0.0:8080", "worker:app"]\n';
const REQ = 'flask\nxgboost\ntorch\njoblib\nsentence-transformers\ntransformers\n';

function estimate(files: Record<string, string>, fsWrap?: (fs: FileSystem) => FileSystem, modelLoadSeconds = 60) {
  const fs = memRepo({ Dockerfile: DOCKERFILE, 'requirements.txt': REQ, ...files });
  const a = analyse(fsWrap ? fsWrap(fs) : fs, ROOT, { ...defaultConfig(), modelLoadSeconds });
  const [ia] = running(a);
  return startupEstimate(a, ia);
}

describe('startup: isModelLoad', () => {
  const cases: [string, string, boolean][] = [
    ['xgboost Booster() then load_model: only the load counts', 'import xgboost\nm = xgboost.Booster()\nm.load_model("m.json")\n', true],
    ['lightgbm Booster(model_file=...)', 'import lightgbm as lgb\nm = lgb.Booster(model_file="m.txt")\n', true],
    ['SentenceTransformer', 'from sentence_transformers import SentenceTransformer\nm = SentenceTransformer("all-MiniLM-L6-v2")\n', true],
    ['from_pretrained on a model', 'from transformers import AutoModel\nm = AutoModel.from_pretrained("bert-base-uncased")\n', true],
    ['transformers pipeline', 'from transformers import pipeline\np = pipeline("sentiment-analysis")\n', true],
    ['torch.load', 'import torch\nm = torch.load("m.pt")\n', true],
    ['joblib.load', 'import joblib\nm = joblib.load("m.joblib")\n', true],
    ['bare load imported from joblib', 'from joblib import load\nm = load("m.joblib")\n', true],
    ['pickle.load', 'import pickle\nm = pickle.load(open("m.pkl", "rb"))\n', true],
    ['spacy.load', 'import spacy\nnlp = spacy.load("en_core_web_sm")\n', true],
    ['keras load_model', 'import tensorflow as tf\nm = tf.keras.models.load_model("m.h5")\n', true],
    ['onnxruntime InferenceSession', 'import onnxruntime as ort\ns = ort.InferenceSession("m.onnx")\n', true],
    ['whisper.load_model', 'import whisper\nm = whisper.load_model("base")\n', true],
    ['faster-whisper WhisperModel', 'from faster_whisper import WhisperModel\nm = WhisperModel("small", device="cpu")\n', true],
    ['vllm LLM', 'from vllm import LLM\nllm = LLM(model="mistralai/Mistral-7B-v0.1")\n', true],
    ['easyocr.Reader', 'import easyocr\nreader = easyocr.Reader(["en"])\n', true],
    ['PaddleOCR', 'from paddleocr import PaddleOCR\nocr = PaddleOCR(lang="en")\n', true],
    ['ctranslate2.Translator', 'import ctranslate2\nt = ctranslate2.Translator("ende_ct2/")\n', true],
    ['fastembed TextEmbedding', 'from fastembed import TextEmbedding\ne = TextEmbedding()\n', true],
    ['FlagEmbedding BGEM3FlagModel', 'from FlagEmbedding import BGEM3FlagModel\nm = BGEM3FlagModel("BAAI/bge-m3")\n', true],
    ['stanza.Pipeline', 'import stanza\nnlp = stanza.Pipeline("en")\n', true],
    ['open_clip create_model_and_transforms', 'import open_clip\nm, _, pre = open_clip.create_model_and_transforms("ViT-B-32", pretrained="laion2b_s34b_b79k")\n', true],
    ['OpenAI clip.load', 'import clip\nm, pre = clip.load("ViT-B/32")\n', true],
    ['timm.create_model(pretrained=True)', 'import timm\nm = timm.create_model("resnet50", pretrained=True)\n', true],
  ];
  const quiet: [string, string][] = [
    ['a tokenizer is not a model', 'from transformers import AutoTokenizer\nt = AutoTokenizer.from_pretrained("bert-base-uncased")\n'],
    ['json.load', 'import json\nc = json.load(open("c.json"))\n'],
    ['yaml.load', 'import yaml\nc = yaml.load(open("c.yaml"))\n'],
    ['an empty xgboost Booster()', 'import xgboost\nm = xgboost.Booster()\n'],
    ['a pipeline() of another library', 'from mylib import pipeline\np = pipeline("x")\n'],
    ['a bare load() of unknown origin', 'from config import load\nc = load("settings")\n'],
    // The same names from other libraries, or without the weights.
    ['csv.Reader-like names of other libraries', 'from mylib import Reader, Pipeline, LLM\nr = Reader("x")\np = Pipeline([])\nl = LLM()\n'],
    ['sklearn Pipeline', 'from sklearn.pipeline import Pipeline\np = Pipeline([("s", scaler)])\n'],
    ['langchain LLM-named classes', 'from langchain.llms import LLM\nllm = LLM()\n'],
    ['timm.create_model without pretrained weights', 'import timm\nm = timm.create_model("resnet50")\n'],
    ['a clip.load() where clip is not imported', 'clip = get_clip()\nx = clip.load("a")\n'],
  ];
  for (const [name, code, expected] of cases) {
    it(name, () => {
      const info = parsePython(code);
      assert.equal(info.calls.filter((c) => isModelLoad(c, info)).length, expected ? 1 : 0);
    });
  }
  for (const [name, code] of quiet) {
    it(`not a load: ${name}`, () => {
      const info = parsePython(code);
      assert.deepEqual(info.calls.filter((c) => isModelLoad(c, info)).map((c) => c.callee), []);
    });
  }
});

describe('startup: startupEstimate', () => {
  const XGB = 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\nmodel = xgboost.Booster()\nmodel.load_model("model.json")\n';
  const cases: [string, Record<string, string>, number, number][] = [
    // name, files, seconds, counted loads
    ['one module-level load of a file the image lacks', { 'worker.py': XGB }, 60, 1],
    ['one module-level load of a small file in the image: the time to read it (at least 1 s), not modelLoadSeconds', { 'worker.py': XGB, 'model.json': '{}' }, 1, 1],
    ['two loads in the entry module', { 'worker.py': XGB + 'from sentence_transformers import SentenceTransformer\nenc = SentenceTransformer("all-MiniLM-L6-v2")\n' }, 120, 2],
    ['a load inside a function is lazy', { 'worker.py': 'import xgboost\nfrom flask import Flask\napp = Flask(__name__)\ndef get():\n    m = xgboost.Booster()\n    m.load_model("m.json")\n    return m\n' }, 0, 0],
    ['a load under __main__ of a module gunicorn imports', { 'worker.py': 'import torch\nfrom flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    m = torch.load("m.pt")\n' }, 0, 0],
    ['a load in a module the entry imports at module level', { 'worker.py': 'from flask import Flask\nfrom models import model\napp = Flask(__name__)\n', 'models.py': 'import joblib\nmodel = joblib.load("m.joblib")\n' }, 60, 1],
    ['a load in a module imported inside a function', { 'worker.py': 'from flask import Flask\napp = Flask(__name__)\ndef model():\n    from models import model\n    return model\n', 'models.py': 'import joblib\nmodel = joblib.load("m.joblib")\n' }, 0, 0],
  ];
  for (const [name, files, seconds, n] of cases) {
    it(name, () => {
      const est = estimate(files);
      assert.equal(est.seconds, seconds);
      assert.equal(est.loads.length, n);
    });
  }

  it('says what it counted', () => {
    const est = estimate({ 'worker.py': XGB });
    assert.equal(est.summary, 'the entrypoint loads 1 model at import: ~60 s (modelLoadSeconds 60 x 1)');
    assert.deepEqual(est.loads.map((l) => [l.imagePath, l.source, l.callee, l.range.start.line]), [['/app/worker.py', '/repo/worker.py', 'model.load_model', 4]]);
  });

  it('runs the __main__ block of a script run with python', () => {
    const fs = memRepo({ Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "worker.py"]\n', 'requirements.txt': REQ, 'worker.py': 'import torch\nif __name__ == "__main__":\n    m = torch.load("m.pt")\n' });
    const a = analyse(fs, ROOT, defaultConfig());
    assert.equal(startupEstimate(a, running(a)[0]).seconds, 60);
  });

  it('uses modelLoadSeconds from the config', () => {
    assert.equal(estimate({ 'worker.py': XGB }, undefined, 20).seconds, 20);
  });

  // File sizes: a memory file system that reports a large size for the model files.
  const big = (bytes: number) => (fs: FileSystem): FileSystem => ({
    stat: (p) => {
      const s = fs.stat(p);
      return s && /\.(pt|bin)$/.test(p) ? { ...s, size: bytes } : s;
    },
    readDir: (p) => fs.readDir(p),
    read: (p) => fs.read(p),
  });

  it('a large model file the call names takes size / read rate when that is longer', () => {
    const bytes = 150 * MODEL_READ_BYTES_PER_SECOND; // 150 s at the assumed rate
    const est = estimate({ 'worker.py': 'import torch\nfrom flask import Flask\napp = Flask(__name__)\nm = torch.load("models/m.pt")\n', 'models/m.pt': 'x' }, big(bytes));
    assert.equal(est.seconds, 150);
    assert.deepEqual(est.loads[0].file, { path: '/app/models/m.pt', bytes });
    assert.equal(est.summary, 'the entrypoint loads 1 model at import: ~150 s (150 s for /app/models/m.pt, 7.5 GB at an assumed 50 MB/s)');
  });

  it('a folder named by from_pretrained counts the model files in it', () => {
    const bytes = 40 * MODEL_READ_BYTES_PER_SECOND;
    const est = estimate({ 'worker.py': 'from transformers import AutoModel\nfrom flask import Flask\napp = Flask(__name__)\nm = AutoModel.from_pretrained("./bert")\n', 'bert/a.bin': 'x', 'bert/b.bin': 'x', 'bert/config.json': '{}' }, big(bytes));
    assert.equal(est.seconds, 80);
  });

  it('model files no call names add read time beyond modelLoadSeconds', () => {
    const bytes = 100 * MODEL_READ_BYTES_PER_SECOND;
    const est = estimate({ 'worker.py': 'import torch\nimport os\nfrom flask import Flask\napp = Flask(__name__)\nm = torch.load(os.environ["MODEL"])\n', 'weights/m.pt': 'x' }, big(bytes));
    assert.equal(est.otherModelBytes, bytes);
    assert.equal(est.seconds, 100);
    assert.equal(est.summary, 'the entrypoint loads 1 model at import: ~100 s (modelLoadSeconds 60 x 1 + 40 s to read 5 GB of model files in the image at an assumed 50 MB/s)');
  });

  it('a small model file the call names is read in a second; a folder without model files and a hub download keep modelLoadSeconds', () => {
    const est = estimate({ 'worker.py': 'import torch\nfrom flask import Flask\napp = Flask(__name__)\nm = torch.load("m.pt")\n', 'm.pt': 'x' });
    assert.equal(est.seconds, 1);
    assert.equal(est.summary, 'the entrypoint loads 1 model at import: ~1 s (1 s for /app/m.pt, 1 B at an assumed 50 MB/s)');
    // The folder holds no weights the model knows of (they come from elsewhere at run time).
    assert.equal(estimate({ 'worker.py': 'from transformers import AutoModel\nfrom flask import Flask\napp = Flask(__name__)\nm = AutoModel.from_pretrained("./bert")\n', 'bert/config.json': '{}' }).seconds, 60);
    assert.equal(estimate({ 'worker.py': 'from huggingface_hub import hf_hub_download\nfrom flask import Flask\napp = Flask(__name__)\np = hf_hub_download("org/repo", "m.pt")\n', 'org/repo': 'x' }).seconds, 60);
  });

  it('a load through a file object reads the file opened for it (with open(...) as f / f = open(...))', () => {
    const withOpen = estimate({ 'worker.py': 'import pickle\nfrom flask import Flask\n\nwith open("lin_reg.bin", "rb") as f_in:\n    (dv, model) = pickle.load(f_in)\napp = Flask(__name__)\n', 'lin_reg.bin': 'x'.repeat(4000) });
    assert.deepEqual([withOpen.seconds, withOpen.loads[0].file], [1, { path: '/app/lin_reg.bin', bytes: 4000 }]);
    const assigned = estimate({ 'worker.py': 'import joblib\nfrom flask import Flask\nfh = open("/app/m.joblib", "rb")\nmodel = joblib.load(fh)\napp = Flask(__name__)\n', 'm.joblib': 'x' });
    assert.deepEqual(assigned.loads[0].file, { path: '/app/m.joblib', bytes: 1 });
    // A file object from elsewhere (a download, a parameter) names no file: modelLoadSeconds.
    assert.equal(estimate({ 'worker.py': 'import pickle\nimport urllib.request\nfrom flask import Flask\nf = urllib.request.urlopen("https://example.com/m.pkl")\nmodel = pickle.load(f)\napp = Flask(__name__)\n' }).seconds, 60);
  });
});

describe('startup: hooks the server runs before it serves', () => {
  /** `callee during seconds` of each counted load, then the lazy ones. */
  const brief = (files: Record<string, string>) => {
    const est = estimate(files);
    return { loads: est.loads.map((l) => `${l.callee} ${l.during ?? 'import'}`), lazy: est.lazy.map((l) => l.callee), seconds: est.seconds, hookSeconds: est.hookSeconds };
  };
  const ST = 'from sentence_transformers import SentenceTransformer\n';

  it('lifespan=, on_startup=[...], @app.on_event("startup") and add_event_handler("startup", f), with the helpers they call', () => {
    assert.deepEqual(brief({
      'worker.py': `${ST}from fastapi import FastAPI\nfrom loaders import warm\n\n\ndef helper():\n    return SentenceTransformer("a")\n\n\nasync def lifespan(app):\n    helper()\n    yield\n\n\napp = FastAPI(lifespan=lifespan, on_startup=[warm])\n\n\n@app.on_event("startup")\ndef boot():\n    SentenceTransformer("c")\n\n\ndef late():\n    SentenceTransformer("d")\n\n\napp.add_event_handler("startup", late)\n`,
      'loaders.py': `${ST}\n\ndef warm():\n    SentenceTransformer("b")\n`,
    }), {
      loads: ['SentenceTransformer the lifespan handler lifespan()', 'SentenceTransformer the startup handler boot()', 'SentenceTransformer the startup handler late()', 'SentenceTransformer the startup handler warm()'],
      lazy: [], seconds: 240, hookSeconds: 240,
    });
  });

  it('an app factory whose lifespan is a nested function (infinity_emb\'s create_server shape)', () => {
    assert.deepEqual(brief({
      'worker.py': `${ST}from fastapi import FastAPI\n\n\ndef create_app():\n    async def lifespan(app):\n        app.state.model = SentenceTransformer("a")\n        yield\n\n    return FastAPI(lifespan=lifespan)\n\n\napp = create_app()\n`,
    }), { loads: ['SentenceTransformer the lifespan handler lifespan()'], lazy: [], seconds: 60, hookSeconds: 60 });
  });

  it('a lifespan handler: what runs before its yield is startup, what follows it (directly or through a helper) runs at shutdown', () => {
    assert.deepEqual(brief({
      'worker.py': `${ST}import joblib\nfrom contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n\n\ndef archive():\n    return joblib.load("usage.pkl")\n\n\n@asynccontextmanager\nasync def lifespan(app):\n    app.state.model = SentenceTransformer("a")\n    try:\n        yield\n    finally:\n        SentenceTransformer("b").save("out")\n        archive()\n\n\napp = FastAPI(lifespan=lifespan)\n`,
    }), { loads: ['SentenceTransformer the lifespan handler lifespan()'], lazy: ['joblib.load', 'SentenceTransformer'], seconds: 60, hookSeconds: 60 });
    // Only after the yield: nothing delays startup. A helper also called before the yield still counts.
    assert.deepEqual(brief({
      'worker.py': `${ST}from fastapi import FastAPI\n\n\ndef warm():\n    return SentenceTransformer("a")\n\n\nasync def lifespan(app):\n    yield\n    warm()\n\n\napp = FastAPI(lifespan=lifespan)\n`,
    }), { loads: [], lazy: ['SentenceTransformer'], seconds: 0, hookSeconds: 0 });
    assert.deepEqual(brief({
      'worker.py': `${ST}from fastapi import FastAPI\n\n\ndef warm():\n    return SentenceTransformer("a")\n\n\nasync def lifespan(app):\n    warm()\n    yield\n    warm()\n\n\napp = FastAPI(lifespan=lifespan)\n`,
    }), { loads: ['SentenceTransformer the lifespan handler lifespan()'], lazy: [], seconds: 60, hookSeconds: 60 });
  });

  it('shutdown handlers, request handlers and a startup hook of an app the entry never builds stay lazy', () => {
    assert.deepEqual(brief({
      'worker.py': `${ST}from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.on_event("shutdown")\ndef bye():\n    SentenceTransformer("a")\n\n\n@app.get("/")\ndef index():\n    SentenceTransformer("b")\n\n\ndef factory():\n    from other import build\n    return build()\n`,
      'other.py': `${ST}from fastapi import FastAPI\n\n\nasync def boot():\n    SentenceTransformer("c")\n\n\ndef build():\n    return FastAPI(on_startup=[boot])\n`,
    }), { loads: [], lazy: ['SentenceTransformer', 'SentenceTransformer', 'SentenceTransformer'], seconds: 0, hookSeconds: 0 });
  });
});
