// The AgentUsageLedgers kept in Redis or Valkey: one hash per ledger, `doc` (the ledger's spec as
// JSON, with its list of the last MAX_INSTANCES instances' sequences) and `rev` (its revision), and
// beside it every instance's sequence without that bound (redis-instance-sequences.ts, ADR 0071).
// A write is one Lua script, run atomically: it writes only at the revision the writer read, checks
// that none of the batches it records was recorded before (a resend from an instance the ledger's
// list forgot), records their sequences with the counts, takes the next revision from one
// store-wide counter (a ledger deleted and created again never reuses an old revision) and
// publishes the ledger's name on the change channel (the operator's cache, redis-ledger-feed.ts).
// Counts and sequences change in one script, so the append-only file keeps or loses them together.
// Refusals answer in the API server's terms (409 Conflict / AlreadyExists, 404), so the one group
// committer (../ledger-committer.ts) serves both stores; a batch recorded before is
// `BatchesRecordedBefore`. The arithmetic itself stays in TypeScript (apis/ledger/apply-batch.ts):
// docs/adr/0060 says why.
import type { Redis } from 'ioredis';
import {
  BatchesRecordedBefore,
  type LedgerDocuments,
  type LedgerReader,
  type SequencesRecorded,
} from '../../agents/ledger-documents.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../../agents/policy-config-map.js';
import { AGENT_LABEL, API_VERSION } from '../../apis/group-version.js';
import type { AgentUsageLedger, UsageLedgerSpec } from '../../apis/usage-ledger.js';
import { ApiError } from '../../runtime/kube/api-error.js';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';
import {
  INSTANCE_SEQUENCE_RETENTION_MS,
  instanceSequenceKeys,
  recordedBefore,
  sequenceArguments,
} from './redis-instance-sequences.js';

export const KEY_PREFIX = 'agent-governor:';
export const LEDGER_PREFIX = `${KEY_PREFIX}ledger:`;
/** Carries `namespace/name` of every ledger written. */
export const LEDGER_CHANGES = `${KEY_PREFIX}ledger-changes`;
const REVISION_COUNTER = `${KEY_PREFIX}revision`;

/**
 * KEYS[1] the ledger, KEYS[2] the revision counter, KEYS[3] the instances' sequences (a hash),
 * KEYS[4] their last batches (a sorted set); ARGV[1] the revision read ('' to create), ARGV[2] the
 * spec JSON, ARGV[3] the change channel, ARGV[4] `namespace/name`, ARGV[5] now (epoch ms; '' when
 * the write records no batch), ARGV[6] forget instances silent since before, ARGV[7] the sequence
 * keys expire at, ARGV[8] at most so many forgotten, ARGV[9…] (instance, sequence) of each batch
 * recorded, in order. Every step is O(1) or O(log instances) per batch, plus the few forgotten.
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
local ids, seqs, seen = {}, {}, {}
if ARGV[5] ~= '' then
  local silent = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[6], 'LIMIT', 0, ARGV[8])
  if #silent > 0 then
    redis.call('HDEL', KEYS[3], unpack(silent))
    redis.call('ZREM', KEYS[4], unpack(silent))
  end
  local last, before = {}, {}
  for i = 9, #ARGV, 2 do
    local id = ARGV[i]
    if last[id] == nil then
      local stored = redis.call('HGET', KEYS[3], id)
      if stored and tonumber(ARGV[i + 1]) <= tonumber(stored) then
        before[#before + 1] = id
        before[#before + 1] = stored
      end
      ids[#ids + 1] = id
    end
    last[id] = ARGV[i + 1]
  end
  if #before > 0 then return {'recorded', rev or '', unpack(before)} end
  for _, id in ipairs(ids) do
    seqs[#seqs + 1] = id
    seqs[#seqs + 1] = last[id]
    seen[#seen + 1] = ARGV[5]
    seen[#seen + 1] = id
  end
end
local next = tostring(redis.call('INCR', KEYS[2]))
redis.call('HSET', KEYS[1], 'rev', next, 'doc', ARGV[2])
if #seqs > 0 then
  redis.call('HSET', KEYS[3], unpack(seqs))
  redis.call('ZADD', KEYS[4], unpack(seen))
  redis.call('PEXPIREAT', KEYS[3], ARGV[7])
  redis.call('PEXPIREAT', KEYS[4], ARGV[7])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return {'written', next}
`;

type CommitReply = [
  verdict: 'written' | 'exists' | 'missing' | 'conflict' | 'recorded',
  revision: string,
  ...recorded: string[],
];

interface WithCommit {
  commitLedger(...keysAndArgs: string[]): Promise<CommitReply>;
}

export interface RedisLedgerTableOptions {
  /** How long a silent instance's sequence is kept; default INSTANCE_SEQUENCE_RETENTION_MS (seven days). */
  instanceRetentionMs?: number;
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

  constructor(
    redis: Redis,
    private readonly options: RedisLedgerTableOptions = {},
  ) {
    // defineCommand runs the script by EVALSHA and loads it on NOSCRIPT (a restarted store).
    redis.defineCommand('commitLedger', { numberOfKeys: 4, lua: COMMIT_LEDGER_LUA });
    this.redis = redis as Redis & WithCommit;
  }

  async get(key: ObjectKey): Promise<AgentUsageLedger | undefined> {
    this.mustBeConnected(`read ${ledgerKey(key)}`);
    const [rev, doc] = await this.redis.hmget(ledgerKey(key), 'rev', 'doc');
    if (!rev || doc === null || doc === undefined) return undefined;
    return ledgerObject(key, rev, doc);
  }

  create(ledger: AgentUsageLedger, sequences?: SequencesRecorded): Promise<AgentUsageLedger> {
    return this.commit(ledger, '', sequences);
  }

  update(ledger: AgentUsageLedger, sequences?: SequencesRecorded): Promise<AgentUsageLedger> {
    const rev = ledger.metadata?.resourceVersion;
    if (!rev) {
      throw new Error(
        `update of ledger ${describe(keyOf(ledger))}: no metadata.resourceVersion (the revision read)`,
      );
    }
    return this.commit(ledger, rev, sequences);
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

  private async commit(
    ledger: AgentUsageLedger,
    expected: string,
    sequences: SequencesRecorded | undefined,
  ): Promise<AgentUsageLedger> {
    const key = keyOf(ledger);
    const where = `Redis key ${ledgerKey(key)}`;
    this.mustBeConnected(`write ${ledgerKey(key)}`);
    const [verdict, revision, ...recorded] = await this.redis.commitLedger(
      ledgerKey(key),
      REVISION_COUNTER,
      ...instanceSequenceKeys(key),
      expected,
      JSON.stringify(ledger.spec),
      LEDGER_CHANGES,
      describe(key),
      ...sequenceArguments(sequences, this.options.instanceRetentionMs ?? INSTANCE_SEQUENCE_RETENTION_MS),
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
      case 'recorded': {
        const [sequencesKey] = instanceSequenceKeys(key);
        throw new BatchesRecordedBefore(
          `${expected ? 'update' : 'create'} ${where}`,
          recordedBefore(recorded, `Redis key ${sequencesKey}`),
        );
      }
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
