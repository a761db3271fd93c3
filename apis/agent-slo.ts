import { z } from 'zod';
import { objectivePercent, percent } from './amounts.js';
import { conditions, observedGeneration } from './condition.js';
import { driftSpec, driftStatus } from './drift/drift-spec.js';
import { duration, window } from './duration.js';
import { labelSelector } from './label-selector.js';
import { setList } from './list-types.js';
import { localRef } from './references.js';
import { resource } from './resource.js';
import { withRules } from './validation-rule.js';

export const FAILURE_OUTCOMES = ['ServerError', 'Timeout', 'StaticFallback', 'Rejected'] as const;
export const FAST_BURN_ACTIONS = ['SwitchToFallback', 'ShedNonCritical', 'LowerReasoningBudget'] as const;
/** Windows the burn rate is reported over (SRE workbook multiwindow, multi-burn-rate alerts). */
export const BURN_RATE_WINDOWS = ['5m', '30m', '1h', '6h', '1d', '3d'] as const;

const objectives = withRules(
  z.object({
    latency: z
      .object({
        threshold: duration('A call is fast when it answers within this time, e.g. 1s.'),
        target: objectivePercent('Percentage of calls that must be fast, e.g. "95" for P95 < threshold.'),
      })
      .optional()
      .meta({ description: 'Latency objective: target % of calls answer within threshold.' }),
    success: z
      .object({
        target: objectivePercent('Percentage of calls that must succeed, e.g. "99.5".'),
        countAsFailure: setList(
          z.enum(FAILURE_OUTCOMES),
          'Outcomes that count as failed calls: ServerError (5xx after fallbacks), Timeout, ' +
            'StaticFallback (answered by the static last resort), Rejected (refused by a budget).',
          4,
        )
          .min(1)
          .default(['ServerError', 'Timeout']),
      })
      .optional()
      .meta({ description: 'Success objective: target % of calls succeed.' }),
  }),
  'What the selected agents must achieve over the window.',
  [
    {
      rule: 'has(self.latency) || has(self.success)',
      message: 'set objectives.latency, objectives.success or both',
      holds: (o) => o.latency !== undefined || o.success !== undefined,
    },
  ],
);

const onFastBurn = z
  .object({
    actions: setList(
      z.enum(FAST_BURN_ACTIONS),
      'SwitchToFallback (send traffic to the next route target), ShedNonCritical (refuse calls of ' +
        'non-critical agents), LowerReasoningBudget (scale per-request token limits down).',
      3,
    ).min(1),
    fallbackRouteRef: localRef(
      'Route whose next target SwitchToFallback uses; default: every route of the agent.',
      'FallbackRoute',
    ).optional(),
    reasoningBudgetPercent: percent(
      'Share of the normal reasoning budget kept by LowerReasoningBudget.',
    ).default(50),
    switchBackAfter: duration(
      'How long fast burn must stay cleared before SwitchToFallback is lifted and calls go back to the ' +
        'first target (hysteresis against flapping), e.g. 5m.',
    ).default('5m'),
  })
  .meta({
    description:
      'What to do while the error budget burns fast (14.4x over both 1h and 5m); reverted when it clears.',
  });

export const agentSLOSpec = z
  .object({
    agentSelector: labelSelector(
      'Selects the agents (by pod-template labels) in this namespace the objective covers.',
    ),
    window: window('Rolling window the objectives and the error budget are computed over.').default('28d'),
    objectives,
    prometheusRule: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .meta({ description: 'Generate rules when the PrometheusRule CRD exists.' }),
        labels: z
          .record(z.string(), z.string().max(63))
          .optional()
          .meta({ description: 'Extra labels on the PrometheusRule, e.g. for the Prometheus ruleSelector.' }),
      })
      .optional()
      .meta({
        description:
          'Recording rules and multiwindow multi-burn-rate alerts as a PrometheusRule owned by the SLO.',
      }),
    onFastBurn: onFastBurn.optional(),
    drift: driftSpec.optional(),
  })
  .meta({ description: 'Latency and success objectives for the selected agents.' });

const burnRate = z
  .object({
    window: z.enum(BURN_RATE_WINDOWS).meta({ description: 'Window the rate is measured over.' }),
    rate: z
      .string()
      .max(16)
      .meta({ description: 'Error budget burn rate, 1 = exactly on budget, e.g. "2.35".' }),
  })
  .meta({ description: 'Burn rate over one window.' });

export const agentSLOStatus = z
  .object({
    latency: z
      .object({
        observed: z
          .string()
          .max(32)
          .optional()
          .meta({ description: 'Latency at the target percentile over the window, e.g. 870ms.' }),
        goodPercent: z
          .string()
          .max(16)
          .optional()
          .meta({ description: 'Percentage of fast calls over the window.' }),
      })
      .optional()
      .meta({ description: 'Observed latency.' }),
    success: z
      .object({
        observedPercent: z
          .string()
          .max(16)
          .optional()
          .meta({ description: 'Percentage of successful calls over the window.' }),
      })
      .optional()
      .meta({ description: 'Observed success.' }),
    errorBudgetRemainingPercent: z
      .string()
      .max(16)
      .optional()
      .meta({ description: 'Share of the error budget left, in percent (negative when overspent).' }),
    burnRates: z
      .array(burnRate)
      .max(6)
      .optional()
      .meta({
        description: 'Burn rates per window.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['window'],
      }),
    fastBurn: z
      .boolean()
      .optional()
      .meta({ description: 'True while the fast-burn condition holds and its actions are applied.' }),
    switchedToFallback: z
      .object({
        since: z.string().max(32).meta({
          description: 'When fast burn switched the calls to the next target.',
          format: 'date-time',
        }),
        fastBurnClearedAt: z.string().max(32).optional().meta({
          description:
            'When fast burn last cleared; the switch is lifted once it stays cleared for onFastBurn.switchBackAfter.',
          format: 'date-time',
        }),
      })
      .optional()
      .meta({
        description:
          "Present while SwitchToFallback is in force: the agents' calls go to the next route target.",
      }),
    drift: driftStatus.optional(),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'Observed SLIs, error budget and burn rates.' });

export const agentSLO = resource('AgentSLO', agentSLOSpec, agentSLOStatus);
export type AgentSLO = z.infer<typeof agentSLO>;
export type AgentSLOSpec = z.infer<typeof agentSLOSpec>;
