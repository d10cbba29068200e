// Suppression comments: parsing, line/file scope, mirrors, unknown rule ids, unused directives and their removal, and the edits that add one.
import { strict as assert } from 'assert';
import { applyEdits } from '../../server/src/core/edits';
import { lint } from '../../server/src/core/lint';
import { rules } from '../../server/src/core/rules';
import { directivesOf, suppressionEdit } from '../../server/src/core/suppressions';
import { quickFixes } from '../../server/src/lsp/actions';
import { brief, lintRepo, memRepo, ROOT } from '../helpers/repo';
import { K } from './secrets/fakes';

const COPY_MISSING = 'FROM python:3.11\nCOPY missing.py /app/\n';

async function problems(files: Record<string, string>) {
  const r = await lintRepo(memRepo(files));
  return { findings: brief(r.findings), problems: r.suppressionProblems.map((p) => `${p.file.slice(ROOT.length + 1)}:${p.range.start.line + 1}:${p.range.start.character + 1}-${p.range.end.character + 1} ${p.kind} ${p.message}`), raw: r.suppressionProblems };
}

describe('suppressions', () => {
  it('parses line, next-line and file-wide directives with the range of each id', () => {
    const ds = directivesOf('x = 1  # deploylint: ignore[hardcoded-secret, port-mismatch]\n# deploylint: ignore\n# deploylint: ignore-file[missing-module]\n');
    assert.deepEqual(ds.map((d) => [d.line, d.target, d.alone, d.ids.map((x) => `${x.id}@${x.range.start.character}-${x.range.end.character}`)]), [
      [0, 0, false, ['hardcoded-secret@28-44', 'port-mismatch@46-59']],
      [1, 2, true, []],
      [2, 'file', true, ['missing-module@26-40']],
    ]);
  });

  it('a directive on the line above, and a file-wide one, suppress; another rule is not suppressed', async () => {
    assert.deepEqual((await problems({ Dockerfile: 'FROM python:3.11\n# deploylint: ignore[missing-copy-source]\nCOPY missing.py /app/\n' })).findings, []);
    assert.deepEqual((await problems({ Dockerfile: '# deploylint: ignore-file[missing-copy-source]\nFROM python:3.11\nCOPY missing.py /app/\n' })).findings, []);
    const other = await problems({ Dockerfile: 'FROM python:3.11\n# deploylint: ignore[port-mismatch]\nCOPY missing.py /app/\n' });
    assert.deepEqual(other.findings, ["Dockerfile:3:6 missing-copy-source COPY source 'missing.py' is not in the build context, the workspace root (inferred)"]);
    assert.deepEqual(other.problems, ['Dockerfile:2:1-36 unused unused suppression: no port-mismatch finding on the next line']);
  });

  it('a directive on the line where the editor mirrors a finding (the Python import) suppresses it', async () => {
    const files = {
      'app.py': 'from flask import Flask\nfrom helpers import greet  # deploylint: ignore[missing-module]\n\napp = Flask(__name__)\n',
      'helpers.py': 'def greet():\n    return 1\n',
      'requirements.txt': 'flask\ngunicorn\n',
      Dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py /app/\nCMD ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]\n',
    };
    const r = await problems(files);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.problems, []);
    const without = await problems({ ...files, 'app.py': files['app.py'].replace('  # deploylint: ignore[missing-module]', '') });
    assert.deepEqual(without.findings.map((f) => f.split(' ').slice(0, 2).join(' ')), ['Dockerfile:5:1 missing-module']);
  });

  it('an unknown rule id is reported at the id, with a did-you-mean fix or the valid ids', async () => {
    const r = await problems({ Dockerfile: `FROM python:3.11\n# deploylint: ignore[missing-copy-sorce, nope]\n${COPY_MISSING.split('\n')[1]}\n` });
    assert.deepEqual(r.problems, [
      "Dockerfile:2:22-40 unknown-rule unknown rule 'missing-copy-sorce' in a deploylint suppression; did you mean 'missing-copy-source'?",
      "Dockerfile:2:42-46 unknown-rule unknown rule 'nope' in a deploylint suppression; valid: missing-module, entrypoint-target, missing-copy-source, python-syntax-error, hardcoded-secret, secret-in-image, probe-too-short, worker-timeout-too-short, port-mismatch, missing-dependency, memory-limit-too-low, python-version-mismatch",
    ]);
    assert.deepEqual(r.raw[0].fixes.map((f) => [f.title, f.edits.map((e) => e.newText)]), [["Replace with 'missing-copy-source'", ['missing-copy-source']]]);
    assert.deepEqual(r.raw[1].fixes, []);
  });

  it('an unused directive has a fix that removes it: the whole line, the trailing comment, or one id of several', async () => {
    const alone = 'FROM python:3.11\n# deploylint: ignore[secret-in-image]\nCOPY app.py /app/\n';
    const a = await problems({ 'app.py': '', Dockerfile: alone });
    assert.deepEqual(a.problems, ['Dockerfile:2:1-38 unused unused suppression: no secret-in-image finding on the next line']);
    assert.equal(applyEdits(alone, a.raw[0].fixes[0].edits), 'FROM python:3.11\nCOPY app.py /app/\n');

    const py = 'import os\nKEY = os.environ["KEY"]  # deploylint: ignore[hardcoded-secret]\n';
    const p = await problems({ 'app.py': py, Dockerfile: 'FROM python:3.11\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n' });
    assert.deepEqual(p.problems, ['app.py:2:26-64 unused unused suppression: no hardcoded-secret finding on this line']);
    assert.equal(applyEdits(py, p.raw[0].fixes[0].edits), 'import os\nKEY = os.environ["KEY"]\n');

    const two = 'FROM python:3.11\n# deploylint: ignore[secret-in-image, missing-copy-source]\nCOPY missing.py /app/\n';
    const t = await problems({ Dockerfile: two });
    assert.deepEqual(t.findings, []);
    assert.deepEqual(t.problems, ['Dockerfile:2:22-37 unused unused suppression: no secret-in-image finding on the next line']);
    assert.deepEqual(t.raw[0].fixes.map((f) => f.title), ["Remove 'secret-in-image' from the suppression"]);
    assert.equal(applyEdits(two, t.raw[0].fixes[0].edits), 'FROM python:3.11\n# deploylint: ignore[missing-copy-source]\nCOPY missing.py /app/\n');
  });

  it('no unused report when the lint did not run every rule over the whole workspace, or the rule is off', async () => {
    const files = { 'app.py': '', Dockerfile: 'FROM python:3.11\n# deploylint: ignore[secret-in-image]\nCOPY app.py /app/\n' };
    const subset = await lint({ fs: memRepo(files), root: ROOT }, { rules: rules.filter((r) => r.id === 'secret-in-image') });
    assert.deepEqual(subset.suppressionProblems, []);
    const onePath = await lint({ fs: memRepo(files), root: ROOT, only: (p) => p === `${ROOT}/Dockerfile` });
    assert.deepEqual(onePath.suppressionProblems, []);
    assert.deepEqual((await problems({ ...files, '.deploylint.yaml': 'rules:\n  secret-in-image: off\n' })).problems, []);
  });

  it('the edit that adds a suppression: above the line with its indent, merged into one already there, file-wide after directives', () => {
    const df = '# syntax=docker/dockerfile:1\nFROM python:3.11\nRUN pip install \\\n    flask\n';
    assert.equal(applyEdits(df, [suppressionEdit('/r/Dockerfile', df, 'missing-dependency', 3)!]), '# syntax=docker/dockerfile:1\nFROM python:3.11\nRUN pip install \\\n    # deploylint: ignore[missing-dependency]\n    flask\n');
    assert.equal(applyEdits(df, [suppressionEdit('/r/Dockerfile', df, 'missing-dependency', 'file')!]), '# syntax=docker/dockerfile:1\n# deploylint: ignore-file[missing-dependency]\nFROM python:3.11\nRUN pip install \\\n    flask\n');
    const py = '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nKEY = "x"  # deploylint: ignore[port-mismatch]\n';
    assert.equal(applyEdits(py, [suppressionEdit('/r/a.py', py, 'hardcoded-secret', 2)!]), '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nKEY = "x"  # deploylint: ignore[port-mismatch, hardcoded-secret]\n');
    assert.equal(applyEdits(py, [suppressionEdit('/r/a.py', py, 'hardcoded-secret', 'file')!]), '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# deploylint: ignore-file[hardcoded-secret]\nKEY = "x"  # deploylint: ignore[port-mismatch]\n');
    const crlf = 'a: 1\r\nb: 2\r\n';
    assert.equal(applyEdits(crlf, [suppressionEdit('/r/k.yaml', crlf, 'hardcoded-secret', 1)!]), 'a: 1\r\n# deploylint: ignore[hardcoded-secret]\r\nb: 2\r\n');
    assert.equal(suppressionEdit('/r/creds.json', '{}', 'hardcoded-secret', 0), undefined);
  });

  describe('Python: a multi-line string is one line, and a # inside it is no directive', () => {
    const DF = 'FROM python:3.11\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n';
    const app = (closing: string, inside = '') => `import os\n\nCONFIG = """\n[openai]${inside}\napi_key = ${K.openaiProj}\n${closing}\nprint(CONFIG, os.environ.get("X"))\n`;
    const SECRET = `app.py:5:11 hardcoded-secret OpenAI API key ${K.openaiProj.slice(0, 12)}… (164 chars) is hardcoded in the source: anyone with the code or the image has it; read it from the environment (os.environ["OPENAI_API_KEY"])`;

    it('a directive after the closing quotes covers every line of the string; one inside the string is text', async () => {
      const text = app('"""  # deploylint: ignore[hardcoded-secret]', '\n# deploylint: ignore[port-mismatch]');
      assert.deepEqual(directivesOf(text, '/r/app.py').map((d) => [d.line, d.target, d.through, d.ids.map((x) => x.id)]), [[6, 2, 6, ['hardcoded-secret']]]);
      // Without knowing the file is Python, both look like directives, each covering its own line only.
      assert.deepEqual(directivesOf(text).map((d) => [d.line, d.target, d.through]), [[4, 5, 5], [6, 6, 6]]);
      const r = await problems({ Dockerfile: DF, 'app.py': text });
      assert.deepEqual(r.findings, []);
      assert.deepEqual(r.problems, []);
      assert.deepEqual((await problems({ Dockerfile: DF, 'app.py': app('"""') })).findings, [SECRET]);
      // A directive alone above the statement covers the string too.
      const above = app('"""').replace('CONFIG = """', '# deploylint: ignore[hardcoded-secret]\nCONFIG = """');
      assert.deepEqual(directivesOf(above, '/r/app.py').map((d) => [d.line, d.target, d.through]), [[2, 3, 6]]);
      assert.deepEqual((await problems({ Dockerfile: DF, 'app.py': above })).findings, []);
    });

    it('"Ignore on this line" for a line inside the string goes above the statement (or into its directive), never into the string', async () => {
      const text = app('"""');
      const edited = applyEdits(text, [suppressionEdit('/r/app.py', text, 'hardcoded-secret', 4)!]);
      assert.equal(edited, `import os\n\n# deploylint: ignore[hardcoded-secret]\nCONFIG = """\n[openai]\napi_key = ${K.openaiProj}\n"""\nprint(CONFIG, os.environ.get("X"))\n`);
      const r = await problems({ Dockerfile: DF, 'app.py': edited });
      assert.deepEqual([r.findings, r.problems], [[], []]);
      const indented = 'def f():\n    return """\n    x\n    """\n';
      assert.equal(applyEdits(indented, [suppressionEdit('/r/a.py', indented, 'hardcoded-secret', 2)!]), 'def f():\n    # deploylint: ignore[hardcoded-secret]\n    return """\n    x\n    """\n');
      const continued = 'X = "a" + \\\n    "b"\n';
      assert.equal(applyEdits(continued, [suppressionEdit('/r/a.py', continued, 'hardcoded-secret', 1)!]), '# deploylint: ignore[hardcoded-secret]\nX = "a" + \\\n    "b"\n');
      const merged = app('"""  # deploylint: ignore[port-mismatch]');
      assert.equal(applyEdits(merged, [suppressionEdit('/r/app.py', merged, 'hardcoded-secret', 4)!]), app('"""  # deploylint: ignore[port-mismatch, hardcoded-secret]'));
    });

    it('the quick fix: one "Ignore ... on this line" for diagnostics on two lines of one string, editing outside it', () => {
      const text = 'A = """\nx\ny\n"""\n';
      const diag = (line: number) => ({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, message: `m${line}`, source: 'deploylint', code: 'hardcoded-secret', data: { fixes: [] } });
      const actions = quickFixes([diag(1), diag(2)], '/r/a.py', text, (fix) => ({ changes: { a: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } }));
      assert.deepEqual(actions.map((a) => [a.title, a.diagnostics!.length, a.edit!.changes!.a.map((e) => `${e.range.start.line}:${e.range.start.character} ${JSON.stringify(e.newText)}`)]), [
        ['Ignore hardcoded-secret on this line', 2, ['0:0 "# deploylint: ignore[hardcoded-secret]\\n"']],
        ['Ignore hardcoded-secret in this file', 2, ['0:0 "# deploylint: ignore-file[hardcoded-secret]\\n"']],
      ]);
    });
  });
});
