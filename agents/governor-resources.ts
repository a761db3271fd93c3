// The custom resources of governor.agents.dev for the kube client: the kinds a platform team
// declares (ModelCatalog among them), the AgentUsageLedger the sidecar services write and the
// AgentApprovals people give.
import type { AgentApproval } from '../apis/agent-approval.js';
import type { AgentSLO } from '../apis/agent-slo.js';
import type { ApprovalPolicy } from '../apis/approval-policy.js';
import type { DataResidencyPolicy } from '../apis/data-residency-policy.js';
import type { EvaluationGate } from '../apis/evaluation-gate.js';
import type { FallbackRoute } from '../apis/fallback-route.js';
import { GROUP, VERSION } from '../apis/group-version.js';
import type { ModelCatalog } from '../apis/model-catalog.js';
import type { PromptTemplate } from '../apis/prompt-template.js';
import type { RetentionPolicy } from '../apis/retention-policy.js';
import type { TokenBudget } from '../apis/token-budget.js';
import type { AgentUsageLedger } from '../apis/usage-ledger.js';
import { resourceType } from '../runtime/kube/resource-type.js';

export const tokenBudgets = resourceType<TokenBudget>({
  group: GROUP,
  version: VERSION,
  plural: 'tokenbudgets',
  kind: 'TokenBudget',
  namespaced: true,
});
export const agentSLOs = resourceType<AgentSLO>({
  group: GROUP,
  version: VERSION,
  plural: 'agentslos',
  kind: 'AgentSLO',
  namespaced: true,
});
export const dataResidencyPolicies = resourceType<DataResidencyPolicy>({
  group: GROUP,
  version: VERSION,
  plural: 'dataresidencypolicies',
  kind: 'DataResidencyPolicy',
  namespaced: false,
});
export const fallbackRoutes = resourceType<FallbackRoute>({
  group: GROUP,
  version: VERSION,
  plural: 'fallbackroutes',
  kind: 'FallbackRoute',
  namespaced: true,
});
export const agentUsageLedgers = resourceType<AgentUsageLedger>({
  group: GROUP,
  version: VERSION,
  plural: 'agentusageledgers',
  kind: 'AgentUsageLedger',
  namespaced: true,
});
export const modelCatalogs = resourceType<ModelCatalog>({
  group: GROUP,
  version: VERSION,
  plural: 'modelcatalogs',
  kind: 'ModelCatalog',
  namespaced: false,
});
export const approvalPolicies = resourceType<ApprovalPolicy>({
  group: GROUP,
  version: VERSION,
  plural: 'approvalpolicies',
  kind: 'ApprovalPolicy',
  namespaced: false,
});
export const agentApprovals = resourceType<AgentApproval>({
  group: GROUP,
  version: VERSION,
  plural: 'agentapprovals',
  kind: 'AgentApproval',
  namespaced: true,
});
export const retentionPolicies = resourceType<RetentionPolicy>({
  group: GROUP,
  version: VERSION,
  plural: 'retentionpolicies',
  kind: 'RetentionPolicy',
  namespaced: false,
});
export const promptTemplates = resourceType<PromptTemplate>({
  group: GROUP,
  version: VERSION,
  plural: 'prompttemplates',
  kind: 'PromptTemplate',
  namespaced: true,
});
export const evaluationGates = resourceType<EvaluationGate>({
  group: GROUP,
  version: VERSION,
  plural: 'evaluationgates',
  kind: 'EvaluationGate',
  namespaced: true,
});
