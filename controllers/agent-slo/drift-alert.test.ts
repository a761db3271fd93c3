import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertHeaders, verifyAlertSignature } from '../token-budget/alert-signature.js';
import { gatesAgent } from './drift-actions.js';
import { type DriftAlert, driftAlertBody, driftAlertId, driftSummary } from './drift-alert.js';

const alert: DriftAlert = {
  slo: { namespace: 'support', name: 'support-drift' },
  agent: 'writer',
  statistic: 'PSI',
  drifting: [{ signal: 'completionTokens', score: 1.234, threshold: 0.25 }],
  window: '1h',
  baseline: 'last 7d',
  since: '2026-03-02T10:30:20.000Z',
};

describe('drift alert', () => {
  it('has one id per SLO, agent and episode, and a summary naming the signals and scores', () => {
    assert.equal(driftAlertId(alert), 'support/support-drift/drift/writer/2026-03-02T10:30:20.000Z');
    assert.equal(
      driftSummary(alert),
      'Agent writer drifts from its baseline (last 7d) over the last 1h: completionTokens 1.234 ≥ 0.25 ' +
        '(PSI; AgentSLO support/support-drift)',
    );
  });

  it('posts a Generic DriftAlert body or a Slack text, signed like budget alerts', () => {
    const body = driftAlertBody(alert, 'Generic');
    assert.deepEqual(JSON.parse(body), {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'DriftAlert',
      id: driftAlertId(alert),
      slo: alert.slo,
      agent: 'writer',
      statistic: 'PSI',
      window: '1h',
      baseline: 'last 7d',
      drifting: alert.drifting,
      since: alert.since,
    });
    assert.match(JSON.parse(driftAlertBody(alert, 'Slack')).text, /Agent writer drifts/);
    const now = new Date('2026-03-02T10:31:00Z');
    const headers = alertHeaders(body, { id: driftAlertId(alert), secret: 's3cret', now });
    assert.ok(verifyAlertSignature(body, headers, 's3cret', now));
  });
});

describe('gatesAgent', () => {
  it('covers the agent the gate names', () => {
    const gate = (spec: object) => ({ spec }) as Parameters<typeof gatesAgent>[0];
    assert.equal(gatesAgent(gate({ agent: 'writer' }), 'writer'), true);
    assert.equal(gatesAgent(gate({ agent: 'reader' }), 'writer'), false);
  });
});
