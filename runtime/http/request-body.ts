// Reads a request body up to a size limit; a larger one is refused without reading it all.
import type { IncomingMessage } from 'node:http';

export type BodyReading = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean; message: string };

export async function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<BodyReading> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return { ok: false, tooLarge: true, message: tooLarge(maxBytes) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        request.resume();
        return { ok: false, tooLarge: true, message: tooLarge(maxBytes) };
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    return {
      ok: false,
      tooLarge: false,
      message: `the request body could not be read: ${(err as Error).message}`,
    };
  }
  return { ok: true, body: Buffer.concat(chunks, size) };
}

function tooLarge(maxBytes: number): string {
  return `the request body is larger than ${maxBytes} bytes; send smaller usage batches`;
}
