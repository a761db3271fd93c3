// The pod template an admission request carries, for every kind residency judges: a Pod (its own
// spec, also for the pods/ephemeralcontainers subresource, where the object is the Pod with its new
// ephemeral containers), a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job (spec.template),
// a CronJob (spec.jobTemplate.spec.template). Pure.
import type { PodSpecLike } from '../../apis/pod-destinations.js';
import { AUDITED_KINDS, type AuditedKind } from '../../residency/audited-workloads.js';

/** The kinds residency judges: the same the DataResidencyPolicy audit reads (one list). */
export const RESIDENCY_KINDS = AUDITED_KINDS;
export type ResidencyKind = AuditedKind;

/** What residency reads of one admitted object. */
export interface AdmittedWorkload {
  kind: ResidencyKind;
  namespace: string;
  /** The object's name; `<generateName>*` when the API server has not named it yet. */
  name: string;
  /** Pod (template) labels: what routes' agentSelectors match. */
  labels: Readonly<Record<string, string>>;
  /** Pod (template) annotations. */
  annotations: Readonly<Record<string, string>>;
  /** The workload's own annotations (a Pod: its annotations again). */
  workloadAnnotations: Readonly<Record<string, string>>;
  spec: PodSpecLike | undefined;
  /** Being deleted (a finalizer being removed reaches the webhook as an UPDATE). */
  deleting: boolean;
}

interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}

interface Template {
  metadata?: ObjectMeta;
  spec?: PodSpecLike;
}

interface WorkloadShape {
  metadata?: ObjectMeta;
  spec?: PodSpecLike & { template?: Template; jobTemplate?: { spec?: { template?: Template } } };
}

export function isResidencyKind(kind: string): kind is ResidencyKind {
  return (RESIDENCY_KINDS as readonly string[]).includes(kind);
}

/**
 * The workload of `object` as admitted in `namespace` (the request's namespace wins over the
 * object's: on CREATE the object may not carry one). Undefined when `object` is not an object.
 */
export function admittedWorkload(
  kind: ResidencyKind,
  object: unknown,
  namespace: string,
): AdmittedWorkload | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const workload = object as WorkloadShape;
  const meta = workload.metadata ?? {};
  const template: Template | undefined =
    kind === 'Pod'
      ? { metadata: meta, spec: workload.spec }
      : kind === 'CronJob'
        ? workload.spec?.jobTemplate?.spec?.template
        : workload.spec?.template;
  return {
    kind,
    namespace,
    name: meta.name || (meta.generateName ? `${meta.generateName}*` : '(unnamed)'),
    labels: template?.metadata?.labels ?? {},
    annotations: template?.metadata?.annotations ?? {},
    workloadAnnotations: meta.annotations ?? {},
    spec: template?.spec,
    deleting: meta.deletionTimestamp !== undefined,
  };
}
