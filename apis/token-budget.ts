import { z } from 'zod';
import { count, currency, money, percent } from './amounts.js';
import { conditions, observedGeneration } from './condition.js';
import { labelSelector } from './label-selector.js';
import { mapList, setList } from './list-types.js';
import { reasoningBudget } from './reasoning-budget.js';
import { localRef, objectName, secretKeyRef } from './references.js';
import { resource } from './resource.js';
import { timeZone } from './time-zone.js';
import { withRules } from './validation-rule.js';

export const BUDGET_ACTIONS = ['Alert', 'Degrade', 'Throttle', 'Suspend'] as const;
export const BUDGET_PHASES = ['Active', 'Warning', 'Exhausted'] as const;
export const RESET_PERIODS = ['Daily', 'Weekly', 'Monthly', 'Cron'] as const;
/** How a budget with a cost limit counts a call it cannot price (apis/pricing/budget-pricing.ts). */
export const UNPRICED_MODEL_RULES = ['Refuse', 'HighestKnownPrice', 'TokensOnly'] as const;
/** The rule of a budget that names none: never undercount spend, never stop an agent outright. */
export const DEFAULT_UNPRICED_MODEL_RULE =
  'HighestKnownPrice' satisfies (typeof UNPRICED_MODEL_RULES)[number];
/** Why a call could not be priced in a budget's currency. */
export const UNPRICED_REASONS = ['UnpricedModel', 'UnconvertibleCurrency'] as const;
/** How a budget's end-of-period forecast was made (controllers/token-budget/budget-forecast.ts). */
export const FORECAST_METHODS = ['TimeOfDay', 'Linear'] as const;

const CRON = /^(\S+\s+){4}\S+$/;

const period = withRules(
  z.object({
    reset: z.enum(RESET_PERIODS).default('Daily').meta({
      description:
        'When usage resets: Daily, Weekly (Monday 00:00), Monthly (the 1st, 00:00) or Cron (see schedule).',
    }),
    timeZone: timeZone('IANA time zone the period boundaries are computed in, e.g. Europe/Berlin.').default(
      'UTC',
    ),
    schedule: z
      .string()
      .max(128)
      .regex(CRON, { message: 'must be a five-field cron expression such as "0 0 * * 1"' })
      .optional()
      .meta({ description: 'Five-field cron expression for reset Cron, e.g. "0 6 * * 1" (Mondays 06:00).' }),
  }),
  'The budget period: usage counts from one reset to the next.',
  [
    {
      rule: "self.reset == 'Cron' ? has(self.schedule) : !has(self.schedule)",
      message: 'schedule is required when reset is Cron, and only allowed then',
      fieldPath: '.schedule',
      holds: (p) => (p.reset === 'Cron') === (p.schedule !== undefined),
    },
  ],
);

const limits = withRules(
  z.object({
    tokens: z.int().min(1).optional().meta({
      description: 'Most tokens (input plus output) the selected agents may use per period.',
      format: 'int64',
    }),
    cost: money(
      'Most money the selected agents may spend per period, in currency, e.g. "150.00".',
    ).optional(),
    currency: currency(
      "ISO 4217 currency of cost; prices in another currency are converted with the ModelCatalogs' exchangeRates.",
    ).default('USD'),
  }),
  'Limits per period; the budget is exhausted when any of them is reached.',
  [
    {
      rule: 'has(self.tokens) || has(self.cost)',
      message: 'set limits.tokens, limits.cost or both',
      holds: (l) => l.tokens !== undefined || l.cost !== undefined,
    },
    {
      rule: '!has(self.cost) || double(self.cost) > 0.0',
      message: 'limits.cost must be more than 0',
      fieldPath: '.cost',
      holds: (l) => l.cost === undefined || Number(l.cost) > 0,
    },
  ],
);

const threshold = z
  .object({
    percent: percent('Share of the limit, 1 to 100, at which the actions apply; 100 means exhausted.'),
    actions: setList(
      z.enum(BUDGET_ACTIONS),
      'What happens on crossing: Alert (Event and webhooks), Degrade (switch to the cheaper model), ' +
        'Throttle (limit request rate), Suspend (scale non-critical agents to zero).',
      4,
    ).min(1),
  })
  .meta({ description: 'A threshold and the actions taken while usage is at or above it.' });

export const alertWebhook = z
  .object({
    name: objectName('Name of this webhook, unique within the budget.'),
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s/]+/, { message: 'must be an http(s) URL' })
      .meta({ description: 'Where alerts are POSTed.' }),
    format: z
      .enum(['Generic', 'Slack'])
      .default('Generic')
      .meta({ description: 'Generic JSON, or a Slack-compatible payload.' }),
    signingSecretRef: secretKeyRef(
      'Secret whose value signs each alert (HMAC-SHA256 in the X-Governor-Signature header).',
    ).optional(),
  })
  .meta({ description: 'An HTTP endpoint that receives budget alerts.' });

export const tokenBudgetSpec = withRules(
  z.object({
    agentSelector: labelSelector(
      'Selects the agents (by pod-template labels) in this namespace whose usage counts.',
    ),
    useCases: setList(
      z.string().min(1).max(63),
      'Count only requests with these x-governor-use-case values; empty counts every request.',
      32,
    ).optional(),
    period: period.default({ reset: 'Daily', timeZone: 'UTC' }),
    limits,
    thresholds: mapList(
      threshold,
      'percent',
      'Thresholds and their actions; usage at 100 % is always refused, whatever is listed.',
      10,
    ).optional(),
    degrade: z
      .object({
        model: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .meta({ description: 'Model to switch to; overrides the route.' }),
        fallbackRouteRef: localRef(
          'FallbackRoute whose degradeTo model is used; default: the route the request matches.',
          'FallbackRoute',
        ).optional(),
      })
      .optional()
      .meta({ description: 'How Degrade picks the cheaper model.' }),
    throttle: z
      .object({
        requestsPerMinute: z
          .int()
          .min(1)
          .max(1_000_000)
          .meta({ description: 'Requests per minute per agent while throttled.' }),
      })
      .optional()
      .meta({ description: 'How Throttle limits the request rate; required when any threshold throttles.' }),
    alerts: z
      .object({
        webhooks: mapList(alertWebhook, 'name', 'Alert receivers.', 8),
      })
      .optional()
      .meta({ description: 'Where Alert actions are delivered besides Kubernetes Events.' }),
    forecast: z
      .object({
        alertPercent: percent(
          'Alert (an Event and the webhooks of spec.alerts, once per period) when the forecast of the ' +
            'end-of-period usage reaches this share of the tightest limit, e.g. 75: "on course to use 75 % of the plan".',
        ),
      })
      .optional()
      .meta({
        description:
          'A threshold on the forecast: the end-of-period usage projected from the rate so far and the ' +
          "time-of-day shape of the agents' recent traffic (status.forecast).",
      }),
    reasoningBudget: reasoningBudget.optional(),
    unpricedModels: z
      .enum(UNPRICED_MODEL_RULES)
      .default(DEFAULT_UNPRICED_MODEL_RULE)
      .meta({
        description:
          'With limits.cost: how a call is counted whose model has no price, or whose price is in a currency no ' +
          'declared exchange rate converts into limits.currency. Refuse (the sidecar refuses the call, 403), ' +
          'HighestKnownPrice (counted at the highest known input and output price) or TokensOnly (tokens count, ' +
          'cost does not). Every such call is reported in status.pricing, condition PricingComplete and an Event. ' +
          'Ignored without limits.cost.',
      }),
  }),
  'Token and cost budget for the selected agents.',
  [
    {
      rule: "!has(self.thresholds) || !self.thresholds.exists(t, 'Throttle' in t.actions) || has(self.throttle)",
      message: 'a threshold uses Throttle, so spec.throttle.requestsPerMinute is required',
      fieldPath: '.throttle',
      holds: (s) => !s.thresholds?.some((t) => t.actions.includes('Throttle')) || s.throttle !== undefined,
    },
  ],
);

const usage = z
  .object({
    tokens: count('Input plus output tokens this period.').optional(),
    inputTokens: count('Input (prompt) tokens this period.').optional(),
    outputTokens: count('Output (completion) tokens this period.').optional(),
    cachedInputTokens: count('Input tokens served from the provider prompt cache this period.').optional(),
    cost: money('Money spent this period, in the budget currency.').optional(),
  })
  .meta({ description: 'Usage counted this period.' });

export const tokenBudgetStatus = z
  .object({
    phase: z
      .enum(BUDGET_PHASES)
      .optional()
      .meta({ description: 'Active, Warning (a threshold below 100 % crossed) or Exhausted.' }),
    used: usage.optional(),
    percent: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Usage as a whole percentage of the tightest limit.' }),
    periodStart: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'Start of the current period (RFC 3339).', format: 'date-time' }),
    periodEnd: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'Next reset (RFC 3339).', format: 'date-time' }),
    activeActions: z
      .array(z.enum(BUDGET_ACTIONS))
      .max(4)
      .optional()
      .meta({ description: 'Actions in force now.', 'x-kubernetes-list-type': 'set' }),
    agents: z
      .array(
        z
          .object({
            name: z
              .string()
              .max(253)
              .meta({ description: 'Agent name (value of the governor.agents.dev/agent label).' }),
            tokens: count('Tokens the agent used this period.'),
            cost: money('Money the agent spent this period.').optional(),
          })
          .meta({ description: 'Usage of one agent.' }),
      )
      .max(256)
      .optional()
      .meta({ description: 'Usage per agent this period.' }),
    pricing: z
      .object({
        unpricedCalls: count('Calls this period the budget could not price in its currency.').optional(),
        unpriced: z
          .array(
            z
              .object({
                model: z.string().max(256).meta({ description: 'Model called.' }),
                reason: z.enum(UNPRICED_REASONS).meta({
                  description:
                    'UnpricedModel (no declared or built-in price) or UnconvertibleCurrency (no exchange rate).',
                }),
                currency: z
                  .string()
                  .max(3)
                  .optional()
                  .meta({ description: 'Currency of the price, for UnconvertibleCurrency.' }),
                calls: count('Calls this period.'),
                tokens: count('Input plus output tokens of those calls.'),
                countedCost: money(
                  'What the budget counted for them, in its currency (0 under TokensOnly).',
                ).optional(),
              })
              .meta({ description: 'Calls of one model the budget could not price.' }),
          )
          .max(16)
          .optional()
          .meta({ description: 'Models the budget could not price this period, most calls first.' }),
        highestKnownPrice: z
          .object({
            input: money('Highest known input price per million tokens, in the budget currency.'),
            output: money('Highest known output price per million tokens, in the budget currency.'),
            inputModel: z.string().max(256).meta({ description: 'Model with that input price.' }),
            outputModel: z.string().max(256).meta({ description: 'Model with that output price.' }),
          })
          .optional()
          .meta({
            description: 'The price unpriced calls are counted at (rule HighestKnownPrice, or Refuse).',
          }),
      })
      .optional()
      .meta({ description: 'Calls the budget could not price, and how it counted them (with limits.cost).' }),
    forecast: z
      .object({
        percent: z.int().min(0).meta({
          description:
            'Projected usage at the end of the period, as a whole percentage of the tightest limit.',
        }),
        tokens: count('Projected input plus output tokens at the end of the period.'),
        cost: money('Projected money spent at the end of the period, in the budget currency.').optional(),
        method: z.enum(FORECAST_METHODS).meta({
          description:
            "TimeOfDay (the rate so far, weighted by the hours of the day still to come, from the agents' hourly " +
            'usage of the last days) or Linear (the mean rate so far, without a full day of hourly usage).',
        }),
        aboveAlert: z.boolean().optional().meta({
          description:
            'The forecast reaches spec.forecast.alertPercent (once an hour of the period is counted).',
        }),
      })
      .optional()
      .meta({
        description: 'Where the period is heading; absent in its first minutes (too early to say).',
      }),
    suspendedWorkloads: z
      .array(
        z
          .object({
            kind: z
              .enum(['Deployment', 'StatefulSet', 'Job', 'CronJob'])
              .meta({ description: 'Workload kind.' }),
            name: z.string().max(253).meta({ description: 'Workload name.' }),
            previousReplicas: z
              .int()
              .min(0)
              .optional()
              .meta({ description: 'Replicas before suspension (Deployments, StatefulSets).' }),
          })
          .meta({ description: 'A workload this budget suspended.' }),
      )
      .max(256)
      .optional()
      .meta({ description: 'Workloads suspended by this budget, restored at reset.' }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'Observed usage, phase and actions of the budget.' });

export const tokenBudget = resource('TokenBudget', tokenBudgetSpec, tokenBudgetStatus);
export type TokenBudget = z.infer<typeof tokenBudget>;
export type TokenBudgetSpec = z.infer<typeof tokenBudgetSpec>;
export type TokenBudgetStatus = z.infer<typeof tokenBudgetStatus>;
