import type { RecordedStream } from './recorded-streams.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failing split can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Layout {
  input: Buffer;
  output: Buffer;
  /** Per event: where its bytes end in the input, when it is complete, and how many bytes it forwards. */
  events: { inEnd: number; completeAt: number; outBytes: number; crlf: boolean }[];
}

export function layout(stream: RecordedStream): Layout {
  let offset = 0;
  const events = stream.events.map((e) => {
    const inBytes = Buffer.byteLength(e.in);
    offset += inBytes;
    const crlf = e.in.endsWith('\r\n');
    // An event is complete when the first character of its closing line ending arrives.
    return {
      inEnd: offset,
      completeAt: crlf ? offset - 1 : offset,
      outBytes: Buffer.byteLength(e.out),
      crlf,
    };
  });
  return {
    input: Buffer.from(stream.events.map((e) => e.in).join('')),
    output: Buffer.from(stream.events.map((e) => e.out).join('')),
    events,
  };
}

/** Bytes that must have been forwarded once `received` input bytes went in: every complete event, at once. */
export function forwardedAfter(l: Layout, received: number): number {
  let bytes = 0;
  for (const e of l.events) {
    if (e.completeAt > received) break;
    bytes += e.outBytes;
    if (e.crlf && e.outBytes > 0 && received < e.inEnd) bytes -= 1;
  }
  return bytes;
}
