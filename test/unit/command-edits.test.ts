// Edits to a Dockerfile command line: replacing an argument or inserting options in the instruction's own form.
import { strict as assert } from 'assert';
import { applyEdits } from '../../server/src/core/edits';
import { insertOptionsEdit, replaceArgEdit } from '../../server/src/core/rules/command-edits';
import { range } from '../../server/src/core/types';

const apply = (line: string, e: ReturnType<typeof replaceArgEdit>) => (e ? applyEdits(line, [e]) : undefined);

describe('command edits', () => {
  const replace: [string, string, Parameters<typeof replaceArgEdit>[2], string, string | undefined][] = [
    ['a shell word', 'CMD gunicorn web:app', { value: 'web:app', index: 3, range: range(0, 13, 0, 20) }, 'web.main:app', 'CMD gunicorn web.main:app'],
    ['a single-quoted shell word', "CMD gunicorn 'web:app'", { value: 'web:app', index: 3, range: range(0, 13, 0, 22) }, 'web.main:app', "CMD gunicorn 'web.main:app'"],
    ['a JSON element', 'CMD ["gunicorn", "web:app"]', { value: 'web:app', index: 1, range: range(0, 17, 0, 26) }, 'w:app', 'CMD ["gunicorn", "w:app"]'],
    ['the value part of a JSON element (content range)', 'CMD ["gunicorn", "--timeout=30"]', { value: '30', index: 1, start: 10, end: 12, range: range(0, 28, 0, 30) }, '90', 'CMD ["gunicorn", "--timeout=90"]'],
    ['text that is not what was parsed (came through a variable)', 'CMD gunicorn $APP', { value: 'web:app', index: 1, range: range(0, 13, 0, 17) }, 'x', undefined],
  ];
  for (const [name, line, ref, value, want] of replace) {
    it(`replaces ${name}`, () => assert.equal(apply(line, replaceArgEdit('/f', [line], ref, value)), want));
  }

  it('inserts options before the target, as JSON elements or shell words', () => {
    const json = 'CMD ["gunicorn", "web:app"]';
    assert.equal(apply(json, insertOptionsEdit('/f', [json], { value: 'web:app', index: 1, range: range(0, 17, 0, 26) }, ['--timeout', '90'], 'before')), 'CMD ["gunicorn", "--timeout", "90", "web:app"]');
    const shell = 'CMD gunicorn web:app';
    assert.equal(apply(shell, insertOptionsEdit('/f', [shell], { value: 'web:app', index: 1, range: range(0, 13, 0, 20) }, ['--preload'], 'before')), 'CMD gunicorn --preload web:app');
  });
});
