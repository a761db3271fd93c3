import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePromptTemplates } from './compile/prompt-template.js';
import { MALFORMED_PLACEHOLDER, placeholdersIn } from './prompt-placeholders.js';
import { placeholderProblems, promptTemplateSpec } from './prompt-template.js';

const spec = (messages: { role: string; content: string }[], variables: unknown[] = []) => ({
  version: '1',
  messages,
  variables,
});

describe('placeholders', () => {
  it('reads {{name}} and {{ name }}, and marks everything else between {{ and }} malformed', () => {
    assert.deepEqual(
      placeholdersIn('Hi {{customer}}, {{ product }}! {{  x_1  }} {{}} {{ two words }} {{1st}} {{a-b}}').map(
        (p) => [p.text, p.name],
      ),
      [
        ['{{customer}}', 'customer'],
        ['{{ product }}', 'product'],
        ['{{  x_1  }}', 'x_1'],
        ['{{}}', undefined],
        ['{{ two words }}', undefined],
        ['{{1st}}', undefined],
        ['{{a-b}}', undefined],
      ],
    );
    assert.deepEqual(placeholdersIn('JSON {"a": {"b": 1}} and { {x} } are text'), []);
  });

  // The CEL rule (RE2 `matches`) and placeholdersIn must agree on what is malformed.
  const malformed = new RegExp(MALFORMED_PLACEHOLDER);
  const table = [
    'plain text',
    '{{name}}',
    '{{ name }}',
    '{{   _private9   }}',
    'a {{x}} b {{ y }} c',
    '{{}}',
    '{{   }}',
    '{{ first name }}',
    '{{9lives}}',
    '{{ 9lives }}',
    '{{na-me}}',
    '{{ naïve }}',
    '{{name.field}}',
    'ok {{a}} then {{b c}}',
    '{"json": {"nested": true}}',
    '{{{name}}}',
    'tab {{\tname}}',
  ];
  for (const text of table) {
    it(`agrees with the CEL pattern on ${JSON.stringify(text)}`, () => {
      assert.equal(
        malformed.test(text),
        placeholdersIn(text).some((p) => p.name === undefined),
      );
    });
  }
});

describe('promptTemplateSpec', () => {
  it('accepts declared placeholders and defaults required to true', () => {
    const parsed = promptTemplateSpec.parse(
      spec(
        [{ role: 'system', content: 'Help {{ customer }} with {{product}}.' }],
        [{ name: 'customer' }, { name: 'product', required: false, default: 'our router' }],
      ),
    );
    assert.equal(parsed.variables[0]?.required, true);
  });

  it('refuses a placeholder of a variable the template does not declare, naming message and placeholder', () => {
    const result = promptTemplateSpec.safeParse(
      spec([
        { role: 'system', content: 'Hi' },
        { role: 'user', content: 'About {{ account }}' },
      ]),
    );
    assert.equal(result.success, false);
    const issue = result.error?.issues[0];
    assert.deepEqual(issue?.path, ['messages']);
    assert.match(
      issue?.message ?? '',
      /messages\[1\]: \{\{ account \}\} names no variable declared in spec\.variables/,
    );
  });

  it('refuses a malformed placeholder at the message content, as the API server does', () => {
    const result = promptTemplateSpec.safeParse(spec([{ role: 'user', content: 'About {{ an account }}' }]));
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['messages', 0, 'content']);
  });

  it('lists every undeclared placeholder', () => {
    assert.deepEqual(
      placeholderProblems({
        messages: [{ content: '{{a}} {{b}}' }, { content: '{{ c }}' }],
        variables: [{ name: 'b' }],
      }),
      ['messages[0]: {{a}}', 'messages[1]: {{ c }}'],
    );
  });
});

describe('compilePromptTemplates', () => {
  it('keeps name, version, messages and variables, sorted by name, without the description', () => {
    const s = promptTemplateSpec.parse({
      ...spec([{ role: 'user', content: '{{q}}' }], [{ name: 'q', maxLength: 10 }]),
      description: 'stays in the cluster',
    });
    assert.deepEqual(
      compilePromptTemplates([
        { name: 'zeta', spec: s },
        { name: 'alpha', spec: { ...s, version: '2' } },
      ]),
      [
        {
          name: 'alpha',
          version: '2',
          messages: [{ role: 'user', content: '{{q}}' }],
          variables: [{ name: 'q', required: true, maxLength: 10 }],
        },
        {
          name: 'zeta',
          version: '1',
          messages: [{ role: 'user', content: '{{q}}' }],
          variables: [{ name: 'q', required: true, maxLength: 10 }],
        },
      ],
    );
  });
});
