// Versions of an agent's effective policy. A version is a decimal integer, at least the publish
// time in milliseconds and always above every version the agent had before — including versions
// that reached sidecars but not the ConfigMap mirror before the operator stopped, because a newer
// process starts from a later clock and from the highest version sidecars report (`?after=`).
// Sidecars only compare versions for equality; the operator also orders them, so a restored (older)
// mirror never replaces what a sidecar already holds.

/** The largest version text accepted: safe integers only. */
const VERSION_TEXT = /^[0-9]{1,16}$/;

/** The number a version text stands for, or undefined when it is not one of ours. */
export function parsePolicyVersion(text: string | null | undefined): number | undefined {
  if (!text || !VERSION_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The version of the next publish: above the previous one and above any version a sidecar said it
 * holds, and at least the publish time in milliseconds.
 */
export function nextPolicyVersion(previous: number, nowMs: number, highestSeen = 0): number {
  return Math.max(previous + 1, Math.floor(nowMs), highestSeen + 1);
}

/**
 * Seconds from a version's publish to `nowMs`. A version is at least its publish time in
 * milliseconds, so this is never more than the time since the publish (less when the version was
 * raised above the clock). Undefined when the version is ahead of `nowMs` (another machine's clock).
 */
export function secondsSincePublish(versionNumber: number, nowMs: number): number | undefined {
  const ms = nowMs - versionNumber;
  return ms >= 0 ? ms / 1_000 : undefined;
}

/** Where the policy a long-poll asks about came from. */
export type PolicyOrigin = 'published' | 'restored';

/** What a long-poll for `after` gets now. */
export type PollDecision = 'answer' | 'wait' | 'not-found';

/**
 * Answer at once when the version differs from `after` (or `after` is absent); wait for a change
 * when it is the same. A policy only restored from the mirror is not sent to a sidecar that already
 * holds a newer version: the sidecar keeps it until the controllers publish again.
 */
export function pollDecision(
  current: { versionNumber: number; origin: PolicyOrigin } | undefined,
  after: string | undefined,
): PollDecision {
  if (!current) return after === undefined ? 'not-found' : 'wait';
  if (after === undefined) return 'answer';
  if (after === String(current.versionNumber)) return 'wait';
  const held = parsePolicyVersion(after);
  if (current.origin === 'restored' && held !== undefined && held > current.versionNumber) return 'wait';
  return 'answer';
}
