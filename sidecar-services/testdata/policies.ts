// Effective policies for the services' tests: valid documents a controller could publish.
import type { EffectivePolicy } from '../../apis/effective-policy.js';

/** A policy of agent `namespace/name` with one OpenAI route of `model` to `baseUrl`. */
export function policyFor(
  namespace: string,
  name: string,
  options: { baseUrl?: string; model?: string; maxTokensPerRequest?: number; critical?: boolean } = {},
): EffectivePolicy {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EffectivePolicy',
    agent: { namespace, name, critical: options.critical ?? false },
    version: '0',
    generatedAt: new Date().toISOString(),
    budgets: [],
    reasoning: {
      useCases: {},
      ...(options.maxTokensPerRequest ? { maxTokensPerRequest: options.maxTokensPerRequest } : {}),
    },
    routes: [
      {
        name: 'default',
        model: options.model ?? 'gpt-4o-mini',
        targets: [
          { name: 'primary', provider: 'OpenAI', baseUrl: options.baseUrl ?? 'http://127.0.0.1:9/v1' },
        ],
        perAttemptTimeoutMs: 10_000,
        overallTimeoutMs: 30_000,
        retries: {
          attempts: 0,
          backoffBaseMs: 10,
          backoffMaxMs: 50,
          retryOn: ['RateLimited', 'ServerError', 'ConnectionError', 'Timeout'],
        },
        circuitBreaker: { failureThreshold: 5, openMs: 30_000, halfOpenRequests: 1 },
      },
    ],
    slos: [],
    pricing: {},
  };
}
