// Step 12: where the demo's data goes, and the report a yearly review asks for. The dataflow map of
// the demo namespace from the live cluster (`agent-governor dataflows`): both agents with their
// versions, the two EU targets of the route — with what the sidecars saw answer — and the US
// endpoint the research agent was refused at admission, shown as refused. Then a one-page audit
// report (`agent-governor audit report -o html`) written to a file the demo names.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import { writeAuditReport } from '../../cli/audit-command.js';
import { formatMap } from '../../cli/dataflows-command.js';
import { dataflowInputs, readClusterSnapshot } from '../../cli/governance/cluster-snapshot.js';
import { type DataflowMap, dataflowMap, regionLabel } from '../../governance/dataflow-map.js';
import { connected, DEMO, servesWebhooks, waitFor } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';

export const DATAFLOWS_FILE = 'dataflows.svg';
export const AUDIT_REPORT_FILE = 'audit-report.html';

/** `support → eu.api.openai.com (eu (EU), allowed; sidecars saw 1200 tokens)`, one line per flow. Pure. */
export function flowLines(map: DataflowMap): string[] {
  const destinations = new Map(map.destinations.map((d) => [d.id, d]));
  return map.flows.map((f) => {
    const d = destinations.get(f.destination);
    const tokens = f.observed.reduce((s, o) => s + o.inputTokens + o.outputTokens, 0);
    return (
      `${f.agent.split('/')[1]} → ${d?.host ?? f.destination} (${d ? regionLabel(d) : 'unknown region'}, ${f.residency}` +
      `${f.refusedAtAdmission ? ' at admission' : ''}${tokens > 0 ? `; sidecars saw ${tokens} tokens` : ''})`
    );
  });
}

export const governanceStep: DemoStep = {
  title: 'Where the data goes: the dataflow map and the audit report',
  checks: [
    {
      step: 'dataflow map',
      expected: `both agents and their versions on the map; api.openai.com (US), refused at admission, shown as refused by ${DEMO.residencyPolicy}`,
    },
    {
      step: 'audit report',
      expected:
        'a one-page HTML audit report (agents, approvals, map, refusals, budgets, SLO, retention) written to a file',
    },
  ],
  required: false,
  unavailable: (context) =>
    servesWebhooks(context.capabilities)
      ? undefined
      : "this build's operator has no admission webhooks: no refusal to show on the map",
  async run(context, observe) {
    const { cluster, kube } = connected(context);
    await waitFor(
      context,
      `the refusal recorded in DataResidencyPolicy ${DEMO.residencyPolicy}`,
      async () =>
        (await kube.get(dataResidencyPolicies, { name: DEMO.residencyPolicy }))?.status?.refusals?.some(
          (r) => r.name === 'research-agent',
        )
          ? true
          : 'no refusal of research-agent in its status yet',
      15_000,
    );
    context.narrator.info(`agent-governor dataflows -n ${DEMO.namespace} -o svg --output ${DATAFLOWS_FILE}`);
    const snapshot = await readClusterSnapshot(kube, { namespace: DEMO.namespace });
    const map = dataflowMap(
      dataflowInputs(snapshot, { operatorNamespace: context.operatorNamespace, namespace: DEMO.namespace }),
    );
    const svgPath = join(context.layout.work, DATAFLOWS_FILE);
    await writeFile(svgPath, await formatMap(map, 'svg', DEMO.namespace));
    context.narrator.block(flowLines(map));
    const refused = map.flows.find(
      (f) =>
        f.destination === 'LLM:api.openai.com' &&
        f.residency === 'refused' &&
        f.policy === DEMO.residencyPolicy,
    );
    const agents = ['marketing', 'support'].filter((name) =>
      map.agents.some((a) => a.name === name && a.workloads.length > 0),
    );
    observe(
      `${map.agents.length} agents, ${map.flows.length} flows; api.openai.com ${refused ? `refused (${refused.via[0]})` : 'not shown as refused'}; picture ${svgPath}`,
      refused !== undefined && agents.length === 2,
    );

    const reportPath = join(context.layout.work, AUDIT_REPORT_FILE);
    context.narrator.info(`agent-governor audit report -n ${DEMO.namespace} -o html ${reportPath}`);
    await writeAuditReport(reportPath, {
      kubeconfig: cluster.kubeconfig,
      namespace: DEMO.namespace,
      format: 'html',
      operatorNamespace: context.operatorNamespace,
    });
    observe(`written to ${reportPath}`, true);
  },
};
