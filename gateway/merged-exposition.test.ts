import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { mergedExposition } from './merged-exposition.js';

async function agentRegistry(agent: string, calls: number) {
  const registry = new Registry();
  registry.setDefaultLabels({ agent });
  const counter = new Counter({ name: 'calls_total', help: 'Calls.', registers: [registry] });
  counter.inc(calls);
  const latency = new Histogram({
    name: 'latency_seconds',
    help: 'Latency.',
    buckets: [1],
    registers: [registry],
  });
  latency.observe(0.5);
  return registry.metrics();
}

describe('mergedExposition', () => {
  it('keeps each family’s HELP and TYPE once and every agent’s samples', async () => {
    const text = mergedExposition([await agentRegistry('a/one', 2), await agentRegistry('b/two', 3)]);
    assert.equal(text.match(/^# HELP calls_total/gm)?.length, 1);
    assert.equal(text.match(/^# TYPE latency_seconds histogram/gm)?.length, 1);
    assert.match(text, /^calls_total\{agent="a\/one"\} 2$/m);
    assert.match(text, /^calls_total\{agent="b\/two"\} 3$/m);
    assert.equal(text.match(/^latency_seconds_count/gm)?.length, 2);
    // The samples of a family follow its TYPE line, before the next family's HELP.
    const family = text.slice(text.indexOf('# HELP calls_total'), text.indexOf('# HELP latency_seconds'));
    assert.equal(family.match(/^calls_total\{/gm)?.length, 2);
  });

  it('is empty for no registries', () => assert.equal(mergedExposition([]), ''));
});
