import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTemplateRequest } from './template-request.js';

const T = 'x-governor-prompt-template';
const V = 'x-governor-prompt-variables';

describe('readTemplateRequest', () => {
  it('reads nothing from a call that names no template', () => {
    assert.deepEqual(readTemplateRequest({ 'content-type': 'application/json' }), { kind: 'none' });
  });

  it('reads name, name@version and the variables, numbers and booleans as text', () => {
    assert.deepEqual(readTemplateRequest({ [T]: 'support-reply' }), {
      kind: 'asked',
      request: { name: 'support-reply', variables: {} },
    });
    assert.deepEqual(
      readTemplateRequest({ [T]: ' support-reply@2026-12-01 ', [V]: '{"a":"x","n":3,"b":true}' }),
      {
        kind: 'asked',
        request: { name: 'support-reply', version: '2026-12-01', variables: { a: 'x', n: '3', b: 'true' } },
      },
    );
  });

  it('reads UTF-8 bytes as UTF-8 and latin1 bytes (what fetch sends) as latin1', () => {
    const utf8 = Buffer.from('{"customer":"Zoë"}', 'utf8').toString('latin1');
    for (const header of [utf8, '{"customer":"Zoë"}', '{"customer":"Zo\\u00eb"}']) {
      const reading = readTemplateRequest({ [T]: 'support-reply', [V]: header });
      assert.equal(reading.kind === 'asked' && reading.request.variables['customer'], 'Zoë', header);
    }
  });

  const invalid: [string, Record<string, string>, string, RegExp][] = [
    ['a name that is no object name', { [T]: 'Support Reply' }, T, /must be name or name@version/],
    ['an empty version', { [T]: 'support-reply@' }, T, /must be name or name@version/],
    [
      'variables that are not JSON',
      { [T]: 'a', [V]: '{customer: Ada}' },
      V,
      /must be a JSON object .* is not JSON/,
    ],
    ['variables that are a list', { [T]: 'a', [V]: '["Ada"]' }, V, /got an array/],
    ['a variable that is an object', { [T]: 'a', [V]: '{"c":{"d":1}}' }, V, /variable "c" must be a string/],
    ['variables without a template', { [V]: '{"c":"d"}' }, V, /without x-governor-prompt-template/],
  ];
  for (const [name, headers, header, message] of invalid) {
    it(`refuses ${name}, naming ${header}`, () => {
      const reading = readTemplateRequest(headers);
      assert.equal(reading.kind, 'invalid');
      assert.equal(reading.kind === 'invalid' && reading.problem.header, header);
      assert.match((reading.kind === 'invalid' && reading.problem.message) || '', message);
    });
  }
});
