import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Version of the capture format: of each file line (the envelope) and of each record inside it. */
export const CAPTURE_FORMAT_VERSION = 1;

/** One line of a capture file: a record encrypted with AES-256-GCM under its own IV. */
export interface CaptureEnvelope {
  v: typeof CAPTURE_FORMAT_VERSION;
  iv: string;
  tag: string;
  data: string;
}

/**
 * The 32-byte key of a key file: 32 raw bytes, or 64 hex characters, or base64 of 32 bytes
 * (surrounding whitespace ignored, so `openssl rand -base64 32 > key` works). Anything else is an
 * error naming the file and what is expected.
 */
export function readCaptureKey(file: string, field: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw new Error(`${field}: cannot read the capture key file ${file}: ${(err as Error).message}`);
  }
  if (raw.length === 32) return raw;
  const text = raw.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  throw new Error(
    `${field}: the capture key file ${file} must hold a 256-bit key: 32 raw bytes, 64 hex characters or 44 base64 characters (e.g. \`openssl rand -base64 32\`)`,
  );
}

/** Encrypts one record (its JSON) into a file line. */
export function sealRecord(key: Buffer, record: object): CaptureEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(record), 'utf8'), cipher.final()]);
  return {
    v: CAPTURE_FORMAT_VERSION,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts a file line back into its record; a wrong key or a changed line fails authentication. */
export function openRecord(key: Buffer, line: string): Record<string, unknown> {
  const envelope = JSON.parse(line) as Partial<CaptureEnvelope>;
  if (envelope.v !== CAPTURE_FORMAT_VERSION || !envelope.iv || !envelope.tag || !envelope.data)
    throw new Error(`not a capture line of format v${CAPTURE_FORMAT_VERSION} (fields v, iv, tag, data)`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
}
