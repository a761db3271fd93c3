// The poll workers against a small policy server on loopback (plain HTTP: the links' TLS context is
// not used for an http:// URL): two sidecars in two workers, a policy change answering both held
// polls, a 503 counted as a failure, and both workers exiting at close.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { POLICY_PATH, POLICY_VERSION_HEADER } from '../../apis/sidecar-protocol.js';
import type { PolicySummary } from './poll-answers.js';
import { PollWorkers } from './poll-workers.js';

const policyOf = (version: string, phase: string) => ({
  version,
  targets: [{ name: 'primary', provider: 'openai', baseUrl: 'https://llm.example' }],
  budgets: [
    { name: 'ns/b', phase, actions: [], usedTokens: 10, limitTokens: 100, periodEnd: '2026-12-31T00:00:00Z' },
  ],
});

describe('PollWorkers', () => {
  it('reads the long-polls in worker threads and hands each policy and failure to its sidecar', {
    timeout: 30_000,
  }, async () => {
    let current = policyOf('v1', 'Active');
    const held: Array<{ after: string; res: ServerResponse }> = [];
    let unavailable = 1;
    const answer = (res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', [POLICY_VERSION_HEADER]: current.version });
      res.end(JSON.stringify(current));
    };
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      assert.equal(req.headers.authorization, 'Bearer token-1');
      assert.match(url.pathname, new RegExp(`^${POLICY_PATH}/ns/agent-[ab]$`));
      const after = url.searchParams.get('after');
      if (after === null || after !== current.version) return answer(res);
      if (after === 'v2' && unavailable-- > 0) {
        res.writeHead(503, { 'retry-after': '1' });
        return res.end();
      }
      held.push({ after, res });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const workers = new PollWorkers({ urls: [url], ca: '', token: 'token-1', workers: 2 });
    const seen = [0, 1].map(() => ({
      policies: [] as Array<{ policy: PolicySummary; at: number }>,
      failures: 0,
    }));
    const sinkOf = (i: number) => ({
      policy: (policy: PolicySummary, at: number) => seen[i]?.policies.push({ policy, at }),
      failure: () => {
        (seen[i] as { failures: number }).failures++;
      },
    });
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    try {
      const before = performance.now();
      const started = await Promise.all(
        ['agent-a', 'agent-b'].map((name, i) =>
          workers.poll(i, 0, { namespace: 'ns', name }).start(sinkOf(i)),
        ),
      );
      assert.deepEqual(started, [true, true]);
      await until(() => held.length === 2);
      current = policyOf('v2', 'Warning');
      const published = performance.now();
      for (const { res } of held.splice(0)) answer(res);
      const failures = () => seen.reduce((sum, s) => sum + s.failures, 0);
      await until(() => seen.every((s) => s.policies.length === 2) && failures() >= 1);
      assert.equal(failures(), 1, 'the one 503');
      for (const s of seen) {
        assert.deepEqual(
          s.policies.map((p) => p.policy),
          [
            { version: 'v1', budgets: [{ name: 'ns/b', phase: 'Active', usedTokens: 10, limitTokens: 100 }] },
            {
              version: 'v2',
              budgets: [{ name: 'ns/b', phase: 'Warning', usedTokens: 10, limitTokens: 100 }],
            },
          ],
        );
        const [first, second] = s.policies.map((p) => p.at) as [number, number];
        assert.ok(first >= before && first <= published, `the first read (${first}) on this thread's clock`);
        assert.ok(
          second >= published && second <= performance.now(),
          `the change read (${second}) after it was sent`,
        );
      }
    } finally {
      const codes = await workers.close();
      server.closeAllConnections();
      server.close();
      assert.deepEqual(codes, [0, 0]);
    }
  });
});
