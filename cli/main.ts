import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from './audit-command.js';
import { registerCaptureCommand } from './capture-command.js';
import { registerClusterCommands } from './cluster-command.js';
import { registerCockpitCommand } from './cockpit-command.js';
import { registerDataflowsCommand } from './dataflows-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerExperimentsCommand } from './experiments-command.js';
import { registerGatewayCommand } from './gateway-command.js';
import { registerOperatorCommand } from './operator-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerServicesCommand } from './services-command.js';
import { registerSidecarCommand } from './sidecar-command.js';
import { registerTraceCommand } from './trace-command.js';

/** Builds the `agent-governor` command tree; every subcommand has `--help`. */
export function buildProgram(): Command {
  const program = new Command('agent-governor')
    .description(
      'Governs AI agents on Kubernetes: SLOs, token budgets, data residency and fallback routes.\n' +
        'Run `agent-governor <command> --help` for the options of a command.',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  registerClusterCommands(program);
  registerSidecarCommand(program);
  registerOperatorCommand(program);
  registerDemoCommand(program);
  registerDataflowsCommand(program);
  registerAuditCommand(program);
  registerCockpitCommand(program);
  registerExperimentsCommand(program);
  registerCaptureCommand(program);
  registerReplayCommand(program);
  registerServicesCommand(program);
  registerTraceCommand(program);
  registerGatewayCommand(program);
  return program;
}

/** Runs the CLI with the given argv and returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`agent-governor: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

function packageVersion(): string {
  return process.env['npm_package_version'] ?? '0.1.0';
}
