// The retention of each kind of data the product stores, as a RetentionPolicy sets it or, without
// one, as built in (pure). The operator enforces these (controllers/retention/); reports show them.

import { parseDuration } from '../apis/duration.js';
import { RETAINED_DATA, type RetainedData, type RetentionPolicy } from '../apis/retention-policy.js';
import { LEDGER_RETENTION_DAYS } from '../apis/usage-ledger.js';

export interface RetentionSetting {
  data: RetainedData;
  /** What the data is, for people. */
  what: string;
  limit: string;
  enforcedBy: string;
  /** Whether it may hold prompt text (then it is encrypted at rest, or never stored). */
  mayHoldPrompts: boolean;
  removed?: number;
}

const WHAT: Record<
  RetainedData,
  { what: string; enforcedBy: string; mayHoldPrompts: boolean; builtIn: string }
> = {
  usageHistory: {
    what: 'Usage history in AgentUsageLedgers (day buckets, budget periods): token counts, never prompts',
    enforcedBy: 'the operator, which cuts older buckets and periods out of every ledger',
    mayHoldPrompts: false,
    builtIn: `${LEDGER_RETENTION_DAYS}d`,
  },
  responseCache: {
    what: "Sidecar response caches (in memory): answers that may repeat a prompt's content",
    enforcedBy: 'the policy compiler, which caps every route cache TTL in the policies sidecars receive',
    mayHoldPrompts: true,
    builtIn: "the route's own cache.ttl",
  },
};

export function retentionSettings(policy: RetentionPolicy | undefined): RetentionSetting[] {
  return RETAINED_DATA.map((data) => {
    const known = WHAT[data];
    const removed = policy?.status?.settings?.find((s) => s.data === data)?.removed;
    return {
      data,
      what: known.what,
      limit: policy ? String(policy.spec[data]) : `${known.builtIn} (built in: no RetentionPolicy)`,
      enforcedBy: known.enforcedBy,
      mayHoldPrompts: known.mayHoldPrompts,
      ...(removed !== undefined ? { removed } : {}),
    };
  });
}

/** The longest a route cache may keep an answer under the RetentionPolicy (ms); undefined without one. */
export function responseCacheLimitMs(policy: RetentionPolicy | undefined): number | undefined {
  if (!policy || policy.metadata?.deletionTimestamp) return undefined;
  const ms = parseDuration(policy.spec.responseCache);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** How many days of usage history the RetentionPolicy keeps; the ledger's own limit without one. */
export function usageHistoryDays(policy: RetentionPolicy | undefined): number {
  const days = policy ? Number.parseInt(String(policy.spec.usageHistory), 10) : Number.NaN;
  return Number.isFinite(days) && days > 0 ? Math.min(days, LEDGER_RETENTION_DAYS) : LEDGER_RETENTION_DAYS;
}
