import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderKubeconfig } from './kubeconfig.js';

describe('renderKubeconfig', () => {
  it('embeds the CA and client certificate and selects its context', () => {
    const text = renderKubeconfig({
      name: 'agent-governor',
      server: 'https://127.0.0.1:6443',
      caCertificate: 'CA PEM',
      clientCertificate: 'CERT PEM',
      clientKey: 'KEY PEM',
      user: 'admin',
    });
    const config = parse(text);
    const decode = (value: string) => Buffer.from(value, 'base64').toString();
    assert.equal(config['current-context'], 'agent-governor');
    assert.deepEqual(config.contexts, [
      { name: 'agent-governor', context: { cluster: 'agent-governor', user: 'admin' } },
    ]);
    assert.equal(config.clusters[0].cluster.server, 'https://127.0.0.1:6443');
    assert.equal(decode(config.clusters[0].cluster['certificate-authority-data']), 'CA PEM');
    assert.equal(decode(config.users[0].user['client-certificate-data']), 'CERT PEM');
    assert.equal(decode(config.users[0].user['client-key-data']), 'KEY PEM');
  });
});
