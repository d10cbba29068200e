// A private key whose certificate beside it is self-signed for loopback names only: a local development TLS key.
import { X509Certificate, createPrivateKey } from 'crypto';
import { basename, dirname, join, readText } from '../fs';
import type { FileSystem } from '../fs';

/** Names that only ever resolve to the machine itself (RFC 6761 `localhost`, loopback addresses). */
function loopback(name: string): boolean {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(n) || n === '::1' || n === '0:0:0:0:0:0:0:1';
}

/**
 * The certificate file beside `keyFile` (same folder) that pairs with the key in `keyText`, when it is self-signed
 * (its issuer is its subject and it verifies with its own key) and every name it is for (the subject's CN and the
 * subjectAltName DNS and IP entries) is a loopback name: no client trusts such a certificate without a manual exception,
 * so the key authenticates nothing anyone else relies on. Undefined otherwise (an encrypted key, no such certificate).
 */
export function localDevCertificate(fs: FileSystem, keyFile: string, keyText: string): string | undefined {
  let key;
  try {
    key = createPrivateKey(keyText);
  } catch {
    return undefined;
  }
  const dir = dirname(keyFile);
  const names = fs.readDir(dir) ?? [];
  for (const n of names) {
    if (!/\.(crt|pem|cer|cert)$/i.test(n) || join(dir, n) === keyFile) continue;
    const text = readText(fs, join(dir, n));
    if (!text || !text.includes('BEGIN CERTIFICATE')) continue;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(text);
    } catch {
      continue;
    }
    let pairs = false;
    try {
      pairs = cert.checkPrivateKey(key) && cert.subject === cert.issuer && cert.verify(cert.publicKey);
    } catch {
      pairs = false;
    }
    if (!pairs) continue;
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    const alt = (cert.subjectAltName ?? '').split(/,\s*/).filter(Boolean).map((e) => e.replace(/^(?:DNS|IP Address):/, ''));
    const all = [...(cn ? [cn] : []), ...alt];
    if (all.length && all.every(loopback)) return basename(join(dir, n));
  }
  return undefined;
}
