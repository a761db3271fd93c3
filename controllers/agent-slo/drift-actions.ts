// What an agent that starts drifting sets off, after the status saying so is written
// (docs/adr/0056-drift-against-a-baseline.md): Alert — a Warning Event DriftDetected and a signed POST
// to each webhook of spec.drift (the delivery and signature of budget alerts); Evaluate — the
// annotation governor.agents.dev/evaluate-requested-at on every EvaluationGate of the namespace that
// selects the agent, so its evaluation Job runs. EvaluationGates are read through the API (no
// informer): the kind may not be installed, and then Evaluate does nothing and says so once per
// transition in an Event. An agent that stops drifting gets a Normal Event DriftCleared.
import { evaluationGates } from '../../agents/governor-resources.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import { EVALUATE_REQUESTED_AT_ANNOTATION, type EvaluationGate } from '../../apis/evaluation-gate.js';
import type { ReconcileContext } from '../../runtime/controller/controller-definition.js';
import { isNotFound } from '../../runtime/kube/api-error.js';
import { deliverAlert } from '../token-budget/alert-delivery.js';
import { signingSecret } from '../token-budget/budget-alerts.js';
import { type DriftAlert, driftAlertBody, driftAlertId, driftSummary } from './drift-alert.js';
import type { DriftTransition } from './drift-evaluation.js';

export interface DriftActionContext {
  context: ReconcileContext;
  /** Delivery tuning (tests shorten the backoff). */
  delivery?: { attempts?: number; firstBackoffMs?: number; timeoutMs?: number };
}

export async function actOnDrift(
  slo: AgentSLO,
  transitions: readonly DriftTransition[],
  status: { since: (agent: string) => string | undefined },
  actions: DriftActionContext,
): Promise<void> {
  const drift = slo.spec.drift;
  if (!drift) return;
  const { context } = actions;
  const namespace = slo.metadata.namespace ?? '';
  const name = slo.metadata.name ?? '';
  for (const transition of transitions) {
    if (transition.kind === 'DriftCleared') {
      context.events.normal(
        slo,
        'DriftCleared',
        `Agent ${transition.agent} no longer drifts from its baseline over the last ${drift.window}.`,
        'Drift',
      );
      continue;
    }
    const alert: DriftAlert = {
      slo: { namespace, name },
      agent: transition.agent,
      statistic: drift.statistic,
      drifting: transition.drifting,
      window: drift.window,
      baseline:
        drift.baseline.start && drift.baseline.end
          ? `${drift.baseline.start}/${drift.baseline.end}`
          : `last ${drift.baseline.last ?? '7d'}`,
      since: status.since(transition.agent) ?? context.now().toISOString(),
    };
    if (drift.actions.includes('Alert')) await alertDrift(slo, alert, actions);
    if (drift.actions.includes('Evaluate')) await requestEvaluation(slo, transition.agent, actions);
  }
}

async function alertDrift(slo: AgentSLO, alert: DriftAlert, { context, delivery }: DriftActionContext) {
  context.events.warning(slo, 'DriftDetected', driftSummary(alert), 'Alert');
  for (const webhook of slo.spec.drift?.webhooks ?? []) {
    const signing = await signingSecret(webhook, alert.slo.namespace, context.client, 'spec.drift.webhooks');
    const outcome =
      'problem' in signing
        ? { delivered: false as const, attempts: 0, problem: signing.problem }
        : await deliverAlert({
            url: webhook.url,
            body: driftAlertBody(alert, webhook.format ?? 'Generic'),
            id: driftAlertId(alert),
            ...(signing.secret !== undefined ? { secret: signing.secret } : {}),
            now: () => context.now(),
            signal: context.signal,
            ...delivery,
          });
    if (!outcome.delivered) {
      context.events.warning(
        slo,
        'AlertNotDelivered',
        `Drift alert ${driftAlertId(alert)} to webhook ${webhook.name} (${webhook.url}) failed after ` +
          `${outcome.attempts} attempt(s): ${outcome.problem}`,
        'Alert',
      );
    }
  }
}

async function requestEvaluation(slo: AgentSLO, agent: string, { context }: DriftActionContext) {
  const namespace = slo.metadata.namespace ?? '';
  let gates: EvaluationGate[];
  try {
    gates = await context.client.list(evaluationGates, { namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    context.events.normal(
      slo,
      'EvaluationNotRequested',
      `Agent ${agent} drifts, but the EvaluationGate kind is not installed: no evaluation was requested.`,
      'Evaluate',
    );
    return;
  }
  const selecting = gates.filter((gate) => gatesAgent(gate, agent));
  const at = context.now().toISOString();
  for (const gate of selecting) {
    await context.client.patch(
      evaluationGates,
      { namespace, name: gate.metadata?.name ?? '' },
      { type: 'merge', body: { metadata: { annotations: { [EVALUATE_REQUESTED_AT_ANNOTATION]: at } } } },
    );
  }
  context.events.normal(
    slo,
    'EvaluationRequested',
    selecting.length > 0
      ? `Agent ${agent} drifts: evaluation requested on EvaluationGate(s) ${selecting.map((g) => g.metadata?.name).join(', ')}.`
      : `Agent ${agent} drifts, but no EvaluationGate in ${namespace} selects it: no evaluation was requested.`,
    'Evaluate',
  );
}

/** Whether a gate covers the agent: a gate names one agent of its namespace (spec.agent). */
export function gatesAgent(gate: Pick<EvaluationGate, 'spec'>, agent: string): boolean {
  return gate.spec?.agent === agent;
}
