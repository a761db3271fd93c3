/**
 * An incremental Server-Sent Events parser that works on bytes, so a chunk may end anywhere: inside
 * a field, inside a multi-byte UTF-8 character, or between the CR and LF of a line ending. It hands
 * back every event the moment its terminating blank line arrives, with the exact bytes it came in,
 * so a relay can forward (or drop) whole events without re-encoding them.
 * See https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation.
 */

/** One complete event: its raw bytes (blank line included) and its parsed fields. */
export interface SseEvent {
  kind: 'event';
  raw: Buffer;
  /** The `event:` field, or `message` when absent. */
  type: string;
  /** The `data:` lines joined with "\n"; undefined when the event had no data line (comments only). */
  data: string | undefined;
}

/**
 * The LF of a CRLF that terminated the previous event when that event ended exactly at a chunk's CR.
 * It belongs to the previous event: forward it if that event was forwarded.
 */
export interface SseTail {
  kind: 'tail';
  raw: Buffer;
}

/**
 * Bytes of an event too long to hold (more than the parser's `maxEventBytes` without a blank line):
 * forwarded as they come and not parsed, so a stream that never ends an event is never buffered whole.
 */
export interface SseOverflow {
  kind: 'overflow';
  raw: Buffer;
}

export type SseItem = SseEvent | SseTail | SseOverflow;

const LF = 0x0a;
const CR = 0x0d;

/** Large enough for a Responses `response.completed` event, which repeats the whole answer. */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

export class SseParser {
  /** Bytes of the unfinished event, in the pieces they came in (joined once, when it completes). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The current event outgrew maxEventBytes: its bytes pass through until it ends. */
  private overflowing = false;
  /** The previous byte ended a line (or nothing of the current event was seen yet). */
  private atLineStart = true;
  /** The previous byte was a CR, so an LF now is the second half of that line ending. */
  private afterCR = false;
  /** The last event ended on a CR that was the last byte of a chunk. */
  private owedLF = false;

  constructor(private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES) {}

  /** Complete events (and tails, and overflow) found in `chunk`, in stream order. */
  push(chunk: Buffer): SseItem[] {
    const out: SseItem[] = [];
    let from = 0;
    if (this.owedLF && chunk.length > 0) {
      this.owedLF = false;
      if (chunk[0] === LF) {
        out.push({ kind: 'tail', raw: chunk.subarray(0, 1) });
        from = 1;
      }
    }
    let eventStart = from;
    const hasCR = chunk.indexOf(CR, from) !== -1;
    for (let p = from; p < chunk.length; p++) {
      const b = chunk[p];
      if (b === LF && this.afterCR) {
        this.afterCR = false;
        continue;
      }
      this.afterCR = false;
      if (b !== CR && b !== LF) {
        this.atLineStart = false;
        // Jump to the next line ending (a native search): only line endings change the state.
        let next = chunk.indexOf(LF, p);
        if (hasCR) {
          const cr = chunk.indexOf(CR, p);
          if (cr !== -1 && (next === -1 || cr < next)) next = cr;
        }
        if (next === -1) break;
        p = next - 1;
        continue;
      }
      if (!this.atLineStart) {
        this.atLineStart = true;
        this.afterCR = b === CR;
        continue;
      }
      // An empty line: the event ends here, with the LF of a CRLF when it is already in sight.
      let end = p + 1;
      if (b === CR) {
        if (end < chunk.length) {
          if (chunk[end] === LF) end++;
        } else {
          this.owedLF = true;
        }
      }
      const raw = this.takePending(chunk.subarray(eventStart, end));
      out.push(this.overflowing ? { kind: 'overflow', raw } : parseEvent(raw));
      this.overflowing = false;
      eventStart = end;
      p = end - 1;
    }
    if (eventStart < chunk.length) {
      const rest = chunk.subarray(eventStart);
      if (this.overflowing) {
        out.push({ kind: 'overflow', raw: rest });
      } else {
        this.pending.push(Buffer.from(rest));
        this.pendingBytes += rest.length;
        if (this.pendingBytes > this.maxEventBytes) {
          out.push({ kind: 'overflow', raw: this.takePending(Buffer.alloc(0)) });
          this.overflowing = true;
        }
      }
    }
    return out;
  }

  /** The bytes of an event the stream ended in the middle of (no blank line after it), parsed as far as possible. */
  end(): SseEvent | undefined {
    const rest = this.pendingBytes > 0 ? this.takePending(Buffer.alloc(0)) : undefined;
    this.atLineStart = true;
    this.afterCR = false;
    this.owedLF = false;
    this.overflowing = false;
    return rest ? parseEvent(rest) : undefined;
  }

  private takePending(last: Buffer): Buffer {
    if (this.pending.length === 0) return last;
    const raw = Buffer.concat([...this.pending, last]);
    this.pending = [];
    this.pendingBytes = 0;
    return raw;
  }
}

/** Fields of one event's bytes, following the SSE interpretation rules (comments, `field: value`, no-colon lines). */
export function parseEvent(raw: Buffer): SseEvent {
  const text = raw.toString('utf8');
  let type = 'message';
  let data: string | undefined;
  const hasCR = text.includes('\r');
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (hasCR) {
      const cr = text.indexOf('\r', lineStart);
      if (cr !== -1 && cr < lineEnd) lineEnd = cr;
    }
    const line = text.slice(lineStart, lineEnd);
    lineStart = text[lineEnd] === '\r' && text[lineEnd + 1] === '\n' ? lineEnd + 2 : lineEnd + 1;
    if (line === '' || line.charCodeAt(0) === 0x3a /* ':' comment */) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') type = value || 'message';
  }
  return { kind: 'event', raw, type, data };
}
