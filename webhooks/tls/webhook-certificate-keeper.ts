// The `self-signed` mode: the operator's own CA and serving certificate, kept in the Secret
// `agent-governor-webhook-tls` of its namespace and rotated before they expire. Every replica runs
// a keeper: whichever sees a step due first carries it out and writes the Secret (optimistically:
// a 409 or AlreadyExists means another replica was quicker — read again and decide again); all of
// them watch the Secret and serve what it holds, so a rotation reaches every replica within a watch
// event. Decisions: rotation-plan.ts; layout: webhook-tls-secret.ts.
import type { Logger } from 'pino';
import type { InformerSet } from '../../runtime/informer/informer-set.js';
import { isAlreadyExists, isConflict } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { certificateFacts } from './certificate-facts.js';
import type { CertificatePolicy } from './rotation-plan.js';
import { secretTurn } from './rotation-steps.js';
import { HeldTlsSource } from './serving-tls.js';
import { type Secret, secrets, type TlsIdentity, WEBHOOK_TLS_IDENTITY } from './webhook-tls-secret.js';

export interface WebhookCertificateKeeperOptions {
  client: KubeClient;
  informers: InformerSet;
  /** The operator's namespace: where the Secret lives. */
  namespace: string;
  policy: CertificatePolicy;
  log: Logger;
  now?: () => Date;
  /** Longest wait between two looks at the Secret, whatever the plan says; default 1 h. */
  maxCheckIntervalMs?: number;
  /** After a write or a read that failed; default 5 s. */
  retryMs?: number;
  /** Each rotation, with the plan's reasons (metrics, tests). */
  onRotation?: (reasons: string[]) => void;
}

export class WebhookCertificateKeeper extends HeldTlsSource {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => Date;
  private readonly identity: TlsIdentity;

  constructor(private readonly options: WebhookCertificateKeeperOptions) {
    const identity = options.policy.identity ?? WEBHOOK_TLS_IDENTITY;
    super(`the ${identity.what}`);
    this.identity = identity;
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    // The first look goes to the API server (the cache may not have listed yet), and start-up waits
    // for it: without a certificate there is nothing to serve.
    for (let attempt = 1; !this.holding; attempt++) {
      if (this.stopped) throw new Error(`stopped before a ${this.identity.what} was available`);
      try {
        await this.reconcile();
      } catch (err) {
        if (attempt >= 5) {
          throw new Error(
            `cannot keep the ${this.identity.what} in Secret ${this.options.namespace}/${this.identity.secretName}: ${(err as Error).message}`,
          );
        }
        this.options.log.warn({ err: (err as Error).message, attempt }, `${this.identity.what}: retrying`);
        await sleep(Math.min(this.options.retryMs ?? 5_000, 1_000 * attempt));
      }
    }
    // From now on every change of the Secret (another replica's rotation) is looked at; one look
    // now covers a change between the first look and the subscription.
    const informer = this.options.informers.informer<Secret>({
      resource: secrets,
      namespace: this.options.namespace,
      fieldSelector: `metadata.name=${this.identity.secretName}`,
    });
    const changed = () => this.check();
    this.unsubscribe = informer.on({ add: changed, update: changed, delete: changed });
    this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    await this.running?.catch(() => {});
  }

  /** Looks at the Secret again now (serialized: a call while one runs runs once more after it). */
  check(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile()
      .catch((err: unknown) => {
        this.options.log.error(
          { err: (err as Error).message },
          `${this.identity.what}: rotation failed; retrying`,
        );
        this.schedule(new Date(this.now().getTime() + (this.options.retryMs ?? 5_000)));
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.check();
        }
      });
  }

  private async reconcile(): Promise<void> {
    const { client, namespace, policy, log } = this.options;
    const key = { namespace, name: this.identity.secretName };
    // Bounded: each turn is a write another replica won; five in a row would be a storm.
    for (let turn = 0; turn < 5; turn++) {
      const existing = await client.get(secrets, key);
      const turn = await secretTurn(existing, namespace, this.now(), policy);
      const { plan, write } = turn;
      if (!write) {
        this.adopt(turn.material.serving, turn.bundle);
        this.schedule(plan.nextCheckAt);
        return;
      }
      try {
        if (existing) await client.update(secrets, write);
        else await client.create(secrets, write);
      } catch (err) {
        if (isConflict(err) || isAlreadyExists(err)) continue;
        throw err;
      }
      log.info(
        { secret: `${namespace}/${this.identity.secretName}`, steps: plan.steps, reasons: plan.reasons },
        `${this.identity.what}: ${plan.steps.join(', ')}`,
      );
      this.options.onRotation?.(plan.reasons);
    }
    throw new Error(
      `Secret ${namespace}/${this.identity.secretName} kept changing under five writes in a row`,
    );
  }

  private adopt(serving: { certificate: string; privateKey: string } | undefined, bundle: string): void {
    if (!serving || !this.hold({ cert: serving.certificate, key: serving.privateKey }, bundle)) return;
    const facts = certificateFacts(serving.certificate);
    this.options.log.info(
      {
        serial: facts.serial,
        notAfter: facts.notAfter.toISOString(),
        names: [...facts.dnsNames, ...facts.ipAddresses],
      },
      `${this.identity.what} in force`,
    );
  }

  private schedule(at: Date): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const wait = at.getTime() - this.now().getTime();
    const bounded = Math.min(Math.max(wait, 200), this.options.maxCheckIntervalMs ?? 3_600_000);
    this.timer = setTimeout(() => this.check(), bounded);
    this.timer.unref();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
