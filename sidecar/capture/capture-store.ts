import { appendFile, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RequestRecord } from '../telemetry/request-record.js';
import { sealRecord } from './capture-cipher.js';
import { capturedCall } from './capture-record.js';

/** How a call offered to the capture store ended: written, not drawn, dropped at a cap, or failed. */
export type CaptureOutcome = 'written' | 'sampled_out' | 'dropped' | 'failed';

export interface CaptureSettings {
  /** The directory of the capture files (created when missing). */
  dir: string;
  /** AES-256-GCM key (32 bytes). */
  key: Buffer;
  /** Share of calls captured, 0 to 1. */
  sampleRate: number;
  /** Largest request + answer text of a record, in characters. */
  maxRecordChars: number;
  /** A file is closed and a new one started past this size. */
  maxFileBytes: number;
  /** Records are dropped (outcome "dropped") while the directory holds this much. */
  maxTotalBytes: number;
  /** Files last written longer ago than this are deleted by the sweep. */
  retentionMs: number;
  /** The team's extra redaction patterns. */
  patterns: readonly RegExp[];
}

/** Calls waiting to be written; past it, calls are dropped rather than held. */
export const MAX_PENDING = 1000;
/** Files deleted by one retention sweep at most (the next sweep deletes the rest). */
export const MAX_SWEPT_FILES = 100;
const SWEEP_INTERVAL_MS = 10 * 60_000;
const FILE = /^capture-\d+-\d+\.jsonl$/;

interface Pending {
  record: RequestRecord;
  body: Record<string, unknown>;
  answerJson: unknown;
}

/**
 * Captured calls, written in the background (docs/capture.md): `offer` only draws the sample and
 * queues; redaction, encryption and the append happen on a later turn of the event loop, in batches.
 * A failure is counted and logged, never seen by the call.
 */
export class CaptureStore {
  private pending: Pending[] = [];
  private writing: Promise<void> | undefined;
  private file: string | undefined;
  private fileBytes = 0;
  private totalBytes = 0;
  private seq = 0;
  private ready: Promise<void>;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: CaptureSettings,
    private readonly count: (outcome: CaptureOutcome) => void,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.ready = this.open().catch((err) => this.fail(err));
  }

  /** Starts the periodic retention sweep (unref'd: it never keeps the process up). */
  startSweeping(intervalMs = SWEEP_INTERVAL_MS): void {
    this.sweeper = setInterval(() => {
      void this.sweep().catch((err) => this.fail(err));
    }, intervalMs);
    this.sweeper.unref();
  }

  /** A call ended: queue it when it is drawn in the sample. */
  offer(record: RequestRecord, body: Record<string, unknown>, answerJson: unknown): void {
    if (record.summariser) return;
    if (this.settings.sampleRate < 1 && this.random() >= this.settings.sampleRate) {
      this.count('sampled_out');
      return;
    }
    if (this.pending.length >= MAX_PENDING) {
      this.count('dropped');
      return;
    }
    this.pending.push({ record, body, answerJson });
    if (this.pending.length === 1 && this.writing === undefined) setImmediate(() => void this.flush());
  }

  /** Writes every queued call now; resolves when they are on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
    if (this.pending.length > 0) await this.flush();
  }

  private async write(): Promise<void> {
    await this.ready;
    const batch = this.pending;
    this.pending = [];
    let text = '';
    let records = 0;
    for (const p of batch) {
      let line: string;
      try {
        const call = capturedCall(p.record, p.body, p.answerJson, this.settings);
        line = `${JSON.stringify(sealRecord(this.settings.key, call))}\n`;
      } catch (err) {
        this.fail(err);
        continue;
      }
      const bytes = Buffer.byteLength(line);
      if (this.totalBytes + bytes > this.settings.maxTotalBytes) {
        this.count('dropped');
        continue;
      }
      if (this.file === undefined || this.fileBytes + bytes > this.settings.maxFileBytes) {
        if (text !== '') await this.append(text, records);
        text = '';
        records = 0;
        this.file = join(this.settings.dir, `capture-${this.now()}-${this.seq++}.jsonl`);
        this.fileBytes = 0;
      }
      text += line;
      records++;
      this.fileBytes += bytes;
      this.totalBytes += bytes;
    }
    if (text !== '') await this.append(text, records);
  }

  private async append(text: string, records: number): Promise<void> {
    try {
      await appendFile(this.file as string, text, { mode: 0o600 });
      for (let i = 0; i < records; i++) this.count('written');
    } catch (err) {
      for (let i = 0; i < records; i++) this.count('failed');
      this.logger.warn({ error: (err as Error).message, records }, 'capture write failed');
    }
  }

  /** Deletes files older than the retention (at most MAX_SWEPT_FILES per sweep). */
  async sweep(): Promise<number> {
    await this.ready;
    return this.sweepNow();
  }

  private async sweepNow(): Promise<number> {
    const cutoff = this.now() - this.settings.retentionMs;
    let removed = 0;
    for (const name of (await readdir(this.settings.dir)).filter((n) => FILE.test(n)).sort()) {
      if (removed >= MAX_SWEPT_FILES) break;
      const path = join(this.settings.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info || info.mtimeMs >= cutoff || path === this.file) continue;
      await unlink(path);
      this.totalBytes = Math.max(0, this.totalBytes - info.size);
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.flush();
  }

  private async open(): Promise<void> {
    await mkdir(this.settings.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.settings.dir))
      if (FILE.test(name)) this.totalBytes += (await stat(join(this.settings.dir, name))).size;
    await this.sweepNow();
  }

  private fail(err: unknown): void {
    this.count('failed');
    this.logger.warn({ error: (err as Error).message }, 'capture failed');
  }
}
