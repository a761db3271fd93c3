// How this process comes to lead, for the manager: a Lease election (docs/adr/0011) or — without
// election, one replica only — a single term from start to stop. Either way the manager hears
// "started leading (term)" and "stopped leading", and `stop()` ends the term: the election releases
// the Lease so a standby takes over at once.
import type { Logger } from 'pino';
import type { InformerSet } from '../informer/informer-set.js';
import { ApiTransport } from '../kube/api-transport.js';
import { createKubeClient } from '../kube/kube-client.js';
import type { KubeConnection } from '../kube/kube-connection.js';
import { leases } from '../kube/resources.js';
import { type LeaderElectionTiming, LeaderElector } from '../leader/leader-elector.js';

export type LeaderElection = false | { leaseName: string; timing?: Partial<LeaderElectionTiming> };

export interface LeadershipOptions {
  election: LeaderElection;
  connection: KubeConnection;
  /** Where the Lease lives. */
  namespace: string;
  identity: string;
  fieldManager: string;
  informers: InformerSet;
  log: Logger;
  onStartedLeading(term: AbortSignal): void;
  onStoppedLeading(): void;
}

export class Leadership {
  /** `namespace/name` of the Lease, or undefined without election. */
  readonly lease: string | undefined;
  private readonly elector: LeaderElector | undefined;
  // The Lease is renewed over a connection of its own: a burst of controller writes queued on the
  // shared pool must never delay a renewal past the renew deadline (lost leadership restarts every
  // controller, which makes the next burst).
  private readonly transport: ApiTransport | undefined;
  private soloTerm: AbortController | undefined;

  constructor(private readonly options: LeadershipOptions) {
    const election = options.election;
    if (!election) {
      this.lease = undefined;
      return;
    }
    this.lease = `${options.namespace}/${election.leaseName}`;
    this.transport = new ApiTransport(options.connection, 'agent-governor-operator', 1);
    this.elector = new LeaderElector({
      client: createKubeClient(this.transport, { fieldManager: options.fieldManager }),
      namespace: options.namespace,
      name: election.leaseName,
      identity: options.identity,
      log: options.log,
      ...(election.timing ? { timing: election.timing } : {}),
      onStartedLeading: (term) => options.onStartedLeading(term),
      onStoppedLeading: () => options.onStoppedLeading(),
    });
    // Watching the Lease lets a standby try at once when the leader releases it.
    const nudge = this.elector.nudge.bind(this.elector);
    options.informers
      .informer({
        resource: leases,
        namespace: options.namespace,
        fieldSelector: `metadata.name=${election.leaseName}`,
      })
      .on({ add: nudge, update: nudge, delete: nudge });
  }

  /** Competes for the Lease, or — without election — leads from now on. */
  start(): void {
    if (this.elector) {
      this.elector.start();
      return;
    }
    this.soloTerm = new AbortController();
    this.options.onStartedLeading(this.soloTerm.signal);
  }

  /** Ends the term (aborting its requests) and hands the Lease to a standby. */
  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop({ release: true });
    if (this.soloTerm) {
      this.soloTerm.abort(new Error('shutting down'));
      this.soloTerm = undefined;
      this.options.onStoppedLeading();
    }
  }

  /** Closes the Lease's connection (after stop, or when start-up failed). */
  async close(): Promise<void> {
    await this.transport?.close();
  }
}
