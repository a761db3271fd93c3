import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CircuitReport } from '../usage-batch.js';
import type { CircuitReportEntry } from '../usage-ledger.js';
import { freshReport, recordCircuitReport } from './circuit-reports.js';

const now = new Date('2026-03-11T12:00:00.000Z');
const at = (secondsBefore: number) => new Date(now.getTime() - secondsBefore * 1000).toISOString();
const report = (secondsBefore: number, state: 'Closed' | 'Open' = 'Open'): CircuitReport => ({
  observedAt: at(secondsBefore),
  routes: [{ route: 'gpt-4o', activeTarget: 'b', targets: [{ target: 'a', state }] }],
});
const entry = (
  instance: string,
  secondsBefore: number,
  state: 'Closed' | 'Open' = 'Open',
): CircuitReportEntry => ({
  instance,
  ...report(secondsBefore, state),
});

describe('recordCircuitReport', () => {
  const cases: {
    name: string;
    reports?: CircuitReportEntry[];
    instance?: string;
    report?: CircuitReport;
    expected: CircuitReportEntry[] | undefined;
  }[] = [
    { name: 'a batch without circuits (an older sidecar) adds nothing', expected: undefined },
    { name: 'the first report of an instance is kept', report: report(1), expected: [entry('i1', 1)] },
    {
      name: 'a newer report replaces the instance’s last one',
      reports: [entry('i1', 10, 'Closed')],
      report: report(1),
      expected: [entry('i1', 1)],
    },
    {
      name: 'an older report (a spooled batch resent) changes nothing',
      reports: [entry('i1', 1)],
      report: report(10, 'Closed'),
      expected: [entry('i1', 1)],
    },
    {
      name: 'other instances are kept, sorted by id',
      reports: [entry('i2', 5, 'Closed')],
      report: report(1),
      expected: [entry('i1', 1), entry('i2', 5, 'Closed')],
    },
    {
      name: 'stale reports age out at the next write',
      reports: [entry('i2', 61, 'Closed')],
      report: report(1),
      expected: [entry('i1', 1)],
    },
    { name: 'a report stale on arrival is not kept', report: report(120), expected: undefined },
    {
      name: 'a report from a clock running ahead is dated now',
      report: report(-30),
      expected: [entry('i1', 0)],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(recordCircuitReport(c.reports, c.instance ?? 'i1', c.report, now), c.expected);
    });
  }

  it('keeps the freshest 32 instances', () => {
    const many = Array.from({ length: 70 }, (_, i) => entry(`i${String(i).padStart(2, '0')}`, 1 + i / 10));
    const kept = recordCircuitReport(many, 'new', report(0), now) ?? [];
    assert.equal(kept.length, 32);
    assert.ok(kept.some((r) => r.instance === 'new'));
    assert.ok(!kept.some((r) => r.instance === 'i69'));
  });

  it('freshReport: 60 s is fresh, a moment more is not', () => {
    assert.equal(freshReport({ observedAt: at(60) }, now), true);
    assert.equal(freshReport({ observedAt: at(60.001) }, now), false);
    assert.equal(freshReport({ observedAt: 'garbage' }, now), false);
  });
});
