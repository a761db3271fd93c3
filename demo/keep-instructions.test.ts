import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepInstructions } from './keep-instructions.js';

describe('--keep instructions', () => {
  const text = keepInstructions({
    dir: '/tmp/demo',
    kubeconfig: '/tmp/demo/kubeconfig',
    kubectl: '/cache/k8s/kubectl',
    logs: '/tmp/demo/logs',
    namespace: 'governor-demo',
    budget: 'team-daily',
    sidecars: { marketing: 'http://127.0.0.1:4001', support: 'http://127.0.0.1:4002' },
    cockpit: { url: 'http://127.0.0.1:4003/', namespace: 'governor-demo', serviceAccount: 'cockpit-viewer' },
  });

  for (const line of [
    'export KUBECONFIG=/tmp/demo/kubeconfig',
    'kubectl get governor -A',
    'agent-governor experiments --kubeconfig /tmp/demo/kubeconfig -n governor-demo',
    'marketing  OPENAI_BASE_URL=http://127.0.0.1:4001/v1',
    'support    OPENAI_BASE_URL=http://127.0.0.1:4002/v1',
    'curl -s http://127.0.0.1:4002/v1/chat/completions',
    'kubectl patch tokenbudget team-daily -n governor-demo --type merge -p \'{"spec":{"limits":{"tokens":1000000}}}\'',
    'agent-governor cluster down --dir /tmp/demo',
    '  http://127.0.0.1:4003/',
    'sign in with the token of: kubectl create token cockpit-viewer -n governor-demo',
  ]) {
    it(`says: ${line}`, () => assert.ok(text.includes(line), text));
  }
});
