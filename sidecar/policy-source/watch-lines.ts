// Reading a policy watch (apis/sidecar-protocol.ts, docs/adr/0075-policy-watch-stream.md): whether
// an answer is a watch, by its content type, and its body cut into lines, a line bounded in length.
// The sidecar's policy source and bench:scale's simulated sidecars read watches with these.
import { POLICY_WATCH_CONTENT_TYPE } from '../../apis/sidecar-protocol.js';

/** True when the content type says the answer is a watch stream (parameters ignored). */
export function isWatchAnswer(contentType: string | string[] | undefined): boolean {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  return type?.split(';')[0]?.trim().toLowerCase() === POLICY_WATCH_CONTENT_TYPE;
}

/** Thrown by watchLines when more than its bound arrives without a newline. */
export class WatchLineTooLong extends Error {}

/** Each non-empty line of a watch's text, without its newline, as it arrives. */
export async function* watchLines(body: AsyncIterable<string>, maxChars: number): AsyncGenerator<string> {
  let text = '';
  for await (const chunk of body) {
    text += chunk;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      if (line.trim() !== '') yield line;
    }
    if (text.length > maxChars) throw new WatchLineTooLong(`a line of more than ${maxChars} characters`);
  }
}
