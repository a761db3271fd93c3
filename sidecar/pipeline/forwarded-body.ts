import type { CallFacts } from '../request/call-facts.js';

/**
 * What the policy changes in the agent's body, field by field: each member is added, or replaces the
 * agent's value (a degraded `model`, a clamped output limit, the usage `stream_options`). The agent's
 * parsed body itself is never modified.
 */
export type BodyEdits = Record<string, unknown>;

/**
 * The body a target receives: the agent's bytes and the policy's edits, made into bytes once per
 * model asked for (a route's targets may each name their own model). `bytes` is what the route
 * runner sends; `edited()` the body as an object, for the cache key.
 */
export class ForwardedBody {
  private lastModel: string | undefined;
  private lastBytes: Buffer | undefined;

  constructor(
    private readonly facts: CallFacts,
    readonly edits: Readonly<BodyEdits>,
  ) {}

  /** The bytes for a target asked for `model`. */
  bytes(model: string): Buffer {
    if (this.lastModel === model && this.lastBytes) return this.lastBytes;
    const edits = (this.edits['model'] ?? this.facts.model) === model ? this.edits : { ...this.edits, model };
    this.lastModel = model;
    this.lastBytes = forwardedBytes(this.facts.body, this.facts.raw, edits);
    return this.lastBytes;
  }
}

/** The agent's `body` with `edits` applied, as an object (a new one only when there are edits). */
export function editedBody(
  body: Readonly<Record<string, unknown>>,
  edits: Readonly<BodyEdits>,
): Readonly<Record<string, unknown>> {
  for (const _key in edits) return { ...body, ...edits };
  return body;
}

/**
 * The bytes to forward for the agent's `original` body (parsed from `raw`) with `edits`. When the
 * edits only add fields — the token clamp, the usage option, on a body that had neither — they are
 * spliced into the agent's own bytes after the opening brace, so a long prompt is not serialised
 * again on every call; no edits: the agent's very bytes. An edit that replaces a field of the
 * original (a degraded model, a lowered limit) makes the body serialised anew (one JSON text cannot
 * carry a member twice).
 */
export function forwardedBytes(
  original: Readonly<Record<string, unknown>>,
  raw: Buffer,
  edits: Readonly<BodyEdits>,
): Buffer {
  let added = '';
  for (const key in edits) {
    const value = edits[key];
    if (value === undefined) continue;
    if (Object.hasOwn(original, key)) {
      if (original[key] !== value) return serialised(original, edits);
    } else {
      added += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
    }
  }
  if (added === '') return raw;
  let brace = 0;
  while (brace < raw.length && isJsonSpace(raw[brace]!)) brace++;
  if (raw[brace] !== 0x7b) return serialised(original, edits);
  let next = brace + 1;
  while (next < raw.length && isJsonSpace(raw[next]!)) next++;
  // `{}`: the last added field takes no comma.
  const insert = raw[next] === 0x7d ? added.slice(0, -1) : added;
  // One buffer, written in place: no views of `raw` nor a buffer of the insert on the way.
  const at = brace + 1;
  const length = Buffer.byteLength(insert);
  const out = Buffer.allocUnsafe(raw.length + length);
  raw.copy(out, 0, 0, at);
  out.write(insert, at, length, 'utf8');
  raw.copy(out, at + length, at);
  return out;
}

function serialised(original: Readonly<Record<string, unknown>>, edits: Readonly<BodyEdits>): Buffer {
  return Buffer.from(JSON.stringify({ ...original, ...edits }));
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
