// What one line of a watch stream means. The API server sends one JSON object per line:
// ADDED / MODIFIED / DELETED with the object, BOOKMARK with only a resourceVersion, or ERROR with a
// Status — code 410 meaning the resourceVersion we resumed from is gone and a relist is needed.
import { StringDecoder } from 'node:string_decoder';
import type { ApiStatus } from '../kube/api-error.js';
import type { KubeObject } from '../kube/kube-object.js';

export type WatchEvent<T extends KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T; resourceVersion: string }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'ERROR'; status: ApiStatus; expired: boolean }
  | { type: 'INVALID'; problem: string };

export function parseWatchEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  let parsed: { type?: unknown; object?: unknown };
  try {
    parsed = JSON.parse(line);
  } catch {
    return { type: 'INVALID', problem: `not JSON: ${line.slice(0, 120)}` };
  }
  const object = parsed?.object as (KubeObject & ApiStatus) | undefined;
  if (typeof object !== 'object' || object === null) {
    return { type: 'INVALID', problem: `no object in ${line.slice(0, 120)}` };
  }
  switch (parsed.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED': {
      const resourceVersion = object.metadata?.resourceVersion;
      if (!object.metadata?.name || !resourceVersion) {
        return { type: 'INVALID', problem: `${parsed.type} event without metadata.name/resourceVersion` };
      }
      return { type: parsed.type, object: object as T, resourceVersion };
    }
    case 'BOOKMARK': {
      const resourceVersion = object.metadata?.resourceVersion;
      if (!resourceVersion) return { type: 'INVALID', problem: 'BOOKMARK without a resourceVersion' };
      return { type: 'BOOKMARK', resourceVersion };
    }
    case 'ERROR': {
      const status: ApiStatus = object;
      const expired = status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone';
      return { type: 'ERROR', status, expired };
    }
    default:
      return { type: 'INVALID', problem: `unknown event type ${JSON.stringify(parsed.type)}` };
  }
}

/** Splits a byte stream into lines; a line (or a UTF-8 character) may span chunks. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  push(chunk: Buffer): string[] {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter((line) => line.trim().length > 0);
  }

  /** Whatever followed the last newline when the stream ended. */
  end(): string[] {
    const rest = (this.partial + this.decoder.end()).trim();
    this.partial = '';
    return rest ? [rest] : [];
  }
}
