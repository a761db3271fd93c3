// The Alert action: on reaching a threshold that alerts, once per threshold per period, a Kubernetes
// Event always and a POST to every webhook of spec.alerts. What was alerted is remembered in the
// budget's `governor.agents.dev/alerts-sent` annotation (controllers/token-budget/alert-dedup.ts), written
// after the deliveries, so a restarted operator does not alert again; a crash between a delivery and
// that write can repeat an alert, which receivers drop by its id (`X-Governor-Alert-Id`).

import { tokenBudgets } from '../../agents/governor-resources.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { EventRecorder } from '../../runtime/events/event-recorder.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { secrets } from '../../runtime/kube/resources.js';
import {
  ALERTS_SENT_ANNOTATION,
  alertedThresholds,
  alertKey,
  alertsDue,
  recordAlerts,
} from './alert-dedup.js';
import { type DeliveryOutcome, deliverAlert } from './alert-delivery.js';
import { alertBody, alertSummary, type BudgetAlert } from './alert-payload.js';
import type { BudgetPhaseDecision } from './budget-phase.js';
import type { BudgetUsage } from './budget-usage.js';

export { secrets } from '../../runtime/kube/resources.js';

export interface AlertContext {
  client: KubeClient;
  events: EventRecorder;
  now: () => Date;
  signal: AbortSignal;
  /** Delivery tuning (tests shorten the backoff). */
  delivery?: { attempts?: number; firstBackoffMs?: number; timeoutMs?: number };
}

/** Sends the alerts due now; returns the thresholds alerted (empty when none were due). */
export async function sendDueAlerts(
  budget: TokenBudget,
  decision: BudgetPhaseDecision,
  usage: BudgetUsage,
  context: AlertContext,
): Promise<number[]> {
  const namespace = budget.metadata.namespace ?? '';
  const name = budget.metadata.name ?? '';
  const cachedAlerted = alertedThresholds(
    budget.metadata.annotations?.[ALERTS_SENT_ANNOTATION],
    decision.period.start,
  );
  if (alertsDue(decision.crossed, cachedAlerted).length === 0) return [];
  // The cache may not hold this process's last annotation write yet: decide on the stored budget.
  const stored = await context.client.get(tokenBudgets, { namespace, name });
  if (!stored) return [];
  const alerted = alertedThresholds(
    stored.metadata.annotations?.[ALERTS_SENT_ANNOTATION],
    decision.period.start,
  );
  const due = alertsDue(decision.crossed, alerted);
  if (due.length === 0) return [];
  const firedAt = context.now();
  for (const threshold of due) {
    const alert: BudgetAlert = {
      id: alertKey({ namespace, name }, threshold, decision.period.start),
      budget: { namespace, name },
      threshold,
      spec: budget.spec,
      decision,
      usage,
      firedAt,
    };
    const summary = alertSummary(alert);
    context.events.warning(
      budget,
      threshold >= 100 ? 'BudgetExhausted' : 'ThresholdReached',
      summary,
      'Alert',
    );
    await deliverToWebhooks(budget, alert, context);
  }
  await context.client.patch(
    tokenBudgets,
    { namespace, name },
    {
      type: 'merge',
      body: {
        metadata: {
          annotations: { [ALERTS_SENT_ANNOTATION]: recordAlerts(alerted, due, decision.period.start) },
        },
      },
    },
  );
  return due;
}

/** Posts `alert` to every webhook of the budget; a failed delivery is an Event, not retried this period. */
export async function deliverToWebhooks(budget: TokenBudget, alert: BudgetAlert, context: AlertContext) {
  const namespace = budget.metadata.namespace ?? '';
  for (const webhook of budget.spec.alerts?.webhooks ?? []) {
    const outcome = await deliver(webhook, alert, namespace, context);
    if (!outcome.delivered) {
      context.events.warning(
        budget,
        'AlertNotDelivered',
        `Alert ${alert.id} to webhook ${webhook.name} (${webhook.url}) failed after ${outcome.attempts} attempt(s): ` +
          `${outcome.problem}; it is not retried this period`,
        'Alert',
      );
    }
  }
}

export type AlertWebhook = NonNullable<TokenBudget['spec']['alerts']>['webhooks'][number];

/**
 * The signing secret of a webhook from its Secret, in `namespace`: none when the webhook names no
 * Secret, or the problem (naming `field`, the Secret and the key) when it cannot be read.
 */
export async function signingSecret(
  webhook: AlertWebhook,
  namespace: string,
  client: KubeClient,
  field: string,
): Promise<{ secret?: string } | { problem: string }> {
  const ref = webhook.signingSecretRef;
  if (!ref) return {};
  const found = await client.get(secrets, { namespace, name: ref.name });
  const value = found?.data?.[ref.key];
  if (value === undefined) {
    return {
      problem:
        `${field}[${webhook.name}].signingSecretRef: Secret ${namespace}/${ref.name} ` +
        `${found ? `has no key "${ref.key}"` : 'does not exist'}; create it so alerts can be signed`,
    };
  }
  return { secret: Buffer.from(value, 'base64').toString('utf8') };
}

async function deliver(
  webhook: AlertWebhook,
  alert: BudgetAlert,
  namespace: string,
  context: AlertContext,
): Promise<DeliveryOutcome> {
  const signing = await signingSecret(webhook, namespace, context.client, 'spec.alerts.webhooks');
  if ('problem' in signing) return { delivered: false, attempts: 0, problem: signing.problem };
  return deliverAlert({
    url: webhook.url,
    body: alertBody(alert, webhook.format ?? 'Generic'),
    id: alert.id,
    ...(signing.secret !== undefined ? { secret: signing.secret } : {}),
    now: context.now,
    signal: context.signal,
    ...context.delivery,
  });
}
