import { z } from 'zod';
import { count } from './amounts.js';
import { conditions, observedGeneration } from './condition.js';
import { duration, parseDuration } from './duration.js';
import { labelSelector } from './label-selector.js';
import { mapList, setList } from './list-types.js';
import { promptCompressionSpec } from './prompt-compression.js';
import { objectName, secretKeyRef } from './references.js';
import { resource } from './resource.js';
import { routeExperimentSpec } from './route-experiment.js';
import { withRules } from './validation-rule.js';

export const PROVIDERS = ['OpenAI', 'Anthropic', 'AzureOpenAI', 'OpenAICompatible'] as const;
export const RETRY_ON = ['RateLimited', 'ServerError', 'ConnectionError', 'Timeout'] as const;
export const CIRCUIT_STATES = ['Closed', 'Open', 'HalfOpen'] as const;

const modelName = (description: string) => z.string().min(1).max(256).meta({ description });

const target = z
  .object({
    name: objectName('Name of the target, unique within the route; shown in response headers and status.'),
    provider: z
      .enum(PROVIDERS)
      .meta({ description: 'API the endpoint speaks: OpenAI, Anthropic, AzureOpenAI or OpenAICompatible.' }),
    endpoint: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
        message: 'must be an http(s) base URL such as https://eu.api.openai.com/v1',
      })
      .meta({ description: 'Base URL of the provider API, e.g. https://eu.api.openai.com/v1.' }),
    model: modelName(
      'Model (or Azure deployment) to call at this target; default: the model the agent asked for.',
    ).optional(),
    region: z.string().max(64).optional().meta({
      description:
        'Region of the endpoint, when the built-in catalog cannot place it (e.g. a private gateway).',
    }),
    apiVersion: z
      .string()
      .max(32)
      .optional()
      .meta({ description: 'API version query parameter for AzureOpenAI, e.g. 2024-10-21.' }),
    credentialsSecretRef: secretKeyRef(
      'Secret key holding the API key; mounted into the sidecar only, never the agent.',
    ).optional(),
    timeout: duration('Per-attempt timeout for this target; overrides timeouts.perAttempt.').optional(),
  })
  .meta({ description: 'One provider endpoint and model, tried in list order.' });

const timeouts = withRules(
  z.object({
    perAttempt: duration('Longest one attempt may take.').default('10s'),
    overall: duration('Longest the whole call may take, retries and fallbacks included.').default('30s'),
  }),
  'Timeouts of the route.',
  [
    {
      rule: 'duration(self.perAttempt) <= duration(self.overall)',
      message: 'timeouts.perAttempt must not be longer than timeouts.overall',
      fieldPath: '.perAttempt',
      holds: (t) => parseDuration(t.perAttempt) <= parseDuration(t.overall),
    },
  ],
);

const retries = withRules(
  z.object({
    attempts: z
      .int()
      .min(0)
      .max(10)
      .default(2)
      .meta({ description: 'Retries per target before moving to the next one.' }),
    backoff: z
      .object({
        base: duration('First backoff; doubles each retry, with jitter.').default('250ms'),
        max: duration('Longest backoff between two attempts.').default('5s'),
      })
      .default({ base: '250ms', max: '5s' })
      .meta({ description: 'Jittered exponential backoff; a retry-after header from the provider wins.' }),
    retryOn: setList(
      z.enum(RETRY_ON),
      'Failures worth retrying: RateLimited (429), ServerError (5xx), ConnectionError, Timeout.',
      4,
    ).default(['RateLimited', 'ServerError', 'ConnectionError', 'Timeout']),
  }),
  'Retries with jittered exponential backoff.',
  [
    {
      rule: 'duration(self.backoff.base) <= duration(self.backoff.max)',
      message: 'retries.backoff.base must not be longer than retries.backoff.max',
      fieldPath: '.backoff.base',
      holds: (r) => parseDuration(r.backoff.base) <= parseDuration(r.backoff.max),
    },
  ],
);

export const fallbackRouteSpec = withRules(
  z.object({
    agentSelector: labelSelector(
      'Selects the agents (by pod-template labels) in this namespace that use the route.',
    ),
    model: modelName('Model name or alias the agent asks for (the request "model"), e.g. gpt-4o.'),
    targets: mapList(
      target,
      'name',
      'Ordered targets; the next is tried when one fails or its circuit is open.',
      10,
    ).min(1),
    timeouts: timeouts.default({ perAttempt: '10s', overall: '30s' }),
    retries: retries.default({
      attempts: 2,
      backoff: { base: '250ms', max: '5s' },
      retryOn: ['RateLimited', 'ServerError', 'ConnectionError', 'Timeout'],
    }),
    circuitBreaker: z
      .object({
        failureThreshold: z
          .int()
          .min(1)
          .max(1000)
          .default(5)
          .meta({ description: 'Consecutive failures that open the circuit.' }),
        openDuration: duration(
          'How long an open circuit skips the target before letting a probe through.',
        ).default('30s'),
        halfOpenRequests: z
          .int()
          .min(1)
          .max(100)
          .default(1)
          .meta({ description: 'Probe requests allowed while half-open.' }),
      })
      .default({ failureThreshold: 5, openDuration: '30s', halfOpenRequests: 1 })
      .meta({ description: 'Per-target circuit breaker: Closed, Open, HalfOpen.' }),
    cache: z
      .object({
        enabled: z.boolean().default(false).meta({ description: 'Cache responses of identical requests.' }),
        ttl: duration('How long a cached response is served.').default('10m'),
        maxEntries: z
          .int()
          .min(1)
          .max(1_000_000)
          .default(1000)
          .meta({ description: 'Most cached responses kept per sidecar.' }),
        maxBytes: z
          .int()
          .min(1024)
          .max(4 * 1024 ** 3)
          .default(64 * 1024 ** 2)
          .meta({ description: 'Most bytes of cached responses kept per sidecar.', format: 'int64' }),
      })
      .optional()
      .meta({
        description: 'Exact-match response cache (streaming and embeddings included); a hit costs no tokens.',
      }),
    staticResponse: z
      .object({
        content: z
          .string()
          .min(1)
          .max(32768)
          .meta({ description: 'Text answered as the assistant message.' }),
      })
      .optional()
      .meta({
        description: 'Last-resort answer when every target failed; marked with x-governor-fallback: static.',
      }),
    degradeTo: z
      .object({
        model: modelName('Cheaper model used while a budget degrades the agent, e.g. gpt-4o-mini.'),
        target: objectName('Target to send degraded calls to; default: the normal target order.').optional(),
      })
      .optional()
      .meta({ description: 'The cheaper model for the Degrade action of budgets.' }),
    compression: promptCompressionSpec.optional(),
    experiment: routeExperimentSpec.optional(),
  }),
  'Ordered targets, timeouts, retries, circuit breaker, cache and last resort for one model.',
  [
    {
      rule: '!has(self.degradeTo) || !has(self.degradeTo.target) || self.targets.exists(t, t.name == self.degradeTo.target)',
      message: 'degradeTo.target must name one of spec.targets',
      fieldPath: '.degradeTo.target',
      holds: (s) => !s.degradeTo?.target || s.targets.some((t) => t.name === s.degradeTo?.target),
    },
    {
      rule:
        '!has(self.compression) || !has(self.compression.summarize) || ' +
        '!has(self.compression.summarize.target) || ' +
        'self.targets.exists(t, t.name == self.compression.summarize.target)',
      message: 'compression.summarize.target must name one of spec.targets',
      fieldPath: '.compression.summarize.target',
      holds: (s) => {
        const target = s.compression?.summarize?.target;
        return !target || s.targets.some((t) => t.name === target);
      },
    },
  ],
);

const sum = (description: string) => count(description);
const squares = (description: string) => z.number().min(0).meta({ description, format: 'double' });

/** The numbers of one variant since the experiment started, summed over the route's agents' ledgers. */
export const experimentVariantStatus = z
  .object({
    name: z.string().max(63).meta({ description: 'Variant name; the first variant is the control.' }),
    weight: z.int().min(0).max(100).optional().meta({ description: 'Weight in the spec now.' }),
    calls: sum('Calls assigned to the variant (refused calls left out).'),
    errors: sum('Calls that ended ServerError, Timeout, StaticFallback or ClientError.'),
    inputTokens: sum('Input tokens.'),
    outputTokens: sum('Output tokens.'),
    tokensSquares: squares('Sum over calls of (input + output tokens)², for the variance.'),
    costMicros: sum('Cost in micro-units of the price currency.'),
    costMicrosSquares: squares('Sum over calls of costMicros², for the variance.'),
    latencyMs: sum('Sum of call latencies in milliseconds.'),
    latencyMsSquares: squares('Sum over calls of latency², for the variance.'),
  })
  .meta({ description: 'Calls, errors, tokens, cost and latency of one variant.' });

export const experimentStatus = z
  .object({
    name: z.string().max(63).meta({ description: 'Experiment name.' }),
    updatedAt: z.string().max(32).meta({ description: 'When the numbers were summed.', format: 'date-time' }),
    variants: z
      .array(experimentVariantStatus)
      .max(8)
      .meta({ description: 'Each variant of the spec, in spec order.' }),
  })
  .meta({
    description:
      'Per-variant numbers the sidecars reported, summed from the ledgers at most every 10 s; `agent-governor experiments` reads them.',
  });

export const fallbackRouteStatus = z
  .object({
    resolvedTargets: z
      .array(
        z
          .object({
            name: z.string().max(253).meta({ description: 'Target name.' }),
            host: z.string().max(253).optional().meta({ description: 'Host the endpoint resolves to.' }),
            region: z
              .string()
              .max(64)
              .optional()
              .meta({ description: 'Region from the catalog or the target.' }),
            jurisdiction: z
              .string()
              .max(16)
              .optional()
              .meta({ description: 'Jurisdiction of the region, e.g. EU.' }),
            allowed: z
              .boolean()
              .optional()
              .meta({ description: 'False when a residency policy forbids the region.' }),
            circuit: z
              .enum(CIRCUIT_STATES)
              .optional()
              .meta({ description: 'Circuit state reported by the sidecars.' }),
          })
          .meta({ description: 'A target as the operator resolved it.' }),
      )
      .max(10)
      .optional()
      .meta({ description: 'Targets with their regions and whether residency allows them.' }),
    activeTarget: z.string().max(253).optional().meta({ description: 'Target answering most calls now.' }),
    circuit: z
      .string()
      .max(256)
      .optional()
      .meta({ description: 'Summary of circuit states, e.g. "openai-us: Open".' }),
    agents: z.int().min(0).optional().meta({ description: 'Agents the route is compiled into.' }),
    experiment: experimentStatus.optional(),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'Resolved targets and circuit states.' });

export const fallbackRoute = resource('FallbackRoute', fallbackRouteSpec, fallbackRouteStatus);
export type FallbackRoute = z.infer<typeof fallbackRoute>;
export type FallbackRouteSpec = z.infer<typeof fallbackRouteSpec>;
