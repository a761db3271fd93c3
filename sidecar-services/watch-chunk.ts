// A watch stream's line (docs/adr/0075) as the bytes of one HTTP/1.1 chunk: its size in hex, CRLF,
// the line, CRLF (RFC 9112, section 7.1) — the bytes `response.write(line)` sends on a chunked
// response. Built once per policy version and written as they are to the socket of every stream of
// the agent, instead of each response framing, encoding and corking the same line again
// (docs/adr/0077-watch-lines-framed-once.md).

const CRLF = Buffer.from('\r\n', 'latin1');

/** The chunk that carries `line` (a policy's JSON and its newline). */
export function watchChunk(line: string): Buffer {
  const data = Buffer.from(line, 'utf8');
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF]);
}

/** The chunks of the versions sent so far, each built once: a version's policy is its key. */
export class WatchChunks<K extends object> {
  private readonly chunks = new WeakMap<K, Buffer>();

  of(key: K, line: () => string): Buffer {
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = watchChunk(line());
      this.chunks.set(key, chunk);
    }
    return chunk;
  }
}
