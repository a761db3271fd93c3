import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from './sse-parser.js';

function parseAll(text: string): { type: string; data: string | undefined; raw: string }[] {
  const parser = new SseParser();
  const items = parser.push(Buffer.from(text));
  const rest = parser.end();
  return [...items, ...(rest ? [rest] : [])].map((e) =>
    e.kind === 'event'
      ? { type: e.type, data: e.data, raw: e.raw.toString() }
      : { type: 'tail', data: undefined, raw: e.raw.toString() },
  );
}

describe('SseParser', () => {
  const cases: { name: string; text: string; events: [string, string | undefined][] }[] = [
    { name: 'one data line', text: 'data: a\n\n', events: [['message', 'a']] },
    { name: 'no space after the colon', text: 'data:a\n\n', events: [['message', 'a']] },
    { name: 'only one leading space is removed', text: 'data:  a\n\n', events: [['message', ' a']] },
    { name: 'multi-line data joined with LF', text: 'data: a\ndata: b\n\n', events: [['message', 'a\nb']] },
    {
      name: 'a comment is an event without data',
      text: ': keep-alive\n\n',
      events: [['message', undefined]],
    },
    { name: 'named event', text: 'event: ping\ndata: {}\n\n', events: [['ping', '{}']] },
    { name: 'a field name alone has an empty value', text: 'data\n\n', events: [['message', '']] },
    { name: 'an empty event name means message', text: 'event:\ndata: x\n\n', events: [['message', 'x']] },
    {
      name: 'id, retry and unknown fields are ignored',
      text: 'id: 1\nretry: 5\nfoo: bar\ndata: x\n\n',
      events: [['message', 'x']],
    },
    {
      name: 'CRLF, CR and LF line endings mixed',
      text: 'data: a\r\n\r\ndata: b\r\rdata: c\n\r\n',
      events: [
        ['message', 'a'],
        ['message', 'b'],
        ['message', 'c'],
      ],
    },
    {
      name: 'a colon inside the value is kept',
      text: 'data: {"a":"b: c"}\n\n',
      events: [['message', '{"a":"b: c"}']],
    },
    {
      name: 'an unfinished last event is handed back at end()',
      text: 'data: a\n\ndata: b',
      events: [
        ['message', 'a'],
        ['message', 'b'],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const events = parseAll(c.text);
      assert.deepEqual(
        events.map((e) => [e.type, e.data]),
        c.events,
      );
      assert.equal(events.map((e) => e.raw).join(''), c.text, 'raw bytes add up to the input');
    });
  }

  it('hands back an event ending on a CR at once, and the LF that follows as its tail', () => {
    const parser = new SseParser();
    const first = parser.push(Buffer.from('data: a\r\n\r'));
    assert.deepEqual(
      first.map((e) => e.raw.toString()),
      ['data: a\r\n\r'],
    );
    const second = parser.push(Buffer.from('\ndata: b\r\n\r\n'));
    assert.deepEqual(
      second.map((e) => [e.kind, e.raw.toString()]),
      [
        ['tail', '\n'],
        ['event', 'data: b\r\n\r\n'],
      ],
    );
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const bytes = Buffer.from('data: 東京\n\n');
    const parser = new SseParser();
    assert.deepEqual(parser.push(bytes.subarray(0, 8)), []);
    const [event] = parser.push(bytes.subarray(8));
    assert.equal(event?.kind === 'event' ? event.data : undefined, '東京');
  });

  it('passes an event longer than maxEventBytes through as it comes, then parses the next events', () => {
    const parser = new SseParser(16);
    const first = parser.push(Buffer.from('data: aaaaaaaaaaaaaaaaaaaa'));
    assert.deepEqual(
      first.map((e) => [e.kind, e.raw.toString()]),
      [['overflow', 'data: aaaaaaaaaaaaaaaaaaaa']],
    );
    const second = parser.push(Buffer.from('aaa'));
    assert.deepEqual(
      second.map((e) => [e.kind, e.raw.toString()]),
      [['overflow', 'aaa']],
    );
    const third = parser.push(Buffer.from('bbb\n\ndata: x\n\n'));
    assert.deepEqual(
      third.map((e) => [e.kind, e.raw.toString(), e.kind === 'event' ? e.data : undefined]),
      [
        ['overflow', 'bbb\n\n', undefined],
        ['event', 'data: x\n\n', 'x'],
      ],
    );
    assert.equal(parser.end(), undefined);
  });
});
