import { z } from 'zod';

/**
 * What `agent-governor replay --summary-file F` writes when it ends, and what the EvaluationGate
 * controller reads back from the replay Job's termination message (`/dev/termination-log`, which
 * Kubernetes caps at 4096 bytes). Shared by the CLI (writer) and the operator (reader), so it lives
 * here. Compact by design: the per-case report is the `-o html|json` output, not this.
 */
export const REPLAY_SUMMARY_VERSION = 1 as const;

/** The most bytes a summary may take, under the kubelet's 4096-byte termination-message cap. */
export const REPLAY_SUMMARY_MAX_BYTES = 4000;

/** Why a replay did not pass, one line per failed criterion (`passRate 0.62 < 0.9`). */
const FailedCriterionSchema = z.string().min(1).max(200);

export const ReplaySummarySchema = z
  .object({
    v: z.literal(REPLAY_SUMMARY_VERSION),
    /** Cases replayed. */
    cases: z.number().int().min(0),
    /** Cases whose answer met every per-case check (status 2xx, similarity, tokens). */
    passed: z.number().int().min(0),
    /** passed / cases; 0 when there were no cases. */
    passRate: z.number().min(0).max(1),
    p50Ms: z.number().min(0),
    p95Ms: z.number().min(0),
    /** Mean input + output tokens per case. */
    tokensPerCase: z.number().min(0),
    /** Mean cost per case in `currency`, when the candidate reported or the corpus priced it. */
    costPerCase: z.number().min(0).optional(),
    currency: z.string().length(3).optional(),
    /** Cases that ended in a transport error or a non-2xx status. */
    errors: z.number().int().min(0),
    /** Mean similarity of the candidate's answers to the captured ones, 0 to 1, when measured. */
    similarity: z.number().min(0).max(1).optional(),
    verdict: z.enum(['Pass', 'Fail']),
    /** The criteria that failed, empty on Pass. */
    failed: z.array(FailedCriterionSchema).max(10).default([]),
  })
  .strict();

export type ReplaySummary = z.output<typeof ReplaySummarySchema>;

/**
 * The summary in a termination message, or an error that says what was wrong with it. The message
 * is the last thing the replay container wrote; a crash leaves something else there (a stack
 * trace, nothing), which is reported as such rather than read as a failed evaluation.
 */
export function parseReplaySummary(text: string): ReplaySummary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const head = text.trim().slice(0, 120);
    throw new Error(
      `replay summary: expected the JSON summary of agent-governor replay, got ${head === '' ? 'nothing' : JSON.stringify(head)}`,
    );
  }
  const result = ReplaySummarySchema.safeParse(json);
  if (result.success) return result.data;
  throw new Error(
    `replay summary: ${result.error.issues
      .map((i) => `${i.path.join('.') || '(summary)'}: ${i.message}`)
      .join('; ')}`,
  );
}

/** The summary as the replay writes it: JSON, failures cut so that it fits the byte cap. */
export function formatReplaySummary(summary: ReplaySummary): string {
  const out = { ...summary, failed: [...summary.failed] };
  let text = JSON.stringify(out);
  while (Buffer.byteLength(text) > REPLAY_SUMMARY_MAX_BYTES && out.failed.length > 0) {
    out.failed.pop();
    text = JSON.stringify(out);
  }
  return text;
}
