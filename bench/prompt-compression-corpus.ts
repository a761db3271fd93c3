/**
 * The compression steps over the shipped corpus (bench/corpus/*.jsonl): every call an agent makes in
 * each conversation — one per assistant message, sending everything before it — compressed as the
 * sidecar does (`compressedCall`), step by step and all together. Input tokens are the sidecar's
 * estimate (`estimateInputTokens`, the number budgets reserve and the headers report). Summaries are
 * written as the sidecar writes them, in the background: a summary a call asks for is there from the
 * next call on; the summariser's own input and output tokens are subtracted from what is saved, and
 * its answer is taken to be as long as `maxSummaryTokens` allows (the worst case the limit admits).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CompressionStep, EffectiveCompression } from '../apis/prompt-compression.js';
import { fastTokenCount } from '../sidecar/accounting/fast-token-count.js';
import { estimateInputTokens } from '../sidecar/accounting/input-estimate.js';
import { requestText } from '../sidecar/accounting/request-text.js';
import type { Message } from '../sidecar/compression/conversation.js';
import { SummaryCache } from '../sidecar/compression/summary-cache.js';
import { SummaryKeys } from '../sidecar/compression/summary-key.js';
import { summaryRequestBody, summaryTranscript } from '../sidecar/compression/summary-request.js';
import { compressedCall } from '../sidecar/pipeline/compressed-call.js';
import { forwardedBytes } from '../sidecar/pipeline/forwarded-body.js';
import { type CallFacts, readCallFacts } from '../sidecar/request/call-facts.js';
import { REPO_ROOT } from '../testing/repo-files.js';

export const CORPUS_SETTINGS = {
  keepTurns: 4,
  keepLines: 3,
  summarize: { model: 'gpt-4o-mini', maxHistoryTokens: 8000, maxSummaryTokens: 1000 },
};

const LOSSLESS: CompressionStep[] = ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'];

export const VARIANTS: { name: string; steps: CompressionStep[] }[] = [
  { name: 'CollapseWhitespace', steps: ['CollapseWhitespace'] },
  { name: 'DropDuplicates', steps: ['DropDuplicates'] },
  { name: 'AbridgeStaleToolOutputs', steps: ['AbridgeStaleToolOutputs'] },
  { name: 'the three lossless steps', steps: LOSSLESS },
  { name: 'Summarize', steps: ['Summarize'] },
  { name: 'all four', steps: [...LOSSLESS, 'Summarize'] },
];

interface Conversation {
  id: string;
  kind: string;
  model: string;
  messages: Message[];
}

export function readCorpus(file: string): Conversation[] {
  return readFileSync(join(REPO_ROOT, 'bench', 'corpus', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Conversation);
}

/** The calls of one conversation: one per assistant message, with every message before it. */
function callsOf(conversation: Conversation): CallFacts[] {
  const calls: CallFacts[] = [];
  conversation.messages.forEach((message, i) => {
    if (message['role'] !== 'assistant') return;
    const body = { model: conversation.model, messages: conversation.messages.slice(0, i) };
    const reading = readCallFacts('chat.completions', body, Buffer.from(JSON.stringify(body)), {});
    if (!reading.ok)
      throw new Error(`${conversation.id}, call ${calls.length + 1}: ${reading.problem.message}`);
    calls.push(reading.facts);
  });
  return calls;
}

/** A stand-in summary as long as `maxTokens` allows: the start of what the summariser was given. */
function fullLengthSummary(transcript: string, maxTokens: number): string {
  const words = transcript.split(/\s+/);
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fastTokenCount(words.slice(0, mid).join(' ')) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  return words.slice(0, lo).join(' ');
}

export interface VariantResult {
  name: string;
  calls: number;
  before: number;
  after: number;
  summariserInput: number;
  summariserOutput: number;
  summaries: number;
  perStep: Map<string, number>;
  /** Time compression adds to a call, µs: the steps and the body serialised anew, less the plain body. */
  addedMicros: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function timed(run: () => void, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) run();
  return ((performance.now() - start) / reps) * 1000;
}

export function runVariant(
  conversations: Conversation[],
  variant: { name: string; steps: CompressionStep[] },
  timing = true,
): VariantResult {
  const compression: EffectiveCompression = {
    steps: variant.steps,
    keepTurns: CORPUS_SETTINGS.keepTurns,
    keepLines: CORPUS_SETTINGS.keepLines,
    ...(variant.steps.includes('Summarize') ? { summarize: CORPUS_SETTINGS.summarize } : {}),
  };
  const summaries = { cache: new SummaryCache(), keys: new SummaryKeys() };
  const result: VariantResult = {
    name: variant.name,
    calls: 0,
    before: 0,
    after: 0,
    summariserInput: 0,
    summariserOutput: 0,
    summaries: 0,
    perStep: new Map(),
    addedMicros: [],
  };
  for (const conversation of conversations) {
    let written: { key: string; text: string; cut: number }[] = [];
    for (const facts of callsOf(conversation)) {
      // What was written while the previous call was out is there now.
      for (const w of written) summaries.cache.set(w.key, { text: w.text, cut: w.cut });
      written = [];
      const compressed = compressedCall(facts, compression, summaries);
      result.calls++;
      result.before += facts.estimatedInputTokens;
      result.after += compressed.facts.estimatedInputTokens;
      for (const { step, tokensSaved } of compressed.savings)
        result.perStep.set(step, (result.perStep.get(step) ?? 0) + tokensSaved);
      const write = compressed.summary?.write;
      if (
        write &&
        !written.some((w) => w.key === write.key) &&
        summaries.cache.get(write.key) === undefined
      ) {
        const messages = facts.body['messages'] as Message[];
        const { maxSummaryTokens, model } = CORPUS_SETTINGS.summarize;
        const transcript = summaryTranscript(
          'chat.completions',
          messages,
          write.from,
          write.cut,
          write.previous,
        );
        const request = summaryRequestBody(
          'chat.completions',
          model,
          { max_tokens: maxSummaryTokens },
          transcript,
        );
        const text = fullLengthSummary(transcript, maxSummaryTokens);
        result.summariserInput += estimateInputTokens(
          'chat.completions',
          requestText('chat.completions', request),
        );
        result.summariserOutput += fastTokenCount(text);
        result.summaries++;
        written.push({ key: write.key, text, cut: write.cut });
      }
      if (timing) {
        const reps = 3;
        const plain = timed(() => forwardedBytes(facts.body, facts.raw, {}), reps);
        const compressing = timed(() => {
          const again = compressedCall(facts, compression, summaries);
          forwardedBytes(facts.body, facts.raw, again.messages ? { messages: again.messages } : {});
        }, reps);
        result.addedMicros.push(compressing - plain);
      }
    }
  }
  result.addedMicros.sort((a, b) => a - b);
  return result;
}

const pct = (part: number, whole: number) => (whole === 0 ? '0.0' : ((part / whole) * 100).toFixed(1));

/** Prints one table for the corpus files: tokens saved per variant (net of the summariser) and the time added per call. */
export function printCorpusReport(files: string[]): void {
  const conversations = files.flatMap(readCorpus);
  // Warm the code paths before timing.
  runVariant(conversations.slice(0, 2), VARIANTS[VARIANTS.length - 1] as (typeof VARIANTS)[number], false);
  const { keepTurns, keepLines, summarize } = CORPUS_SETTINGS;
  console.log(
    `\nCorpus ${files.join(' + ')}: ${conversations.length} conversations; keepTurns ${keepTurns}, keepLines ${keepLines}; ` +
      `Summarize with ${summarize.model}, maxHistoryTokens ${summarize.maxHistoryTokens}, maxSummaryTokens ${summarize.maxSummaryTokens} (summaries counted at full length).\n`,
  );
  console.log(
    '| steps | calls | input tokens before → after | saved | summariser tokens (in + out) | saved, net | added per call, median / p95 (µs) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const variant of VARIANTS) {
    const r = runVariant(conversations, variant);
    const saved = r.before - r.after;
    const summariser = r.summariserInput + r.summariserOutput;
    const steps = [...r.perStep.entries()]
      .filter(([, n]) => n > 0)
      .map(([step, n]) => `${step} ${pct(n, r.before)} %`)
      .join(', ');
    console.log(
      `| ${variant.name}${variant.steps.length > 1 ? ` (${steps})` : ''} | ${r.calls} | ${r.before} → ${r.after} | ${pct(saved, r.before)} % | ` +
        `${summariser === 0 ? '—' : `${r.summariserInput} + ${r.summariserOutput} (${r.summaries} summaries)`} | ${pct(saved - summariser, r.before)} % | ` +
        `${percentile(r.addedMicros, 0.5).toFixed(0)} / ${percentile(r.addedMicros, 0.95).toFixed(0)} |`,
    );
  }
}
