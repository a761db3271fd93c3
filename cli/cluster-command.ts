import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, CommanderError, Option } from 'commander';

/**
 * The control-plane code (certificates, process supervision, ...) is imported when a cluster
 * command runs, not when the CLI starts: `agent-governor sidecar` shares this entry point and
 * should not carry it in memory.
 */
const clusterModule = () => import('../local-cluster/cluster.js');

/** Where `cluster up|down|status` work without --dir: one cluster per user, next to the binaries. */
export function defaultClusterDir(): string {
  return join(cacheRoot(), 'clusters', 'default');
}

/**
 * $AGENT_GOVERNOR_CACHE, else ~/.cache/agent-governor. A user with neither $HOME nor a passwd entry
 * (an image run as an arbitrary uid) gets one under the temp directory instead of a crash: every
 * command computes this default, `sidecar` and `operator` included.
 */
function cacheRoot(): string {
  const configured = process.env['AGENT_GOVERNOR_CACHE'];
  if (configured) return configured;
  try {
    return join(homedir(), '.cache', 'agent-governor');
  } catch {
    return join(tmpdir(), 'agent-governor');
  }
}

/** Exit code of `cluster status` when no ready cluster runs (as LSB init scripts do for "not running"). */
export const notRunningExitCode = 3;

/** `agent-governor cluster up|down|status`: a local control plane for development and tests. */
export function registerClusterCommands(program: Command): void {
  const cluster = program
    .command('cluster')
    .summary('start and stop a local Kubernetes control plane for development and tests')
    .description(
      'Start and stop a local Kubernetes control plane: etcd, kube-apiserver and kube-controller-manager, ' +
        'built from Go modules (local-cluster/controlplane/build.sh) and cached in ~/.cache/agent-governor. ' +
        'There is no scheduler or kubelet, so Pods are created but stay Pending.',
    );
  const dirOption = () =>
    new Option('--dir <dir>', 'cluster directory (state, PKI, etcd data, kubeconfig, logs)').default(
      defaultClusterDir(),
      '$AGENT_GOVERNOR_CACHE/clusters/default, else ~/.cache/agent-governor/clusters/default',
    );

  cluster
    .command('up')
    .summary('start a control plane and write DIR/kubeconfig')
    .description(
      'Start a control plane on free 127.0.0.1 ports and write DIR/kubeconfig (cluster admin, ' +
        'certificates embedded). The processes run detached until `cluster down`.\n\n' +
        'Builds the binaries first when they are not cached (once; takes a while). ' +
        'Fails, changing nothing, when a cluster already runs in DIR; cleans up the leftovers of a killed ' +
        'run (and says so) before starting afresh.',
    )
    .addOption(dirOption())
    .action(async ({ dir }: { dir: string }) => {
      const stop = stopOnInterrupt(resolve(dir));
      try {
        const { clusterUp } = await clusterModule();
        const info = await clusterUp({ dir, log: (line) => console.error(line) });
        console.log(
          [
            `cluster up in ${(info.startupMs / 1000).toFixed(1)} s: ${info.dir}`,
            `  API server  ${info.server}`,
            `  kubeconfig  ${info.kubeconfig}`,
            `  kubectl     ${info.kubectl} (built with the API server; an older kubectl on PATH may lag)`,
            '',
            'Use it:',
            `  export KUBECONFIG=${info.kubeconfig}`,
            `  ${info.kubectl} --kubeconfig ${info.kubeconfig} get --raw /readyz`,
            'Stop it:',
            `  agent-governor cluster down --dir ${info.dir}`,
          ].join('\n'),
        );
      } finally {
        stop.dispose();
      }
    });

  cluster
    .command('down')
    .summary('stop the control plane in DIR and remove its data')
    .description(
      'Stop the control plane in DIR (SIGTERM, then SIGKILL after 10 s), wait until every process is ' +
        'gone and its ports are free, and remove its state, etcd data, PKI and kubeconfig. ' +
        'The logs stay in DIR/logs. Succeeds, saying so, when nothing runs.',
    )
    .addOption(dirOption())
    .action(async ({ dir }: { dir: string }) => {
      const { clusterDown } = await clusterModule();
      console.log((await clusterDown({ dir })).message);
    });

  cluster
    .command('status')
    .summary('show whether a control plane runs in DIR and is ready')
    .description(
      'Show whether a control plane runs in DIR, its processes, and whether /readyz answers ok. ' +
        `Exits 0 when it runs and is ready, ${notRunningExitCode} otherwise.`,
    )
    .addOption(dirOption())
    .action(async ({ dir }: { dir: string }) => {
      const { clusterStatus } = await clusterModule();
      const status = await clusterStatus({ dir });
      const lines = [status.message];
      if (status.server) lines.push(`  API server  ${status.server}`, `  kubeconfig  ${status.kubeconfig}`);
      for (const process_ of status.processes) {
        lines.push(
          `  ${process_.name.padEnd(24)} pid ${String(process_.pid).padEnd(8)} ${process_.running ? 'running' : 'not running'}`,
        );
      }
      console.log(lines.join('\n'));
      if (status.condition !== 'running' || !status.ready) {
        throw new CommanderError(notRunningExitCode, 'agent-governor.clusterNotReady', status.message);
      }
    });
}

/**
 * Ctrl-C (or SIGTERM) during `up` stops what was started so far instead of leaving detached
 * processes behind, then exits as the signal would have.
 */
function stopOnInterrupt(dir: string): { dispose(): void } {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping what \`cluster up\` started in ${dir}`);
    clusterModule()
      .then(({ clusterDown }) => clusterDown({ dir }))
      .then(
        (outcome) => {
          console.error(outcome.message);
          process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
        },
        (err: unknown) => {
          console.error(
            `could not stop the cluster in ${dir}: ${err instanceof Error ? err.message : String(err)}`,
          );
          process.exit(1);
        },
      );
  };
  for (const signal of signals) process.once(signal, onSignal);
  return {
    dispose() {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
