import type { ServerResponse } from 'node:http';
import { GOVERNOR_HEADERS } from '../http/governor-headers.js';

/** What the x-governor-* headers of one answer say. */
export interface GovernorFacts {
  policyVersion: string;
  traceId: string;
  route?: string;
  target?: string;
  attempts?: number;
  fallbackReasons: string[];
  staticFallback?: boolean;
  cache?: 'hit' | 'miss' | 'bypass';
  decisions: string[];
}

/** Sets the governor headers on `res` (before its head is written). Values are ASCII by construction. */
export function setGovernorHeaders(res: ServerResponse, facts: GovernorFacts): void {
  res.setHeader(GOVERNOR_HEADERS.policyVersion, facts.policyVersion);
  res.setHeader(GOVERNOR_HEADERS.traceId, facts.traceId);
  if (facts.route !== undefined) res.setHeader(GOVERNOR_HEADERS.route, headerSafe(facts.route));
  if (facts.target !== undefined) res.setHeader(GOVERNOR_HEADERS.target, headerSafe(facts.target));
  if (facts.attempts !== undefined) res.setHeader(GOVERNOR_HEADERS.attempts, String(facts.attempts));
  if (facts.fallbackReasons.length > 0) {
    res.setHeader(GOVERNOR_HEADERS.fallbackReason, headerSafe(facts.fallbackReasons.join(',')));
  }
  if (facts.staticFallback) res.setHeader(GOVERNOR_HEADERS.fallback, 'static');
  if (facts.cache !== undefined) res.setHeader(GOVERNOR_HEADERS.cache, facts.cache);
  if (facts.decisions.length > 0)
    res.setHeader(GOVERNOR_HEADERS.decision, headerSafe(facts.decisions.join(',')));
}

/** Header values must be visible ASCII; a model name from the agent could be anything. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024);
}
