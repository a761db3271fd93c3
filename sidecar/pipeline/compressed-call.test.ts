import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { requestText } from '../accounting/request-text.js';
import { SummaryCache } from '../compression/summary-cache.js';
import { SummaryKeys } from '../compression/summary-key.js';
import { readCallFacts } from '../request/call-facts.js';
import { compressedCall } from './compressed-call.js';

const COMPRESSION = {
  steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'] as (
    | 'CollapseWhitespace'
    | 'DropDuplicates'
    | 'AbridgeStaleToolOutputs'
  )[],
  keepTurns: 1,
  keepLines: 2,
};
const output = Array.from({ length: 30 }, (_, i) => `row ${i}   ok`).join('\n');

function facts(api: 'chat.completions' | 'messages', body: Record<string, unknown>) {
  const reading = readCallFacts(api, body, Buffer.from(JSON.stringify(body)), {});
  assert.ok(reading.ok);
  return reading.facts;
}

describe('compressedCall', () => {
  it('OpenAI: the compressed messages as an edit, the agent body untouched, the estimate of what is sent', () => {
    const body = {
      model: 'gpt-4o',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be   brief.' },
        { role: 'user', content: 'Look   it up.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: output },
        { role: 'user', content: 'Thanks.' },
      ],
    };
    const copy = structuredClone(body);
    const received = facts('chat.completions', body);
    const call = compressedCall(received, COMPRESSION);
    assert.deepEqual(body, copy, 'the agent body is never modified');
    assert.ok(call.messages);
    assert.equal(call.facts.body, received.body);
    const sent = estimateInputTokens(
      'chat.completions',
      requestText('chat.completions', { ...body, messages: call.messages }),
    );
    assert.equal(call.facts.estimatedInputTokens, sent, 'the estimate is that of the compressed body');
    assert.ok(sent < received.estimatedInputTokens);
    const saved = call.savings.reduce((n, s) => n + s.tokensSaved, 0);
    assert.equal(received.estimatedInputTokens - saved, sent);
    assert.deepEqual(call.facts.text, requestText('chat.completions', { ...body, messages: call.messages }));
  });

  it('Anthropic: the system field is never touched; a tool_result abridged', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'Be    brief.',
      messages: [
        { role: 'user', content: 'Look it up.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: output }] },
        { role: 'assistant', content: 'Found it.' },
        { role: 'user', content: 'Thanks.' },
      ],
    };
    const call = compressedCall(facts('messages', body), COMPRESSION);
    assert.ok(call.messages);
    assert.match(JSON.stringify(call.messages[2]), /lines abridged by agent-governor/);
    assert.equal(call.facts.body['system'], 'Be    brief.');
  });

  it('passes calls of other APIs, and calls with nothing to compress, as they are', () => {
    const received = facts('chat.completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const call = compressedCall(received, COMPRESSION);
    assert.equal(call.facts, received);
    assert.equal(call.messages, undefined);
    assert.equal(compressedCall(received, undefined).facts, received);
  });

  it('Summarize: the first long call is sent without a summary and asks for one; the next sends it, estimate exact', () => {
    const turns = (n: number) => {
      const messages: Record<string, unknown>[] = [{ role: 'system', content: 'Be brief.' }];
      for (let t = 0; t < n; t++) {
        messages.push(
          { role: 'user', content: `Question ${t}?` },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: `c${t}`, type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: `c${t}`, content: `${output}\n${t}` },
          { role: 'assistant', content: `Answer ${t}.` },
        );
      }
      return { model: 'gpt-4o', messages };
    };
    const summaries = { cache: new SummaryCache(), keys: new SummaryKeys() };
    const compression = {
      steps: ['Summarize', 'CollapseWhitespace'] as ('Summarize' | 'CollapseWhitespace')[],
      keepTurns: 2,
      keepLines: 2,
      summarize: { model: 'gpt-4o-mini', maxHistoryTokens: 500, maxSummaryTokens: 100 },
    };
    const first = compressedCall(facts('chat.completions', turns(10)), compression, summaries);
    assert.equal(first.summary?.used, undefined);
    const write = first.summary?.write;
    assert.ok(write);
    assert.equal(first.savings[0]?.step, 'Summarize');
    assert.equal(first.savings[0]?.tokensSaved, 0);
    summaries.cache.set(write.key, { text: 'The user asked eight questions; all answered.', cut: write.cut });

    const body = turns(11);
    const second = compressedCall(facts('chat.completions', body), compression, summaries);
    assert.ok(second.messages);
    assert.equal(second.summary?.used?.messages, write.cut - 1);
    assert.equal(second.summary?.write, undefined);
    assert.match(String(second.messages[1]?.['content']), /The user asked eight questions/);
    assert.ok((second.savings[0]?.tokensSaved ?? 0) > 1000);
    // The estimate of what is sent is what the sidecar would estimate for the compressed body.
    const sent = estimateInputTokens(
      'chat.completions',
      requestText('chat.completions', { ...body, messages: second.messages }),
    );
    assert.equal(second.facts.estimatedInputTokens, sent);
  });
});
