// `agent-governor dataflows`: where every agent's data can go and where it did go, from the live
// cluster, as a table, JSON, Graphviz DOT, or an SVG picture laid out by Graphviz.
import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { addUsageStoreOptions, type UsageStoreFlags } from './usage-store-flags.js';

export const DATAFLOW_FORMATS = ['table', 'json', 'svg', 'dot'] as const;
export type DataflowFormat = (typeof DATAFLOW_FORMATS)[number];

export function registerDataflowsCommand(program: Command): void {
  const command = program
    .command('dataflows')
    .summary(
      'the dataflow map of the agents in a cluster: LLM endpoints, data stores, declared flows, what sidecars saw',
    )
    .description(
      'Reads the live cluster and prints, for every agent: its workloads and their versions; the LLM endpoints it ' +
        'can reach (FallbackRoute targets, env, ConfigMaps) with provider, model, region and jurisdiction; the data ' +
        'stores it is wired to (Postgres/pgvector, Qdrant, Weaviate, Milvus, Pinecone, OpenSearch/Elasticsearch, ' +
        'Redis, buckets); the flows its team declares (annotation governor.agents.dev/dataflows); what its sidecars ' +
        'saw answer (per model, volume, last seen); and each flow allowed, refused or unknown under the ' +
        'DataResidencyPolicies. Workloads refused at admission show as refused flows. What sidecars saw is read ' +
        "where the operator keeps usage: give the operator's --usage-store and --redis-* flags when that is Redis " +
        'or Valkey (docs/scale.md).\n\n' +
        'Examples:\n' +
        '  agent-governor dataflows --kubeconfig ~/.kube/config\n' +
        '  agent-governor dataflows -n governor-demo -o svg --output dataflows.svg\n' +
        '  agent-governor dataflows -o json | jq \'.flows[] | select(.residency == "refused")\'',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <namespace>', 'only the agents of this namespace')
    .addOption(
      new Option('-o, --format <format>', 'output format').choices(DATAFLOW_FORMATS).default('table'),
    )
    .option('--output <file>', 'write to FILE instead of standard output')
    .option(
      '--operator-namespace <namespace>',
      "the operator's namespace (exempt from residency, like kube-system)",
      'agent-governor-system',
    );
  addUsageStoreOptions(command).action(async (flags: DataflowFlags) => {
    const text = await dataflowsOutput(flags);
    if (flags.output) {
      await writeFile(flags.output, text);
      console.log(`wrote ${flags.output}`);
    } else process.stdout.write(text);
  });
}

export interface DataflowFlags extends Partial<UsageStoreFlags> {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  format: DataflowFormat;
  output?: string;
  operatorNamespace: string;
}

/** The map of the cluster the flags name, in the format they ask for. */
export async function dataflowsOutput(flags: DataflowFlags): Promise<string> {
  const [{ resolveConnection }, { ApiTransport }, { createKubeClient }, snapshotModule, mapModule] =
    await Promise.all([
      import('../runtime/kube/kube-connection.js'),
      import('../runtime/kube/api-transport.js'),
      import('../runtime/kube/kube-client.js'),
      import('./governance/cluster-snapshot.js'),
      import('../governance/dataflow-map.js'),
    ]);
  const connection = await resolveConnection({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  });
  const transport = new ApiTransport(connection);
  try {
    const client = createKubeClient(transport);
    const snapshot = await snapshotModule.readClusterSnapshotFrom(client, flags, {
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
    });
    const map = mapModule.dataflowMap(
      snapshotModule.dataflowInputs(snapshot, {
        operatorNamespace: flags.operatorNamespace,
        ...(flags.namespace ? { namespace: flags.namespace } : {}),
      }),
    );
    return await formatMap(map, flags.format, flags.namespace);
  } finally {
    await transport.close();
  }
}

export async function formatMap(
  map: import('../governance/dataflow-map.js').DataflowMap,
  format: DataflowFormat,
  namespace?: string,
): Promise<string> {
  if (format === 'json') return `${JSON.stringify(map, null, 2)}\n`;
  if (format === 'table') {
    const { dataflowTable } = await import('../governance/dataflow-table.js');
    return map.flows.length === 0 && map.agents.length === 0 ? 'No agents found.\n' : dataflowTable(map);
  }
  const { dataflowDot } = await import('../governance/dataflow-dot.js');
  const title = `Agent dataflows${namespace ? ` in ${namespace}` : ''} — ${map.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
  const dot = dataflowDot(map, title);
  if (format === 'dot') return dot;
  const { renderSvg } = await import('./governance/dataflow-svg.js');
  return renderSvg(dot);
}
