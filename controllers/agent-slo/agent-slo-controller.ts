// The AgentSLO controller as a plug-in of the operator runtime. Watches SLOs, agent workloads (for
// the selection) and usage ledgers (each recorded batch requeues the SLOs selecting its agent at once),
// and evaluates every SLO again every `periodMs` (burn-rate windows slide with time).

import { agentSLOs } from '../../agents/governor-resources.js';
import { selectedAgentWatches } from '../../agents/selected-agent-watches.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { reconcileAgentSLO } from './agent-slo-reconciler.js';
import { driftMetrics } from './drift-metrics.js';
import { PrometheusRuleSync } from './prometheus-rule-sync.js';
import { sloMetrics } from './slo-metrics.js';

export interface AgentSLOControllerOptions {
  /** Evaluate every SLO again this often without a change; default 30 s. */
  periodMs?: number;
  /** How long "the PrometheusRule CRD is not installed" is believed before asking again; default 60 s. */
  crdRecheckMs?: number;
  /** SLOs reconciled at once; default 4. */
  concurrency?: number;
}

export function agentSLOController(options: AgentSLOControllerOptions = {}): ControllerFactory {
  return (environment) => {
    const metrics = sloMetrics(environment.registry);
    const drift = driftMetrics(environment.registry);
    const rules = new PrometheusRuleSync(options.crdRecheckMs);
    return defineController({
      name: 'agent-slo',
      concurrency: options.concurrency ?? 4,
      watches: [watch({ resource: agentSLOs }), ...selectedAgentWatches(agentSLOs)],
      async reconcile(key, context) {
        const result = await reconcileAgentSLO(key, context, {
          metrics,
          drift,
          rules,
          periodMs: options.periodMs ?? 30_000,
        });
        return result;
      },
    });
  };
}
