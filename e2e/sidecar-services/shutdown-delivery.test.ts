// A pod deleted while the operator is down: the real `agent-governor sidecar` command, fed by the
// real sidecar services (a process of their own, on the real API server), gets SIGTERM while the
// services are killed, keeps retrying its spooled usage within its shutdown window (what the
// injector sets from the pod's terminationGracePeriodSeconds), and delivers every token once the
// services come back within it — then exits 0. With the default window (1 s) the same usage would
// be left in the spool, which a deleted pod loses.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  agentToken,
  eventually,
  type ServicesEnv,
  servicesEnv,
  uniqueNamespace,
} from '../../testing/services-fixture.js';

const servicesScript = fileURLToPath(new URL('./services-process.js', import.meta.url));
const bin = fileURLToPath(new URL('../../../bin/agent-governor.mjs', import.meta.url));
const namespace = uniqueNamespace('shutdown');
const agent = 'summarizer';
const dir = mkdtempSync(join(tmpdir(), 'shutdown-delivery-'));
const children = new Set<ChildProcessWithoutNullStreams>();
let env: ServicesEnv;
let mock: MockLlm;

/** Waits for a line of `child`'s stdout matching `pattern`; resolves with its first group. */
function printed(child: ChildProcessWithoutNullStreams, pattern: RegExp, what: string): Promise<string> {
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4_000);
  });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not printed in 30 s: ${errors}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${what}: ${errors}`));
    });
  });
}

async function startServicesProcess(port: number, policyFile?: string) {
  const child = spawn(process.execPath, [
    servicesScript,
    env.cluster.kubeconfig,
    String(port),
    ...(policyFile ? [policyFile] : []),
  ]);
  children.add(child);
  return { child, port: Number(await printed(child, /listening (\d+)/, 'the services listening')) };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function chat(url: string, n: number): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `summarize part ${n}` }],
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
  writeFileSync(join(dir, 'token'), await agentToken(env.cluster, namespace, 'summarizer'));
  mock = await startMockLlm();
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

describe('a sidecar stopping while the operator is down', () => {
  it('keeps retrying its spooled usage within its shutdown window and delivers it when the operator is back', async () => {
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(policyFor(namespace, agent, { baseUrl: mock.baseUrl })));
    let services = await startServicesProcess(0, policyFile);
    const spoolDir = join(dir, 'spool');
    const sidecar = spawn(process.execPath, [
      bin,
      'sidecar',
      '--port',
      '0',
      '--operator-url',
      `http://127.0.0.1:${services.port}`,
      '--agent',
      `${namespace}/${agent}`,
      '--token-file',
      join(dir, 'token'),
      '--spool-dir',
      spoolDir,
      '--shutdown-seconds',
      '25',
    ]);
    children.add(sidecar);
    const url = await printed(sidecar, /agent-governor sidecar listening on (\S+)/, 'the sidecar listening');

    for (let n = 0; n < 10; n++) assert.equal(await chat(url, n), 200);
    await eventually(ledgerTotals, (t) => t.requests === 10, 'the first calls in the ledger', 30_000);

    // The operator goes away; the agent keeps calling; then the pod is deleted (SIGTERM).
    services.child.kill('SIGKILL');
    await exited(services.child);
    for (let n = 10; n < 25; n++) assert.equal(await chat(url, n), 200);
    const stopping = performance.now();
    sidecar.kill('SIGTERM');
    const sidecarExit = exited(sidecar);

    // Well past the 1 s a sidecar used to try: it is still there, holding the spooled usage.
    await sleep(4_000);
    assert.equal(sidecar.exitCode, null, 'the sidecar is still trying to deliver');
    assert.ok(
      readdirSync(spoolDir).some((f) => f.endsWith('.json')),
      `the usage is spooled: ${readdirSync(spoolDir).join(', ')}`,
    );
    assert.equal((await ledgerTotals()).requests, 10, 'nothing of the later calls reached the ledger yet');

    // The operator comes back within the window: everything is delivered, and the sidecar exits 0.
    services = await startServicesProcess(services.port);
    assert.equal(await sidecarExit, 0);
    const took = (performance.now() - stopping) / 1000;
    assert.ok(took < 25, `the sidecar stopped within its window (${took.toFixed(1)} s)`);
    assert.deepEqual(await ledgerTotals(), served(), 'every call of the pod is in the ledger, once');
    assert.equal(served().requests, 25);
    services.child.kill('SIGTERM');
    await exited(services.child);
  });
});
