import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileResidency } from './residency.js';

describe('compileResidency', () => {
  it('is undefined when no policy applies', () => assert.equal(compileResidency([]), undefined));

  it('keeps each policy and merges catalog additions, the first policy winning a host', () => {
    const residency = compileResidency([
      {
        name: 'eu-only',
        spec: {
          mode: 'Enforce',
          allowedJurisdictions: ['EU'],
          endpoints: [{ host: 'llm.eu.example.com', region: 'eu-west-1', jurisdiction: 'EU' }],
          unknownEndpoints: 'Deny',
        },
      },
      {
        name: 'audit',
        spec: {
          mode: 'Audit',
          allowedRegions: ['eu-central-1'],
          endpoints: [
            { host: 'llm.eu.example.com', region: 'us-east-1', jurisdiction: 'US' },
            { host: 'other.example.com', region: 'eu-central-1', jurisdiction: 'EU' },
          ],
          unknownEndpoints: 'Allow',
        },
      },
    ]);
    assert.deepEqual(residency, {
      policies: [
        {
          name: 'eu-only',
          mode: 'Enforce',
          allowedRegions: [],
          allowedJurisdictions: ['EU'],
          unknownEndpoints: 'Deny',
        },
        {
          name: 'audit',
          mode: 'Audit',
          allowedRegions: ['eu-central-1'],
          allowedJurisdictions: [],
          unknownEndpoints: 'Allow',
        },
      ],
      endpoints: [
        { host: 'llm.eu.example.com', region: 'eu-west-1', jurisdiction: 'EU' },
        { host: 'other.example.com', region: 'eu-central-1', jurisdiction: 'EU' },
      ],
    });
  });
});
