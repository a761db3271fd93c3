import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PromptTemplate } from '../../apis/prompt-template.js';
import { planPromptTemplate } from './prompt-template-plan.js';

const NOW = new Date('2026-12-06T03:00:00Z');

function template(spec: unknown, status?: PromptTemplate['status']): PromptTemplate {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'PromptTemplate',
    metadata: { namespace: 'agents', name: 'support-reply', generation: 4 },
    spec: spec as PromptTemplate['spec'],
    ...(status ? { status } : {}),
  };
}

const VALID = {
  version: '3',
  messages: [{ role: 'system', content: 'Help {{customer}}.' }],
  variables: [{ name: 'customer', required: true }],
};

describe('planPromptTemplate', () => {
  it('accepts a valid template: version, counts, Ready=True, one VersionAccepted Event', () => {
    const plan = planPromptTemplate(template(VALID), NOW);
    assert.equal(plan.status.version, '3');
    assert.equal(plan.status.messages, 1);
    assert.equal(plan.status.variables, 1);
    assert.equal(plan.status.observedGeneration, 4);
    assert.deepEqual(
      plan.status.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration]),
      [['Ready', 'True', 'Accepted', 4]],
    );
    assert.match(
      plan.status.conditions?.[0]?.message ?? '',
      /version 3: 1 message, variables customer; .*support-reply@3/,
    );
    assert.deepEqual(
      plan.events.map((e) => [e.event.type, e.event.reason]),
      [['Normal', 'VersionAccepted']],
    );
  });

  it('is idempotent: the same template planned on its own status says nothing new', () => {
    const first = planPromptTemplate(template(VALID), NOW);
    const again = planPromptTemplate(template(VALID, first.status), new Date(NOW.getTime() + 60_000));
    assert.deepEqual(again.status, first.status);
    assert.deepEqual(again.events, []);
  });

  it('tells a new version apart from the one it replaces', () => {
    const first = planPromptTemplate(template(VALID), NOW);
    const next = planPromptTemplate(template({ ...VALID, version: '4' }, first.status), NOW);
    assert.equal(next.status.version, '4');
    assert.match(
      next.events[0]?.event.note ?? '',
      /Version 4 accepted in place of 3; .*support-reply@3 now gets 409/,
    );
  });

  it('reports a declared variable no placeholder names (AcceptedWithFindings, one Warning)', () => {
    const spec = { ...VALID, variables: [...VALID.variables, { name: 'tone', required: false }] };
    const plan = planPromptTemplate(template(spec), NOW);
    assert.deepEqual(plan.status.unusedVariables, ['tone']);
    assert.equal(plan.status.conditions?.[0]?.reason, 'AcceptedWithFindings');
    assert.deepEqual(
      plan.events.map((e) => e.event.reason),
      ['VersionAccepted', 'UnusedVariable'],
    );
    assert.deepEqual(planPromptTemplate(template(spec, plan.status), NOW).events, []);
  });

  it('stalls on a template the schema refuses (an undeclared placeholder), naming field and placeholder', () => {
    const spec = { ...VALID, messages: [{ role: 'user', content: 'About {{account}}' }] };
    const plan = planPromptTemplate(template(spec), NOW);
    assert.equal(plan.status.version, undefined, 'no version is served');
    assert.deepEqual(
      plan.status.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'False', 'InvalidTemplate'],
        ['Stalled', 'True', 'InvalidTemplate'],
      ],
    );
    assert.match(
      plan.status.conditions?.[0]?.message ?? '',
      /spec\.messages: messages\[0\]: \{\{account\}\} names no variable/,
    );
    assert.deepEqual(
      plan.events.map((e) => [e.event.type, e.event.reason]),
      [['Warning', 'InvalidTemplate']],
    );
    assert.deepEqual(planPromptTemplate(template(spec, plan.status), NOW).events, [], 'said once');
  });
});
