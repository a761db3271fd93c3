import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SidecarMetrics } from './sidecar-metrics.js';
import { requestRecord } from './testdata/request-records.js';

async function scrape(metrics: SidecarMetrics): Promise<string> {
  return metrics.registry.metrics();
}

/** The value of the one series whose name and labels are all given, from the exposition text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('SidecarMetrics', () => {
  it('counts calls that named a prompt template by template, version and outcome', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    const rendered = { name: 'support-reply', version: '3', outcome: 'Rendered' };
    metrics.observe(requestRecord({ promptTemplate: rendered }));
    metrics.observe(requestRecord({ promptTemplate: rendered }));
    metrics.observe(requestRecord({ promptTemplate: { ...rendered, outcome: 'VersionConflict' } }));
    metrics.observe(
      requestRecord({ promptTemplate: { name: 'unknown', version: 'none', outcome: 'UnknownTemplate' } }),
    );
    metrics.observe(requestRecord());
    const text = await scrape(metrics);
    const calls = 'governor_sidecar_prompt_template_calls_total';
    assert.equal(sample(text, calls, { template: 'support-reply', version: '3', outcome: 'Rendered' }), 2);
    assert.equal(sample(text, calls, { template: 'support-reply', outcome: 'VersionConflict' }), 1);
    assert.equal(
      sample(text, calls, { template: 'unknown', version: 'none', outcome: 'UnknownTemplate' }),
      1,
    );
    assert.equal(
      text.split('\n').filter((l) => l.startsWith(`${calls}{`)).length,
      3,
      'a call naming none is not counted',
    );
  });

  it('counts calls by experiment variant and outcome, with their tokens, cost and latency', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    const mini = { name: 'support-model', variant: 'mini' };
    metrics.observe(requestRecord({ experiment: mini, model: 'gpt-4o-mini', costMicros: 40 }));
    metrics.observe(requestRecord({ experiment: mini, model: 'gpt-4o-mini', costMicros: 40 }));
    metrics.observe(
      requestRecord({ experiment: { ...mini, variant: 'control' }, outcome: 'ServerError', status: 502 }),
    );
    metrics.observe(
      requestRecord({
        experiment: mini,
        outcome: 'Rejected',
        status: 429,
        usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false },
        costMicros: 0,
      }),
    );
    metrics.observe(requestRecord());
    const text = await scrape(metrics);
    const labels = { route: 'gpt-4o', experiment: 'support-model', variant: 'mini' };
    const calls = 'governor_sidecar_experiment_calls_total';
    assert.equal(sample(text, calls, { ...labels, outcome: 'Success' }), 2);
    assert.equal(sample(text, calls, { ...labels, outcome: 'Rejected' }), 1);
    assert.equal(sample(text, calls, { variant: 'control', outcome: 'ServerError' }), 1);
    assert.equal(sample(text, 'governor_sidecar_experiment_tokens_total', { ...labels, kind: 'input' }), 240);
    assert.equal(sample(text, 'governor_sidecar_experiment_tokens_total', { ...labels, kind: 'output' }), 60);
    assert.equal(
      sample(text, 'governor_sidecar_experiment_cost_micros_total', { ...labels, currency: 'USD' }),
      80,
    );
    // A refused call never reached the variant's model: not in its latency.
    assert.equal(sample(text, 'governor_sidecar_experiment_duration_seconds_count', labels), 2);
    assert.equal(text.match(/^governor_sidecar_experiment_calls_total\{/gm)?.length, 3);
  });

  it('counts tokens by agent, model, kind and estimation', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.observe(requestRecord());
    metrics.observe(
      requestRecord({ usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 8, estimated: false } }),
    );
    metrics.observe(
      requestRecord({
        model: 'gpt-4o-mini',
        usage: { inputTokens: 7, outputTokens: 3, cachedInputTokens: 0, estimated: true },
      }),
    );
    const text = await scrape(metrics);
    const tokens = 'governor_sidecar_tokens_total';
    const agent = 'team-a/support-bot';
    assert.equal(sample(text, tokens, { agent, model: 'gpt-4o', kind: 'input', estimated: 'false' }), 130);
    assert.equal(sample(text, tokens, { agent, model: 'gpt-4o', kind: 'output', estimated: 'false' }), 35);
    assert.equal(
      sample(text, tokens, { agent, model: 'gpt-4o', kind: 'cached_input', estimated: 'false' }),
      8,
    );
    assert.equal(sample(text, tokens, { model: 'gpt-4o-mini', kind: 'output', estimated: 'true' }), 3);
    assert.equal(sample(text, 'governor_sidecar_cost_micro_usd_total', { model: 'gpt-4o' }), 1200);
  });

  it('labels tokens and cost with the use case, the first five named, later ones "other"', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.observe(requestRecord());
    for (let i = 1; i <= 7; i++) metrics.observe(requestRecord({ useCase: `case-${i}` }));
    metrics.observe(requestRecord({ useCase: 'case-1' }));
    const text = await scrape(metrics);
    const tokens = 'governor_sidecar_tokens_total';
    assert.equal(sample(text, tokens, { use_case: 'none', kind: 'output' }), 30);
    assert.equal(sample(text, tokens, { use_case: 'case-1', kind: 'output' }), 60);
    assert.equal(sample(text, tokens, { use_case: 'case-5', kind: 'output' }), 30);
    assert.equal(sample(text, tokens, { use_case: 'case-6', kind: 'output' }), undefined);
    assert.equal(sample(text, tokens, { use_case: 'other', kind: 'output' }), 60, 'case-6 and case-7');
    assert.equal(sample(text, 'governor_sidecar_cost_micro_usd_total', { use_case: 'other' }), 1200);
    assert.equal(
      sample(text, 'governor_sidecar_cost_micros_total', { use_case: 'case-2', currency: 'USD' }),
      600,
    );
  });

  it('counts cost per currency, micro-USD only for USD prices, and calls of models with no price', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.observe(requestRecord());
    metrics.observe(requestRecord({ model: 'acme-large', costMicros: 900, currency: 'EUR' }));
    metrics.observe(requestRecord({ model: 'mystery-model', costMicros: 0, unpriced: true }));
    metrics.observe(requestRecord({ model: 'mystery-model', costMicros: 0, unpriced: true }));
    const text = await scrape(metrics);
    const agent = 'team-a/support-bot';
    assert.equal(
      sample(text, 'governor_sidecar_cost_micros_total', { model: 'gpt-4o', currency: 'USD' }),
      600,
    );
    assert.equal(
      sample(text, 'governor_sidecar_cost_micros_total', { model: 'acme-large', currency: 'EUR' }),
      900,
    );
    assert.equal(sample(text, 'governor_sidecar_cost_micro_usd_total', { model: 'acme-large' }), undefined);
    assert.equal(sample(text, 'governor_sidecar_unpriced_calls_total', { agent, model: 'mystery-model' }), 2);
    assert.equal(sample(text, 'governor_sidecar_unpriced_calls_total', { model: 'gpt-4o' }), undefined);
  });

  it('counts requests by outcome, route, target and status, with "none" for what a request lacked', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.observe(requestRecord());
    metrics.observe(requestRecord());
    metrics.observe(
      requestRecord({
        outcome: 'Rejected',
        status: 429,
        route: undefined,
        target: undefined,
        attempts: 0,
        cache: 'bypass',
      }),
    );
    const text = await scrape(metrics);
    const requests = 'governor_sidecar_requests_total';
    assert.equal(
      sample(text, requests, { outcome: 'Success', route: 'gpt-4o', target: 'openai-eu', status: '200' }),
      2,
    );
    assert.equal(
      sample(text, requests, { outcome: 'Rejected', route: 'none', target: 'none', status: '429' }),
      1,
    );
  });

  it('puts latencies in buckets fit for a 1 s objective, in seconds', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.observe(requestRecord({ timings: { totalMs: 900, upstreamMs: 890 } }));
    metrics.observe(requestRecord({ timings: { totalMs: 1200, upstreamMs: 1190 } }));
    metrics.observe(
      requestRecord({ stream: true, timings: { totalMs: 2000, upstreamMs: 1990, firstByteMs: 240 } }),
    );
    const text = await scrape(metrics);
    const duration = 'governor_sidecar_request_duration_seconds_bucket';
    assert.equal(sample(text, duration, { route: 'gpt-4o', le: '0.75' }), 0);
    assert.equal(sample(text, duration, { route: 'gpt-4o', le: '1' }), 1);
    assert.equal(sample(text, duration, { route: 'gpt-4o', le: '1.5' }), 2);
    assert.equal(sample(text, duration, { route: 'gpt-4o', le: '+Inf' }), 3);
    assert.equal(
      sample(text, 'governor_sidecar_upstream_duration_seconds_count', { target: 'openai-eu' }),
      3,
    );
    assert.equal(sample(text, 'governor_sidecar_time_to_first_byte_seconds_bucket', { le: '0.25' }), 1);
    assert.equal(sample(text, 'governor_sidecar_time_to_first_byte_seconds_bucket', { le: '0.1' }), 0);
    assert.equal(sample(text, 'governor_sidecar_time_to_first_byte_seconds_count', {}), 1);
  });

  it('counts cache hits and misses, and fallbacks by target passed over and reason', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.observe(requestRecord({ cache: 'hit', attempts: 0, outcome: 'CacheHit' }));
    metrics.observe(requestRecord({ cache: 'hit', attempts: 0, outcome: 'CacheHit' }));
    metrics.observe(requestRecord({ cache: 'miss' }));
    metrics.observe(
      requestRecord({
        target: 'openai-us',
        attempts: 3,
        fallbackReasons: ['openai-eu:Timeout', 'openai-eu:CircuitOpen'],
      }),
    );
    metrics.observe(
      requestRecord({ target: 'openai-us', attempts: 2, fallbackReasons: ['openai-eu:Timeout'] }),
    );
    const text = await scrape(metrics);
    assert.equal(sample(text, 'governor_sidecar_cache_hits_total', { route: 'gpt-4o' }), 2);
    assert.equal(sample(text, 'governor_sidecar_cache_misses_total', { route: 'gpt-4o' }), 3);
    const fallbacks = 'governor_sidecar_fallbacks_total';
    assert.equal(sample(text, fallbacks, { target: 'openai-eu', reason: 'Timeout' }), 2);
    assert.equal(sample(text, fallbacks, { target: 'openai-eu', reason: 'CircuitOpen' }), 1);
    // a cache hit makes no upstream call, so it adds no upstream latency sample
    assert.equal(
      sample(text, 'governor_sidecar_upstream_duration_seconds_count', { target: 'openai-eu' }),
      1,
    );
  });

  it('shows circuit states as 0 closed, 1 half-open, 2 open', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    metrics.setCircuit('gpt-4o', 'openai-eu', 'Open');
    metrics.setCircuit('gpt-4o', 'openai-us', 'HalfOpen');
    metrics.setCircuit('gpt-4o', 'azure', 'Closed');
    let text = await scrape(metrics);
    const circuit = 'governor_sidecar_circuit_state';
    assert.equal(sample(text, circuit, { target: 'openai-eu' }), 2);
    assert.equal(sample(text, circuit, { target: 'openai-us' }), 1);
    assert.equal(sample(text, circuit, { target: 'azure' }), 0);
    metrics.setCircuit('gpt-4o', 'openai-eu', 'Closed');
    text = await scrape(metrics);
    assert.equal(sample(text, circuit, { target: 'openai-eu' }), 0);
  });

  it('shows remaining tokens and the phase of each budget, and drops budgets that are gone', async () => {
    const metrics = new SidecarMetrics(undefined, { processMetrics: false });
    const resetsAt = '2025-03-02T00:00:00.000Z';
    metrics.setBudgets([
      {
        name: 'team-a/daily',
        phase: 'Warning',
        usedTokens: 800,
        reservedTokens: 50,
        limitTokens: 1000,
        remainingTokens: 150,
        resetsAt,
      },
      { name: 'team-a/cost-only', phase: 'Active', usedTokens: 10, reservedTokens: 0, resetsAt },
    ]);
    let text = await scrape(metrics);
    assert.equal(sample(text, 'governor_sidecar_budget_remaining_tokens', { budget: 'team-a/daily' }), 150);
    assert.equal(
      sample(text, 'governor_sidecar_budget_remaining_tokens', { budget: 'team-a/cost-only' }),
      undefined,
    );
    assert.equal(
      sample(text, 'governor_sidecar_budget_phase', { budget: 'team-a/daily', phase: 'Warning' }),
      1,
    );
    assert.equal(
      sample(text, 'governor_sidecar_budget_phase', { budget: 'team-a/daily', phase: 'Active' }),
      0,
    );
    metrics.setBudgets([
      {
        name: 'team-a/daily',
        phase: 'Exhausted',
        usedTokens: 1000,
        reservedTokens: 0,
        limitTokens: 1000,
        remainingTokens: 0,
        resetsAt,
      },
    ]);
    text = await scrape(metrics);
    assert.equal(sample(text, 'governor_sidecar_budget_remaining_tokens', { budget: 'team-a/daily' }), 0);
    assert.equal(
      sample(text, 'governor_sidecar_budget_phase', { budget: 'team-a/daily', phase: 'Exhausted' }),
      1,
    );
    assert.equal(
      sample(text, 'governor_sidecar_budget_used_tokens', { budget: 'team-a/cost-only' }),
      undefined,
    );
  });

  it('exposes process metrics such as resident memory by default', async () => {
    const metrics = new SidecarMetrics();
    const text = await scrape(metrics);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^# HELP governor_sidecar_requests_total /m);
  });
});
