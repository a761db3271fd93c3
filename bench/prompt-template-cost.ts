/**
 * What rendering a prompt template costs the sidecar per call: `templatedCall` (the headers read,
 * the variables checked, the placeholders filled, the messages placed, the body serialised anew and
 * the template's part of the input estimate counted) against the same call naming no template, on
 * conversations of 1 to 40 agent messages of about 500 bytes each, with the three-message template of
 * docs/prompt-templates.md. `node dist/bench/prompt-template-cost.js`.
 */
import { performance } from 'node:perf_hooks';
import type { EffectivePromptTemplate } from '../apis/prompt-template.js';
import { templatedCall } from '../sidecar/pipeline/templated-call.js';
import { readCallFacts } from '../sidecar/request/call-facts.js';

const TEMPLATE: EffectivePromptTemplate = {
  name: 'support-reply',
  version: '3',
  messages: [
    {
      role: 'system',
      content:
        'You are the support assistant of Example Corp. You answer {{customer}} about {{ product }}.\n' +
        'Answer in {{language}}, in at most five sentences. Never promise refunds.',
    },
    { role: 'user', content: 'My {{ product }} does not turn on.' },
    {
      role: 'assistant',
      content:
        'Sorry to hear that, {{customer}}. Hold the power button for ten seconds, then plug it in again.',
    },
  ],
  variables: [
    { name: 'customer', required: true, maxLength: 100 },
    { name: 'product', required: true, maxLength: 100 },
    { name: 'language', required: false, default: 'English', maxLength: 40 },
  ],
};
const ASKED = {
  'x-governor-prompt-template': 'support-reply@3',
  'x-governor-prompt-variables': '{"customer":"Ada","product":"Router X2"}',
};

function perCall(run: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(500, iterations); i++) run();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return ((performance.now() - start) / iterations) * 1000;
}

console.log('| agent messages | body KB | no template (µs) | template (µs) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const count of [1, 10, 40]) {
  const messages = Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `${'The router blinks twice and then stops. '.repeat(12)}(${i})`,
  }));
  const body = { model: 'gpt-4o', messages };
  const raw = Buffer.from(JSON.stringify(body));
  const reading = readCallFacts('chat.completions', body, raw, {});
  if (!reading.ok) throw new Error(reading.problem.message);
  const { facts } = reading;
  const iterations = Math.max(2000, Math.round(20_000_000 / raw.length));
  const none = perCall(() => templatedCall(facts, {}, [TEMPLATE]), iterations);
  const rendered = perCall(() => templatedCall(facts, ASKED, [TEMPLATE]), iterations);
  console.log(
    `| ${count} | ${(raw.length / 1024).toFixed(1)} | ${none.toFixed(2)} | ${rendered.toFixed(1)} |`,
  );
}
