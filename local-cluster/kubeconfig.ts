// A kubeconfig with the CA and the client certificate embedded, so it keeps working when copied.
import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** Names the cluster, user and context entries. */
  name: string;
  server: string;
  caCertificate: string;
  clientCertificate: string;
  clientKey: string;
  user: string;
}

export function renderKubeconfig(input: KubeconfigInput): string {
  const base64 = (pem: string) => Buffer.from(pem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.name,
        cluster: { server: input.server, 'certificate-authority-data': base64(input.caCertificate) },
      },
    ],
    users: [
      {
        name: input.user,
        user: {
          'client-certificate-data': base64(input.clientCertificate),
          'client-key-data': base64(input.clientKey),
        },
      },
    ],
    contexts: [{ name: input.name, context: { cluster: input.name, user: input.user } }],
    'current-context': input.name,
    preferences: {},
  });
}
