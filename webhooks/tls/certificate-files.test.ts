import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { createCertificateAuthority, issueCertificate } from '../../runtime/tls/certificate-issuer.js';
import { CertificateFiles } from './certificate-files.js';

const log = pino({ level: 'silent' });
const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000) };

async function pair() {
  const ca = await createCertificateAuthority('files-test-ca', validity);
  const serving = await issueCertificate(ca, {
    subject: 'CN=w',
    usage: 'serverAuth',
    dnsNames: ['w'],
    validity,
  });
  return { ca, serving };
}

describe('CertificateFiles (cert-manager and files modes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without the files, naming the directory and the flag', async () => {
    const files = new CertificateFiles({ dir: join(dir, 'absent'), log });
    await assert.rejects(files.start(), /--webhook-cert-dir .*absent must hold tls\.crt and tls\.key/);
  });

  it('serves the pair, takes a new one, and never half of a rotation', async () => {
    const first = await pair();
    writeFileSync(join(dir, 'tls.crt'), first.serving.certificate);
    writeFileSync(join(dir, 'tls.key'), first.serving.privateKey);
    writeFileSync(join(dir, 'ca.crt'), first.ca.certificate);
    const files = new CertificateFiles({ dir, log, pollMs: 20 });
    let changes = 0;
    files.onChange(() => changes++);
    await files.start();
    try {
      assert.equal(files.current().cert, first.serving.certificate);
      assert.equal(files.caBundle(), first.ca.certificate);

      const second = await pair();
      // The certificate arrives before its key: the old pair stays in force.
      writeFileSync(join(dir, 'tls.crt'), second.serving.certificate);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(files.current().cert, first.serving.certificate);
      assert.equal(changes, 0);

      writeFileSync(join(dir, 'tls.key'), second.serving.privateKey);
      writeFileSync(join(dir, 'ca.crt'), second.ca.certificate);
      for (let i = 0; i < 100 && changes === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(files.current().cert, second.serving.certificate);
      assert.equal(files.current().key, second.serving.privateKey);
      assert.equal(files.caBundle(), second.ca.certificate);
    } finally {
      await files.stop();
    }
  });
});
