import { readFileSync } from 'node:fs';
import type { EffectiveTarget } from '../../apis/effective-policy.js';

export type CredentialLookup =
  | { ok: true; apiKey: string | undefined }
  | { ok: false; problem: string /* names the variable or file, never the key */ };

/**
 * API keys of targets, read from the sidecar's own environment, a file (a mounted Secret, which
 * Kubernetes rotates in place) or the policy itself (standalone file). Files are re-read at most
 * every `refreshMs`, so a rotated key is picked up without a read per request.
 */
export class TargetCredentials {
  private readonly files = new Map<string, { value: string | undefined; problem?: string; readAt: number }>();

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly refreshMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  lookup(target: EffectiveTarget): CredentialLookup {
    const creds = target.credentials;
    if (!creds) return { ok: true, apiKey: undefined };
    if (creds.apiKey !== undefined) return { ok: true, apiKey: creds.apiKey };
    if (creds.env !== undefined) {
      const value = this.env[creds.env];
      if (value === undefined || value === '') {
        return { ok: false, problem: `environment variable ${creds.env} of the sidecar is not set` };
      }
      return { ok: true, apiKey: value };
    }
    if (creds.file !== undefined) {
      const entry = this.readFile(creds.file);
      if (entry.value === undefined)
        return { ok: false, problem: entry.problem ?? `cannot read ${creds.file}` };
      return { ok: true, apiKey: entry.value };
    }
    return { ok: true, apiKey: undefined };
  }

  private readFile(file: string) {
    const cached = this.files.get(file);
    if (cached && this.now() - cached.readAt < this.refreshMs) return cached;
    let entry: { value: string | undefined; problem?: string; readAt: number };
    try {
      const value = readFileSync(file, 'utf8').trim();
      entry = value
        ? { value, readAt: this.now() }
        : { value: undefined, problem: `key file ${file} is empty`, readAt: this.now() };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      entry = { value: undefined, problem: `cannot read key file ${file} (${code})`, readAt: this.now() };
    }
    this.files.set(file, entry);
    return entry;
  }
}
