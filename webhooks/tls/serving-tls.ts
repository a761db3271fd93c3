// Where the webhook server's certificate comes from, whatever the mode: the operator's own
// self-signed CA kept in a Secret (`self-signed`), or files someone else rotates — cert-manager's
// Secret mounted into the pod (`cert-manager`), or any mounted pair (`files`).

/** PEM serving certificate (chain) and key, as node:https takes them. */
export interface ServingTls {
  cert: string;
  key: string;
}

export type WebhookCertMode = 'self-signed' | 'cert-manager' | 'files';

export interface TlsSource {
  /** Resolves once a serving certificate is available (created or read). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The serving certificate in force. */
  current(): ServingTls;
  /**
   * The PEM CA bundle the API server must trust to call the webhooks, for the operator to publish in
   * the webhook configurations; undefined when someone else publishes it (cert-manager's CA injector)
   * or none is known.
   */
  caBundle(): string | undefined;
  /** Called after the serving certificate or the bundle changed. */
  onChange(listener: () => void): () => void;
}

/** What every source keeps: the pair and bundle in force, and who wants to hear of a change. */
export abstract class HeldTlsSource implements TlsSource {
  private serving: ServingTls | undefined;
  private bundle: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    /** Names the source in the error of a read before start(). */
    private readonly what: string,
  ) {}

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  current(): ServingTls {
    if (!this.serving) throw new Error(`${this.what} is not available yet: call start() first`);
    return this.serving;
  }

  caBundle(): string | undefined {
    return this.bundle;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected get holding(): boolean {
    return this.serving !== undefined;
  }

  /** Takes a pair and bundle; false when nothing changed. Listeners hear of it unless it is the first. */
  protected hold(tls: ServingTls, bundle: string | undefined): boolean {
    const first = !this.serving;
    if (this.serving?.cert === tls.cert && this.serving.key === tls.key && this.bundle === bundle)
      return false;
    this.serving = tls;
    this.bundle = bundle;
    if (!first) for (const listener of this.listeners) listener();
    return true;
  }
}
