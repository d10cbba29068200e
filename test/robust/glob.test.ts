// Pattern matching on hostile input: Docker's .dockerignore semantics kept, no crash on regex metacharacters, no catastrophic backtracking.
import { strict as assert } from 'assert';
import { globMatcher } from '../../server/src/core/config';
import { BuildContext, parseIgnoreFile } from '../../server/src/core/docker/context';
import { matchSegment } from '../../server/src/core/docker/image';
import { GitIgnore } from '../../server/src/core/secrets/gitignore';
import { DockerIgnore, goMatch } from '../../server/src/core/text/glob';
import { lintRepo, memRepo, ROOT } from '../helpers/repo';

const ignores = (patterns: string, path: string) => new DockerIgnore(parseIgnoreFile(patterns).map((p) => p.pattern)).ignores(path);

describe('robust: .dockerignore matching (moby/patternmatcher semantics)', () => {
  const cases: [string, string, boolean][] = [
    ['app(', 'app(', true],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['{x,y}', '{x,y}', true],
    ['{x,y}', 'x', false],
    ['a|b', 'a', false],
    ['a|b', 'a|b', true],
    ['$x', '$x', true],
    ['*.py(c)', 'm.py(c)', true],
    ['*.pyc', 'm.pyc', true],
    ['*.pyc', 'pkg/m.pyc', false],
    ['**/*.pyc', 'pkg/sub/m.pyc', true],
    ['**/*.pyc', 'm.pyc', true],
    ['**/__pycache__', 'a/__pycache__/x.pyc', true],
    ['**foo', 'xfoo', true], // suffix match: `**` first and only literals after
    ['**/foo', 'xfoo', false],
    ['**/foo', 'foo', true],
    ['docs/**', 'docs/a/b', true],
    ['docs/**', 'docs', false],
    ['docs', 'docs/a/b.md', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['?.txt', 'a.txt', true],
    ['?.txt', '/.txt', false],
    ['[a-c].txt', 'b.txt', true],
    ['[^a-c].txt', 'b.txt', false],
    ['[^a-c].txt', 'd.txt', true],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['/abs/path', 'abs/path', true],
    ['./rel/../x', 'x', true],
    ['Secret.env', 'secret.env', false], // case-sensitive, as Docker on Linux
    ['  spaced  ', 'spaced', true],
    ['  # not a comment', '# not a comment', true],
    ['# a comment', '# a comment', false],
    ['*\n!keep.txt', 'keep.txt', false],
    ['*\n!keep.txt', 'other.txt', true],
    ['src\n!src/keep.py', 'src/keep.py', false],
    ['src\n!src/keep.py', 'src/other.py', true],
  ];
  for (const [pattern, path, want] of cases) {
    it(`${JSON.stringify(pattern)} ${want ? 'excludes' : 'keeps'} ${path}`, () => assert.equal(ignores(pattern, path), want));
  }

  it('a pattern with a parenthesis lints (it crashed the linter: an unterminated regexp group)', async () => {
    const fs = memRepo({ Dockerfile: 'FROM python:3.11\nCOPY app( /app/\nCOPY main.py /app/\n', 'app(': '', 'main.py': '', '.dockerignore': 'app(\n' });
    const r = await lintRepo(fs);
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${f.range.start.line + 1}`), ['missing-copy-source 2']);
    assert.ok(!r.notices.some((n) => /internal error/.test(n.message)), r.notices.map((n) => n.message).join('\n'));
  });

  it('a malformed pattern (Docker fails the build on it) excludes nothing and is reported with its line', () => {
    const ctx = new BuildContext(memRepo({}), ROOT, `${ROOT}/.dockerignore`, parseIgnoreFile('ok.txt\n[unclosed\n!\n'));
    assert.deepEqual(ctx.problems, [{ line: 1, message: 'syntax error in pattern' }, { line: 2, message: 'illegal exclusion pattern: "!"' }]);
    assert.equal(ctx.isIgnored('[unclosed'), false);
    assert.equal(ctx.isIgnored('ok.txt'), true);
  });

  it('patterns that backtrack catastrophically as regular expressions answer at once', () => {
    // With @balena/dockerignore the second took 33 s and the first 0.6 s (28 characters).
    assert.equal(ignores('*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
    assert.equal(ignores('**/**/**/**/**/**/**/**/**/**/x', 'a/'.repeat(2000) + 'y'), false);
    assert.equal(ignores('**/**/**/**/**/**/**/**/**/**/x', 'a/'.repeat(2000) + 'x'), true);
  });

  it('.gitignore matching uses the same linear matcher', () => {
    const fs = memRepo({ '.gitignore': '*a*a*a*a*a*a*a*a*a*b\n(unbalanced\n', [`${'a'.repeat(300)}.txt`]: '', '(unbalanced': '' });
    const g = new GitIgnore(fs, ROOT);
    assert.equal(g.isIgnored(`${ROOT}/${'a'.repeat(300)}.txt`), false);
    assert.equal(g.isIgnored(`${ROOT}/(unbalanced`), true);
  });
});

describe('robust: Go filepath.Match for COPY sources', () => {
  const cases: [string, string, boolean][] = [
    ['*.py', 'main.py', true],
    ['*.py', 'main.pyc', false],
    ['ma?n.py', 'main.py', true],
    ['[mn]ain.py', 'nain.py', true],
    ['[^m]ain.py', 'main.py', false],
    ['\\*', '*', true],
    ['a(b)', 'a(b)', true],
    ['[unclosed', '[unclosed', false],
    ['[]', '[]', false],
    ['trailing\\', 'trailing\\', false],
    ['ü*', 'über', true],
    ['?ber', 'über', true],
  ];
  for (const [pattern, name, want] of cases) it(`${pattern} ${want ? 'matches' : 'does not match'} ${name}`, () => assert.equal(matchSegment(pattern, name), want));

  it('many stars against a long name answer at once', () => {
    assert.equal(goMatch('*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(10_000)), false);
  });

  it('COPY --exclude with many ** segments against a deep path answers at once', async () => {
    const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');
    const fs = memRepo({ Dockerfile: `FROM python:3.11\nCOPY --exclude=**/**/**/**/**/**/**/**/**/**/nomatch . /app/\n`, [`${deep}/f.py`]: '' });
    const r = await lintRepo(fs);
    assert.deepEqual(r.findings, []);
  });
});

describe('robust: workspace exclude globs', () => {
  it('match as before and in linear time', () => {
    const m = globMatcher(['**/gen/**', 'build', 'a?c/*.py', '*a*a*a*a*a*a*a*a*a*b']);
    assert.deepEqual(['x/gen/y.py', 'build/z', 'abc/m.py', 'abc/d/m.py', 'src/a.py', 'a'.repeat(3000)].map(m), [true, true, true, false, false, false]);
  });
});
