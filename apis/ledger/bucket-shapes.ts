import type { CallShape } from '../usage-batch.js';
import { TOKEN_SLOTS } from '../usage-batch.js';
import type { BucketShape } from '../usage-ledger.js';

/**
 * The answer shapes a ledger bucket adds up for drift (docs/adr/0056-drift-against-a-baseline.md):
 * token histograms slot by slot, finish reasons by reason, refusals, tool calls and re-asks.
 */
export function emptyShape(): BucketShape {
  return {
    promptTokens: new Array<number>(TOKEN_SLOTS).fill(0),
    completionTokens: new Array<number>(TOKEN_SLOTS).fill(0),
    finishReasons: {},
    refusals: 0,
    toolCalls: 0,
    reAsks: 0,
  };
}

/** `into` with `add` added (mutates and returns `into`). */
export function addShape(into: BucketShape, add: BucketShape | CallShape): BucketShape {
  for (let i = 0; i < TOKEN_SLOTS; i++) {
    into.promptTokens[i] = (into.promptTokens[i] ?? 0) + (add.promptTokens[i] ?? 0);
    into.completionTokens[i] = (into.completionTokens[i] ?? 0) + (add.completionTokens[i] ?? 0);
  }
  for (const [reason, n] of Object.entries(add.finishReasons) as [
    keyof BucketShape['finishReasons'],
    number | undefined,
  ][]) {
    if (n) into.finishReasons[reason] = (into.finishReasons[reason] ?? 0) + n;
  }
  into.refusals += add.refusals;
  into.toolCalls += add.toolCalls;
  into.reAsks += add.reAsks;
  return into;
}
