// localDevCertificate: a private key paired with a self-signed certificate for localhost only is a local development key.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { localDevCertificate } from '../../../server/src/core/secrets/dev-cert';
import { memRepo, ROOT } from '../../helpers/repo';

// Generated for these tests with `openssl req -x509 -newkey rsa:2048 -nodes` (CN=localhost with SANs localhost and
// 127.0.0.1; CN=shop.example.com): test data, not credentials.
const data = (n: string) => fs.readFileSync(path.join(__dirname, 'dev-cert', n), 'utf8');

describe('secrets/dev-cert', () => {
  it('a key with its self-signed localhost certificate beside it', () => {
    const repo = memRepo({ 'nginx/certs/dev.key': data('localhost.key'), 'nginx/certs/dev.crt': data('localhost.crt') });
    assert.equal(localDevCertificate(repo, `${ROOT}/nginx/certs/dev.key`, data('localhost.key')), 'dev.crt');
  });
  it('a self-signed certificate for a real name is not local', () => {
    const repo = memRepo({ 'certs/shop.key': data('shop.key'), 'certs/shop.crt': data('shop.crt') });
    assert.equal(localDevCertificate(repo, `${ROOT}/certs/shop.key`, data('shop.key')), undefined);
  });
  it('a localhost certificate of another key does not vouch for this one', () => {
    const repo = memRepo({ 'certs/shop.key': data('shop.key'), 'certs/localhost.crt': data('localhost.crt') });
    assert.equal(localDevCertificate(repo, `${ROOT}/certs/shop.key`, data('shop.key')), undefined);
  });
  it('no certificate beside the key', () => {
    const repo = memRepo({ 'certs/dev.key': data('localhost.key') });
    assert.equal(localDevCertificate(repo, `${ROOT}/certs/dev.key`, data('localhost.key')), undefined);
  });
});
