import { API_VERSION } from '../../apis/group-version.js';
import type { TokenBudgetSpec } from '../../apis/token-budget.js';
import type { BudgetForecast } from './budget-forecast.js';
import { type BudgetAction, type BudgetPhaseDecision, wholePercent } from './budget-phase.js';
import type { BudgetUsage } from './budget-usage.js';
import { microsToMoney } from './money-amount.js';

/** Agents named in an alert, most tokens first. */
const ALERT_AGENTS = 10;

export interface BudgetAlert {
  /** From `alertKey`. */
  id: string;
  budget: { namespace: string; name: string };
  threshold: number;
  spec: Pick<TokenBudgetSpec, 'limits'>;
  decision: BudgetPhaseDecision;
  usage: BudgetUsage;
  /** Set for an alert on the forecast (spec.forecast.alertPercent, in `threshold`), not on usage. */
  forecast?: BudgetForecast;
  firedAt: Date;
}

/** The generic JSON body (`format: Generic`). */
export interface GenericAlertBody {
  apiVersion: typeof API_VERSION;
  /** BudgetForecastAlert: the forecast reached `threshold`, usage has not (yet). */
  kind: 'BudgetAlert' | 'BudgetForecastAlert';
  id: string;
  budget: { namespace: string; name: string };
  threshold: number;
  phase: BudgetPhaseDecision['phase'];
  percent: number;
  used: { tokens: number; cost: string; currency: string };
  limits: { tokens?: number; cost?: string; currency: string };
  actions: BudgetAction[];
  period: { start: string; end: string };
  agents: { name: string; tokens: number; cost: string }[];
  /** For a BudgetForecastAlert: the projected end-of-period usage. */
  forecast?: { percent: number; tokens: number; cost: string; method: BudgetForecast['method'] };
  firedAt: string;
}

export function genericAlertBody(alert: BudgetAlert): GenericAlertBody {
  const { limits } = alert.spec;
  return {
    apiVersion: API_VERSION,
    kind: alert.forecast ? 'BudgetForecastAlert' : 'BudgetAlert',
    id: alert.id,
    budget: { ...alert.budget },
    threshold: alert.threshold,
    phase: alert.decision.phase,
    percent: wholePercent(alert.decision.percent),
    used: {
      tokens: alert.usage.total.tokens,
      cost: microsToMoney(alert.usage.total.costMicros),
      currency: limits.currency,
    },
    limits: {
      ...(limits.tokens !== undefined ? { tokens: limits.tokens } : {}),
      ...(limits.cost !== undefined ? { cost: limits.cost } : {}),
      currency: limits.currency,
    },
    actions: [...alert.decision.actions],
    period: {
      start: alert.decision.period.start.toISOString(),
      end: alert.decision.period.end.toISOString(),
    },
    agents: alert.usage.agents
      .slice(0, ALERT_AGENTS)
      .map((a) => ({ name: a.name, tokens: a.tokens, cost: microsToMoney(a.costMicros) })),
    ...(alert.forecast
      ? {
          forecast: {
            percent: wholePercent(alert.forecast.percent),
            tokens: alert.forecast.tokens,
            cost: microsToMoney(alert.forecast.costMicros),
            method: alert.forecast.method,
          },
        }
      : {}),
    firedAt: alert.firedAt.toISOString(),
  };
}

/** One line a person reads first, in chat and in the Event. */
export function alertSummary(alert: BudgetAlert): string {
  const { namespace, name } = alert.budget;
  const percent = wholePercent(alert.decision.percent);
  if (alert.forecast) {
    return (
      `TokenBudget ${namespace}/${name} is on course to use ${wholePercent(alert.forecast.percent)} % by the reset at ` +
      `${alert.decision.period.end.toISOString()} (forecast alert at ${alert.threshold} %); ${percent} % used so far`
    );
  }
  const actions = alert.decision.actions.filter((a) => a !== 'Alert');
  return (
    `TokenBudget ${namespace}/${name} is at ${percent} % (threshold ${alert.threshold} %)` +
    (actions.length > 0 ? `; ${actions.join(', ')} in force` : '') +
    ` until ${alert.decision.period.end.toISOString()}`
  );
}

/**
 * A Slack incoming-webhook body (`format: Slack`): `text` for notifications and clients without
 * blocks, `blocks` with the details.
 */
export function slackAlertBody(alert: BudgetAlert) {
  const body = genericAlertBody(alert);
  const icon = body.phase === 'Exhausted' ? ':rotating_light:' : ':warning:';
  const used = [
    body.limits.tokens !== undefined ? `${body.used.tokens} / ${body.limits.tokens} tokens` : undefined,
    body.limits.cost !== undefined
      ? `${body.used.cost} / ${body.limits.cost} ${body.limits.currency}`
      : undefined,
  ].filter(Boolean);
  const top = body.agents.map((a) => `${a.name}: ${a.tokens} tokens`).join(', ');
  return {
    text: `${icon} ${alertSummary(alert)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${alertSummary(alert)}*` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Phase*\n${body.phase}` },
          { type: 'mrkdwn', text: `*Used*\n${used.join('\n')}` },
          { type: 'mrkdwn', text: `*Actions*\n${body.actions.join(', ') || 'none'}` },
          { type: 'mrkdwn', text: `*Resets*\n${body.period.end}` },
        ],
      },
      ...(top ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Top agents: ${top}` }] }] : []),
    ],
  };
}

/** The request body for a webhook of the given format, as sent (and signed). */
export function alertBody(alert: BudgetAlert, format: 'Generic' | 'Slack'): string {
  return JSON.stringify(format === 'Slack' ? slackAlertBody(alert) : genericAlertBody(alert));
}
