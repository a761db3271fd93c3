import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { countInputTokens, estimateInputTokens } from './input-estimate.js';
import { requestText } from './request-text.js';

const SAMPLES: Record<string, string> = {
  english:
    'The sidecar reserves the worst case of every request before it forwards it, so that many concurrent calls cannot overshoot a budget.',
  code: 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}\nconst xs = [1, 2, 3].map((x) => x * 2);',
  json: '{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"enum":["c","f"]}},"required":["city"]}',
  german:
    'Die Grenzwerte werden täglich um Mitternacht in der Zeitzone Europe/Berlin zurückgesetzt; Überschreitungen führen zu Fehlern.',
  chinese: '预算在每天午夜重置。超过限制的请求将被拒绝，并返回明确的错误信息。',
  digits: '3.14159265358979323846264338327950288419716939937510 2718281828459045',
  yaml: 'spec:\n  limits:\n    tokens: 1000000\n  thresholds:\n    - percent: 75\n      actions: [Alert, Degrade]\n',
  mixed:
    'Grüße aus Berlin — 東京 👍🏽 Привет мир, Γειά σου κόσμε! camelCaseIdentifier = getHTTPResponse(42);',
};

describe('estimateInputTokens (fast, no tokenizer) against the tokenizer count', () => {
  for (const [kind, text] of Object.entries(SAMPLES)) {
    for (const model of ['gpt-4o', 'gpt-4-0613']) {
      it(`${kind} text on ${model}: at least the real count and at most three times it`, () => {
        const body = { model, messages: [{ role: 'user', content: text }] };
        const fast = estimateInputTokens('chat.completions', requestText('chat.completions', body));
        const real = countInputTokens('chat.completions', requestText('chat.completions', body), model);
        assert.ok(fast >= real, `fast ${fast} < real ${real}`);
        assert.ok(fast <= 3 * real, `fast ${fast} > 3 × real ${real}`);
      });
    }
  }
});

describe("countInputTokens reads every API's request shape", () => {
  const cases: { name: string; api: ApiKind; body: Record<string, unknown>; tokens: number }[] = [
    {
      name: 'chat: framing per message, role, content parts, image at a fixed size, reply priming',
      api: 'chat.completions',
      body: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hi' },
              { type: 'image_url', image_url: { url: 'data:' } },
            ],
          },
        ],
      },
      tokens: 3 + 1 + 3 + (3 + 1 + 1 + 1105) + 3,
    },
    {
      name: 'chat: tool calls and tool definitions count as their JSON',
      api: 'chat.completions',
      body: {
        messages: [{ role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: '{}' } }] }],
        tools: [{ type: 'function', function: { name: 'f' } }],
      },
      tokens: -1,
    },
    { name: 'completions: a prompt string', api: 'completions', body: { prompt: 'Once' }, tokens: 1 },
    {
      name: 'completions: token ids count as they are',
      api: 'completions',
      body: { prompt: [1, 2, 3, 4] },
      tokens: 4,
    },
    {
      name: 'embeddings: strings and token arrays',
      api: 'embeddings',
      body: { input: ['Hi', [5, 6, 7]] },
      tokens: 1 + 3,
    },
    {
      name: 'responses: instructions and input items',
      api: 'responses',
      body: {
        instructions: 'Be brief.',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      },
      tokens: 3 + (3 + 1 + 1) + 3,
    },
    {
      name: 'messages: system blocks, tool results, images',
      api: 'messages',
      body: {
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't', content: 'Hi' },
              { type: 'image', source: {} },
            ],
          },
        ],
      },
      tokens: 3 + (3 + 1 + 1600) + 3,
    },
    {
      name: 'an unexpected shape counts what it can',
      api: 'chat.completions',
      body: { messages: 'nope' },
      tokens: 3,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const counted = countInputTokens(c.api, requestText(c.api, c.body), 'gpt-4o');
      if (c.tokens === -1) assert.ok(counted > 3 + 1 + 3, `tool calls and definitions counted (${counted})`);
      else assert.equal(counted, c.tokens);
      assert.ok(estimateInputTokens(c.api, requestText(c.api, c.body)) >= counted);
    });
  }
});
