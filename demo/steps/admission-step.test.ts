import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { denial } from './admission-step.js';

describe('the refusal as the summary tells it', () => {
  it('names the webhook and the finding of the API server message', () => {
    const message = [
      'Error from server (Forbidden): error when creating "us-endpoint-agent.yml": admission webhook "residency.governor.agents.dev" denied the request: Deployment governor-demo/research-agent would send data outside the regions data residency allows (1 endpoint):',
      '- container agent, env OPENAI_BASE_URL: https://api.openai.com/v1 → api.openai.com, region us (US); policy demo-eu-only',
      'Policy demo-eu-only (Enforce) allows regions: none; jurisdictions: EU, CH.',
    ].join('\n');
    assert.equal(
      denial(message),
      'webhook residency.governor.agents.dev: container agent, env OPENAI_BASE_URL: https://api.openai.com/v1 → api.openai.com, region us (US); policy demo-eu-only',
    );
  });

  it('falls back to the first line of another message', () => {
    assert.equal(denial('error: unable to connect\nmore'), 'error: unable to connect');
  });
});
