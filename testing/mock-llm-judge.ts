// The mock provider as a judge: a chat call whose system prompt is replay's judge instructions is
// answered with a grade computed from the two answers it was given — the share of words they have in
// common (Jaccard) — so a test of `replay --similarity judge` measures, not reads a fixed score.
import { JUDGE_INSTRUCTIONS } from '../cli/replay/judge-client.js';

const PAIR = /^Reference answer:\n<<<\n([\s\S]*)\n>>>\nCandidate answer:\n<<<\n([\s\S]*)\n>>>$/;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** The grade the mock answers a judge call with, two decimals, else undefined (not a judge call). */
export function mockJudgementOf(api: string, body: Record<string, unknown>): string | undefined {
  if (api !== 'chat.completions') return undefined;
  const messages = Array.isArray(body['messages'])
    ? (body['messages'] as { role?: unknown; content?: unknown }[])
    : [];
  if (messages[0]?.role !== 'system' || messages[0]?.content !== JUDGE_INSTRUCTIONS) return undefined;
  const pair = PAIR.exec(typeof messages[1]?.content === 'string' ? messages[1].content : '');
  if (!pair) return 'no answers to grade';
  const a = words(pair[1] as string);
  const b = words(pair[2] as string);
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  const union = a.size + b.size - common;
  return (union === 0 ? 1 : common / union).toFixed(2);
}
