import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { circuitStates } from './circuit-reading.js';

const METRICS = `# HELP governor_sidecar_circuit_state Circuit breaker state per target: 0 closed, 1 half-open, 2 open.
# TYPE governor_sidecar_circuit_state gauge
governor_sidecar_circuit_state{route="gpt-4o",target="openai-eu"} 2
governor_sidecar_circuit_state{route="gpt-4o",target="azure-sweden"} 0
governor_sidecar_circuit_state{route="claude",target="anthropic-eu"} 1
governor_sidecar_circuit_state_other{route="gpt-4o",target="openai-eu"} 7
governor_sidecar_requests_total{route="gpt-4o",target="openai-eu"} 12
`;

describe('circuit states from /metrics', () => {
  it('reads each target of the route', () => {
    assert.deepEqual(circuitStates(METRICS, 'gpt-4o'), { 'openai-eu': 'Open', 'azure-sweden': 'Closed' });
    assert.deepEqual(circuitStates(METRICS, 'claude'), { 'anthropic-eu': 'HalfOpen' });
  });

  it('is empty for a route without series (no call made yet)', () => {
    assert.deepEqual(circuitStates(METRICS, 'gpt-4.1'), {});
    assert.deepEqual(circuitStates('', 'gpt-4o'), {});
  });
});
