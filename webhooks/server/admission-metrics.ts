// Metrics of the admission webhooks, on the operator's registry (its /metrics): requests by handler
// and outcome, answer latency by handler (millisecond buckets: admission is meant to take
// milliseconds), and the serving certificate's expiry and rotations.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const prefix = 'governor_operator_admission_';

export interface AdmissionMetrics {
  /** outcome: allowed, patched, denied, error (the handler threw), invalid (bad request, unknown path). */
  requests: Counter<'handler' | 'outcome'>;
  duration: Histogram<'handler'>;
  certificateExpiry: Gauge;
  certificateRotations: Counter;
}

/** The metric already on the registry (a second server in one process), else a new one. */
function once<T>(registry: Registry, name: string, create: (name: string) => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create(name);
}

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  const registers = [registry];
  return {
    requests: once(
      registry,
      `${prefix}requests_total`,
      (name) =>
        new Counter({
          name,
          help: 'AdmissionReviews answered, by handler and outcome (allowed, patched, denied, error, invalid).',
          labelNames: ['handler', 'outcome'],
          registers,
        }),
    ),
    duration: once(
      registry,
      `${prefix}duration_seconds`,
      (name) =>
        new Histogram({
          name,
          help: 'From an AdmissionReview arriving (body read) to its answer being written, by handler.',
          labelNames: ['handler'],
          buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
          registers,
        }),
    ),
    certificateExpiry: once(
      registry,
      `${prefix}certificate_expiry_timestamp_seconds`,
      (name) =>
        new Gauge({
          name,
          help: 'When the serving certificate of the webhooks expires (Unix seconds).',
          registers,
        }),
    ),
    certificateRotations: once(
      registry,
      `${prefix}certificate_rotations_total`,
      (name) =>
        new Counter({
          name,
          help: 'Changes of the webhook certificates this replica made (new CA, staged or promoted CA, new serving certificate).',
          registers,
        }),
    ),
  };
}
