import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { StreamTap } from '../accounting/stream-tap.js';
import type { ApiKind } from '../http/api-kind.js';
import type { UpstreamStream } from '../routing/route-runner.js';
import { streamErrorEvent } from './stream-error-event.js';

export interface StreamRelay {
  /** A terminal event was seen: the answer is whole. */
  completed: boolean;
  /** Monotonic time the first byte went to the agent. */
  firstByteAt?: number;
  /** The agent went away before the end. */
  agentGone: boolean;
  /** Why the upstream stream ended early, when it did. */
  broken?: string;
  /** What the agent received, when `keep` asked for it (for the cache); undefined once over `keep`. */
  bytes?: Buffer;
}

/**
 * Relays an upstream SSE stream to the agent chunk by chunk through the usage tap: each chunk is
 * written as soon as it arrives (the tap holds back only an incomplete event, and the extra usage
 * chunk the sidecar asked for), with backpressure from the agent's socket. A stream the upstream
 * breaks off ends with an error event the agent's SDK raises; a stream the agent leaves is cancelled
 * upstream so no more tokens are spent.
 */
export async function relayStream(
  api: ApiKind,
  res: ServerResponse,
  upstream: UpstreamStream,
  tap: StreamTap,
  keep: number,
): Promise<StreamRelay> {
  const relay: StreamRelay = { completed: false, agentGone: false };
  const kept: Buffer[] = [];
  let keptBytes = 0;
  /** Writes `bytes` to the agent; false when its socket is full (wait for drain before the next). */
  const write = (bytes: Buffer): boolean => {
    if (bytes.length === 0) return true;
    if (keep > 0 && keptBytes <= keep) {
      kept.push(bytes);
      keptBytes += bytes.length;
    }
    relay.firstByteAt ??= performance.now();
    return res.write(bytes);
  };
  // Awaits only when the agent is behind: a chunk costs no extra promise otherwise.
  const forward = (bytes: Buffer): Promise<void> | undefined =>
    write(bytes) ? undefined : drainOrClose(res);
  const onClose = () => {
    if (!res.writableFinished) {
      relay.agentGone = true;
      upstream.cancel();
    }
  };
  res.once('close', onClose);
  try {
    const full = forward(tap.push(upstream.first));
    if (full) await full;
    for (;;) {
      if (relay.agentGone) break;
      const chunk = await upstream.next();
      if (chunk === undefined) break;
      const behind = forward(tap.push(chunk));
      if (behind) await behind;
    }
  } catch (err) {
    if (!relay.agentGone) relay.broken = `the upstream stream failed: ${(err as Error).message}`;
  }
  const rest = tap.end();
  relay.completed = tap.completed;
  if (!relay.agentGone) {
    await forward(rest);
    if (!relay.completed) {
      relay.broken ??= 'the upstream ended the stream before its final event';
      if (rest.length > 0 && !rest.subarray(-2).equals(Buffer.from('\n\n')))
        await forward(Buffer.from('\n\n'));
      await forward(streamErrorEvent(api, `${relay.broken}; the answer is incomplete`));
    }
    res.end();
  }
  res.off('close', onClose);
  if (keep > 0 && keptBytes <= keep) relay.bytes = Buffer.concat(kept, keptBytes);
  return relay;
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
