// One row of the residency table (residency-cases.ts) and the builders the rows are written with:
// a manifest of each workload kind as a user would apply it (valid for the real API server, so the
// e2e suites can replay rows through it), the policies, routes and ConfigMaps around it, and what
// the webhook must answer.
import { API_VERSION } from '../../../apis/group-version.js';
import type { AdmissionRequest } from '../../admission/admission-review.js';
import type { ClusterObjects } from '../../testdata/in-memory-cluster-view.js';
import type { ResidencyKind } from '../admitted-workload.js';

/** allowed: no warning, no audit note; denied: 403; warned: allowed with warnings; audited: allowed with an audit annotation. */
export type ResidencyExpectation = 'allowed' | 'denied' | 'warned' | 'audited';

export interface ResidencyCase {
  name: string;
  kind: ResidencyKind;
  /** The namespace the object is admitted in (manifests carry none: a replay picks its own). */
  namespace: string;
  namespaceLabels: Record<string, string>;
  /** DataResidencyPolicy manifests (cluster-scoped; names start with `residency-case-`). */
  policies: unknown[];
  /** FallbackRoute manifests, without namespace. */
  routes?: unknown[];
  /** ConfigMaps, without namespace. */
  configMaps?: Array<{ metadata: { name: string }; data: Record<string, string> }>;
  /** Services (and the EndpointSlices of those without selector), without namespace: serviceAlias(). */
  services?: Manifest[];
  operation?: 'CREATE' | 'UPDATE';
  /** `ephemeralcontainers`: the object is the Pod with its new ephemeral containers. */
  subResource?: 'ephemeralcontainers';
  object: Manifest;
  oldObject?: Manifest;
  expect: ResidencyExpectation;
  /** Text the denial message (denied), the warnings (warned) or the audit note (audited) must contain. */
  mentions?: string[];
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef: { name: string; key: string; optional?: boolean } };
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  envFrom?: Array<{ prefix?: string; configMapRef: { name: string; optional?: boolean } }>;
  command?: string[];
  args?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
}

export interface Volume {
  name: string;
  configMap?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
  projected?: { sources: Array<Record<string, unknown>> };
  secret?: { secretName: string; optional?: boolean };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  restartPolicy?: string;
}

export const CASE_NAMESPACE = 'agents';
export const EU_NAMESPACE_LABELS = { 'residency-case': 'eu' };
const IMAGE = 'registry.example/agent:1.0';

export function container(name: string, parts: Omit<Container, 'name' | 'image'> = {}): Container {
  return { name, image: IMAGE, ...parts };
}

/** The `agent` container with these env values. */
export function agentEnv(env: Record<string, string>): PodSpec {
  return {
    containers: [container('agent', { env: Object.entries(env).map(([name, value]) => ({ name, value })) })],
  };
}

export interface WorkloadOptions {
  /** Pod (template) labels; default: app and the agent label, both `name`. */
  labels?: Record<string, string>;
  /** Pod (template) annotations. */
  annotations?: Record<string, string>;
  /** The workload's own annotations (not for Pods). */
  workloadAnnotations?: Record<string, string>;
}

/** A manifest of `kind` named `name` whose pod (template) has `spec`. */
export function workload(
  kind: ResidencyKind,
  name: string,
  spec: PodSpec,
  options: WorkloadOptions = {},
): Manifest {
  const labels = options.labels ?? { app: name, 'governor.agents.dev/agent': name };
  const podMeta = { labels, ...(options.annotations ? { annotations: options.annotations } : {}) };
  const meta = {
    name,
    ...(options.workloadAnnotations ? { annotations: options.workloadAnnotations } : {}),
  };
  const restart = (s: PodSpec): PodSpec => ({ ...s, restartPolicy: s.restartPolicy ?? 'Never' });
  const selector = { matchLabels: labels };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...podMeta, name }, spec: { ...spec } };
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: meta,
        spec: { selector, template: { metadata: podMeta, spec } },
      };
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: meta,
        spec: { selector, serviceName: name, template: { metadata: podMeta, spec } },
      };
    case 'Job':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata: meta,
        spec: { template: { metadata: podMeta, spec: restart(spec) } },
      };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata: meta,
        spec: {
          schedule: '0 * * * *',
          jobTemplate: { spec: { template: { metadata: podMeta, spec: restart(spec) } } },
        },
      };
  }
}

export type PolicyMode = 'Enforce' | 'Warn' | 'Audit';

export interface PolicyOptions {
  mode?: PolicyMode;
  allowedRegions?: string[];
  allowedJurisdictions?: string[];
  endpoints?: Array<{ host: string; region: string; jurisdiction: string }>;
  unknownEndpoints?: 'Deny' | 'Allow';
  /** Namespace labels selected; default EU_NAMESPACE_LABELS. */
  selects?: Record<string, string>;
}

/** A DataResidencyPolicy `residency-case-<name>`; by default EU jurisdiction only, for namespaces labelled residency-case=eu. */
export function policy(name: string, options: PolicyOptions = {}): unknown {
  const regions = options.allowedRegions;
  return {
    apiVersion: API_VERSION,
    kind: 'DataResidencyPolicy',
    metadata: { name: `residency-case-${name}` },
    spec: {
      mode: options.mode ?? 'Enforce',
      namespaceSelector: { matchLabels: options.selects ?? EU_NAMESPACE_LABELS },
      ...(regions ? { allowedRegions: regions } : {}),
      ...(regions && !options.allowedJurisdictions
        ? {}
        : { allowedJurisdictions: options.allowedJurisdictions ?? ['EU'] }),
      ...(options.endpoints ? { endpoints: options.endpoints } : {}),
      ...(options.unknownEndpoints ? { unknownEndpoints: options.unknownEndpoints } : {}),
    },
  };
}

/** A FallbackRoute for `model` used by agents labelled `agent`, with targets `name=endpoint`. */
export function route(
  name: string,
  agent: string,
  targets: Record<string, string>,
  model = 'gpt-4o',
): unknown {
  return {
    apiVersion: API_VERSION,
    kind: 'FallbackRoute',
    metadata: { name },
    spec: {
      agentSelector: { matchLabels: { 'governor.agents.dev/agent': agent } },
      model,
      targets: Object.entries(targets).map(([target, endpoint]) => ({
        name: target,
        provider: 'OpenAI',
        endpoint,
      })),
    },
  };
}

/** A Service of type ExternalName: `name` stands for `externalName`. */
export function externalNameService(name: string, externalName: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'ExternalName', externalName },
  };
}

/**
 * A Service without a selector and the EndpointSlice its owner writes for it: traffic to `name`
 * goes to `addresses` (IPv4).
 */
export function selectorlessService(name: string, addresses: string[]): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 443 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-manual`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ port: 443 }],
      endpoints: addresses.map((address) => ({ addresses: [address] })),
    },
  ];
}

/** The `agent` container with `env`, mounting `volumes` (name → mount path). */
export function agentMounting(
  mounts: Record<string, string>,
  volumes: Volume[],
  env: Record<string, string> = {},
): PodSpec {
  return {
    containers: [
      container('agent', {
        ...(Object.keys(env).length > 0
          ? { env: Object.entries(env).map(([name, value]) => ({ name, value })) }
          : {}),
        volumeMounts: Object.entries(mounts).map(([name, mountPath]) => ({
          name,
          mountPath,
          readOnly: true,
        })),
      }),
    ],
    volumes,
  };
}

const RESOURCES: Record<ResidencyKind, { group: string; resource: string }> = {
  Pod: { group: '', resource: 'pods' },
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
};

/** The AdmissionRequest the API server sends for a row. */
export function admissionRequestOf(row: ResidencyCase, uid = 'case'): AdmissionRequest {
  const { group, resource } = RESOURCES[row.kind];
  const withNamespace = (m: Manifest) => ({ ...m, metadata: { ...m.metadata, namespace: row.namespace } });
  return {
    uid,
    kind: { group, version: 'v1', kind: row.kind },
    resource: { group, version: 'v1', resource },
    ...(row.subResource ? { subResource: row.subResource } : {}),
    name: row.object.metadata.name,
    namespace: row.namespace,
    operation: row.operation ?? 'CREATE',
    userInfo: { username: 'case' },
    object: withNamespace(row.object),
    ...(row.oldObject ? { oldObject: withNamespace(row.oldObject) } : {}),
  };
}

/** Namespaces every cluster has (the e2e replay's real cluster too): rows may name Services in them. */
export const BUILT_IN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

/** The cluster around a row, for inMemoryClusterView: its namespace besides the built-in ones. */
export function clusterObjectsOf(row: ResidencyCase): ClusterObjects {
  const inNamespace = <T extends { metadata: object }>(m: T): T => ({
    ...m,
    metadata: { ...m.metadata, namespace: row.namespace },
  });
  const builtIn = Object.fromEntries(BUILT_IN_NAMESPACES.map((name) => [name, {}]));
  return {
    namespaces: { ...builtIn, [row.namespace]: row.namespaceLabels },
    residencyPolicies: row.policies,
    fallbackRoutes: (row.routes ?? []).map((r) => inNamespace(r as { metadata: object })),
    configMaps: (row.configMaps ?? []).map((c) => ({
      ...c,
      metadata: { ...c.metadata, namespace: row.namespace },
    })),
    services: (row.services ?? []).filter((m) => m.kind === 'Service').map(inNamespace),
    endpointSlices: (row.services ?? []).filter((m) => m.kind === 'EndpointSlice').map(inNamespace),
  };
}
