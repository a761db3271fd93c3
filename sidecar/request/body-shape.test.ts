import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyShapeProblem, MAX_ARRAY_ITEMS, MAX_NESTING } from './body-shape.js';

/** `levels` arrays nested in one another, the innermost holding `inner`. */
function nested(levels: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('bodyShapeProblem', () => {
  it('accepts the nesting of real requests, up to the limit', () => {
    const body = {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      tools: [{ function: { parameters: { properties: { a: { items: { type: 'object' } } } } } }],
    };
    assert.equal(bodyShapeProblem('chat.completions', body), undefined);
    // The body is level 1, `x` level 2, so MAX_NESTING - 2 arrays inside it reach the limit.
    assert.equal(bodyShapeProblem('chat.completions', { x: nested(MAX_NESTING - 1) }), undefined);
  });

  it('refuses nesting deeper than the limit with 400, naming where (10,000 levels included)', () => {
    for (const levels of [MAX_NESTING, 10_000]) {
      const problem = bodyShapeProblem('chat.completions', { model: 'm', messages: nested(levels) });
      assert.equal(problem?.status, 400);
      assert.equal(problem?.code, 'nesting_too_deep');
      assert.equal(problem?.param, 'messages[0][0][0][0][0][0][0]', 'the first levels of the path');
      assert.match(problem?.message ?? '', /nested more than 128 levels deep/);
    }
    const deepObject = JSON.parse(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    assert.equal(bodyShapeProblem('messages', { metadata: deepObject })?.code, 'nesting_too_deep');
  });

  it('refuses an array of more items than the limit with 413, naming it', () => {
    const problem = bodyShapeProblem('embeddings', {
      model: 'm',
      input: ['a', new Array(MAX_ARRAY_ITEMS + 1).fill(0)],
    });
    assert.equal(problem?.status, 413);
    assert.equal(problem?.code, 'array_above_max_length');
    assert.equal(problem?.param, 'input[1]');
    assert.match(
      problem?.message ?? '',
      /^input\[1\]: an array of 100001 items; the sidecar accepts at most 100000/,
    );
    assert.equal(bodyShapeProblem('embeddings', { input: new Array(MAX_ARRAY_ITEMS).fill(0) }), undefined);
  });

  it('names the field the Anthropic way on the Messages API', () => {
    const problem = bodyShapeProblem('messages', { messages: [{ content: nested(200) }] });
    assert.match(problem?.message ?? '', /^messages\.0\.content\.0\.0/);
  });
});
