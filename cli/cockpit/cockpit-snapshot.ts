// One read of what the cockpit shows, with the cockpit's own credentials (list TokenBudgets,
// AgentUsageLedgers and AgentSLOs, in every namespace or one; DataResidencyPolicies), shared by every
// page and event stream and read again once it is older than the refresh interval. The ledgers come
// from the usage store: the API server by default, Redis/Valkey with --usage-store redis.
import { agentSLOs, dataResidencyPolicies, tokenBudgets } from '../../agents/governor-resources.js';
import { apiServerLedgerReader, type LedgerReader } from '../../agents/ledger-documents.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { CockpitSnapshot } from './cockpit-view.js';

export async function readCockpitSnapshot(
  client: KubeClient,
  namespace?: string,
  ledgerReader: LedgerReader = apiServerLedgerReader(client),
): Promise<CockpitSnapshot> {
  const options = namespace ? { namespace } : {};
  const [budgets, ledgers, slos, residencyPolicies] = await Promise.all([
    client.list(tokenBudgets, options),
    ledgerReader.list(namespace),
    client.list(agentSLOs, options),
    client.list(dataResidencyPolicies),
  ]);
  return { budgets, ledgers, slos, residencyPolicies };
}

/** Every namespace the snapshot has something of: the candidates a person's access is asked for. */
export function snapshotNamespaces(snapshot: CockpitSnapshot, only?: string): string[] {
  const found = new Set<string>();
  for (const list of [snapshot.budgets, snapshot.ledgers, snapshot.slos]) {
    for (const object of list) if (object.metadata.namespace) found.add(object.metadata.namespace);
  }
  for (const policy of snapshot.residencyPolicies) {
    for (const refusal of policy.status?.refusals ?? []) found.add(refusal.namespace);
  }
  return [...found].filter((n) => only === undefined || n === only).sort();
}

/** The snapshot, read at most once per `refreshMs` however many pages and streams ask. */
export class SnapshotSource {
  private last: { snapshot: CockpitSnapshot; at: number } | undefined;
  private reading: Promise<CockpitSnapshot> | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly refreshMs: number,
    private readonly namespace?: string,
    private readonly ledgers: LedgerReader = apiServerLedgerReader(client),
  ) {}

  async current(): Promise<CockpitSnapshot> {
    if (this.last && Date.now() - this.last.at < this.refreshMs) return this.last.snapshot;
    this.reading ??= readCockpitSnapshot(this.client, this.namespace, this.ledgers)
      .then((snapshot) => {
        this.last = { snapshot, at: Date.now() };
        return snapshot;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
