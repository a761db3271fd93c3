import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createSidecarServicesMetrics } from './sidecar-services-metrics.js';

describe('createSidecarServicesMetrics', () => {
  it('shares the metrics when the services start twice on one registry', async () => {
    const registry = new Registry();
    const first = createSidecarServicesMetrics(registry);
    const second = createSidecarServicesMetrics(registry);
    first.usageBatches.inc({ result: 'recorded' });
    second.usageBatches.inc({ result: 'recorded' });
    const text = await registry.metrics();
    assert.match(text, /^governor_operator_sidecar_usage_batches_total\{result="recorded"\} 2$/m);
  });
});
