// Residency rows, part 1: every kind residency judges, a US endpoint (denied) and an EU one
// (allowed) under an EU-only Enforce policy.
import { RESIDENCY_KINDS } from '../admitted-workload.js';
import {
  agentEnv,
  CASE_NAMESPACE,
  EU_NAMESPACE_LABELS,
  policy,
  type ResidencyCase,
  workload,
} from './residency-case.js';

export const US_OPENAI = 'https://api.openai.com/v1';
export const EU_OPENAI = 'https://eu.api.openai.com/v1';
export const EU_ONLY = policy('eu-only');

/** Admitted in `agents` (labelled residency-case=eu) under the EU-only Enforce policy. */
export const IN_EU_NAMESPACE = {
  namespace: CASE_NAMESPACE,
  namespaceLabels: EU_NAMESPACE_LABELS,
  policies: [EU_ONLY],
} as const satisfies Partial<ResidencyCase>;

export const WORKLOAD_KIND_CASES: ResidencyCase[] = RESIDENCY_KINDS.flatMap((kind): ResidencyCase[] => [
  {
    ...IN_EU_NAMESPACE,
    policies: [EU_ONLY],
    name: `${kind} with a US endpoint in OPENAI_BASE_URL is denied`,
    kind,
    object: workload(kind, 'chat', agentEnv({ OPENAI_BASE_URL: US_OPENAI })),
    expect: 'denied',
    mentions: [
      `${kind} `,
      '/chat would send data outside the regions',
      'container agent, env OPENAI_BASE_URL: https://api.openai.com/v1 → api.openai.com, region us (US)',
      'policy residency-case-eu-only',
      'Policy residency-case-eu-only (Enforce) allows regions: none; jurisdictions: EU',
    ],
  },
  {
    ...IN_EU_NAMESPACE,
    policies: [EU_ONLY],
    name: `${kind} with an EU endpoint in OPENAI_BASE_URL is allowed`,
    kind,
    object: workload(kind, 'chat', agentEnv({ OPENAI_BASE_URL: EU_OPENAI })),
    expect: 'allowed',
  },
]);
