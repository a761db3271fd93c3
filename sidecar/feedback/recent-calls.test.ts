import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { questionOf } from './near-duplicate.js';
import { type CallSummary, RecentCalls } from './recent-calls.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const call = (traceId: string, at: number, status = 200): CallSummary => ({
  traceId,
  agent: 'agents/support',
  model: 'gpt-4o-mini',
  route: 'chat',
  status,
  at,
});

describe('RecentCalls: the index of calls', () => {
  it('finds a call by trace id until it is older than maxAgeMs', () => {
    const c = clock();
    const recent = new RecentCalls({ maxAgeMs: 1000, now: c.now });
    recent.note(call('t1', c.now()));
    assert.equal(recent.find('t1')?.traceId, 't1');
    c.advance(1000);
    assert.equal(recent.find('t1')?.traceId, 't1', 'exactly maxAgeMs old is still found');
    c.advance(1);
    assert.equal(recent.find('t1'), undefined);
    assert.equal(recent.size, 0, 'expired calls are dropped, not only hidden');
  });

  it('keeps at most maxCalls, dropping the oldest', () => {
    const c = clock();
    const recent = new RecentCalls({ maxCalls: 3, now: c.now });
    for (const id of ['a', 'b', 'c', 'd']) recent.note(call(id, c.now()));
    assert.equal(recent.size, 3);
    assert.equal(recent.find('a'), undefined);
    assert.equal(recent.find('d')?.traceId, 'd');
  });

  it('a trace id used again names its latest call, which moves to the newest place', () => {
    const c = clock();
    const recent = new RecentCalls({ maxCalls: 2, now: c.now });
    recent.note(call('a', c.now()));
    recent.note(call('b', c.now()));
    recent.note({ ...call('a', c.now()), model: 'gpt-4o' });
    recent.note(call('c', c.now()));
    assert.equal(recent.find('a')?.model, 'gpt-4o');
    assert.equal(recent.find('b'), undefined, 'b was the oldest');
  });
});

describe('RecentCalls: re-asks', () => {
  const asked = (conversation: string, text: string) => ({ conversation, question: questionOf(text) });

  it('a near-duplicate question in the same conversation within the window is a re-ask of the answered call', () => {
    const c = clock();
    const recent = new RecentCalls({ reaskWindowMs: 60_000, now: c.now });
    assert.equal(recent.note(call('t1', c.now()), asked('c1', 'Where is my order 1234?')), undefined);
    c.advance(30_000);
    const reasked = recent.note(call('t2', c.now()), asked('c1', 'where is my order 1234'));
    assert.equal(reasked?.traceId, 't1');
  });

  const notReasks: [string, (recent: RecentCalls, c: ReturnType<typeof clock>) => CallSummary | undefined][] =
    [
      [
        'another conversation',
        (recent, c) => {
          recent.note(call('t1', c.now()), asked('c1', 'Where is my order?'));
          return recent.note(call('t2', c.now()), asked('c2', 'Where is my order?'));
        },
      ],
      [
        'past the window',
        (recent, c) => {
          recent.note(call('t1', c.now()), asked('c1', 'Where is my order?'));
          c.advance(60_001);
          return recent.note(call('t2', c.now()), asked('c1', 'Where is my order?'));
        },
      ],
      [
        'another question',
        (recent, c) => {
          recent.note(call('t1', c.now()), asked('c1', 'Where is my order?'));
          return recent.note(call('t2', c.now()), asked('c1', 'Cancel my subscription please'));
        },
      ],
      [
        'the previous call was not answered (a retry, not dissatisfaction)',
        (recent, c) => {
          recent.note(call('t1', c.now(), 429), asked('c1', 'Where is my order?'));
          return recent.note(call('t2', c.now()), asked('c1', 'Where is my order?'));
        },
      ],
      [
        'only the last question counts',
        (recent, c) => {
          recent.note(call('t1', c.now()), asked('c1', 'Where is my order?'));
          recent.note(call('t2', c.now()), asked('c1', 'Cancel my subscription please'));
          return recent.note(call('t3', c.now()), asked('c1', 'Where is my order?'));
        },
      ],
    ];
  for (const [name, scenario] of notReasks) {
    it(`not a re-ask: ${name}`, () => {
      const c = clock();
      assert.equal(scenario(new RecentCalls({ reaskWindowMs: 60_000, now: c.now }), c), undefined);
    });
  }

  it('a window of 0 turns re-asks off', () => {
    const c = clock();
    const recent = new RecentCalls({ reaskWindowMs: 0, now: c.now });
    recent.note(call('t1', c.now()), asked('c1', 'Where is my order?'));
    assert.equal(recent.note(call('t2', c.now()), asked('c1', 'Where is my order?')), undefined);
  });

  it('keeps at most maxConversations', () => {
    const c = clock();
    const recent = new RecentCalls({ maxConversations: 1, now: c.now });
    recent.note(call('t1', c.now()), asked('c1', 'Where is my order?'));
    recent.note(call('t2', c.now()), asked('c2', 'Where is my order?'));
    assert.equal(recent.note(call('t3', c.now()), asked('c1', 'Where is my order?')), undefined);
  });
});
