import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, parseWatchEvent } from './watch-event.js';

const object = { metadata: { name: 'a', namespace: 'ns', resourceVersion: '42' } };

describe('parseWatchEvent', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['an added object', { type: 'ADDED', object }, { type: 'ADDED', object, resourceVersion: '42' }],
    ['a change', { type: 'MODIFIED', object }, { type: 'MODIFIED', object, resourceVersion: '42' }],
    ['a deletion', { type: 'DELETED', object }, { type: 'DELETED', object, resourceVersion: '42' }],
    [
      'a bookmark, which only moves the resourceVersion',
      { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '99' } } },
      { type: 'BOOKMARK', resourceVersion: '99' },
    ],
    [
      '410 Gone: the resourceVersion expired',
      {
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' },
      },
      {
        type: 'ERROR',
        expired: true,
        status: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' },
      },
    ],
    [
      'another error',
      { type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcd is down' } },
      { type: 'ERROR', expired: false, status: { kind: 'Status', code: 500, message: 'etcd is down' } },
    ],
  ];
  for (const [name, event, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parseWatchEvent(JSON.stringify(event)), expected));
  }

  const invalid: Array<[string, string, RegExp]> = [
    ['a line that is not JSON', '{"type": "ADD', /not JSON/],
    ['an event without object', '{"type":"ADDED"}', /no object/],
    ['an object without a name', '{"type":"ADDED","object":{"metadata":{"resourceVersion":"1"}}}', /name/],
    ['an unknown type', '{"type":"EXPLODED","object":{}}', /unknown event type "EXPLODED"/],
  ];
  for (const [name, line, problem] of invalid) {
    it(`flags ${name}`, () => {
      const event = parseWatchEvent(line);
      assert.equal(event.type, 'INVALID');
      assert.match((event as { problem: string }).problem, problem);
    });
  }
});

describe('LineSplitter', () => {
  it('joins lines split across chunks, UTF-8 characters included', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('{"a":"ü"}\n{"b":2}\n\n{"c":', 'utf8');
    const cut = bytes.indexOf(0xbc); // inside the two bytes of ü
    assert.deepEqual(splitter.push(bytes.subarray(0, cut)), []);
    assert.deepEqual(splitter.push(bytes.subarray(cut)), ['{"a":"ü"}', '{"b":2}']);
    assert.deepEqual(splitter.push(Buffer.from('3}\n')), ['{"c":3}']);
    assert.deepEqual(splitter.end(), []);
  });

  it('returns a last line that has no newline at the end of the stream', () => {
    const splitter = new LineSplitter();
    splitter.push(Buffer.from('{"x":1}'));
    assert.deepEqual(splitter.end(), ['{"x":1}']);
  });
});
