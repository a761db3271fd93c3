// `agent-governor services` as a child process on loopback, for the suites and the benchmark that
// run replicas (docs/adr/0061): a serving certificate for 127.0.0.1 written into a directory (files
// mode, as the chart mounts it), and a replica started against the test cluster with every port free.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '../runtime/tls/certificate-issuer.js';
import { type CliProcess, startCliProcess } from './cli-process.js';

const READY =
  /agent-governor services started as .* serving sidecars at (https?:\/\/\S+) .* metrics (http:\/\/\S+)\/metrics/;

/** Writes tls.crt, tls.key and ca.crt for 127.0.0.1 into `dir`; returns the CA (PEM) to trust. */
export async function writeLoopbackCertificate(dir: string): Promise<string> {
  const validity = {
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 6 * 3_600_000),
  };
  const ca = await createCertificateAuthority('agent-governor-services-test-ca', validity);
  const serving = await issueCertificate(ca, {
    subject: 'CN=agent-governor-services',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
    validity,
  });
  writeFileSync(join(dir, 'tls.crt'), serving.certificate);
  writeFileSync(join(dir, 'tls.key'), serving.privateKey);
  writeFileSync(join(dir, 'ca.crt'), ca.certificate);
  return ca.certificate;
}

export interface ServicesReplica {
  process: CliProcess;
  /** `https://127.0.0.1:<port>`: the long-poll and usage ingest. */
  url: string;
  /** `http://127.0.0.1:<port>`: /metrics is at `${metricsUrl}/metrics`. */
  metricsUrl: string;
}

/** Starts `agent-governor services` on free loopback ports with the certificate in `certDir`. */
export async function startServicesReplica(options: {
  kubeconfig: string;
  namespace: string;
  certDir: string;
  extra?: readonly string[];
  /** Flags for node before the script (`--cpu-prof`, …). */
  nodeArgs?: readonly string[];
}): Promise<ServicesReplica> {
  const process = await startCliProcess(
    [
      'services',
      '--kubeconfig',
      options.kubeconfig,
      '--namespace',
      options.namespace,
      '--bind-address',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--health-port',
      '0',
      '--cert-dir',
      options.certDir,
      ...(options.extra ?? []),
    ],
    READY,
    { timeoutMs: 60_000, ...(options.nodeArgs ? { nodeArgs: [...options.nodeArgs] } : {}) },
  );
  return { process, url: process.ready[1] ?? '', metricsUrl: process.ready[2] ?? '' };
}
