// Every kind the project defines, in the order their CRDs are generated and listed; each kind's
// definition (schema, names, printer columns) is in kinds/.

import { agentApprovalKind } from './kinds/agent-approval.js';
import { agentSLOKind } from './kinds/agent-slo.js';
import { agentUsageLedgerKind } from './kinds/agent-usage-ledger.js';
import { approvalPolicyKind } from './kinds/approval-policy.js';
import { dataResidencyPolicyKind } from './kinds/data-residency-policy.js';
import { evaluationGateKind } from './kinds/evaluation-gate.js';
import { fallbackRouteKind } from './kinds/fallback-route.js';
import type { KindDefinition } from './kinds/kind-definition.js';
import { modelCatalogKind } from './kinds/model-catalog.js';
import { promptTemplateKind } from './kinds/prompt-template.js';
import { retentionPolicyKind } from './kinds/retention-policy.js';
import { tokenBudgetKind } from './kinds/token-budget.js';

export type { KindDefinition, PrinterColumn } from './kinds/kind-definition.js';

export const KINDS: KindDefinition[] = [
  tokenBudgetKind,
  agentSLOKind,
  dataResidencyPolicyKind,
  fallbackRouteKind,
  modelCatalogKind,
  agentUsageLedgerKind,
  approvalPolicyKind,
  agentApprovalKind,
  retentionPolicyKind,
  promptTemplateKind,
  evaluationGateKind,
];
