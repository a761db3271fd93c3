import { Counter, type Registry } from 'prom-client';
import type { CaptureOutcome } from './capture-store.js';

const OUTCOMES: CaptureOutcome[] = ['written', 'sampled_out', 'dropped', 'failed'];

/** `governor_sidecar_capture_records_total{outcome}`: calls offered to the capture store, by how it ended. */
export function captureCounter(registry: Registry): (outcome: CaptureOutcome) => void {
  const counter = new Counter({
    name: 'governor_sidecar_capture_records_total',
    help: 'Calls offered to capture (docs/capture.md), by outcome: written, sampled_out, dropped (a size cap or a full queue), failed (redaction, encryption or the write).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of OUTCOMES) counter.labels(outcome).inc(0);
  return (outcome) => counter.labels(outcome).inc();
}
