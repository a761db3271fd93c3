// The second kind of plug-in, beside controllers: a long-running service in the operator process
// (the policy long-poll and usage ingest servers, the admission webhook server). A service runs
// from start-up to shutdown, or — `leaderOnly` — only while this process leads.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { InformerSet } from '../informer/informer-set.js';
import type { KubeClient } from '../kube/kube-client.js';

export interface ServiceContext {
  /** Bound to `signal`: refuses to act once it fires. */
  client: KubeClient;
  /** Shared informers: `informers.informer({ resource, … }).cache` for a warm cache. */
  informers: InformerSet;
  log: Logger;
  registry: Registry;
  /** Shutdown — or, for a leader-only service, the end of the leadership term. */
  signal: AbortSignal;
  isLeader(): boolean;
  now(): Date;
  identity: string;
  /** The operator's own namespace. */
  namespace: string;
}

export interface OperatorService {
  /** Kebab-case; shown in logs and the start-up line. */
  name: string;
  leaderOnly: boolean;
  /** Runs until `context.signal` fires, then cleans up and resolves. A rejection is logged. */
  run(context: ServiceContext): Promise<void>;
}
