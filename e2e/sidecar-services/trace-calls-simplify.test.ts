// Past maxCallsPerTrace counted across the pods of an agent, onExceeded: Simplify: two real sidecars
// of one agent on the real sidecar services and API server, called with the official openai client.
// The call that the operator's shared count finds past the limit — in a pod whose own count was
// still under it — is answered by the cheaper model with its output capped, the answer saying so;
// later calls of the trace are simplified in either pod without asking again; a use case that says
// Refuse still gets 429, and one that says Defer gets 202 with a deferred job (the batch API).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { pino } from 'pino';
import { type RunningSidecar, startSidecar } from '../../sidecar/main.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  agentToken,
  metricValue,
  type ServicesEnv,
  type StartedServices,
  servicesEnv,
  startServices,
  uniqueNamespace,
} from '../../testing/services-fixture.js';

const namespace = uniqueNamespace('simplify');
const agent = 'planner';
const dir = mkdtempSync(join(tmpdir(), 'trace-simplify-e2e-'));
let env: ServicesEnv;
let mock: MockLlm;
let services: StartedServices | undefined;
const sidecars: RunningSidecar[] = [];

async function startPod(name: string, operatorUrl: string): Promise<OpenAI> {
  const sidecar = await startSidecar({
    host: '127.0.0.1',
    port: 0,
    operatorUrl,
    agent: { namespace, name: agent },
    tokenFile: join(dir, 'token'),
    spoolDir: join(dir, `spool-${name}`),
    logger: pino({ level: process.env['SIDECAR_LOG'] ?? 'silent' }),
  });
  sidecars.push(sidecar);
  return new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'agent', maxRetries: 0 });
}

/** One call of `trace`; the status, the decision header and the model the provider was asked for. */
async function ask(client: OpenAI, trace: string, useCase = 'plan') {
  try {
    const { response } = await client.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'one more step' }], max_tokens: 100 },
        { headers: { 'x-governor-trace-id': trace, 'x-governor-use-case': useCase } },
      )
      .withResponse();
    return {
      status: response.status,
      decision: response.headers.get('x-governor-decision') ?? '',
      model: mock.served.at(-1)?.model,
      maxTokens: mock.served.at(-1)?.body['max_tokens'],
    };
  } catch (err) {
    if (err instanceof OpenAI.APIError && err.status !== undefined)
      return { status: err.status, decision: '', model: undefined, maxTokens: undefined };
    throw err;
  }
}

before(async () => {
  env = await servicesEnv();
  writeFileSync(join(dir, 'token'), await agentToken(env.cluster, namespace, agent));
  mock = await startMockLlm();
  services = await startServices(env, { restore: false });
  const policy = policyFor(namespace, agent, { baseUrl: mock.baseUrl, model: 'gpt-4o' });
  policy.reasoning = {
    maxCallsPerTrace: 3,
    useCases: {
      plan: { onExceeded: 'Simplify', simplify: { model: 'gpt-4o-mini', maxTokens: 20 } },
      audit: { onExceeded: 'Refuse' },
      nightly: { onExceeded: 'Defer', defer: { completionWindow: '24h' } },
    },
  };
  services.store.publish(namespace, agent, policy);
});
after(async () => {
  for (const sidecar of sidecars) await sidecar.close();
  await services?.close(0);
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

describe('Simplify past calls per trace counted across pods', () => {
  it('simplifies the call the shared count finds past the limit, in a pod whose own count was under it', async () => {
    const podA = await startPod('a', services!.url);
    const podB = await startPod('b', services!.url);
    const answers = [];
    for (const client of [podA, podB, podA, podB, podA, podB]) answers.push(await ask(client, 'plan-42'));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200, 200],
    );
    assert.deepEqual(
      answers.map((a) => a.model),
      ['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini'],
    );
    // The fourth call: pod B had made one call of the trace; the operator's count said three.
    assert.equal(
      answers[3]?.decision,
      'simplified:gpt-4o-mini,reasoning-exceeded:maxCallsPerTrace=3,trace-count:across-pods',
    );
    assert.equal(answers[3]?.maxTokens, 20);
    // Later calls: each sidecar holds the shared count and simplifies without asking.
    for (const later of answers.slice(4)) {
      assert.equal(later.decision, 'simplified:gpt-4o-mini,reasoning-exceeded:maxCallsPerTrace=3');
      assert.equal(later.maxTokens, 20);
    }
    const taken = (result: string) =>
      metricValue(services!, 'governor_operator_trace_call_takes_total', { result });
    assert.equal(await taken('admitted'), 3);
    assert.equal(await taken('refused'), 1, 'only the first call past the limit asked the operator');

    // A use case that says Refuse still refuses, across pods too.
    const audit = [];
    for (const client of [podA, podB, podA, podB]) audit.push((await ask(client, 'audit-1', 'audit')).status);
    assert.deepEqual(audit, [200, 200, 200, 429]);

    // Defer: the call the shared count finds past the limit goes to the batch API, 202 and a job.
    const nightly = [];
    for (const client of [podA, podB, podA, podB]) nightly.push(await ask(client, 'nightly-1', 'nightly'));
    assert.deepEqual(
      nightly.map((a) => a.status),
      [200, 200, 200, 202],
    );
    assert.match(
      nightly[3]?.decision ?? '',
      /^deferred,reasoning-exceeded:maxCallsPerTrace=3,trace-count:across-pods,deferred-id:dfr_/,
    );
    assert.equal(mock.batches.items.length, 1, 'one batch of one call');
    assert.equal(mock.batches.items[0]?.model, 'gpt-4o');
  });
});
