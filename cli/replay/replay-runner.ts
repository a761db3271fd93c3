import { usageFromBody } from '../../sidecar/accounting/body-usage.js';
import { pricedCost } from '../../sidecar/accounting/cost.js';
import { answerTextOf } from '../../sidecar/capture/capture-record.js';
import { GOVERNOR_HEADERS } from '../../sidecar/http/governor-headers.js';
import { REPLAY_PATHS, type ReplayCase } from './replay-corpus.js';
import type { CaseResult, Reply } from './replay-verdict.js';

/** How a case's reference and candidate answers are compared (see `answer-similarity.ts`). */
export type Compare = (reference: string, candidate: string) => Promise<{ score?: number; note?: string }>;

export interface ReplayTargets {
  /** Base URL of the candidate: a sidecar or gateway (`http://127.0.0.1:4000`, a trailing `/v1` allowed). */
  candidate: string;
  baseline?: string;
  /** Cases in flight at once. */
  concurrency: number;
  /** The longest one call may take. */
  timeoutMs: number;
  compare: Compare;
}

/**
 * Sends every case to the candidate (and the baseline, at the same time) with at most
 * `concurrency` cases in flight, and compares each answer with the baseline's or, without a
 * baseline, with the corpus's. Results keep the corpus order.
 */
export async function replayCases(
  cases: readonly ReplayCase[],
  targets: ReplayTargets,
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await replayCase(cases[i] as ReplayCase, targets);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(targets.concurrency, cases.length)) }, worker));
  return results;
}

async function replayCase(c: ReplayCase, targets: ReplayTargets): Promise<CaseResult> {
  const [candidate, baseline] = await Promise.all([
    sendCase(targets.candidate, c, targets.timeoutMs),
    targets.baseline === undefined ? undefined : sendCase(targets.baseline, c, targets.timeoutMs),
  ]);
  const result: CaseResult = { id: c.id, api: c.api, candidate };
  if (baseline) result.baseline = baseline;
  const reference = baseline ? baseline.text : c.answer;
  if (reference === undefined) return result;
  result.reference = baseline ? 'baseline' : 'corpus';
  if (candidate.text === undefined) {
    result.similarityNote = 'the candidate gave no answer text';
    return result;
  }
  const compared = await targets.compare(reference, candidate.text);
  if (compared.score !== undefined) result.similarity = compared.score;
  if (compared.note !== undefined) result.similarityNote = compared.note;
  return result;
}

/** POSTs a case's body to `base` on its API's path and reads what came back; never throws. */
export async function sendCase(base: string, c: ReplayCase, timeoutMs: number): Promise<Reply> {
  const url = `${base.replace(/\/+$/, '').replace(/\/v1$/, '')}${REPLAY_PATHS[c.api]}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (c.api === 'messages') headers['anthropic-version'] = '2023-06-01';
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(c.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    // fetch says only "fetch failed"; the cause says what (ECONNREFUSED, a bad port, a reset).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.message
      ? `${cause.code ? `${cause.code} ` : ''}${cause.message}`
      : (err as Error).message;
    return {
      status: 0,
      error: why.slice(0, 200),
      latencyMs: performance.now() - started,
      inputTokens: 0,
      outputTokens: 0,
    };
  }
  const reply: Reply = {
    status: response.status,
    latencyMs: performance.now() - started,
    inputTokens: 0,
    outputTokens: 0,
  };
  const cache = response.headers.get(GOVERNOR_HEADERS.cache);
  if (cache !== null) reply.cache = cache;
  const traceId = response.headers.get(GOVERNOR_HEADERS.traceId);
  if (traceId !== null) reply.traceId = traceId;
  if (!response.ok) {
    reply.error = text.slice(0, 200);
    return reply;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    reply.status = 0;
    reply.error = `the answer is not JSON: ${text.slice(0, 120)}`;
    return reply;
  }
  const usage = usageFromBody(c.api, json);
  if (usage) {
    reply.inputTokens = usage.inputTokens;
    reply.outputTokens = usage.outputTokens;
  }
  const model = (json as { model?: unknown }).model;
  if (typeof model === 'string') {
    reply.model = model;
    const cost = usage ? pricedCost(model, usage) : undefined;
    if (cost?.priced) {
      reply.costMicros = cost.costMicros;
      reply.currency = cost.currency;
    }
  }
  // The same reading of the answer as capture's, so a captured answer and a replayed one compare.
  const answer = answerTextOf(json);
  if (answer !== undefined) reply.text = answer;
  return reply;
}
