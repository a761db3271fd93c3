import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompressibleApi, Message } from './conversation.js';
import { SummaryCache } from './summary-cache.js';
import { SummaryKeys } from './summary-key.js';
import { type CachedSummary, planSummary, withSummary } from './summary-plan.js';

const tokens = (m: Message) => Math.ceil(JSON.stringify(m).length / 4);
const keys = new SummaryKeys(Buffer.from('salt'));

/** An OpenAI conversation: `turns` user turns, each a question, a tool call, its ~100-token result, an answer. */
function openAi(turns: number): Message[] {
  const messages: Message[] = [{ role: 'system', content: 'You are a support agent.' }];
  for (let t = 0; t < turns; t++) {
    messages.push(
      { role: 'user', content: `Question ${t}?` },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `c${t}`, type: 'function', function: { name: 'orders', arguments: `{"t":${t}}` } },
        ],
      },
      { role: 'tool', tool_call_id: `c${t}`, content: `result ${t} `.repeat(40) },
      { role: 'assistant', content: `Answer ${t}.` },
    );
  }
  return messages;
}

/** The same in Anthropic's shape: tool_use in the assistant message, tool_result in a user message. */
function anthropic(turns: number): Message[] {
  const messages: Message[] = [];
  for (let t = 0; t < turns; t++) {
    messages.push(
      { role: 'user', content: `Question ${t}?` },
      { role: 'assistant', content: [{ type: 'tool_use', id: `t${t}`, name: 'orders', input: { t } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: `t${t}`, content: `result ${t} `.repeat(40) }],
      },
      { role: 'assistant', content: [{ type: 'text', text: `Answer ${t}.` }] },
    );
  }
  return messages;
}

function plan(api: CompressibleApi, messages: Message[], cache: SummaryCache, maxHistoryTokens = 300) {
  return planSummary(
    api,
    messages,
    { keepTurns: 2, maxHistoryTokens },
    tokens,
    (cuts) => keys.prefixKeys(api, undefined, messages, cuts),
    (key) => cache.get(key),
  );
}

describe('planSummary', () => {
  it('does nothing while the history is within maxHistoryTokens', () => {
    const p = plan('chat.completions', openAi(3), new SummaryCache());
    assert.equal(p.use, undefined);
    assert.equal(p.write, undefined);
    assert.ok(p.historyTokens > 0 && p.historyTokens <= 300);
  });

  it('asks for a summary up to the kept turns once the history is longer, then uses it on the next calls', () => {
    const cache = new SummaryCache();
    const first = openAi(8);
    const p1 = plan('chat.completions', first, cache);
    assert.equal(p1.use, undefined);
    assert.ok(p1.write);
    assert.equal(p1.write.from, 1, 'after the system prompt');
    assert.equal(p1.write.cut, 1 + 6 * 4, 'the start of the second to last user turn');
    assert.equal(first[p1.write.cut]?.['role'], 'user');
    cache.set(p1.write.key, { text: 'S1', cut: p1.write.cut });

    // The next call resends the conversation with one more turn: the summary covers the same prefix.
    const second = openAi(9);
    const p2 = plan('chat.completions', second, cache);
    assert.deepEqual(p2.use, { text: 'S1', cut: 25 });
    assert.equal(p2.write, undefined, 'what is left after the summary is short');
    const sent = withSummary('chat.completions', second, p2.start, p2.use as CachedSummary);
    assert.equal(sent[0], second[0], 'the system prompt first, as it was');
    assert.equal(sent[1]?.['role'], 'user');
    assert.match(String(sent[1]?.['content']), /^\[Summary by agent-governor of the 24 earlier messages/);
    assert.deepEqual(sent.slice(2), second.slice(25));
  });

  it('continues the summary it uses when the history grows long again', () => {
    const cache = new SummaryCache();
    const p1 = plan('chat.completions', openAi(8), cache);
    assert.ok(p1.write);
    cache.set(p1.write.key, { text: 'S1', cut: p1.write.cut });
    const p2 = plan('chat.completions', openAi(14), cache);
    assert.equal(p2.use?.text, 'S1');
    assert.ok(p2.write);
    assert.equal(p2.write.from, 25);
    assert.equal(p2.write.previous?.text, 'S1');
    assert.equal(p2.write.cut, 1 + 12 * 4);
  });

  it('never uses a summary of another conversation, nor of a changed prefix', () => {
    const cache = new SummaryCache();
    const p1 = plan('chat.completions', openAi(8), cache);
    assert.ok(p1.write);
    cache.set(p1.write.key, { text: 'S1', cut: p1.write.cut });
    const edited = openAi(9);
    edited[2] = { ...edited[2], content: 'changed' };
    assert.equal(plan('chat.completions', edited, cache).use, undefined);
  });

  it('cuts only where a user turn begins, so Anthropic tool_use and tool_result stay together', () => {
    const cache = new SummaryCache();
    const messages = anthropic(8);
    const p = plan('messages', messages, cache);
    assert.ok(p.write);
    assert.equal(p.start, 0, 'Anthropic has no system message in messages');
    const at = messages[p.write.cut] as Message;
    assert.equal(at['role'], 'user');
    assert.equal(typeof at['content'], 'string', 'a question, never a tool_result');
    cache.set(p.write.key, { text: 'S', cut: p.write.cut });
    const sent = withSummary('messages', messages, 0, { text: 'S', cut: p.write.cut });
    // Every tool_use still has its tool_result in the next message.
    for (let i = 0; i < sent.length; i++) {
      const content = sent[i]?.['content'];
      if (!Array.isArray(content)) continue;
      for (const part of content as Message[]) {
        if (part['type'] !== 'tool_use') continue;
        const next = sent[i + 1]?.['content'] as Message[];
        assert.ok(next.some((p) => p['type'] === 'tool_result' && p['tool_use_id'] === part['id']));
      }
    }
  });

  it('keys include the Anthropic system prompt and the API', () => {
    const m = anthropic(3);
    const [a] = keys.prefixKeys('messages', 'one system', m, [4]);
    const [b] = keys.prefixKeys('messages', 'another system', m, [4]);
    const [c] = keys.prefixKeys('chat.completions', 'one system', m, [4]);
    assert.notEqual(a, b);
    assert.notEqual(a, c);
    assert.deepEqual(keys.prefixKeys('messages', 'one system', m, [4]), [a]);
    assert.notDeepEqual(
      new SummaryKeys(Buffer.from('other salt')).prefixKeys('messages', 'one system', m, [4]),
      [a],
    );
  });
});

describe('SummaryCache', () => {
  it('drops the least recently used summary past its bound', () => {
    const cache = new SummaryCache(2);
    cache.set('a', { text: 'A', cut: 1 });
    cache.set('b', { text: 'B', cut: 1 });
    cache.get('a');
    cache.set('c', { text: 'C', cut: 1 });
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a')?.text, 'A');
    assert.equal(cache.size, 2);
  });

  it('lets one writer claim a prefix at a time, and none once it is written', () => {
    const cache = new SummaryCache();
    assert.equal(cache.claim('k'), true);
    assert.equal(cache.claim('k'), false);
    cache.release('k');
    assert.equal(cache.claim('k'), true);
    cache.set('k', { text: 'K', cut: 3 });
    cache.release('k');
    assert.equal(cache.claim('k'), false);
  });
});
