// Feedback on the sidecar's calls through a real sidecar, driven by the official OpenAI SDK against the
// loopback mock LLM: a call on a route whose experiment sends it to another model with a prompt
// template, then `POST /v1/feedback` on the call's x-governor-trace-id counts the score under the
// model actually used, the route, the prompt template and the variant; a score outside [-1, 1] is a
// 400 naming the field, an unknown trace id a 404 naming it; asking the same question again in the
// same conversation counts a re-ask of the answered call, another conversation or question does not;
// the comment never reaches the log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

const FEEDBACK = 'governor_sidecar_feedback_total';
const REASKS = 'governor_sidecar_reasks_total';
const EXPERIMENT = {
  name: 'answer-style',
  variants: [
    { name: 'control', weight: 0 },
    { name: 'mini', weight: 100, model: 'gpt-4o-mini', promptTemplate: 'support-answer@2' },
  ],
};

describe('feedback and re-asks through a real sidecar', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;

  before(async () => {
    mock = await startMockLlm();
    fx = await startSidecarFixture(
      {
        agent: { name: 'support', namespace: 'agents' },
        routes: [
          openAIRoute('gpt-4o', mock.baseUrl, { experiment: EXPERIMENT }),
          openAIRoute('gpt-4.1', mock.baseUrl),
        ],
        promptTemplates: [
          {
            name: 'support-answer',
            version: '2',
            messages: [{ role: 'system', content: 'Answer in two sentences.' }],
          },
        ],
      },
      { feedback: { reaskWindowMs: 60_000 } },
    );
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent-key', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
  });

  async function ask(model: string, question: string, conversation?: string) {
    const { data, response } = await openai.chat.completions
      .create(
        { model, messages: [{ role: 'user', content: question }] },
        conversation ? { headers: { 'x-governor-conversation-id': conversation } } : {},
      )
      .withResponse();
    assert.equal(data.choices[0]?.message.content, mock.reply);
    return {
      traceId: response.headers.get('x-governor-trace-id')!,
      route: response.headers.get('x-governor-route')!,
    };
  }

  async function feedback(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${fx.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it("counts a score under the call's model actually used, route, prompt template and variant", async () => {
    const call = await ask('gpt-4o', 'Where is my order 1234?');
    assert.match(call.traceId, /^[0-9a-f]{32}$/);
    assert.equal(
      mock.served.at(-1)?.body['model'],
      'gpt-4o-mini',
      'the variant sent the call to gpt-4o-mini',
    );
    const labels = {
      route: call.route,
      model: 'gpt-4o-mini',
      prompt_template: 'support-answer@2',
      variant: 'answer-style/mini',
      score_bucket: 'negative',
    };
    assert.equal(metricValue(await fx.metrics(), FEEDBACK, labels), 0);

    const given = await feedback({ traceId: call.traceId, score: -1, comment: 'SECRET-COMMENT wrong order' });
    assert.equal(given.status, 200, JSON.stringify(given.json));
    assert.deepEqual(given.json, {
      object: 'feedback',
      traceId: call.traceId,
      score: -1,
      route: call.route,
      model: 'gpt-4o-mini',
      promptTemplate: 'support-answer@2',
      variant: 'answer-style/mini',
    });
    const metrics = await fx.metrics();
    assert.equal(metricValue(metrics, FEEDBACK, labels), 1);
    assert.equal(metricValue(metrics, FEEDBACK, { ...labels, score_bucket: 'positive' }), 0);
    assert.equal(metricValue(metrics, 'governor_sidecar_feedback_score_sum', { model: 'gpt-4o-mini' }), -1);

    assert.equal((await feedback({ traceId: call.traceId, score: 0.5 })).status, 200);
    const after = await fx.metrics();
    assert.equal(metricValue(after, FEEDBACK, { ...labels, score_bucket: 'positive' }), 1);
    assert.equal(metricValue(after, 'governor_sidecar_feedback_score_count', { model: 'gpt-4o-mini' }), 2);

    fx.sidecar.flushFinishedCalls();
    const log = JSON.stringify(fx.logLines());
    assert.ok(!log.includes('SECRET-COMMENT'), 'the comment is never logged');
    const line = fx.logLines().find((l) => l['msg'] === 'feedback');
    assert.deepEqual((line?.['feedback'] as Record<string, unknown>)?.['comment'], true);
  });

  it('refuses a score outside [-1, 1] with a 400 naming the field and the expected value', async () => {
    const call = await ask('gpt-4.1', 'What are your opening hours?');
    const before = await fx.metrics();
    for (const score of [5, '1', -2, null]) {
      const refused = await feedback({ traceId: call.traceId, score });
      assert.equal(refused.status, 400, `score ${JSON.stringify(score)}`);
      const error = refused.json['error'] as Record<string, unknown>;
      assert.equal(error['param'], 'score');
      assert.equal(error['code'], 'invalid_feedback');
      assert.match(String(error['message']), /"score" must be a number from -1 \(bad\) to 1 \(good\), got /);
    }
    const long = await feedback({ traceId: call.traceId, score: 1, comment: 'x'.repeat(2001) });
    assert.equal(long.status, 400);
    assert.equal((long.json['error'] as Record<string, unknown>)['param'], 'comment');
    assert.equal(metricValue(await fx.metrics(), FEEDBACK), metricValue(before, FEEDBACK), 'nothing counted');
  });

  it('answers 404 naming an unknown trace id', async () => {
    const unknown = await feedback({ traceId: '0123456789abcdef0123456789abcdef', score: 1 });
    assert.equal(unknown.status, 404);
    const error = unknown.json['error'] as Record<string, unknown>;
    assert.equal(error['code'], 'unknown_trace');
    assert.equal(error['param'], 'traceId');
    assert.match(String(error['message']), /no recent call has trace id "0123456789abcdef0123456789abcdef"/);
  });

  it('a near-duplicate question in the same conversation counts a re-ask of the answered call', async () => {
    const reasks = async () =>
      metricValue(await fx.metrics(), REASKS, { model: 'gpt-4.1', prompt_template: 'none' });
    const first = await ask('gpt-4.1', 'How do I reset my password?', 'conv-1');
    assert.equal(await reasks(), 0);
    await ask('gpt-4.1', 'How do I reset my password?', 'conv-2');
    assert.equal(await reasks(), 0, 'another conversation is not a re-ask');
    await ask('gpt-4.1', 'Which plans do you offer?', 'conv-1');
    assert.equal(await reasks(), 0, 'another question is not a re-ask');
    await ask('gpt-4.1', 'Which plans  do you offer??', 'conv-1');
    assert.equal(await reasks(), 1, 'the same question asked again is');
    await ask('gpt-4.1', 'how do I reset my password', 'conv-2');
    const metrics = await fx.metrics();
    assert.equal(metricValue(metrics, REASKS, { route: first.route, model: 'gpt-4.1', variant: 'none' }), 2);
  });

  it('GET /v1/feedback is refused with 405', async () => {
    const res = await fetch(`${fx.url}/v1/feedback`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });
});
