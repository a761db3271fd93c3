/**
 * What a route's prompt compression costs the sidecar per call: `compressedCall` (the steps, the
 * savings counted, the compressed text and its estimate) and the body serialised anew because
 * `messages` changed, against the same call with no compression. Conversations of 5 to 41 user turns,
 * each turn a question, a tool call, a 60-line tool output and an answer, then one last question;
 * the last 4 user turns kept.
 * `npm run bench:compression`. The table counts the user turns, the last question included.
 */
import { performance } from 'node:perf_hooks';
import type { EffectiveCompression } from '../apis/prompt-compression.js';
import { compressedCall } from '../sidecar/pipeline/compressed-call.js';
import { forwardedBytes } from '../sidecar/pipeline/forwarded-body.js';
import { readCallFacts } from '../sidecar/request/call-facts.js';
import { printCorpusReport } from './prompt-compression-corpus.js';

const COMPRESSION: EffectiveCompression = {
  steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
  keepTurns: 4,
  keepLines: 3,
};

function conversation(turns: number): Record<string, unknown> {
  const messages: unknown[] = [{ role: 'system', content: 'You are a support agent.   Be brief.' }];
  for (let t = 0; t < turns; t++) {
    const rows = Array.from({ length: 60 }, (_, i) => `order ${t}-${i}   status:  shipped    eta: 2 days  `);
    messages.push(
      { role: 'user', content: `Where are my orders from batch ${t}?   Thanks.` },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `c${t}`, type: 'function', function: { name: 'orders', arguments: `{"batch":${t}}` } },
        ],
      },
      { role: 'tool', tool_call_id: `c${t}`, content: rows.join('\n') },
      { role: 'assistant', content: `Batch ${t} has shipped;\n\n\n\nit arrives in two days.` },
    );
  }
  messages.push({ role: 'user', content: 'And the next batch?' });
  return { model: 'gpt-4o', messages };
}

function perCall(run: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(200, iterations); i++) run();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return ((performance.now() - start) / iterations) * 1000;
}

console.log(
  '| user turns | body KB | tokens before → after | no compression (µs) | compression (µs) | added (µs) |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const turns of [4, 10, 20, 40]) {
  const body = conversation(turns);
  const raw = Buffer.from(JSON.stringify(body));
  const reading = readCallFacts('chat.completions', body, raw, {});
  if (!reading.ok) throw new Error(reading.problem.message);
  const { facts } = reading;
  const iterations = Math.max(1000, Math.round(20_000_000 / raw.length));
  const plain = perCall(() => forwardedBytes(facts.body, facts.raw, {}), iterations);
  const compressing = perCall(() => {
    const compressed = compressedCall(facts, COMPRESSION);
    forwardedBytes(facts.body, facts.raw, compressed.messages ? { messages: compressed.messages } : {});
  }, iterations);
  const after = compressedCall(facts, COMPRESSION).facts.estimatedInputTokens;
  console.log(
    `| ${turns + 1} | ${(raw.length / 1024).toFixed(1)} | ${facts.estimatedInputTokens} → ${after} | ${plain.toFixed(1)} | ${compressing.toFixed(1)} | ${(compressing - plain).toFixed(1)} |`,
  );
}

// The same steps over the shipped corpus: per kind of agent, then both together.
printCorpusReport(['support.jsonl']);
printCorpusReport(['rag.jsonl']);
printCorpusReport(['support.jsonl', 'rag.jsonl']);
