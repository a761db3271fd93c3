import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-governor-signature';
export const TIMESTAMP_HEADER = 'x-governor-timestamp';
export const ALERT_ID_HEADER = 'x-governor-alert-id';
/** A receiver should refuse signatures older (or newer) than this: replay protection. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * `sha256=<hex>`: HMAC-SHA256 with the webhook's signing secret over `<timestamp>.<body>`, the
 * timestamp being the `X-Governor-Timestamp` header (Unix seconds). Signing the timestamp with the
 * body keeps a captured request from being replayed later.
 */
export function alertSignature(body: string, secret: string, timestamp: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one alert delivery: content type, id, and with a secret, timestamp and signature. */
export function alertHeaders(
  body: string,
  options: { id: string; secret?: string; now: Date },
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [ALERT_ID_HEADER]: options.id,
  };
  if (options.secret !== undefined) {
    const timestamp = Math.floor(options.now.getTime() / 1000);
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = alertSignature(body, options.secret, timestamp);
  }
  return headers;
}

/**
 * Whether a received alert is authentic: the signature matches (compared in constant time) and the
 * timestamp is within SIGNATURE_TOLERANCE_SECONDS of `now`. For receivers, and for our tests.
 */
export function verifyAlertSignature(
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
  secret: string,
  now: Date,
): boolean {
  const timestamp = Number(headers[TIMESTAMP_HEADER]);
  const given = headers[SIGNATURE_HEADER];
  if (!Number.isInteger(timestamp) || !given) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(alertSignature(body, secret, timestamp));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
