import type { z } from 'zod';
import { agentApproval } from './agent-approval.js';
import { agentSLO } from './agent-slo.js';
import { approvalPolicy } from './approval-policy.js';
import { dataResidencyPolicy } from './data-residency-policy.js';
import { evaluationGate } from './evaluation-gate.js';
import { fallbackRoute } from './fallback-route.js';
import { modelCatalog } from './model-catalog.js';
import { promptTemplate } from './prompt-template.js';
import { retentionPolicy } from './retention-policy.js';
import { tokenBudget } from './token-budget.js';

const SCHEMAS: Record<string, z.ZodType> = {
  TokenBudget: tokenBudget,
  AgentSLO: agentSLO,
  DataResidencyPolicy: dataResidencyPolicy,
  FallbackRoute: fallbackRoute,
  ModelCatalog: modelCatalog,
  ApprovalPolicy: approvalPolicy,
  AgentApproval: agentApproval,
  RetentionPolicy: retentionPolicy,
  PromptTemplate: promptTemplate,
  EvaluationGate: evaluationGate,
};

export type Validation<T = unknown> = { ok: true; value: T } | { ok: false; errors: string[] };

/** `spec.thresholds[1].percent` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * Judges a governor object the way the API server does (schema, bounds and CEL rules) and
 * returns it with defaults applied, or one `field: problem` line per fault.
 */
export function validateResource(object: unknown): Validation {
  const kind = (object as { kind?: unknown } | null)?.kind;
  const schema = typeof kind === 'string' ? SCHEMAS[kind] : undefined;
  if (!schema) {
    return {
      ok: false,
      errors: [`kind: must be one of ${Object.keys(SCHEMAS).join(', ')}, got ${JSON.stringify(kind)}`],
    };
  }
  const result = schema.safeParse(object);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`),
  };
}
