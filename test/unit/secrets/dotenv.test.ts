// .env parser: assignments, quoting, comments, CRLF, and mapping value offsets back to the file.
import { strict as assert } from 'assert';
import { dotenvValuePosition, parseDotenv, scanValue } from '../../../server/src/core/secrets';
import type { DotenvEntry } from '../../../server/src/core/secrets';
import { range } from '../../../server/src/core/types';
import { K } from './fakes';

const entry = (name: string, value: string, line: number, nameRange: DotenvEntry['nameRange'], valueRange: DotenvEntry['valueRange']): DotenvEntry => ({
  name,
  value,
  nameRange,
  valueRange,
  line,
});

describe('secrets/parseDotenv', () => {
  const cases: { title: string; text: string; expected: DotenvEntry[] }[] = [
    { title: 'plain', text: 'A=1', expected: [entry('A', '1', 0, range(0, 0, 0, 1), range(0, 2, 0, 3))] },
    { title: 'export', text: 'export TOKEN=abc', expected: [entry('TOKEN', 'abc', 0, range(0, 7, 0, 12), range(0, 13, 0, 16))] },
    { title: 'spaces around =', text: '  KEY = value  ', expected: [entry('KEY', 'value', 0, range(0, 2, 0, 5), range(0, 8, 0, 13))] },
    { title: 'double quotes', text: 'K="a b # c"', expected: [entry('K', 'a b # c', 0, range(0, 0, 0, 1), range(0, 3, 0, 10))] },
    { title: 'single quotes', text: "K='x'  # note", expected: [entry('K', 'x', 0, range(0, 0, 0, 1), range(0, 3, 0, 4))] },
    { title: 'escaped quote kept as written', text: 'K="a\\"b"', expected: [entry('K', 'a\\"b', 0, range(0, 0, 0, 1), range(0, 3, 0, 7))] },
    { title: 'inline comment', text: 'K=abc # the key', expected: [entry('K', 'abc', 0, range(0, 0, 0, 1), range(0, 2, 0, 5))] },
    { title: '# without space is part of the value', text: 'K=abc#def', expected: [entry('K', 'abc#def', 0, range(0, 0, 0, 1), range(0, 2, 0, 9))] },
    { title: 'empty value', text: 'K=', expected: [entry('K', '', 0, range(0, 0, 0, 1), range(0, 2, 0, 2))] },
    { title: 'empty quoted value', text: 'K=""', expected: [entry('K', '', 0, range(0, 0, 0, 1), range(0, 3, 0, 3))] },
    { title: 'comment-only value', text: 'K= # nothing', expected: [entry('K', '', 0, range(0, 0, 0, 1), range(0, 3, 0, 3))] },
    {
      title: 'comments, blank lines and junk are skipped; CRLF',
      text: '# header\r\n\r\nnot an assignment\r\nA=1\r\nB="two"\r\n',
      expected: [entry('A', '1', 3, range(3, 0, 3, 1), range(3, 2, 3, 3)), entry('B', 'two', 4, range(4, 0, 4, 1), range(4, 3, 4, 6))],
    },
    {
      title: 'multi-line quoted value',
      text: 'KEY="line1\nline2"\nNEXT=1',
      expected: [
        entry('KEY', 'line1\nline2', 0, range(0, 0, 0, 3), range(0, 5, 1, 5)),
        entry('NEXT', '1', 2, range(2, 0, 2, 4), range(2, 5, 2, 6)),
      ],
    },
    {
      title: 'multi-line value in a CRLF file',
      text: "K='a\r\nb'\r\nZ=9",
      expected: [entry('K', 'a\nb', 0, range(0, 0, 0, 1), range(0, 3, 1, 1)), entry('Z', '9', 2, range(2, 0, 2, 1), range(2, 2, 2, 3))],
    },
    {
      title: 'unterminated quote: the rest of the line',
      text: 'K="abc\nL=2',
      expected: [entry('K', '"abc', 0, range(0, 0, 0, 1), range(0, 2, 0, 6)), entry('L', '2', 1, range(1, 0, 1, 1), range(1, 2, 1, 3))],
    },
    { title: 'dotted and dashed names', text: 'db.password=x', expected: [entry('db.password', 'x', 0, range(0, 0, 0, 11), range(0, 12, 0, 13))] },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(parseDotenv(c.text), c.expected));

  it('maps a match in a multi-line value back to the file', () => {
    // FAKE key, concatenated in fakes.ts.
    const text = 'PRIVATE_KEY="' + K.rsaKey + '"\nOPENAI_API_KEY=' + K.openaiLegacy + '\n';
    const entries = parseDotenv(text);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['PRIVATE_KEY', 'OPENAI_API_KEY'],
    );
    const found = entries.map((e) => scanValue(e.value, { name: e.name }).map((m) => [dotenvValuePosition(e, m.start), dotenvValuePosition(e, m.end)]));
    assert.deepEqual(found, [
      [[{ line: 0, character: 13 }, { line: 5, character: 29 }]],
      [[{ line: 6, character: 15 }, { line: 6, character: 66 }]],
    ]);
  });
});
