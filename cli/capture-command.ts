import { type Command, InvalidArgumentError, Option } from 'commander';

interface ExportFlags {
  dir: string;
  keyFile: string;
  since?: number;
  output: 'jsonl';
}

/** `agent-governor capture export`: the sidecar's captured calls, decrypted (docs/capture.md). */
export function registerCaptureCommand(program: Command): void {
  const capture = program
    .command('capture')
    .description('Calls captured by sidecars started with --capture-key-file (docs/capture.md).');
  capture
    .command('export')
    .description('Decrypt a capture directory and print its records, one JSON object a line.')
    .requiredOption('--dir <dir>', "the sidecar's capture directory (default there: <spool dir>/capture)")
    .requiredOption('--key-file <file>', 'the capture key file the sidecar was given')
    .addOption(
      new Option(
        '--since <time>',
        'only calls started at or after this time: an ISO date-time, or a duration back from now (30m, 24h, 7d)',
      ).argParser(sinceTime),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['jsonl']).default('jsonl'))
    .action(async (flags: ExportFlags) => {
      const { readCaptureKey } = await import('../sidecar/capture/capture-cipher.js');
      const { exportCaptured } = await import('../sidecar/capture/capture-export.js');
      const key = readCaptureKey(flags.keyFile, '--key-file');
      for await (const record of exportCaptured(flags.dir, key, flags.since)) {
        if (!process.stdout.write(`${JSON.stringify(record)}\n`))
          await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    });
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO date-time, or a duration back from now; epoch ms. */
export function sinceTime(text: string, now = Date.now()): number {
  const ago = /^([0-9]+)([smhd])$/.exec(text);
  if (ago) return now - Number(ago[1]) * (UNITS[ago[2] as string] as number);
  const at = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(at)) return at;
  throw new InvalidArgumentError('must be an ISO date-time (2026-12-01T00:00:00Z) or a duration such as 24h');
}
