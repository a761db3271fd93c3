import type { Logger } from 'pino';
import { jsonLineWriter } from './json-line-writer.js';
import { requestLineFields, requestLineMembers } from './request-line.js';
import type { RequestRecord } from './request-record.js';

const WARN_OUTCOMES = new Set(['ServerError', 'Timeout', 'StaticFallback']);

/**
 * Writes the one JSON line per request (its fields: `request-line.ts`). A plain logger gets the line
 * written as JSON text straight from the record; any other gets the fields as an object.
 */
export function logRequest(logger: Logger, record: RequestRecord): void {
  const warn = WARN_OUTCOMES.has(record.outcome);
  // A line the level drops is neither built nor redacted.
  if (!logger.isLevelEnabled(warn ? 'warn' : 'info')) return;
  const write = jsonLineWriter(logger);
  // The line may be written a moment after the call ended (calls are accounted in batches): its
  // time is when the call ended.
  if (write) {
    write(
      warn ? 'warn' : 'info',
      requestLineMembers(record),
      'request',
      record.startedAt + record.timings.totalMs,
    );
  } else if (warn) logger.warn(requestLineFields(record), 'request');
  else logger.info(requestLineFields(record), 'request');
}
