import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { UsageRecorder } from '../reporting/usage-recorder.js';
import { SidecarMetrics } from '../telemetry/sidecar-metrics.js';
import { requestRecord } from '../telemetry/testdata/request-records.js';
import { FinishedCalls } from './finished-calls.js';

function setup(options: { intervalMs?: number; maxPending?: number } = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const metrics = new SidecarMetrics(undefined, { processMetrics: false });
  const recorder = new UsageRecorder(() => finished.flush());
  const finished = new FinishedCalls({ metrics, logger, recorder, ...options });
  const requests = async () =>
    Number(/governor_sidecar_requests_total\{[^}]*\} (\d+)/.exec(await metrics.registry.metrics())?.[1] ?? 0);
  return { lines, metrics, recorder, finished, requests };
}

describe('FinishedCalls', () => {
  it('accounts calls in a batch: metrics, one log line each, usage', async () => {
    const { lines, recorder, finished, requests } = setup({ intervalMs: 60_000 });
    finished.add(requestRecord({ traceId: 'a' }));
    finished.add(requestRecord({ traceId: 'b' }));
    assert.equal(lines.length, 0, 'nothing is accounted while the call leaves');
    assert.equal(await requests(), 0);
    finished.flush();
    assert.deepEqual(
      lines.map((line) => line['traceId']),
      ['a', 'b'],
    );
    assert.equal(await requests(), 2);
    assert.equal(recorder.drain()[0]?.requests, 2);
  });

  it('accounts held calls when the usage is drained', () => {
    const { recorder, finished } = setup({ intervalMs: 60_000 });
    finished.add(requestRecord());
    assert.equal(recorder.drain()[0]?.requests, 1);
  });

  it('accounts on its own within the interval, and at once past the batch limit', async () => {
    const timed = setup({ intervalMs: 20 });
    timed.finished.add(requestRecord());
    for (let i = 0; i < 100 && timed.lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(timed.lines.length, 1);

    const full = setup({ intervalMs: 60_000, maxPending: 3 });
    for (let i = 0; i < 3; i++) full.finished.add(requestRecord());
    assert.equal(full.lines.length, 3);
  });

  it('logs the time the call ended, not the time of the batch', () => {
    const { lines, finished } = setup({ intervalMs: 60_000 });
    const startedAt = Date.now() - 10_000;
    finished.add(requestRecord({ startedAt, timings: { totalMs: 250, upstreamMs: 200 } }));
    finished.flush();
    assert.equal(lines[0]?.['time'], startedAt + 250);
  });
});
