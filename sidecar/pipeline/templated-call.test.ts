import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectivePromptTemplate } from '../../apis/prompt-template.js';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { requestText } from '../accounting/request-text.js';
import type { ApiKind } from '../http/api-kind.js';
import { readCallFacts } from '../request/call-facts.js';
import { templatedCall } from './templated-call.js';

const TEMPLATES: EffectivePromptTemplate[] = [
  {
    name: 'support-reply',
    version: '3',
    messages: [{ role: 'system', content: 'Help {{customer}} politely.' }],
    variables: [{ name: 'customer', required: true }],
  },
];

function facts(api: ApiKind, body: Record<string, unknown>) {
  const raw = Buffer.from(JSON.stringify(body));
  const reading = readCallFacts(api, body, raw, {});
  assert.ok(reading.ok);
  return reading.facts;
}

const chat = facts('chat.completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
const asked = (template: string, variables = '{"customer":"Ada"}') => ({
  'x-governor-prompt-template': template,
  'x-governor-prompt-variables': variables,
});

describe('templatedCall', () => {
  it('costs nothing for a call that names no template', () => {
    assert.deepEqual(templatedCall(chat, {}, TEMPLATES), { kind: 'none' });
  });

  it('makes the rendered body the call’s body: bytes, text and input estimate of what is sent', () => {
    const templated = templatedCall(chat, asked('support-reply'), TEMPLATES);
    assert.equal(templated.kind, 'rendered');
    if (templated.kind !== 'rendered') return;
    assert.deepEqual(templated.use, { name: 'support-reply', version: '3', outcome: 'Rendered' });
    const sent = JSON.parse(templated.facts.raw.toString()) as Record<string, unknown>;
    assert.deepEqual(sent['messages'], [
      { role: 'system', content: 'Help Ada politely.' },
      { role: 'user', content: 'Hi' },
    ]);
    assert.deepEqual(templated.facts.body, sent);
    assert.ok(templated.facts.estimatedInputTokens > chat.estimatedInputTokens);
    const recounted = estimateInputTokens('chat.completions', requestText('chat.completions', sent));
    assert.equal(templated.facts.estimatedInputTokens, recounted, 'the added estimate is the whole count');
    assert.equal(
      estimateInputTokens('chat.completions', templated.facts.text),
      recounted,
      'the text is that of what is sent',
    );
    assert.equal(templated.facts.model, 'gpt-4o');
    assert.equal(chat.body['messages'] !== sent['messages'], true, "the agent's body is not modified");
  });

  const refusals: [
    string,
    Parameters<typeof templatedCall>[1],
    ApiKind,
    number,
    string,
    string | undefined,
  ][] = [
    ['an unknown template', asked('other'), 'chat.completions', 400, 'prompt_template_not_found', undefined],
    [
      'another version',
      asked('support-reply@2'),
      'chat.completions',
      409,
      'prompt_template_version_conflict',
      'VersionConflict',
    ],
    [
      'a missing variable',
      asked('support-reply', '{}'),
      'chat.completions',
      400,
      'invalid_prompt_variables',
      'InvalidVariables',
    ],
    ['a malformed header', asked('Support Reply'), 'chat.completions', 400, 'invalid_header', undefined],
    [
      'an API without messages',
      asked('support-reply'),
      'embeddings',
      400,
      'prompt_template_unsupported',
      'UnsupportedApi',
    ],
  ];
  for (const [name, headers, api, status, code, outcome] of refusals) {
    it(`refuses ${name} with ${status} ${code}`, () => {
      const call =
        api === 'embeddings' ? facts('embeddings', { model: 'text-embedding-3-small', input: 'x' }) : chat;
      const templated = templatedCall(call, headers, TEMPLATES);
      assert.equal(templated.kind, 'refused');
      if (templated.kind !== 'refused') return;
      assert.equal(templated.status, status);
      assert.equal(templated.code, code);
      assert.equal(
        templated.use?.outcome,
        outcome,
        'a template the policy holds is named, never one made up',
      );
    });
  }

  it('Anthropic: the added estimate is within a token of counting the whole rendered body again', () => {
    const body = {
      model: 'claude-sonnet-4',
      max_tokens: 100,
      system: 'Agent rules here.',
      messages: [{ role: 'user', content: 'Hi there' }],
    };
    const call = facts('messages', body);
    const withExample: EffectivePromptTemplate = {
      ...TEMPLATES[0]!,
      messages: [
        ...TEMPLATES[0]!.messages,
        { role: 'user', content: 'Example {{customer}}' },
        { role: 'assistant', content: 'Answer' },
      ],
    };
    const templated = templatedCall(call, asked('support-reply'), [withExample]);
    assert.equal(templated.kind, 'rendered');
    if (templated.kind !== 'rendered') return;
    const recounted = estimateInputTokens('messages', requestText('messages', templated.facts.body));
    assert.ok(
      Math.abs(templated.facts.estimatedInputTokens - recounted) <= 1,
      `${templated.facts.estimatedInputTokens} vs ${recounted}`,
    );
  });

  it('says when the policy holds no templates at all', () => {
    const templated = templatedCall(chat, asked('support-reply'), undefined);
    assert.equal(templated.kind === 'refused' && templated.status, 400);
    assert.match(
      (templated.kind === 'refused' && templated.message) || '',
      /the policy has no prompt templates/,
    );
  });
});
