import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerReview, failedReview, outcomeOf } from './admission-answer.js';

describe('answerReview', () => {
  it('answers an allowed verdict with the uid and nothing else', () => {
    assert.deepEqual(answerReview('u', { allowed: true }), {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u', allowed: true },
    });
  });

  it('encodes a patch as base64 JSON Patch, with warnings and audit annotations', () => {
    const patch = [{ op: 'add' as const, path: '/metadata/labels', value: { a: 'b' } }];
    const review = answerReview('u', {
      allowed: true,
      patch,
      warnings: ['careful'],
      auditAnnotations: { k: 'v' },
    });
    assert.equal(review.response?.patchType, 'JSONPatch');
    assert.deepEqual(JSON.parse(Buffer.from(review.response?.patch ?? '', 'base64').toString()), patch);
    assert.deepEqual(review.response?.warnings, ['careful']);
    assert.deepEqual(review.response?.auditAnnotations, { k: 'v' });
  });

  it('leaves out an empty patch (a validating webhook must not send one)', () => {
    const review = answerReview('u', { allowed: true, patch: [], warnings: [] });
    assert.deepEqual(review.response, { uid: 'u', allowed: true });
  });

  it('answers a denial with its status and warnings', () => {
    const review = answerReview('u', {
      allowed: false,
      code: 403,
      reason: 'Forbidden',
      message: 'no',
      warnings: ['w'],
    });
    assert.deepEqual(review.response, {
      uid: 'u',
      allowed: false,
      status: { code: 403, reason: 'Forbidden', message: 'no' },
      warnings: ['w'],
    });
  });

  it('answers a failed handler with code 500 naming the handler and the error', () => {
    const review = failedReview('u', 'residency', new Error('cannot read ConfigMap a/b'));
    assert.equal(review.response?.allowed, false);
    assert.equal(review.response?.status?.code, 500);
    assert.equal(
      review.response?.status?.message,
      'the agent-governor residency webhook failed: cannot read ConfigMap a/b',
    );
  });

  it('names the outcome for the metrics', () => {
    assert.equal(outcomeOf({ allowed: true }), 'allowed');
    assert.equal(outcomeOf({ allowed: true, patch: [] }), 'allowed');
    assert.equal(outcomeOf({ allowed: true, patch: [{ op: 'remove', path: '/a' }] }), 'patched');
    assert.equal(outcomeOf({ allowed: false, code: 403, reason: 'Forbidden', message: '' }), 'denied');
  });
});
