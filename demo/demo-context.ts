// What the demo's steps share: where it runs, how it narrates, what it has started so far (so that
// the teardown knows what to stop whatever step failed), and the names the manifests use.
import type { ClusterInfo } from '../local-cluster/cluster.js';
import { logTail } from '../local-cluster/log-tail.js';
import { waitUntil } from '../local-cluster/readiness.js';
import type { ApiTransport } from '../runtime/kube/api-transport.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import type { Kubectl } from '../testing/kubectl.js';
import type { DemoLayout } from './demo-layout.js';
import type { DemoProcess } from './demo-processes.js';
import type { Narrator } from './narration.js';

/** Names in examples/demo/ the steps refer to. */
export const DEMO = {
  namespace: 'governor-demo',
  budget: 'team-daily',
  route: 'gpt-4o',
  slo: 'support-latency',
  residencyPolicy: 'demo-eu-only',
  model: 'gpt-4o',
  cheaperModel: 'gpt-4o-mini',
  /** The operator's namespace (the chart's): its Lease, and exempt from residency checks. */
  operatorNamespace: 'agent-governor-system',
  agents: {
    marketing: { serviceAccount: 'marketing-agent', deployment: 'marketing-agent', replicas: 3 },
    support: { serviceAccount: 'support-agent', deployment: 'support-agent', replicas: 2 },
  },
  cronJob: 'marketing-nightly-report',
  /** Route targets, in order, and the mock provider standing in for each. */
  targets: { primary: 'openai-eu', secondary: 'azure-sweden' },
} as const;

export type AgentName = keyof typeof DEMO.agents;

/** What the operator child process offers, read from the options of `agent-governor operator`. */
export interface OperatorCapabilities {
  /** Its long options, e.g. `--webhook-host`. */
  flags: ReadonlySet<string>;
}

/**
 * `--webhook-host`: the operator serves the admission webhooks itself and registers webhook
 * configurations pointing at that address — injection and residency checks at admission.
 */
export function servesWebhooks(capabilities: OperatorCapabilities): boolean {
  return capabilities.flags.has('--webhook-host');
}

export interface MockProvider {
  name: string;
  port: number;
  url: string;
  latencyMs: number;
  process: DemoProcess;
}

export interface RunningSidecar {
  agent: AgentName;
  url: string;
  process: DemoProcess;
}

export interface DemoContext {
  layout: DemoLayout;
  narrator: Narrator;
  /** Fires on Ctrl-C: every wait stops and the teardown runs. */
  signal: AbortSignal;
  capabilities: OperatorCapabilities;
  cluster?: ClusterInfo;
  kubectl?: Kubectl;
  transport?: ApiTransport;
  kube?: KubeClient;
  /** The install manifest the chart's resources came from, or crds/ when it does not exist yet. */
  installedFrom?: string;
  /** The operator's namespace and, when the install manifest made one, its ServiceAccount. */
  operatorNamespace: string;
  operatorServiceAccount?: string;
  operator?: { process: DemoProcess; healthUrl: string; sidecarServicesUrl: string };
  mocks: Partial<Record<'primary' | 'secondary', MockProvider>>;
  sidecars: Partial<Record<AgentName, RunningSidecar>>;
  /** The shared gateway of gateway mode, once its step started it. */
  gateway?: { url: string; process: DemoProcess };
}

/** The parts a step needs once the control plane is up; throws naming the missing one otherwise. */
export function connected(context: DemoContext): {
  cluster: ClusterInfo;
  kubectl: Kubectl;
  kube: KubeClient;
} {
  const { cluster, kubectl, kube } = context;
  if (!cluster || !kubectl || !kube) throw new Error('the control plane is not up (its step failed)');
  return { cluster, kubectl, kube };
}

/**
 * Polls `probe` until it returns true (a string is what it saw instead, quoted on timeout), giving
 * up at once when the demo is interrupted or a process the story needs (the operator, a sidecar)
 * has exited. Every wait of the demo is bounded by `timeoutMs`.
 */
export function waitFor(
  context: DemoContext,
  what: string,
  probe: () => Promise<true | string>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  return waitUntil(what, probe, {
    timeoutMs,
    intervalMs,
    abandon: () => (context.signal.aborted ? 'the demo was interrupted' : exitedProcess(context)),
  });
}

/** `the operator exited with code 1; the end of its log: …` for the first needed process that ended. */
function exitedProcess(context: DemoContext): string | undefined {
  const needed = [
    context.operator?.process,
    context.gateway?.process,
    ...Object.values(context.sidecars).map((s) => s.process),
  ];
  for (const process_ of needed) {
    const ended = process_?.exitStatus();
    if (process_ && ended) {
      return `${process_.name} ${ended}; the end of ${process_.logPath}:\n${logTail(process_.logPath)}`;
    }
  }
  return undefined;
}
