import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { injectionMode, MODE_LABEL } from './injection-mode.js';

const gw = 'http://agent-governor-gateway.team-a.svc:4000';

describe('injectionMode', () => {
  const cases: Array<
    [
      string,
      Record<string, string> | undefined,
      Record<string, string> | undefined,
      string | undefined,
      string,
      RegExp?,
    ]
  > = [
    ['no label anywhere', {}, {}, gw, 'sidecar'],
    ['the namespace says gateway', {}, { [MODE_LABEL]: 'gateway' }, gw, 'gateway'],
    ['the pod says gateway', { [MODE_LABEL]: 'gateway' }, {}, gw, 'gateway'],
    [
      'the pod says sidecar in a gateway namespace',
      { [MODE_LABEL]: 'sidecar' },
      { [MODE_LABEL]: 'gateway' },
      gw,
      'sidecar',
    ],
    [
      'the pod says gateway in a sidecar namespace',
      { [MODE_LABEL]: 'gateway' },
      { [MODE_LABEL]: 'sidecar' },
      gw,
      'gateway',
    ],
    [
      'gateway without a gateway known',
      { [MODE_LABEL]: 'gateway' },
      {},
      undefined,
      'sidecar',
      /knows no gateway.*gateway.enabled/,
    ],
    [
      'a value that is neither',
      {},
      { [MODE_LABEL]: 'proxy' },
      gw,
      'sidecar',
      /of its namespace is "proxy"; expected "sidecar" or "gateway"/,
    ],
  ];
  for (const [what, pod, namespace, url, mode, warning] of cases) {
    it(`${what}: ${mode}`, () => {
      const chosen = injectionMode(pod, namespace, url);
      assert.equal(chosen.mode, mode);
      if (warning) assert.match(chosen.warning ?? '', warning);
      else assert.equal(chosen.warning, undefined);
    });
  }
});
