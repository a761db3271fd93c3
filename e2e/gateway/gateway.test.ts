// Gateway mode through the real API server: `startGateway` in front of the real sidecar services,
// agents calling it with the official OpenAI and Anthropic SDKs (streaming and not) and, as their
// API key, a real projected-style token bound to their pod (`kubectl create token --bound-object-kind
// Pod`, audience agent-governor-gateway), reviewed by a real TokenReview. Each agent gets its own
// pipeline, its usage reaches its own ledger; a token of agent A's pod is refused for agent B (403
// naming both), a garbage or wrong-audience token gets 401, a deleted pod's token stops working.
// The model list and the poll of a deferred call are the caller's agent's own, authenticated the same
// way: another agent's job id is 404, no key 401.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { pino } from 'pino';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { AGENT_LABEL } from '../../apis/group-version.js';
import { GATEWAY_TOKEN_AUDIENCE } from '../../apis/sidecar-protocol.js';
import { type RunningGateway, startGateway } from '../../gateway/start-gateway.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { resourceType } from '../../runtime/kube/resource-type.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  eventually,
  type ServicesEnv,
  type StartedServices,
  servicesEnv,
  startServices,
  uniqueNamespace,
} from '../../testing/services-fixture.js';

const pods = resourceType<KubeObject & { spec?: unknown }>({
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
});
const namespace = uniqueNamespace('gateway');
const dir = mkdtempSync(join(tmpdir(), 'gateway-e2e-'));
let env: ServicesEnv;
let services: StartedServices;
let mock: MockLlm;
let gateway: RunningGateway;
const tokens: Record<'support' | 'writer', string> = { support: '', writer: '' };

/**
 * Agent `name`'s policy: an OpenAI and an Anthropic route, both to the mock; past one call per trace,
 * a `report` call is deferred to the provider's batch API.
 */
function policyOf(name: string): EffectivePolicy {
  const policy = policyFor(namespace, name, { baseUrl: mock.baseUrl, model: 'gpt-4o-mini' });
  const openai = policy.routes[0];
  assert.ok(openai);
  policy.routes.push({
    ...openai,
    name: 'claude',
    model: 'claude-sonnet-4',
    targets: [{ name: 'anthropic', provider: 'Anthropic', baseUrl: mock.url }],
  });
  policy.reasoning.useCases = {
    report: { maxCallsPerTrace: 1, onExceeded: 'Defer', defer: { completionWindow: '24h' } },
  };
  return policy;
}

/** A pod of `agent` (no kubelet runs it) and a token bound to it, as the injection projects one. */
async function podToken(agent: string, audience = GATEWAY_TOKEN_AUDIENCE): Promise<string> {
  const name = `${agent}-0`;
  const existing = await env.client.get(pods, { namespace, name });
  const pod =
    existing ??
    (await env.client.create(pods, {
      metadata: { namespace, name, labels: { [AGENT_LABEL]: agent } },
      spec: {
        serviceAccountName: `${agent}-sa`,
        containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
      },
    }));
  const created = await env.cluster.kubectl(
    [
      'create',
      'token',
      `${agent}-sa`,
      '-n',
      namespace,
      '--audience',
      audience,
      '--duration',
      '1h',
      '--bound-object-kind',
      'Pod',
      '--bound-object-name',
      name,
      '--bound-object-uid',
      pod.metadata?.uid ?? '',
    ],
    { check: true },
  );
  return created.stdout.trim();
}

const openai = (token: string, headers: Record<string, string> = {}) =>
  new OpenAI({
    baseURL: `${gateway.url}/v1`,
    // What docs/gateway.md tells agents: a function, so a rotated token file is read for each call.
    apiKey: async () => token,
    defaultHeaders: headers,
    maxRetries: 0,
  });
const anthropic = (token: string) => new Anthropic({ baseURL: gateway.url, apiKey: token, maxRetries: 0 });

async function ledgerTotals(agent: string) {
  const totals = (await env.client.get(agentUsageLedgers, { namespace, name: agent }))?.spec.totals;
  return {
    requests: totals?.requests ?? 0,
    inputTokens: totals?.inputTokens ?? 0,
    outputTokens: totals?.outputTokens ?? 0,
  };
}

before(async () => {
  env = await servicesEnv();
  mock = await startMockLlm();
  mock.batches.pollsUntilDone = 1;
  await env.cluster.kubectl(['create', 'namespace', namespace], { check: true });
  for (const agent of ['support', 'writer']) {
    await env.cluster.kubectl(['create', 'serviceaccount', `${agent}-sa`, '-n', namespace], { check: true });
  }
  tokens.support = await podToken('support');
  tokens.writer = await podToken('writer');
  services = await startServices(env, { restore: false });
  services.store.publish(namespace, 'support', policyOf('support'));
  services.store.publish(namespace, 'writer', policyOf('writer'));
  gateway = await startGateway({
    kube: env.client,
    host: '127.0.0.1',
    port: 0,
    operatorUrl: services.url,
    spoolDir: dir,
    tokenCacheMs: 500,
    flushIntervalMs: 200,
    logger: pino({ level: process.env['GATEWAY_LOG'] ?? 'silent' }),
  });
});

after(async () => {
  await gateway?.close();
  await services?.close();
  await mock?.close();
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway mode through the real API server', () => {
  it('serves the OpenAI SDK with the pod’s token as its key, streaming and not', async () => {
    const client = openai(tokens.support);
    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello through the gateway' }],
    });
    assert.equal(answer.choices[0]?.message.content, mock.reply);
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream through the gateway' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, mock.reply);
    // The agent's key never reaches the provider.
    for (const call of mock.served) assert.equal(call.headers.authorization, undefined);
  });

  it('serves the Anthropic SDK, whose key arrives as x-api-key, streaming and not', async () => {
    const client = anthropic(tokens.support);
    const message = await client.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello, Claude, through the gateway' }],
    });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', mock.reply);
    const stream = client.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Stream, Claude' }],
    });
    assert.equal(await stream.finalText(), mock.reply);
    assert.ok(mock.served.every((call) => call.headers['x-api-key'] !== tokens.support));
  });

  it('reports the agent’s usage to its own ledger, exactly what the provider served', async () => {
    const served = mock.totals();
    await eventually(
      () => ledgerTotals('support'),
      (t) => t.requests === served.calls,
      'the support ledger to hold every call',
      15_000,
    );
    assert.deepEqual(await ledgerTotals('support'), {
      requests: served.calls,
      inputTokens: served.inputTokens,
      outputTokens: served.outputTokens,
    });
  });

  it('refuses a token of agent support for agent writer with 403 naming both', async () => {
    const client = openai(tokens.support, { 'x-governor-agent': 'writer' });
    await assert.rejects(
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'as writer' }],
      }),
      (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 403);
        assert.match(
          err.message,
          new RegExp(`acts for agent ${namespace}/support, not for agent ${namespace}/writer`),
        );
        return true;
      },
    );
  });

  it('gives each agent its own pipeline, and its metrics labelled with it', async () => {
    const answer = await openai(tokens.writer, { 'x-governor-agent': 'writer' }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'I am the writer' }],
    });
    assert.equal(answer.choices[0]?.message.content, mock.reply);
    assert.equal(gateway.pipelines.size, 2);
    await gateway.flushFinishedCalls();
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`agent="${namespace}/support"`));
    assert.match(metrics, new RegExp(`agent="${namespace}/writer"`));
    assert.equal(metrics.match(/^# TYPE process_resident_memory_bytes /gm)?.length, 1);
    await eventually(
      () => ledgerTotals('writer'),
      (t) => t.requests === 1,
      'the writer ledger',
      15_000,
    );
  });

  it('lists the caller’s own models on GET /v1/models, and none without a key', async () => {
    const listed = await openai(tokens.support).models.list();
    assert.deepEqual(listed.data.map((model) => model.id).sort(), ['claude-sonnet-4', 'gpt-4o-mini']);
    const anonymous = await fetch(`${gateway.url}/v1/models`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer /);
  });

  it('defers a call past the reasoning budget and answers its poll to its own agent only', async () => {
    const client = openai(tokens.support, {
      'x-governor-trace-id': 'report-1',
      'x-governor-use-case': 'report',
    });
    const ask = (content: string) =>
      client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
        .withResponse();
    assert.equal((await ask('first step')).response.status, 200);
    const { data, response } = await ask('the long report');
    assert.equal(response.status, 202);
    const job = data as unknown as { id: string; poll: string };
    assert.equal(job.poll, `/v1/governor/deferred/${job.id}`);
    const poll = async (token?: string) => {
      const answer = await fetch(`${gateway.url}${job.poll}`, {
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    assert.equal((await poll()).status, 401, 'no key, no answer');
    const stranger = await poll(tokens.writer);
    assert.equal(stranger.status, 404, 'another agent’s job is not in its spool');
    assert.equal((await poll(tokens.support)).status, 202, 'in progress while the batch runs');
    const done = await poll(tokens.support);
    assert.equal(done.status, 200);
    assert.equal(
      (done.body['choices'] as { message: { content: string } }[])[0]?.message.content,
      mock.reply,
    );
    assert.equal((await poll(tokens.support)).status, 410, 'a result is delivered once');
  });

  it('answers 401 to a garbage token and to a token of another audience', async () => {
    const wrongAudience = await podToken('support', 'agent-governor');
    for (const key of ['not-a-token', wrongAudience]) {
      await assert.rejects(
        openai(key).chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'x' }],
        }),
        (err: InstanceType<typeof OpenAI.APIError>) => err.status === 401,
      );
    }
  });

  it('refuses the token of a deleted pod', async () => {
    await env.cluster.kubectl(['delete', 'pod', 'writer-0', '-n', namespace, '--grace-period=0', '--force'], {
      check: true,
    });
    await eventually(
      async () => {
        try {
          await openai(tokens.writer).chat.completions.create({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: 'after my pod is gone' }],
          });
          return 200;
        } catch (err) {
          return (err as InstanceType<typeof OpenAI.APIError>).status ?? 0;
        }
      },
      (status) => status === 401,
      'the deleted pod’s token to be refused',
      10_000,
    );
  });
});
