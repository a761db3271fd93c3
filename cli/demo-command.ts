import { dirname, join } from 'node:path';
import { type Command, CommanderError, Option } from 'commander';
import { defaultClusterDir } from './cluster-command.js';

/** Exit code of `demo` when a step did not hold (the summary says which). */
export const demoFailedExitCode = 1;

/** `agent-governor demo`: the whole story on a local control plane, narrated, in about a minute. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .summary('tell the whole story on a local control plane: budgets, fallbacks, residency, SLOs')
    .description(
      'Start a local control plane, install the CRDs and RBAC, run the operator (with its admission ' +
        'webhooks) out of cluster, deploy a non-critical marketing agent and a critical support agent, and ' +
        'drive simulated LLM traffic through real sidecar processes against local mock providers, ' +
        'narrating each step: the budget at 50 % (alert), 75 % (degrade to the cheaper model) and 100 % ' +
        '(marketing suspended, support degraded); a provider outage (fallback, circuit open, recovery); a ' +
        'workload pointing at a US endpoint refused at admission; the SLO and its burn rate.\n\n' +
        'Ends with a summary table and exits 0 only when every step held. Without --keep everything is ' +
        'torn down at the end, after a failure, and on Ctrl-C. Needs the control-plane binaries: built ' +
        'from Go modules the first time (10 to 15 minutes on a fresh 2-core machine, module downloads ' +
        'included), cached after.',
    )
    .addOption(
      new Option('--dir <dir>', 'the cluster directory (control plane, logs, the demo’s files)').default(
        join(dirname(defaultClusterDir()), 'demo'),
        '$AGENT_GOVERNOR_CACHE/clusters/demo, else ~/.cache/agent-governor/clusters/demo',
      ),
    )
    .addOption(
      new Option(
        '--keep',
        'leave the cluster, operator, sidecars and mock providers running and print how to use them',
      ).default(false),
    )
    .action(async ({ dir, keep }: { dir: string; keep: boolean }) => {
      const operator = program.commands.find((command) => command.name() === 'operator');
      const flags = new Set((operator?.options ?? []).map((option) => option.long ?? ''));
      // Imported here so that the other commands (and --help) do not load the demo.
      const { runDemo } = await import('../demo/run-demo.js');
      const tty = process.stdout.isTTY === true && !process.env['NO_COLOR'];
      const code = await runDemo({
        dir,
        keep,
        capabilities: { flags },
        write: (text) => process.stdout.write(text),
        tty,
        ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
      });
      if (code !== 0) {
        throw new CommanderError(code, 'agent-governor.demoFailed', 'a step of the demo did not hold');
      }
    });
}
