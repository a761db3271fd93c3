// The PKI of a local control plane: one CA, the API server's serving certificate, client
// certificates for the admin and the controller manager, and the ServiceAccount token key pair.
// The issuing itself (ECDSA P-256, a few milliseconds for all of them) is shared with the
// webhook's own TLS: runtime/tls/certificate-issuer.ts.
import {
  type CertifiedKey,
  createCertificateAuthority,
  createSigningKeyPair,
  issueCertificate,
} from '../runtime/tls/certificate-issuer.js';
import { adminUser, controllerManagerUser, frontProxyClientName } from './identities.js';

export type { CertifiedKey };

const hourMs = 60 * 60 * 1000;

export interface ClusterCertificates {
  ca: CertifiedKey;
  /** Serving certificate of kube-apiserver. */
  apiServer: CertifiedKey;
  /** Client certificate of the cluster admin (O=system:masters). */
  admin: CertifiedKey;
  /** Client certificate of kube-controller-manager (CN=system:kube-controller-manager). */
  controllerManager: CertifiedKey;
  /** Client certificate the API server's aggregator presents to extension API servers. */
  frontProxyClient: CertifiedKey;
  /** Signs and verifies ServiceAccount tokens; PEM public key (SPKI) and private key (PKCS#8). */
  serviceAccount: { publicKey: string; privateKey: string };
}

export interface CertificateOptions {
  /** Names the CA (CN=<clusterName>-ca). */
  clusterName: string;
  /** IP addresses in the API server's serving certificate. */
  serverIps: string[];
  /** DNS names in the API server's serving certificate. */
  serverNames: string[];
  /** How long every certificate is valid from now. */
  validForMs: number;
}

/** The names a client may use for the API server: loopback, and the in-cluster service names. */
export const defaultCertificateOptions: CertificateOptions = {
  clusterName: 'agent-governor',
  serverIps: ['127.0.0.1', '::1', '10.96.0.1'],
  serverNames: [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ],
  validForMs: 365 * 24 * hourMs,
};

export async function createClusterCertificates(
  options: CertificateOptions = defaultCertificateOptions,
): Promise<ClusterCertificates> {
  // Backdated an hour so a clock a little behind still accepts the certificates.
  const validity = {
    notBefore: new Date(Date.now() - hourMs),
    notAfter: new Date(Date.now() + options.validForMs),
  };
  const ca = await createCertificateAuthority(`${options.clusterName}-ca`, validity);
  const client = (subject: string) => issueCertificate(ca, { subject, usage: 'clientAuth', validity });
  return {
    ca,
    apiServer: await issueCertificate(ca, {
      subject: 'CN=kube-apiserver',
      usage: 'serverAuth',
      ipAddresses: options.serverIps,
      dnsNames: options.serverNames,
      validity,
    }),
    admin: await client(`O=${adminUser.organization}, CN=${adminUser.commonName}`),
    controllerManager: await client(`CN=${controllerManagerUser.commonName}`),
    frontProxyClient: await client(`CN=${frontProxyClientName}`),
    serviceAccount: await createSigningKeyPair(),
  };
}
