// The AgentUsageLedgers kept in Redis or Valkey: one hash per ledger, `doc` (the ledger's spec as
// JSON, instance sequences included) and `rev` (its revision). Counts and the dedup state are one
// value under one key, so whatever the store keeps or loses, it keeps or loses both together.
// A write is one Lua script, run atomically: it writes only at the revision the writer read, takes
// the next revision from one store-wide counter (a ledger deleted and created again never reuses
// an old revision) and publishes the ledger's name on the change channel (the operator's cache,
// redis-ledger-feed.ts). Refusals answer in the API server's terms (409 Conflict / AlreadyExists,
// 404), so the one group committer (../ledger-committer.ts) serves both stores. The arithmetic
// itself stays in TypeScript (apis/ledger/apply-batch.ts): docs/adr/0060 says why.
import type { Redis } from 'ioredis';
import type { LedgerDocuments, LedgerReader } from '../../agents/ledger-documents.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../../agents/policy-config-map.js';
import { AGENT_LABEL, API_VERSION } from '../../apis/group-version.js';
import type { AgentUsageLedger, UsageLedgerSpec } from '../../apis/usage-ledger.js';
import { ApiError } from '../../runtime/kube/api-error.js';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';

export const KEY_PREFIX = 'agent-governor:';
export const LEDGER_PREFIX = `${KEY_PREFIX}ledger:`;
/** Carries `namespace/name` of every ledger written. */
export const LEDGER_CHANGES = `${KEY_PREFIX}ledger-changes`;
const REVISION_COUNTER = `${KEY_PREFIX}revision`;

/**
 * KEYS[1] the ledger, KEYS[2] the revision counter; ARGV[1] the revision read ('' to create),
 * ARGV[2] the spec JSON, ARGV[3] the change channel, ARGV[4] `namespace/name`.
 */
export const COMMIT_LEDGER_LUA = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] == '' then
  if rev then return {'exists', rev} end
elseif not rev then
  return {'missing', ''}
elseif rev ~= ARGV[1] then
  return {'conflict', rev}
end
local next = tostring(redis.call('INCR', KEYS[2]))
redis.call('HSET', KEYS[1], 'rev', next, 'doc', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return {'written', next}
`;

type CommitReply = [verdict: 'written' | 'exists' | 'missing' | 'conflict', revision: string];

interface WithCommit {
  commitLedger(
    ledgerKey: string,
    counter: string,
    rev: string,
    doc: string,
    channel: string,
    member: string,
  ): Promise<CommitReply>;
}

/** `agent-governor:ledger:<namespace>/<name>`. */
export function ledgerKey(key: ObjectKey): string {
  return `${LEDGER_PREFIX}${key.namespace ?? ''}/${key.name}`;
}

/** The `namespace/name` of a ledger key or change message; undefined for anything else. */
export function ledgerKeyOf(member: string): ObjectKey | undefined {
  const slash = member.indexOf('/');
  if (slash <= 0 || slash === member.length - 1) return undefined;
  return { namespace: member.slice(0, slash), name: member.slice(slash + 1) };
}

/** The stored hash as the AgentUsageLedger object every reader knows. */
export function ledgerObject(key: ObjectKey, revision: string, doc: string): AgentUsageLedger {
  let spec: UsageLedgerSpec;
  try {
    spec = JSON.parse(doc) as UsageLedgerSpec;
  } catch (err) {
    throw new Error(
      `Redis key ${ledgerKey(key)}: field doc is not JSON (${(err as Error).message}); ` +
        'it is written only by the operator: delete the key to start the ledger anew',
    );
  }
  return {
    apiVersion: API_VERSION,
    kind: 'AgentUsageLedger',
    metadata: {
      namespace: key.namespace ?? '',
      name: key.name,
      resourceVersion: revision,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [AGENT_LABEL]: spec.agent },
    },
    spec,
  };
}

export class RedisLedgerTable implements LedgerDocuments, LedgerReader {
  private readonly redis: Redis & WithCommit;

  constructor(redis: Redis) {
    // defineCommand runs the script by EVALSHA and loads it on NOSCRIPT (a restarted store).
    redis.defineCommand('commitLedger', { numberOfKeys: 2, lua: COMMIT_LEDGER_LUA });
    this.redis = redis as Redis & WithCommit;
  }

  async get(key: ObjectKey): Promise<AgentUsageLedger | undefined> {
    this.mustBeConnected(`read ${ledgerKey(key)}`);
    const [rev, doc] = await this.redis.hmget(ledgerKey(key), 'rev', 'doc');
    if (!rev || doc === null || doc === undefined) return undefined;
    return ledgerObject(key, rev, doc);
  }

  create(ledger: AgentUsageLedger): Promise<AgentUsageLedger> {
    return this.commit(ledger, '');
  }

  update(ledger: AgentUsageLedger): Promise<AgentUsageLedger> {
    const rev = ledger.metadata?.resourceVersion;
    if (!rev) {
      throw new Error(
        `update of ledger ${describe(keyOf(ledger))}: no metadata.resourceVersion (the revision read)`,
      );
    }
    return this.commit(ledger, rev);
  }

  /** Every ledger, or those of one namespace (SCAN, then one HMGET each, pipelined). */
  async list(namespace?: string): Promise<AgentUsageLedger[]> {
    const match = `${LEDGER_PREFIX}${namespace === undefined ? '' : `${namespace}/`}*`;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return this.read([...new Set(keys)].flatMap((k) => ledgerKeyOf(k.slice(LEDGER_PREFIX.length)) ?? []));
  }

  /** The ledgers of `keys` as stored now; absent ones are left out. */
  async read(keys: readonly ObjectKey[]): Promise<AgentUsageLedger[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(ledgerKey(key), 'rev', 'doc');
    const replies = (await pipeline.exec()) ?? [];
    const ledgers: AgentUsageLedger[] = [];
    for (const [i, [err, reply]] of replies.entries()) {
      if (err) throw err;
      const [rev, doc] = reply as [string | null, string | null];
      if (rev && doc !== null) ledgers.push(ledgerObject(keys[i]!, rev, doc));
    }
    return ledgers;
  }

  /**
   * While the connection is down a command would wait in the client's queue; the committer would
   * rather fail at once, answer 503 within its attempts and let the sidecar's spool resend.
   */
  private mustBeConnected(what: string): void {
    const status = this.redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new Error(`${what}: the usage store is not connected (${status}); retry`);
    }
  }

  private async commit(ledger: AgentUsageLedger, expected: string): Promise<AgentUsageLedger> {
    const key = keyOf(ledger);
    const where = `Redis key ${ledgerKey(key)}`;
    this.mustBeConnected(`write ${ledgerKey(key)}`);
    const [verdict, revision] = await this.redis.commitLedger(
      ledgerKey(key),
      REVISION_COUNTER,
      expected,
      JSON.stringify(ledger.spec),
      LEDGER_CHANGES,
      describe(key),
    );
    switch (verdict) {
      case 'written':
        return { ...ledger, metadata: { ...ledger.metadata, resourceVersion: revision } };
      case 'exists':
        throw new ApiError(
          `create ${where}`,
          409,
          'AlreadyExists',
          `the ledger exists (revision ${revision})`,
        );
      case 'missing':
        throw new ApiError(`update ${where}`, 404, 'NotFound', 'the ledger is not in the store');
      default:
        throw new ApiError(
          `update ${where}`,
          409,
          'Conflict',
          `the ledger is at revision ${revision}, not ${expected} as read: read it again`,
        );
    }
  }
}

function keyOf(ledger: AgentUsageLedger): ObjectKey {
  return { namespace: ledger.metadata?.namespace ?? '', name: ledger.metadata?.name ?? '' };
}

function describe(key: ObjectKey): string {
  return `${key.namespace ?? ''}/${key.name}`;
}
