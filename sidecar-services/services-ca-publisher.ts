// Keeps the CA bundle of the sidecar services in ConfigMap agent-governor-services-ca of every
// namespace with agent workloads (services-ca-config-map.ts): the leader writes, every ~10 s and at
// once when the bundle changes (a CA rotation: staged, promoted, dropped) or an agent workload
// appears. What it wrote is remembered, so a steady state costs no request; every 10 minutes it reads
// again, to restore a ConfigMap someone deleted or changed.
import type { Logger } from 'pino';
import { caConfigMapChange, SERVICES_CA_CONFIG_MAP } from '../agents/services-ca-config-map.js';
import { isAlreadyExists, isConflict } from '../runtime/kube/api-error.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { configMaps } from '../runtime/kube/resources.js';

export interface ServicesCaPublisherOptions {
  client: KubeClient;
  /** The namespaces that have agent workloads now (from the caches). */
  namespaces: () => Iterable<string>;
  isLeader: () => boolean;
  log: Logger;
  /** Between two looks; default 10 s. */
  intervalMs?: number;
  /** How long a write is trusted before it is read again; default 10 min. */
  verifyAfterMs?: number;
  /** Each ConfigMap written (metrics, tests). */
  onWrite?: (namespace: string, kind: 'create' | 'update') => void;
}

export class ServicesCaPublisher {
  private bundle: string | undefined;
  /** namespace → bundle known to be in its ConfigMap, and when that was last read or written. */
  private readonly written = new Map<string, { bundle: string; at: number }>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: ServicesCaPublisherOptions) {}

  /** The bundle to publish (PEM); publishing starts at once when it changed. */
  setBundle(bundle: string | undefined): void {
    if (bundle === this.bundle) return;
    this.bundle = bundle;
    this.kick();
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.kick();
      this.timer = setTimeout(tick, this.options.intervalMs ?? 10_000);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Looks now (serialized: a kick while a look runs brings one more look after it). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.publishAll()
      .catch((err: unknown) =>
        this.options.log.warn(
          { err: (err as Error).message },
          'sidecar services CA bundle: publishing failed',
        ),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async publishAll(): Promise<void> {
    const bundle = this.bundle;
    if (!bundle || !this.options.isLeader()) return;
    const verifyAfter = this.options.verifyAfterMs ?? 600_000;
    const now = Date.now();
    for (const namespace of new Set(this.options.namespaces())) {
      if (this.stopped || !this.options.isLeader()) return;
      const known = this.written.get(namespace);
      if (known?.bundle === bundle && now - known.at < verifyAfter) continue;
      await this.publish(namespace, bundle).catch((err: unknown) =>
        this.options.log.warn(
          { namespace, configMap: SERVICES_CA_CONFIG_MAP, err: (err as Error).message },
          'sidecar services CA bundle: cannot write it; retrying',
        ),
      );
    }
  }

  private async publish(namespace: string, bundle: string): Promise<void> {
    const { client } = this.options;
    const existing = await client.get(configMaps, { namespace, name: SERVICES_CA_CONFIG_MAP });
    const change = caConfigMapChange(namespace, bundle, existing);
    try {
      if (change.kind === 'create') await client.create(configMaps, change.configMap);
      else if (change.kind === 'update') await client.update(configMaps, change.configMap);
    } catch (err) {
      // Another replica (a leader change) was first: look again at the next round.
      if (isConflict(err) || isAlreadyExists(err)) return;
      throw err;
    }
    if (change.kind === 'foreign') {
      if (!this.warned.has(namespace)) this.options.log.warn({ namespace }, change.message);
      this.warned.add(namespace);
    } else {
      this.warned.delete(namespace);
    }
    if (change.kind === 'create' || change.kind === 'update') {
      this.options.onWrite?.(namespace, change.kind);
      this.options.log.info(
        { namespace, configMap: SERVICES_CA_CONFIG_MAP },
        'sidecar services CA bundle published',
      );
    }
    this.written.set(namespace, { bundle, at: Date.now() });
  }
}
