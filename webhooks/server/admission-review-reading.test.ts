import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAdmissionReview } from './admission-review-reading.js';

const request = {
  uid: 'u1',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  operation: 'CREATE',
  userInfo: { username: 'alice' },
  object: { metadata: { name: 'p' } },
};
const review = (overrides: Record<string, unknown> = {}, requestOverrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { ...request, ...requestOverrides },
    ...overrides,
  });

const refusals: Array<[string, string, RegExp]> = [
  ['not JSON', '{"apiVersion":', /the body is not JSON/],
  ['an array', '[1,2]', /not a JSON object/],
  ['another kind', review({ kind: 'Pod' }), /kind is "Pod", expected AdmissionReview/],
  [
    'v1beta1',
    review({ apiVersion: 'admission.k8s.io/v1beta1' }),
    /only admission\.k8s\.io\/v1 is served.*admissionReviewVersions: \[v1\]/,
  ],
  [
    'no request',
    JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
    /no request object/,
  ],
  ['no uid', review({}, { uid: '' }), /request\.uid is missing/],
  [
    'an unknown operation',
    review({}, { operation: 'PATCH' }),
    /request\.operation is "PATCH", expected CREATE/,
  ],
  ['no kind', review({}, { kind: 'Pod' }), /request\.kind is missing/],
  ['no resource', review({}, { resource: undefined }), /request\.resource is missing/],
];

describe('readAdmissionReview', () => {
  for (const [what, body, message] of refusals) {
    it(`refuses ${what} with a message that says what is wrong`, () => {
      const reading = readAdmissionReview(body);
      assert.equal(reading.ok, false);
      if (!reading.ok) assert.match(reading.message, message);
    });
  }

  it('reads a v1 review, and tolerates a missing userInfo', () => {
    const reading = readAdmissionReview(review({}, { userInfo: undefined }));
    assert.ok(reading.ok);
    if (reading.ok) {
      assert.equal(reading.request.uid, 'u1');
      assert.equal(reading.request.operation, 'CREATE');
      assert.deepEqual(reading.request.userInfo, {});
      assert.deepEqual(reading.request.object, { metadata: { name: 'p' } });
    }
  });
});
