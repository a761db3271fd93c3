// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files use ${VAR} interpolation, written literally here
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolateEnv } from './env-interpolation.js';

describe('interpolateEnv', () => {
  const env = { KEY: 'sk-123', EMPTY: '', URL: 'http://127.0.0.1:9/v1' };
  const ok: [string, string][] = [
    ['no variables', 'no variables'],
    ['${KEY}', 'sk-123'],
    ['Bearer ${KEY}!', 'Bearer sk-123!'],
    ['${URL:-https://api.openai.com/v1}', 'http://127.0.0.1:9/v1'],
    ['${MISSING:-https://api.openai.com/v1}', 'https://api.openai.com/v1'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${MISSING:-}', ''],
    ['${EMPTY}', ''],
    ['$${KEY} is literal', '${KEY} is literal'],
    ['cost $5 and $HOME stay', 'cost $5 and $HOME stay'],
    ['${KEY}${KEY}', 'sk-123sk-123'],
  ];
  for (const [text, expected] of ok) {
    it(`reads ${JSON.stringify(text)}`, () =>
      assert.deepEqual(interpolateEnv(text, env), { ok: true, value: expected }));
  }
  const bad: [string, RegExp][] = [
    [
      '${OPENAI_API_KEY}',
      /environment variable OPENAI_API_KEY is not set \(write \$\{OPENAI_API_KEY:-default\}/,
    ],
    ['${KEY', /unterminated \$\{/],
    ['${1BAD}', /\$\{1BAD\} is not a variable reference/],
    ['${}', /is not a variable reference/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const result = interpolateEnv(text, env);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.message, message);
    });
  }
});
