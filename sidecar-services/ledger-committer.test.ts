// The committer's writes against the API server are tested in e2e/sidecar-services; here its pause.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflictDelayMs } from './ledger-committer.js';

describe('conflictDelayMs', () => {
  it('is full jitter: anywhere from 0 up to 10 ms · 2^attempt', () => {
    assert.equal(
      conflictDelayMs(1, () => 0),
      0,
    );
    assert.equal(
      conflictDelayMs(1, () => 0.999),
      19,
    );
    assert.equal(
      conflictDelayMs(3, () => 0.5),
      40,
    );
  });
  it('is capped at 500 ms however many attempts', () => {
    assert.equal(
      conflictDelayMs(30, () => 0.999),
      499,
    );
  });
});
