// Issuing X.509 certificates: a self-signed CA, and certificates it signs for servers (with DNS and
// IP names) or clients. ECDSA P-256 keys from Node's WebCrypto: a key pair and a certificate take a
// few milliseconds. Shared by the webhook's own TLS (webhooks/tls/) and the local control plane's PKI
// (local-cluster/certificates.ts). Every key and certificate travels as PEM (keys as PKCS#8).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A certificate and its private key, both PEM (the key as PKCS#8). */
export interface CertifiedKey {
  certificate: string;
  privateKey: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface CertificateRequest {
  /** Distinguished name, e.g. `CN=kube-apiserver` or `O=system:masters, CN=admin`. */
  subject: string;
  usage: 'serverAuth' | 'clientAuth';
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  validity: Validity;
}

/** A self-signed CA certificate (`CN=<commonName>`) with a fresh key. */
export async function createCertificateAuthority(
  commonName: string,
  validity: Validity,
): Promise<CertifiedKey> {
  const keys = await generateKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: algorithm,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: ca.toString('pem'), privateKey: await privateKeyPem(keys) };
}

/** A leaf certificate signed by `ca`, for a server (its names in the SAN) or a client. */
export async function issueCertificate(ca: CertifiedKey, request: CertificateRequest): Promise<CertifiedKey> {
  const issuer = new x509.X509Certificate(ca.certificate);
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(ca.privateKey),
    algorithm,
    false,
    ['sign'],
  );
  const keys = await generateKeys();
  const names = [
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
  ];
  const certificate = await x509.X509CertificateGenerator.create({
    subject: request.subject,
    issuer: issuer.subject,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: algorithm,
    ...request.validity,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[request.usage]]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  return { certificate: certificate.toString('pem'), privateKey: await privateKeyPem(keys) };
}

/** A bare signing key pair (e.g. for ServiceAccount tokens): PEM public key (SPKI) and private key. */
export async function createSigningKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const keys = await generateKeys();
  return {
    publicKey: x509.PemConverter.encode(
      await webcrypto.subtle.exportKey('spki', keys.publicKey),
      'PUBLIC KEY',
    ),
    privateKey: await privateKeyPem(keys),
  };
}

function generateKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<KeyPair>;
}

async function privateKeyPem(keys: KeyPair): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}
