import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sinceTime } from './capture-command.js';
import { captureOf } from './sidecar-command.js';

const base = { host: '127.0.0.1', port: 0, metricsHost: '0.0.0.0' };

describe('capture flags', () => {
  it('leaves capture off without any --capture flag', () => {
    assert.equal(captureOf(base), undefined);
  });

  it('refuses capture without a key file, naming the flag and the field', () => {
    assert.throws(
      () => captureOf({ ...base, capture: true }),
      /--capture-key-file FILE \(capture\.keyFile\)/,
    );
    assert.throws(() => captureOf({ ...base, captureSampleRate: 0.5 }), /--capture-key-file/);
  });

  it('maps the flags to the capture settings', () => {
    assert.deepEqual(
      captureOf({
        ...base,
        captureKeyFile: '/keys/capture.key',
        captureSampleRate: 0,
        captureMaxTotalMb: 2,
        captureRetentionHours: 24,
        captureRedact: ['EMP-\\d+'],
      }),
      {
        keyFile: '/keys/capture.key',
        sampleRate: 0,
        maxTotalBytes: 2 * 1024 * 1024,
        retentionHours: 24,
        redact: ['EMP-\\d+'],
      },
    );
  });

  it('reads --since as a date-time or a duration back from now', () => {
    const now = Date.parse('2026-12-06T04:00:00Z');
    assert.equal(sinceTime('24h', now), now - 86_400_000);
    assert.equal(sinceTime('30m', now), now - 1_800_000);
    assert.equal(sinceTime('2026-12-01T00:00:00Z', now), Date.parse('2026-12-01T00:00:00Z'));
    assert.throws(() => sinceTime('yesterday', now), /ISO date-time .* or a duration/);
  });
});
