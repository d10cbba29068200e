// Offline checksums embedded in provider tokens (GitHub's CRC32 in base62), checked without any network call.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, the zlib polynomial) of the UTF-16 code units of an ASCII string. */
export function crc32(ascii: string): number {
  const table = (crcTable ??= buildCrcTable());
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) crc = table[(crc ^ ascii.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function buildCrcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** `n` in base62 (digits, then upper case, then lower case), left-padded with '0' to `width`. */
export function toBase62(n: number, width: number): string {
  let s = '';
  let v = n;
  do {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  } while (v > 0);
  return s.padStart(width, '0');
}

/**
 * True when a classic GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 base62 characters)
 * carries a valid checksum: its last 6 characters are the base62 CRC-32 of the 30 characters
 * between the prefix and the checksum.
 */
export function githubChecksumValid(token: string): boolean {
  const m = /^gh[pousr]_([A-Za-z0-9]{30})([A-Za-z0-9]{6})$/.exec(token);
  if (!m) return false;
  return toBase62(crc32(m[1]!), 6) === m[2];
}
