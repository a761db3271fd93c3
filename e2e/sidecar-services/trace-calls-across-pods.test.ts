// Two real sidecars of one agent (two pods) on the real sidecar services and API server (the
// TokenReview of each take is real), called with the official openai client: calls of one trace
// are counted across both, so the agent's maxCallsPerTrace holds for the agent, not per pod; a call
// without the agent's own trace id is never counted; with the services gone, calls go on under each
// sidecar's own count (fail open). The link is HTTPS, as the operator serves it by default: each
// sidecar verifies the services against the CA bundle it is given. And maxInputTokensPerRequest refuses a long prompt with the
// provider-style 400 before it reaches the provider.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { pino } from 'pino';
import { createCertificateAuthority, issueCertificate } from '../../runtime/tls/certificate-issuer.js';
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

const namespace = uniqueNamespace('traces');
const agent = 'researcher';
const dir = mkdtempSync(join(tmpdir(), 'trace-calls-e2e-'));
let env: ServicesEnv;
let mock: MockLlm;
let services: StartedServices | undefined;
const sidecars: RunningSidecar[] = [];

async function startPod(name: string, operatorUrl: string): Promise<OpenAI> {
  const sidecar = await startSidecar({
    host: '127.0.0.1',
    port: 0,
    operatorUrl,
    operatorCaFile: join(dir, 'ca.crt'),
    agent: { namespace, name: agent },
    tokenFile: join(dir, 'token'),
    spoolDir: join(dir, `spool-${name}`),
    logger: pino({ level: process.env['SIDECAR_LOG'] ?? 'silent' }),
  });
  sidecars.push(sidecar);
  return new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'agent', maxRetries: 0 });
}

/** One call in trace `trace` (x-governor-trace-id, or a W3C traceparent); the HTTP status it got. */
async function ask(client: OpenAI, trace: string | undefined, content = 'one more step'): Promise<number> {
  try {
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 16 },
      trace === undefined
        ? {}
        : {
            headers: /^[0-9a-f]{32}$/.test(trace)
              ? { traceparent: `00-${trace}-00f067aa0ba902b7-01` }
              : { 'x-governor-trace-id': trace },
          },
    );
    return 200;
  } catch (err) {
    if (err instanceof OpenAI.APIError && err.status !== undefined) return err.status;
    throw err;
  }
}

before(async () => {
  env = await servicesEnv();
  writeFileSync(join(dir, 'token'), await agentToken(env.cluster, namespace, 'researcher'));
  mock = await startMockLlm();
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000) };
  const ca = await createCertificateAuthority('trace-calls-e2e-ca', validity);
  const serving = await issueCertificate(ca, {
    subject: 'CN=agent-governor',
    usage: 'serverAuth',
    ipAddresses: ['127.0.0.1'],
    validity,
  });
  writeFileSync(join(dir, 'ca.crt'), ca.certificate);
  services = await startServices(env, {
    restore: false,
    tls: { cert: serving.certificate, key: serving.privateKey },
  });
  assert.match(services.url, /^https:/);
  const policy = policyFor(namespace, agent, { baseUrl: mock.baseUrl });
  policy.reasoning = { maxCallsPerTrace: 3, maxInputTokensPerRequest: 400, useCases: {} };
  services.store.publish(namespace, agent, policy);
});
after(async () => {
  for (const sidecar of sidecars) await sidecar.close();
  await services?.close(0);
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

describe('calls per trace across the pods of an agent', () => {
  let podA: OpenAI;
  let podB: OpenAI;

  it('holds maxCallsPerTrace for the agent: two pods share one count per trace', async () => {
    const operatorUrl = services!.url;
    podA = await startPod('a', operatorUrl);
    podB = await startPod('b', operatorUrl);
    const before = mock.totals().calls;
    // Alternating pods: each has made at most two calls of the trace when the fourth comes.
    const statuses = [];
    for (const client of [podA, podB, podA, podB, podA, podB]) statuses.push(await ask(client, 'plan-42'));
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    assert.equal(mock.totals().calls - before, 3, 'only three calls of the trace reached the provider');

    // The refusal says so the OpenAI way, naming the trace, its count and the limit.
    const refused = await podB.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] },
        { headers: { 'x-governor-trace-id': 'plan-42' } },
      )
      .then(
        () => assert.fail('the fourth call of the trace was admitted'),
        (err: unknown) => err,
      );
    assert.ok(refused instanceof OpenAI.RateLimitError);
    assert.equal(refused.code, 'reasoning_budget_exceeded');
    assert.match(refused.message, /trace plan-42 has already made 3 calls, and at most 3 calls per trace/);

    // A W3C trace is counted the same way; another trace has its own count.
    const w3c = '4bf92f3577b34da6a3ce929d0e0e4736';
    const w3cStatuses = [];
    for (const client of [podB, podA, podB, podA]) w3cStatuses.push(await ask(client, w3c));
    assert.deepEqual(w3cStatuses, [200, 200, 200, 429]);
    assert.equal(await ask(podA, 'plan-43'), 200);
    // Calls without a trace id of the agent's own are never counted (the sidecar makes each a new one).
    const takes = await metricValue(services!, 'governor_operator_trace_call_takes_total');
    for (let i = 0; i < 4; i++) assert.equal(await ask(i % 2 ? podA : podB, undefined), 200);
    assert.equal(await metricValue(services!, 'governor_operator_trace_call_takes_total'), takes);
    // Admitted by the operator: 3 of each trace and 1 of plan-43. Refused by it: one call per trace,
    // the first over the limit in a pod whose own count was under it; later ones each sidecar
    // refused on the count it took from the operator, without asking.
    const taken = (result: string) =>
      metricValue(services!, 'governor_operator_trace_call_takes_total', { result });
    assert.equal(await taken('admitted'), 7);
    assert.equal(await taken('refused'), 2);
  });

  it("fails open when the operator is gone: each sidecar's own count decides, and the operator's last count is kept", async () => {
    await services!.close(0);
    services = undefined;
    // plan-42 is over its limit in both sidecars' own counts (each took the shared count as its own).
    assert.equal(await ask(podA, 'plan-42'), 429);
    assert.equal(await ask(podB, 'plan-42'), 429);
    // A new trace: each pod allows the limit on its own while the counts cannot be shared.
    const statuses = [];
    for (const client of [podA, podB, podA, podB, podA, podB, podA, podB])
      statuses.push(await ask(client, 'offline-1'));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('refuses a prompt over maxInputTokensPerRequest with a 400 naming the limit and the estimate', async () => {
    const before = mock.totals().calls;
    const refused = await podA.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'a long question about budgets '.repeat(100) }],
      })
      .then(
        () => assert.fail('the long prompt was admitted'),
        (err: unknown) => err,
      );
    assert.ok(refused instanceof OpenAI.BadRequestError);
    assert.equal(refused.code, 'reasoning_budget_exceeded');
    assert.equal(refused.param, 'messages');
    assert.match(refused.message, /input is estimated at \d+ tokens, more than maxInputTokensPerRequest 400/);
    assert.equal(mock.totals().calls, before, 'the long prompt never reached the provider');
    assert.equal(await ask(podA, undefined, 'a short question'), 200);
  });
});
