import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS } from '../../apis/usage-batch.js';
import type { RequestRecord } from './request-record.js';

/** What `BudgetGate.snapshot()` returns; declared here so telemetry does not import the budget. */
export interface BudgetSnapshot {
  name: string;
  phase: 'Active' | 'Warning' | 'Exhausted';
  usedTokens: number;
  reservedTokens: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetsAt: string;
}

export type CircuitState = 'Closed' | 'Open' | 'HalfOpen';

const PREFIX = 'governor_sidecar_';
/** The usage report's latency bounds, in seconds: one histogram shape from sidecar to ledger. */
const LATENCY_BUCKETS_SECONDS = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);
const CIRCUIT_VALUE: Record<CircuitState, number> = { Closed: 0, HalfOpen: 1, Open: 2 };
const PHASES = ['Active', 'Warning', 'Exhausted'] as const;
/** Label value for a dimension a request did not have (no route for a refusal, no target for a hit). */
const NONE = 'none';

/**
 * The sidecar's Prometheus metrics, on a registry of its own (`/metrics` serves it). `observe`
 * turns one finished request into every series it touches; circuit and budget gauges are set by
 * their owners when they change.
 */
export class SidecarMetrics {
  readonly registry: Registry;
  private readonly tokens: Counter<'agent' | 'model' | 'kind' | 'estimated'>;
  private readonly cost: Counter<'agent' | 'model'>;
  private readonly requests: Counter<'agent' | 'api' | 'outcome' | 'route' | 'target' | 'status'>;
  private readonly duration: Histogram<'agent' | 'api' | 'route'>;
  private readonly upstream: Histogram<'route' | 'target'>;
  private readonly firstByte: Histogram<'api' | 'route'>;
  private readonly cacheHits: Counter<'route'>;
  private readonly cacheMisses: Counter<'route'>;
  private readonly fallbacks: Counter<'route' | 'target' | 'reason'>;
  private readonly circuit: Gauge<'route' | 'target'>;
  private readonly budgetRemaining: Gauge<'budget'>;
  private readonly budgetUsed: Gauge<'budget'>;
  private readonly budgetReserved: Gauge<'budget'>;
  private readonly budgetPhase: Gauge<'budget' | 'phase'>;
  private budgetNames = new Set<string>();

  constructor(registry: Registry = new Registry(), options: { processMetrics?: boolean } = {}) {
    this.registry = registry;
    const registers = [registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
    this.tokens = new Counter({
      name: `${PREFIX}tokens_total`,
      help: 'Tokens used, by agent, model, kind (input, output, cached_input) and whether a tokenizer estimated them.',
      labelNames: ['agent', 'model', 'kind', 'estimated'],
      registers,
    });
    this.cost = new Counter({
      name: `${PREFIX}cost_micro_usd_total`,
      help: 'Cost of the tokens used, in micro-USD (millionths of a US dollar).',
      labelNames: ['agent', 'model'],
      registers,
    });
    this.requests = new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Governed requests, by outcome, route, answering target and HTTP status returned to the agent.',
      labelNames: ['agent', 'api', 'outcome', 'route', 'target', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: `${PREFIX}request_duration_seconds`,
      help: 'End-to-end time of a request, arrival to last byte sent to the agent.',
      labelNames: ['agent', 'api', 'route'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.upstream = new Histogram({
      name: `${PREFIX}upstream_duration_seconds`,
      help: 'Time spent waiting on upstream providers for a request, all attempts.',
      labelNames: ['route', 'target'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.firstByte = new Histogram({
      name: `${PREFIX}time_to_first_byte_seconds`,
      help: 'Arrival to the first byte sent to the agent, for streamed answers (time to first token).',
      labelNames: ['api', 'route'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.cacheHits = new Counter({
      name: `${PREFIX}cache_hits_total`,
      help: 'Requests answered from the response cache.',
      labelNames: ['route'],
      registers,
    });
    this.cacheMisses = new Counter({
      name: `${PREFIX}cache_misses_total`,
      help: 'Cacheable requests the response cache could not answer.',
      labelNames: ['route'],
      registers,
    });
    this.fallbacks = new Counter({
      name: `${PREFIX}fallbacks_total`,
      help: 'Targets passed over, by route, the target passed over and why (Timeout, ServerError, CircuitOpen, ...).',
      labelNames: ['route', 'target', 'reason'],
      registers,
    });
    this.circuit = new Gauge({
      name: `${PREFIX}circuit_state`,
      help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
      labelNames: ['route', 'target'],
      registers,
    });
    this.budgetRemaining = new Gauge({
      name: `${PREFIX}budget_remaining_tokens`,
      help: 'Tokens left in the budget period, as this sidecar knows it (reservations deducted).',
      labelNames: ['budget'],
      registers,
    });
    this.budgetUsed = new Gauge({
      name: `${PREFIX}budget_used_tokens`,
      help: 'Tokens used in the budget period, as this sidecar knows it.',
      labelNames: ['budget'],
      registers,
    });
    this.budgetReserved = new Gauge({
      name: `${PREFIX}budget_reserved_tokens`,
      help: 'Tokens reserved by requests in flight.',
      labelNames: ['budget'],
      registers,
    });
    this.budgetPhase = new Gauge({
      name: `${PREFIX}budget_phase`,
      help: 'Budget phase: 1 for the phase in force (Active, Warning, Exhausted), 0 for the others.',
      labelNames: ['budget', 'phase'],
      registers,
    });
  }

  observe(record: RequestRecord): void {
    const agent = `${record.agent.namespace}/${record.agent.name}`;
    const route = record.route ?? NONE;
    const target = record.target ?? NONE;
    const estimated = record.usage.estimated ? 'true' : 'false';
    const { inputTokens, outputTokens, cachedInputTokens } = record.usage;
    if (inputTokens > 0)
      this.tokens.inc({ agent, model: record.model, kind: 'input', estimated }, inputTokens);
    if (outputTokens > 0)
      this.tokens.inc({ agent, model: record.model, kind: 'output', estimated }, outputTokens);
    if (cachedInputTokens > 0) {
      this.tokens.inc({ agent, model: record.model, kind: 'cached_input', estimated }, cachedInputTokens);
    }
    if (record.costMicros > 0) this.cost.inc({ agent, model: record.model }, record.costMicros);
    this.requests.inc({
      agent,
      api: record.api,
      outcome: record.outcome,
      route,
      target,
      status: record.status,
    });
    this.duration.observe({ agent, api: record.api, route }, record.timings.totalMs / 1000);
    if (record.attempts > 0) this.upstream.observe({ route, target }, record.timings.upstreamMs / 1000);
    if (record.timings.firstByteMs !== undefined) {
      this.firstByte.observe({ api: record.api, route }, record.timings.firstByteMs / 1000);
    }
    if (record.cache === 'hit') this.cacheHits.inc({ route });
    else if (record.cache === 'miss') this.cacheMisses.inc({ route });
    for (const passed of record.fallbackReasons) {
      const colon = passed.lastIndexOf(':');
      const reason = colon === -1 ? passed : passed.slice(colon + 1);
      this.fallbacks.inc({ route, target: colon === -1 ? NONE : passed.slice(0, colon), reason });
    }
  }

  setCircuit(route: string, target: string, state: CircuitState): void {
    this.circuit.set({ route, target }, CIRCUIT_VALUE[state]);
  }

  /** Replaces the budget gauges; budgets gone from the snapshot disappear from /metrics. */
  setBudgets(snapshot: readonly BudgetSnapshot[]): void {
    const names = new Set(snapshot.map((budget) => budget.name));
    for (const gone of this.budgetNames) {
      if (names.has(gone)) continue;
      this.budgetRemaining.remove({ budget: gone });
      this.budgetUsed.remove({ budget: gone });
      this.budgetReserved.remove({ budget: gone });
      for (const phase of PHASES) this.budgetPhase.remove({ budget: gone, phase });
    }
    this.budgetNames = names;
    for (const budget of snapshot) {
      const labels = { budget: budget.name };
      if (budget.remainingTokens !== undefined) this.budgetRemaining.set(labels, budget.remainingTokens);
      else this.budgetRemaining.remove(labels);
      this.budgetUsed.set(labels, budget.usedTokens);
      this.budgetReserved.set(labels, budget.reservedTokens);
      for (const phase of PHASES)
        this.budgetPhase.set({ budget: budget.name, phase }, phase === budget.phase ? 1 : 0);
    }
  }
}
