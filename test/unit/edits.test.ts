// Applying fix edits: LSP semantics, overlaps skipped, identical insertions once, positions past the end clamped.
import { strict as assert } from 'assert';
import { applyEdits } from '../../server/src/core/edits';
import { range } from '../../server/src/core/types';

describe('applyEdits', () => {
  const cases: [string, string, { range: ReturnType<typeof range>; newText: string }[], string][] = [
    ['replace and insert on other lines', 'a\nb\nc\n', [{ range: range(1, 0, 1, 1), newText: 'B' }, { range: range(3, 0, 3, 0), newText: 'd\n' }], 'a\nB\nc\nd\n'],
    ['two insertions at one place keep their order', 'x\n', [{ range: range(1, 0, 1, 0), newText: '1\n' }, { range: range(1, 0, 1, 0), newText: '2\n' }], 'x\n1\n2\n'],
    ['an identical insertion is applied once', '.git\n', [{ range: range(1, 0, 1, 0), newText: '.env\n' }, { range: range(1, 0, 1, 0), newText: '.env\n' }], '.git\n.env\n'],
    ['an overlapping edit is skipped', 'hello\n', [{ range: range(0, 0, 0, 3), newText: 'J' }, { range: range(0, 2, 0, 5), newText: 'X' }], 'Jlo\n'],
    ['a character past the line end is clamped to it', 'ab\ncd', [{ range: range(0, 99, 0, 99), newText: '!' }, { range: range(7, 0, 7, 0), newText: '?' }], 'ab!\ncd?'],
  ];
  for (const [name, text, edits, want] of cases) it(name, () => assert.equal(applyEdits(text, edits), want));
});
