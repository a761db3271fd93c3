/** What an agent says about one call: `POST /v1/feedback` (docs/feedback.md). */
export interface Feedback {
  traceId: string;
  /** From -1 (bad) through 0 (neutral) to 1 (good). */
  score: number;
  /** Free text; validated and never logged nor kept. */
  comment?: string;
}

export const MIN_SCORE = -1;
export const MAX_SCORE = 1;
export const MAX_COMMENT_CHARS = 2000;
export const MAX_TRACE_ID_CHARS = 256;
const FIELDS = ['traceId', 'score', 'comment'];

export interface FeedbackProblem {
  status: 400;
  code: 'invalid_feedback';
  param: string | null;
  message: string;
}

export type FeedbackReading = { ok: true; feedback: Feedback } | { ok: false; problem: FeedbackProblem };

const problem = (param: string | null, message: string): FeedbackReading => ({
  ok: false,
  problem: { status: 400, code: 'invalid_feedback', param, message },
});

/** A short rendering of a refused value for the message (a comment is never echoed whole). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Reads a feedback body; anything but the documented shape is refused naming the field and what it accepts. */
export function readFeedback(body: Record<string, unknown>): FeedbackReading {
  for (const field of Object.keys(body)) {
    if (!FIELDS.includes(field))
      return problem(
        field,
        `feedback field "${field}" is unknown; the fields are traceId, score and comment`,
      );
  }
  const { traceId, score, comment } = body;
  if (typeof traceId !== 'string' || traceId === '' || traceId.length > MAX_TRACE_ID_CHARS)
    return problem(
      'traceId',
      `feedback field "traceId" must be the x-governor-trace-id of a call (a non-empty string of at most ${MAX_TRACE_ID_CHARS} characters), got ${shown(traceId)}`,
    );
  if (typeof score !== 'number' || !Number.isFinite(score) || score < MIN_SCORE || score > MAX_SCORE)
    return problem(
      'score',
      `feedback field "score" must be a number from ${MIN_SCORE} (bad) to ${MAX_SCORE} (good), got ${shown(score)}`,
    );
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT_CHARS))
    return problem(
      'comment',
      `feedback field "comment" must be a string of at most ${MAX_COMMENT_CHARS} characters, got ${
        typeof comment === 'string' ? `${comment.length} characters` : shown(comment)
      }`,
    );
  return { ok: true, feedback: { traceId, score, ...(comment !== undefined ? { comment } : {}) } };
}

/** The `score_bucket` label: negative, neutral or positive (three values whatever the scores). */
export function scoreBucket(score: number): 'negative' | 'neutral' | 'positive' {
  return score < 0 ? 'negative' : score > 0 ? 'positive' : 'neutral';
}
