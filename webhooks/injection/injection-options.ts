// What the injected sidecar looks like beyond the pod it joins: image, the operator it talks to, its
// port and resources, native sidecar or not. From the operator's `--sidecar-*` flags.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES_CA_CONFIG_MAP } from '../../agents/services-ca-config-map.js';

export interface SidecarResources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory: string };
}

export interface SidecarInjectionOptions {
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** The operator's sidecar services (policy long-poll, usage), as the pods reach them. */
  operatorUrl: string;
  /**
   * The ConfigMap (in the pod's namespace) holding the CA bundle an https operatorUrl is verified
   * against, mounted into the sidecar; undefined: none mounted (plain HTTP, or a certificate the
   * system roots trust).
   */
  operatorCaConfigMap?: string;
  /** Loopback port of the proxy; the agent's SDKs are pointed at it. */
  port: number;
  /**
   * Port of the sidecar's metrics listener on the pod IP (`GET /metrics` only, for the chart's
   * PodMonitor); 0: none.
   */
  metricsPort: number;
  /**
   * An init container with `restartPolicy: Always` (Kubernetes ≥ 1.29): started before the agent,
   * stopped after it. false: a regular container (no ordering; for older clusters).
   */
  nativeSidecar: boolean;
  resources: SidecarResources;
  /** The sidecar's `--otlp-endpoint` (docs/traces.md); undefined: tracing off. */
  otlpEndpoint?: string;
  /** Recorded in the injected annotation; default the package version. */
  version: string;
  /**
   * The gateway's URL as the agent pods reach it (its Service); pods labelled
   * `governor.agents.dev/mode: gateway` (or in such a namespace) get the SDK environment pointing at
   * it instead of a sidecar (docs/adr/0059-gateway-mode.md). Undefined: no gateway, sidecars only.
   */
  gatewayUrl?: string;
}

export const SIDECAR_IMAGE_REPOSITORY = 'ghcr.io/agent-governor/agent-governor';
export const DEFAULT_SIDECAR_PORT = 4000;
/** The OpenTelemetry Prometheus exporter's customary port; named `gov-metrics` in the pod. */
export const DEFAULT_SIDECAR_METRICS_PORT = 9464;

/** The version of this build, from package.json beside dist/ (the image ships it too). */
export function packageVersion(): string {
  try {
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * `https://agent-governor.<namespace>.svc:8443`: the chart's Service in front of the sidecar services
 * (`http://` only when they serve plain HTTP, `--sidecar-services-insecure-plain-http`).
 */
export function inClusterOperatorUrl(namespace: string, tls = true): string {
  return `${tls ? 'https' : 'http'}://agent-governor.${namespace}.svc:8443`;
}

/**
 * The injected sidecar's resources, from `bench/sidecar-overhead-cost.ts` on Node 24 with the
 * sidecar's V8 flags, as the image runs it (docs/sidecar.md, "Resources"): RSS 90–92 MiB idle,
 * 122–136 MiB at the peak of 32 concurrent calls (JSON and streamed; config-file and operator mode). The rule: memory request =
 * the highest peak under load + 15 %, rounded up to 16 MiB; memory limit = request + 96 MiB, for the
 * tokenizer a call without reported usage loads (about 60 MB) and large request bodies. CPU: 50m
 * covers a few hundred calls a second at 75–230 µs of CPU a call; no CPU limit (throttling a proxy
 * adds latency to every call).
 */
export const DEFAULT_SIDECAR_RESOURCES: SidecarResources = {
  requests: { cpu: '50m', memory: '160Mi' },
  limits: { memory: '256Mi' },
};

/** The defaults for an operator in `operatorNamespace` whose sidecar services serve TLS (or not). */
export function defaultInjectionOptions(
  operatorNamespace: string,
  services: { tls: boolean } = { tls: true },
): SidecarInjectionOptions {
  const version = packageVersion();
  return {
    image: `${SIDECAR_IMAGE_REPOSITORY}:${version}`,
    imagePullPolicy: 'IfNotPresent',
    operatorUrl: inClusterOperatorUrl(operatorNamespace, services.tls),
    ...(services.tls ? { operatorCaConfigMap: SERVICES_CA_CONFIG_MAP } : {}),
    port: DEFAULT_SIDECAR_PORT,
    metricsPort: DEFAULT_SIDECAR_METRICS_PORT,
    nativeSidecar: true,
    resources: {
      requests: { ...DEFAULT_SIDECAR_RESOURCES.requests },
      limits: { ...DEFAULT_SIDECAR_RESOURCES.limits },
    },
    version,
  };
}
