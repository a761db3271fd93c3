// Step 3: the operator, out of cluster, as `agent-governor operator` in a process of its own: the
// controllers, the policy long-poll and usage ingest for the sidecars, and — when this build has
// them — the admission webhooks, served on 127.0.0.1 and registered with the API server by URL.
// With the install manifest's ServiceAccount it runs on a token of that account, so the chart's
// RBAC is all it may do; without the manifest, on the cluster-admin kubeconfig.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePorts } from '../../local-cluster/free-port.js';
import { httpGet } from '../../local-cluster/readiness.js';
import { connected, type DemoContext, servesWebhooks, waitFor } from '../demo-context.js';
import { startDemoProcess } from '../demo-processes.js';
import type { DemoStep } from '../demo-step.js';

export interface OperatorPorts {
  metrics: number;
  health: number;
  sidecarServices: number;
  webhooks: number;
}

/** The operator's command line for a local run. Pure. */
export function operatorArgs(options: {
  bin: string;
  kubeconfig: string;
  namespace: string;
  ports: OperatorPorts;
  flags: ReadonlySet<string>;
}): string[] {
  const { ports, flags } = options;
  const args = [
    options.bin,
    'operator',
    `--kubeconfig=${options.kubeconfig}`,
    `--namespace=${options.namespace}`,
    '--bind-address=127.0.0.1',
    `--metrics-port=${ports.metrics}`,
    `--health-port=${ports.health}`,
    `--sidecar-services-port=${ports.sidecarServices}`,
    // One replica: it leads from the start instead of waiting for a Lease.
    '--no-leader-elect',
  ];
  if (flags.has('--webhook-host')) args.push('--webhook-host=127.0.0.1');
  if (flags.has('--webhook-port')) args.push(`--webhook-port=${ports.webhooks}`);
  // The injected containers then name the local sidecar services (the demo's sidecars use them).
  if (flags.has('--sidecar-operator-url')) {
    args.push(`--sidecar-operator-url=${sidecarServicesUrl(ports, flags)}`);
  }
  return args;
}

/**
 * Where the sidecars reach the services: HTTPS when this build serves them over TLS by default (it
 * has the flag to turn that off), verified against the CA bundle the operator publishes. Pure.
 */
export function sidecarServicesUrl(ports: OperatorPorts, flags: ReadonlySet<string>): string {
  const scheme = flags.has('--sidecar-services-insecure-plain-http') ? 'https' : 'http';
  return `${scheme}://127.0.0.1:${ports.sidecarServices}`;
}

export const operatorStep: DemoStep = {
  title: 'Run the operator out of cluster (no kubelet here to run the chart’s Deployment)',
  checks: [
    {
      step: 'operator',
      expected: 'ready: controllers, sidecar services (policy long-poll, usage ingest)',
    },
  ],
  required: true,
  async run(context, observe) {
    const { layout, narrator } = context;
    const kubeconfig = await operatorKubeconfig(context);
    const [metrics, health, sidecarServices, webhooks] = await freePorts(4);
    const ports = {
      metrics: metrics!,
      health: health!,
      sidecarServices: sidecarServices!,
      webhooks: webhooks!,
    };
    const process_ = startDemoProcess(
      layout,
      'operator',
      operatorArgs({
        bin: layout.bin,
        kubeconfig,
        namespace: context.operatorNamespace,
        ports,
        flags: context.capabilities.flags,
      }),
    );
    const healthUrl = `http://127.0.0.1:${ports.health}`;
    let started: string | undefined;
    await waitFor(
      context,
      `the operator's ${healthUrl}/readyz`,
      async () => {
        const ended = process_.exitStatus();
        if (ended) throw new Error(`the operator ${ended}; see ${process_.logPath}`);
        const answer = await httpGet(`${healthUrl}/readyz`);
        if (answer.status !== 200) return `${answer.status} ${answer.body.trim()}`;
        // The start-up line comes once every service listens (the webhooks after their registration).
        started = readFileSync(process_.logPath, 'utf8')
          .split('\n')
          .find((line) => line.startsWith('agent-governor operator started'));
        return started ? true : 'ready, its services not yet listening';
      },
      30_000,
    );
    const servicesUrl = sidecarServicesUrl(ports, context.capabilities.flags);
    context.operator = { process: process_, healthUrl, sidecarServicesUrl: servicesUrl };
    narrator.block([started ?? '']);
    narrator.info(`log: ${process_.logPath}`);
    const identity = !context.operatorServiceAccount
      ? 'cluster-admin'
      : `ServiceAccount ${context.operatorNamespace}/${context.operatorServiceAccount} (the chart's RBAC` +
        `${servesWebhooks(context.capabilities) ? ' + create on the webhook configurations' : ' only'})`;
    observe(`ready as ${identity}, pid ${process_.pid}, sidecar services ${servicesUrl}`, true);
  },
};

/**
 * The kubeconfig the operator runs with: a token of the chart's ServiceAccount in a copy of the
 * admin kubeconfig (same server and CA), or the admin kubeconfig itself when there is no such account.
 */
async function operatorKubeconfig(context: DemoContext): Promise<string> {
  const { cluster, kubectl } = connected(context);
  const account = context.operatorServiceAccount;
  if (!account) return cluster.kubeconfig;
  if (servesWebhooks(context.capabilities)) {
    await kubectl(['apply', '-f', '-'], {
      input: selfRegistrationRbac(context.operatorNamespace, account),
      check: true,
    });
    context.narrator.info(
      `out of cluster the operator registers its own webhook configurations (in a cluster the chart creates ` +
        `them): granted ServiceAccount ${context.operatorNamespace}/${account} create on them, on top of the chart's RBAC`,
    );
  }
  const token = await kubectl(
    ['create', 'token', account, '-n', context.operatorNamespace, '--duration=24h'],
    { check: true },
  );
  const config = parse(readFileSync(cluster.kubeconfig, 'utf8')) as { users: { user: unknown }[] };
  for (const entry of config.users) entry.user = { token: token.stdout.trim() };
  const path = join(context.layout.work, 'operator.kubeconfig');
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

/**
 * The one grant an out-of-cluster operator needs beyond the chart's RBAC: `create` on the two webhook
 * configurations (the chart creates them in a cluster and lets the operator only patch them by name;
 * `create` cannot be limited to a name). Applied by the demo with cluster-admin.
 */
export function selfRegistrationRbac(namespace: string, serviceAccount: string): string {
  const name = 'agent-governor-demo-webhook-registration';
  const objects = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: [
        {
          apiGroups: ['admissionregistration.k8s.io'],
          resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
          verbs: ['create'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    },
  ];
  return objects.map((object) => stringify(object)).join('---\n');
}
