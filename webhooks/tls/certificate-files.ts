// The `cert-manager` and `files` modes: the serving certificate is someone else's — a Secret mounted
// into the pod (cert-manager's, with `tls.crt`, `tls.key` and usually `ca.crt`) or any files. The
// kubelet replaces a mounted Secret's files atomically when it changes; we look every `pollMs` and
// take a new pair once certificate and key belong together (never half a rotation). The caBundle is
// not ours to publish: cert-manager's CA injector does it, or whoever made the files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { certificateFacts, keyMatches } from './certificate-facts.js';
import { HeldTlsSource, type ServingTls } from './serving-tls.js';

export interface CertificateFilesOptions {
  /** Directory with `tls.crt` and `tls.key` (and optionally `ca.crt`). */
  dir: string;
  /** How often to look for new files; default 10 s. */
  pollMs?: number;
  log: Logger;
  /** Names the certificate and the directory's flag in logs and errors; default the webhook's. */
  what?: string;
  dirFlag?: string;
}

export class CertificateFiles extends HeldTlsSource {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: CertificateFilesOptions) {
    super(`the ${options.what ?? 'webhook certificate'} files`);
  }

  private get certificate(): string {
    return this.options.what ?? 'webhook certificate';
  }

  async start(): Promise<void> {
    const first = await this.read();
    if (!first.ok) throw new Error(first.problem);
    this.take(first.tls, first.ca);
    this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private poll(): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      const next = await this.read();
      if (next.ok) this.take(next.tls, next.ca);
      else
        this.options.log.warn(
          { problem: next.problem },
          `${this.certificate} files: keeping the pair in force`,
        );
      this.poll();
    }, this.options.pollMs ?? 10_000);
    this.timer.unref();
  }

  private take(tls: ServingTls, ca: string | undefined): void {
    const first = !this.holding;
    if (!this.hold(tls, ca)) return;
    const facts = certificateFacts(tls.cert);
    this.options.log.info(
      { dir: this.options.dir, serial: facts.serial, notAfter: facts.notAfter.toISOString() },
      first ? `${this.certificate} read` : `${this.certificate} files changed: serving the new pair`,
    );
  }

  private async read(): Promise<
    { ok: true; tls: ServingTls; ca: string | undefined } | { ok: false; problem: string }
  > {
    const { dir } = this.options;
    const file = (name: string) => readFile(join(dir, name), 'utf8');
    let cert: string;
    let key: string;
    try {
      [cert, key] = await Promise.all([file('tls.crt'), file('tls.key')]);
    } catch (err) {
      return {
        ok: false,
        problem: `cannot read the ${this.certificate}: ${(err as Error).message} (${this.options.dirFlag ?? '--webhook-cert-dir'} ${dir} must hold tls.crt and tls.key)`,
      };
    }
    if (!keyMatches(cert, key)) {
      return {
        ok: false,
        problem: `${join(dir, 'tls.key')} is not the private key of ${join(dir, 'tls.crt')}`,
      };
    }
    const ca = await file('ca.crt').catch(() => undefined);
    return { ok: true, tls: { cert, key }, ca: ca?.trim() ? ca : undefined };
  }
}
