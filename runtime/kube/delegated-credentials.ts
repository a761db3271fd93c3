// Credentials from kubeconfig users the operator does not speak itself (exec plugins such as
// `aws eks get-token`, OIDC and other auth-providers): client-node's KubeConfig runs them. It is
// imported on first use only — it pulls in the whole generated API client.
import type { Credentials } from './kube-connection.js';

interface HttpsOptionsOut {
  headers?: Record<string, unknown>;
  cert?: unknown;
  key?: unknown;
}

export function delegatedCredentials(path: string, context: string): () => Promise<Credentials> {
  let loaded: Promise<{ applyToHTTPSOptions(options: HttpsOptionsOut): Promise<void> }> | undefined;
  const load = async () => {
    const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
    const config = new KubeConfig();
    config.loadFromFile(path);
    config.setCurrentContext(context);
    return config as unknown as { applyToHTTPSOptions(options: HttpsOptionsOut): Promise<void> };
  };
  return async () => {
    loaded ??= load();
    const options: HttpsOptionsOut = {};
    await (await loaded).applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
    const credentials: Credentials = { headers };
    if (options.cert && options.key) {
      credentials.cert = String(options.cert);
      credentials.key = String(options.key);
    }
    return credentials;
  };
}
