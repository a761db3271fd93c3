// How the operator reaches its API server: the URL, the TLS material and the credentials of one
// kubeconfig context or of the pod's ServiceAccount. Credentials are asked for per request, so
// rotating ServiceAccount tokens and exec plugins stay fresh.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { inClusterConnection, isInCluster } from './in-cluster-connection.js';
import { kubeconfigConnection } from './kubeconfig-file.js';

export interface TlsMaterial {
  /** PEM CA bundle; the system roots when absent. */
  ca?: string;
  /** PEM client certificate and key, when the user authenticates with one. */
  cert?: string;
  key?: string;
  /** false only for `insecure-skip-tls-verify: true`. */
  rejectUnauthorized: boolean;
  /** `tls-server-name`: the name the server certificate is checked against. */
  servername?: string;
}

export interface Credentials {
  /** Request headers that authenticate (Authorization). */
  headers: Record<string, string>;
  /** A client certificate handed out by an exec plugin, overriding the kubeconfig's. */
  cert?: string;
  key?: string;
}

export interface KubeConnection {
  /** `https://host:port`, without a trailing slash. */
  server: string;
  tls: TlsMaterial;
  credentials(): Promise<Credentials>;
  /** The context's namespace, the pod's own namespace in a cluster, else `default`. */
  namespace: string;
  /** Where this came from, for the start-up line: `kubeconfig /x (context y)`, `in-cluster`. */
  source: string;
}

export interface ResolveConnectionOptions {
  /** An explicit kubeconfig file (`--kubeconfig`); wins over everything else. */
  kubeconfig?: string;
  /** A context of that kubeconfig other than its current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the pod's ServiceAccount is mounted; default the well-known path. */
  serviceAccountDir?: string;
}

/**
 * The connection client-go would pick: `--kubeconfig`, else the in-cluster ServiceAccount when
 * KUBERNETES_SERVICE_HOST is set, else $KUBECONFIG (first file), else ~/.kube/config.
 */
export async function resolveConnection(options: ResolveConnectionOptions = {}): Promise<KubeConnection> {
  const env = options.env ?? process.env;
  if (options.kubeconfig) return kubeconfigConnection(options.kubeconfig, options.context);
  if (isInCluster(env)) return inClusterConnection(env, options.serviceAccountDir);
  const fromEnv = env['KUBECONFIG']?.split(delimiter).find((path) => path.length > 0);
  const path = fromEnv ?? join(homedir(), '.kube', 'config');
  try {
    readFileSync(path);
  } catch {
    throw new Error(
      'no API server to talk to: give --kubeconfig FILE, run in a pod (KUBERNETES_SERVICE_HOST is unset), ' +
        `or set KUBECONFIG; ${path} cannot be read`,
    );
  }
  return kubeconfigConnection(path, options.context);
}
