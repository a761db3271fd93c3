import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exampleDocuments } from '../testing/repo-files.js';
import { INVALID_MANIFESTS } from './testdata/invalid-manifests.js';
import { fieldPath, validateResource } from './validate.js';

const governorExamples = exampleDocuments().filter((d) =>
  String(d.object['apiVersion']).startsWith('governor.agents.dev/'),
);

describe('validateResource', () => {
  it('has an example of every kind', () => {
    const kinds = new Set(governorExamples.map((d) => d.object['kind']));
    assert.deepEqual([...kinds].sort(), [
      'AgentApproval',
      'AgentSLO',
      'ApprovalPolicy',
      'DataResidencyPolicy',
      'EvaluationGate',
      'FallbackRoute',
      'ModelCatalog',
      'PromptTemplate',
      'RetentionPolicy',
      'TokenBudget',
    ]);
  });

  for (const { file, object } of governorExamples) {
    it(`accepts ${file}`, () => {
      const result = validateResource(object);
      assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    });
  }

  it('applies the same defaults as the CRD', () => {
    const route = governorExamples.find((d) => d.object['kind'] === 'FallbackRoute')!.object;
    const spec = structuredClone(route['spec']) as Record<string, unknown>;
    delete spec['timeouts'];
    delete spec['circuitBreaker'];
    const result = validateResource({ ...route, spec });
    assert.ok(result.ok);
    const value = result.value as { spec: Record<string, unknown> };
    assert.deepEqual(value.spec['timeouts'], { perAttempt: '10s', overall: '30s' });
    assert.deepEqual(value.spec['circuitBreaker'], {
      failureThreshold: 5,
      openDuration: '30s',
      halfOpenRequests: 1,
    });
  });

  it('names the kinds it knows when the kind is wrong', () => {
    const result = validateResource({ kind: 'Budget' });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.errors[0]!, /kind: must be one of TokenBudget, AgentSLO/);
  });

  it('has a table of at least 25 invalid manifests', () => {
    assert.ok(INVALID_MANIFESTS.length >= 25, `${INVALID_MANIFESTS.length} cases`);
  });

  for (const { name, field, manifest } of INVALID_MANIFESTS) {
    it(`refuses ${name}, naming ${field}`, () => {
      const result = validateResource(manifest);
      assert.equal(result.ok, false, 'was accepted');
      const errors = result.ok ? [] : result.errors;
      assert.ok(
        errors.some((e) => e.startsWith(`${field}:`)),
        `expected an error on ${field}, got:\n${errors.join('\n')}`,
      );
    });
  }
});

describe('fieldPath', () => {
  it('writes list indexes in brackets', () => {
    assert.equal(fieldPath(['spec', 'thresholds', 1, 'percent']), 'spec.thresholds[1].percent');
  });
});
