import { Command, CommanderError } from 'commander';
import { registerSidecarCommand } from './sidecar-command.js';

/**
 * `agent-governor sidecar`, on an entry point of its own (bin/agent-governor.mjs picks it): the
 * process beside every agent loads the sidecar and commander, and nothing of the operator or the
 * cluster tooling that the full command tree (cli/main.ts) imports. Help and errors read the same.
 */
export async function run(argv: string[]): Promise<number> {
  const program = new Command('agent-governor')
    .version(process.env['npm_package_version'] ?? '0.1.0', '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  registerSidecarCommand(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`agent-governor: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
