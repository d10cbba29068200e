// Property-based: generated and mutated Dockerfiles, Python, YAML, ignore files, .env and random bytes through the whole engine never throw or hang, and every offered fix keeps its file parseable.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { applyEdits } from '../../server/src/core/edits';
import { parseProblemCount } from '../../server/src/core/fix-check';
import { MemoryFileSystem } from '../../server/src/core/fs';
import { lint } from '../../server/src/core/lint';
import type { TextEdit } from '../../server/src/core/types';
import { ROOT } from '../helpers/repo';

/** `npm run fuzz` sets FUZZ_RUNS (and a random FUZZ_SEED); `npm test` runs a fixed seed. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** A lint that has not finished by then is a hang, not slowness. */
const HANG_MS = 30_000;

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const path = fc.array(word, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
const secret = pick(['sk-proj-' + 'A1b2C3d4'.repeat(8) + 'T3BlbkFJ' + 'x9Y8z7W6'.repeat(8), 'ghp_' + 'Zq8'.repeat(12), 'hf_' + 'abcdefghijklmnopqrstuvwxyzABCDEFGH', 'AKIA' + 'ABCDEFGHIJKLMNOP', 'changeme', '${TOKEN}']);
const junk = fc.string({ unit: 'binary', maxLength: 12 });

/** Inserts, deletes or replaces a few characters: mutated inputs reach the parsers' error paths. */
function mutate(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 6 }), ins: fc.oneof(junk, pick(['"', "'", '\\', '\n', '\r\n', '{', '}', '[', ']', ':', '-', '  ', '\t', '#', '$', '`', '*', '!', '\ufeff', '\u0000'])) });
  return fc.tuple(text, fc.array(edit, { maxLength: 4 })).map(([t, edits]) => {
    let s = t;
    for (const e of edits) {
      const at = s.length ? e.at % (s.length + 1) : 0;
      s = s.slice(0, at) + e.ins + s.slice(at + e.del);
    }
    return s;
  });
}

const dockerLine = fc.oneof(
  fc.tuple(pick(['python:3.11', 'python:3.12-slim', 'ubuntu', 'scratch', '${BASE}']), fc.option(word)).map(([img, as]) => `FROM ${img}${as ? ' AS ' + as : ''}`),
  fc.tuple(fc.array(path, { minLength: 1, maxLength: 3 }), path).map(([src, dst]) => `COPY ${src.join(' ')} /${dst}/`),
  fc.tuple(pick(['--from=builder ', '--chown=app ', '--exclude=**/*.pyc ', '']), pick(['.', '*.py', 'src/[a-c]*', 'app(', '**/x'])).map(([f, s]) => `COPY ${f}${s} /app/`),
  fc.tuple(word, secret).map(([k, v]) => `ENV ${k.toUpperCase()}=${v}`),
  fc.tuple(word, secret).map(([k, v]) => `ARG ${k.toUpperCase()}=${v}`),
  path.map((p) => `WORKDIR /${p}`),
  pick(['RUN pip install -r requirements.txt', 'RUN pip install .', 'RUN python -m venv /v && /v/bin/pip install flask', 'RUN <<EOF\necho hi\nEOF', 'RUN apt-get update && \\\n    apt-get install -y curl']),
  fc.tuple(pick(['gunicorn', 'uvicorn', 'python', 'celery']), path, fc.option(word), pick(['', ' -b 127.0.0.1:8000', ' --port 8080', ' --timeout 10'])).map(([srv, m, c, opt]) => `CMD ${srv} ${m.replace(/\//g, '.')}${c ? ':' + c : ''}${opt}`),
  fc.tuple(pick(['gunicorn', 'uvicorn', 'python']), path).map(([srv, m]) => `ENTRYPOINT ["${srv}", "${m.replace(/\//g, '.')}:app"]`),
  pick(['EXPOSE 8080', 'USER app', 'HEALTHCHECK --interval=5s --start-period=1s CMD curl -f localhost', 'SHELL ["/bin/bash", "-c"]', '# syntax=docker/dockerfile:1', 'ONBUILD RUN x']),
);
const dockerfile = mutate(fc.array(dockerLine, { minLength: 1, maxLength: 10 }).map((ls) => ls.join('\n') + '\n'));

const pyLine = fc.oneof(
  path.map((p) => `import ${p.replace(/\//g, '.')}`),
  fc.tuple(fc.nat({ max: 2 }), path, word).map(([dots, p, n]) => `from ${'.'.repeat(dots)}${p.replace(/\//g, '.')} import ${n}`),
  fc.tuple(word, secret).map(([k, v]) => `${k.toUpperCase()} = "${v}"`),
  fc.tuple(word, secret).map(([k, v]) => `msg = f"{${k}} {'${v}'}"`),
  fc.tuple(word, secret).map(([k, v]) => `x = os.getenv("${k.toUpperCase()}", "${v}")`),
  fc.tuple(word, secret).map(([k, v]) => `match ${k}:\n    case "a":\n        KEY = "Bearer ${v}"\n    case _:\n        pass`),
  word.map((n) => `def ${n}():\n    import ${n}\n    return torch.load("${n}.pt")`),
  word.map((n) => `class ${n.toUpperCase()}:\n    x = 1`),
  pick(['app = Flask(__name__)', 'app = FastAPI()', 'model = SentenceTransformer("all-MiniLM-L6-v2")', 'if __name__ == "__main__":\n    app.run(host="127.0.0.1", port=5000)', 'try:\n    import ujson as json\nexcept ImportError:\n    import json', '"""docstring"""', 'from __future__ import annotations', 'sys.path.insert(0, "/srv")', 'async def f():\n    await g()', 'lambda: (yield)', 'x = [i for i in range(3)]']),
);
const python = mutate(fc.array(pyLine, { maxLength: 10 }).map((ls) => ls.join('\n') + '\n'));

const yamlDoc = fc.oneof(
  fc.tuple(word, secret, pick(['127.0.0.1:8000', '0.0.0.0:8080', '8080']), fc.nat({ max: 200 })).map(([n, s, bind, t]) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${n}\n          image: ${n}\n          command: ["gunicorn", "-b", "${bind}", "app:app"]\n          env:\n            - name: API_KEY\n              value: ${s}\n          ports:\n            - containerPort: 8080\n          startupProbe:\n            httpGet: {path: /, port: 8080}\n            failureThreshold: ${t}\n`),
  fc.tuple(word, secret, path).map(([n, s, p]) => `services:\n  ${n}:\n    build:\n      context: .\n      dockerfile: ${p}/Dockerfile\n      args: [A=${s}]\n    environment:\n      - TOKEN=${s}\n    ports: ["8080:8000"]\n    healthcheck:\n      test: curl -f localhost\n      start_period: 1s\n`),
  fc.tuple(word, path).map(([n, p]) => `jobs:\n  ${n}:\n    steps:\n      - run: docker build -f ${p}/Dockerfile -t x .\n`),
  pick(['a: &a [1, 2]\nb: [*a, *a, *a]\n', '{{ .Values.x }}\n', 'x: !!binary aGVsbG8=\n', '---\n---\n', '? [a]\n: b\n', 'a: *undefined\n']),
);
const yaml = mutate(yamlDoc);
const ignoreFile = fc.array(fc.oneof(path, fc.stringMatching(/^[!]?[a-z*?[\]\\/.(){}^$|+-]{1,12}$/), pick(['**/__pycache__', '*.pyc', '!keep.py', '.env', '# c', 'a/**/b', '**', '/', '!', '[', '\\'])), { maxLength: 8 }).map((ls) => ls.join('\n') + '\n');
const dotenv = mutate(fc.array(fc.tuple(word, secret).map(([k, v]) => `${k.toUpperCase()}=${v}`), { maxLength: 5 }).map((ls) => ls.join('\n') + '\n'));
const bytes = fc.uint8Array({ maxLength: 300 });

interface Repo {
  dockerfile: string;
  python: string;
  yaml: string;
  dockerignore: string;
  gitignore: string;
  env: string;
  raw: Uint8Array;
  rawName: string;
}

const repo: fc.Arbitrary<Repo> = fc.record({
  dockerfile, python, yaml, dockerignore: ignoreFile, gitignore: ignoreFile, env: dotenv, raw: bytes,
  rawName: pick(['Dockerfile.raw', 'raw.py', 'raw.yaml', 'raw.json', '.dockerignore.raw', 'config.json']),
});

function files(r: Repo): Record<string, string | Uint8Array> {
  return {
    'Dockerfile': r.dockerfile,
    'app/main.py': r.python,
    'app/__init__.py': '',
    'deploy/k8s.yaml': r.yaml,
    '.dockerignore': r.dockerignore,
    '.gitignore': r.gitignore,
    '.env': r.env,
    '.git/HEAD': 'ref: refs/heads/main\n',
    [r.rawName]: r.raw,
  };
}

/** What the generated repositories exercised (printed by `npm run fuzz`). */
const stats = { findings: 0, fixes: 0 };

/** Lints the repo; fails on a throw, a hang, an internal error, or a fix whose result parses worse. */
async function check(r: Repo): Promise<void> {
  const fs = new MemoryFileSystem();
  fs.mkdir(ROOT);
  const fsFiles = files(r);
  for (const [rel, content] of Object.entries(fsFiles)) fs.write(`${ROOT}/${rel}`, content);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('lint did not finish')), HANG_MS)));
  const result = await Promise.race([lint({ fs, root: ROOT }), hang]).finally(() => clearTimeout(timer));
  stats.findings += result.findings.length;
  stats.fixes += result.findings.reduce((n, f) => n + f.fixes.length, 0);
  const internal = result.notices.filter((n) => /internal error/.test(n.message));
  assert.deepEqual(internal, []);
  for (const f of result.findings) {
    for (const fix of f.fixes) {
      const byFile = new Map<string, TextEdit[]>();
      for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
      for (const [file, edits] of byFile) {
        const rd = fs.read(file);
        const before = 'text' in rd ? rd.text : '';
        const after = applyEdits(before, edits);
        assert.ok(parseProblemCount(file, after) <= parseProblemCount(file, before), `fix "${fix.title}" breaks ${file}:\n${after}`);
      }
    }
  }
}

describe('robust: property-based (fast-check)', function () {
  this.timeout(Math.max(120_000, RUNS * 2_000));
  before(() => {
    if (process.env.FUZZ_RUNS) process.stdout.write(`      fuzz: ${RUNS} runs, seed ${SEED} (FUZZ_SEED=${SEED} to replay)\n`);
  });

  it('whole repositories of generated and mutated files', async () => {
    await fc.assert(fc.asyncProperty(repo, check), { numRuns: RUNS, seed: SEED });
    if (process.env.FUZZ_RUNS) process.stdout.write(`      ${stats.findings} findings, ${stats.fixes} fixes checked\n`);
  });

  it('random bytes in every file kind', async () => {
    const names = ['Dockerfile', 'app/main.py', 'compose.yaml', '.dockerignore', '.env', 'package.json', '.deploylint.yaml'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(pick(names), fc.oneof(bytes, junk.map((s) => Buffer.from(s)))), { minLength: 1, maxLength: 7 }), async (entries) => {
        const fs = new MemoryFileSystem();
        fs.mkdir(ROOT);
        for (const [name, content] of entries) fs.write(`${ROOT}/${name}`, content);
        const result = await lint({ fs, root: ROOT });
        assert.deepEqual(result.notices.filter((n) => /internal error/.test(n.message)), []);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
