// The forecast's Alert: when the end-of-period forecast reaches spec.forecast.alertPercent, once per
// period, a Warning Event (reason ForecastAboveThreshold) and a POST to every webhook of spec.alerts,
// like a threshold's Alert (budget-alerts.ts). The period it was sent in is remembered in the
// annotation `governor.agents.dev/forecast-alerted`, written after the deliveries.
import { tokenBudgets } from '../../agents/governor-resources.js';
import { GROUP } from '../../apis/group-version.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import { alertSummary, type BudgetAlert } from './alert-payload.js';
import { type AlertContext, deliverToWebhooks } from './budget-alerts.js';
import type { BudgetForecast } from './budget-forecast.js';
import type { BudgetPhaseDecision } from './budget-phase.js';
import { forecastAboveAlert } from './budget-status.js';
import type { BudgetUsage } from './budget-usage.js';

export const FORECAST_ALERTED_ANNOTATION = `${GROUP}/forecast-alerted`;

/** Whether the forecast alert is due: set, reached, and not sent in this period (pure). */
export function forecastAlertDue(
  budget: Pick<TokenBudget, 'spec' | 'metadata'>,
  forecast: BudgetForecast | undefined,
  periodStart: Date,
): boolean {
  const alertPercent = budget.spec.forecast?.alertPercent;
  if (alertPercent === undefined || forecast === undefined) return false;
  if (!forecastAboveAlert(forecast, alertPercent)) return false;
  return budget.metadata.annotations?.[FORECAST_ALERTED_ANNOTATION] !== periodStart.toISOString();
}

/** Sends the forecast alert if it is still due on the stored budget; true when it was sent. */
export async function sendForecastAlert(
  budget: TokenBudget,
  decision: BudgetPhaseDecision,
  usage: BudgetUsage,
  forecast: BudgetForecast,
  context: AlertContext,
): Promise<boolean> {
  const namespace = budget.metadata.namespace ?? '';
  const name = budget.metadata.name ?? '';
  // The cache may not hold this process's last annotation write yet: decide on the stored budget.
  const stored = await context.client.get(tokenBudgets, { namespace, name });
  if (!stored || !forecastAlertDue(stored, forecast, decision.period.start)) return false;
  const threshold = budget.spec.forecast?.alertPercent ?? 0;
  const alert: BudgetAlert = {
    id: `${namespace}/${name}/${decision.period.start.toISOString()}/forecast-${threshold}`,
    budget: { namespace, name },
    threshold,
    spec: budget.spec,
    decision,
    usage,
    forecast,
    firedAt: context.now(),
  };
  context.events.warning(budget, 'ForecastAboveThreshold', alertSummary(alert), 'Alert');
  await deliverToWebhooks(budget, alert, context);
  await context.client.patch(
    tokenBudgets,
    { namespace, name },
    {
      type: 'merge',
      body: {
        metadata: { annotations: { [FORECAST_ALERTED_ANNOTATION]: decision.period.start.toISOString() } },
      },
    },
  );
  return true;
}
