// The operator as the chart runs it, but outside the cluster (no kubelet runs its pods here): the
// container's own arguments from the rendered Deployment, the chart's ServiceAccount as its only
// identity (serviceAccountKubeconfig), and loopback ports instead of the pod's. Anything the chart's
// RBAC does not allow shows as a 403 in its log, which `forbidden()` finds.

import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { operatorCommandLine } from '../../testing/operator-command-line.js';
import { findObject, type RenderOptions, renderChart } from '../../tools/chart-rendering.js';

export interface ChartOperator extends CliProcess {
  metricsUrl: string;
  healthUrl: string;
  sidecarServicesUrl: string;
  /** `https://127.0.0.1:<port>` when the webhooks are served. */
  webhooksUrl?: string;
  /** The lines of its log that report a request refused for lack of permission. */
  forbidden(): string[];
}

export interface ChartOperatorOptions {
  /** The render the release was installed with (same namespace and values). */
  render: RenderOptions & { namespace: string };
  /** A kubeconfig of the chart's ServiceAccount. */
  kubeconfig: string;
  identity: string;
  /** Port of the admission webhooks (the one webhook.url names); default a free one. */
  webhookPort?: number;
  /** More flags, after the chart's (e.g. `--webhook-host 127.0.0.1` for webhook.url). */
  extra?: string[];
}

/** The arguments of the chart's operator container (`operator …`), as rendered for `render`. */
export async function chartOperatorArgs(render: RenderOptions): Promise<string[]> {
  const deployment = findObject(await renderChart(render), 'Deployment', 'agent-governor');
  return deployment['spec'].template.spec.containers[0].args as string[];
}

export async function startChartOperator(options: ChartOperatorOptions): Promise<ChartOperator> {
  const args = await chartOperatorArgs(options.render);
  const webhooks = !args.includes('--no-webhooks');
  // The chart's flags first; then what differs outside a pod (later flags win).
  const cli = await startCliProcess(
    operatorCommandLine({
      command: args,
      kubeconfig: options.kubeconfig,
      namespace: options.render.namespace,
      identity: options.identity,
      ...(webhooks ? { webhooks: { port: options.webhookPort ?? 0 } } : {}),
      extra: options.extra ?? [],
    }),
    webhooks
      ? /metrics (http:\S+)\/metrics; probes (http:\S+)\/healthz \S+; sidecar services (https?:\S+); admission webhooks (https:\S+)/
      : /metrics (http:\S+)\/metrics; probes (http:\S+)\/healthz \S+; sidecar services (https?:\S+)/,
    { timeoutMs: 60_000 },
  );
  const [, metricsUrl = '', healthUrl = '', sidecarServicesUrl = '', webhooksUrl] = cli.ready;
  // Every line, also beyond the tail output() keeps: a refusal early on must not scroll away.
  // A 403 from the NamespaceLifecycle admission plugin (another suite's namespace being deleted while
  // the operator writes an Event there) is not an RBAC refusal.
  const refused = (line: string) =>
    /\b403\b|forbidden/i.test(line) && !/because it is being terminated/.test(line);
  const forbidden = cli.output().split('\n').filter(refused);
  let partial = '';
  const onData = (chunk: Buffer | string) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    forbidden.push(...lines.filter(refused));
  };
  cli.child.stdout?.on('data', onData);
  cli.child.stderr?.on('data', onData);
  return {
    ...cli,
    metricsUrl,
    healthUrl,
    sidecarServicesUrl,
    ...(webhooksUrl ? { webhooksUrl } : {}),
    forbidden: () => [...forbidden, ...(refused(partial) ? [partial] : [])],
  };
}
