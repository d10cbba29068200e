// Offline token checksums: CRC-32 reference values, base62 and GitHub's token checksum.
import { strict as assert } from 'assert';
import { crc32, githubChecksumValid, toBase62 } from '../../../server/src/core/secrets/checksum';
import { ALPHA, K, rnd } from './fakes';

describe('secrets/checksum', () => {
  const crcs: [string, number][] = [
    ['', 0],
    ['a', 0xe8b7be43],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ];
  for (const [s, c] of crcs) it(`crc32(${JSON.stringify(s)})`, () => assert.equal(crc32(s), c));

  const b62: [number, number, string][] = [
    [0, 6, '000000'],
    [61, 1, 'z'],
    [62, 1, '10'],
    [0xffffffff, 6, '4gfFC3'],
  ];
  for (const [n, w, s] of b62) it(`toBase62(${n})`, () => assert.equal(toBase62(n, w), s));

  // FAKE tokens (fakes.ts computes the checksum with Node's zlib, independently of crc32 above).
  const tokens: [string, string, boolean][] = [
    ['valid ghp_', K.githubPat, true],
    ['valid gho_', K.githubOauth, true],
    ['bad checksum', K.githubPatBadChecksum, false],
    ['one body character changed', K.githubPat.slice(0, 10) + (K.githubPat[10] === 'a' ? 'b' : 'a') + K.githubPat.slice(11), false],
    ['wrong prefix', 'ghx_' + K.githubPat.slice(4), false],
    ['too short', 'ghp_' + rnd(ALPHA.base62, 35, 95), false],
  ];
  for (const [title, token, valid] of tokens) it(title, () => assert.equal(githubChecksumValid(token), valid));
});
