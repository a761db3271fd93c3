import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutTopLevelNullUsage } from './null-usage-field.js';

describe('withoutTopLevelNullUsage', () => {
  const cases: [string, string, string | undefined][] = [
    ['last member', '{"id":"x","choices":[],"usage":null}', '{"id":"x","choices":[]}'],
    ['first member', '{"usage":null,"id":"x"}', '{"id":"x"}'],
    ['only member', '{"usage":null}', '{}'],
    ['with spaces (Python servers)', '{"id": "x", "usage": null}', '{"id": "x"}'],
    ['a usage object is not removed', '{"usage":{"prompt_tokens":1}}', undefined],
    ['nested usage:null is not top level', '{"a":{"usage":null},"b":1}', undefined],
    ['text that looks like the member is left alone', '{"content":"\\"usage\\":null","x":1}', undefined],
    ['the value "usage" is not a key', '{"object":"usage","n":null}', undefined],
    [
      'text before the real member is left alone',
      '{"c":",\\"usage\\":null","usage":null}',
      '{"c":",\\"usage\\":null"}',
    ],
  ];
  for (const [name, input, output] of cases) {
    it(name, () => {
      const edited = withoutTopLevelNullUsage(input);
      assert.equal(edited, output);
      if (edited !== undefined) {
        const expected = JSON.parse(input);
        delete expected.usage;
        assert.deepEqual(JSON.parse(edited), expected);
      }
    });
  }
});
