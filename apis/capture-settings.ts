import { z } from 'zod';

/**
 * Capture of request/answer pairs by one sidecar (docs/capture.md, docs/adr/0053-capture-of-calls.md):
 * off unless given, and never without a key file. The sidecar's `--capture*` flags fill it.
 */
export const CaptureSettingsSchema = z
  .object({
    /** File holding the AES-256-GCM key (32 raw bytes, 64 hex or base64), e.g. a mounted Secret. */
    keyFile: z.string().min(1, 'give the file of the 256-bit capture key, e.g. a mounted Secret'),
    /** Directory of the capture files; default `<spool dir>/capture`. */
    dir: z.string().min(1).optional(),
    /** Share of calls captured, 0 to 1. */
    sampleRate: z.number().min(0).max(1).default(1),
    /** Largest request + answer text of one record, in characters, before `…[truncated]`. */
    maxRecordChars: z.number().int().min(64).default(32_768),
    /** Size past which a new file is started, in bytes. */
    maxFileBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /** Total size of the directory past which records are dropped, in bytes. */
    maxTotalBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024 * 1024),
    /** Files last written longer ago than this many hours are deleted. */
    retentionHours: z
      .number()
      .positive()
      .default(24 * 7),
    /** Extra redaction patterns (JavaScript regular expressions), applied after the built-in ones. */
    redact: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type CaptureSettingsInput = z.input<typeof CaptureSettingsSchema>;
export type CaptureSettingsSpec = z.output<typeof CaptureSettingsSchema>;

/** The settings, or an error naming each bad field (`capture.<field>`) and what it expects. */
export function parseCaptureSettings(input: unknown): CaptureSettingsSpec {
  const result = CaptureSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  throw new Error(
    `capture: ${result.error.issues
      .map((i) => `capture.${i.path.join('.') || '(settings)'}: ${i.message}`)
      .join('; ')}`,
  );
}
