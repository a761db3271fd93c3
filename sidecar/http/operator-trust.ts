// How the sidecar trusts the operator's sidecar services over HTTPS: against the CA bundle the
// operator publishes (ConfigMap agent-governor-services-ca, key ca.crt, mounted into the injected
// sidecar), and nothing else — the system roots are not consulted, so no public certificate for the
// same name is accepted. The file is read for every new connection (connections are kept alive, so
// that is rare), so a CA rotation the kubelet writes into the mounted volume is used without a
// restart. A missing or empty file fails the connection with a message naming it — never a fallback
// to an unverified connection (docs/adr/0036).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { buildConnector as BuildConnector } from 'undici';

const require = createRequire(import.meta.url);
/** undici's TLS/TCP connector (`buildConnector`), from its own module (see undici-parts.ts). */
const buildConnector = require('undici/lib/core/connect.js') as typeof BuildConnector;

/** A connector for undici's Agent `connect` option: TLS verified against the PEM bundle in `caFile`. */
export function operatorConnector(caFile: string): BuildConnector.connector {
  let current: { pem: string; connect: BuildConnector.connector } | undefined;
  return (options, callback) => {
    const pem = readBundle(caFile);
    if (pem instanceof Error) {
      callback(pem, null);
      return;
    }
    if (current?.pem !== pem) current = { pem, connect: buildConnector({ ca: pem }) };
    current.connect(options, callback);
  };
}

/** The bundle's PEM, or the error saying why it cannot be used. */
export function readBundle(caFile: string): string | Error {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return new Error(
      `cannot read the operator's CA bundle ${caFile} (${reason}): the operator publishes it in ConfigMap ` +
        "agent-governor-services-ca of the agent's namespace; the kubelet writes it into the pod once it exists",
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    return new Error(`the operator's CA bundle ${caFile} holds no PEM certificate`);
  }
  return pem;
}
