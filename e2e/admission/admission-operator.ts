// The operator as the admission suites run it: `agent-governor operator --webhook-host 127.0.0.1`, a
// child process serving the webhooks on a free loopback port and registering them with the real API
// server, which then calls it over TLS for every admission. Plus what every suite needs around it:
// a kube client, namespaces of its own, and removal of the cluster-scoped webhook configurations and
// residency policies it leaves (the cluster is shared with the other suites).
import { randomBytes } from 'node:crypto';
import { connect } from 'node:tls';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { operatorCommandLine } from '../../testing/operator-command-line.js';
import type { TestCluster } from '../../testing/test-cluster.js';
import {
  mutatingWebhookConfigurations,
  validatingWebhookConfigurations,
} from '../../webhooks/registration/webhook-configuration-resources.js';
import {
  MUTATING_CONFIGURATION,
  VALIDATING_CONFIGURATION,
} from '../../webhooks/registration/webhook-names.js';
import { removeWebhookConfigurations } from '../../webhooks/registration/webhook-registration.js';

export interface AdmissionOperator {
  process: CliProcess;
  /** `https://127.0.0.1:<port>`. */
  webhooksUrl: string;
  metricsUrl: string;
  /** The operator's namespace (exempt from the webhooks). */
  namespace: string;
}

/** Starts the operator with its webhooks; resolves once it printed its start-up line. */
export async function startAdmissionOperator(
  cluster: TestCluster,
  namespace: string,
  extra: string[] = [],
): Promise<AdmissionOperator> {
  const process = await startCliProcess(
    operatorCommandLine({
      kubeconfig: cluster.kubeconfig,
      namespace,
      leaderElect: false,
      webhooks: { host: '127.0.0.1' },
      extra,
    }),
    /agent-governor operator started .*metrics (http:\/\/[^/]+)\/metrics.*admission webhooks (https:\/\/[0-9.:]+)/,
    { timeoutMs: 60_000 },
  );
  return {
    process,
    metricsUrl: process.ready[1] as string,
    webhooksUrl: process.ready[2] as string,
    namespace,
  };
}

/** A client of the cluster's admin, for setting up and checking (not bound to any operator). */
export function adminClient(cluster: TestCluster): {
  client: KubeClient;
  transport: ApiTransport;
  close(): Promise<void>;
} {
  const transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
  return { client: createKubeClient(transport), transport, close: () => transport.close() };
}

/** The serial number of the certificate a TLS server presents now (a new connection each time). */
export function servingSerial(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no TLS handshake with ${url} within 5 s`)));
    socket.once('error', reject);
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export async function createNamespace(
  client: KubeClient,
  name: string,
  labels: Record<string, string> = {},
): Promise<void> {
  await client.create(namespaces, { metadata: { name, labels } });
}

/**
 * What a suite leaves behind, removed: the webhook configurations first (so nothing calls a stopped
 * operator), the residency policies it made, then its namespaces (their contents go with them).
 */
export async function cleanUpAdmission(
  client: KubeClient,
  leftovers: { namespaces: string[]; policyPrefix?: string },
): Promise<void> {
  await removeWebhookConfigurations(client);
  if (leftovers.policyPrefix) {
    for (const policy of await client.list(dataResidencyPolicies)) {
      const name = policy.metadata?.name ?? '';
      if (name.startsWith(leftovers.policyPrefix)) await client.delete(dataResidencyPolicies, { name });
    }
  }
  for (const name of leftovers.namespaces) await client.delete(namespaces, { name });
}

/** Whether both webhook configurations exist. */
export async function webhooksRegistered(client: KubeClient): Promise<boolean> {
  const validating = await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION });
  const mutating = await client.get(mutatingWebhookConfigurations, { name: MUTATING_CONFIGURATION });
  return Boolean(validating && mutating);
}
