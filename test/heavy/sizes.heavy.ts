// Inputs too big for `npm test` (run by `npm run fuzz`): the parser on 100,000-line files, clean and broken, never throws and keeps its structure.
import { strict as assert } from 'assert';
import { initPython, parsePython } from '../../server/src/core/python/parser';

before(async () => {
  await initPython();
});

describe('heavy: the parser on 100,000-line files', function () {
  this.timeout(0);

  it('100,000 assignments: one top-level name, every line counted, no error', () => {
    const info = parsePython('x = 1\n'.repeat(100000));
    assert.deepEqual([info.topLevelNames, info.lineCount, info.syntaxErrors], [['x'], 100001, []]);
  });

  it('100,000 lines of functions, classes, imports and strings: each one found, in order', () => {
    const blocks = Array.from({ length: 12500 }, (_, i) => `import m${i}\nclass C${i}:\n    def f(self):\n        return "s${i}"\n\n\ndef g${i}(): pass\n\n`);
    const info = parsePython(blocks.join(''));
    assert.equal(info.lineCount, 100001);
    assert.equal(info.imports.length, 12500);
    assert.deepEqual(info.imports.slice(-1).map((i) => [i.module, i.range.start.line]), [['m12499', 99992]]);
    assert.equal(info.functions.length, 25000);
    assert.deepEqual(info.functions.slice(0, 2).map((f) => f.name), ['C0.f', 'g0']);
    assert.deepEqual(info.strings.slice(-1).map((s) => [s.value, s.range.start.line]), [['s12499', 99995]]);
    assert.equal(info.topLevelNames.length, 37500);
  });

  it('a 100,000-line file broken in its middle: errors reported there, the imports after it still found', () => {
    const lines = Array.from({ length: 100000 }, (_, i) => (i === 50000 ? 'def broken(:' : `import m${i}`));
    const info = parsePython(lines.join('\n'));
    assert.equal(info.syntaxErrors[0]?.range.start.line, 50000);
    assert.ok(info.imports.length >= 99990, String(info.imports.length));
  });
});
