import { z } from 'zod';
import { window } from '../duration.js';
import { mapList, setList } from '../list-types.js';
import { alertWebhook } from '../token-budget.js';
import { withRules } from '../validation-rule.js';

/**
 * `spec.drift` and `status.drift` of an AgentSLO (docs/adr/0056-drift-against-a-baseline.md): per
 * agent, the shape of its calls in a recent window compared with a baseline by a named statistic.
 */
export const DRIFT_STATISTICS = ['PSI', 'KS'] as const;
export type DriftStatistic = (typeof DRIFT_STATISTICS)[number];

/** What drift compares: three histograms, the finish reasons and four rates. */
export const DRIFT_SIGNALS = [
  'promptTokens',
  'completionTokens',
  'latency',
  'finishReasons',
  'refusalRate',
  'errorRate',
  'toolCallRate',
  'reAskRate',
] as const;
export type DriftSignal = (typeof DRIFT_SIGNALS)[number];

export const DRIFT_ACTIONS = ['Alert', 'Evaluate'] as const;

/** Threshold when the spec sets none: PSI's "major shift", and a KS gap of a fifth. */
export const DEFAULT_DRIFT_THRESHOLD: Readonly<Record<DriftStatistic, number>> = { PSI: 0.25, KS: 0.2 };
/** Agents listed in status.drift; the others are counted in the condition only. */
export const MAX_DRIFT_AGENTS = 32;

const threshold = (description: string) =>
  z
    .string()
    .max(16)
    .regex(/^[0-9]+(\.[0-9]+)?$/, { message: 'must be a decimal such as 0.25' })
    .meta({ description });

const baseline = withRules(
  z.object({
    last: window(
      'The baseline is this long, ending where the window begins, e.g. 7d (default when nothing is set).',
    ).optional(),
    start: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'A fixed baseline: its start (with end).', format: 'date-time' }),
    end: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'A fixed baseline: its end (with start).', format: 'date-time' }),
  }),
  'What the window is compared with: the span before it (last) or a fixed earlier span (start, end).',
  [
    {
      rule: 'has(self.last) ? !has(self.start) && !has(self.end) : has(self.start) == has(self.end)',
      message: 'set baseline.last, or both baseline.start and baseline.end',
      holds: (b) =>
        b.last !== undefined
          ? b.start === undefined && b.end === undefined
          : (b.start === undefined) === (b.end === undefined),
    },
    {
      rule: '!has(self.start) || !has(self.end) || timestamp(self.start) < timestamp(self.end)',
      message: 'baseline.start must be before baseline.end',
      holds: (b) => b.start === undefined || b.end === undefined || Date.parse(b.start) < Date.parse(b.end),
    },
  ],
);

export const driftSpec = z
  .object({
    statistic: z
      .enum(DRIFT_STATISTICS)
      .default('PSI')
      .meta({ description: 'PSI (population stability index) or KS (Kolmogorov–Smirnov statistic).' }),
    window: window(
      'The recent span compared, in whole minutes at least 1m, e.g. 1h; it ends with the current (partial) minute.',
    ).default('1h'),
    baseline: baseline.default({ last: '7d' }),
    signals: setList(
      z.enum(DRIFT_SIGNALS),
      'Signals compared: promptTokens, completionTokens, latency (histograms), finishReasons, ' +
        'refusalRate, errorRate, toolCallRate, reAskRate. Default: all.',
      DRIFT_SIGNALS.length,
    )
      .min(1)
      .default([...DRIFT_SIGNALS]),
    threshold: threshold(
      'A signal drifts when its score reaches this; default 0.25 for PSI, 0.2 for KS.',
    ).optional(),
    thresholds: mapList(
      z
        .object({
          signal: z.enum(DRIFT_SIGNALS).meta({ description: 'The signal.' }),
          threshold: threshold('Its threshold, instead of spec.drift.threshold.'),
        })
        .meta({ description: 'A threshold for one signal.' }),
      'signal',
      'Thresholds per signal.',
      DRIFT_SIGNALS.length,
    ).optional(),
    minSamples: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(30)
      .meta({ description: 'Calls the window and the baseline each need before a signal is scored.' }),
    actions: setList(
      z.enum(DRIFT_ACTIONS),
      'When an agent starts drifting: Alert (a Warning Event DriftDetected and a signed POST to each webhook), ' +
        'Evaluate (annotate the EvaluationGates selecting the agent with governor.agents.dev/evaluate-requested-at).',
      2,
    ).default(['Alert']),
    webhooks: mapList(
      alertWebhook,
      'name',
      'Where Alert posts drift alerts (signed like budget alerts).',
      8,
    ).optional(),
  })
  .meta({ description: "Drift: each agent's calls in the window compared with its baseline." });

const instant = (description: string) => z.string().max(32).meta({ description, format: 'date-time' });

export const driftStatus = z
  .object({
    statistic: z.enum(DRIFT_STATISTICS).meta({ description: 'The statistic of the scores.' }),
    agents: z
      .array(
        z
          .object({
            agent: z.string().max(63).meta({ description: 'Agent name.' }),
            scores: z
              .array(
                z
                  .object({
                    signal: z.enum(DRIFT_SIGNALS).meta({ description: 'The signal.' }),
                    score: z.string().max(16).optional().meta({
                      description:
                        'The statistic, e.g. "0.412"; absent while a side has fewer than minSamples calls.',
                    }),
                    windowSamples: z.int().min(0).meta({ description: 'Calls in the window.' }),
                    baselineSamples: z.int().min(0).meta({ description: 'Calls in the baseline.' }),
                  })
                  .meta({ description: 'The score of one signal.' }),
              )
              .max(DRIFT_SIGNALS.length)
              .meta({
                description: 'Score per signal.',
                'x-kubernetes-list-type': 'map',
                'x-kubernetes-list-map-keys': ['signal'],
              }),
            drifting: z
              .array(z.enum(DRIFT_SIGNALS))
              .max(DRIFT_SIGNALS.length)
              .meta({ description: 'Signals whose score reached their threshold.' }),
            since: instant('When the agent started drifting (absent while it does not).').optional(),
          })
          .meta({ description: 'Drift of one agent.' }),
      )
      .max(MAX_DRIFT_AGENTS)
      .meta({
        description: 'Per agent, the scores and the drifting signals.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['agent'],
      }),
  })
  .meta({ description: 'Drift scores of the selected agents.' });

export type DriftSpec = z.infer<typeof driftSpec>;
export type DriftStatus = z.infer<typeof driftStatus>;
export type AgentDrift = DriftStatus['agents'][number];
