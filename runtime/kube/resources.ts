// Kubernetes' own resources the runtime and its controllers list, watch and change, with their object
// types as they travel on the wire (JSON: timestamps are strings, not the Date objects client-node's models declare).
import type {
  EventsV1Event,
  V1ConfigMap,
  V1CronJob,
  V1Deployment,
  V1EndpointSlice,
  V1Job,
  V1Lease,
  V1Namespace,
  V1Pod,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { resourceType } from './resource-type.js';

/** A client-node model type as JSON carries it: every Date (and MicroTime) is an RFC 3339 string. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer Item)[]
    ? Wire<Item>[]
    : T extends object
      ? { [Field in keyof T]: Wire<T[Field]> }
      : T;

export type Deployment = Wire<V1Deployment>;
export type StatefulSet = Wire<V1StatefulSet>;
export type Job = Wire<V1Job>;
export type CronJob = Wire<V1CronJob>;
export type ConfigMap = Wire<V1ConfigMap>;
export type Lease = Wire<V1Lease>;
export type Namespace = Wire<V1Namespace>;
export type Pod = Wire<V1Pod>;
export type KubeEvent = Wire<EventsV1Event>;
export type Secret = Wire<V1Secret>;
export type Service = Wire<V1Service>;
export type EndpointSlice = Wire<V1EndpointSlice>;

export const deployments = resourceType<Deployment>({
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  namespaced: true,
});
export const statefulSets = resourceType<StatefulSet>({
  group: 'apps',
  version: 'v1',
  plural: 'statefulsets',
  kind: 'StatefulSet',
  namespaced: true,
});
export const jobs = resourceType<Job>({
  group: 'batch',
  version: 'v1',
  plural: 'jobs',
  kind: 'Job',
  namespaced: true,
});
export const cronJobs = resourceType<CronJob>({
  group: 'batch',
  version: 'v1',
  plural: 'cronjobs',
  kind: 'CronJob',
  namespaced: true,
});
export const configMaps = resourceType<ConfigMap>({
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
});
/** Alert webhook signing keys (budget alerts), the webhook server's own TLS Secret. */
export const secrets = resourceType<Secret>({
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
});
/** Services: residency follows those that stand for an external host (ExternalName, no selector). */
export const services = resourceType<Service>({
  group: '',
  version: 'v1',
  plural: 'services',
  kind: 'Service',
  namespaced: true,
});
/** EndpointSlices: where a Service without a selector sends its traffic. */
export const endpointSlices = resourceType<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  plural: 'endpointslices',
  kind: 'EndpointSlice',
  namespaced: true,
});
/** Pods: the gateway reads the labels of the pod a token is bound to, the EvaluationGate controller its replay Jobs' termination messages. */
export const pods = resourceType<Pod>({
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
});
export const namespaces = resourceType<Namespace>({
  group: '',
  version: 'v1',
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
});
export const leases = resourceType<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
});
export const events = resourceType<KubeEvent>({
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
});

/** The agent workloads: pod controllers whose pod template may carry the agent label. */
export const agentWorkloadResources = [deployments, statefulSets, jobs, cronJobs] as const;
