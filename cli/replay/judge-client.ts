import { type ModelEndpoint, postToModel } from './model-endpoint.js';

/** The judge's instructions; the mock LLM recognises them to grade deterministically in tests. */
export const JUDGE_INSTRUCTIONS =
  'You grade how well a candidate answer matches a reference answer in meaning. ' +
  'Reply with only a number from 0 (unrelated or contradicting) to 1 (the same meaning).';

/** The chat completions body that asks the judge to grade one pair. Pure. */
export function judgeRequest(model: string, reference: string, candidate: string): Record<string, unknown> {
  return {
    model,
    temperature: 0,
    max_tokens: 10,
    messages: [
      { role: 'system', content: JUDGE_INSTRUCTIONS },
      {
        role: 'user',
        content: `Reference answer:\n<<<\n${reference}\n>>>\nCandidate answer:\n<<<\n${candidate}\n>>>`,
      },
    ],
  };
}

/** The grade in a judge's answer: its first number, when it is from 0 to 1. Pure. */
export function judgeScore(answer: string): number | undefined {
  const found = /-?\d+(?:\.\d+)?/.exec(answer);
  if (!found) return undefined;
  const value = Number(found[0]);
  return value >= 0 && value <= 1 ? value : undefined;
}

/** The judge model's grade of a candidate answer against the reference; a failure is a note saying why. */
export async function judgeSimilarity(
  endpoint: ModelEndpoint,
  reference: string,
  candidate: string,
): Promise<{ score?: number; note?: string }> {
  const body = judgeRequest(endpoint.model, reference, candidate);
  const answer = await postToModel(endpoint, '/chat/completions', body, 'judge');
  if ('note' in answer) return answer;
  const content = (answer.json as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
    ?.content;
  const score = typeof content === 'string' ? judgeScore(content) : undefined;
  if (score === undefined)
    return {
      note: `judge: no grade from 0 to 1 in its answer ${JSON.stringify(String(content).slice(0, 80))}`,
    };
  return { score };
}
