import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type UsageBatch, usageBatch } from '../../apis/usage-batch.js';

const BATCH_FILE = /^batch-(\d{12})\.json$/;
const INSTANCE_FILE = 'instance';
const SEQUENCE_FILE = 'sequence';
const REJECTED_DIR = 'rejected';

/**
 * The usage spool: unacknowledged batches on disk, one file each, written atomically (temporary
 * file, fsync, rename) before they are sent. It also keeps the reporter's identity — the instance id
 * (created with the directory, so a new spool is a new instance) and the last sequence handed out
 * (so sequences grow across restarts and are never reused). One reporter per directory.
 */
export class UsageSpool {
  private lastSequence = 0;
  private instanceId = '';

  constructor(readonly dir: string) {}

  get instance(): string {
    return this.instanceId;
  }

  /** Creates the directory, reads or creates the instance id, and finds the last sequence used. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const stored = await readText(join(this.dir, INSTANCE_FILE));
    if (stored) {
      this.instanceId = stored;
    } else {
      const prefix = hostname()
        .replace(/[^A-Za-z0-9.-]/g, '-')
        .slice(0, 63);
      this.instanceId = `${prefix}-${randomUUID()}`;
      await this.writeAtomically(INSTANCE_FILE, this.instanceId);
    }
    const counter = Number((await readText(join(this.dir, SEQUENCE_FILE))) ?? '0');
    const spooled = await this.pendingSequences();
    this.lastSequence = Math.max(Number.isSafeInteger(counter) ? counter : 0, spooled.at(-1) ?? 0);
  }

  /** Spools a new batch of `entries` under the next sequence and returns it. */
  async append(batch: Omit<UsageBatch, 'instance' | 'sequence'>): Promise<UsageBatch> {
    const sequence = this.lastSequence + 1;
    const spooled: UsageBatch = { ...batch, instance: this.instanceId, sequence };
    // The batch file first, then the counter: after a crash between the two, open() still finds
    // the sequence in the batch file's name, so it is never handed out twice.
    await this.writeAtomically(batchFile(sequence), JSON.stringify(spooled));
    this.lastSequence = sequence;
    await this.writeAtomically(SEQUENCE_FILE, String(sequence));
    return spooled;
  }

  /** Sequences of the spooled batches, oldest first. */
  async pendingSequences(): Promise<number[]> {
    const names = await readdir(this.dir);
    const sequences: number[] = [];
    for (const name of names) {
      const match = BATCH_FILE.exec(name);
      if (match) sequences.push(Number(match[1]));
    }
    return sequences.sort((a, b) => a - b);
  }

  /** Reads a spooled batch; a file that does not hold a valid batch is an error naming it. */
  async read(sequence: number): Promise<UsageBatch> {
    const path = join(this.dir, batchFile(sequence));
    const text = await readFile(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new Error(`usage spool file ${path} is not JSON: ${(cause as Error).message}`);
    }
    const result = usageBatch.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `usage spool file ${path} is not a UsageBatch: ${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    return result.data;
  }

  /** Drops an acknowledged batch. */
  async remove(sequence: number): Promise<void> {
    await rm(join(this.dir, batchFile(sequence)), { force: true });
  }

  /** Moves a batch the operator refuses for good aside, so it neither blocks the queue nor is lost. */
  async reject(sequence: number): Promise<string> {
    await mkdir(join(this.dir, REJECTED_DIR), { recursive: true });
    const to = join(this.dir, REJECTED_DIR, batchFile(sequence));
    await rename(join(this.dir, batchFile(sequence)), to);
    return to;
  }

  private async writeAtomically(name: string, text: string): Promise<void> {
    const path = join(this.dir, name);
    const temporary = `${path}.${process.pid}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  }
}

function batchFile(sequence: number): string {
  return `batch-${String(sequence).padStart(12, '0')}.json`;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
