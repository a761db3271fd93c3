import { type Command, Option } from 'commander';

interface TraceFlags {
  dir: string[];
  keyFile: string;
  output: 'text' | 'json';
}

/**
 * `agent-governor trace TRACE_ID`: the chain of calls of one trace, read from sidecars' capture
 * directories (docs/traces.md).
 */
export function registerTraceCommand(program: Command): void {
  program
    .command('trace')
    .description(
      'Print the chain of calls of one trace from capture directories: each call with its time, model, latency, tokens and decisions (docs/traces.md).',
    )
    .argument(
      '<trace-id>',
      'the trace id: the 32-hex W3C trace id, or the x-governor-trace-id the agent sent',
    )
    .requiredOption(
      '--dir <dir...>',
      "the sidecars' capture directories (default there: <spool dir>/capture)",
    )
    .requiredOption('--key-file <file>', 'the capture key file the sidecars were given')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (traceId: string, flags: TraceFlags) => {
      const { readCaptureKey } = await import('../sidecar/capture/capture-cipher.js');
      const { exportCaptured } = await import('../sidecar/capture/capture-export.js');
      const { inTrace, renderTraceChain, traceChain } = await import('./trace/trace-chain.js');
      const key = readCaptureKey(flags.keyFile, '--key-file');
      const records: Record<string, unknown>[] = [];
      for (const dir of flags.dir)
        for await (const record of exportCaptured(dir, key))
          if (inTrace(record, traceId)) records.push(record);
      if (records.length === 0)
        throw new Error(
          `trace ${traceId}: no captured call in ${flags.dir.join(', ')} (capture keeps the sampled share of calls, --capture-sample-rate, for --capture-retention-hours)`,
        );
      const chain = traceChain(traceId, records);
      process.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(chain, null, 2)}\n` : renderTraceChain(chain),
      );
    });
}
