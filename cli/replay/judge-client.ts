/** The judge's instructions; the mock LLM recognises them to grade deterministically in tests. */
export const JUDGE_INSTRUCTIONS =
  'You grade how well a candidate answer matches a reference answer in meaning. ' +
  'Reply with only a number from 0 (unrelated or contradicting) to 1 (the same meaning).';

export interface JudgeEndpoint {
  /** An OpenAI-compatible base URL (`http://host/v1`, a sidecar's too) or the full `…/chat/completions` URL. */
  url: string;
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  timeoutMs: number;
}

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
  endpoint: JudgeEndpoint,
  reference: string,
  candidate: string,
): Promise<{ score?: number; note?: string }> {
  const url = /\/chat\/completions$/.test(endpoint.url)
    ? endpoint.url
    : `${endpoint.url.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKey) headers['authorization'] = `Bearer ${endpoint.apiKey}`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(judgeRequest(endpoint.model, reference, candidate)),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) return { note: `judge: HTTP ${response.status} ${text.slice(0, 120)}` };
    const content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]
      ?.message?.content;
    const score = typeof content === 'string' ? judgeScore(content) : undefined;
    if (score === undefined)
      return {
        note: `judge: no grade from 0 to 1 in its answer ${JSON.stringify(String(content).slice(0, 80))}`,
      };
    return { score };
  } catch (err) {
    return { note: `judge: ${(err as Error).message}` };
  }
}
