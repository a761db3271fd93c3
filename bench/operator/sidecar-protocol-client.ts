// The two requests a sidecar makes to the operator's services, with its ServiceAccount token, on
// one keep-alive pool: read an agent's policy now (no `after`: answered at once) and post a usage
// batch (answered once it is durably recorded).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { POLICY_PATH, USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { UsageAck, UsageBatch } from '../../apis/usage-batch.js';
import { operatorConnector } from '../../sidecar/http/operator-trust.js';

export class SidecarProtocolClient {
  private readonly pool: Agent;
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly servicesUrl: string,
    /** Token file of each namespace's ServiceAccount. */
    private readonly tokenFiles: ReadonlyMap<string, string>,
    connections = 64,
    /** The services' CA bundle (HTTPS, their default), read for each new connection. */
    caFile?: string,
  ) {
    this.pool = new Agent({
      connections,
      keepAliveTimeout: 60_000,
      ...(caFile ? { connect: operatorConnector(caFile) } : {}),
    });
  }

  private token(namespace: string): string {
    let token = this.tokens.get(namespace);
    if (token === undefined) {
      const file = this.tokenFiles.get(namespace);
      if (!file) throw new Error(`no ServiceAccount token for namespace ${namespace}`);
      token = readFileSync(file, 'utf8').trim();
      this.tokens.set(namespace, token);
    }
    return token;
  }

  /** The agent's policy as the services hold it now; undefined while there is none (404, 503). */
  async policy(namespace: string, agent: string): Promise<EffectivePolicy | undefined> {
    const answer = await request(`${this.servicesUrl}${POLICY_PATH}/${namespace}/${agent}`, {
      headers: { authorization: `Bearer ${this.token(namespace)}` },
      dispatcher: this.pool,
      headersTimeout: 10_000,
    });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      if (answer.statusCode === 404 || answer.statusCode === 503) return undefined;
      throw new Error(`GET policy of ${namespace}/${agent}: HTTP ${answer.statusCode}`);
    }
    return (await answer.body.json()) as EffectivePolicy;
  }

  /** Posts one batch; resolves with the acknowledgement, or the status of a refusal (retry those). */
  async postUsage(batch: UsageBatch): Promise<{ status: number; ack?: UsageAck }> {
    const answer = await request(`${this.servicesUrl}${USAGE_PATH}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.token(batch.agent.namespace)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(batch),
      dispatcher: this.pool,
      headersTimeout: 30_000,
    });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      return { status: answer.statusCode };
    }
    return { status: 200, ack: (await answer.body.json()) as UsageAck };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
