// The dataflow map as the text table `agent-governor dataflows` prints: one line per flow, then each
// agent's workloads and versions, then notes. Pure.
import { type DataflowMap, regionLabel } from './dataflow-map.js';

export function dataflowTable(map: DataflowMap): string {
  const destinations = new Map(map.destinations.map((d) => [d.id, d]));
  const rows: string[][] = [
    ['AGENT', 'DESTINATION', 'KIND', 'REGION', 'MODELS', 'OBSERVED', 'RESIDENCY', 'VIA'],
  ];
  for (const flow of map.flows) {
    const d = destinations.get(flow.destination);
    const observed = flow.observed
      .map(
        (o) =>
          `${o.model}: ${o.requests} calls, ${o.inputTokens + o.outputTokens} tokens, last ${o.lastSeen}`,
      )
      .join('; ');
    rows.push([
      flow.agent,
      d?.host ?? flow.destination,
      d ? (d.kind === 'LLM' ? `LLM ${d.provider ?? ''}`.trim() : d.kind) : '',
      d ? regionLabel(d) : '',
      flow.models.join(',') || '-',
      observed || '-',
      `${flow.residency}${flow.policy && flow.residency !== 'allowed' ? ` (${flow.policy}${flow.mode ? `, ${flow.mode}` : ''})` : ''}${flow.refusedAtAdmission ? ' at admission' : ''}`,
      flow.via.join('; '),
    ]);
  }
  const lines = [formatRows(rows)];
  lines.push(
    '',
    formatRows([
      ['AGENT', 'WORKLOAD', 'VERSION', 'IMAGES', 'CONFIGMAPS'],
      ...map.agents.flatMap((a) =>
        a.workloads.map((w) => [
          a.id,
          `${w.kind}/${w.name}`,
          w.version,
          w.parts.images.join(',') || '-',
          Object.entries(w.parts.configMaps)
            .map(([name, hash]) => `${name}=${hash}`)
            .join(',') || '-',
        ]),
      ),
    ]),
  );
  const notes = map.agents.flatMap((a) => a.notes.map((n) => `${a.id}: ${n}`));
  if (notes.length > 0) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  return `${lines.join('\n')}\n`;
}

function formatRows(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
