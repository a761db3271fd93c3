// `agent-governor experiments`: each FallbackRoute experiment's variants with their calls, error rate,
// tokens, cost and latency per call and 95 % intervals, and the verdict of the stated decision rule,
// from the routes' status (docs/experiments.md).
import { type Command, Option } from 'commander';
import type { ExperimentMetric } from './experiments/experiment-report.js';

export const EXPERIMENT_FORMATS = ['table', 'json'] as const;
const METRICS = ['errors', 'tokens', 'cost', 'latency'] as const;

export interface ExperimentsFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  output: (typeof EXPERIMENT_FORMATS)[number];
  metric: ExperimentMetric;
}

export function registerExperimentsCommand(program: Command): void {
  program
    .command('experiments')
    .summary('the A/B experiments of FallbackRoutes: per variant calls, error rate, tokens, cost, latency')
    .description(
      "Reads the FallbackRoutes with spec.experiment and prints each variant's calls, error rate with a Wilson " +
        '95 % interval, and mean tokens, cost (micro-units of the price currency) and latency per call with ' +
        'normal-approximation 95 % intervals, from status.experiment (summed from the ledgers at most every ' +
        '10 s). The first variant is the control; the verdict follows the decision rule printed below the ' +
        'table.\n\n' +
        'Examples:\n' +
        '  agent-governor experiments -n agents\n' +
        '  agent-governor experiments -A --metric latency\n' +
        "  agent-governor experiments -o json | jq '.experiments[].variants[] | {name, verdict}'",
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <namespace>', "the routes of this namespace (default: the context's)")
    .option('-A, --all-namespaces', 'the routes of every namespace')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(EXPERIMENT_FORMATS).default('table'),
    )
    .addOption(
      new Option('--metric <metric>', 'the metric verdicts are judged on (lower is better)')
        .choices(METRICS)
        .default('cost'),
    )
    .action(async (flags: ExperimentsFlags) => {
      process.stdout.write(await experimentsOutput(flags));
    });
}

/** The report of the routes the flags name, in the format they ask for. */
export async function experimentsOutput(flags: ExperimentsFlags): Promise<string> {
  const [{ resolveConnection }, { ApiTransport }, { createKubeClient }, { fallbackRoutes }, report] =
    await Promise.all([
      import('../runtime/kube/kube-connection.js'),
      import('../runtime/kube/api-transport.js'),
      import('../runtime/kube/kube-client.js'),
      import('../agents/governor-resources.js'),
      import('./experiments/experiment-report.js'),
    ]);
  const connection = await resolveConnection({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  });
  const transport = new ApiTransport(connection);
  try {
    const client = createKubeClient(transport);
    const scope = flags.allNamespaces ? {} : { namespace: flags.namespace ?? connection.namespace };
    const routes = await client.list(fallbackRoutes, scope);
    const reports = report.experimentReports(routes, flags.metric);
    return flags.output === 'json' ? report.experimentJson(reports) : report.experimentTable(reports);
  } finally {
    await transport.close();
  }
}
