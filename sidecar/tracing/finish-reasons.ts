/**
 * Why the model stopped, from a JSON answer: each chat or completion choice's `finish_reason`, a
 * Messages answer's `stop_reason`, a Responses answer's `status` (with its `incomplete_details`
 * reason when incomplete). Empty when the answer says nothing. Pure.
 */
export function finishReasonsOf(answer: unknown): string[] {
  if (!answer || typeof answer !== 'object') return [];
  const a = answer as Record<string, unknown>;
  const reasons: string[] = [];
  if (Array.isArray(a['choices'])) {
    for (const choice of a['choices'] as unknown[]) {
      const reason = (choice as Record<string, unknown> | null)?.['finish_reason'];
      if (typeof reason === 'string') reasons.push(reason);
    }
  }
  if (typeof a['stop_reason'] === 'string') reasons.push(a['stop_reason']);
  if (a['object'] === 'response' && typeof a['status'] === 'string') {
    const details = a['incomplete_details'] as Record<string, unknown> | null | undefined;
    reasons.push(typeof details?.['reason'] === 'string' ? (details['reason'] as string) : a['status']);
  }
  return reasons;
}
