import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectivePolicy } from './effective-policy.js';
import { type ResidencyMode, type ResidencyTarget, residencyDecision } from './residency-decision.js';

type Residency = NonNullable<EffectivePolicy['residency']>;
type ResidencyPolicy = Residency['policies'][number];

function policy(overrides: Partial<ResidencyPolicy> = {}): ResidencyPolicy {
  return {
    name: 'eu-only',
    mode: 'Enforce',
    allowedRegions: [],
    allowedJurisdictions: ['EU', 'CH'],
    unknownEndpoints: 'Deny',
    ...overrides,
  };
}

function residency(policies: ResidencyPolicy[], endpoints: Residency['endpoints'] = []): Residency {
  return { policies, endpoints };
}

describe('residencyDecision', () => {
  const allowed: [string, Residency | undefined, ResidencyTarget][] = [
    ['no residency section', undefined, { baseUrl: 'https://api.openai.com/v1' }],
    ['no policy', residency([]), { baseUrl: 'https://api.openai.com/v1' }],
    ['an allowed jurisdiction', residency([policy()]), { baseUrl: 'https://eu.api.openai.com/v1' }],
    [
      'an allowed region',
      residency([policy({ allowedRegions: ['us-east-1'], allowedJurisdictions: [] })]),
      { baseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com' },
    ],
    [
      'CH by jurisdiction',
      residency([policy()]),
      { baseUrl: 'https://europe-west6-aiplatform.googleapis.com' },
    ],
    [
      'a cluster-internal host',
      residency([policy()]),
      { baseUrl: 'http://llm-gateway.ai.svc.cluster.local:8080/v1' },
    ],
    ['loopback in hex', residency([policy()]), { baseUrl: 'http://0x7f000001:4000/v1' }],
    [
      'an unknown host the policy lets through',
      residency([policy({ unknownEndpoints: 'Allow' })]),
      { baseUrl: 'https://llm.example.com/v1' },
    ],
    [
      'an unknown host with a declared region',
      residency([policy()]),
      { baseUrl: 'https://llm.example.com/v1', region: 'eu-central-1' },
    ],
    [
      'an unknown host placed by the policy endpoints',
      residency([policy()], [{ host: 'llm.example.com', region: 'eu-west-1', jurisdiction: 'EU' }]),
      { baseUrl: 'https://llm.example.com/v1' },
    ],
    [
      'an allowed target under two policies',
      residency([policy(), policy({ name: 'no-ch', allowedJurisdictions: ['EU'] })]),
      { baseUrl: 'https://eu.api.openai.com/v1' },
    ],
  ];
  for (const [name, section, target] of allowed) {
    it(`allows ${name}`, () => assert.deepEqual(residencyDecision(section, target), { allowed: true }));
  }

  const refused: [
    string,
    Residency,
    ResidencyTarget,
    { mode: ResidencyMode; policy: string; region?: string; message: RegExp[] },
  ][] = [
    [
      'a US endpoint under an EU policy',
      residency([policy()]),
      { baseUrl: 'https://api.openai.com/v1' },
      {
        mode: 'Enforce',
        policy: 'eu-only',
        region: 'us',
        message: [
          /api\.openai\.com/,
          /region us/,
          /jurisdiction US/,
          /"eu-only"/,
          /allowed jurisdictions: EU, CH/,
          /allowed regions: none/,
        ],
      },
    ],
    [
      'userinfo dressed as the EU endpoint',
      residency([policy()]),
      { baseUrl: 'https://eu.api.openai.com@api.openai.com/v1' },
      { mode: 'Enforce', policy: 'eu-only', region: 'us', message: [/egress to api\.openai\.com /] },
    ],
    [
      'a region the target claims for a host the catalog knows',
      residency([policy()]),
      { baseUrl: 'https://api.openai.com/v1', region: 'eu-central-1' },
      { mode: 'Enforce', policy: 'eu-only', region: 'us', message: [/region us/] },
    ],
    [
      'an unknown host',
      residency([policy()]),
      { baseUrl: 'https://contoso.openai.azure.com' },
      {
        mode: 'Enforce',
        policy: 'eu-only',
        message: [/contoso\.openai\.azure\.com/, /unknown region/, /denies unknown endpoints/],
      },
    ],
    [
      'an unparseable base URL',
      residency([policy()]),
      { baseUrl: 'https://$(HOST)/v1' },
      { mode: 'Enforce', policy: 'eu-only', message: [/unknown region/] },
    ],
    [
      'a London region under an EU policy',
      residency([policy()]),
      { baseUrl: 'https://bedrock-runtime.eu-west-2.amazonaws.com' },
      { mode: 'Enforce', policy: 'eu-only', region: 'eu-west-2', message: [/jurisdiction GB/] },
    ],
    [
      'a declared region outside the allowed ones',
      residency([policy()]),
      { baseUrl: 'https://llm.example.com', region: 'us-east-1' },
      {
        mode: 'Enforce',
        policy: 'eu-only',
        region: 'us-east-1',
        message: [/jurisdiction US, as declared by the target/],
      },
    ],
    [
      'a public IP literal',
      residency([policy()]),
      { baseUrl: 'http://[2001:db8::1]:8443/v1' },
      { mode: 'Enforce', policy: 'eu-only', message: [/2001:db8::1/, /unknown region/] },
    ],
    [
      'under a Warn policy',
      residency([policy({ mode: 'Warn' })]),
      { baseUrl: 'https://api.anthropic.com' },
      { mode: 'Warn', policy: 'eu-only', region: 'us', message: [/mode Warn/] },
    ],
    [
      'under an Audit policy',
      residency([policy({ mode: 'Audit' })]),
      { baseUrl: 'https://api.anthropic.com' },
      { mode: 'Audit', policy: 'eu-only', region: 'us', message: [/mode Audit/] },
    ],
    [
      'by the strictest of several objecting policies',
      residency([
        policy({ name: 'audit-eu', mode: 'Audit' }),
        policy({ name: 'enforce-ch', allowedJurisdictions: ['CH'] }),
      ]),
      { baseUrl: 'https://eu.api.openai.com' },
      {
        mode: 'Enforce',
        policy: 'enforce-ch',
        region: 'eu',
        message: [/"enforce-ch"/, /allowed jurisdictions: CH/],
      },
    ],
    [
      'when one of two policies objects',
      residency([
        policy(),
        policy({ name: 'frankfurt', allowedJurisdictions: [], allowedRegions: ['eu-central-1'] }),
      ]),
      { baseUrl: 'https://eu.api.openai.com' },
      { mode: 'Enforce', policy: 'frankfurt', region: 'eu', message: [/allowed regions: eu-central-1/] },
    ],
  ];
  for (const [name, section, target, expected] of refused) {
    it(`refuses ${name}`, () => {
      const decision = residencyDecision(section, target);
      assert.equal(decision.allowed, false);
      if (decision.allowed) return;
      assert.equal(decision.mode, expected.mode);
      assert.equal(decision.policy, expected.policy);
      assert.equal(decision.region, expected.region);
      for (const pattern of expected.message) assert.match(decision.message, pattern);
    });
  }
});
