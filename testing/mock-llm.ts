// A real loopback LLM server for tests and benchmarks: it speaks the five governed APIs (OpenAI
// chat completions, completions, embeddings, responses; Anthropic messages), JSON and SSE, under
// OpenAI paths (/v1/...) and Azure OpenAI paths (/openai/deployments/{d}/...), with scriptable
// faults, and records every call with the tokens it reported (or, for a broken answer, sent). A
// conversation whose tool calls and results do not pair up is refused with 400, as the providers do.
// A call whose system prompt asks to summarise gets a short deterministic summary (mock-llm-summary.ts);
// one with replay's judge instructions gets a grade from the words of the two answers (mock-llm-judge.ts).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { embeddingAnswer, errorText, inputTokensOf, jsonAnswer, streamEvents } from './mock-llm-answers.js';
import { MockBatches } from './mock-llm-batches.js';
import { toolCallProblem } from './mock-llm-conversation.js';
import { mockJudgementOf } from './mock-llm-judge.js';
import { mockSummaryOf } from './mock-llm-summary.js';

export { inputTokensOf } from './mock-llm-answers.js';

export type MockApi = 'chat.completions' | 'completions' | 'embeddings' | 'responses' | 'messages';

/** What the mock does instead of (or on the way to) a normal answer. */
export type MockFault =
  /** An HTTP error in the API's error shape, e.g. `{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }`. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** A 200 answer that is not JSON (an HTML page from a broken gateway). */
  | { kind: 'garbage'; body?: string }
  /** Never answers (until the caller gives up or the mock closes). */
  | { kind: 'hang' }
  /** Answers normally after `ms`. */
  | { kind: 'delay'; ms: number }
  /**
   * Streams: sends the events before the `afterEvents`+1-th content event, then drops the connection
   * (0: drops before any event). JSON: half a body, then drops.
   */
  | { kind: 'truncate'; afterEvents: number }
  /** Drops the connection before answering (a reset). */
  | { kind: 'reset' }
  /** Answers without any usage information. */
  | { kind: 'no-usage' };

/** One call the mock received and what it served. */
export interface ServedCall {
  api: MockApi;
  path: string;
  model: string;
  stream: boolean;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  fault?: MockFault['kind'];
  /** Tokens the mock reported in usage (or would have, for a broken answer: what it sent). */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** The answer carried usage the client could read. */
  reportedUsage: boolean;
  /** The answer was sent whole. */
  complete: boolean;
}

export interface MockLlmOptions {
  host?: string;
  port?: number;
  /** The assistant's text in every answer. */
  reply?: string;
  /** Input tokens reported as served from the provider's prompt cache (a part of the input). */
  cachedInputTokens?: number;
  /** Pause between stream events, to make streams observable over time. */
  chunkDelayMs?: number;
}

export interface MockLlm {
  /** `http://127.0.0.1:PORT` — the Anthropic and Azure base URL. */
  url: string;
  /** `http://127.0.0.1:PORT/v1` — the OpenAI base URL. */
  baseUrl: string;
  port: number;
  /** Every call, in arrival order. */
  served: ServedCall[];
  /** Faults for the next calls, one per call, in order. */
  enqueue(...faults: MockFault[]): void;
  /** A fault for every call while set (the queue goes first); undefined to stop. */
  always: MockFault | undefined;
  reply: string;
  /** The provider batch APIs (OpenAI Files + Batches, Anthropic Message Batches) and what they received. */
  batches: MockBatches;
  /** Sum of the tokens of every served call. */
  totals(): { inputTokens: number; outputTokens: number; calls: number };
  reset(): void;
  close(): Promise<void>;
}

const API_OF_PATH: [RegExp, MockApi][] = [
  [/^(?:\/v1)?\/chat\/completions$/, 'chat.completions'],
  [/^(?:\/v1)?\/completions$/, 'completions'],
  [/^(?:\/v1)?\/embeddings$/, 'embeddings'],
  [/^(?:\/v1)?\/responses$/, 'responses'],
  [/^(?:\/v1)?\/messages$/, 'messages'],
  [/^\/openai\/deployments\/[^/]+\/chat\/completions$/, 'chat.completions'],
  [/^\/openai\/deployments\/[^/]+\/completions$/, 'completions'],
  [/^\/openai\/deployments\/[^/]+\/embeddings$/, 'embeddings'],
  [/^\/openai\/responses$/, 'responses'],
];

export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const queue: MockFault[] = [];
  const sockets = new Set<Socket>();
  const served: ServedCall[] = [];
  const state = {
    reply: options.reply ?? 'The quick brown fox jumps over the lazy dog.',
    always: undefined as MockFault | undefined,
  };
  const batches = new MockBatches((api, body) => {
    const model = typeof body['model'] === 'string' ? body['model'] : 'unknown';
    const tokens = { input: inputTokensOf(api, body), output: countTokens(state.reply), cached: 0 };
    return {
      body: jsonAnswer(api, model, state.reply, tokens) as Record<string, unknown>,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
    };
  });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0] as string;
    const api = API_OF_PATH.find(([re]) => re.test(path))?.[1];
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (batches.handle(req.method, path, Buffer.concat(chunks), req.headers, res)) return;
    if (!api || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `mock: no ${req.method} ${path}`, type: 'invalid_request_error' },
        }),
      );
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: 'mock: body is not JSON', type: 'invalid_request_error' } }),
      );
      return;
    }
    // What the provider refuses of a conversation's tool calls, the mock refuses too.
    const problem = toolCallProblem(api, body);
    if (problem !== undefined) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: problem, type: 'invalid_request_error' } }));
      return;
    }
    const fault = queue.shift() ?? state.always;
    const model = typeof body['model'] === 'string' ? body['model'] : 'unknown';
    const stream = body['stream'] === true;
    const call: ServedCall = {
      api,
      path,
      model,
      stream,
      headers: req.headers,
      body,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      reportedUsage: false,
      complete: false,
      ...(fault ? { fault: fault.kind } : {}),
    };
    served.push(call);

    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return; // the socket stays open until the caller or close() ends it
      case 'status': {
        const text = fault.body ?? errorText(api, fault.status);
        res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
        res.end(text);
        call.complete = true;
        return;
      }
      case 'garbage': {
        const text = fault.body ?? '<html><body><h1>502 Bad Gateway</h1></body></html>';
        call.inputTokens = inputTokensOf(api, body);
        call.outputTokens = countTokens(text);
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(text);
        return;
      }
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
    }
    if (res.destroyed || req.socket.destroyed) return;
    const inputTokens = inputTokensOf(api, body);
    const cached = Math.min(options.cachedInputTokens ?? 0, inputTokens);
    const reply = mockSummaryOf(api, body) ?? mockJudgementOf(api, body) ?? state.reply;
    call.inputTokens = inputTokens;
    call.cachedInputTokens = cached;
    const withUsage = fault?.kind !== 'no-usage';
    const tokens = { input: inputTokens, output: countTokens(reply), cached };
    if (api === 'embeddings') {
      call.outputTokens = 0;
      call.reportedUsage = withUsage;
      return sendJson(res, embeddingAnswer(body, model, withUsage ? tokens : undefined), call, fault);
    }
    if (!stream) {
      call.outputTokens = tokens.output;
      call.reportedUsage = withUsage;
      return sendJson(res, jsonAnswer(api, model, reply, withUsage ? tokens : undefined), call, fault);
    }
    const includeUsage =
      withUsage &&
      (api === 'responses' ||
        api === 'messages' ||
        (body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage === true);
    const pieces = reply.match(/\S+\s*/g) ?? [reply];
    const events = streamEvents(api, model, pieces, includeUsage ? tokens : undefined);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let contentSent = 0;
    for (const event of events) {
      const cut = fault?.kind === 'truncate' && (event.content !== undefined || fault.afterEvents === 0);
      if (cut && contentSent >= fault.afterEvents) {
        call.outputTokens = countTokens(pieces.slice(0, contentSent).join(''));
        if (api === 'messages') call.reportedUsage = false;
        req.socket.destroy();
        return;
      }
      if (options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
      if (res.destroyed) {
        call.outputTokens = countTokens(pieces.slice(0, contentSent).join(''));
        return;
      }
      // Wait until the event is handed to the socket, so a truncation cuts after what was sent.
      await new Promise<void>((resolve) => res.write(event.text, () => resolve()));
      if (event.content !== undefined) contentSent++;
    }
    res.end();
    call.outputTokens = tokens.output;
    call.reportedUsage = includeUsage;
    call.complete = true;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    port,
    served,
    batches,
    enqueue: (...faults) => queue.push(...faults),
    get always() {
      return state.always;
    },
    set always(fault) {
      state.always = fault;
    },
    get reply() {
      return state.reply;
    },
    set reply(text) {
      state.reply = text;
    },
    totals() {
      return served.reduce(
        (sum, c) => ({
          inputTokens: sum.inputTokens + c.inputTokens,
          outputTokens: sum.outputTokens + c.outputTokens,
          calls: sum.calls + 1,
        }),
        { inputTokens: 0, outputTokens: 0, calls: 0 },
      );
    },
    reset() {
      served.length = 0;
      queue.length = 0;
      state.always = undefined;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function sendJson(res: ServerResponse, value: unknown, call: ServedCall, fault: MockFault | undefined) {
  const text = JSON.stringify(value);
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-request-id': `req_${randomBytes(6).toString('hex')}`,
  });
  if (fault?.kind === 'truncate') {
    res.write(text.slice(0, Math.floor(text.length / 2)));
    res.socket?.destroy();
    call.reportedUsage = false;
    return;
  }
  res.end(text);
  call.complete = true;
}
