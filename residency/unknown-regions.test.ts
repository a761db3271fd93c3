import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DataResidencyPolicy, dataResidencyPolicySpec } from '../apis/data-residency-policy.js';
import { unknownRegionsProblem } from './unknown-regions.js';

const spec = (fields: Partial<DataResidencyPolicy['spec']>): DataResidencyPolicy['spec'] =>
  dataResidencyPolicySpec.parse({ namespaceSelector: {}, ...fields });

describe('unknownRegionsProblem', () => {
  const fine: [string, Partial<DataResidencyPolicy['spec']>][] = [
    [
      'AWS, Google Cloud and Azure regions',
      { allowedRegions: ['eu-central-1', 'europe-west4', 'swedencentral'] },
    ],
    ["a provider's coarse region", { allowedRegions: ['eu'] }],
    ['jurisdictions the catalog has', { allowedJurisdictions: ['EU', 'CH'] }],
    [
      'a region only spec.endpoints has',
      {
        allowedRegions: ['on-prem-fra'],
        endpoints: [{ host: 'llm.internal.example.com', region: 'on-prem-fra', jurisdiction: 'EU' }],
      },
    ],
    [
      'a jurisdiction only spec.endpoints has',
      {
        allowedJurisdictions: ['LI'],
        endpoints: [{ host: 'llm.example.li', region: 'vaduz-1', jurisdiction: 'LI' }],
      },
    ],
  ];
  for (const [name, fields] of fine) {
    it(`accepts ${name}`, () => assert.equal(unknownRegionsProblem(spec(fields)), undefined));
  }

  it('names a misspelt region with its index and the regions it may have meant', () => {
    const problem = unknownRegionsProblem(spec({ allowedRegions: ['eu-central-1', 'eu-west1'] }));
    assert.match(
      problem ?? '',
      /^spec\.allowedRegions\[1\]: eu-west1 is no region the endpoint catalog knows/,
    );
    assert.match(problem ?? '', /did you mean [^)]*eu-west-1/);
    assert.match(problem ?? '', /add the endpoint under spec\.endpoints/);
  });

  it('names an unknown jurisdiction', () => {
    const problem = unknownRegionsProblem(spec({ allowedJurisdictions: ['EU', 'EUR'] }));
    assert.match(problem ?? '', /spec\.allowedJurisdictions\[1\]: EUR is no jurisdiction/);
  });

  it('names every unknown value, not only the first', () => {
    const problem = unknownRegionsProblem(
      spec({ allowedRegions: ['mars-north-1'], allowedJurisdictions: ['XX'] }),
    );
    assert.match(problem ?? '', /mars-north-1/);
    assert.match(problem ?? '', /XX/);
  });
});
