import { z } from 'zod';
import { conditions, observedGeneration } from './condition.js';
import { duration } from './duration.js';
import { resource } from './resource.js';
import { LEDGER_RETENTION_DAYS } from './usage-ledger.js';

/**
 * `RetentionPolicy` (cluster-scoped, one named `default`): how long the product keeps each kind of
 * data it stores. The operator enforces it — usage history in the AgentUsageLedgers is cut to
 * `usageHistory`, every route's response cache lives at most `responseCache`, sidecars drop
 * spooled usage batches the operator refused after `rejectedUsage` — and reports what it removed
 * (status, the `governor_retention_removed_total` metric, Events). Without one the built-in limits
 * hold (92 days of usage history, the routes' own cache TTLs, 7 days of refused batches).
 */

export const RETENTION_POLICY_NAME = 'default';

/** Kinds of stored data a RetentionPolicy sets a limit for. */
export const RETAINED_DATA = ['usageHistory', 'responseCache'] as const;
export type RetainedData = (typeof RETAINED_DATA)[number];

/** 1 to 92 days (the ledger keeps no more): `30d`. */
const usageDays = z
  .string()
  .max(8)
  .regex(/^([1-9]|[1-8][0-9]|9[0-2])d$/, {
    message: `must be a number of days from 1d to ${LEDGER_RETENTION_DAYS}d, such as 30d`,
  });

export const retentionPolicySpec = z
  .object({
    usageHistory: usageDays
      .meta({
        description: `How long usage history (day buckets, hourly usage per use case, budget periods, observed targets) stays in the AgentUsageLedgers: 1d to ${LEDGER_RETENTION_DAYS}d (the ledger keeps no more).`,
      })
      .default(`${LEDGER_RETENTION_DAYS}d`),
    responseCache: duration(
      'Longest a cached LLM answer (which repeats what the prompt asked) stays in a sidecar cache; a route asking for longer is cut to this.',
    ).default('1h'),
  })
  .meta({ description: 'How long each kind of stored data is kept.' });

const retained = z
  .object({
    data: z.enum(RETAINED_DATA).meta({ description: 'The kind of stored data.' }),
    limit: z.string().max(32).meta({ description: 'How long it is kept.' }),
    enforcedBy: z.string().max(256).meta({ description: 'What enforces it.' }),
    removed: z.int().min(0).optional().meta({ description: 'Items removed since the operator started.' }),
  })
  .meta({ description: 'One retention setting as enforced.' });

export const retentionPolicyStatus = z
  .object({
    settings: z.array(retained).max(8).optional().meta({ description: 'Each setting, as enforced.' }),
    lastEnforcedTime: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'When retention was last enforced (RFC 3339).', format: 'date-time' }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'What is kept how long, and what was removed.' });

export const retentionPolicy = resource('RetentionPolicy', retentionPolicySpec, retentionPolicyStatus);
export type RetentionPolicy = z.infer<typeof retentionPolicy>;
export type RetentionPolicySpec = z.infer<typeof retentionPolicySpec>;
