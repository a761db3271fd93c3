import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from '../http/error-body.js';
import { describeBodyProblem, parseJsonObject, readRequestBody } from '../http/request-body.js';
import { FEEDBACK_PATH, send } from '../http/sidecar-server.js';
import { readFeedback } from './feedback-body.js';
import type { FeedbackLoop } from './feedback-loop.js';

/** The HTTP side of `POST /v1/feedback`: read the body, validate it, count it, answer. */
export async function answerFeedback(
  req: IncomingMessage,
  res: ServerResponse,
  loop: FeedbackLoop,
  maxBodyBytes: number,
): Promise<void> {
  if (req.method !== 'POST') {
    req.resume();
    res.setHeader('allow', 'POST');
    return send(
      res,
      errorBody(
        undefined,
        405,
        'method_not_allowed',
        `${FEEDBACK_PATH} accepts POST only, got ${req.method}`,
      ),
    );
  }
  const raw = await readRequestBody(req, maxBodyBytes);
  if (!Buffer.isBuffer(raw)) {
    const p = describeBodyProblem(raw);
    res.shouldKeepAlive = false;
    return send(res, errorBody(undefined, p.status, p.code, p.message));
  }
  const parsed = parseJsonObject(raw, req.headers['content-type']);
  if (!parsed.ok) {
    const p = describeBodyProblem(parsed.problem);
    return send(res, errorBody(undefined, p.status, p.code, p.message));
  }
  const read = readFeedback(parsed.body);
  if (!read.ok) {
    const { status, code, message, param } = read.problem;
    return send(res, errorBody(undefined, status, code, message, param));
  }
  const verdict = loop.give(read.feedback);
  if (!verdict.ok)
    return send(res, errorBody(undefined, verdict.status, verdict.code, verdict.message, verdict.param));
  const { call } = verdict;
  send(res, {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      object: 'feedback',
      traceId: call.traceId,
      score: read.feedback.score,
      route: call.route ?? null,
      model: call.model,
      promptTemplate: call.promptTemplate ?? null,
      variant: call.variant ?? null,
    }),
  });
}
