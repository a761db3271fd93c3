import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectivePromptTemplate } from '../../apis/prompt-template.js';
import { renderTemplate } from './render-template.js';

const SUPPORT: EffectivePromptTemplate = {
  name: 'support-reply',
  version: '3',
  messages: [
    { role: 'system', content: 'You help {{customer}} with {{ product }}. Answer in {{language}}.' },
    { role: 'user', content: 'My {{product}} is broken.' },
  ],
  variables: [
    { name: 'customer', required: true, maxLength: 10 },
    { name: 'product', required: true },
    { name: 'language', required: false, default: 'English' },
  ],
};

describe('renderTemplate', () => {
  it('fills every placeholder, an optional variable not given with its default', () => {
    assert.deepEqual(renderTemplate(SUPPORT, { customer: 'Ada', product: 'Router X2' }), {
      ok: true,
      messages: [
        { role: 'system', content: 'You help Ada with Router X2. Answer in English.' },
        { role: 'user', content: 'My Router X2 is broken.' },
      ],
    });
  });

  it('takes a given optional value over the default, and "" for an optional one without default', () => {
    const template: EffectivePromptTemplate = {
      ...SUPPORT,
      variables: [...SUPPORT.variables.slice(0, 2), { name: 'language', required: false }],
    };
    const rendered = renderTemplate(template, { customer: 'Ada', product: 'X', language: 'German' });
    assert.equal(rendered.ok && rendered.messages[0]?.content, 'You help Ada with X. Answer in German.');
    const empty = renderTemplate(template, { customer: 'Ada', product: 'X' });
    assert.equal(empty.ok && empty.messages[0]?.content, 'You help Ada with X. Answer in .');
  });

  it('never expands a placeholder inside a value', () => {
    const rendered = renderTemplate(SUPPORT, { customer: '{{ x }}', product: '{{customer}}' });
    assert.equal(
      rendered.ok && rendered.messages[0]?.content,
      'You help {{ x }} with {{customer}}. Answer in English.',
    );
  });

  const refusals: [string, Record<string, string>, string, RegExp][] = [
    [
      'a missing required variable',
      { product: 'X' },
      'customer',
      /prompt template support-reply@3 requires variable customer/,
    ],
    [
      'a variable the template does not declare',
      { customer: 'Ada', product: 'X', tone: 'warm' },
      'tone',
      /support-reply@3 has no variable "tone"; it declares customer, product, language/,
    ],
    [
      'a value longer than maxLength',
      { customer: 'Ada Lovelace of London', product: 'X' },
      'customer',
      /variable customer must be at most 10 characters, got 22/,
    ],
  ];
  for (const [name, given, variable, message] of refusals) {
    it(`refuses ${name}, naming template, variable and what was expected`, () => {
      const rendered = renderTemplate(SUPPORT, given);
      assert.equal(rendered.ok, false);
      assert.equal(!rendered.ok && rendered.problem.variable, variable);
      assert.match((!rendered.ok && rendered.problem.message) || '', message);
    });
  }
});
