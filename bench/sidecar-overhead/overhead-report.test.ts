import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize } from './latency-summary.js';
import { type OverheadMeasures, overheadRatios, overheadTables } from './overhead-report.js';

const at = (median: number) => summarize([median]);

function measures(overrides: Partial<OverheadMeasures> = {}): OverheadMeasures {
  return {
    latency: new Map([
      ['direct', at(0.1)],
      ['bare', at(0.35)],
      ['sidecar', at(0.34)],
      ['portkey', at(1.3)],
      ['litellm', at(30.1)],
    ]),
    rates: new Map([
      ['direct', 26_000],
      ['bare', 11_000],
      ['sidecar', 10_000],
      ['portkey', 1_000],
      ['litellm', 100],
    ]),
    rss: new Map([['sidecar', 90]]),
    firstByte: new Map([['direct', at(0.14)]]),
    missing: new Map(),
    ...overrides,
  };
}

describe('overheadRatios', () => {
  it('holds the sidecar to Portkey, LiteLLM and the bare hop', () => {
    const ratios = new Map(overheadRatios(measures()).map((r) => [r.name, r]));
    assert.deepEqual(
      [...ratios.values()].map((r) => [r.name, Number(r.value?.toFixed(3)), r.met]),
      [
        ['throughput, sidecar / Portkey', 10, true],
        ['throughput, sidecar / LiteLLM', 100, true],
        ['throughput, sidecar / bare hop', 0.909, true],
        ['added median latency, sidecar / Portkey', 0.2, true],
        ['added median latency, sidecar / LiteLLM', 0.008, undefined],
      ],
    );
  });

  it('says when a target is missed, and leaves a ratio out when a path was not measured', () => {
    const rates = new Map([
      ['sidecar', 7_000],
      ['bare', 11_000],
      ['portkey', 1_000],
    ]);
    const ratios = overheadRatios(measures({ rates, missing: new Map([['litellm', 'no PyPI']]) }));
    assert.deepEqual(
      ratios.slice(0, 3).map((r) => r.met),
      [false, undefined, false],
    );
    const table = overheadTables(measures({ rates, missing: new Map([['litellm', 'no PyPI']]) }), 32);
    assert.ok(table.includes('| throughput, sidecar / LiteLLM | not measured | ≥ 50× | — |'));
    assert.ok(table.includes('| throughput, sidecar / bare hop | 0.64× | ≥ 0.9× | **no** |'));
    assert.match(table.find((l) => l.startsWith('| throughput, 32'))!, /\| 7000 \| 1000 \| — \|$/);
  });

  it('gives each governed target its column and its ratios (the gateway beside the sidecar)', () => {
    const governed = [
      { name: 'sidecar', title: 'sidecar' },
      { name: 'gateway', title: 'gateway' },
    ];
    const m = measures({
      rates: new Map([
        ['bare', 11_000],
        ['sidecar', 10_000],
        ['gateway', 8_000],
        ['portkey', 1_000],
        ['litellm', 100],
      ]),
    });
    const ratios = overheadRatios(m, governed);
    assert.equal(ratios.length, 10);
    assert.deepEqual(
      ratios.filter((r) => r.name.startsWith('throughput, gateway')).map((r) => [r.name, r.value, r.met]),
      [
        ['throughput, gateway / Portkey', 8, true],
        ['throughput, gateway / LiteLLM', 80, true],
        ['throughput, gateway / bare hop', 8_000 / 11_000, false],
      ],
    );
    const table = overheadTables(m, 32, governed);
    assert.equal(table[0], '| measure | direct | bare Node hop³ | sidecar | gateway | Portkey | LiteLLM⁴ |');
    assert.match(
      table.find((l) => l.startsWith('| throughput, 32'))!,
      /\| 11000 \| 10000 \| 8000 \| 1000 \| 100 \|$/,
    );
  });
});
