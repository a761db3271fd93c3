import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedMessage } from './render-template.js';
import { takesTemplates, templatedFields } from './templated-body.js';

const RENDERED: RenderedMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Example question' },
  { role: 'assistant', content: 'Example answer' },
];
const AGENT = [{ role: 'user', content: 'Real question' }];

describe('templatedFields', () => {
  it('OpenAI chat: the template messages, in order, before the agent’s', () => {
    assert.deepEqual(templatedFields('chat.completions', { model: 'm', messages: AGENT }, RENDERED), {
      messages: [...RENDERED, ...AGENT],
    });
  });

  it('Anthropic: system messages into system (absent, string, blocks), the others before the agent’s', () => {
    const conversation = [...RENDERED.slice(1), ...AGENT];
    assert.deepEqual(templatedFields('messages', { messages: AGENT }, RENDERED), {
      messages: conversation,
      system: 'Be brief.',
    });
    assert.deepEqual(templatedFields('messages', { messages: AGENT, system: 'Agent rules.' }, RENDERED), {
      messages: conversation,
      system: 'Be brief.\n\nAgent rules.',
    });
    const blocks = [{ type: 'text', text: 'Agent rules.', cache_control: { type: 'ephemeral' } }];
    assert.deepEqual(templatedFields('messages', { messages: AGENT, system: blocks }, RENDERED), {
      messages: conversation,
      system: [{ type: 'text', text: 'Be brief.' }, ...blocks],
    });
  });

  it('Anthropic: two system messages joined by a blank line; none leaves the agent’s system alone', () => {
    const two: RenderedMessage[] = [
      { role: 'system', content: 'A.' },
      { role: 'system', content: 'B.' },
    ];
    assert.equal(templatedFields('messages', { messages: AGENT }, two)['system'], 'A.\n\nB.');
    assert.deepEqual(templatedFields('messages', { messages: AGENT, system: 'Mine.' }, RENDERED.slice(1)), {
      messages: [...RENDERED.slice(1), ...AGENT],
    });
  });

  it('takes chat completions and Anthropic messages only', () => {
    assert.deepEqual(
      (['chat.completions', 'messages', 'completions', 'embeddings', 'responses'] as const).map(
        takesTemplates,
      ),
      [true, true, false, false, false],
    );
  });
});
