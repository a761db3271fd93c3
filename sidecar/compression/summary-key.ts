import { createHash, randomBytes } from 'node:crypto';
import type { CompressibleApi, Message } from './conversation.js';

/**
 * The keys of a conversation's prefixes: a SHA-256, salted per sidecar process, over the API, the
 * Anthropic `system` field and each message's JSON up to the cut. One pass over the messages: the
 * hash state is copied at each cut. The salt keeps a key from telling anything about a prompt to
 * whoever sees it (a log, a heap dump) and is not shared: a summary cache is one process's.
 */
export class SummaryKeys {
  constructor(private readonly salt: Buffer = randomBytes(16)) {}

  prefixKeys(
    api: CompressibleApi,
    system: unknown,
    messages: readonly Message[],
    cuts: readonly number[],
  ): string[] {
    const hash = createHash('sha256');
    hash.update(this.salt);
    hash.update(api);
    hash.update('\u0000');
    hash.update(system === undefined ? '' : JSON.stringify(system));
    const keys: string[] = [];
    let next = 0;
    for (const cut of cuts) {
      for (; next < cut; next++) {
        hash.update('\u0000');
        hash.update(JSON.stringify(messages[next]));
      }
      keys.push(hash.copy().digest('base64url'));
    }
    return keys;
  }
}
