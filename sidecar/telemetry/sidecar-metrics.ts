import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS } from '../../apis/usage-batch.js';
import {
  type CounterSeries,
  type HistogramSeries,
  LabelledCounter,
  LabelledHistogram,
} from './labelled-series.js';
import { agentLabel, type RequestRecord } from './request-record.js';
import { UseCaseLabel } from './use-case-label.js';

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

/** The series one kind of call touches, found with one map lookup per call. */
interface CallSeries {
  requests: CounterSeries;
  duration: HistogramSeries;
  upstream?: HistogramSeries;
  firstByte?: HistogramSeries;
  input?: CounterSeries;
  output?: CounterSeries;
  cachedInput?: CounterSeries;
  cost?: CounterSeries;
  costInCurrency?: CounterSeries;
  unpriced?: CounterSeries;
  cacheHits?: CounterSeries;
  cacheMisses?: CounterSeries;
}

/** Kinds of call remembered; past this the shortcut starts over (the series themselves stay). */
const MAX_CALL_KINDS = 10_000;

/**
 * The sidecar's Prometheus metrics, on a registry of its own (`/metrics` serves it). `observe`
 * turns one finished request into every series it touches; circuit and budget gauges are set by
 * their owners when they change. The per-request series are LabelledCounter / LabelledHistogram
 * (labelled-series.ts): a request finds its series with one map lookup by its kind (agent, API,
 * route, target, model, outcome, status) and updates plain fields.
 */
export class SidecarMetrics {
  readonly registry: Registry;
  private readonly tokens: LabelledCounter;
  private readonly cost: LabelledCounter;
  private readonly costInCurrency: LabelledCounter;
  private readonly unpriced: LabelledCounter;
  private readonly requests: LabelledCounter;
  private readonly duration: LabelledHistogram;
  private readonly upstream: LabelledHistogram;
  private readonly firstByte: LabelledHistogram;
  private readonly cacheHits: LabelledCounter;
  private readonly cacheMisses: LabelledCounter;
  private readonly fallbacks: LabelledCounter;
  private readonly compressionSaved: LabelledCounter;
  private readonly summaryTokens: LabelledCounter;
  private readonly promptTemplateCalls: LabelledCounter;
  private readonly experimentCalls: LabelledCounter;
  private readonly experimentTokens: LabelledCounter;
  private readonly experimentCost: LabelledCounter;
  private readonly experimentDuration: LabelledHistogram;
  private readonly reasoningSimplified: LabelledCounter;
  private readonly deferredCalls: LabelledCounter;
  private readonly circuit: Gauge<'route' | 'target'>;
  private readonly fallbackSwitched: Gauge<'route'>;
  private switchedRoutes = new Set<string>();
  private readonly budgetRemaining: Gauge<'budget'>;
  private readonly budgetUsed: Gauge<'budget'>;
  private readonly budgetReserved: Gauge<'budget'>;
  private readonly budgetPhase: Gauge<'budget' | 'phase'>;
  private budgetNames = new Set<string>();
  private readonly calls = new Map<string, CallSeries>();
  private readonly useCases = new UseCaseLabel();

  constructor(registry: Registry = new Registry(), options: { processMetrics?: boolean } = {}) {
    this.registry = registry;
    const registers = [registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
    this.tokens = new LabelledCounter(
      `${PREFIX}tokens_total`,
      'Tokens used, by agent, use case (at most 5 named per sidecar, then "other"; "none" without one), model, kind (input, output, cached_input) and whether a tokenizer estimated them.',
      registry,
    );
    this.cost = new LabelledCounter(
      `${PREFIX}cost_micro_usd_total`,
      'Cost of the tokens used of models priced in USD, in micro-USD (millionths of a US dollar), by agent, use case and model.',
      registry,
    );
    this.costInCurrency = new LabelledCounter(
      `${PREFIX}cost_micros_total`,
      'Cost of the tokens used, in micro-units of the currency of the model price (label currency), by agent, use case and model.',
      registry,
    );
    this.unpriced = new LabelledCounter(
      `${PREFIX}unpriced_calls_total`,
      'Calls of a model with no price (neither declared in a ModelCatalog nor built in): their cost is unknown, not 0.',
      registry,
    );
    this.requests = new LabelledCounter(
      `${PREFIX}requests_total`,
      'Governed requests, by outcome, route, answering target and HTTP status returned to the agent.',
      registry,
    );
    this.duration = new LabelledHistogram(
      `${PREFIX}request_duration_seconds`,
      'End-to-end time of a request, arrival to last byte sent to the agent.',
      registry,
      LATENCY_BUCKETS_SECONDS,
    );
    this.upstream = new LabelledHistogram(
      `${PREFIX}upstream_duration_seconds`,
      'Time spent waiting on upstream providers for a request, all attempts.',
      registry,
      LATENCY_BUCKETS_SECONDS,
    );
    this.firstByte = new LabelledHistogram(
      `${PREFIX}time_to_first_byte_seconds`,
      'Arrival to the first byte sent to the agent, for streamed answers (time to first token).',
      registry,
      LATENCY_BUCKETS_SECONDS,
    );
    this.cacheHits = new LabelledCounter(
      `${PREFIX}cache_hits_total`,
      'Requests answered from the response cache.',
      registry,
    );
    this.cacheMisses = new LabelledCounter(
      `${PREFIX}cache_misses_total`,
      'Cacheable requests the response cache could not answer.',
      registry,
    );
    this.fallbacks = new LabelledCounter(
      `${PREFIX}fallbacks_total`,
      'Targets passed over, by route, the target passed over and why (Timeout, ServerError, CircuitOpen, ...).',
      registry,
    );
    this.compressionSaved = new LabelledCounter(
      `${PREFIX}compression_tokens_saved_total`,
      "Input tokens (the sidecar's estimate) the route's prompt compression saved, by route and step.",
      registry,
    );
    this.summaryTokens = new LabelledCounter(
      `${PREFIX}compression_summary_tokens_total`,
      "Tokens of the Summarize step, by route, summariser model and kind: input and output of the summariser's " +
        "own calls (as the provider reported them), sent (the sidecar's estimate of the summaries sent in place of old messages).",
      registry,
    );
    this.promptTemplateCalls = new LabelledCounter(
      `${PREFIX}prompt_template_calls_total`,
      'Calls that named a prompt template, by template and version (as the policy holds them; "unknown" and ' +
        '"none" for a name it does not hold) and outcome (Rendered, VersionConflict, InvalidVariables, ' +
        'UnknownTemplate, InvalidHeader, UnsupportedApi).',
      registry,
    );
    // Experiments: a route has at most 8 variants, so these stay small whatever the traffic.
    this.experimentCalls = new LabelledCounter(
      `${PREFIX}experiment_calls_total`,
      'Calls on a route with an A/B experiment, by route, experiment, variant and outcome.',
      registry,
    );
    this.experimentTokens = new LabelledCounter(
      `${PREFIX}experiment_tokens_total`,
      'Tokens of the calls of each experiment variant, by route, experiment, variant and kind (input, output).',
      registry,
    );
    this.experimentCost = new LabelledCounter(
      `${PREFIX}experiment_cost_micros_total`,
      'Cost of the calls of each experiment variant, in micro-units of the price currency (label currency).',
      registry,
    );
    this.experimentDuration = new LabelledHistogram(
      `${PREFIX}experiment_duration_seconds`,
      'End-to-end time of the calls of each experiment variant (refused calls left out).',
      registry,
      LATENCY_BUCKETS_SECONDS,
    );
    this.reasoningSimplified = new LabelledCounter(
      `${PREFIX}reasoning_simplified_total`,
      'Calls past a reasoning limit sent to the cheaper model (onExceeded: Simplify), by the limit passed.',
      registry,
    );
    this.deferredCalls = new LabelledCounter(
      `${PREFIX}deferred_calls_total`,
      "Calls past a reasoning limit deferred to the provider's batch API (onExceeded: Defer), by outcome: submitted, completed (result fetched and counted), delivered, failed.",
      registry,
    );
    this.circuit = new Gauge({
      name: `${PREFIX}circuit_state`,
      help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
      labelNames: ['route', 'target'],
      registers,
    });
    this.fallbackSwitched = new Gauge({
      name: `${PREFIX}fallback_switched`,
      help: "1 while an AgentSLO's SwitchToFallback sends the route's calls to its next target first.",
      labelNames: ['route'],
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
    const agent = agentLabel(record.agent);
    const route = record.route ?? NONE;
    const target = record.target ?? NONE;
    const estimated = record.usage.estimated ? 'true' : 'false';
    const { api, model, outcome, status } = record;
    const currency = record.currency ?? 'USD';
    const useCase = this.useCases.of(record.useCase);
    const kind = `${agent}\u0000${api}\u0000${route}\u0000${target}\u0000${model}\u0000${outcome}\u0000${status}\u0000${estimated}\u0000${currency}\u0000${useCase}`;
    let series = this.calls.get(kind);
    if (series === undefined) {
      if (this.calls.size >= MAX_CALL_KINDS) this.calls.clear();
      series = {
        requests: this.requests.series({ agent, api, outcome, route, target, status }),
        duration: this.duration.series({ agent, api, route }),
      };
      this.calls.set(kind, series);
    }
    const { inputTokens, outputTokens, cachedInputTokens } = record.usage;
    if (inputTokens > 0) {
      series.input ??= this.tokens.series({ agent, use_case: useCase, model, kind: 'input', estimated });
      series.input.value += inputTokens;
    }
    if (outputTokens > 0) {
      series.output ??= this.tokens.series({ agent, use_case: useCase, model, kind: 'output', estimated });
      series.output.value += outputTokens;
    }
    if (cachedInputTokens > 0) {
      series.cachedInput ??= this.tokens.series({
        agent,
        use_case: useCase,
        model,
        kind: 'cached_input',
        estimated,
      });
      series.cachedInput.value += cachedInputTokens;
    }
    if (record.costMicros > 0) {
      if (currency === 'USD') {
        series.cost ??= this.cost.series({ agent, use_case: useCase, model });
        series.cost.value += record.costMicros;
      }
      series.costInCurrency ??= this.costInCurrency.series({ agent, use_case: useCase, model, currency });
      series.costInCurrency.value += record.costMicros;
    }
    if (record.unpriced) {
      series.unpriced ??= this.unpriced.series({ agent, model });
      series.unpriced.value += 1;
    }
    series.requests.value += 1;
    series.duration.observe(record.timings.totalMs / 1000);
    if (record.attempts > 0) {
      series.upstream ??= this.upstream.series({ route, target });
      series.upstream.observe(record.timings.upstreamMs / 1000);
    }
    if (record.timings.firstByteMs !== undefined) {
      series.firstByte ??= this.firstByte.series({ api, route });
      series.firstByte.observe(record.timings.firstByteMs / 1000);
    }
    if (record.cache === 'hit') {
      series.cacheHits ??= this.cacheHits.series({ route });
      series.cacheHits.value += 1;
    } else if (record.cache === 'miss') {
      series.cacheMisses ??= this.cacheMisses.series({ route });
      series.cacheMisses.value += 1;
    }
    if (record.compression) {
      for (const { step, tokensSaved } of record.compression.steps)
        this.compressionSaved.series({ route, step }).value += tokensSaved;
      const summary = record.compression.summary;
      if (summary && summary.tokens > 0)
        this.summaryTokens.series({ route, model: summary.model, kind: 'sent' }).value += summary.tokens;
    }
    if (record.summariser) {
      this.summaryTokens.series({ route, model: record.model, kind: 'input' }).value +=
        record.usage.inputTokens;
      this.summaryTokens.series({ route, model: record.model, kind: 'output' }).value +=
        record.usage.outputTokens;
    }
    if (record.promptTemplate) {
      const { name, version, outcome } = record.promptTemplate;
      this.promptTemplateCalls.series({ template: name, version, outcome }).value += 1;
    }
    if (record.experiment) this.observeVariant(record, route, currency);
    if (record.simplified !== undefined)
      this.reasoningSimplified.series({ limit: record.simplified }).value += 1;
    for (const passed of record.fallbackReasons) {
      const colon = passed.lastIndexOf(':');
      const reason = colon === -1 ? passed : passed.slice(colon + 1);
      this.fallbacks.series({
        route,
        target: colon === -1 ? NONE : passed.slice(0, colon),
        reason,
      }).value += 1;
    }
  }

  private observeVariant(record: RequestRecord, route: string, currency: string): void {
    const { name: experiment, variant } = record.experiment!;
    this.experimentCalls.series({ route, experiment, variant, outcome: record.outcome }).value += 1;
    if (record.outcome === 'Rejected') return;
    const { inputTokens, outputTokens } = record.usage;
    if (inputTokens > 0)
      this.experimentTokens.series({ route, experiment, variant, kind: 'input' }).value += inputTokens;
    if (outputTokens > 0)
      this.experimentTokens.series({ route, experiment, variant, kind: 'output' }).value += outputTokens;
    if (record.costMicros > 0)
      this.experimentCost.series({ route, experiment, variant, currency }).value += record.costMicros;
    this.experimentDuration.series({ route, experiment, variant }).observe(record.timings.totalMs / 1000);
  }

  /** One deferred call submitted, completed (result fetched and counted), delivered or failed. */
  countDeferred(outcome: 'submitted' | 'completed' | 'delivered' | 'failed'): void {
    this.deferredCalls.series({ outcome }).value += 1;
  }

  setCircuit(route: string, target: string, state: CircuitState): void {
    this.circuit.set({ route, target }, CIRCUIT_VALUE[state]);
  }

  /** The routes switched to fallback now (1) among all of the policy's routes (0). */
  setFallbackSwitched(routes: readonly string[], switched: readonly string[]): void {
    const on = new Set(switched);
    for (const gone of this.switchedRoutes)
      if (!routes.includes(gone)) this.fallbackSwitched.remove({ route: gone });
    for (const route of routes) this.fallbackSwitched.set({ route }, on.has(route) ? 1 : 0);
    this.switchedRoutes = new Set(routes);
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
