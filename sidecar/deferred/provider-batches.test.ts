import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { ProviderBatches, unbatchable } from './provider-batches.js';

describe('ProviderBatches against the mock batch APIs', () => {
  let mock: MockLlm;
  const batches = new ProviderBatches();
  before(async () => {
    mock = await startMockLlm({ reply: 'Later, briefly.' });
    mock.batches.pollsUntilDone = 2;
  });
  after(async () => {
    await batches.close();
    await mock?.close();
  });

  it('runs an OpenAI chat call through Files + Batches: pending, then the answer', async () => {
    const target = { provider: 'OpenAI' as const, baseUrl: mock.baseUrl, apiKey: 'sk-sidecar' };
    const body = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'summarise' }] };
    const submitted = await batches.submit(target, 'chat.completions', 'job-1', body);
    assert.equal(submitted.provider, 'OpenAI');
    assert.match(submitted.batchId, /^batch_/);
    const item = mock.batches.items.at(-1)!;
    assert.equal(item.customId, 'job-1');
    assert.equal(item.body['stream'], undefined, 'a batch answers whole');
    assert.deepEqual((await batches.poll(target, submitted)).state, 'pending');
    assert.deepEqual((await batches.poll(target, submitted)).state, 'pending');
    const done = await batches.poll(target, submitted);
    assert.equal(done.state, 'done');
    assert.ok(done.state === 'done' && done.result.ok);
    const answer = done.state === 'done' && done.result.ok ? done.result.body : {};
    assert.equal(answer['model'], 'gpt-4o-mini');
    assert.equal((answer['usage'] as { completion_tokens: number }).completion_tokens, item.outputTokens);
  });

  it('runs an Anthropic Messages call through Message Batches', async () => {
    const target = { provider: 'Anthropic' as const, baseUrl: mock.url, apiKey: 'sk-ant' };
    const body = { model: 'claude-haiku-4', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] };
    const submitted = await batches.submit(target, 'messages', 'job-2', body);
    assert.match(submitted.batchId, /^msgbatch_/);
    let poll = await batches.poll(target, submitted);
    for (let i = 0; i < 3 && poll.state === 'pending'; i++) poll = await batches.poll(target, submitted);
    assert.equal(poll.state, 'done');
    const message = poll.state === 'done' && poll.result.ok ? poll.result.body : {};
    assert.equal(message['type'], 'message');
    assert.equal(message['model'], 'claude-haiku-4');
  });

  it('names what cannot be batched', () => {
    assert.equal(unbatchable({ provider: 'OpenAI' }, 'chat.completions'), undefined);
    assert.match(unbatchable({ provider: 'OpenAI' }, 'messages') ?? '', /does not take messages/);
    assert.match(unbatchable({ provider: 'Anthropic' }, 'chat.completions') ?? '', /Messages calls only/);
    assert.match(unbatchable({ provider: 'AzureOpenAI' }, 'chat.completions') ?? '', /no batch API/);
  });
});
