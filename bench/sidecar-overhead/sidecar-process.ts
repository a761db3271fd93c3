// The sidecar under test, in a process of its own (its RSS is the sidecar's alone), started the
// way the CLI starts it: from a SidecarConfig file. Argument: the upstream's OpenAI base URL. The
// policy is a realistic one — a budget, a reasoning budget, a residency rule — without a cache,
// which would answer without the upstream and flatter the sidecar. One log line per request goes
// to stdout as in production (the parent discards it). Sends { url } over IPC when ready.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSidecar } from '../../sidecar/main.js';

const upstream = process.argv[2];
if (!upstream) {
  process.stderr.write('usage: sidecar-process <upstream OpenAI base URL>\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'bench-sidecar-'));
const config = join(dir, 'sidecar.yaml');
writeFileSync(
  config,
  `apiVersion: config.governor.agents.dev/v1alpha1
kind: SidecarConfig
agent: { name: bench-agent, namespace: bench }
routes:
  - name: default
    model: "*"
    targets:
      - name: mock
        provider: OpenAI
        endpoint: ${upstream}
        apiKey: sk-bench-not-a-real-key
budgets:
  - name: daily
    limits: { tokens: 100000000000 }
    thresholds:
      - percent: 80
        actions: [Alert]
reasoning:
  maxTokensPerRequest: 4096
  maxCallsPerTrace: 50
residency:
  - name: us-and-eu
    mode: Enforce
    allowedJurisdictions: [US, EU]
`,
);
const sidecar = await startSidecar({ config, port: 0, spoolDir: join(dir, 'spool'), shutdownGraceMs: 1_000 });
process.send?.({ url: sidecar.url });
process.on('disconnect', () => {
  void sidecar.close().then(() => process.exit(0));
});
