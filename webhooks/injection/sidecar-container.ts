// The injected sidecar: its container and the volumes only it mounts. Pure.
//
// - `agent-governor sidecar` in operator mode, with the flags cli/sidecar-command.ts defines: the
//   operator URL, the agent (`namespace/name`), the projected token, the mounted policy mirror
//   (fail-static start), the spool directory, and the shutdown window: the pod's termination grace
//   period less a margin, for delivering spooled usage while the operator is away. The proxy listens on loopback only — nothing outside
//   the pod may use the agent's budget and keys. Its metrics are also served on the pod IP, on a
//   listener of their own (`--metrics-port`, container port `gov-metrics`) that answers
//   `GET /metrics` and nothing else: read-only counters for the chart's PodMonitor, no keys, no calls.
// - Volumes: a projected ServiceAccount token with audience `agent-governor` (the operator's
//   TokenReview), the policy ConfigMap `governor-policy-<agent>` (optional: a new agent has none
//   yet), an emptyDir spool, the sidecar services' CA bundle (ConfigMap agent-governor-services-ca,
//   optional, when they serve TLS — the default), and one read-only Secret volume per provider credential the agent's
//   routes reference, at /var/run/agent-governor/credentials/<secret>/ (the path the policy names,
//   agents/credentials-mount.ts) — into this container only, never the agent's.
// - Probes: the proxy answers /readyz on loopback only, which the kubelet's httpGet cannot reach
//   (it dials the pod IP), so they exec Node's fetch inside the container. The startup probe is
//   what holds the agent containers until the proxy listens (native sidecar ordering).
import { createHash } from 'node:crypto';
import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { CREDENTIALS_MOUNT_ROOT } from '../../agents/credentials-mount.js';
import { POLICY_FILE_KEY, policyConfigMapName } from '../../agents/policy-config-map.js';
import { SERVICES_CA_KEY } from '../../agents/services-ca-config-map.js';
import { TOKEN_AUDIENCE } from '../../apis/sidecar-protocol.js';
import type { SidecarInjectionOptions } from './injection-options.js';
import { sidecarShutdownSeconds } from './sidecar-shutdown.js';

export const SIDECAR_CONTAINER = 'agent-governor-sidecar';
/** The container port Prometheus scrapes (the chart's PodMonitor names it); at most 15 characters. */
export const METRICS_PORT_NAME = 'gov-metrics';
/** Volumes the injection adds are named with this prefix (reserved: a pod's own volume must not use it). */
export const VOLUME_PREFIX = 'agent-governor-';

const ROOT = '/var/run/agent-governor';
const TOKEN_DIR = `${ROOT}/token`;
const POLICY_DIR = `${ROOT}/policy`;
const SPOOL_DIR = `${ROOT}/spool`;
const SERVICES_CA_DIR = `${ROOT}/services-ca`;
/** The sidecar image's non-root user (the Dockerfile's USER). */
const SIDECAR_USER = 65532;

export interface SidecarPlan {
  container: V1Container;
  volumes: V1Volume[];
}

export function sidecarPlan(
  agent: { namespace: string; name: string },
  credentialSecrets: readonly string[],
  options: SidecarInjectionOptions,
  /** The pod's spec: its termination grace period bounds the sidecar's shutdown (`--shutdown-seconds`). */
  podSpec?: { terminationGracePeriodSeconds?: number },
): SidecarPlan {
  const secrets = [...new Set(credentialSecrets)].sort();
  const volumes: V1Volume[] = [
    {
      name: `${VOLUME_PREFIX}token`,
      projected: {
        sources: [
          { serviceAccountToken: { audience: TOKEN_AUDIENCE, expirationSeconds: 3600, path: 'token' } },
        ],
      },
    },
    {
      name: `${VOLUME_PREFIX}policy`,
      configMap: { name: policyConfigMapName(agent.name), optional: true },
    },
    { name: `${VOLUME_PREFIX}spool`, emptyDir: { sizeLimit: '64Mi' } },
    // The CA bundle of the sidecar services, kept by the operator in the pod's namespace; optional
    // (a first agent of a namespace may start before it is published: the sidecar then retries
    // until the kubelet writes it, and never connects unverified). Updated in place on rotation.
    ...(options.operatorCaConfigMap
      ? [
          {
            name: `${VOLUME_PREFIX}services-ca`,
            configMap: { name: options.operatorCaConfigMap, optional: true },
          },
        ]
      : []),
    ...secrets.map((secret) => ({
      name: credentialsVolumeName(secret),
      secret: { secretName: secret, optional: true },
    })),
  ];
  const probe = (periodSeconds: number, failureThreshold: number) => ({
    exec: {
      command: [
        'node',
        '-e',
        `fetch('http://127.0.0.1:${options.port}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
      ],
    },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 5,
  });
  const container: V1Container = {
    name: SIDECAR_CONTAINER,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy,
    args: [
      'sidecar',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--operator-url',
      options.operatorUrl,
      ...(options.operatorCaConfigMap ? ['--operator-ca-file', `${SERVICES_CA_DIR}/${SERVICES_CA_KEY}`] : []),
      '--agent',
      `${agent.namespace}/${agent.name}`,
      '--token-file',
      `${TOKEN_DIR}/token`,
      '--policy-file',
      `${POLICY_DIR}/${POLICY_FILE_KEY}`,
      '--spool-dir',
      SPOOL_DIR,
      ...(options.metricsPort > 0 ? ['--metrics-port', String(options.metricsPort)] : []),
      ...(options.otlpEndpoint ? ['--otlp-endpoint', options.otlpEndpoint] : []),
      '--shutdown-seconds',
      String(sidecarShutdownSeconds(podSpec?.terminationGracePeriodSeconds)),
    ],
    ...(options.metricsPort > 0
      ? { ports: [{ name: METRICS_PORT_NAME, containerPort: options.metricsPort, protocol: 'TCP' }] }
      : {}),
    ...(options.nativeSidecar ? { restartPolicy: 'Always' } : {}),
    resources: {
      requests: { ...options.resources.requests },
      limits: { ...options.resources.limits },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: SIDECAR_USER,
      runAsGroup: SIDECAR_USER,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    startupProbe: probe(1, 60),
    readinessProbe: probe(30, 2),
    volumeMounts: [
      { name: `${VOLUME_PREFIX}token`, mountPath: TOKEN_DIR, readOnly: true },
      { name: `${VOLUME_PREFIX}policy`, mountPath: POLICY_DIR, readOnly: true },
      { name: `${VOLUME_PREFIX}spool`, mountPath: SPOOL_DIR },
      ...(options.operatorCaConfigMap
        ? [{ name: `${VOLUME_PREFIX}services-ca`, mountPath: SERVICES_CA_DIR, readOnly: true }]
        : []),
      ...secrets.map((secret) => ({
        name: credentialsVolumeName(secret),
        mountPath: `${CREDENTIALS_MOUNT_ROOT}/${secret}`,
        readOnly: true,
      })),
    ],
  };
  return { container, volumes };
}

/**
 * `agent-governor-cred-<secret>`; a Secret name that cannot be a volume name (dots, too long) gets a
 * cleaned prefix and a hash of the exact name instead, so two Secrets never share a volume.
 */
export function credentialsVolumeName(secret: string): string {
  const prefix = `${VOLUME_PREFIX}cred-`;
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(secret) && prefix.length + secret.length <= 63) {
    return `${prefix}${secret}`;
  }
  const hash = createHash('sha256').update(secret).digest('hex').slice(0, 8);
  const cleaned = secret.replace(/[^a-z0-9-]/g, '-').slice(0, 63 - prefix.length - hash.length - 1);
  return `${prefix}${cleaned}-${hash}`.replace(/-+/g, '-');
}

/** The environment that points an app container's SDKs at the sidecar. */
export function sdkEnvironment(port: number): Array<{ name: string; value: string }> {
  return [
    { name: 'OPENAI_BASE_URL', value: `http://127.0.0.1:${port}/v1` },
    { name: 'ANTHROPIC_BASE_URL', value: `http://127.0.0.1:${port}` },
  ];
}
