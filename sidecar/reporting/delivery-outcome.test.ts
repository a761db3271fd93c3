import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeliveryOutcome, deliveryOutcome } from './delivery-outcome.js';

const NOW = Date.parse('2025-03-01T10:00:00Z');
const ack = (acknowledgedSequence: number, duplicate = false) =>
  JSON.stringify({ instance: 'pod-1', acknowledgedSequence, duplicate });

describe('deliveryOutcome', () => {
  const cases: [
    string,
    number,
    string,
    string | undefined,
    DeliveryOutcome['kind'],
    Partial<Record<string, unknown>>?,
  ][] = [
    ['an ack of the batch', 200, ack(7), undefined, 'acknowledged'],
    ['an ack beyond the batch', 200, ack(9), undefined, 'acknowledged'],
    ['a duplicate ack', 200, ack(7, true), undefined, 'acknowledged'],
    ['an ack short of the batch', 200, ack(6), undefined, 'retry'],
    ['200 with no JSON', 200, 'ok', undefined, 'retry'],
    ['200 with something else', 200, '{"ok":true}', undefined, 'retry'],
    [
      'a follower 503 with Retry-After',
      503,
      '{"error":{"message":"not the leader"}}',
      '3',
      'retry',
      { afterMs: 3000 },
    ],
    ['429 with an HTTP date', 429, '', 'Sat, 01 Mar 2025 10:00:05 GMT', 'retry', { afterMs: 5000 }],
    ['500', 500, 'boom', undefined, 'retry', { afterMs: undefined }],
    ['503 asking for a day', 503, '', '86400', 'retry', { afterMs: 300_000 }],
    ['503 without Retry-After', 503, '', undefined, 'retry', { afterMs: undefined }],
    ['401 (a token in rotation)', 401, '{"error":{"message":"unknown token"}}', undefined, 'retry'],
    ['403', 403, '', undefined, 'retry'],
    ['400', 400, '{"error":{"message":"entries.0.model: too small"}}', undefined, 'rejected'],
    ['413', 413, '', undefined, 'rejected'],
  ];
  for (const [name, status, body, retryAfter, kind, extra] of cases) {
    it(`answers ${kind} to ${name}`, () => {
      const outcome = deliveryOutcome(7, status, body, retryAfter, NOW);
      assert.equal(outcome.kind, kind);
      for (const [key, value] of Object.entries(extra ?? {})) {
        assert.equal((outcome as unknown as Record<string, unknown>)[key], value);
      }
    });
  }

  it('names the status and the operator message in the reason', () => {
    const outcome = deliveryOutcome(
      7,
      400,
      '{"error":{"message":"entries.0.model: too small"}}',
      undefined,
      NOW,
    );
    assert.equal(outcome.kind, 'rejected');
    assert.match((outcome as { reason: string }).reason, /answered 400: entries\.0\.model: too small/);
  });
});
