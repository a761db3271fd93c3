// Prompt templates in a standalone sidecar (its own file, no cluster), with an A/B experiment whose
// variant names the template: the variant's x-governor-prompt-template is set after the route match
// and honoured by the template step, so the agent gives only the variables and the mock LLM receives
// the rendered messages; the answer says both the variant and template@version. The official OpenAI
// SDK drives it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { openAIRoute, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

describe('prompt templates in a standalone sidecar, named by an experiment variant', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;

  before(async () => {
    mock = await startMockLlm();
    fx = await startSidecarFixture({
      routes: [
        openAIRoute('gpt-4o', mock.baseUrl, {
          experiment: {
            name: 'wording',
            // A drained control: every call gets the variant that names the template.
            variants: [
              { name: 'control', weight: 0 },
              { name: 'pinned', weight: 100, promptTemplate: 'summary@1' },
            ],
          },
        }),
      ],
      promptTemplates: [
        {
          name: 'summary',
          version: '1',
          messages: [{ role: 'system', content: 'Summarise for {{ audience }} in {{sentences}} sentences.' }],
          variables: [
            { name: 'audience', maxLength: 80 },
            { name: 'sentences', required: false, default: '3' },
          ],
        },
      ],
    });
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent-key', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
  });

  it('renders the template the variant names; the agent gives only the variables', async () => {
    const { response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'The meeting notes…' }] },
        { headers: { 'x-governor-prompt-variables': JSON.stringify({ audience: 'executives' }) } },
      )
      .withResponse();
    assert.equal(response.headers.get('x-governor-variant'), 'wording/pinned');
    assert.equal(response.headers.get('x-governor-prompt-template'), 'summary@1');
    assert.deepEqual(mock.served.at(-1)?.body['messages'], [
      { role: 'system', content: 'Summarise for executives in 3 sentences.' },
      { role: 'user', content: 'The meeting notes…' },
    ]);
  });

  it('the variant wins over a template the agent named, and a missing variable is still 400', async () => {
    const served = mock.served.length;
    const error = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-governor-prompt-template': 'other@9' } },
      )
      .then(
        () => assert.fail('not refused'),
        (err: unknown) => err,
      );
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 400);
    assert.match(error.message, /prompt template summary@1 requires variable audience/);
    assert.equal(mock.served.length, served, 'never sent');
  });
});
