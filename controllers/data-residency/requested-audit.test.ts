import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RequestedAudit, requestedAuditIn, withAudit, withRequest } from './requested-audit.js';

const timing = { settleMs: 2_000, spacingMs: 5_000 };
type Step = { request: number } | { audit: number } | { dueAt: number; expect: number | undefined };

const cases: Array<{ name: string; steps: Step[] }> = [
  { name: 'nothing asked: nothing due', steps: [{ dueAt: 0, expect: undefined }] },
  {
    name: 'a request is due once it settled',
    steps: [
      { request: 1_000 },
      { dueAt: 1_000, expect: 2_000 },
      { dueAt: 3_000, expect: 0 },
      { dueAt: 9_000, expect: 0 },
    ],
  },
  {
    name: 'a burst costs one audit: later requests wait for the first one',
    steps: [
      { request: 0 },
      { request: 500 },
      { request: 1_900 },
      { dueAt: 0, expect: 2_000 },
      { audit: 2_000 },
      // The request at 1.9 s settles at 3.9 s, after the audit started: one more, spaced.
      { dueAt: 2_000, expect: 5_000 },
      { audit: 7_000 },
      { dueAt: 7_000, expect: undefined },
    ],
  },
  {
    name: 'an audit that started after the settle time covers the request',
    steps: [{ request: 0 }, { audit: 2_500 }, { dueAt: 2_500, expect: undefined }],
  },
  {
    name: 'audits are spaced: a request right after an audit waits for the spacing',
    steps: [
      { audit: 10_000 },
      { request: 10_100 },
      { dueAt: 10_100, expect: 4_900 },
      { dueAt: 15_000, expect: 0 },
    ],
  },
  {
    name: 'a request long after the last audit waits only for its settle time',
    steps: [{ audit: 0 }, { request: 60_000 }, { dueAt: 60_000, expect: 2_000 }],
  },
  {
    name: 'a steady stream does not postpone the audit forever',
    steps: [
      { request: 0 },
      { request: 1_000 },
      { request: 2_000 },
      { dueAt: 2_000, expect: 0 },
      { audit: 2_000 },
      { request: 3_000 },
      { request: 6_000 },
      { dueAt: 6_000, expect: 1_000 },
    ],
  },
];

describe('requested audits (settle, spacing)', () => {
  for (const row of cases) {
    it(row.name, () => {
      let state: RequestedAudit = {};
      for (const step of row.steps) {
        if ('request' in step) state = withRequest(state, step.request, timing);
        else if ('audit' in step) state = withAudit(state, step.audit);
        else assert.equal(requestedAuditIn(state, step.dueAt, timing), step.expect, JSON.stringify(state));
      }
    });
  }
});
