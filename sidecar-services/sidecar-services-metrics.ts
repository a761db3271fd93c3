// Metrics of the services sidecars use, named governor_operator_sidecar_* (and ledger / policy
// mirror writes), on the operator's registry when given one; started twice on one registry, the services share them.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const prefix = 'governor_operator_';

export interface SidecarServicesMetrics {
  requests: Counter<'service' | 'code'>;
  policyWaiters: Gauge;
  policyFanout: Histogram;
  policyArrival: Histogram;
  policiesSent: Counter<'way'>;
  usageBatches: Counter<'result'>;
  usageDuration: Histogram;
  ledgerWrites: Counter<'result'>;
  tokenReviews: Counter<'result'>;
  mirrorWrites: Counter<'result'>;
  traceCallTakes: Counter<'result'>;
  budgetLeases: Counter<'result'>;
  leaseSlice: Histogram;
}

/** The metric already on the registry (services started again in one process), else a new one. */
function once<T>(registry: Registry, name: string, create: (name: string) => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create(name);
}

export function createSidecarServicesMetrics(registry: Registry): SidecarServicesMetrics {
  const registers = [registry];
  return {
    requests: once(
      registry,
      `${prefix}sidecar_requests_total`,
      (name) =>
        new Counter({
          name,
          help: 'Requests of sidecars by service (policy, usage, none) and HTTP status code.',
          labelNames: ['service', 'code'],
          registers,
        }),
    ),
    policyWaiters: once(
      registry,
      `${prefix}sidecar_policy_waiters`,
      (name) =>
        new Gauge({
          name,
          help: 'Policy long-polls and watch streams held now.',
          registers,
        }),
    ),
    policiesSent: once(
      registry,
      `${prefix}sidecar_policies_sent_total`,
      (name) =>
        new Counter({
          name,
          help: 'Policy versions sent to sidecars, by way: poll (an answer of a long-poll) or watch (a line of a watch stream).',
          labelNames: ['way'],
          registers,
        }),
    ),
    policyFanout: once(
      registry,
      `${prefix}sidecar_policy_fanout_seconds`,
      (name) =>
        new Histogram({
          name,
          help: 'Per policy change that answered held long-polls or wrote to held watches: seconds from the first of those answers written to the last socket write.',
          buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          registers,
        }),
    ),
    policyArrival: once(
      registry,
      `${prefix}sidecar_policy_arrival_seconds`,
      (name) =>
        new Histogram({
          name,
          help: "Per policy version a services replica took from its agent's ConfigMap mirror: seconds from the leader's publish (the version's time) to this replica's store. A leader on another machine adds its clock's skew.",
          buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    ),
    usageBatches: once(
      registry,
      `${prefix}sidecar_usage_batches_total`,
      (name) =>
        new Counter({
          name,
          help: 'Usage batches by result: recorded, duplicate (recorded before), refused (4xx), failed (5xx, retried by the sidecar).',
          labelNames: ['result'],
          registers,
        }),
    ),
    usageDuration: once(
      registry,
      `${prefix}sidecar_usage_ingest_seconds`,
      (name) =>
        new Histogram({
          name,
          help: 'From a usage post to its answer (the ledger write included).',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers,
        }),
    ),
    ledgerWrites: once(
      registry,
      `${prefix}ledger_writes_total`,
      (name) =>
        new Counter({
          name,
          help: 'AgentUsageLedger writes by result: written, conflict (retried), recorded-before (a resend the store knew, written again without it), refused (422), failed.',
          labelNames: ['result'],
          registers,
        }),
    ),
    tokenReviews: once(
      registry,
      `${prefix}sidecar_token_reviews_total`,
      (name) =>
        new Counter({
          name,
          help: 'Sidecar token checks by result: cached, authenticated, rejected, failed (the TokenReview got no answer).',
          labelNames: ['result'],
          registers,
        }),
    ),
    mirrorWrites: once(
      registry,
      `${prefix}policy_mirror_writes_total`,
      (name) =>
        new Counter({
          name,
          help: 'Policy ConfigMap mirror writes by result: created, updated, unchanged, deleted, skipped, failed.',
          labelNames: ['result'],
          registers,
        }),
    ),
    traceCallTakes: once(
      registry,
      `${prefix}trace_call_takes_total`,
      (name) =>
        new Counter({
          name,
          help: 'Calls of a trace counted across the pods of an agent, by result: admitted, refused (the trace made maxCallsPerTrace calls).',
          labelNames: ['result'],
          registers,
        }),
    ),
    budgetLeases: once(
      registry,
      `${prefix}budget_leases_total`,
      (name) =>
        new Counter({
          name,
          help: 'Budget leases answered, by result: granted (a slice above 0), denied (no room left for the holder), released.',
          labelNames: ['result'],
          registers,
        }),
    ),
    leaseSlice: once(
      registry,
      `${prefix}budget_lease_slice_tokens`,
      (name) =>
        new Histogram({
          name,
          help: 'Tokens granted per budget lease.',
          buckets: [0, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000],
          registers,
        }),
    ),
  };
}
