// Masking: exact renderings, and for every detector's sample that the output never reveals more than a quarter.
import { strict as assert } from 'assert';
import { describeSecret, maskSecret, scanValue } from '../../../server/src/core/secrets';
import { K, serviceAccountJson } from './fakes';

/** The revealed part of a masked rendering: everything before the ellipsis. */
const revealed = (masked: string) => masked.slice(0, masked.indexOf('…'));

describe('secrets/mask', () => {
  // FAKE values, concatenated.
  const exact: [string, string][] = [
    ['sk-' + 'proj-' + 'Ab12' + 'Cd34'.repeat(38), 'sk-proj-Ab12… (164 chars)'],
    ['sk-' + 'ant-api03-' + 'Zq9W' + 'k'.repeat(91), 'sk-ant-api03-Zq9W… (108 chars)'],
    ['ghp_' + 'R7kQ' + 'm'.repeat(32), 'ghp_R7kQ… (40 chars)'],
    ['AKIA' + 'Z7QW' + 'R'.repeat(12), 'AKIAZ… (20 chars)'],
    ['SK' + 'a1b2' + 'c'.repeat(28), 'SKa1b2… (34 chars)'],
    ['sk_' + 'live_' + 'Xy' + 'z'.repeat(22), 'sk_live_… (32 chars)'],
    ['-----BEGIN RSA ' + 'PRIVATE KEY-----\nMIIE' + 'A'.repeat(200), '-----BEGIN RSA PRIVATE KEY-----… (236 chars)'],
    ['abc', '… (3 chars)'],
    ['a', '… (1 char)'],
    ['', '… (0 chars)'],
    ['hunter99', 'hu… (8 chars)'],
    ['Tr0ub4dor&3xYz!9', 'Tr0u… (16 chars)'],
    ['ab cdefghijklmnop', 'ab… (17 chars)'],
    ['π'.repeat(8), 'ππ… (8 chars)'],
  ];
  for (const [value, expected] of exact) it(`masks ${JSON.stringify(expected)}`, () => assert.equal(maskSecret(value), expected));

  it('describes a match with its provider', () => {
    const value = 'key = "' + K.githubPat + '"';
    const [m] = scanValue(value);
    assert.equal(describeSecret(m!, value), 'GitHub personal access token ' + K.githubPat.slice(0, 8) + '… (40 chars)');
  });

  const samples: [string, string][] = [
    ...Object.entries(K),
    ['service account', serviceAccountJson()],
    ['short password', 'abc'],
    ['8-char password', 'x9Q!w2Ez'],
  ];
  for (const [title, sample] of samples) {
    it(`never reveals more than 25%: ${title}`, () => {
      const secrets = scanValue(sample).map((m) => sample.slice(m.start, m.end));
      for (const s of secrets.length ? secrets : [sample]) {
        const shown = revealed(maskSecret(s));
        assert.ok(!maskSecret(s).includes(s) || s === '', 'whole secret shown');
        assert.ok(Array.from(shown).length <= Math.floor(Array.from(s).length / 4), `too much shown: ${shown.length} of ${s.length}`);
        assert.ok(s.startsWith(shown));
      }
    });
  }
});
