import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openRecord } from './capture-cipher.js';

const FILE = /^capture-(\d+)-\d+\.jsonl$/;

/**
 * The records of a capture directory, decrypted, oldest file first; with `since` (epoch ms) only
 * records of calls started then or later. A line that does not decrypt is an error naming the file
 * and line (a wrong key fails at the first one).
 */
export async function* exportCaptured(
  dir: string,
  key: Buffer,
  since?: number,
): AsyncGenerator<Record<string, unknown>> {
  const names = (await readdir(dir))
    .filter((n) => FILE.test(n))
    .sort((a, b) => {
      const [, ta = '0', sa = '0'] = /^capture-(\d+)-(\d+)/.exec(a) ?? [];
      const [, tb = '0', sb = '0'] = /^capture-(\d+)-(\d+)/.exec(b) ?? [];
      return Number(ta) - Number(tb) || Number(sa) - Number(sb);
    });
  for (const name of names) {
    let lineNo = 0;
    const lines = createInterface({ input: createReadStream(join(dir, name)), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let record: Record<string, unknown>;
      try {
        record = openRecord(key, line);
      } catch (err) {
        throw new Error(
          `${join(dir, name)}:${lineNo}: cannot decrypt the record (${(err as Error).message || 'authentication failed'}): is --key-file the sidecar's capture key?`,
        );
      }
      if (since !== undefined && Date.parse(String(record['at'])) < since) continue;
      yield record;
    }
  }
}
