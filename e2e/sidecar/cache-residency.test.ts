// The response cache and run-time residency through the real sidecar: a hit is answered without
// calling the upstream and costs no tokens (streams and embeddings too); a target outside the
// allowed regions is never contacted, and a call with no allowed target gets 403 naming the region
// and the policy, in the shape of the SDK that called.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { MOCK_EMBEDDING_DIMENSIONS } from '../../testing/mock-llm-embeddings.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

describe('cache and residency through the sidecar', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    mock = await startMockLlm();
    const cache = { enabled: true, ttl: '1m', maxEntries: 100 };
    fx = await startSidecarFixture({
      routes: [
        openAIRoute('gpt-4o', mock.baseUrl, { cache }),
        openAIRoute('text-embedding-3-small', mock.baseUrl, { cache }),
        {
          model: 'eu-model',
          targets: [
            { name: 'openai-us', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1', apiKey: 'sk-x' },
            { name: 'local', provider: 'OpenAICompatible', endpoint: mock.baseUrl },
          ],
        },
        {
          model: 'us-only',
          targets: [
            { name: 'openai-us', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1', apiKey: 'sk-x' },
          ],
        },
        {
          model: 'claude-sonnet-4',
          targets: [
            {
              name: 'anthropic',
              provider: 'Anthropic',
              endpoint: 'https://api.anthropic.com',
              apiKey: 'sk-x',
            },
          ],
        },
      ],
      residency: [{ name: 'eu-only', mode: 'Enforce', allowedJurisdictions: ['EU', 'CH'] }],
    });
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
  });

  describe('cache', () => {
    const ask = (content: string) =>
      openai.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content }] })
        .withResponse();

    it('answers an identical request from the cache without calling the upstream or counting tokens', async () => {
      const first = await ask('cache me');
      assert.equal(first.response.headers.get('x-governor-cache'), 'miss');
      const calls = mock.served.length;
      const second = await ask('cache me');
      assert.equal(second.response.headers.get('x-governor-cache'), 'hit');
      assert.equal(mock.served.length, calls, 'no upstream call');
      assert.deepEqual(second.data, first.data);
      const record = (await fx.waitForRequests(2)).at(-1)!;
      assert.equal(record.outcome, 'CacheHit');
      assert.equal(record.cache, 'hit');
      assert.equal(record.tokens.input + record.tokens.output, 0);
      assert.equal(record.attempts, 0);

      const other = await ask('something else');
      assert.equal(other.response.headers.get('x-governor-cache'), 'miss');
      assert.equal(mock.served.length, calls + 1);
    });

    it('replays a cached stream to the SDK', async () => {
      const read = async () => {
        const { data, response } = await openai.chat.completions
          .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'stream me' }], stream: true })
          .withResponse();
        let text = '';
        for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
        return { text, cache: response.headers.get('x-governor-cache') };
      };
      const first = await read();
      const calls = mock.served.length;
      const second = await read();
      assert.deepEqual([first.cache, second.cache], ['miss', 'hit']);
      assert.equal(second.text, mock.reply);
      assert.equal(mock.served.length, calls);
    });

    it('caches embeddings', async () => {
      const embed = () =>
        openai.embeddings.create({ model: 'text-embedding-3-small', input: 'same text' }).withResponse();
      await embed();
      const calls = mock.served.length;
      const { data, response } = await embed();
      assert.equal(response.headers.get('x-governor-cache'), 'hit');
      assert.equal(data.data[0]?.embedding.length, MOCK_EMBEDDING_DIMENSIONS);
      assert.equal(mock.served.length, calls);
    });

    it('counts hits in /metrics', async () => {
      assert.ok(metricValue(await fx.metrics(), 'governor_sidecar_cache_hits_total') >= 3);
    });
  });

  describe('residency', () => {
    it('skips a target outside the allowed regions and answers from an allowed one', async () => {
      const { data, response } = await openai.chat.completions
        .create({ model: 'eu-model', messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      assert.equal(data.choices[0]?.message.content, mock.reply);
      assert.equal(response.headers.get('x-governor-target'), 'local');
      assert.equal(response.headers.get('x-governor-fallback-reason'), 'openai-us:Residency');
      assert.equal(response.headers.get('x-governor-attempts'), '1', 'the US target was never contacted');
    });

    it('refuses with 403 naming the region and the policy when no target is allowed', async () => {
      await assert.rejects(
        openai.chat.completions.create({ model: 'us-only', messages: [{ role: 'user', content: 'x' }] }),
        (err: unknown) => {
          assert.ok(err instanceof OpenAI.PermissionDeniedError);
          assert.equal((err.error as { code?: string }).code, 'residency_denied');
          assert.match(
            err.message,
            /api\.openai\.com \(region us, jurisdiction US\) is not allowed by residency policy "eu-only"/,
          );
          return true;
        },
      );
      await assert.rejects(
        anthropic.messages.create({
          model: 'claude-sonnet-4',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
        }),
        (err: unknown) => {
          assert.ok(err instanceof Anthropic.PermissionDeniedError);
          const body = err.error as { error: { type: string; message: string } };
          assert.equal(body.error.type, 'permission_error');
          assert.match(body.error.message, /api\.anthropic\.com \(region us, jurisdiction US\) .*"eu-only"/);
          return true;
        },
      );
      const record = fx.requests().at(-1)!;
      assert.equal(record.outcome, 'Rejected');
      assert.ok(record.decisions.includes('refused:residency:eu-only'));
    });
  });
});
