import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstPolicy, followPolicy } from './policy-poll.js';
import type { PolicySummary } from './poll-answers.js';
import type { PolicyAnswer } from './sidecar-link.js';

const policy = (version: string): PolicySummary => ({
  version,
  budgets: [{ name: 'team/b', phase: 'Active', usedTokens: 0 }],
});

/** Answers (or throws) in order; past the script it stops the loop. */
function scripted(script: Array<PolicyAnswer | Error>, stop: () => void) {
  const afters: Array<string | undefined> = [];
  const read = async (after?: string) => {
    afters.push(after);
    const next = script.shift();
    if (next === undefined) {
      stop();
      return { status: 304, version: '' };
    }
    if (next instanceof Error) throw next;
    return next;
  };
  return { read, afters };
}

describe('followPolicy', () => {
  it('polls after the version held, delivers each policy and counts each failure with its status', async () => {
    let stopped = false;
    const { read, afters } = scripted(
      [
        { status: 200, version: 'v2', policy: policy('v2') },
        { status: 304, version: 'v2' },
        { status: 503, version: '' },
        new Error('socket hang up'),
        { status: 200, version: 'v3', policy: policy('v3') },
      ],
      () => {
        stopped = true;
      },
    );
    const versions: string[] = [];
    const failures: number[] = [];
    await followPolicy(
      read,
      'v1',
      { policy: (p) => versions.push(p.version), failure: (status) => failures.push(status) },
      () => stopped,
    );
    assert.deepEqual(afters, ['v1', 'v2', 'v2', 'v2', 'v2', 'v3']);
    assert.deepEqual(versions, ['v2', 'v3']);
    assert.deepEqual(failures, [503, 0]);
  });
});

describe('firstPolicy', () => {
  it('asks without a version until a policy comes', async () => {
    const { read, afters } = scripted(
      [
        new Error('connection refused'),
        { status: 503, version: '' },
        { status: 200, version: 'v1', policy: policy('v1') },
      ],
      () => {},
    );
    assert.equal((await firstPolicy(read, () => false))?.version, 'v1');
    assert.deepEqual(afters, [undefined, undefined, undefined]);
  });

  it('gives up once stopped', async () => {
    const { read } = scripted([new Error('connection refused')], () => {});
    assert.equal(await firstPolicy(read, () => true), undefined);
  });
});
