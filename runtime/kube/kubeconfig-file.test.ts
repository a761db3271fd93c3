import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKubeconfig } from './kubeconfig-file.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function kubeconfig(
  user: string,
  cluster = `server: https://10.0.0.1:6443/\n      certificate-authority-data: ${b64('CA-PEM')}`,
) {
  return `
apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: dev
    context: { cluster: c1, user: u1, namespace: team-a }
  - name: other
    context: { cluster: c1, user: u1 }
clusters:
  - name: c1
    cluster:
      ${cluster}
users:
  - name: u1
    user:
      ${user}
`;
}

const files: Record<string, string> = {
  '/etc/kube/ca.pem': 'CA-FROM-FILE',
  '/etc/kube/client.crt': 'CERT-FROM-FILE',
  '/etc/kube/client.key': 'KEY-FROM-FILE',
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error('ENOENT');
  return text;
};
const parse = (text: string, context?: string) =>
  parseKubeconfig(text, { path: '/etc/kube/config', context, readFile });

describe('parseKubeconfig', () => {
  it('reads the current context: server, CA, client certificate, namespace', async () => {
    const connection = parse(
      kubeconfig(`client-certificate-data: ${b64('CERT')}\n      client-key-data: ${b64('KEY')}`),
    );
    assert.equal(connection.server, 'https://10.0.0.1:6443');
    assert.deepEqual(connection.tls, { ca: 'CA-PEM', cert: 'CERT', key: 'KEY', rejectUnauthorized: true });
    assert.equal(connection.namespace, 'team-a');
    assert.equal(connection.source, 'kubeconfig /etc/kube/config (context dev, https://10.0.0.1:6443)');
    assert.deepEqual(await connection.credentials(), { headers: {} });
  });

  it('resolves certificate files relative to the kubeconfig', () => {
    const connection = parse(
      kubeconfig(
        'client-certificate: client.crt\n      client-key: /etc/kube/client.key',
        'server: https://h:1\n      certificate-authority: ca.pem',
      ),
    );
    assert.equal(connection.tls.ca, 'CA-FROM-FILE');
    assert.equal(connection.tls.cert, 'CERT-FROM-FILE');
    assert.equal(connection.tls.key, 'KEY-FROM-FILE');
  });

  it('sends a bearer token or basic credentials', async () => {
    assert.deepEqual(await parse(kubeconfig('token: abc')).credentials(), {
      headers: { authorization: 'Bearer abc' },
    });
    assert.deepEqual(await parse(kubeconfig('username: ann\n      password: pw')).credentials(), {
      headers: { authorization: `Basic ${b64('ann:pw')}` },
    });
  });

  it('honours insecure-skip-tls-verify and tls-server-name, and a chosen context', () => {
    const connection = parse(
      kubeconfig(
        'token: t',
        'server: https://h:1\n      insecure-skip-tls-verify: true\n      tls-server-name: api.internal',
      ),
      'other',
    );
    assert.deepEqual(connection.tls, { rejectUnauthorized: false, servername: 'api.internal' });
    assert.equal(connection.namespace, 'default');
  });

  const refused: Array<[string, string, string | undefined, RegExp]> = [
    ['text that is not YAML', 'a: [', undefined, /is not YAML/],
    ['no current-context', 'apiVersion: v1\nkind: Config\n', undefined, /has no current-context/],
    [
      'an unknown context',
      kubeconfig('token: t'),
      'prod',
      /has no context named "prod" \(it has: "dev", "other"\)/,
    ],
    [
      'a cluster without a server',
      kubeconfig('token: t', 'insecure-skip-tls-verify: true'),
      undefined,
      /cluster "c1" has no server/,
    ],
    [
      'a missing certificate file',
      kubeconfig('token: t', 'server: https://h:1\n      certificate-authority: nowhere.pem'),
      undefined,
      /cluster "c1" certificate-authority \/etc\/kube\/nowhere.pem cannot be read/,
    ],
    [
      'a certificate without its key',
      kubeconfig(`client-certificate-data: ${b64('C')}`),
      undefined,
      /has a client certificate or key but not both/,
    ],
    [
      'a proxy-url',
      kubeconfig('token: t', 'server: https://h:1\n      proxy-url: http://proxy:3128'),
      undefined,
      /proxy-url/,
    ],
  ];
  for (const [name, text, context, message] of refused) {
    it(`refuses ${name}, naming the file`, () => {
      assert.throws(
        () => parse(text, context),
        (err: Error) => {
          assert.match(err.message, /kubeconfig \/etc\/kube\/config/);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});
