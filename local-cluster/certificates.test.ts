import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  type ClusterCertificates,
  createClusterCertificates,
  defaultCertificateOptions,
} from './certificates.js';

const serverAuth = '1.3.6.1.5.5.7.3.1';
const clientAuth = '1.3.6.1.5.5.7.3.2';

describe('createClusterCertificates', () => {
  let certificates: ClusterCertificates;
  let ca: X509Certificate;
  const parse = (pem: string) => new X509Certificate(pem);

  before(async () => {
    certificates = await createClusterCertificates();
    ca = parse(certificates.ca.certificate);
  });

  it('makes a self-signed CA', () => {
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'CN=agent-governor-ca');
    assert.ok(ca.verify(ca.publicKey));
    assert.ok(ca.checkPrivateKey(createPrivateKey(certificates.ca.privateKey)));
  });

  it('serves the API server on loopback and the in-cluster service names', () => {
    const server = parse(certificates.apiServer.certificate);
    assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey));
    assert.equal(server.ca, false);
    assert.deepEqual(server.keyUsage, [serverAuth]);
    for (const name of [
      'IP Address:127.0.0.1',
      'DNS:localhost',
      'DNS:kubernetes.default.svc.cluster.local',
    ]) {
      assert.ok(
        server.subjectAltName?.split(', ').includes(name),
        `${name} missing from ${server.subjectAltName}`,
      );
    }
    assert.equal(server.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
    assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1');
    assert.ok(server.checkPrivateKey(createPrivateKey(certificates.apiServer.privateKey)));
  });

  it('gives the admin system:masters and the controller manager its RBAC user name', () => {
    const admin = parse(certificates.admin.certificate);
    assert.match(admin.subject, /^O=system:masters$/m);
    assert.match(admin.subject, /^CN=agent-governor-admin$/m);
    assert.deepEqual(admin.keyUsage, [clientAuth]);
    const controllerManager = parse(certificates.controllerManager.certificate);
    assert.equal(controllerManager.subject, 'CN=system:kube-controller-manager');
    assert.deepEqual(controllerManager.keyUsage, [clientAuth]);
    for (const client of [admin, controllerManager, parse(certificates.frontProxyClient.certificate)]) {
      assert.ok(client.verify(ca.publicKey));
      assert.equal(client.subjectAltName, undefined);
    }
  });

  it('backdates validity by an hour and lasts as long as asked', async () => {
    const short = await createClusterCertificates({
      ...defaultCertificateOptions,
      validForMs: 24 * 3600_000,
    });
    const cert = parse(short.admin.certificate);
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    assert.ok(Date.now() - from >= 3590_000 && Date.now() - from < 3700_000, cert.validFrom);
    assert.ok(Math.abs(to - Date.now() - 24 * 3600_000) < 60_000, cert.validTo);
  });

  it('pairs the ServiceAccount signing key with its public key', () => {
    const data = Buffer.from('token payload');
    const signature = sign('sha256', data, createPrivateKey(certificates.serviceAccount.privateKey));
    assert.ok(verify('sha256', data, createPublicKey(certificates.serviceAccount.publicKey), signature));
    assert.match(certificates.serviceAccount.publicKey, /^-----BEGIN PUBLIC KEY-----/);
    assert.match(certificates.serviceAccount.privateKey, /^-----BEGIN PRIVATE KEY-----/);
  });

  it('uses a fresh key for every certificate', () => {
    const keys = [
      certificates.ca,
      certificates.apiServer,
      certificates.admin,
      certificates.controllerManager,
    ].map((pair) => pair.privateKey);
    assert.equal(new Set([...keys, certificates.serviceAccount.privateKey]).size, 5);
  });
});
