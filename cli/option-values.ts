// Parsers of option values shared by the commands' flags: each refuses a bad value with a message
// that says what is expected (commander prints it with the flag's name).
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../apis/duration.js';
import { isTimeZone } from '../apis/time-zone.js';

export function port(text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value > 65535)
    throw new InvalidArgumentError('must be a port from 0 to 65535');
  return value;
}

export function seconds(text: string): number {
  const value = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || value <= 0) {
    throw new InvalidArgumentError('must be a number of seconds above 0, e.g. 30');
  }
  return value;
}

/** Milliseconds of a duration such as 90d, 12h or 30s (at least a second). */
export function duration(text: string): number {
  const ms = parseDuration(text);
  if (!Number.isFinite(ms) || ms < 1_000) {
    throw new InvalidArgumentError('must be a duration of at least 1s, such as 90d, 12h or 30s');
  }
  return ms;
}

export function boolean(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

export function dnsLabel(text: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(text)) {
    throw new InvalidArgumentError(
      'must be a DNS label: lower-case letters, digits and -, at most 63 characters',
    );
  }
  return text;
}

/** An http(s) base URL, without trailing slashes. */
export function baseUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidArgumentError(
      'must be an http(s) URL such as http://agent-governor.agent-governor.svc:8443',
    );
  }
  return text.replace(/\/+$/, '');
}

/** An IANA time zone name, such as Europe/Berlin or UTC. */
export function ianaTimeZone(text: string): string {
  if (!isTimeZone(text))
    throw new InvalidArgumentError('must be an IANA time zone, such as Europe/Berlin or UTC');
  return text;
}
