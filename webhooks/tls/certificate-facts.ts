// What the rotation decisions need to know of a PEM certificate: its validity, names, issuer, and
// whether a key or a CA belongs to it — read with Node's X509Certificate (synchronous, no I/O).
import { createPrivateKey, X509Certificate } from 'node:crypto';

export interface CertificateFacts {
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** Hex serial number: tells two certificates apart in logs and tests. */
  serial: string;
  isCA: boolean;
  dnsNames: string[];
  ipAddresses: string[];
}

/** The facts of the first certificate in `pem`; throws with `what` named when it is not one. */
export function certificateFacts(pem: string, what = 'certificate'): CertificateFacts {
  const certificate = parse(pem, what);
  const names = (certificate.subjectAltName ?? '').split(', ').filter(Boolean);
  return {
    subject: certificate.subject,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    serial: certificate.serialNumber,
    isCA: certificate.ca,
    dnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
    ipAddresses: names.filter((n) => n.startsWith('IP Address:')).map((n) => normalIp(n.slice(11))),
  };
}

/** Whether `pem` is signed by the CA certificate `caPem` (its issuer and its signature). */
export function isSignedBy(pem: string, caPem: string): boolean {
  try {
    const certificate = parse(pem, 'certificate');
    const ca = parse(caPem, 'CA certificate');
    return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** Whether `keyPem` is the private key of the certificate `pem`. */
export function keyMatches(pem: string, keyPem: string): boolean {
  try {
    return parse(pem, 'certificate').checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** Every certificate in a PEM bundle, each as its own PEM block. */
export function splitPemBundle(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function parse(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new Error(`the ${what} is not a PEM X.509 certificate: ${(err as Error).message}`);
  }
}

/** Node prints IPv6 SANs in full form; compare them in the short form people write. */
function normalIp(text: string): string {
  if (!text.includes(':')) return text;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text;
  }
}
