// Objects for the TokenBudget plan and reconciler tests: a daily budget of 10,000 tokens in
// namespace `shop` (75 %: Alert + Degrade, 100 %: Suspend), agent Deployments, and usage ledgers
// fed the way usage ingest feeds them (110 tokens a call).
import { AGENT_LABEL, API_VERSION, CRITICALITY_LABEL } from '../../../apis/group-version.js';
import { applyBatch } from '../../../apis/ledger/apply-batch.js';
import { emptyLedger, ledgerName } from '../../../apis/ledger/ledger-name.js';
import { batch, entry } from '../../../apis/ledger/testdata/batches.js';
import { trackPeriods } from '../../../apis/ledger/tracked-periods.js';
import type { TokenBudget, TokenBudgetSpec, TokenBudgetStatus } from '../../../apis/token-budget.js';
import type { AgentUsageLedger } from '../../../apis/usage-ledger.js';
import type { KubeObject } from '../../../runtime/kube/kube-object.js';
import { RESTORE_FINALIZER } from '../restore-finalizer.js';
import { SUSPENDED_BY_ANNOTATION, SUSPENDED_REPLICAS_ANNOTATION } from '../suspend-plan.js';

export const NAMESPACE = 'shop';
/** Noon of the budget's day; the period ends at midnight UTC. */
export const NOON = new Date('2025-03-11T12:00:00Z');
export const PERIOD_START = '2025-03-11T00:00:00.000Z';

export const spec: TokenBudgetSpec = {
  agentSelector: {},
  period: { reset: 'Daily', timeZone: 'UTC' },
  limits: { tokens: 10_000, currency: 'USD' },
  thresholds: [
    { percent: 75, actions: ['Alert', 'Degrade'] },
    { percent: 100, actions: ['Suspend'] },
  ],
};

export function tokenBudget(
  options: { status?: TokenBudgetStatus; annotations?: Record<string, string>; spec?: TokenBudgetSpec } = {},
): TokenBudget {
  return {
    apiVersion: API_VERSION,
    kind: 'TokenBudget',
    metadata: {
      namespace: NAMESPACE,
      name: 'daily',
      generation: 1,
      resourceVersion: '10',
      finalizers: [RESTORE_FINALIZER],
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: options.spec ?? spec,
    ...(options.status ? { status: options.status } : {}),
  };
}

/** An agent Deployment; `heldBy` marks it suspended by that budget (at 0, `kept` replicas kept). */
export function agentDeployment(
  name: string,
  options: { replicas?: number; critical?: boolean; heldBy?: string; kept?: number } = {},
): KubeObject {
  const annotations: Record<string, string> = {};
  if (options.heldBy) annotations[SUSPENDED_BY_ANNOTATION] = options.heldBy;
  if (options.kept !== undefined) annotations[SUSPENDED_REPLICAS_ANNOTATION] = String(options.kept);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: NAMESPACE, name, resourceVersion: '20', annotations },
    spec: {
      replicas: options.replicas ?? 2,
      template: {
        metadata: {
          labels: { [AGENT_LABEL]: name, ...(options.critical ? { [CRITICALITY_LABEL]: 'critical' } : {}) },
        },
      },
    },
  } as KubeObject;
}

/** The agent's ledger tracking the budget's period since its start, with `calls` calls at 11:00. */
export function usageLedger(agent: string, calls: number): AgentUsageLedger {
  const tracked = trackPeriods(emptyLedger(agent), [spec.period], new Date(PERIOD_START));
  const fed =
    calls > 0
      ? applyBatch(tracked, batch(1, [entry('2025-03-11T11:00:00Z', calls)], { agent }), NOON).ledger
      : tracked;
  return {
    apiVersion: API_VERSION,
    kind: 'AgentUsageLedger',
    metadata: { namespace: NAMESPACE, name: ledgerName(agent), resourceVersion: '30' },
    spec: fed,
  };
}
