// Shell word splitting, expansion and shlex splitting for Dockerfile shell-form commands.
import { strict as assert } from 'assert';
import { ShellEnv, expandWord, shlexSplit, splitShell } from '../../../server/src/core/entrypoint/shell';

/** Words of each simple command, as their unquoted text. */
const texts = (cmd: string): string[][] => splitShell(cmd).map((c) => c.map((w) => w.text));

describe('entrypoint/shell', () => {
  describe('splitShell', () => {
    const cases: Array<[string, string[][]]> = [
      ['gunicorn app:app', [['gunicorn', 'app:app']]],
      ['cd /app && exec gunicorn x:y', [['cd', '/app'], ['exec', 'gunicorn', 'x:y']]],
      ['a || b; c | d & e', [['a'], ['b'], ['c'], ['d'], ['e']]],
      ['a\nb\n\nc', [['a'], ['b'], ['c']]],
      [`echo 'a b' "c d" e\\ f`, [['echo', 'a b', 'c d', 'e f']]],
      [`echo "x\\"y" 'it''s' "\\$HOME" "\\q"`, [['echo', 'x"y', 'its', '$HOME', '\\q']]],
      ['gunicorn \\\n  --bind :8080 \\\n  app:app', [['gunicorn', '--bind', ':8080', 'app:app']]],
      ['gunicorn --bind=":$PORT" app:app', [['gunicorn', '--bind=:$PORT', 'app:app']]],
      ['run > /dev/null 2>&1 && next', [['run'], ['next']]],
      ['run 2> err.log >>out.log <in x', [['run', 'x']]],
      ['run &> all.log', [['run']]],
      ['echo $(date +%s; echo x) `id -u` ${A:-"b c"}', [['echo', '$(date +%s; echo x)', '`id -u`', '${A:-"b c"}']]],
      ['gunicorn app:app # the server', [['gunicorn', 'app:app']]],
      ['a#b c', [['a#b', 'c']]],
      ['(cd x; y)', [['cd', 'x'], ['y']]],
      ['', []],
      ['FOO="a b" BAR=1 cmd', [['FOO=a b', 'BAR=1', 'cmd']]],
    ];
    for (const [cmd, expected] of cases) {
      it(JSON.stringify(cmd), () => assert.deepEqual(texts(cmd), expected));
    }

    it('keeps offsets, raw text, quoting and expansion flags', () => {
      const cmd = `exec gunicorn -b ":$PORT" 'a:b'`;
      assert.deepEqual(splitShell(cmd), [[
        { text: 'exec', start: 0, end: 4, raw: 'exec', quoted: false, hasExpansion: false },
        { text: 'gunicorn', start: 5, end: 13, raw: 'gunicorn', quoted: false, hasExpansion: false },
        { text: '-b', start: 14, end: 16, raw: '-b', quoted: false, hasExpansion: false },
        { text: ':$PORT', start: 17, end: 25, raw: '":$PORT"', quoted: true, hasExpansion: true },
        { text: 'a:b', start: 26, end: 31, raw: "'a:b'", quoted: true, hasExpansion: false },
      ]]);
    });

    it('does not count a lone or single-quoted $ as an expansion', () => {
      const words = splitShell(`echo $ '$X' a$`)[0];
      assert.deepEqual(words.map((w) => [w.text, w.hasExpansion]), [['echo', false], ['$', false], ['$X', false], ['a$', false]]);
    });
  });

  describe('expandWord', () => {
    const env: ShellEnv = { PORT: '8080', EMPTY: '', OPTS: '-w 4  --preload', HOST: '0.0.0.0', CLOUD: undefined };
    const cases: Array<[string, string, boolean, string[]]> = [
      // raw word, value, unknown, fields
      ['$PORT', '8080', false, ['8080']],
      ['${PORT}', '8080', false, ['8080']],
      [':$PORT', ':8080', false, [':8080']],
      ['$HOST:${PORT}', '0.0.0.0:8080', false, ['0.0.0.0:8080']],
      ['$MISSING', '$MISSING', true, ['$MISSING']],
      ['${MISSING:-8000}', '8000', false, ['8000']],
      ['${MISSING-8000}', '8000', false, ['8000']],
      ['${EMPTY:-8000}', '8000', false, ['8000']],
      ['${EMPTY-8000}', '', false, []],
      ['${PORT:-8000}', '8080', false, ['8080']],
      ['${PORT:+set}', 'set', false, ['set']],
      ['${MISSING:+set}', '', false, []],
      ['${EMPTY:+set}', '', false, []],
      ['${EMPTY+set}', 'set', false, ['set']],
      ['${MISSING:=9}', '9', false, ['9']],
      ['${MISSING:-${PORT}}', '8080', false, ['8080']],
      ['${MISSING:-$OTHER}', '${MISSING:-$OTHER}', true, ['${MISSING:-$OTHER}']],
      ['$CLOUD', '$CLOUD', true, ['$CLOUD']],
      ['${CLOUD:-8080}', '${CLOUD:-8080}', true, ['${CLOUD:-8080}']],
      ["'$PORT'", '$PORT', false, ['$PORT']],
      ['"$PORT"', '8080', false, ['8080']],
      ['\\$PORT', '$PORT', false, ['$PORT']],
      ['$OPTS', '-w 4 --preload', false, ['-w', '4', '--preload']],
      ['"$OPTS"', '-w 4  --preload', false, ['-w 4  --preload']],
      ['$EMPTY', '', false, []],
      ['"$EMPTY"', '', false, ['']],
      ['$(hostname):80', '$(hostname):80', true, ['$(hostname):80']],
      ['`hostname`', '`hostname`', true, ['`hostname`']],
      ['$1', '$1', true, ['$1']],
      ['${#PORT}', '${#PORT}', true, ['${#PORT}']],
      ['a\\ b', 'a b', false, ['a b']],
      ['${MISSING:-"a b"}', 'a b', false, ['a b']],
      ['${MISSING:-a b}', 'a b', false, ['a', 'b']],
      ['"${MISSING:-a b}"', 'a b', false, ['a b']],
    ];
    for (const [raw, value, unknown, fields] of cases) {
      it(raw, () => assert.deepEqual(expandWord(raw, env), { value, unknown, fields }));
    }

    it('takes a ShellWord and uses what was quoted in it', () => {
      const [, w] = splitShell(`x "$HOST":'$PORT'`)[0];
      assert.deepEqual(expandWord(w, env), { value: '0.0.0.0:$PORT', unknown: false, fields: ['0.0.0.0:$PORT'] });
    });
  });

  describe('shlexSplit', () => {
    const cases: Array<[string, string[]]> = [
      ['--bind=0.0.0.0:80 --workers 2', ['--bind=0.0.0.0:80', '--workers', '2']],
      [`--access-logformat '%(h)s "%(r)s"' -k gevent`, ['--access-logformat', '%(h)s "%(r)s"', '-k', 'gevent']],
      ['"a\\"b" c\\ d $X', ['a"b', 'c d', '$X']],
      ['  ', []],
    ];
    for (const [s, expected] of cases) {
      it(s, () => assert.deepEqual(shlexSplit(s), expected));
    }
  });
});
