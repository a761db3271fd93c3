// The residency validating webhook (`/validate/residency`): Pods (the pods/ephemeralcontainers
// subresource included) and the pod templates of Deployments, StatefulSets, DaemonSets,
// ReplicaSets, Jobs and CronJobs, on CREATE and UPDATE. Reads the namespace's labels, the residency
// policies, the namespace's FallbackRoutes, the Services that stand for external hosts and the
// ConfigMaps the spec references or mounts (the only await, all at once); everything else is pure
// (residency-findings.ts, residency-verdict.ts). Never writes:
// Audit findings go into an audit annotation, and a workload admitted with findings (Audit, Warn, or
// an Enforce finding an UPDATE already had) asks, through `onAuditFinding`, for an audit of the
// policies concerned, so that the DataResidencyPolicy controller lists it in their status within
// seconds (controllers/data-residency/residency-audit-requests.ts). Not for a dry-run: nothing is stored.
import type { ResidencyRefusal } from '../../apis/data-residency-policy.js';
import { AGENT_LABEL } from '../../apis/group-version.js';
import { type PodSpecLike, referencedConfigMaps } from '../../apis/pod-destinations.js';
import { operatorMount } from '../../residency/operator-mounts.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import type { AdmissionHandler, AdmissionRequest, AdmissionVerdict } from '../admission/admission-review.js';
import { RESIDENCY_WEBHOOK } from '../registration/webhook-names.js';
import { type AdmittedWorkload, admittedWorkload, isResidencyKind } from './admitted-workload.js';
import { namespaceResidencies } from './namespace-residency.js';
import { findingKey, type ResidencyFinding, residencyFindings } from './residency-findings.js';
import { residencyVerdict } from './residency-verdict.js';

const ALLOWED: AdmissionVerdict = { allowed: true };
const NOTHING_BEFORE: ReadonlySet<string> = new Set();

export interface ResidencyHandlerOptions {
  /**
   * A workload was admitted (not a dry-run) although `policy` applies and something in it is
   * outside what a policy allows: its audit should run soon. Called for every applying policy but
   * the Enforce ones no finding names (a finding names only the strictest objecting policy, so a
   * Warn or Audit policy objecting too is not named). Must not throw or block.
   */
  onAuditFinding?: (policy: string) => void;
  /**
   * A workload was refused (not a dry-run): the Enforce findings that refused it, each naming its
   * policy, so the refusal can be recorded where people look (residency-refusal-recorder.ts). Must
   * not throw or block.
   */
  onRefusal?: (refusals: RefusedDestination[]) => void;
}

/** One destination admission refused, with what a record of the refusal needs. */
export interface RefusedDestination {
  policy: string;
  refusal: ResidencyRefusal;
}

export function residencyValidationHandler(
  view: AdmissionClusterView,
  options: ResidencyHandlerOptions = {},
): AdmissionHandler {
  const residencyOf = namespaceResidencies();
  // `<service>.<namespace>` names a Service when the namespace exists (the view's namespace cache).
  const isClusterNamespace = (name: string) => view.namespace(name) !== undefined;
  // A host naming a Service that stands for an external host is judged as that host.
  const services = (namespace: string, name: string) => view.serviceAlias(namespace, name);
  return {
    name: 'residency',
    path: RESIDENCY_WEBHOOK.path,
    async handle(request: AdmissionRequest): Promise<AdmissionVerdict> {
      if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOWED;
      const kind = request.kind.kind;
      if (!isResidencyKind(kind)) return ALLOWED;
      // Of the subresources only pods/ephemeralcontainers adds destinations (status, scale do not).
      if (request.subResource && !(kind === 'Pod' && request.subResource === 'ephemeralcontainers')) {
        return ALLOWED;
      }
      const namespace = request.namespace ?? namespaceOf(request.object);
      if (!namespace || view.exemptNamespaces.has(namespace)) return ALLOWED;
      const judged = residencyOf(view, namespace);
      if (!judged) return ALLOWED;
      const workload = admittedWorkload(kind, request.object, namespace);
      if (!workload) {
        return {
          allowed: false,
          code: 400,
          reason: 'BadRequest',
          message: `the AdmissionReview for ${kind} ${namespace}/${request.name ?? ''} carries no object to judge`,
        };
      }
      // Removing the last finalizer of an object being deleted is an UPDATE; it is leaving anyway.
      if (workload.deleting) return ALLOWED;

      const routes = view.fallbackRoutes(namespace);
      const configMaps = await readConfigMaps(view, namespace, workload.spec);
      const findings = residencyFindings({
        workload,
        judged,
        configMaps,
        routes,
        isClusterNamespace,
        services,
      });
      if (findings.length === 0) return ALLOWED;

      // An UPDATE is refused only for what it adds (docs/adr/0017-residency-admission-ratchets-updates.md).
      let preexisting = NOTHING_BEFORE;
      const old =
        request.operation === 'UPDATE' ? admittedWorkload(kind, request.oldObject, namespace) : undefined;
      if (old && findings.some((f) => f.mode === 'Enforce')) {
        const oldConfigMaps = {
          ...(await readConfigMaps(view, namespace, old.spec, configMaps)),
          ...configMaps,
        };
        const before = residencyFindings({
          workload: old,
          judged,
          configMaps: oldConfigMaps,
          routes,
          isClusterNamespace,
          services,
        });
        preexisting = new Set(before.map(findingKey));
      }
      const verdict = residencyVerdict({ workload, findings, preexisting, policies: judged.policies });
      if (!verdict.allowed && request.dryRun !== true && options.onRefusal) {
        options.onRefusal(refusedDestinations(request, workload, findings, preexisting));
      }
      if (verdict.allowed && request.dryRun !== true && options.onAuditFinding) {
        const named = new Set(findings.map((f) => f.policy));
        for (const policy of judged.policies) {
          const name = policy.metadata?.name ?? '';
          if (policy.spec.mode !== 'Enforce' || named.has(name)) options.onAuditFinding(name);
        }
      }
      return verdict;
    },
  };
}

/**
 * The data of every ConfigMap the spec reads env from or mounts, read concurrently. A missing one is
 * undefined: optional ones are fine to miss, and with a required one missing the kubelet does not
 * start the container, so neither names a destination.
 */
async function readConfigMaps(
  view: AdmissionClusterView,
  namespace: string,
  spec: PodSpecLike | undefined,
  alreadyRead: Readonly<Record<string, unknown>> = {},
): Promise<Record<string, Record<string, string> | undefined>> {
  const names = referencedConfigMaps(spec, operatorMount).filter((name) => !(name in alreadyRead));
  if (names.length === 0) return {};
  const data = await Promise.all(names.map((name) => view.configMapData(namespace, name)));
  return Object.fromEntries(names.map((name, i) => [name, data[i]]));
}

/** The Enforce findings that refused the workload (the ones residencyVerdict denies on), as records. */
function refusedDestinations(
  request: AdmissionRequest,
  workload: AdmittedWorkload,
  findings: readonly ResidencyFinding[],
  preexisting: ReadonlySet<string>,
): RefusedDestination[] {
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const agent = workload.labels[AGENT_LABEL];
  return findings
    .filter((f) => f.mode === 'Enforce' && !preexisting.has(findingKey(f)))
    .map((f) => ({
      policy: f.policy,
      refusal: {
        time,
        namespace: workload.namespace,
        kind: workload.kind,
        name: workload.name,
        ...(agent ? { agent } : {}),
        ...(request.userInfo?.username ? { user: request.userInfo.username } : {}),
        ...(f.container !== undefined ? { container: f.container } : {}),
        source: f.source,
        endpoint: f.endpoint,
        host: f.host,
        ...(f.region !== undefined ? { region: f.region } : {}),
        ...(f.jurisdiction !== undefined ? { jurisdiction: f.jurisdiction } : {}),
      },
    }));
}

function namespaceOf(object: unknown): string | undefined {
  const namespace = (object as { metadata?: { namespace?: unknown } } | undefined)?.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}
