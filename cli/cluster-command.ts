import type { Command } from 'commander';

/** `agent-governor cluster up|down|status`: the local control plane (filled in by the cluster work). */
export function registerClusterCommands(program: Command): void {
  program.command('cluster').description('Start and stop a local Kubernetes control plane for development and tests');
}
