// parseDuration: Go duration grammar as Docker and Compose accept it, in seconds.
import { strict as assert } from 'assert';
import { parseDuration } from '../../../server/src/core/manifests';

describe('manifests: parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['10s', 10],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['1h', 3600],
    ['2h45m', 9900],
    ['1.5s', 1.5],
    ['.5m', 30],
    ['1.s', 1],
    ['250us', 0.00025],
    ['250µs', 0.00025],
    ['250μs', 0.00025],
    ['100ns', 1e-7],
    ['1m0.5s', 60.5],
    ['0', 0],
    ['0s', 0],
    ['+5s', 5],
    ['-5s', -5],
    [' 30s ', 30],
    ['30', undefined],
    ['', undefined],
    ['s', undefined],
    ['.s', undefined],
    ['10 s', undefined],
    ['10d', undefined],
    ['1m30', undefined],
    ['10S', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(parseDuration(text), expected));
  }
});
