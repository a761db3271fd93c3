/**
 * The bytes to forward for `forwarded`, the body the policy made of the agent's `original` (parsed
 * from `raw`). When the policy only added fields — the token clamp, the usage option — they are
 * spliced into the agent's own bytes after the opening brace, so a long prompt is not serialised
 * again on every call. Undefined when a field of the original changed or went away (a degraded
 * model, a lowered limit): the body is then serialised anew.
 */
export function forwardedBytes(
  original: Readonly<Record<string, unknown>>,
  raw: Buffer,
  forwarded: Readonly<Record<string, unknown>>,
): Buffer | undefined {
  if (forwarded === original) return raw;
  let added = '';
  let kept = 0;
  for (const key in forwarded) {
    const value = forwarded[key];
    if (Object.hasOwn(original, key)) {
      if (original[key] !== value) return undefined;
      kept++;
    } else if (value !== undefined) {
      added += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
    }
  }
  let fields = 0;
  for (const _key in original) fields++;
  if (kept !== fields) return undefined;
  if (added === '') return raw;
  let brace = 0;
  while (brace < raw.length && isJsonSpace(raw[brace]!)) brace++;
  if (raw[brace] !== 0x7b) return undefined;
  let next = brace + 1;
  while (next < raw.length && isJsonSpace(raw[next]!)) next++;
  // `{}`: the last added field takes no comma.
  const insert = raw[next] === 0x7d ? added.slice(0, -1) : added;
  return Buffer.concat([raw.subarray(0, brace + 1), Buffer.from(insert), raw.subarray(brace + 1)]);
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
