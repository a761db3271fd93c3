import { z } from 'zod';
import { FAILURE_OUTCOMES, FAST_BURN_ACTIONS } from './agent-slo.js';
import { RESIDENCY_MODES } from './data-residency-policy.js';
import { CIRCUIT_STATES, PROVIDERS, RETRY_ON } from './fallback-route.js';
import { effectiveCompression } from './prompt-compression.js';
import { effectivePromptTemplate } from './prompt-template.js';
import { REASONING_EXCEEDED_ACTIONS } from './reasoning-budget.js';
import { effectiveExperiment } from './route-experiment.js';
import { isTimeZone } from './time-zone.js';
import { BUDGET_ACTIONS, BUDGET_PHASES, RESET_PERIODS, UNPRICED_MODEL_RULES } from './token-budget.js';

/**
 * The effective policy of one agent: everything its sidecars enforce, compiled by the operator
 * from the four kinds, so a sidecar never reads a custom resource (ARCHITECTURE.md, "Operator ↔
 * sidecar contract"; docs/adr/0031-policy-long-poll-and-fail-static-mirror.md). Served by long-poll
 * (`GET /v1/policies/{namespace}/{agent}?after=<version>`), mirrored into a ConfigMap for
 * fail-static start-up, and written by hand (YAML) for the standalone sidecar. Durations are
 * milliseconds and money is micro-units here: the sidecar does arithmetic, not parsing.
 */

const limits = z.object({
  maxTokensPerRequest: z.int().min(1).optional(),
  maxInputTokensPerRequest: z.int().min(1).optional(),
  maxCallsPerTrace: z.int().min(1).optional(),
  maxChainDepth: z.int().min(1).optional(),
  /** Absent: Refuse. Simplify sends a call past a limit to `simplify.model` (docs/adr/0047-simpler-answer-past-the-reasoning-budget.md). */
  onExceeded: z.enum(REASONING_EXCEEDED_ACTIONS).optional(),
  simplify: z.object({ model: z.string().min(1), maxTokens: z.int().min(1).optional() }).optional(),
  defer: z.object({ completionWindow: z.enum(['24h']).optional() }).optional(),
});

export const effectiveBudget = z.object({
  /** `namespace/name` of the TokenBudget, quoted in 429 bodies. */
  name: z.string().min(1),
  phase: z.enum(BUDGET_PHASES),
  /** Actions in force for this agent now (already resolved against criticality). */
  actions: z.array(z.enum(BUDGET_ACTIONS)),
  limitTokens: z.int().min(1).optional(),
  limitCostMicros: z.int().min(1).optional(),
  currency: z.string().default('USD'),
  /** With a cost limit: how a call the budget cannot price is counted (apis/pricing/budget-pricing.ts); absent: HighestKnownPrice. */
  unpricedModels: z.enum(UNPRICED_MODEL_RULES).optional(),
  /** Usage of all selected agents when the policy was compiled; the sidecar adds its own since. */
  usedTokens: z.int().min(0),
  usedCostMicros: z.int().min(0).default(0),
  periodEnd: z.iso.datetime({ offset: true }),
  /** Model to rewrite requests to while Degrade is in force. */
  degradeModel: z.string().optional(),
  requestsPerMinute: z.int().min(1).optional(),
  useCases: z.array(z.string()).default([]),
  /** The period, so a sidecar rolls to the next one itself (standalone, or while the operator is unreachable). */
  period: z
    .object({
      reset: z.enum(RESET_PERIODS),
      timeZone: z
        .string()
        .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Berlin' }),
      schedule: z.string().optional(),
    })
    .refine((p) => (p.reset === 'Cron') === (p.schedule !== undefined), {
      message: 'schedule is required when reset is Cron, and only allowed then',
      path: ['schedule'],
    })
    .optional(),
  /** Thresholds, so a sidecar computes the phase from its own counts between policy updates. */
  thresholds: z
    .array(z.object({ percent: z.int().min(1).max(100), actions: z.array(z.enum(BUDGET_ACTIONS)) }))
    .optional(),
});

export const effectiveTarget = z.object({
  name: z.string().min(1),
  provider: z.enum(PROVIDERS),
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().optional(),
  region: z.string().optional(),
  jurisdiction: z.string().optional(),
  apiVersion: z.string().optional(),
  /**
   * Where the sidecar reads the API key: a file (mounted Secret) or an environment variable of its own;
   * `apiKey` (the key itself) only in a standalone sidecar's file, never served by the operator.
   */
  credentials: z
    .object({ file: z.string().optional(), env: z.string().optional(), apiKey: z.string().optional() })
    .optional(),
  timeoutMs: z.int().min(1).optional(),
});

export const effectiveRoute = z.object({
  name: z.string().min(1),
  model: z.string().min(1),
  targets: z.array(effectiveTarget).min(1),
  perAttemptTimeoutMs: z.int().min(1).default(10_000),
  overallTimeoutMs: z.int().min(1).default(30_000),
  retries: z
    .object({
      attempts: z.int().min(0).default(2),
      backoffBaseMs: z.int().min(1).default(250),
      backoffMaxMs: z.int().min(1).default(5_000),
      retryOn: z
        .array(z.enum(RETRY_ON))
        .default(['RateLimited', 'ServerError', 'ConnectionError', 'Timeout']),
    })
    .prefault({}),
  circuitBreaker: z
    .object({
      failureThreshold: z.int().min(1).default(5),
      openMs: z.int().min(1).default(30_000),
      halfOpenRequests: z.int().min(1).default(1),
    })
    .prefault({}),
  cache: z.object({ ttlMs: z.int().min(1), maxEntries: z.int().min(1), maxBytes: z.int().min(1) }).optional(),
  staticResponse: z.string().optional(),
  degradeTo: z.object({ model: z.string().min(1), target: z.string().optional() }).optional(),
  /** Prompt compression of the route's calls (docs/adr/0046-lossless-prompt-compression.md; Summarize: 0049). */
  compression: effectiveCompression.optional(),
  /** An A/B experiment over the route's calls (docs/adr/0051-route-experiments.md). */
  experiment: effectiveExperiment.optional(),
});

export const effectiveResidency = z.object({
  policies: z.array(
    z.object({
      name: z.string(),
      mode: z.enum(RESIDENCY_MODES),
      allowedRegions: z.array(z.string()).default([]),
      allowedJurisdictions: z.array(z.string()).default([]),
      unknownEndpoints: z.enum(['Deny', 'Allow']).default('Deny'),
    }),
  ),
  /** Catalog additions of all applying policies. */
  endpoints: z
    .array(z.object({ host: z.string(), region: z.string(), jurisdiction: z.string() }))
    .default([]),
});

export const effectiveSLO = z.object({
  name: z.string(),
  latencyThresholdMs: z.int().min(1).optional(),
  countAsFailure: z.array(z.enum(FAILURE_OUTCOMES)).default(['ServerError', 'Timeout']),
  /** Actions in force while the error budget burns fast; empty otherwise. */
  fastBurnActions: z.array(z.enum(FAST_BURN_ACTIONS)).default([]),
  /**
   * With SwitchToFallback in force: the one route (FallbackRoute name) whose calls go to its next
   * target first; absent, every route of the agent (docs/adr/0040-fast-burn-switch-and-hysteresis.md).
   */
  fallbackRoute: z.string().min(1).optional(),
  reasoningBudgetPercent: z.int().min(1).max(100).optional(),
});

export const effectivePolicy = z.object({
  apiVersion: z.literal('governor.agents.dev/v1alpha1'),
  kind: z.literal('EffectivePolicy'),
  agent: z.object({ namespace: z.string(), name: z.string(), critical: z.boolean().default(false) }),
  /** Monotonic version; a long-poll with `after=<version>` answers when it changes. */
  version: z.string().min(1),
  generatedAt: z.iso.datetime({ offset: true }),
  budgets: z.array(effectiveBudget).default([]),
  reasoning: limits.extend({ useCases: z.record(z.string(), limits).default({}) }).prefault({}),
  routes: z.array(effectiveRoute).default([]),
  residency: effectiveResidency.optional(),
  slos: z.array(effectiveSLO).default([]),
  /**
   * Declared prices per model (the cluster's ModelCatalogs in effect now, or a standalone file), in
   * micro-units of `currency` per million tokens; they win over the built-in defaults
   * (apis/pricing/). An entry without `currency` is USD, as before currencies were declared.
   */
  pricing: z
    .record(
      z.string(),
      z.object({
        inputPerMTok: z.int().min(0),
        outputPerMTok: z.int().min(0),
        cachedInputPerMTok: z.int().min(0).optional(),
        cacheWritePerMTok: z.int().min(0).optional(),
        batchPercent: z.int().min(1).max(100).optional(),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
      }),
    )
    .default({}),
  /** Declared exchange rates budgets convert costs with (no chains: one declared rate or its inverse). */
  exchangeRates: z
    .array(
      z.object({
        from: z.string().regex(/^[A-Z]{3}$/),
        to: z.string().regex(/^[A-Z]{3}$/),
        rate: z.number().positive(),
        asOf: z.string().optional(),
      }),
    )
    .optional(),
  /** Declared most output tokens per call, by model; win over the built-in table. */
  outputLimits: z.record(z.string(), z.int().min(1)).optional(),
  circuits: z.record(z.string(), z.enum(CIRCUIT_STATES)).optional(),
  /**
   * The PromptTemplates of the agent's namespace (or a standalone file), rendered only for a call that
   * names one (docs/adr/0050-versioned-prompt-templates.md); absent when there are none.
   */
  promptTemplates: z.array(effectivePromptTemplate).optional(),
  /** `prompts: true` puts the request's prompt in the per-request log line (off by default). */
  logging: z.object({ prompts: z.boolean().default(false) }).optional(),
});

export type EffectivePolicy = z.infer<typeof effectivePolicy>;
export type EffectiveRoute = z.infer<typeof effectiveRoute>;
export type EffectiveTarget = z.infer<typeof effectiveTarget>;
export type EffectiveBudget = z.infer<typeof effectiveBudget>;
