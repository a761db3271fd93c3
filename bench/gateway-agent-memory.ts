// What an agent costs the gateway in memory: RSS and heap of one process with the pipelines of 1,
// 10 and 100 agents (gateway/agent-pipelines.ts, the real pipelines), each warm — it has served one
// call through the sidecar's own handleGovernedRequest to a local mock LLM. Authentication is left
// out (a TokenReview cache entry is a few hundred bytes); the policy of each agent is given in
// memory instead of by the operator's long-poll. Run: `npm run build && node --expose-gc
// dist/bench/gateway-agent-memory.js`. The table goes to docs/gateway.md ("Memory").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { AgentPipelines } from '../gateway/agent-pipelines.js';
import { startAgentPipeline } from '../sidecar/agent-pipeline.js';
import { startSidecarServer } from '../sidecar/http/sidecar-server.js';
import { handleGovernedRequest } from '../sidecar/pipeline/handle-governed-request.js';
import { policyFor } from '../sidecar-services/testdata/policies.js';
import { startMockLlm } from '../testing/mock-llm.js';

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function settle() {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage();
}

const mock = await startMockLlm();
const dir = mkdtempSync(join(tmpdir(), 'gateway-memory-'));
const staticSource = (policy: EffectivePolicy) => ({
  current: () => policy,
  onChange: () => () => undefined,
  start: async () => undefined,
  stop: async () => undefined,
});
const pipelines = new AgentPipelines({
  operatorUrl: 'http://operator.invalid',
  spoolRoot: dir,
  logger: pino({ level: 'silent' }),
  start: ({ operatorUrl: _unused, tokenFile: _token, ...options }) =>
    startAgentPipeline({
      ...options,
      policySource: staticSource(
        policyFor(options.agent?.namespace ?? '', options.agent?.name ?? '', { baseUrl: mock.baseUrl }),
      ),
    }),
});
const server = await startSidecarServer({
  host: '127.0.0.1',
  port: 0,
  maxBodyBytes: 1 << 20,
  async governed(call) {
    const name = String(call.req.headers['x-governor-agent']);
    const lease = await pipelines.acquire({ namespace: 'bench', name }, 'token');
    if (!lease.ok) throw new Error(lease.error.message);
    try {
      await handleGovernedRequest(call, lease.pipeline.services);
    } finally {
      lease.release();
    }
  },
  ready: () => true,
  metrics: async () => ({ contentType: 'text/plain', body: '' }),
  models: () => [],
  onError: (err) => console.error(err),
});

const base = await settle();
console.log(`| agents | RSS MiB | heap used MiB | RSS per agent MiB | heap per agent MiB |`);
console.log(`| ---: | ---: | ---: | ---: | ---: |`);
console.log(`| 0 | ${mb(base.rss)} | ${mb(base.heapUsed)} | | |`);
let started = 0;
for (const agents of [1, 10, 100]) {
  for (; started < agents; started++) {
    const answer = await request(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-governor-agent': `agent-${started}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    if (answer.statusCode !== 200)
      throw new Error(`agent-${started}: ${answer.statusCode} ${await answer.body.text()}`);
    await answer.body.text();
  }
  const now = await settle();
  console.log(
    `| ${agents} | ${mb(now.rss)} | ${mb(now.heapUsed)} | ${mb((now.rss - base.rss) / agents)} | ${mb((now.heapUsed - base.heapUsed) / agents)} |`,
  );
}
await server.close(0);
await pipelines.close(1_000);
await mock.close();
rmSync(dir, { recursive: true, force: true });
