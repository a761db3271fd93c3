import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WatchChunks, watchChunk } from './watch-chunk.js';

describe('watchChunk', () => {
  it('frames a line as one HTTP/1.1 chunk: its size in bytes in hex, CRLF, the line, CRLF', () => {
    assert.equal(watchChunk('{"a":1}\n').toString('latin1'), '8\r\n{"a":1}\n\r\n');
    const long = `${'x'.repeat(300)}\n`;
    assert.equal(watchChunk(long).toString('utf8'), `12d\r\n${long}\r\n`);
  });

  it('counts the bytes of UTF-8, not the characters', () => {
    const line = '{"team":"équipe-東京"}\n';
    const chunk = watchChunk(line);
    const size = Buffer.byteLength(line, 'utf8');
    assert.equal(chunk.toString('utf8'), `${size.toString(16)}\r\n${line}\r\n`);
    assert.notEqual(size, line.length);
  });
});

describe('WatchChunks', () => {
  it("builds each version's chunk once and gives the same bytes to every stream", () => {
    const chunks = new WatchChunks<{ body: string }>();
    const version = { body: '{"v":1}' };
    let built = 0;
    const line = () => {
      built++;
      return `${version.body}\n`;
    };
    const first = chunks.of(version, line);
    assert.equal(chunks.of(version, line), first);
    assert.equal(built, 1);
    assert.notEqual(
      chunks.of({ body: '{"v":2}' }, () => '{"v":2}\n'),
      first,
    );
  });
});
