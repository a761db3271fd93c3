import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestRecord } from '../telemetry/testdata/request-records.js';
import { callSpan } from './call-span.js';
import { otelTraceId } from './trace-context.js';

describe('callSpan', () => {
  it('maps an answered chat call to GenAI and governor attributes', () => {
    const span = callSpan(
      requestRecord({
        spanId: '00f067aa0ba902b7',
        parentSpanId: 'b7ad6b7169203331',
        provider: 'OpenAI',
        finishReasons: ['stop'],
        model: 'gpt-4o-mini',
        attempts: 2,
        fallbackReasons: ['openai-us:Timeout'],
        decisions: ['degraded:gpt-4o-mini'],
        timings: { totalMs: 180, upstreamMs: 170, steps: { budget: 0.02 } },
      }),
    );
    assert.equal(span.name, 'chat gpt-4o');
    assert.equal(span.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(span.spanId, '00f067aa0ba902b7');
    assert.equal(span.parentSpanId, 'b7ad6b7169203331');
    assert.equal(span.sampled, true);
    assert.equal(span.endTime - span.startTime, 180);
    assert.equal(span.error, undefined);
    assert.deepEqual(span.attributes, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.response.finish_reasons': ['stop'],
      'http.response.status_code': 200,
      'governor.agent': 'team-a/support-bot',
      'governor.policy_version': '7',
      'governor.outcome': 'Success',
      'governor.budget.decision': 'degraded',
      'governor.cache.hit': false,
      'governor.cache': 'miss',
      'governor.fallback.attempts': 2,
      'governor.fallback.reasons': ['openai-us:Timeout'],
      'governor.decisions': ['degraded:gpt-4o-mini'],
      'governor.route': 'gpt-4o',
      'governor.target': 'openai-eu',
      'governor.cost_micros': 600,
      'governor.currency': 'USD',
    });
  });

  it('marks a budget refusal as an error with its code, and no response attributes', () => {
    const span = callSpan(
      requestRecord({
        outcome: 'Rejected',
        status: 429,
        target: undefined as never,
        attempts: 0,
        costMicros: 0,
        usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false },
        decisions: ['refused:budget_exhausted:team-a/daily'],
        timings: { totalMs: 1, upstreamMs: 0, steps: { budget: 0.01 } },
      }),
    );
    assert.equal(span.attributes['governor.budget.decision'], 'refused');
    assert.equal(span.attributes['error.type'], 'budget_exhausted');
    assert.equal(span.attributes['gen_ai.response.model'], undefined);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.match(span.error ?? '', /Rejected 429 \(refused:budget_exhausted:team-a\/daily\)/);
  });

  it('names operations per API and providers per target, and a cache hit', () => {
    const hit = callSpan(
      requestRecord({
        api: 'messages',
        requestedModel: 'claude-sonnet-4',
        cache: 'hit',
        outcome: 'CacheHit',
      }),
    );
    assert.equal(hit.name, 'chat claude-sonnet-4');
    assert.equal(hit.attributes['gen_ai.provider.name'], 'anthropic');
    assert.equal(hit.attributes['governor.cache.hit'], true);
    const embeddings = callSpan(
      requestRecord({ api: 'embeddings', requestedModel: 'text-embedding-3-small', provider: 'AzureOpenAI' }),
    );
    assert.equal(embeddings.name, 'embeddings text-embedding-3-small');
    assert.equal(embeddings.attributes['gen_ai.provider.name'], 'azure.ai.openai');
    assert.equal(
      callSpan(requestRecord({ api: 'completions' })).attributes['gen_ai.operation.name'],
      'text_completion',
    );
  });

  it('keeps a governor trace id that is not a W3C id beside the hashed one', () => {
    const span = callSpan(requestRecord({ traceId: 'job-42:step.1', notSampled: true }));
    assert.equal(span.traceId, otelTraceId('job-42:step.1'));
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
    assert.equal(span.attributes['governor.trace_id'], 'job-42:step.1');
    assert.equal(span.sampled, false);
    assert.equal(span.spanId, undefined);
  });
});
