import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { AuditResult, Violation } from './residency-audit.js';
import { auditRecord, auditSchedule, MAX_EVENTS_PER_AUDIT, nextAudit } from './residency-audit-plan.js';

const NOW = new Date('2025-03-11T12:00:00Z');
const MINUTE = 60_000;

function policy(
  options: { auditInterval?: string; lastAudit?: string; observed?: number; allowedRegions?: string[] } = {},
  violations: Violation[] = [],
): DataResidencyPolicy {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name: 'eu-only', generation: 2 },
    spec: {
      mode: 'Audit',
      namespaceSelector: {},
      allowedRegions: options.allowedRegions ?? ['eu-central-1'],
      unknownEndpoints: 'Deny',
      auditInterval: options.auditInterval ?? '10m',
    },
    ...(options.lastAudit
      ? {
          status: {
            lastAuditTime: options.lastAudit,
            observedGeneration: options.observed ?? 2,
            violations,
            violationCount: violations.length,
          },
        }
      : {}),
  };
}

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * MINUTE).toISOString();

describe('auditSchedule: when the next audit is due', () => {
  const cases: Array<[string, DataResidencyPolicy, number | undefined, string]> = [
    ['never audited: now', policy(), undefined, 'audit'],
    [
      'audited 2 min ago, interval 10m: in 8 min',
      policy({ lastAudit: minutesAgo(2) }),
      undefined,
      'wait 480000',
    ],
    ['audited 10 min ago: now', policy({ lastAudit: minutesAgo(10) }), undefined, 'audit'],
    [
      'audited 2 min ago, admission asked and it settles in 1.5 s: then',
      policy({ lastAudit: minutesAgo(2) }),
      1_500,
      'wait 1500',
    ],
    [
      'audited 2 min ago, admission asked and it is due: now',
      policy({ lastAudit: minutesAgo(2) }),
      0,
      'audit',
    ],
    [
      'a request due later than the interval: at the interval',
      policy({ lastAudit: minutesAgo(9) }),
      2 * MINUTE,
      'wait 60000',
    ],
    [
      'the spec changed since the last audit: now',
      policy({ lastAudit: minutesAgo(2), observed: 1 }),
      undefined,
      'audit',
    ],
    [
      'the last audit is in the future (the clock went back): now',
      policy({ lastAudit: new Date(NOW.getTime() + MINUTE).toISOString() }),
      undefined,
      'audit',
    ],
    [
      'auditInterval 30s, audited 10 s ago: in 20 s',
      policy({ auditInterval: '30s', lastAudit: new Date(NOW.getTime() - 10_000).toISOString() }),
      undefined,
      'wait 20000',
    ],
  ];
  for (const [name, p, requestedIn, expected] of cases) {
    it(name, () => {
      const schedule = auditSchedule({ policy: p, now: NOW, requestedIn });
      const said =
        schedule.kind === 'audit'
          ? 'audit'
          : `${schedule.kind} ${schedule.result.requeueAfter ?? schedule.result.error?.message}`;
      assert.equal(said, expected);
    });
  }

  it('an auditInterval that is no duration: terminal, naming the field and the value', () => {
    const schedule = auditSchedule({ policy: policy({ auditInterval: '0s' }), now: NOW, requestedIn: 0 });
    assert.equal(schedule.kind, 'invalid');
    assert.equal(schedule.kind === 'invalid' && schedule.result.error?.name, 'TerminalError');
    assert.match(
      (schedule.kind === 'invalid' && schedule.result.error?.message) || '',
      /DataResidencyPolicy eu-only: spec\.auditInterval must be a duration such as 10m, got "0s"/,
    );
  });
});

describe('nextAudit', () => {
  it('in an interval, or when a request made during the audit is due', () => {
    assert.deepEqual(nextAudit(10 * MINUTE, undefined), requeueAfter(10 * MINUTE));
    assert.deepEqual(nextAudit(10 * MINUTE, 3_000), requeueAfter(3_000));
  });
});

function violation(name: string): Violation & { message: string } {
  return {
    namespace: 'shop',
    kind: 'Deployment',
    name,
    source: 'env OPENAI_BASE_URL',
    endpoint: 'https://api.openai.com',
    region: 'us-east-1',
    message: `Deployment shop/${name}: api.openai.com is in us-east-1`,
  };
}

function audited(found: Array<Violation & { message: string }>): AuditResult {
  return {
    violations: found.map(({ message: _m, ...v }) => v),
    violationCount: found.length,
    workloads: 4,
    all: found,
  };
}

describe('auditRecord: what an audit writes', () => {
  it('a clean audit: Ready (Audited) with the counts, lastAuditTime, no Event', () => {
    const record = auditRecord({ policy: policy(), result: audited([]), agents: 1, namespaces: 2, now: NOW });
    assert.equal(record.status.lastAuditTime, NOW.toISOString());
    assert.equal(record.status.observedGeneration, 2);
    assert.deepEqual(
      record.status.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
      [['Ready', 'True', 'Audited', 'audited 4 workload(s) (1 agent(s)) in 2 namespace(s): 0 violation(s)']],
    );
    assert.deepEqual(record.events, []);
  });

  it('an Event for each violation not seen at the last audit, and only for those', () => {
    const before = policy({ lastAudit: minutesAgo(10) }, [
      audited([violation('old')]).violations[0] as Violation,
    ]);
    const record = auditRecord({
      policy: before,
      result: audited([violation('old'), violation('new')]),
      agents: 0,
      namespaces: 1,
      now: NOW,
    });
    assert.equal(record.status.violationCount, 2);
    assert.deepEqual(
      record.events.map((e) => [e.event.type, e.event.reason, e.event.action, e.event.note]),
      [['Warning', 'ResidencyViolation', 'Audit', 'Deployment shop/new: api.openai.com is in us-east-1']],
    );
    assert.deepEqual(
      record.events[0]?.event.related,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'shop', name: 'new' } },
      'the violating workload is the related object, so its Event does not join another workload’s series',
    );
    assert.equal(record.fresh, 1);
  });

  it(`at most ${MAX_EVENTS_PER_AUDIT} Events per audit; the status counts them all`, () => {
    const many = Array.from({ length: 25 }, (_, i) => violation(`w${i}`));
    const record = auditRecord({
      policy: policy(),
      result: audited(many),
      agents: 0,
      namespaces: 1,
      now: NOW,
    });
    assert.equal(record.events.length, MAX_EVENTS_PER_AUDIT);
    assert.equal(record.fresh, 25);
    assert.equal(record.status.violationCount, 25);
  });

  it('an allowed region nothing is in: Stalled (UnknownRegion), naming it, and still audited', () => {
    const record = auditRecord({
      policy: policy({ allowedRegions: ['eu-central-9'] }),
      result: audited([]),
      agents: 0,
      namespaces: 1,
      now: NOW,
    });
    const stalled = record.status.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(stalled?.reason, 'UnknownRegion');
    assert.match(stalled?.message ?? '', /spec\.allowedRegions.*eu-central-9.*; audited 4 workload\(s\)/);
  });
});
