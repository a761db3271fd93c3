import { parseDuration } from '../duration.js';
import type { EffectiveRoute, EffectiveTarget } from '../effective-policy.js';
import type { FallbackRouteSpec } from '../fallback-route.js';
import type { EffectiveExperiment, RouteExperimentSpec } from '../route-experiment.js';

/** A FallbackRoute spec without its selector: what both the CRD and the sidecar file describe. */
export type RouteSpec = Omit<FallbackRouteSpec, 'agentSelector'>;
export type RouteTargetSpec = RouteSpec['targets'][number];

/** Where the sidecar reads a target's key; the caller decides (mounted Secret file, env, inline). */
export type TargetCredentials = (target: RouteTargetSpec) => EffectiveTarget['credentials'];

/**
 * FallbackRoute spec → EffectiveRoute: durations become milliseconds, endpoints base URLs, the
 * static answer its text. Pure; the operator and the standalone file both compile through it.
 */
export function compileRoute(name: string, spec: RouteSpec, credentials?: TargetCredentials): EffectiveRoute {
  const ms = (text: string, field: string) => {
    const value = parseDuration(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`route ${name}: ${field} must be a duration such as 10s, got ${JSON.stringify(text)}`);
    }
    return Math.round(value);
  };
  return {
    name,
    model: spec.model,
    targets: spec.targets.map((t, i): EffectiveTarget => {
      const target: EffectiveTarget = {
        name: t.name,
        provider: t.provider,
        baseUrl: t.endpoint.replace(/\/+$/, ''),
      };
      if (t.model !== undefined) target.model = t.model;
      if (t.region !== undefined) target.region = t.region;
      if (t.apiVersion !== undefined) target.apiVersion = t.apiVersion;
      if (t.timeout !== undefined) target.timeoutMs = ms(t.timeout, `targets[${i}].timeout`);
      const creds = credentials?.(t);
      if (creds) target.credentials = creds;
      return target;
    }),
    perAttemptTimeoutMs: ms(spec.timeouts.perAttempt, 'timeouts.perAttempt'),
    overallTimeoutMs: ms(spec.timeouts.overall, 'timeouts.overall'),
    retries: {
      attempts: spec.retries.attempts,
      backoffBaseMs: ms(spec.retries.backoff.base, 'retries.backoff.base'),
      backoffMaxMs: ms(spec.retries.backoff.max, 'retries.backoff.max'),
      retryOn: [...spec.retries.retryOn],
    },
    circuitBreaker: {
      failureThreshold: spec.circuitBreaker.failureThreshold,
      openMs: ms(spec.circuitBreaker.openDuration, 'circuitBreaker.openDuration'),
      halfOpenRequests: spec.circuitBreaker.halfOpenRequests,
    },
    ...(spec.cache?.enabled
      ? {
          cache: {
            ttlMs: ms(spec.cache.ttl, 'cache.ttl'),
            maxEntries: spec.cache.maxEntries,
            maxBytes: spec.cache.maxBytes,
          },
        }
      : {}),
    ...(spec.staticResponse ? { staticResponse: spec.staticResponse.content } : {}),
    ...(spec.degradeTo
      ? {
          degradeTo: {
            model: spec.degradeTo.model,
            ...(spec.degradeTo.target ? { target: spec.degradeTo.target } : {}),
          },
        }
      : {}),
    ...(spec.compression
      ? {
          compression: {
            steps: [...spec.compression.steps],
            keepTurns: spec.compression.keepTurns,
            keepLines: spec.compression.keepLines,
            ...(spec.compression.summarize
              ? {
                  summarize: {
                    model: spec.compression.summarize.model,
                    ...(spec.compression.summarize.target
                      ? { target: spec.compression.summarize.target }
                      : {}),
                    maxHistoryTokens: spec.compression.summarize.maxHistoryTokens,
                    maxSummaryTokens: spec.compression.summarize.maxSummaryTokens,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(spec.experiment ? { experiment: compileExperiment(spec.experiment) } : {}),
  };
}

/** The experiment as the sidecar reads it: the same fields, the absent ones left out. */
function compileExperiment(spec: RouteExperimentSpec): EffectiveExperiment {
  return {
    name: spec.name,
    stickyBy: spec.stickyBy,
    variants: spec.variants.map((v) => ({
      name: v.name,
      weight: v.weight,
      ...(v.model !== undefined ? { model: v.model } : {}),
      ...(v.compression
        ? {
            compression: {
              steps: [...v.compression.steps],
              keepTurns: v.compression.keepTurns,
              keepLines: v.compression.keepLines,
            },
          }
        : {}),
      ...(v.promptTemplate !== undefined ? { promptTemplate: v.promptTemplate } : {}),
    })),
  };
}
