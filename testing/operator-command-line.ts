// The arguments of `agent-governor operator` as the suites run it outside a pod: the API server of
// the test cluster, a namespace of the suite's own, and every port on a free loopback port. One
// builder, so a new flag the suites need (or a changed default) is added in one place.

/** Every port of `agent-governor operator` on a free loopback port (outside a pod). */
export const LOOPBACK_PORTS = [
  '--bind-address',
  '127.0.0.1',
  '--metrics-port',
  '0',
  '--health-port',
  '0',
  '--sidecar-services-port',
  '0',
] as const;

export interface OperatorCommandLine {
  kubeconfig: string;
  /** The operator's own namespace (its Lease, its Secrets; exempt from the webhooks). */
  namespace: string;
  /**
   * What the arguments start with: `['operator']` by default; the container arguments of a rendered
   * chart to run the operator as the chart does (the flags here come later, and later flags win).
   */
  command?: readonly string[];
  /** Holder identity in the Lease (`--identity`). */
  identity?: string;
  /** Name of the leader Lease (`--lease-name`). */
  leaseName?: string;
  /** false: `--no-leader-elect`, the only replica, leading from the start. Default: the command's. */
  leaderElect?: false;
  /** Port of the policy long-poll and usage ingest; default a free one. */
  sidecarServicesPort?: number;
  /**
   * The admission webhooks on `port` (default a free one), registered at `https://<host>:<port>`
   * when `host` is given (`--webhook-host`). Omitted: the command's own webhook flags.
   */
  webhooks?: { host?: string; port?: number };
  /** More flags, last (so they win). */
  extra?: readonly string[];
}

/** `agent-governor operator …` arguments (without the binary) for `options`. */
export function operatorCommandLine(options: OperatorCommandLine): string[] {
  const ports: string[] = [...LOOPBACK_PORTS];
  if (options.sidecarServicesPort !== undefined) {
    ports[ports.indexOf('--sidecar-services-port') + 1] = String(options.sidecarServicesPort);
  }
  const webhooks = options.webhooks;
  return [
    ...(options.command ?? ['operator']),
    '--kubeconfig',
    options.kubeconfig,
    '--namespace',
    options.namespace,
    ...(options.identity !== undefined ? ['--identity', options.identity] : []),
    ...(options.leaseName !== undefined ? ['--lease-name', options.leaseName] : []),
    ...(options.leaderElect === false ? ['--no-leader-elect'] : []),
    ...ports,
    ...(webhooks?.host !== undefined ? ['--webhook-host', webhooks.host] : []),
    ...(webhooks ? ['--webhook-port', String(webhooks.port ?? 0)] : []),
    ...(options.extra ?? []),
  ];
}
