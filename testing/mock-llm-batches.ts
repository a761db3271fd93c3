// The provider batch APIs on the mock LLM: OpenAI Files + Batches (multipart upload of a JSONL file,
// a batch over it, its status, the output file) and Anthropic Message Batches (create, status,
// results). A batch is answered with what the synchronous API would have answered each request;
// it stays in progress for `pollsUntilDone` status reads, then ends, so a poller sees both states.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { MockApi } from './mock-llm.js';

/** What the mock answers one request of a batch: the synchronous answer and its tokens. */
export type BatchAnswer = (
  api: MockApi,
  body: Record<string, unknown>,
) => { body: Record<string, unknown>; inputTokens: number; outputTokens: number };

/** One request of a batch the mock received. */
export interface BatchItem {
  provider: 'OpenAI' | 'Anthropic';
  batchId: string;
  customId: string;
  model: string;
  body: Record<string, unknown>;
  inputTokens: number;
  outputTokens: number;
}

interface Batch {
  id: string;
  provider: 'OpenAI' | 'Anthropic';
  statusReads: number;
  /** The results file (JSONL) once computed. */
  results: string;
  outputFileId?: string;
  createdAt: number;
}

const OPENAI_ENDPOINT_API: Record<string, MockApi> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
  '/v1/responses': 'responses',
};

const id = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`;

export class MockBatches {
  /** Every request of every batch, in arrival order. */
  readonly items: BatchItem[] = [];
  /** Status reads a batch answers "in progress" before it ends (default 1). */
  pollsUntilDone = 1;
  /** How batches end from now on: with their answers, or failed (OpenAI `failed`, Anthropic `errored`). */
  endAs: 'succeeded' | 'failed' = 'succeeded';
  private readonly files = new Map<string, string>();
  private readonly batches = new Map<string, Batch>();

  constructor(private readonly answer: BatchAnswer) {}

  /** Answers `method path` when it is a batch endpoint; false otherwise (the caller goes on). */
  handle(
    method: string | undefined,
    path: string,
    raw: Buffer,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
  ): boolean {
    const send = (status: number, value: unknown, type = 'application/json') => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      res.writeHead(status, { 'content-type': type });
      res.end(text);
      return true;
    };
    const notFound = () =>
      send(404, { error: { type: 'not_found_error', message: `mock: no batch object at ${path}` } });
    const get = (re: RegExp) => (method === 'GET' ? path.match(re) : null);
    const fileContent = get(/^(?:\/v1)?\/files\/([^/]+)\/content$/);
    const openAIBatch = get(/^(?:\/v1)?\/batches\/([^/]+)$/);
    const anthropicStatus = get(/^\/v1\/messages\/batches\/([^/]+)$/);
    const anthropicResults = get(/^\/v1\/messages\/batches\/([^/]+)\/results$/);
    // OpenAI Files
    if (method === 'POST' && /^(?:\/v1)?\/files$/.test(path)) {
      const file = multipartFile(raw, String(headers['content-type'] ?? ''));
      if (file === undefined) return send(400, { error: { message: 'mock: no file part' } });
      const fileId = id('file-');
      this.files.set(fileId, file);
      return send(200, { id: fileId, object: 'file', bytes: file.length, purpose: 'batch' });
    }
    if (fileContent) {
      const content = this.files.get(fileContent[1]!);
      return content === undefined ? notFound() : send(200, content, 'application/jsonl');
    }
    // OpenAI Batches
    if (method === 'POST' && /^(?:\/v1)?\/batches$/.test(path)) {
      const request = JSON.parse(raw.toString('utf8')) as { input_file_id: string; endpoint: string };
      const input = this.files.get(request.input_file_id);
      const api = OPENAI_ENDPOINT_API[request.endpoint];
      if (input === undefined || api === undefined)
        return send(400, { error: { message: 'mock: unknown input file or endpoint' } });
      const batch: Batch = {
        id: id('batch_'),
        provider: 'OpenAI',
        statusReads: 0,
        results: '',
        createdAt: now(),
      };
      const out: string[] = [];
      for (const line of input.split('\n').filter((l) => l.trim())) {
        const item = JSON.parse(line) as { custom_id: string; body: Record<string, unknown> };
        const answered = this.record('OpenAI', batch.id, item.custom_id, api, item.body);
        out.push(
          JSON.stringify({
            id: id('batch_req_'),
            custom_id: item.custom_id,
            response: { status_code: 200, request_id: id('req_'), body: answered },
            error: null,
          }),
        );
      }
      batch.results = `${out.join('\n')}\n`;
      this.batches.set(batch.id, batch);
      return send(200, this.openAIBatch(batch, request.endpoint));
    }
    if (openAIBatch) {
      const batch = this.batches.get(openAIBatch[1]!);
      if (batch?.provider !== 'OpenAI') return notFound();
      batch.statusReads++;
      if (batch.statusReads > this.pollsUntilDone && this.endAs === 'failed') {
        return send(200, { ...this.openAIBatch(batch, '/v1/chat/completions'), status: 'failed' });
      }
      if (batch.statusReads > this.pollsUntilDone && batch.outputFileId === undefined) {
        batch.outputFileId = id('file-');
        this.files.set(batch.outputFileId, batch.results);
      }
      return send(200, this.openAIBatch(batch, '/v1/chat/completions'));
    }
    // Anthropic Message Batches
    if (method === 'POST' && path === '/v1/messages/batches') {
      const request = JSON.parse(raw.toString('utf8')) as {
        requests: { custom_id: string; params: Record<string, unknown> }[];
      };
      const batch: Batch = {
        id: id('msgbatch_'),
        provider: 'Anthropic',
        statusReads: 0,
        results: '',
        createdAt: now(),
      };
      batch.results = `${request.requests
        .map((r) =>
          JSON.stringify({
            custom_id: r.custom_id,
            result: {
              type: 'succeeded',
              message: this.record('Anthropic', batch.id, r.custom_id, 'messages', r.params),
            },
          }),
        )
        .join('\n')}\n`;
      this.batches.set(batch.id, batch);
      return send(200, this.anthropicBatch(batch, false));
    }
    if (anthropicStatus) {
      const batch = this.batches.get(anthropicStatus[1]!);
      if (batch?.provider !== 'Anthropic') return notFound();
      batch.statusReads++;
      return send(200, this.anthropicBatch(batch, batch.statusReads > this.pollsUntilDone));
    }
    if (anthropicResults) {
      const batch = this.batches.get(anthropicResults[1]!);
      if (!batch || batch.statusReads <= this.pollsUntilDone) return notFound();
      if (this.endAs === 'failed') {
        const errored = batch.results
          .split('\n')
          .filter((l) => l.trim())
          .map((l) =>
            JSON.stringify({
              custom_id: (JSON.parse(l) as { custom_id: string }).custom_id,
              result: {
                type: 'errored',
                error: {
                  type: 'error',
                  error: { type: 'api_error', message: 'mock: the batch request failed' },
                },
              },
            }),
          );
        return send(200, `${errored.join('\n')}\n`, 'application/binary');
      }
      return send(200, batch.results, 'application/binary');
    }
    return false;
  }

  private record(
    provider: BatchItem['provider'],
    batchId: string,
    customId: string,
    api: MockApi,
    body: Record<string, unknown>,
  ): Record<string, unknown> {
    const answered = this.answer(api, body);
    this.items.push({
      provider,
      batchId,
      customId,
      model: typeof body['model'] === 'string' ? body['model'] : 'unknown',
      body,
      inputTokens: answered.inputTokens,
      outputTokens: answered.outputTokens,
    });
    return answered.body;
  }

  private openAIBatch(batch: Batch, endpoint: string) {
    const done = batch.outputFileId !== undefined;
    return {
      id: batch.id,
      object: 'batch',
      endpoint,
      completion_window: '24h',
      status: done ? 'completed' : batch.statusReads === 0 ? 'validating' : 'in_progress',
      output_file_id: done ? batch.outputFileId : null,
      error_file_id: null,
      created_at: batch.createdAt,
      request_counts: { total: 1, completed: done ? 1 : 0, failed: 0 },
    };
  }

  private anthropicBatch(batch: Batch, ended: boolean) {
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: {
        processing: ended ? 0 : 1,
        succeeded: ended ? 1 : 0,
        errored: 0,
        canceled: 0,
        expired: 0,
      },
      results_url: ended ? `/v1/messages/batches/${batch.id}/results` : null,
      created_at: new Date(batch.createdAt * 1000).toISOString(),
    };
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** The content of the part named `file` of a multipart/form-data body. */
function multipartFile(raw: Buffer, contentType: string): string | undefined {
  const boundary = contentType.match(/boundary=(?:"([^"]+)"|([^;]+))/);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return undefined;
  for (const part of raw.toString('utf8').split(`--${mark}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const head = part.slice(0, split);
    if (!/name="file"/.test(head)) continue;
    return part.slice(split + 4).replace(/\r\n$/, '');
  }
  return undefined;
}
