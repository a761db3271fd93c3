// The operator's side of the sidecar protocol (apis/sidecar-protocol.ts), in memory, on a real
// loopback HTTP server: policy long-poll and watch stream with version bumps, usage ingest with (instance, sequence)
// de-duplication and acknowledgements. It can go down and come back on the same port, answer 503
// as a follower, and play scripted faults on usage posts (drop the connection before or after
// recording, answer an error status, hold the answer) — so the sidecar's policy source and usage
// reporter are tested against real HTTP before the operator exists.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import {
  POLICY_PATH,
  POLICY_VERSION_HEADER,
  POLICY_WATCH_CONTENT_TYPE,
  USAGE_PATH,
} from '../apis/sidecar-protocol.js';
import { type UsageAck, type UsageBatch, usageBatch } from '../apis/usage-batch.js';

/** What the next usage post meets, consumed one per post. */
export type UsageFault =
  | { kind: 'drop-before-record' }
  | { kind: 'drop-after-record' }
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'hold'; record: boolean };

export interface GovernorServicesPeerOptions {
  /** Port to listen on; default: a free one. Kept across down() / up(). */
  port?: number;
  /** How long a long-poll waits for a change before 304; default 30 s. */
  longPollMs?: number;
  /** Bearer token → namespace it may act for. Without it every request is accepted. */
  tokens?: Record<string, string>;
  /** Retry-After (seconds) of a follower's 503; default 1. */
  followerRetryAfterSeconds?: number;
  /** Serve `watch=true` as a stream, as the services do (default); false plays older services, which answer it as a poll. */
  watch?: boolean;
}

interface PolicyDocument {
  version: string;
  body: string;
}

interface HeldPost {
  batch: UsageBatch;
  response: ServerResponse;
}

export class GovernorServicesPeer {
  /** Every batch recorded, in the order recorded (a duplicate is not recorded twice). */
  readonly recorded: UsageBatch[] = [];
  /** (instance, sequence) of every resend answered as a duplicate. */
  readonly duplicates: { instance: string; sequence: number }[] = [];
  /** Bearer tokens seen, in order (to check token rotation). */
  readonly tokensSeen: string[] = [];
  policyRequests = 0;
  /** Policy requests answered as a watch stream. */
  watchRequests = 0;
  usageRequests = 0;
  /** Requests answered 503 because the peer plays a follower. */
  followerRefusals = 0;
  role: 'leader' | 'follower' = 'leader';

  private readonly server = createServer((request, response) => this.handle(request, response));
  private readonly sockets = new Set<Socket>();
  private readonly policies = new Map<string, PolicyDocument>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly lastSequence = new Map<string, number>();
  private readonly faults: UsageFault[] = [];
  private readonly held: HeldPost[] = [];
  private heldListeners: (() => void)[] = [];
  private listeningPort = 0;

  constructor(private readonly options: GovernorServicesPeerOptions = {}) {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listeningPort}`;
  }

  /** Starts listening (again, on the same port, after down()). */
  async up(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.listeningPort || this.options.port || 0, host: '127.0.0.1' }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address && typeof address === 'object') this.listeningPort = address.port;
  }

  /** Stops listening and cuts every open connection, long-polls and held posts included. */
  async down(): Promise<void> {
    for (const set of this.waiters.values()) set.clear();
    this.held.length = 0;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  close(): Promise<void> {
    return this.server.listening ? this.down() : Promise.resolve();
  }

  /** Serves `policy` to its agent and answers every long-poll waiting on an older version. */
  setPolicy(policy: EffectivePolicy): void {
    this.setRawPolicy(policy.agent, policy.version, JSON.stringify(policy));
  }

  /** Serves any body (even one that is not a valid policy) as the agent's policy at `version`. */
  setRawPolicy(agent: { namespace: string; name: string }, version: string, body: string): void {
    const key = `${agent.namespace}/${agent.name}`;
    this.policies.set(key, { version, body });
    const waiting = this.waiters.get(key);
    if (!waiting) return;
    this.waiters.delete(key);
    for (const wake of waiting) wake();
  }

  /** The next usage posts meet these faults, one each, in order. */
  scriptUsage(...faults: UsageFault[]): void {
    this.faults.push(...faults);
  }

  /** Resolves when `count` posts are held by `hold` faults. */
  waitForHeld(count = 1): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.held.length < count) return;
        this.heldListeners = this.heldListeners.filter((listener) => listener !== check);
        resolve();
      };
      this.heldListeners.push(check);
    });
  }

  /** Answers every held post as if it had just arrived (recording it when not yet recorded). */
  releaseHeld(): void {
    for (const post of this.held.splice(0)) this.answerUsage(post.batch, post.response);
  }

  /** Sums of what was recorded, per instance or overall. */
  totals(instance?: string): {
    requests: number;
    inputTokens: number;
    outputTokens: number;
    costMicros: number;
  } {
    const sum = { requests: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 };
    for (const batch of this.recorded) {
      if (instance !== undefined && batch.instance !== instance) continue;
      for (const entry of batch.entries) {
        sum.requests += entry.requests;
        sum.inputTokens += entry.inputTokens;
        sum.outputTokens += entry.outputTokens;
        sum.costMicros += entry.costMicros;
      }
    }
    return sum;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://peer');
    if (this.role === 'follower') {
      this.followerRefusals++;
      request.resume();
      const retryAfter = String(this.options.followerRetryAfterSeconds ?? 1);
      send(response, 503, error('not the leader; retry', 'not_leader'), { 'retry-after': retryAfter });
    } else if (request.method === 'GET' && url.pathname.startsWith(`${POLICY_PATH}/`)) {
      const [namespace, name, ...rest] = url.pathname.slice(POLICY_PATH.length + 1).split('/');
      if (!namespace || !name || rest.length > 0) {
        send(response, 404, error(`no such path ${url.pathname}`, 'not_found'));
      } else if (this.authorized(request, response, decodeURIComponent(namespace))) {
        this.policyRequests++;
        this.answerPolicy(`${decodeURIComponent(namespace)}/${decodeURIComponent(name)}`, url, response);
      }
    } else if (request.method === 'POST' && url.pathname === USAGE_PATH) {
      void this.readUsage(request, response);
    } else {
      request.resume();
      send(response, 404, error(`no such path ${request.method} ${url.pathname}`, 'not_found'));
    }
  }

  private authorized(request: IncomingMessage, response: ServerResponse, namespace: string): boolean {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (token) this.tokensSeen.push(token);
    if (!this.options.tokens) return true;
    if (!token || !(token in this.options.tokens)) {
      send(response, 401, error('missing or unknown bearer token', 'unauthorized'));
      return false;
    }
    if (this.options.tokens[token] !== namespace) {
      send(response, 403, error(`the token may not act for namespace ${namespace}`, 'forbidden'));
      return false;
    }
    return true;
  }

  private answerPolicy(key: string, url: URL, response: ServerResponse): void {
    const after = url.searchParams.get('after');
    const current = this.policies.get(key);
    if (
      url.searchParams.get('watch') === 'true' &&
      this.options.watch !== false &&
      (current || after !== null)
    ) {
      this.streamPolicy(key, after, response);
      return;
    }
    if (current && current.version !== after) {
      send(response, 200, current.body, { [POLICY_VERSION_HEADER]: current.version });
      return;
    }
    if (!current && after === null) {
      send(response, 404, error(`no policy for agent ${key}`, 'not_found'));
      return;
    }
    const waiting = this.waiters.get(key) ?? new Set<() => void>();
    this.waiters.set(key, waiting);
    const wake = () => {
      clearTimeout(timer);
      response.off('close', gone);
      this.answerPolicy(key, url, response);
    };
    const timer = setTimeout(() => {
      waiting.delete(wake);
      response.off('close', gone);
      send(response, 304, '');
    }, this.options.longPollMs ?? 30_000);
    const gone = () => {
      clearTimeout(timer);
      waiting.delete(wake);
    };
    response.once('close', gone);
    waiting.add(wake);
  }

  /** A watch: each version that differs from the last sent as a line, the end after the long-poll time. */
  private streamPolicy(key: string, after: string | null, response: ServerResponse): void {
    this.watchRequests++;
    response.writeHead(200, { 'content-type': POLICY_WATCH_CONTENT_TYPE });
    let sent = after;
    const sendCurrent = () => {
      const current = this.policies.get(key);
      if (!current || current.version === sent) return;
      sent = current.version;
      response.write(`${current.body}\n`);
    };
    sendCurrent();
    response.flushHeaders();
    const wake = () => {
      sendCurrent();
      const waiting = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, waiting);
      waiting.add(wake);
    };
    const unwait = () => this.waiters.get(key)?.delete(wake);
    const timer = setTimeout(() => {
      unwait();
      response.off('close', gone);
      response.end();
    }, this.options.longPollMs ?? 30_000);
    const gone = () => {
      clearTimeout(timer);
      unwait();
    };
    response.once('close', gone);
    const waiting = this.waiters.get(key) ?? new Set<() => void>();
    this.waiters.set(key, waiting);
    waiting.add(wake);
  }

  private async readUsage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(response, 400, error('the body is not JSON', 'invalid_request'));
    }
    const result = usageBatch.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      return send(response, 400, error(`${issue?.path.join('.')}: ${issue?.message}`, 'invalid_request'));
    }
    const batch = result.data;
    if (!this.authorized(request, response, batch.agent.namespace)) return;
    this.usageRequests++;
    const fault = this.faults.shift();
    if (fault?.kind === 'drop-before-record') return void response.socket?.destroy();
    if (fault?.kind === 'drop-after-record') {
      this.record(batch);
      return void response.socket?.destroy();
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return send(response, fault.status, error(`scripted status ${fault.status}`, 'scripted'), headers);
    }
    if (fault?.kind === 'hold') {
      if (fault.record) this.record(batch);
      this.held.push({ batch, response });
      for (const listener of [...this.heldListeners]) listener();
      return;
    }
    this.answerUsage(batch, response);
  }

  private answerUsage(batch: UsageBatch, response: ServerResponse): void {
    const duplicate = !this.record(batch);
    if (duplicate) this.duplicates.push({ instance: batch.instance, sequence: batch.sequence });
    const ack: UsageAck = {
      instance: batch.instance,
      acknowledgedSequence: this.lastSequence.get(batch.instance) ?? 0,
      duplicate,
    };
    send(response, 200, JSON.stringify(ack));
  }

  /** Records a batch unless its (instance, sequence) is already in; false for a duplicate. */
  private record(batch: UsageBatch): boolean {
    const last = this.lastSequence.get(batch.instance) ?? 0;
    if (batch.sequence <= last) return false;
    this.lastSequence.set(batch.instance, batch.sequence);
    this.recorded.push(batch);
    return true;
  }
}

/** Starts a peer on a free loopback port (or options.port). */
export async function startGovernorServicesPeer(
  options: GovernorServicesPeerOptions = {},
): Promise<GovernorServicesPeer> {
  const peer = new GovernorServicesPeer(options);
  await peer.up();
  return peer;
}

function error(message: string, code: string): string {
  return JSON.stringify({ error: { message, type: 'governor_error', code } });
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (response.writableEnded || response.destroyed) return;
  response.writeHead(status, {
    ...(body ? { 'content-type': 'application/json' } : {}),
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  response.end(body);
}
