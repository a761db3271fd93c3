// What the sidecar-services suites share: the test cluster with the CRDs, a kube client of the
// operator's own layer, agent namespaces with a ServiceAccount and a real projected-style token
// (`kubectl create token --audience agent-governor`), and services started on a free loopback port.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { SERVICES_CA_CONFIG_MAP, SERVICES_CA_KEY } from '../agents/services-ca-config-map.js';
import type { UsageBatch } from '../apis/usage-batch.js';
import { ApiTransport } from '../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../runtime/kube/kubeconfig-file.js';
import { configMaps } from '../runtime/kube/resources.js';
import { PolicyStore } from '../sidecar-services/policy-store.js';
import {
  type SidecarServices,
  type SidecarServicesOptions,
  startSidecarServices,
} from '../sidecar-services/sidecar-services.js';
import { installCrds } from './install-crds.js';
import { type TestCluster, testCluster } from './test-cluster.js';

export interface ServicesEnv {
  cluster: TestCluster;
  transport: ApiTransport;
  client: KubeClient;
}

let env: Promise<ServicesEnv> | undefined;

/** The cluster (CRDs installed) and an admin kube client; once per test process. */
export function servicesEnv(): Promise<ServicesEnv> {
  env ??= (async () => {
    const cluster = await testCluster();
    // `kubectl wait` right after the apply can meet a CRD without status yet and fail at once
    // (".status.conditions accessor error"); the apply is idempotent, so try again (bounded).
    for (let attempt = 1; ; attempt++) {
      try {
        await installCrds(cluster);
        break;
      } catch (err) {
        if (attempt >= 3 || !/status\.conditions accessor error/.test((err as Error).message)) throw err;
        await sleep(500);
      }
    }
    const transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    return { cluster, transport, client: createKubeClient(transport) };
  })();
  return env;
}

/** A fresh namespace name (suites share the cluster). */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates the namespace and ServiceAccount (if needed) and returns a token of it for agent-governor. */
export async function agentToken(
  cluster: TestCluster,
  namespace: string,
  serviceAccount = 'agent',
  audience = 'agent-governor',
): Promise<string> {
  await cluster.kubectl(['create', 'namespace', namespace]);
  await cluster.kubectl(['create', 'serviceaccount', serviceAccount, '-n', namespace]);
  const created = await cluster.kubectl(
    ['create', 'token', serviceAccount, '-n', namespace, '--audience', audience, '--duration', '1h'],
    { check: true },
  );
  return created.stdout.trim();
}

export interface StartedServices extends SidecarServices {
  store: PolicyStore;
  /** Agents whose usage was recorded, as `namespace/agent`, in order. */
  recorded: string[];
  leader: { value: boolean };
}

/** Starts services on a free loopback port with a fresh store (unless given) and a quiet logger. */
export async function startServices(
  services: ServicesEnv,
  overrides: Partial<SidecarServicesOptions> = {},
): Promise<StartedServices> {
  const store = overrides.store ?? new PolicyStore();
  const recorded: string[] = [];
  const leader = { value: true };
  const started = await startSidecarServices({
    kube: services.client,
    host: '127.0.0.1',
    port: 0,
    isLeader: () => leader.value,
    store,
    onUsageRecorded: (namespace, agent) => recorded.push(`${namespace}/${agent}`),
    logger: pino({ level: process.env['SERVICES_LOG'] ?? 'silent' }),
    mirrorDebounceMs: 50,
    ...overrides,
  });
  return Object.assign(started, { store, recorded, leader });
}

export const loopback = new Agent({ connections: 64 });

/**
 * A client that trusts only the sidecar services' CA bundle as the operator publishes it for the
 * sidecars of `namespace` (ConfigMap agent-governor-services-ca, once an agent workload is there):
 * what an injected sidecar verifies the services against.
 */
export async function servicesClient(
  client: KubeClient,
  namespace: string,
  timeoutMs = 30_000,
): Promise<Agent> {
  const bundle = await eventually(
    async () =>
      (await client.get(configMaps, { namespace, name: SERVICES_CA_CONFIG_MAP }))?.data?.[SERVICES_CA_KEY] ??
      '',
    (pem) => pem.includes('BEGIN CERTIFICATE'),
    `ConfigMap ${namespace}/${SERVICES_CA_CONFIG_MAP}`,
    timeoutMs,
  );
  return new Agent({ connections: 16, connect: { ca: bundle } });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request to the services, as a sidecar would send it. */
export async function call(
  url: string,
  options: { method?: 'GET' | 'POST'; token?: string; body?: unknown; dispatcher?: Agent } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await request(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    dispatcher: options.dispatcher ?? loopback,
    headersTimeout: 60_000,
  });
  const body = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body,
    json: <T>() => JSON.parse(body) as T,
  };
}

/** The error message of an OpenAI-style error answer. */
export function errorMessage(answer: Answer): string {
  return answer.json<{ error: { message: string } }>().error.message;
}

/** Polls `read` until `done` holds (bounded), returning the last value read. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

/** A usage batch of agent `namespace/agent`: `calls` calls of 100 input and 10 output tokens each. */
export function usageBatchOf(
  namespace: string,
  agent: string,
  instance: string,
  sequence: number,
  calls = 1,
): UsageBatch {
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'UsageBatch',
    agent: { namespace, name: agent },
    instance,
    sequence,
    sentAt: new Date().toISOString(),
    entries: [
      {
        minute,
        model: 'gpt-4o-mini',
        requests: calls,
        inputTokens: 100 * calls,
        outputTokens: 10 * calls,
        cachedInputTokens: 0,
        estimatedTokens: 0,
        costMicros: 50 * calls,
        outcomes: { Success: calls },
        latencyBuckets: [calls, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    ],
  };
}

/** The value of one series in the services' metrics (0 when absent). */
export async function metricValue(
  services: SidecarServices,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await services.registry.getSingleMetric(name)?.get();
  let total = 0;
  for (const value of metric?.values ?? []) {
    if (Object.entries(labels).every(([k, v]) => String(value.labels[k]) === v)) total += value.value;
  }
  return total;
}
