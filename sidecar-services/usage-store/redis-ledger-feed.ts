// Fills the operator's AgentUsageLedger cache from the shared store instead of the API server's
// watch, so the TokenBudget, AgentSLO and FallbackRoute controllers read ledgers and are requeued
// exactly as with the embedded store. List: SCAN the ledger keys. Watch: SUBSCRIBE to the change
// channel the commit script publishes on, then read every ledger once (what changed between the
// list and the subscription), then read each ledger named on the channel — changes that arrive
// while a read is under way are coalesced into the next one. Pub/sub delivers at most once: a
// dropped connection ends the watch with an error, and the informer's next watch reads everything
// again; the watch also ends after its timeout, so a lost message costs at most that long.
import type { Redis } from 'ioredis';
import { AGENT_LABEL, API_VERSION } from '../../apis/group-version.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import type { Listed, Selection, WatchOptions } from '../../runtime/informer/list-watch.js';
import type { ListWatchSource } from '../../runtime/informer/list-watch-source.js';
import type { WatchEvent } from '../../runtime/informer/watch-event.js';
import { formatKey, type ObjectKey } from '../../runtime/kube/kube-object.js';
import { LEDGER_CHANGES, ledgerKeyOf, type RedisLedgerTable } from './redis-ledger-table.js';

type LedgerEvent = WatchEvent<AgentUsageLedger>;

export interface RedisLedgerFeedOptions {
  /** Longest a watch lasts before everything is read again; default the informer's timeout. */
  maxWatchMs?: number;
}

export class RedisLedgerFeed implements ListWatchSource<AgentUsageLedger> {
  /** The ledgers the informer holds, as far as this feed told it (to report deletions). */
  private readonly known = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly table: RedisLedgerTable,
    private readonly options: RedisLedgerFeedOptions = {},
  ) {}

  async list(selection: Selection): Promise<Listed<AgentUsageLedger>> {
    const items = await this.table.list(selection.namespace);
    this.known.clear();
    for (const ledger of items) this.known.add(nameOf(ledger));
    return { items, resourceVersion: '' };
  }

  async *watch(selection: Selection, options: WatchOptions): AsyncGenerator<LedgerEvent> {
    const { signal } = options;
    const subscriber = this.redis.duplicate();
    const dirty = new Set<string>();
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const poke = () => {
      wake?.();
      wake = undefined;
    };
    subscriber.on('message', (_channel: string, member: string) => {
      dirty.add(member);
      poke();
    });
    subscriber.on('error', (err: Error) => {
      failure ??= new Error(`the ledger change subscription failed: ${err.message}`);
      poke();
    });
    subscriber.on('close', () => {
      failure ??= new Error('the ledger change subscription lost its connection; reading every ledger again');
      poke();
    });
    const onAbort = () => poke();
    signal.addEventListener('abort', onAbort, { once: true });
    const endsAt = Date.now() + (this.options.maxWatchMs ?? options.timeoutSeconds * 1000);
    try {
      await subscriber.subscribe(LEDGER_CHANGES);
      yield* this.readAll(selection);
      while (!signal.aborted) {
        if (failure) throw failure;
        if (dirty.size === 0) {
          const left = endsAt - Date.now();
          if (left <= 0) return;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          continue;
        }
        const keys = [...dirty]
          .flatMap((member) => ledgerKeyOf(member) ?? [])
          .filter((k) => selects(selection, k));
        dirty.clear();
        yield* this.changes(keys, await this.table.read(keys));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      subscriber.removeAllListeners();
      subscriber.on('error', () => {});
      subscriber.disconnect();
    }
  }

  /** Every ledger again: changes since the list (the informer drops the unchanged ones), and deletions. */
  private async *readAll(selection: Selection): AsyncGenerator<LedgerEvent> {
    const ledgers = await this.table.list(selection.namespace);
    const present = new Set(ledgers.map(nameOf));
    const gone = [...this.known].filter((name) => !present.has(name)).map((name) => ledgerKeyOf(name)!);
    yield* this.changes(gone, ledgers);
  }

  private *changes(asked: readonly ObjectKey[], found: readonly AgentUsageLedger[]): Generator<LedgerEvent> {
    const present = new Set<string>();
    for (const ledger of found) {
      const name = nameOf(ledger);
      present.add(name);
      this.known.add(name);
      yield { type: 'MODIFIED', object: ledger, resourceVersion: ledger.metadata?.resourceVersion ?? '' };
    }
    for (const key of asked) {
      const name = formatKey(key);
      if (present.has(name) || !this.known.delete(name)) continue;
      yield { type: 'DELETED', object: deleted(key), resourceVersion: '' };
    }
  }
}

function nameOf(ledger: AgentUsageLedger): string {
  return formatKey({ namespace: ledger.metadata?.namespace ?? '', name: ledger.metadata?.name ?? '' });
}

function selects(selection: Selection, key: ObjectKey): boolean {
  return selection.namespace === undefined || selection.namespace === key.namespace;
}

/** What the informer needs to drop a ledger from its cache: its kind and key. */
function deleted(key: ObjectKey): AgentUsageLedger {
  return {
    apiVersion: API_VERSION,
    kind: 'AgentUsageLedger',
    metadata: { namespace: key.namespace ?? '', name: key.name, labels: { [AGENT_LABEL]: '' } },
    spec: undefined as unknown as AgentUsageLedger['spec'],
  };
}
