import type { EffectiveRoute, EffectiveTarget } from '../../apis/effective-policy.js';

/** A route as the policy compiles it, with overridable parts, for routing tests. */
export function testRoute(overrides: Partial<EffectiveRoute> = {}): EffectiveRoute {
  return {
    name: 'gpt-4o',
    model: 'gpt-4o',
    targets: [testTarget('primary'), testTarget('secondary')],
    perAttemptTimeoutMs: 1_000,
    overallTimeoutMs: 5_000,
    retries: {
      attempts: 1,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
      retryOn: ['RateLimited', 'ServerError', 'ConnectionError', 'Timeout'],
    },
    circuitBreaker: { failureThreshold: 3, openMs: 1_000, halfOpenRequests: 1 },
    ...overrides,
  };
}

export function testTarget(name: string, overrides: Partial<EffectiveTarget> = {}): EffectiveTarget {
  return { name, provider: 'OpenAI', baseUrl: `https://${name}.example.com/v1`, ...overrides };
}
