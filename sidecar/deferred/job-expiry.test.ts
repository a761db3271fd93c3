import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeferredJob } from './deferred-jobs.js';
import { completionWindowMs, DELIVERED_GRACE_MS, EXPIRY_MARGIN_MS, jobExpired } from './job-expiry.js';

const HOUR = 60 * 60_000;
const created = Date.parse('2026-01-01T00:00:00Z');
const job = (over: Partial<DeferredJob>): DeferredJob => ({
  id: 'dfr_000000000000000000000001',
  createdAt: new Date(created).toISOString(),
  api: 'chat.completions',
  requestedModel: 'gpt-4o',
  model: 'gpt-4o',
  traceId: 't',
  route: 'gpt-4o',
  target: 'openai',
  batch: { provider: 'OpenAI', batchId: 'batch_1', customId: 'x' },
  exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
  state: 'submitted',
  ...over,
});

describe('jobExpired', () => {
  const delivered = new Date(created + 2 * HOUR).toISOString();
  const window = 24 * HOUR + EXPIRY_MARGIN_MS;
  const cases: [string, DeferredJob, number, boolean][] = [
    ['a submitted job inside its window', job({}), created + 23 * HOUR, false],
    ['a submitted job past its window, inside the margin', job({}), created + window - 1, false],
    ['a submitted job past its window and the margin', job({}), created + window, true],
    [
      'a job without a window (older file) reads 24h',
      job({ completionWindow: undefined }),
      created + window,
      true,
    ],
    ['a failed job not yet told, inside the window', job({ state: 'failed' }), created + 3 * HOUR, false],
    [
      'a delivered job within the grace',
      job({ state: 'delivered', deliveredAt: delivered }),
      created + 2 * HOUR + DELIVERED_GRACE_MS - 1,
      false,
    ],
    [
      'a delivered job past the grace',
      job({ state: 'delivered', deliveredAt: delivered }),
      created + 2 * HOUR + DELIVERED_GRACE_MS,
      true,
    ],
  ];
  for (const [name, j, now, expected] of cases) it(name, () => assert.equal(jobExpired(j, now), expected));

  it('reads the completion window in hours', () => {
    assert.equal(completionWindowMs('24h'), 24 * HOUR);
    assert.equal(completionWindowMs('48h'), 48 * HOUR);
    assert.equal(completionWindowMs(undefined), 24 * HOUR);
  });
});
