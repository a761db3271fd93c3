// A real sidecar against the real services and API server, calling a local mock LLM: it starts
// from the operator's policy (token from `kubectl create token`, fail-static file from the mirror
// ConfigMap), picks up a change through the long-poll within a second, and every token the mock
// served lands in the agent's ledger exactly once — also when the services process is killed
// (SIGKILL) in the middle of the traffic and started again, the sidecar spooling and resending.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { configMaps } from '../../runtime/kube/resources.js';
import { type RunningSidecar, startSidecar } from '../../sidecar/main.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  agentToken,
  eventually,
  type ServicesEnv,
  servicesEnv,
  startServices,
  uniqueNamespace,
} from '../../testing/services-fixture.js';

const processScript = fileURLToPath(new URL('./services-process.js', import.meta.url));
const namespace = uniqueNamespace('e2e');
const agent = 'support';
const dir = mkdtempSync(join(tmpdir(), 'sidecar-services-e2e-'));
const children = new Set<ChildProcessWithoutNullStreams>();
let env: ServicesEnv;
let mock: MockLlm;
let sidecar: RunningSidecar | undefined;

/** Starts the services process; resolves with its port once it listens. */
async function startServicesProcess(
  port: number,
  policyFile?: string,
): Promise<{ child: ChildProcessWithoutNullStreams; port: number }> {
  const args = [processScript, env.cluster.kubeconfig, String(port), ...(policyFile ? [policyFile] : [])];
  const child = spawn(process.execPath, args);
  children.add(child);
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`services process did not listen in 20 s: ${errors}`)),
      20_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`services process exited with ${code}: ${errors}`));
    });
  });
  return { child, port: listening };
}

async function kill(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
}

/** One chat completion through the sidecar, streamed or not; resolves when the answer is read whole. */
async function chat(url: string, stream: boolean, n: number): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      stream,
      messages: [{ role: 'user', content: `question number ${n}: ${'why '.repeat(n % 7)}` }],
    }),
  });
  await response.text();
  return response.status;
}

async function ledgerTotals() {
  const ledger = await env.client.get(agentUsageLedgers, { namespace, name: agent });
  const totals = ledger?.spec.totals;
  return {
    requests: totals?.requests ?? 0,
    inputTokens: totals?.inputTokens ?? 0,
    outputTokens: totals?.outputTokens ?? 0,
  };
}

function served() {
  const totals = mock.totals();
  return { requests: totals.calls, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens };
}

before(async () => {
  env = await servicesEnv();
  const token = await agentToken(env.cluster, namespace, 'support-agent');
  writeFileSync(join(dir, 'token'), token);
  mock = await startMockLlm();
});
after(async () => {
  await sidecar?.close();
  for (const child of children) child.kill('SIGKILL');
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

describe('a real sidecar on the real services', () => {
  it('counts every served token exactly once across a killed and restarted services process', async () => {
    const policyFile = join(dir, 'published.json');
    writeFileSync(policyFile, JSON.stringify(policyFor(namespace, agent, { baseUrl: mock.baseUrl })));
    let services = await startServicesProcess(0, policyFile);
    const operatorUrl = `http://127.0.0.1:${services.port}`;

    // The fail-static file a pod would mount: the mirror ConfigMap's policy.json.
    const mirror = await eventually(
      () => env.client.get(configMaps, { namespace, name: `governor-policy-${agent}` }),
      (cm) => cm !== undefined,
      'the policy mirror',
    );
    const mounted = join(dir, 'policy.json');
    writeFileSync(mounted, mirror?.data?.['policy.json'] ?? '');
    const mirrored = JSON.parse(mirror?.data?.['policy.json'] ?? '{}') as EffectivePolicy;

    sidecar = await startSidecar({
      host: '127.0.0.1',
      port: 0,
      operatorUrl,
      agent: { namespace, name: agent },
      tokenFile: join(dir, 'token'),
      policyFile: mounted,
      spoolDir: join(dir, 'spool'),
      flushIntervalMs: 50,
      logger: pino({ level: process.env['SIDECAR_LOG'] ?? 'silent' }),
    });
    assert.equal(sidecar.policy().version, mirrored.version, 'the sidecar started from the operator');
    const url = sidecar.url;

    const calls = 90;
    let next = 0;
    const statuses: number[] = [];
    const traffic = async () => {
      while (next < calls) {
        const n = next++;
        statuses.push(await chat(url, n % 3 === 0, n));
        await sleep(5);
      }
    };
    const running = Promise.all([traffic(), traffic(), traffic()]);

    // Kill the services while usage flows, leave them down a moment, start them again on the same port.
    await eventually(
      async () => next,
      (n) => n >= 30,
      'a third of the calls',
    );
    await kill(services.child);
    await eventually(
      async () => next,
      (n) => n >= 50,
      'calls while the services are down',
    );
    services = await startServicesProcess(services.port);
    await running;
    assert.ok(
      statuses.every((s) => s === 200),
      `every call succeeded: ${statuses.join(',')}`,
    );
    assert.equal(served().requests, calls);

    const recorded = await eventually(
      ledgerTotals,
      (t) => t.requests >= calls && t.inputTokens >= served().inputTokens,
      'the ledger to hold every call',
      // The sidecar's resend backoff grows while the services are down (up to 30 s a step).
      90_000,
    );
    assert.deepEqual(recorded, served());
    // Nothing arrives late and counts twice.
    await sleep(1_000);
    await sidecar.close();
    sidecar = undefined;
    assert.deepEqual(await ledgerTotals(), served());
  });

  it('enforces a policy change within a second of its publish', async () => {
    const services = await startServices(env);
    const open = policyFor(namespace, 'pushed', { baseUrl: mock.baseUrl });
    services.store.publish(namespace, 'pushed', open);
    let live: RunningSidecar | undefined;
    try {
      live = await startSidecar({
        host: '127.0.0.1',
        port: 0,
        operatorUrl: services.url,
        agent: { namespace, name: 'pushed' },
        tokenFile: join(dir, 'token'),
        spoolDir: join(dir, 'spool-pushed'),
        logger: pino({ level: process.env['SIDECAR_LOG'] ?? 'silent' }),
      });
      assert.equal(await chat(live.url, false, 1), 200);
      // Let the sidecar's poll settle into its wait, then exhaust the budget.
      await eventually(
        async () => (await services.metrics.policyWaiters.get()).values[0]?.value ?? 0,
        (waiting) => waiting >= 1,
        'the sidecar to wait for a change',
      );
      const publishedAt = performance.now();
      const { version } = services.store.publish(namespace, 'pushed', {
        ...open,
        budgets: [
          {
            name: `${namespace}/monthly`,
            phase: 'Exhausted',
            actions: ['Suspend'],
            limitTokens: 1_000,
            currency: 'USD',
            usedTokens: 1_000,
            usedCostMicros: 0,
            periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
            useCases: [],
          },
        ],
      });
      const running = live;
      await eventually(
        async () => running.policy().version,
        (v) => v === version,
        'the sidecar to take the change',
        2_000,
      );
      const tookMs = performance.now() - publishedAt;
      const refused = await fetch(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one more' }] }),
      });
      assert.equal(refused.status, 429);
      assert.match(await refused.text(), new RegExp(`${namespace}/monthly`));
      assert.ok(tookMs < 1_000, `the sidecar enforced the change ${Math.round(tookMs)} ms after the publish`);
    } finally {
      await live?.close();
      await services.close();
    }
  });
});
