import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { agentSLO } from '../agent-slo.js';
import { DEFAULT_DRIFT_THRESHOLD, DRIFT_SIGNALS, driftSpec } from './drift-spec.js';

describe('AgentSLO spec.drift', () => {
  it('defaults: PSI over 1h against the 7 days before, every signal, Alert only', () => {
    const spec = driftSpec.parse({});
    assert.deepEqual(spec, {
      statistic: 'PSI',
      window: '1h',
      baseline: { last: '7d' },
      signals: [...DRIFT_SIGNALS],
      minSamples: 30,
      actions: ['Alert'],
    });
    assert.equal(DEFAULT_DRIFT_THRESHOLD.PSI, 0.25);
  });

  it('refuses a window shorter than a minute, an unknown signal and a half-fixed baseline, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ window: '30s' }, /window.*must be a window such as 30m/s],
      [{ signals: ['sentiment'] }, /signals/],
      [
        { baseline: { start: '2026-03-01T00:00:00Z' } },
        /set baseline.last, or both baseline.start and baseline.end/,
      ],
      [
        { baseline: { start: '2026-03-02T00:00:00Z', end: '2026-03-01T00:00:00Z' } },
        /baseline.start must be before baseline.end/,
      ],
      [{ threshold: '-1' }, /must be a decimal such as 0.25/],
    ];
    for (const [input, message] of cases) {
      const parsed = driftSpec.safeParse(input);
      assert.ok(!parsed.success, JSON.stringify(input));
      assert.match(parsed.error.message, message);
    }
  });

  it('the copy-paste example of docs/drift.md is a valid AgentSLO', () => {
    const page = readFileSync(join(REPO_ROOT, 'docs', 'drift.md'), 'utf8');
    const block = /```yaml\n(kind: AgentSLO|apiVersion: governor[^\n]*\nkind: AgentSLO)[\s\S]*?```/.exec(
      page,
    )?.[0];
    assert.ok(block, 'docs/drift.md has an AgentSLO example');
    const parsed = agentSLO.safeParse(parse(block.replace(/^```yaml\n|```$/g, '')));
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.equal(parsed.data.spec.drift?.thresholds?.[0]?.signal, 'errorRate');
  });
});
