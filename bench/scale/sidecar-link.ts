// The wire between the simulated sidecars and one `agent-governor services` replica: the two
// requests of the sidecar protocol (apis/sidecar-protocol.ts), and a transport for the lease asks
// (`requestBudgetLeases`, a third bounded `Pool`), over HTTPS with the agent's
// ServiceAccount token. Each sidecar's long-poll has a keep-alive connection of its own (an undici
// `Client`, as a sidecar's policy source holds one; one `Pool` of 5,000 connections would scan them
// all for a free one on every request, and the client's CPU would go there), and the usage posts
// share a bounded `Pool` per replica (a real sidecar keeps one more idle connection for those; the
// benchmark shares `usageConnections` among its sidecars, so the replica holds fewer sockets than
// in a cluster — see docs/adr/0063). Every connection of a link shares one TLS context: given only
// `ca`, each new connection built a context of its own from the PEM, and a lease ask that times out
// closes its connection — at 3,000 sidecars a sixth of the client's CPU went to building contexts.
import { createSecureContext } from 'node:tls';
import { Client, Pool } from 'undici';
import { POLICY_PATH, POLICY_VERSION_HEADER, USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { UsageAck, UsageBatch } from '../../apis/usage-batch.js';
import type { LeaseTransport } from '../../sidecar/budget/lease-client.js';
import { isWatchAnswer, watchLines } from '../../sidecar/policy-source/watch-lines.js';
import type { PolicySummary } from './poll-answers.js';

/** A policy line longer than this ends the watch with an error (a policy is far smaller). */
const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface PolicyAnswer {
  status: number;
  version: string;
  /** The parsed body of a 200 (the whole EffectivePolicy, typed as the fields read), undefined otherwise. */
  policy?: PolicySummary;
}

export interface UsageAnswer {
  status: number;
  ack?: UsageAck;
}

export class SidecarLink {
  private readonly common: ConstructorParameters<typeof Client>[1];
  private readonly connections = new Set<Client>();
  private readonly posts: Pool;
  /** The lease asks share a bounded pool too, as the usage posts do. */
  private readonly leases: Pool;
  /**
   * No request takes an abort signal: close() destroys the connections, which ends every request in
   * flight. (One signal shared by 10,000 held polls cost the client a walk of its 10,000 listeners
   * on every request: an EventTarget looks for a duplicate before it adds one.)
   */

  constructor(
    readonly url: string,
    ca: string,
    private readonly token: string,
    options: { usageConnections: number },
  ) {
    this.common = {
      connect: { secureContext: createSecureContext({ ca }) },
      keepAliveTimeout: 120_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    };
    this.posts = new Pool(url, { ...this.common, connections: options.usageConnections });
    this.leases = new Pool(url, { ...this.common, connections: options.usageConnections });
  }

  /** For `requestBudgetLeases`: this replica, the agent's token, the sidecar's 1-s timeout. */
  leaseTransport(): LeaseTransport {
    const token = this.token;
    return { servicesUrl: this.url, dispatcher: this.leases, token: async () => token };
  }

  /** A keep-alive connection for one sidecar's long-poll. */
  pollConnection(): Client {
    const connection = new Client(this.url, this.common);
    this.connections.add(connection);
    return connection;
  }

  /** `GET /v1/policies/{ns}/{agent}[?after=version]`: at once without `after`, held with it. */
  async policy(connection: Client, namespace: string, agent: string, after?: string): Promise<PolicyAnswer> {
    const path = `${POLICY_PATH}/${namespace}/${agent}${after ? `?after=${encodeURIComponent(after)}` : ''}`;
    const answer = await connection.request({
      path,
      method: 'GET',
      headers: { authorization: `Bearer ${this.token}` },
    });
    const version = String(answer.headers[POLICY_VERSION_HEADER] ?? '');
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      return { status: answer.statusCode, version };
    }
    // JSON.parse only: the real sidecar validates the policy too (policy-document.ts); the
    // benchmark's 10,000 clients share the machine with the replicas and keep their CPU for them.
    return { status: 200, version, policy: (await answer.body.json()) as PolicyAnswer['policy'] };
  }

  /**
   * `GET /v1/policies/{ns}/{agent}?after=version&watch=true`: each policy the stream brings to
   * `onPolicy` as it comes (a plain answer, from services without the watch, likewise); resolves
   * with the status once the stream ends.
   */
  async watch(
    connection: Client,
    namespace: string,
    agent: string,
    after: string,
    onPolicy: (policy: PolicySummary) => void,
  ): Promise<number> {
    const answer = await connection.request({
      path: `${POLICY_PATH}/${namespace}/${agent}?after=${encodeURIComponent(after)}&watch=true`,
      method: 'GET',
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      return answer.statusCode;
    }
    if (!isWatchAnswer(answer.headers['content-type'])) {
      onPolicy((await answer.body.json()) as PolicySummary);
      return 200;
    }
    // JSON.parse only, as policy() above; lines read as the sidecar reads them.
    answer.body.setEncoding('utf8');
    for await (const line of watchLines(answer.body, MAX_LINE_CHARS))
      onPolicy(JSON.parse(line) as PolicySummary);
    return 200;
  }

  /** `POST /v1/usage`: answered once the batch is durably recorded in the usage store. */
  async usage(batch: UsageBatch): Promise<UsageAnswer> {
    const answer = await this.posts.request({
      path: USAGE_PATH,
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      return { status: answer.statusCode };
    }
    return { status: 200, ack: (await answer.body.json()) as UsageAck };
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      ...[...this.connections].map((c) => c.destroy()),
      this.posts.destroy(),
      this.leases.destroy(),
    ]);
  }
}
