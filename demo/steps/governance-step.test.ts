import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataflowMap } from '../../governance/dataflow-map.js';
import { demoLikeInputs } from '../../governance/testdata/demo-like-cluster.js';
import { flowLines } from './governance-step.js';

describe('flowLines', () => {
  it('says one line per flow, with region, verdict and what the sidecars saw', () => {
    const lines = flowLines(dataflowMap(demoLikeInputs()));
    assert.ok(lines.includes('research → api.openai.com (us (US), refused at admission)'), lines.join('\n'));
    assert.ok(lines.includes('support → eu.api.openai.com (eu (EU), allowed; sidecars saw 1200 tokens)'));
  });
});
