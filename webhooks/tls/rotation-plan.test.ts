import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CertificateFacts } from './certificate-facts.js';
import {
  type CertificatePolicy,
  defaultCertificatePolicy,
  planRotation,
  renewalTime,
  type TlsState,
  trustedCaRoles,
  validityFrom,
  withLifetimes,
} from './rotation-plan.js';

const day = 24 * 3600_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

const names = { dnsNames: ['agent-governor-webhook.gov.svc'], ipAddresses: ['127.0.0.1'] };
const policy: CertificatePolicy = defaultCertificatePolicy(names);

function cert(fromMs: number, lifeMs: number, extra: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: 'CN=x',
    notBefore: at(fromMs),
    notAfter: at(fromMs + lifeMs),
    serial: `${fromMs}`,
    isCA: false,
    dnsNames: names.dnsNames,
    ipAddresses: names.ipAddresses,
    ...extra,
  };
}
const ca = (fromMs: number, lifeMs = 5 * 365 * day) => ({
  facts: cert(fromMs, lifeMs, { isCA: true, dnsNames: [], ipAddresses: [] }),
  hasKey: true,
});
const serving = (fromMs: number, lifeMs = 90 * day, extra: Partial<CertificateFacts> = {}) => ({
  facts: cert(fromMs, lifeMs, extra),
  signedBySigning: true,
  keyMatches: true,
});
const healthy: TlsState = { signing: ca(0), serving: serving(0) };

interface Case {
  name: string;
  state: TlsState;
  now: number;
  steps: string[];
  /** A word each reason must contain, in step order. */
  because?: string[];
  nextCheck?: number;
}

const cases: Case[] = [
  {
    name: 'nothing yet: a CA and a serving certificate',
    state: {},
    now: 0,
    steps: ['create-ca', 'issue-serving'],
  },
  {
    name: 'fresh and complete: nothing to do, look again at 2/3 of the serving life',
    state: healthy,
    now: day,
    steps: [],
    nextCheck: 60 * day,
  },
  {
    name: 'serving at 2/3 of its life: renewed',
    state: healthy,
    now: 60 * day,
    steps: ['issue-serving'],
    because: ['67 %'],
  },
  {
    name: 'serving missing a required name (a new --webhook-host): reissued',
    state: { signing: ca(0), serving: serving(0, 90 * day, { ipAddresses: ['10.0.0.1'] }) },
    now: day,
    steps: ['issue-serving'],
    because: ['127.0.0.1'],
  },
  {
    name: 'serving not signed by the signing CA: reissued',
    state: { signing: ca(0), serving: { ...serving(0), signedBySigning: false } },
    now: day,
    steps: ['issue-serving'],
    because: ['not signed'],
  },
  {
    name: 'serving key does not match: reissued',
    state: { signing: ca(0), serving: { ...serving(0), keyMatches: false } },
    now: day,
    steps: ['issue-serving'],
    because: ['private key'],
  },
  {
    name: 'CA without its key: a new CA (nothing can be signed)',
    state: { signing: { ...ca(0), hasKey: false }, serving: serving(0) },
    now: day,
    steps: ['create-ca', 'issue-serving'],
    because: ['private key', 'new CA'],
  },
  {
    name: 'CA expired (operator away for years): a new CA, old trust dropped',
    state: { signing: ca(0, 365 * day), previous: ca(-day).facts, serving: serving(300 * day) },
    now: 400 * day,
    steps: ['create-ca', 'issue-serving'],
  },
  {
    name: 'CA at 2/3 of its life: the next CA is staged, nothing else',
    state: { signing: ca(0), serving: serving(1200 * day) },
    now: Math.ceil((5 * 365 * day * 2) / 3),
    steps: ['stage-next-ca'],
  },
  {
    name: 'staged CA within the overlap: wait for the overlap to end',
    state: {
      signing: ca(0),
      next: { ...ca(1300 * day), publishedAt: at(1300 * day) },
      serving: serving(1290 * day),
    },
    now: 1300 * day + 60_000,
    steps: [],
    nextCheck: 1300 * day + policy.caOverlapMs,
  },
  {
    name: 'staged CA past the overlap: promoted, and a serving certificate it signs',
    state: {
      signing: ca(0),
      next: { ...ca(1300 * day), publishedAt: at(1300 * day) },
      serving: serving(1290 * day),
    },
    now: 1300 * day + policy.caOverlapMs,
    steps: ['promote-next-ca', 'issue-serving'],
    because: ['overlap', 'new CA'],
  },
  {
    name: 'staged CA unusable (no key): staged again',
    state: {
      signing: ca(0),
      next: { ...ca(1300 * day), hasKey: false, publishedAt: at(1300 * day) },
      serving: serving(1290 * day),
    },
    now: 1300 * day + 1000,
    steps: ['stage-next-ca'],
  },
  {
    name: 'previous CA expired: dropped from the bundle',
    state: { signing: ca(1300 * day), previous: ca(0).facts, serving: serving(1826 * day) },
    now: 1826 * day,
    steps: ['drop-previous-ca'],
  },
  {
    name: 'previous CA still valid: kept, looked at again when it expires (before serving renewal)',
    state: { signing: ca(1300 * day), previous: ca(0).facts, serving: serving(1800 * day) },
    now: 1801 * day,
    steps: [],
    nextCheck: 5 * 365 * day,
  },
];

describe('planRotation', () => {
  for (const c of cases) {
    it(c.name, () => {
      const plan = planRotation(c.state, at(c.now), policy);
      assert.deepEqual(plan.steps, c.steps);
      assert.equal(plan.reasons.length, c.steps.length);
      for (const [i, word] of (c.because ?? []).entries()) {
        assert.match(plan.reasons[i] ?? '', new RegExp(word), plan.reasons[i]);
      }
      if (c.nextCheck !== undefined) assert.equal(plan.nextCheckAt.getTime(), T0 + c.nextCheck);
    });
  }

  it('never asks to look again in the past', () => {
    const plan = planRotation(healthy, at(59 * day), policy);
    assert.ok(plan.nextCheckAt.getTime() >= T0 + 59 * day);
  });
});

describe('trustedCaRoles (the caBundle)', () => {
  it('is the signing CA alone when nothing rotates', () => {
    assert.deepEqual(trustedCaRoles(healthy, at(day)), ['signing']);
  });
  it('holds the staged CA beside the signing one', () => {
    const state = { ...healthy, next: { ...ca(day), publishedAt: at(day) } };
    assert.deepEqual(trustedCaRoles(state, at(day)), ['signing', 'next']);
  });
  it('keeps the previous CA until it expires', () => {
    const state = { ...healthy, previous: ca(-day, 2 * day).facts };
    assert.deepEqual(trustedCaRoles(state, at(day - 1)), ['signing', 'previous']);
    assert.deepEqual(trustedCaRoles(state, at(day)), ['signing']);
  });
});

describe('lifetimes and validity', () => {
  it('renews at the given fraction of the certificate’s own span', () => {
    assert.equal(renewalTime(cert(0, 90 * day), 2 / 3), T0 + 60 * day);
  });
  it('derives the CA overlap from the CA lifetime: 1/20, at most 10 minutes', () => {
    assert.equal(policy.caOverlapMs, 10 * 60_000);
    assert.equal(withLifetimes(policy, 60_000, 20_000).caOverlapMs, 3_000);
  });
  it('backdates a tenth of the life (at most 5 minutes) and never outlives its CA', () => {
    const long = validityFrom(at(0), 90 * day);
    assert.equal(long.notBefore.getTime(), T0 - 5 * 60_000);
    assert.equal(long.notAfter.getTime(), T0 + 90 * day);
    const short = validityFrom(at(0), 20_000, at(10_000));
    assert.equal(short.notBefore.getTime(), T0 - 2_000);
    assert.equal(short.notAfter.getTime(), T0 + 10_000);
  });
});
