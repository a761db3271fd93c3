// The dataflow map as a Graphviz DOT graph: agents on the left, grouped by namespace; destinations on
// the right, grouped by the region they are in (a box per region, so the regions a DPO asks about
// are the shapes on the page); one edge per flow, green when allowed, red when refused, grey when
// unknown; dashed when declared, bold with the volume when the sidecars saw it answer. Graphviz
// lays it out (cli/dataflows/dataflow-svg.ts); nothing here places a box. Pure.
import { type DataflowMap, type MapDestination, type MapFlow, regionLabel } from './dataflow-map.js';

const COLOURS = { allowed: '#1a7f37', refused: '#cf222e', unknown: '#6e7781' } as const;

export function dataflowDot(map: DataflowMap, title = 'Agent dataflows'): string {
  const lines: string[] = [
    `digraph dataflows {`,
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, label=${quote(title)}, nodesep=0.3, ranksep=1.4, compound=true];`,
    `  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#ffffff", margin="0.3,0.08"];`,
    `  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];`,
  ];
  const ids = new Map<string, string>();
  const nodeId = (key: string) => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };

  const byNamespace = groupBy(map.agents, (a) => a.namespace);
  for (const [namespace, agents] of byNamespace) {
    lines.push(`  subgraph ${quote(`cluster_ns_${namespace}`)} {`);
    lines.push(`    label=${quote(`namespace ${namespace}`)}; style="rounded,dashed"; color="#8c959f";`);
    for (const agent of agents) {
      const versions = [...new Set(agent.workloads.map((w) => w.version))];
      const label = [
        `agent ${agent.name}${agent.critical ? ' (critical)' : ''}`,
        ...agent.workloads.map((w) => `${w.kind}/${w.name} ${w.version}`),
        ...(agent.workloads.length === 0 ? ['never ran (refused at admission)'] : []),
      ].join('\n');
      lines.push(
        `    ${nodeId(`agent:${agent.id}`)} [label=${quote(label)}, fillcolor="#ddf4ff", tooltip=${quote(`${agent.id}: ${versions.length} version(s)`)}];`,
      );
    }
    lines.push('  }');
  }

  const byRegion = groupBy(map.destinations, (d) => regionLabel(d));
  for (const [region, destinations] of byRegion) {
    lines.push(`  subgraph ${quote(`cluster_region_${region}`)} {`);
    lines.push(
      `    label=${quote(`region ${region}`)}; style="rounded,filled"; fillcolor="${regionFill(destinations[0])}"; color="#8c959f";`,
    );
    for (const destination of destinations) {
      lines.push(
        `    ${nodeId(`dest:${destination.id}`)} [label=${quote(destinationLabel(destination, map.flows))}, shape=${destination.kind === 'LLM' ? 'box' : 'cylinder'}];`,
      );
    }
    lines.push('  }');
  }

  for (const flow of map.flows) {
    const colour = COLOURS[flow.residency];
    const observed = flow.observed.reduce((sum, o) => sum + o.inputTokens + o.outputTokens, 0);
    const style = flow.declared ? 'dashed' : flow.observed.length > 0 ? 'bold' : 'solid';
    lines.push(
      `  ${nodeId(`agent:${flow.agent}`)} -> ${nodeId(`dest:${flow.destination}`)} [color="${colour}", fontcolor="${colour}", style=${style}, label=${quote(edgeLabel(flow, observed))}, tooltip=${quote(`${flow.via.join('; ')} — ${flow.message}`)}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function edgeLabel(flow: MapFlow, observedTokens: number): string {
  const parts: string[] = [flow.refusedAtAdmission ? 'REFUSED at admission' : flow.residency];
  if (flow.policy && flow.residency !== 'allowed') parts[0] += ` (${flow.policy})`;
  if (flow.declared) parts.push('declared');
  if (flow.models.length > 0) parts.push(flow.models.join(', '));
  if (flow.observed.length > 0) {
    const last =
      flow.observed
        .map((o) => o.lastSeen)
        .sort()
        .at(-1) ?? '';
    parts.push(`seen ${formatCount(observedTokens)} tokens, last ${last.slice(0, 16).replace('T', ' ')}`);
  }
  return parts.join('\n');
}

function destinationLabel(destination: MapDestination, flows: readonly MapFlow[]): string {
  const what = destination.kind === 'LLM' ? `LLM ${destination.provider ?? 'endpoint'}` : destination.kind;
  const models = [...new Set(flows.filter((f) => f.destination === destination.id).flatMap((f) => f.models))];
  return [`${what}`, destination.host, ...(models.length > 0 ? [models.join(', ')] : [])].join('\n');
}

function regionFill(destination: MapDestination | undefined): string {
  if (!destination) return '#ffffff';
  if (destination.internal) return '#f6f8fa';
  if (destination.region === undefined && destination.jurisdiction === undefined) return '#fff8c5';
  return '#f6f8fa';
}

function formatCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return String(n);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
}

/** A DOT double-quoted string: backslashes and quotes escaped, newlines as `\n` (centred lines). */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
