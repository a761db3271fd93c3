// When a DataResidencyPolicy is audited, and what an audit leaves behind (pure). The controller
// (data-residency-controller.ts) reads the cache and the clock, asks `auditSchedule` whether an audit
// is due, runs the audit (residency-audit.ts, over what it lists and reads), and hands the result to
// `auditRecord`: the status to write and the Events to record, carried out by the plan executor.
//
// An audit is due every spec.auditInterval, measured from status.lastAuditTime — so the period
// survives restarts and leader changes — at once after a spec change (observedGeneration behind),
// and when admission asked for one (requested-audit.ts), even before the interval has passed.

import { workloadResources } from '../../agents/agent-workload.js';
import { fallbackRoutes } from '../../agents/governor-resources.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { parseDuration } from '../../apis/duration.js';
import { unknownRegionsProblem } from '../../residency/unknown-regions.js';
import type { PlannedEvent } from '../../runtime/controller/plan-executor.js';
import { type ReconcileResult, requeueAfter, terminal } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { apiVersionOf, type ResourceType } from '../../runtime/kube/resource-type.js';
import { type Health, kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { type AuditResult, violationKey } from './residency-audit.js';

/** Events for new violations per audit; the rest are in status. */
export const MAX_EVENTS_PER_AUDIT = 20;

export type DataResidencyPolicyStatus = NonNullable<DataResidencyPolicy['status']>;

export type AuditSchedule =
  /** spec.auditInterval is not a duration: only a person can fix it. */
  | { kind: 'invalid'; result: ReconcileResult }
  /** Not due yet: look again when it is. */
  | { kind: 'wait'; result: ReconcileResult }
  | { kind: 'audit'; intervalMs: number };

export function auditSchedule(input: {
  policy: DataResidencyPolicy;
  now: Date;
  /** Milliseconds until an audit admission asked for is due (0: now); undefined when none was asked. */
  requestedIn: number | undefined;
}): AuditSchedule {
  const { policy, requestedIn } = input;
  const interval = parseDuration(policy.spec.auditInterval);
  if (!Number.isFinite(interval) || interval <= 0) {
    return {
      kind: 'invalid',
      result: terminal(
        `DataResidencyPolicy ${policy.metadata?.name}: spec.auditInterval must be a duration such as 10m, got ${JSON.stringify(policy.spec.auditInterval)}`,
      ),
    };
  }
  const now = input.now.getTime();
  const generation = policy.metadata?.generation;
  const last = policy.status?.lastAuditTime ? Date.parse(policy.status.lastAuditTime) : Number.NaN;
  const current = generation === undefined || policy.status?.observedGeneration === generation;
  // A last audit "in the future" means the clock went back: audit rather than wait that long.
  const recent = current && Number.isFinite(last) && now - last < interval && now >= last;
  if (recent && requestedIn !== 0) {
    return { kind: 'wait', result: requeueAfter(Math.min(interval - (now - last), requestedIn ?? interval)) };
  }
  return { kind: 'audit', intervalMs: interval };
}

/** What an audit started at `now` writes: the status, and an Event per violation new since the last audit. */
export function auditRecord(input: {
  policy: DataResidencyPolicy;
  result: AuditResult;
  /** Agents and namespaces the audit covered, for the message. */
  agents: number;
  namespaces: number;
  now: Date;
}): { status: DataResidencyPolicyStatus; events: PlannedEvent[]; fresh: number } {
  const { policy, result, now } = input;
  const generation = policy.metadata?.generation;
  const audited =
    `audited ${result.workloads} workload(s) (${input.agents} agent(s)) in ${input.namespaces} namespace(s): ` +
    `${result.violationCount} violation(s)`;
  // An allowed region nothing can be placed in needs a person (a typo): Stalled, still audited.
  const problem = unknownRegionsProblem(policy.spec);
  const health: Health = problem
    ? { state: 'Stalled', reason: 'UnknownRegion', message: `${problem}; ${audited}` }
    : { state: 'Ready', reason: 'Audited', message: audited };
  const status: DataResidencyPolicyStatus = {
    violations: result.violations,
    violationCount: result.violationCount,
    lastAuditTime: now.toISOString(),
    conditions: nextConditions(policy.status?.conditions, kstatusConditions(health), generation, now),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const before = new Set((policy.status?.violations ?? []).map(violationKey));
  const fresh = result.all.filter((v) => !before.has(violationKey(v)));
  const events = fresh.slice(0, MAX_EVENTS_PER_AUDIT).map(
    (violation): PlannedEvent => ({
      regarding: policy,
      event: {
        type: 'Warning',
        reason: 'ResidencyViolation',
        action: 'Audit',
        note: violation.message,
        // Each violating object its own Event: a second one within minutes must not join the first's
        // series, which keeps the first one's note.
        related: violatingObject(violation),
      },
    }),
  );
  return { status, events, fresh: fresh.length };
}

/** The workload or route a violation is about, as the Event's related object. */
function violatingObject(violation: { namespace: string; kind: string; name: string }): KubeObject {
  const resource = VIOLATING_KINDS[violation.kind];
  return {
    ...(resource ? { apiVersion: apiVersionOf(resource) } : {}),
    kind: violation.kind,
    metadata: { namespace: violation.namespace, name: violation.name },
  };
}

const VIOLATING_KINDS: Record<string, ResourceType> = { ...workloadResources, FallbackRoute: fallbackRoutes };

/** After an audit: the next one in an interval, or sooner when admission asked meanwhile. */
export function nextAudit(intervalMs: number, requestedIn: number | undefined): ReconcileResult {
  return requeueAfter(Math.min(intervalMs, requestedIn ?? intervalMs));
}
