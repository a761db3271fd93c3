// The public API of agent-governor: the four kinds, the operator ↔ sidecar documents, constants.
export * from './agent-approval.js';
export * from './agent-slo.js';
export * from './approval-policy.js';
export * from './data-residency-policy.js';
export * from './effective-policy.js';
export * from './evaluation-gate.js';
export * from './fallback-route.js';
export * from './group-version.js';
export * from './kinds.js';
export * from './prompt-template.js';
export * from './replay-summary.js';
export * from './retention-policy.js';
export * from './token-budget.js';
export * from './usage-batch.js';
export * from './usage-ledger.js';
