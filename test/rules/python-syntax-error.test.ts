// python-syntax-error: only files the entrypoint loads, one finding per error however many images load it.
import { strict as assert } from 'assert';
import { brief, lintRepo, memRepo } from '../helpers/repo';

const BROKEN = 'def save(row):\n    if row:\n        print(row)\n      else:\n        pass\n';

async function se(files: Record<string, string>) {
  const r = await lintRepo(memRepo(files));
  return r.findings.filter((f) => f.ruleId === 'python-syntax-error');
}

describe('rule python-syntax-error', () => {
  it('is quiet about broken files the entrypoint never loads', async () => {
    assert.deepEqual(brief(await se({ 'app.py': 'import os\n', 'scratch.py': BROKEN, Dockerfile: 'FROM python:3.11\nCOPY . /app\nCMD ["python", "/app/app.py"]\n' })), []);
  });

  it('reports the first error of a loaded file once, listing every image that loads it', async () => {
    const files = {
      'svc/app.py': 'import db\n',
      'svc/db.py': BROKEN,
      'a.Dockerfile': 'FROM python:3.11\nCOPY svc/ /app/\nCMD ["python", "/app/app.py"]\n',
      'b.Dockerfile': 'FROM python:3.11\nWORKDIR /app\nCOPY svc/ ./\nCMD ["python", "-m", "app"]\n',
    };
    const found = await se(files);
    assert.deepEqual(brief(found), ['svc/db.py:4:7 python-syntax-error IndentationError: unindent does not match any outer indentation level: the container fails when python /app/app.py imports /app/db.py']);
    assert.deepEqual(found[0].related.map((r) => `${r.file.slice(6)}:${r.range.start.line + 1} ${r.message}`), [
      'a.Dockerfile:3 the container runs python /app/app.py',
      'svc/app.py:1 svc/app.py (/app/app.py in the image) imports db',
      'b.Dockerfile:4 the container runs python -m app',
    ]);
  });

  it('names SyntaxError and TabError as Python does', async () => {
    const found = await se({ 'app.py': 'import a, b\n', 'a.py': 'x = (1,\n', 'b.py': 'if True:\n\tx = 1\n        y = 2\n', Dockerfile: 'FROM python:3.11\nCOPY *.py /app/\nCMD ["python", "/app/app.py"]\n' });
    assert.deepEqual(found.map((f) => `${f.file.slice(6)} ${f.message.split(':')[0]}`), ['a.py SyntaxError', 'b.py TabError']);
  });
});
