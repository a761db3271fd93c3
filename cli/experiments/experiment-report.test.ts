import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { fallbackRouteSpec } from '../../apis/fallback-route.js';
import {
  DECISION_RULE,
  experimentReports,
  experimentTable,
  meanInterval,
  type VariantReport,
  verdictOf,
  wilsonInterval,
} from './experiment-report.js';

const close = (actual: number | undefined, expected: number, digits = 4) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 10 ** -digits,
    `${actual} is not ${expected} to ${digits} digits`,
  );

describe('wilsonInterval', () => {
  it('matches the published Wilson 95 % bounds', () => {
    // 10 errors in 100 calls: [0.0552, 0.1744]; 0 in 50: [0, 0.0714]; 50 in 50: [0.9286, 1].
    const a = wilsonInterval(10, 100);
    close(a?.value, 0.1);
    close(a?.low, 0.05523, 4);
    close(a?.high, 0.17437, 4);
    const b = wilsonInterval(0, 50);
    close(b?.low, 0);
    close(b?.high, 0.07135, 4);
    close(wilsonInterval(50, 50)?.low, 0.92865, 4);
    assert.equal(wilsonInterval(0, 0), undefined);
  });
});

describe('meanInterval', () => {
  it('is the mean ± 1.96 standard errors from the sum and the sum of squares', () => {
    const values = [100, 120, 80, 110, 90];
    const sum = values.reduce((a, b) => a + b, 0);
    const squares = values.reduce((a, b) => a + b * b, 0);
    const interval = meanInterval(sum, squares, values.length);
    // sample sd = sqrt(250) = 15.81; se = 7.07; half = 13.86
    close(interval?.value, 100);
    close(interval?.low, 100 - 1.959964 * Math.sqrt(250 / 5), 3);
    close(interval?.high, 100 + 1.959964 * Math.sqrt(250 / 5), 3);
    assert.deepEqual(meanInterval(42, 42 * 42, 1), { value: 42, low: 42, high: 42 });
    assert.equal(meanInterval(0, 0, 0), undefined);
  });
});

describe('verdictOf', () => {
  const variant = (name: string, calls: number, low: number, high: number): VariantReport => ({
    name,
    calls,
    errors: 0,
    costMicros: { value: (low + high) / 2, low, high },
    verdict: 'keep running',
  });
  const control = variant('control', 100, 900, 1100);
  const cases: [string, VariantReport, string][] = [
    ['the control is the control', control, 'control'],
    ['fewer than 30 calls: keep running', variant('b', 29, 100, 200), 'keep running'],
    ['an interval entirely below the control wins', variant('b', 100, 300, 500), 'wins'],
    ['an interval entirely above the control loses', variant('b', 100, 1200, 1300), 'loses'],
    ['overlapping intervals: no difference yet', variant('b', 100, 1000, 1300), 'no difference yet'],
  ];
  for (const [name, v, expected] of cases)
    it(name, () => assert.equal(verdictOf(v, control, 'cost'), expected));
  it('keeps running while the control has fewer than 30 calls', () =>
    assert.equal(
      verdictOf(variant('b', 100, 1, 2), variant('control', 10, 900, 1100), 'cost'),
      'keep running',
    ));
});

describe('experimentReports', () => {
  const route = (calls: [number, number], cost: [number, number]): FallbackRoute =>
    ({
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { namespace: 'agents', name: 'support-gpt-4o' },
      spec: fallbackRouteSpec.parse({
        agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'support' } },
        model: 'gpt-4o',
        targets: [{ name: 'openai', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1' }],
        experiment: {
          name: 'support-model',
          variants: [
            { name: 'control', weight: 50 },
            { name: 'mini', weight: 50, model: 'gpt-4o-mini' },
          ],
        },
      }),
      status: {
        experiment: {
          name: 'support-model',
          updatedAt: '2025-03-11T10:05:00.000Z',
          variants: [0, 1].map((i) => ({
            name: i === 0 ? 'control' : 'mini',
            calls: calls[i]!,
            errors: i,
            inputTokens: 100 * calls[i]!,
            outputTokens: 10 * calls[i]!,
            tokensSquares: 110 * 110 * calls[i]!,
            costMicros: cost[i]! * calls[i]!,
            // a spread of ±10 % around the mean
            costMicrosSquares: (cost[i]! * cost[i]! + (cost[i]! * 0.1) ** 2) * calls[i]!,
            latencyMs: 200 * calls[i]!,
            latencyMsSquares: 200 * 200 * calls[i]!,
          })),
        },
      },
    }) as FallbackRoute;

  it('reports each variant with its intervals and the verdict on the chosen metric', () => {
    const [report] = experimentReports([route([200, 200], [1000, 150])], 'cost');
    assert.equal(report?.experiment, 'support-model');
    assert.deepEqual(
      report?.variants.map((v) => [v.name, v.weight, v.calls, v.verdict]),
      [
        ['control', 50, 200, 'control'],
        ['mini', 50, 200, 'wins'],
      ],
    );
    close(report?.variants[1]?.costMicros?.value, 150);
    close(report?.variants[1]?.tokens?.value, 110);
    const table = experimentTable(experimentReports([route([200, 200], [1000, 150])], 'cost'));
    assert.match(table, /support-model\s+mini\s+50\s+200\s+0\.5 \[/);
    assert.match(table, /wins on cost/);
    assert.ok(table.includes(DECISION_RULE));
  });

  it('says keep running below 30 calls a variant, and shows a variant without calls as dashes', () => {
    const [report] = experimentReports([route([40, 12], [1000, 150])], 'cost');
    assert.equal(report?.variants[1]?.verdict, 'keep running');
    const [empty] = experimentReports([{ ...route([0, 0], [0, 0]), status: {} } as FallbackRoute]);
    assert.deepEqual(
      empty?.variants.map((v) => [v.calls, v.errorRate, v.verdict]),
      [
        [0, undefined, 'control'],
        [0, undefined, 'keep running'],
      ],
    );
    assert.match(experimentTable([]), /No FallbackRoute runs an experiment/);
  });
});
