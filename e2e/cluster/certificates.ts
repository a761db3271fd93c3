// The PKI of a local control plane: one CA, the API server's serving certificate, client
// certificates for the admin and the controller manager, and the ServiceAccount token key pair.
// ECDSA P-256 keys from Node's WebCrypto: generating all of them takes a few milliseconds.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { adminUser, controllerManagerUser, frontProxyClientName } from './identities.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const hourMs = 60 * 60 * 1000;

/** A certificate and its private key, both PEM (the key as PKCS#8). */
export interface CertifiedKey {
  certificate: string;
  privateKey: string;
}

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
  const caKeys = await generateKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.clusterName}-ca`,
    keys: caKeys,
    signingAlgorithm: algorithm,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const issue = async (subject: string, usage: x509.ExtendedKeyUsage, extra: x509.Extension[] = []) => {
    const keys = await generateKeys();
    const certificate = await x509.X509CertificateGenerator.create({
      subject,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      ...validity,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(ca),
        ...extra,
      ],
    });
    return { certificate: certificate.toString('pem'), privateKey: await privateKeyPem(keys) };
  };
  const serverNames = [
    ...options.serverIps.map((value) => ({ type: 'ip' as const, value })),
    ...options.serverNames.map((value) => ({ type: 'dns' as const, value })),
  ];
  const serviceAccountKeys = await generateKeys();
  return {
    ca: { certificate: ca.toString('pem'), privateKey: await privateKeyPem(caKeys) },
    apiServer: await issue('CN=kube-apiserver', x509.ExtendedKeyUsage.serverAuth, [
      new x509.SubjectAlternativeNameExtension(serverNames),
    ]),
    admin: await issue(
      `O=${adminUser.organization}, CN=${adminUser.commonName}`,
      x509.ExtendedKeyUsage.clientAuth,
    ),
    controllerManager: await issue(
      `CN=${controllerManagerUser.commonName}`,
      x509.ExtendedKeyUsage.clientAuth,
    ),
    frontProxyClient: await issue(`CN=${frontProxyClientName}`, x509.ExtendedKeyUsage.clientAuth),
    serviceAccount: {
      publicKey: x509.PemConverter.encode(
        await webcrypto.subtle.exportKey('spki', serviceAccountKeys.publicKey),
        'PUBLIC KEY',
      ),
      privateKey: await privateKeyPem(serviceAccountKeys),
    },
  };
}

function generateKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<KeyPair>;
}

async function privateKeyPem(keys: KeyPair): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}
