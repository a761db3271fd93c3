import { randomBytes } from 'node:crypto';
import type { ApiKind } from '../http/api-kind.js';
import { Agent, request } from '../http/undici-parts.js';
import { ANTHROPIC_VERSION } from '../routing/provider-adapter.js';
import {
  anthropicBatchRequest,
  anthropicBatchResult,
  type BatchItemResult,
  OPENAI_BATCH_URLS,
  openAIBatchLine,
  openAIBatchResult,
} from './batch-payloads.js';

/** Where a deferred call goes: the route target's provider, base URL and the sidecar's key for it. */
export interface BatchTarget {
  provider: 'OpenAI' | 'Anthropic' | 'AzureOpenAI' | 'OpenAICompatible';
  baseUrl: string;
  apiKey?: string;
}

/** A batch of one request the provider accepted. */
export interface SubmittedBatch {
  provider: 'OpenAI' | 'Anthropic';
  batchId: string;
  customId: string;
}

export type BatchPoll =
  | { state: 'pending'; status: string }
  | { state: 'done'; result: BatchItemResult }
  | { state: 'failed'; message: string };

/** Why a call cannot be deferred to `target`, or undefined when it can. */
export function unbatchable(target: Pick<BatchTarget, 'provider'>, api: ApiKind): string | undefined {
  if (target.provider === 'Anthropic')
    return api === 'messages' ? undefined : `Anthropic batches take Messages calls only, not ${api}`;
  if (target.provider === 'OpenAI')
    return OPENAI_BATCH_URLS[api] ? undefined : `the OpenAI Batch API does not take ${api} calls`;
  return `provider ${target.provider} has no batch API the sidecar can use`;
}

/**
 * The provider batch APIs, one request per batch (docs/adr/0048-deferred-calls-through-batch-apis.md):
 * OpenAI uploads a JSONL file (Files API, purpose `batch`) and creates a batch over it, polls the
 * batch and reads its output file; Anthropic creates a Message Batch, polls it and reads its results.
 */
export class ProviderBatches {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 4 });

  async submit(
    target: BatchTarget,
    api: ApiKind,
    customId: string,
    body: Readonly<Record<string, unknown>>,
    completionWindow = '24h',
  ): Promise<SubmittedBatch> {
    const why = unbatchable(target, api);
    if (why !== undefined) throw new Error(why);
    if (target.provider === 'Anthropic') {
      const batch = await this.json(target, 'POST', anthropicBase(target) + '/v1/messages/batches', {
        body: anthropicBatchRequest(customId, body),
        contentType: 'application/json',
      });
      return { provider: 'Anthropic', batchId: String(batch['id']), customId };
    }
    const boundary = `governor-${randomBytes(12).toString('hex')}`;
    const upload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deferred.jsonl"\r\n` +
      `Content-Type: application/jsonl\r\n\r\n${openAIBatchLine(customId, api, body)}\r\n--${boundary}--\r\n`;
    const file = await this.json(target, 'POST', `${target.baseUrl}/files`, {
      body: upload,
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
    const batch = await this.json(target, 'POST', `${target.baseUrl}/batches`, {
      body: JSON.stringify({
        input_file_id: file['id'],
        endpoint: OPENAI_BATCH_URLS[api],
        completion_window: completionWindow,
      }),
      contentType: 'application/json',
    });
    return { provider: 'OpenAI', batchId: String(batch['id']), customId };
  }

  async poll(target: BatchTarget, batch: SubmittedBatch): Promise<BatchPoll> {
    if (batch.provider === 'Anthropic') {
      const base = `${anthropicBase(target)}/v1/messages/batches/${encodeURIComponent(batch.batchId)}`;
      const status = await this.json(target, 'GET', base);
      if (status['processing_status'] !== 'ended')
        return { state: 'pending', status: String(status['processing_status']) };
      const url = typeof status['results_url'] === 'string' ? status['results_url'] : `${base}/results`;
      const results = await this.text(target, 'GET', url.startsWith('/') ? anthropicBase(target) + url : url);
      const result = anthropicBatchResult(results, batch.customId);
      return result
        ? { state: 'done', result }
        : { state: 'failed', message: 'the batch results lack this call' };
    }
    const status = await this.json(
      target,
      'GET',
      `${target.baseUrl}/batches/${encodeURIComponent(batch.batchId)}`,
    );
    const state = String(status['status']);
    if (state === 'failed' || state === 'expired' || state === 'cancelled')
      return { state: 'failed', message: `the provider's batch ${batch.batchId} is ${state}` };
    if (state !== 'completed') return { state: 'pending', status: state };
    for (const field of ['output_file_id', 'error_file_id']) {
      const fileId = status[field];
      if (typeof fileId !== 'string') continue;
      const content = await this.text(
        target,
        'GET',
        `${target.baseUrl}/files/${encodeURIComponent(fileId)}/content`,
      );
      const result = openAIBatchResult(content, batch.customId);
      if (result) return { state: 'done', result };
    }
    return { state: 'failed', message: 'the completed batch has no line for this call' };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async text(
    target: BatchTarget,
    method: 'GET' | 'POST',
    url: string,
    send?: { body: string; contentType: string },
  ): Promise<string> {
    const headers: Record<string, string> = {};
    if (target.provider === 'Anthropic') {
      headers['anthropic-version'] = ANTHROPIC_VERSION;
      if (target.apiKey) headers['x-api-key'] = target.apiKey;
    } else if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
    if (send) headers['content-type'] = send.contentType;
    const response = await request(url, {
      method,
      headers,
      ...(send ? { body: send.body } : {}),
      dispatcher: this.dispatcher,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) {
      throw new Error(
        `${method} ${new URL(url).pathname} answered ${response.statusCode}: ${text.slice(0, 300)}`,
      );
    }
    return text;
  }

  private async json(
    target: BatchTarget,
    method: 'GET' | 'POST',
    url: string,
    send?: { body: string; contentType: string },
  ): Promise<Record<string, unknown>> {
    return JSON.parse(await this.text(target, method, url, send)) as Record<string, unknown>;
  }
}

function anthropicBase(target: BatchTarget): string {
  return target.baseUrl.replace(/\/v1$/, '');
}
