// A usage reporter alone in a process, so a suite can kill it with SIGKILL mid-send and start it
// again on the same spool. Arguments: <operatorUrl> <spoolDir> <batches> <inputTokensPerBatch>.
// Spools one batch per recorded request, prints "spooled <instance>" and runs until stdin closes.
import { UsageRecorder } from '../../sidecar/reporting/usage-recorder.js';
import { UsageReporter } from '../../sidecar/reporting/usage-reporter.js';
import { requestRecord } from '../../sidecar/telemetry/testdata/request-records.js';

const [operatorUrl, spoolDir, batches = '0', tokens = '100'] = process.argv.slice(2);
if (!operatorUrl || !spoolDir) {
  process.stderr.write(
    'usage: usage-reporter-process <operatorUrl> <spoolDir> [batches] [inputTokensPerBatch]\n',
  );
  process.exit(2);
}

const recorder = new UsageRecorder();
const reporter = new UsageReporter({
  operatorUrl,
  spoolDir,
  recorder,
  agent: { namespace: 'team-a', name: 'support-bot' },
  flushIntervalMs: 60_000,
  retry: { baseMs: 10, maxMs: 100 },
  onError: (error) => process.stderr.write(`${error.message}\n`),
});
await reporter.start();
for (let i = 0; i < Number(batches); i++) {
  recorder.record(
    requestRecord({
      usage: { inputTokens: Number(tokens), outputTokens: 1, cachedInputTokens: 0, estimated: false },
    }),
  );
  await reporter.flush();
}
process.stdout.write(`spooled ${reporter.instance}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void reporter.stop().then(() => process.exit(0));
});
