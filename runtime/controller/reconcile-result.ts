// What a reconcile says happens next, as a value (kube-rs `Action`, controller-runtime `Result`):
//   done                 nothing until the next change
//   requeueAfter(ms)     look again after a while (periodic work, waiting for something)
//   retry(error)         failed: retry with per-key exponential backoff
//   terminal(error)      failed in a way retrying cannot fix: log, count, do not retry
// A reconciler that throws is treated as retry(error), unless it threw a TerminalError.

/** An error retrying cannot fix (invalid configuration, a missing referenced object the user must create). */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

export type ReconcileResult =
  | { requeueAfter?: number; error?: undefined }
  | { error: Error; requeueAfter?: undefined };

export const done: ReconcileResult = {};

export function requeueAfter(ms: number): ReconcileResult {
  return { requeueAfter: ms };
}

export function retry(error: Error): ReconcileResult {
  return { error };
}

export function terminal(error: Error | string): ReconcileResult {
  if (error instanceof TerminalError) return { error };
  if (typeof error === 'string') return { error: new TerminalError(error) };
  return { error: new TerminalError(error.message, { cause: error }) };
}

export type ReconcileDecision =
  | { outcome: 'success' }
  | { outcome: 'requeue'; delayMs: number }
  | { outcome: 'error'; error: Error }
  | { outcome: 'terminal'; error: Error };

/** What the runtime does with the way one reconcile ended (returned a result, or threw). */
export function decide(
  ended: { result: ReconcileResult | undefined } | { thrown: unknown },
): ReconcileDecision {
  if ('thrown' in ended) {
    const error = ended.thrown instanceof Error ? ended.thrown : new Error(String(ended.thrown));
    return error instanceof TerminalError ? { outcome: 'terminal', error } : { outcome: 'error', error };
  }
  const result = ended.result;
  if (result?.error) {
    return result.error instanceof TerminalError
      ? { outcome: 'terminal', error: result.error }
      : { outcome: 'error', error: result.error };
  }
  const delay = result?.requeueAfter;
  if (delay === undefined) return { outcome: 'success' };
  if (!Number.isFinite(delay) || delay < 0) {
    return {
      outcome: 'error',
      error: new Error(`the reconciler asked to requeue after ${delay} ms; give a duration of 0 ms or more`),
    };
  }
  return { outcome: 'requeue', delayMs: delay };
}
