import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenBudgetSpec } from '../../apis/token-budget.js';
import { alertedThresholds, alertKey, alertsDue, recordAlerts } from './alert-dedup.js';
import { alertBody, type BudgetAlert, genericAlertBody, slackAlertBody } from './alert-payload.js';
import {
  ALERT_ID_HEADER,
  alertHeaders,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyAlertSignature,
} from './alert-signature.js';
import { budgetPhase } from './budget-phase.js';

const spec: Pick<TokenBudgetSpec, 'limits' | 'thresholds' | 'period'> = {
  period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
  limits: { tokens: 2_000_000, cost: '40.00', currency: 'USD' },
  thresholds: [
    { percent: 50, actions: ['Alert'] },
    { percent: 75, actions: ['Alert', 'Degrade'] },
    { percent: 90, actions: ['Throttle'] },
    { percent: 100, actions: ['Alert', 'Suspend'] },
  ],
};
const now = new Date('2025-03-11T15:00:00Z');
const budget = { namespace: 'agents', name: 'marketing-daily' };

describe('alert de-duplication', () => {
  const periodStart = new Date('2025-03-10T23:00:00Z');
  const cases: { name: string; tokens: number; annotation?: string; due: number[] }[] = [
    { name: 'alerts every reached threshold with Alert the first time', tokens: 1_900_000, due: [50, 75] },
    {
      name: 'alerts only the new threshold after an earlier one',
      tokens: 1_600_000,
      annotation: '2025-03-10T23:00:00.000Z=50',
      due: [75],
    },
    {
      name: 'alerts nothing again in the same period',
      tokens: 1_600_000,
      annotation: '2025-03-10T23:00:00.000Z=50,75',
      due: [],
    },
    {
      name: 'alerts again in a new period',
      tokens: 1_600_000,
      annotation: '2025-03-09T23:00:00.000Z=50,75',
      due: [50, 75],
    },
    {
      name: 'ignores thresholds without Alert',
      tokens: 1_850_000,
      annotation: '2025-03-10T23:00:00.000Z=50,75',
      due: [],
    },
    { name: 'survives a garbled annotation', tokens: 1_000_000, annotation: 'nonsense', due: [50] },
    {
      name: 'alerts exhaustion once',
      tokens: 2_000_000,
      annotation: '2025-03-10T23:00:00.000Z=50,75',
      due: [100],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = budgetPhase(spec, { tokens: c.tokens, costMicros: 0 }, now);
      assert.equal(decision.period.start.getTime(), periodStart.getTime());
      const alerted = alertedThresholds(c.annotation, decision.period.start);
      assert.deepEqual(alertsDue(decision.crossed, alerted), c.due);
    });
  }

  it('records delivered thresholds for the period, merged and sorted', () => {
    const alerted = alertedThresholds('2025-03-10T23:00:00.000Z=75', periodStart);
    const value = recordAlerts(alerted, [50], periodStart);
    assert.equal(value, '2025-03-10T23:00:00.000Z=50,75');
    assert.deepEqual([...alertedThresholds(value, periodStart)], [50, 75]);
  });

  it('keys an alert by budget, period and threshold', () => {
    assert.equal(alertKey(budget, 75, periodStart), 'agents/marketing-daily/2025-03-10T23:00:00.000Z/75');
    assert.notEqual(
      alertKey(budget, 75, periodStart),
      alertKey(budget, 75, new Date('2025-03-11T23:00:00Z')),
    );
    assert.notEqual(alertKey(budget, 75, periodStart), alertKey(budget, 50, periodStart));
  });
});

describe('alert signature', () => {
  const body = '{"kind":"BudgetAlert"}';
  const headers = alertHeaders(body, { id: 'agents/x/p/75', secret: 's3cret', now });

  it('signs body and timestamp with HMAC-SHA256 and names the alert', () => {
    assert.equal(headers[TIMESTAMP_HEADER], String(now.getTime() / 1000));
    assert.match(headers[SIGNATURE_HEADER] ?? '', /^sha256=[0-9a-f]{64}$/);
    assert.equal(headers[ALERT_ID_HEADER], 'agents/x/p/75');
    assert.equal(headers['content-type'], 'application/json');
  });

  const checks: {
    name: string;
    body?: string;
    secret?: string;
    at?: Date;
    edit?: Record<string, string>;
    ok: boolean;
  }[] = [
    { name: 'accepts the genuine alert', ok: true },
    { name: 'accepts it four minutes later', at: new Date(now.getTime() + 240_000), ok: true },
    { name: 'refuses a changed body', body: '{"kind":"BudgetAlert","x":1}', ok: false },
    { name: 'refuses another secret', secret: 'guess', ok: false },
    { name: 'refuses a replay after the tolerance', at: new Date(now.getTime() + 301_000), ok: false },
    {
      name: 'refuses a moved timestamp',
      edit: { [TIMESTAMP_HEADER]: String(now.getTime() / 1000 + 1) },
      ok: false,
    },
    { name: 'refuses a missing signature', edit: { [SIGNATURE_HEADER]: '' }, ok: false },
  ];
  for (const c of checks) {
    it(c.name, () => {
      const received = { ...headers, ...c.edit };
      assert.equal(verifyAlertSignature(c.body ?? body, received, c.secret ?? 's3cret', c.at ?? now), c.ok);
    });
  }

  it('sends no signature without a secret', () => {
    const plain = alertHeaders(body, { id: 'i', now });
    assert.equal(plain[SIGNATURE_HEADER], undefined);
    assert.equal(plain[TIMESTAMP_HEADER], undefined);
  });
});

describe('alert payloads', () => {
  const decision = budgetPhase(spec, { tokens: 1_520_000, costMicros: 12_400_000 }, now);
  const alert: BudgetAlert = {
    id: alertKey(budget, 75, decision.period.start),
    budget,
    threshold: 75,
    spec,
    decision,
    usage: {
      total: {
        tokens: 1_520_000,
        inputTokens: 1_400_000,
        outputTokens: 120_000,
        cachedInputTokens: 0,
        costMicros: 12_400_000,
        requests: 900,
      },
      agents: [
        {
          name: 'marketing',
          tokens: 1_520_000,
          inputTokens: 1_400_000,
          outputTokens: 120_000,
          cachedInputTokens: 0,
          costMicros: 12_400_000,
          requests: 900,
        },
      ],
    },
    firedAt: now,
  };

  it('gives a generic JSON body with everything a receiver needs', () => {
    assert.deepEqual(genericAlertBody(alert), {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'BudgetAlert',
      id: 'agents/marketing-daily/2025-03-10T23:00:00.000Z/75',
      budget,
      threshold: 75,
      phase: 'Warning',
      percent: 76,
      used: { tokens: 1_520_000, cost: '12.40', currency: 'USD' },
      limits: { tokens: 2_000_000, cost: '40.00', currency: 'USD' },
      actions: ['Alert', 'Degrade'],
      period: { start: '2025-03-10T23:00:00.000Z', end: '2025-03-11T23:00:00.000Z' },
      agents: [{ name: 'marketing', tokens: 1_520_000, cost: '12.40' }],
      firedAt: '2025-03-11T15:00:00.000Z',
    });
  });

  it('gives Slack a text and blocks', () => {
    const slack = slackAlertBody(alert);
    assert.equal(
      slack.text,
      ':warning: TokenBudget agents/marketing-daily is at 76 % (threshold 75 %); Degrade in force until 2025-03-11T23:00:00.000Z',
    );
    assert.deepEqual(
      slack.blocks.map((b) => b.type),
      ['section', 'section', 'context'],
    );
    assert.match(JSON.stringify(slack.blocks), /1520000 \/ 2000000 tokens/);
    assert.deepEqual(Object.keys(JSON.parse(alertBody(alert, 'Slack'))), ['text', 'blocks']);
    assert.equal(JSON.parse(alertBody(alert, 'Generic')).kind, 'BudgetAlert');
  });
});
