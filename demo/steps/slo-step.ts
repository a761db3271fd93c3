// Step 10: the support agent's SLO as the operator computes it from the usage the sidecar reported:
// latency at the 95th percentile, success, the error budget left and the burn rate per window. The
// outage's calls answered by the slower Swedish target count as slow, so the latency budget burns.

import { agentSLOs } from '../../agents/governor-resources.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import { connected, DEMO, waitFor } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';

type SloStatus = NonNullable<AgentSLO['status']>;

/** `p95 320ms, success 100%, budget left -240%, burn 5m 3.4x, 1h 3.4x`. Pure. */
export function describeSlo(status: SloStatus | undefined): string {
  if (!status) return 'no status yet';
  const burn = (status.burnRates ?? []).map((b) => `${b.window} ${b.rate}x`).join(', ');
  return [
    `latency ${status.latency?.observed ?? '?'} (${status.latency?.goodPercent ?? '?'} % fast)`,
    `success ${status.success?.observedPercent ?? '?'} %`,
    `error budget left ${status.errorBudgetRemainingPercent ?? '?'} %`,
    `burn ${burn || '?'}`,
  ].join(', ');
}

/** The burn rate over the shortest window, as a number (0 when not reported). */
export function shortestBurn(status: SloStatus | undefined): number {
  return Number(status?.burnRates?.find((b) => b.window === '5m')?.rate ?? 0);
}

export const sloStep: DemoStep = {
  title: `SLO status of the support agent (AgentSLO ${DEMO.slo}: 95 % of calls within 250 ms)`,
  checks: [
    {
      step: 'SLO',
      expected: 'latency, success, error budget left and burn rates reported; the outage burned error budget',
    },
  ],
  required: false,
  async run(context, observe) {
    const { kube, kubectl } = connected(context);
    let status: SloStatus | undefined;
    await waitFor(
      context,
      `AgentSLO ${DEMO.slo} to report the outage's slow calls`,
      async () => {
        status = (await kube.get(agentSLOs, { namespace: DEMO.namespace, name: DEMO.slo }))?.status;
        context.narrator.progress(`AgentSLO ${DEMO.slo}`, describeSlo(status));
        return shortestBurn(status) > 0 && status?.latency?.observed ? true : describeSlo(status);
      },
      30_000,
      500,
    );
    const table = await kubectl(['get', 'agentslo', '-n', DEMO.namespace]);
    context.narrator.block(table.stdout.trim().split('\n'));
    observe(describeSlo(status), true);
  },
};
