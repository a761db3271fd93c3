import type { z } from 'zod';
import { agentApprovalSpec } from './agent-approval.js';
import { agentSLOSpec, agentSLOStatus } from './agent-slo.js';
import { approvalPolicySpec, approvalPolicyStatus } from './approval-policy.js';
import { dataResidencyPolicySpec, dataResidencyPolicyStatus } from './data-residency-policy.js';
import { evaluationGateSpec, evaluationGateStatus } from './evaluation-gate.js';
import { fallbackRouteSpec, fallbackRouteStatus } from './fallback-route.js';
import { modelCatalogSpec, modelCatalogStatus } from './model-catalog.js';
import { promptTemplateSpec, promptTemplateStatus } from './prompt-template.js';
import { retentionPolicySpec, retentionPolicyStatus } from './retention-policy.js';
import { tokenBudgetSpec, tokenBudgetStatus } from './token-budget.js';
import { usageLedgerSpec } from './usage-ledger.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

/** Everything the CRD of one kind is generated from. */
export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: z.ZodType;
  /** Absent for a record without a status subresource (the usage ledger). */
  status?: z.ZodType;
  /** Default: the `governor` category, so `kubectl get governor` lists the kind. */
  categories?: string[];
  printerColumns: PrinterColumn[];
}

const ready: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether the object is reconciled and healthy.',
};
const age: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Age.',
};

export const KINDS: KindDefinition[] = [
  {
    kind: 'TokenBudget',
    plural: 'tokenbudgets',
    singular: 'tokenbudget',
    shortNames: ['tb', 'budget'],
    scope: 'Namespaced',
    description:
      'TokenBudget limits the tokens and money the selected agents spend per period, with thresholds that alert, ' +
      'degrade to a cheaper model, throttle or suspend, and a per-request reasoning budget.',
    spec: tokenBudgetSpec,
    status: tokenBudgetStatus,
    printerColumns: [
      {
        name: 'Used',
        type: 'integer',
        jsonPath: '.status.used.tokens',
        description: 'Tokens used this period.',
      },
      {
        name: 'Limit',
        type: 'integer',
        jsonPath: '.spec.limits.tokens',
        description: 'Token limit per period.',
      },
      {
        name: 'Cost',
        type: 'string',
        jsonPath: '.status.used.cost',
        description: 'Money spent this period.',
        priority: 1,
      },
      {
        name: 'Unpriced',
        type: 'integer',
        jsonPath: '.status.pricing.unpricedCalls',
        description:
          'Calls this period the budget could not price in its currency (see condition PricingComplete).',
        priority: 1,
      },
      {
        name: '%',
        type: 'integer',
        jsonPath: '.status.percent',
        description: 'Usage as a percentage of the tightest limit.',
      },
      {
        name: 'Forecast',
        type: 'integer',
        jsonPath: '.status.forecast.percent',
        description: 'Projected usage at the end of the period, as a percentage of the tightest limit.',
      },
      {
        name: 'Phase',
        type: 'string',
        jsonPath: '.status.phase',
        description: 'Active, Warning or Exhausted.',
      },
      {
        name: 'Resets',
        type: 'string',
        jsonPath: '.status.periodEnd',
        description: 'Next reset (RFC 3339).',
      },
      { ...ready, priority: 1 },
      age,
    ],
  },
  {
    kind: 'AgentSLO',
    plural: 'agentslos',
    singular: 'agentslo',
    shortNames: ['slo'],
    scope: 'Namespaced',
    description:
      'AgentSLO sets latency and success objectives for the selected agents, tracks the error budget and its burn ' +
      'rates, and says what to do when the budget burns fast.',
    spec: agentSLOSpec,
    status: agentSLOStatus,
    printerColumns: [
      {
        name: 'Latency',
        type: 'string',
        jsonPath: '.status.latency.observed',
        description: 'Latency at the target percentile.',
      },
      {
        name: 'Percentile',
        type: 'string',
        jsonPath: '.spec.objectives.latency.target',
        description: 'Target percentile of fast calls.',
        priority: 1,
      },
      {
        name: 'Target',
        type: 'string',
        jsonPath: '.spec.objectives.latency.threshold',
        description: 'Latency threshold.',
      },
      {
        name: 'Success',
        type: 'string',
        jsonPath: '.status.success.observedPercent',
        description: 'Observed success %.',
      },
      {
        name: 'Budget Left',
        type: 'string',
        jsonPath: '.status.errorBudgetRemainingPercent',
        description: 'Error budget left, %.',
      },
      {
        name: 'Fast Burn',
        type: 'boolean',
        jsonPath: '.status.fastBurn',
        description: 'Burning 14.4x over 1h and 5m.',
      },
      {
        name: 'Switched Since',
        type: 'date',
        jsonPath: '.status.switchedToFallback.since',
        description: "Since when SwitchToFallback sends the agents' calls to the next route target.",
        priority: 1,
      },
      ready,
      age,
    ],
  },
  {
    kind: 'DataResidencyPolicy',
    plural: 'dataresidencypolicies',
    singular: 'dataresidencypolicy',
    shortNames: ['drp', 'residency'],
    scope: 'Cluster',
    description:
      'DataResidencyPolicy names the regions and jurisdictions agent traffic from the selected namespaces may reach; ' +
      'workloads that would send data elsewhere are refused at admission and blocked by the sidecar.',
    spec: dataResidencyPolicySpec,
    status: dataResidencyPolicyStatus,
    printerColumns: [
      { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Enforce, Warn or Audit.' },
      {
        name: 'Regions',
        type: 'string',
        jsonPath: '.spec.allowedRegions',
        description: 'Allowed regions.',
        priority: 1,
      },
      {
        name: 'Jurisdictions',
        type: 'string',
        jsonPath: '.spec.allowedJurisdictions',
        description: 'Allowed jurisdictions.',
      },
      {
        name: 'Violations',
        type: 'integer',
        jsonPath: '.status.violationCount',
        description: 'Violations found.',
      },
      ready,
      age,
    ],
  },
  {
    kind: 'FallbackRoute',
    plural: 'fallbackroutes',
    singular: 'fallbackroute',
    shortNames: ['fr', 'route'],
    scope: 'Namespaced',
    description:
      'FallbackRoute gives, for one model the selected agents use, the ordered provider targets with timeouts, ' +
      'retries, a circuit breaker, a response cache, a static last-resort answer and the cheaper model to degrade to.',
    spec: fallbackRouteSpec,
    status: fallbackRouteStatus,
    printerColumns: [
      { name: 'Model', type: 'string', jsonPath: '.spec.model', description: 'Model the route applies to.' },
      {
        name: 'Active Target',
        type: 'string',
        jsonPath: '.status.activeTarget',
        description: 'Target answering now.',
      },
      { name: 'Circuit', type: 'string', jsonPath: '.status.circuit', description: 'Circuit states.' },
      {
        name: 'Degrade To',
        type: 'string',
        jsonPath: '.spec.degradeTo.model',
        description: 'Cheaper model.',
        priority: 1,
      },
      ready,
      age,
    ],
  },
  {
    kind: 'ModelCatalog',
    plural: 'modelcatalogs',
    singular: 'modelcatalog',
    shortNames: ['mc', 'catalog'],
    scope: 'Cluster',
    description:
      'ModelCatalog declares the prices (per million tokens, in a currency, from a date on), output limits and hosts ' +
      'of the models agents call, and the exchange rates budgets convert costs with; the built-in tables are dated ' +
      'defaults for every model no catalog declares.',
    spec: modelCatalogSpec,
    status: modelCatalogStatus,
    printerColumns: [
      { name: 'Models', type: 'integer', jsonPath: '.status.models', description: 'Models declared.' },
      {
        name: 'Priced',
        type: 'integer',
        jsonPath: '.status.pricedModels',
        description: 'Models with a price in effect now, from this catalog.',
      },
      {
        name: 'Next Price Change',
        type: 'string',
        jsonPath: '.status.nextPriceChange',
        description: 'When a declared price next takes effect.',
        priority: 1,
      },
      {
        name: 'Defaults As Of',
        type: 'string',
        jsonPath: '.status.builtInDefaultsAsOf',
        description: 'Date of the built-in tables used for models no catalog declares.',
        priority: 1,
      },
      ready,
      age,
    ],
  },
  {
    kind: 'AgentUsageLedger',
    plural: 'agentusageledgers',
    singular: 'agentusageledger',
    shortNames: ['ledger'],
    scope: 'Namespaced',
    description:
      'AgentUsageLedger records the usage of one agent (period counters, latency and outcome buckets, the last ' +
      'batch per sidecar instance). Written by the operator; budgets and SLOs read it. Not in the governor ' +
      'category: it is bookkeeping, not policy.',
    spec: usageLedgerSpec,
    categories: [],
    printerColumns: [
      { name: 'Agent', type: 'string', jsonPath: '.spec.agent', description: 'Agent the usage belongs to.' },
      {
        name: 'Requests',
        type: 'integer',
        jsonPath: '.spec.totals.requests',
        description: 'Calls recorded since the ledger was created.',
      },
      {
        name: 'Output Tokens',
        type: 'integer',
        jsonPath: '.spec.totals.outputTokens',
        description: 'Output tokens recorded since the ledger was created.',
        priority: 1,
      },
      {
        name: 'Updated',
        type: 'date',
        jsonPath: '.spec.updatedAt',
        description: 'When the last usage batch was recorded.',
      },
      age,
    ],
  },
  {
    kind: 'ApprovalPolicy',
    plural: 'approvalpolicies',
    singular: 'approvalpolicy',
    shortNames: ['apol'],
    scope: 'Cluster',
    description:
      'ApprovalPolicy says which namespaces need which sign-offs (e.g. DPO, CISO, business owner) before an agent ' +
      'version runs there, and which Kubernetes groups may give each one.',
    spec: approvalPolicySpec,
    status: approvalPolicyStatus,
    printerColumns: [
      { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Enforce, Warn or Audit.' },
      { name: 'Roles', type: 'string', jsonPath: '.spec.roles[*].name', description: 'Required roles.' },
      {
        name: 'Pending',
        type: 'integer',
        jsonPath: '.status.pendingCount',
        description: 'Workloads whose version lacks an approval.',
      },
      {
        name: 'Stale',
        type: 'integer',
        jsonPath: '.status.staleCount',
        description: 'Workloads approved only under an older version.',
      },
      ready,
      age,
    ],
  },
  {
    kind: 'AgentApproval',
    plural: 'agentapprovals',
    singular: 'agentapproval',
    shortNames: ['approval'],
    scope: 'Namespaced',
    description:
      'AgentApproval records one sign-off of one agent version by one role; admission lets only a member of the ' +
      "role's groups create it, as themselves. Immutable.",
    spec: agentApprovalSpec,
    printerColumns: [
      { name: 'Agent', type: 'string', jsonPath: '.spec.agent', description: 'Agent approved.' },
      {
        name: 'Version',
        type: 'string',
        jsonPath: '.spec.version',
        description: 'Version fingerprint approved.',
      },
      { name: 'Role', type: 'string', jsonPath: '.spec.role', description: 'Role approving.' },
      { name: 'Approver', type: 'string', jsonPath: '.spec.approver', description: 'Who approved.' },
      age,
    ],
  },
  {
    kind: 'RetentionPolicy',
    plural: 'retentionpolicies',
    singular: 'retentionpolicy',
    shortNames: ['retention'],
    scope: 'Cluster',
    description:
      'RetentionPolicy (one, named default) says how long the product keeps each kind of data it stores; the ' +
      'operator enforces and reports it.',
    spec: retentionPolicySpec,
    status: retentionPolicyStatus,
    printerColumns: [
      { name: 'Usage History', type: 'string', jsonPath: '.spec.usageHistory', description: 'Usage kept.' },
      {
        name: 'Response Cache',
        type: 'string',
        jsonPath: '.spec.responseCache',
        description: 'Longest cache TTL.',
      },
      {
        name: 'Enforced',
        type: 'date',
        jsonPath: '.status.lastEnforcedTime',
        description: 'When retention was last enforced.',
      },
      ready,
      age,
    ],
  },
  {
    kind: 'PromptTemplate',
    plural: 'prompttemplates',
    singular: 'prompttemplate',
    shortNames: ['pt', 'prompt'],
    scope: 'Namespaced',
    description:
      'PromptTemplate is a versioned prompt (messages with {{variable}} placeholders and the variables they take) ' +
      "the sidecars of the namespace's agents render when a call names it in x-governor-prompt-template.",
    spec: promptTemplateSpec,
    status: promptTemplateStatus,
    printerColumns: [
      {
        name: 'Version',
        type: 'string',
        jsonPath: '.spec.version',
        description: 'The version sidecars serve.',
      },
      {
        name: 'Messages',
        type: 'integer',
        jsonPath: '.status.messages',
        description: 'Messages of the accepted version.',
      },
      {
        name: 'Variables',
        type: 'integer',
        jsonPath: '.status.variables',
        description: 'Variables of the accepted version.',
      },
      {
        name: 'Description',
        type: 'string',
        jsonPath: '.spec.description',
        description: 'What the template is for.',
        priority: 1,
      },
      ready,
      age,
    ],
  },
  {
    kind: 'EvaluationGate',
    plural: 'evaluationgates',
    singular: 'evaluationgate',
    shortNames: ['evalgate'],
    scope: 'Namespaced',
    description:
      "EvaluationGate replays a corpus of captured calls against each new pod template of an agent's Deployment " +
      'in a Job, judges it against pass criteria and, in Enforce mode, holds the rollout until it passes.',
    spec: evaluationGateSpec,
    status: evaluationGateStatus,
    printerColumns: [
      { name: 'Agent', type: 'string', jsonPath: '.spec.agent', description: 'The agent evaluated.' },
      { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Enforce or Observe.' },
      {
        name: 'Verdict',
        type: 'string',
        jsonPath: '.status.verdict',
        description: 'Pending, Pass, Fail or Error.',
      },
      {
        name: 'Pass Rate',
        type: 'number',
        jsonPath: '.status.passRate',
        description: 'Share of the cases that passed.',
      },
      {
        name: 'Template',
        type: 'string',
        jsonPath: '.status.templateHash',
        description: 'Hash of the pod template the verdict is for.',
        priority: 1,
      },
      { ...ready, priority: 1 },
      age,
    ],
  },
];
