import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { type EffectivePolicy, effectivePolicy } from '../../apis/effective-policy.js';
import {
  type GovernorServicesPeer,
  startGovernorServicesPeer,
} from '../../testing/governor-services-peer.js';
import { OperatorPolicySource, type OperatorPolicySourceOptions } from './operator-policy-source.js';

const root = mkdtempSync(join(tmpdir(), 'operator-policy-source-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const agent = { namespace: 'team-a', name: 'support-bot' };

function policy(
  version: string,
  budgetPhase: 'Active' | 'Warning' | 'Exhausted' = 'Active',
): EffectivePolicy {
  return effectivePolicy.parse({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EffectivePolicy',
    agent,
    version,
    generatedAt: '2025-03-01T10:00:00Z',
    budgets: [
      {
        name: 'team-a/daily',
        phase: budgetPhase,
        actions: [],
        limitTokens: 1000,
        usedTokens: 0,
        periodEnd: '2025-03-02T00:00:00Z',
      },
    ],
    routes: [
      {
        name: 'gpt-4o',
        model: 'gpt-4o',
        targets: [{ name: 'openai', provider: 'OpenAI', baseUrl: 'https://api.openai.com/v1' }],
      },
    ],
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function peer(
  options: Parameters<typeof startGovernorServicesPeer>[0] = {},
): Promise<GovernorServicesPeer> {
  const started = await startGovernorServicesPeer({ longPollMs: 400, ...options });
  cleanups.push(() => started.close());
  return started;
}

function source(
  options: Partial<OperatorPolicySourceOptions> & { operatorUrl: string },
): OperatorPolicySource {
  const created = new OperatorPolicySource({
    agent,
    retry: { baseMs: 10, maxMs: 50 },
    startTimeoutMs: 2_000,
    ...options,
  });
  cleanups.push(() => created.stop());
  return created;
}

/** The next policy a source announces, or a rejection after `timeoutMs`. */
function nextChange(from: OperatorPolicySource, timeoutMs = 5_000): Promise<EffectivePolicy> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no policy change within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = from.onChange((changed) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(changed);
    });
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('OperatorPolicySource', () => {
  it('starts with the policy the operator serves', async () => {
    const operator = await peer();
    operator.setPolicy(policy('1'));
    const policies = source({ operatorUrl: operator.url });
    await policies.start();
    assert.equal(policies.current().version, '1');
    assert.equal(policies.current().routes[0]!.name, 'gpt-4o');
  });

  it('brings a version bump to the listeners in well under a second', async () => {
    const operator = await peer({ longPollMs: 30_000 });
    operator.setPolicy(policy('1'));
    const policies = source({ operatorUrl: operator.url });
    await policies.start();
    await until(() => operator.policyRequests >= 2, 'the long-poll to be waiting');
    const change = nextChange(policies);
    const bumpedAt = performance.now();
    operator.setPolicy(policy('2', 'Exhausted'));
    const changed = await change;
    const elapsed = performance.now() - bumpedAt;
    assert.equal(changed.version, '2');
    assert.equal(policies.current().budgets[0]!.phase, 'Exhausted');
    assert.ok(elapsed < 250, `the change took ${elapsed.toFixed(1)} ms`);
  });

  it('follows every version over one watch stream, with no request per change', async () => {
    const operator = await peer({ longPollMs: 30_000 });
    operator.setPolicy(policy('1'));
    const policies = source({ operatorUrl: operator.url });
    await policies.start();
    await until(() => operator.watchRequests >= 1, 'the watch to be open');
    const requests = operator.policyRequests;
    for (const version of ['2', '3', '4']) {
      const change = nextChange(policies);
      operator.setPolicy(policy(version, version === '4' ? 'Warning' : 'Active'));
      assert.equal((await change).version, version);
    }
    assert.equal(policies.current().budgets[0]!.phase, 'Warning');
    assert.equal(operator.policyRequests, requests, 'no new request for the three changes');
    assert.equal(operator.watchRequests, 1);
  });

  it('polls services that answer a watch as a poll (older services)', async () => {
    const operator = await peer({ longPollMs: 30_000, watch: false });
    operator.setPolicy(policy('1'));
    const policies = source({ operatorUrl: operator.url });
    await policies.start();
    for (const version of ['2', '3']) {
      await until(() => operator.policyRequests >= Number(version), 'the next poll to be held');
      const change = nextChange(policies);
      operator.setPolicy(policy(version));
      assert.equal((await change).version, version);
    }
    assert.equal(operator.watchRequests, 0);
  });

  it('keeps polling through long-polls that end without a change', async () => {
    const operator = await peer({ longPollMs: 50 });
    operator.setPolicy(policy('1'));
    const policies = source({ operatorUrl: operator.url });
    await policies.start();
    await until(() => operator.policyRequests >= 4, 'several empty long-polls');
    const change = nextChange(policies);
    operator.setPolicy(policy('2'));
    assert.equal((await change).version, '2');
  });

  it('starts from the fallback file when the operator is unreachable, then follows the operator once it is back', async () => {
    const operator = await peer();
    operator.setPolicy(policy('5'));
    await operator.down();
    const fallbackFile = join(root, 'fallback.yaml');
    writeFileSync(fallbackFile, `# mirrored by the operator\n${JSON.stringify(policy('4'), null, 2)}\n`);
    const errors: Error[] = [];
    const policies = source({
      operatorUrl: operator.url,
      fallbackFile,
      onError: (error) => errors.push(error),
    });
    await policies.start();
    assert.equal(policies.current().version, '4');
    assert.match(
      errors[0]!.message,
      /cannot reach the operator.*started from the fallback policy .*fallback\.yaml at version 4/,
    );
    const change = nextChange(policies);
    await operator.up();
    assert.equal((await change).version, '5');
  });

  it('reads a YAML fallback file', async () => {
    const fallbackFile = join(root, 'fallback-plain.yaml');
    writeFileSync(
      fallbackFile,
      [
        'apiVersion: governor.agents.dev/v1alpha1',
        'kind: EffectivePolicy',
        'agent: { namespace: team-a, name: support-bot }',
        'version: "9"',
        'generatedAt: 2025-03-01T10:00:00Z',
        '',
      ].join('\n'),
    );
    const policies = source({ operatorUrl: 'http://127.0.0.1:9', fallbackFile });
    await policies.start();
    assert.equal(policies.current().version, '9');
    assert.deepEqual(policies.current().routes, []);
  });

  it('keeps the last known policy while the operator is away and takes the new one when it returns', async () => {
    const operator = await peer();
    operator.setPolicy(policy('1'));
    const errors: Error[] = [];
    const policies = source({ operatorUrl: operator.url, onError: (error) => errors.push(error) });
    await policies.start();
    await until(() => operator.policyRequests >= 2, 'the long-poll to be waiting');
    await operator.down();
    await until(() => errors.length >= 2, 'failed reconnects');
    assert.equal(policies.current().version, '1');
    assert.match(errors[0]!.message, /cannot reach the operator at http:\/\/127\.0\.0\.1:\d+/);
    operator.setPolicy(policy('2'));
    const change = nextChange(policies);
    await operator.up();
    assert.equal((await change).version, '2');
  });

  it('reports a bad answer, keeps the policy in force, and takes the next good one', async () => {
    const operator = await peer();
    operator.setPolicy(policy('1'));
    const errors: Error[] = [];
    const policies = source({ operatorUrl: operator.url, onError: (error) => errors.push(error) });
    await policies.start();
    const broken = { ...policy('2'), routes: [{ name: 'gpt-4o', model: 'gpt-4o', targets: [] }] };
    operator.setRawPolicy(agent, '2', JSON.stringify(broken));
    await until(() => errors.length >= 1, 'the bad answer to be reported');
    assert.match(
      errors[0]!.message,
      /policy stream from .*: routes\[0\]\.targets: .*not a valid EffectivePolicy/,
    );
    operator.setRawPolicy(agent, '3', '{"truncated":');
    await until(() => errors.some((error) => /is not JSON/.test(error.message)), 'the truncated answer');
    operator.setRawPolicy(
      agent,
      '4',
      JSON.stringify({ ...policy('4'), agent: { namespace: 'team-b', name: 'x' } }),
    );
    await until(
      () => errors.some((error) => /another agent/.test(error.message)),
      'the answer for another agent',
    );
    assert.equal(policies.current().version, '1');
    const change = nextChange(policies);
    operator.setPolicy(policy('5'));
    assert.equal((await change).version, '5');
  });

  it('waits out a follower and presents the token read from the token file', async () => {
    const operator = await peer({ tokens: { 'sa-token': 'team-a' }, followerRetryAfterSeconds: 0 });
    operator.setPolicy(policy('1'));
    operator.role = 'follower';
    const tokenFile = join(root, 'token');
    writeFileSync(tokenFile, 'sa-token\n');
    const policies = source({ operatorUrl: operator.url, tokenFile });
    const started = policies.start();
    await until(() => operator.followerRefusals >= 2, 'follower refusals');
    setTimeout(() => {
      operator.role = 'leader';
    }, 50);
    await started;
    assert.equal(policies.current().version, '1');
    assert.ok(operator.tokensSeen.every((token) => token === 'sa-token'));
  });

  it('refuses to start without operator or fallback, naming both', async () => {
    const policies = source({ operatorUrl: 'http://127.0.0.1:9', startTimeoutMs: 200 });
    await assert.rejects(
      policies.start(),
      /no policy for agent team-a\/support-bot: the operator at http:\/\/127\.0\.0\.1:9 gave none \(cannot reach.*\) and no fallback file is configured/,
    );
  });

  it('refuses to start on a broken fallback file, naming file, line and field', async () => {
    const fallbackFile = join(root, 'broken.yaml');
    writeFileSync(
      fallbackFile,
      [
        'apiVersion: governor.agents.dev/v1alpha1',
        'kind: EffectivePolicy',
        'agent: { namespace: team-a, name: support-bot }',
        'version: "1"',
        'generatedAt: yesterday',
        '',
      ].join('\n'),
    );
    const policies = source({ operatorUrl: 'http://127.0.0.1:9', fallbackFile, startTimeoutMs: 200 });
    await assert.rejects(policies.start(), /fallback file is unusable \(.*broken\.yaml:5:14: generatedAt: /);
  });

  it('says clearly that there is no policy before start', () => {
    const policies = source({ operatorUrl: 'http://127.0.0.1:9' });
    assert.throws(() => policies.current(), /no policy for agent team-a\/support-bot yet: call start\(\)/);
  });

  it('stops at once, even in the middle of a long-poll', async () => {
    const operator = await peer({ longPollMs: 30_000 });
    operator.setPolicy(policy('1'));
    const policies = new OperatorPolicySource({ operatorUrl: operator.url, agent });
    await policies.start();
    await until(() => operator.policyRequests >= 2, 'the long-poll to be waiting');
    const stoppedAt = performance.now();
    await policies.stop();
    assert.ok(performance.now() - stoppedAt < 1_000);
  });
});
