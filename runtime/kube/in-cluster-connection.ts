// The pod's own ServiceAccount: the API server from the service environment variables, the
// projected token and CA mounted at the well-known path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConnection } from './kube-connection.js';
import { tokenFile } from './token-source.js';

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

export function isInCluster(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['KUBERNETES_SERVICE_HOST']);
}

export function inClusterConnection(env: NodeJS.ProcessEnv, dir: string = serviceAccountDir): KubeConnection {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'] || '443';
  if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: not running in a pod');
  const read = (file: string, what: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch (err) {
      throw new Error(
        `in a pod but cannot read the ServiceAccount ${what} ${join(dir, file)} (${(err as Error).message}); ` +
          'is automountServiceAccountToken false? Mount a token or pass --kubeconfig',
      );
    }
  };
  const ca = read('ca.crt', 'CA certificate');
  let namespace = 'default';
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || namespace;
  } catch {}
  const token = tokenFile(join(dir, 'token'));
  read('token', 'token');
  const server = host.includes(':') ? `https://[${host}]:${port}` : `https://${host}:${port}`;
  return {
    server,
    tls: { ca, rejectUnauthorized: true },
    credentials: async () => ({ headers: { authorization: `Bearer ${await token()}` } }),
    namespace,
    source: `in-cluster ServiceAccount (${server})`,
  };
}
