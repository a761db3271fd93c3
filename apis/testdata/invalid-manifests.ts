import { example } from '../../testing/repo-files.js';

/**
 * Manifests that must be refused, each with the field the refusal must name. The same table is
 * judged by zod (unit tests) and by the real API server (e2e), so both stay in agreement.
 */
export interface InvalidManifest {
  name: string;
  /** Text that must appear in the error: the field path at fault. */
  field: string;
  manifest: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures poke at arbitrary, deliberately wrong fields
type Obj = Record<string, any>;

const BASES: Record<string, string> = {
  TokenBudget: 'token-budget-marketing-daily.yaml',
  AgentSLO: 'agent-slo-support.yaml',
  DataResidencyPolicy: 'data-residency-eu-only.yaml',
  FallbackRoute: 'fallback-route-gpt-4o.yaml',
  ModelCatalog: 'model-catalog-contract-prices.yaml',
  ApprovalPolicy: 'governance/approval-policy-production.yaml',
  AgentApproval: 'governance/agent-approval-support-dpo.yaml',
  RetentionPolicy: 'governance/retention-policy.yaml',
  PromptTemplate: 'prompt-template-support-reply.yaml',
};

let counter = 0;
function invalid(
  kind: keyof typeof BASES & string,
  name: string,
  field: string,
  mutate: (spec: Obj) => void,
): InvalidManifest {
  const manifest = example(BASES[kind]!) as Obj;
  manifest['metadata']['name'] = `invalid-${String(++counter).padStart(2, '0')}`;
  mutate(manifest['spec']);
  return { name: `${kind}: ${name}`, field, manifest };
}

export const INVALID_MANIFESTS: InvalidManifest[] = [
  // TokenBudget
  invalid('TokenBudget', 'token limit of the wrong type', 'spec.limits.tokens', (s) => {
    s.limits.tokens = '2M';
  }),
  invalid('TokenBudget', 'negative token limit', 'spec.limits.tokens', (s) => {
    s.limits.tokens = -5;
  }),
  invalid('TokenBudget', 'threshold over 100 %', 'spec.thresholds[1].percent', (s) => {
    s.thresholds[1].percent = 150;
  }),
  invalid('TokenBudget', 'unknown action', 'spec.thresholds[0].actions[0]', (s) => {
    s.thresholds[0].actions = ['Explode'];
  }),
  invalid('TokenBudget', 'threshold without actions', 'spec.thresholds[0].actions', (s) => {
    s.thresholds[0].actions = [];
  }),
  invalid('TokenBudget', 'no limit at all', 'spec.limits', (s) => {
    s.limits = { currency: 'USD' };
  }),
  invalid('TokenBudget', 'zero cost limit', 'spec.limits.cost', (s) => {
    s.limits.cost = '0';
  }),
  invalid('TokenBudget', 'negative cost limit', 'spec.limits.cost', (s) => {
    s.limits.cost = '-3';
  }),
  invalid('TokenBudget', 'lower-case currency', 'spec.limits.currency', (s) => {
    s.limits.currency = 'usd';
  }),
  invalid('TokenBudget', 'Cron reset without a schedule', 'spec.period.schedule', (s) => {
    s.period = { reset: 'Cron', timeZone: 'UTC' };
  }),
  invalid('TokenBudget', 'Daily reset with a schedule (contradictory)', 'spec.period.schedule', (s) => {
    s.period = { reset: 'Daily', timeZone: 'UTC', schedule: '0 0 * * 1' };
  }),
  invalid('TokenBudget', 'unknown time zone', 'spec.period.timeZone', (s) => {
    s.period.timeZone = 'Mars/Olympus_Mons';
  }),
  invalid('TokenBudget', 'unknown reset period', 'spec.period.reset', (s) => {
    s.period.reset = 'Hourly';
  }),
  invalid('TokenBudget', 'missing agent selector', 'spec.agentSelector', (s) => {
    delete s.agentSelector;
  }),
  invalid('TokenBudget', 'In expression without values', 'spec.agentSelector.matchExpressions[0]', (s) => {
    s.agentSelector = { matchExpressions: [{ key: 'governor.agents.dev/agent', operator: 'In' }] };
  }),
  invalid('TokenBudget', 'Throttle without a rate', 'spec.throttle', (s) => {
    s.thresholds[1].actions = ['Throttle'];
  }),
  invalid('TokenBudget', 'two thresholds at the same percent', 'spec.thresholds[1]', (s) => {
    s.thresholds[1].percent = 50;
  }),
  invalid('TokenBudget', 'alert webhook that is not http(s)', 'spec.alerts.webhooks[0].url', (s) => {
    s.alerts.webhooks[0].url = 'ftp://alerts.example.com/hook';
  }),
  invalid(
    'TokenBudget',
    'reasoning budget of zero tokens',
    'spec.reasoningBudget.maxTokensPerRequest',
    (s) => {
      s.reasoningBudget.maxTokensPerRequest = 0;
    },
  ),
  invalid(
    'TokenBudget',
    'Simplify past the reasoning budget without a model',
    'spec.reasoningBudget.simplify',
    (s) => {
      s.reasoningBudget.onExceeded = 'Simplify';
      delete s.reasoningBudget.simplify;
    },
  ),
  invalid(
    'TokenBudget',
    'a use case that simplifies without any model',
    'spec.reasoningBudget.useCases',
    (s) => {
      delete s.reasoningBudget.simplify;
      s.reasoningBudget.onExceeded = 'Refuse';
      s.reasoningBudget.useCases[0].onExceeded = 'Simplify';
      delete s.reasoningBudget.useCases[0].simplify;
    },
  ),
  // AgentSLO
  invalid('AgentSLO', 'success target of 100 % (no error budget)', 'spec.objectives.success.target', (s) => {
    s.objectives.success.target = '100';
  }),
  invalid('AgentSLO', 'latency target of 0 %', 'spec.objectives.latency.target', (s) => {
    s.objectives.latency.target = '0';
  }),
  invalid(
    'AgentSLO',
    'latency threshold that is not a duration',
    'spec.objectives.latency.threshold',
    (s) => {
      s.objectives.latency.threshold = 'fast';
    },
  ),
  invalid('AgentSLO', 'window in words', 'spec.window', (s) => {
    s.window = '28 days';
  }),
  invalid('AgentSLO', 'no objective', 'spec.objectives', (s) => {
    s.objectives = {};
  }),
  invalid('AgentSLO', 'fast-burn without actions', 'spec.onFastBurn.actions', (s) => {
    s.onFastBurn.actions = [];
  }),
  invalid('AgentSLO', 'unknown failure outcome', 'spec.objectives.success.countAsFailure[0]', (s) => {
    s.objectives.success.countAsFailure = ['Slow'];
  }),
  // DataResidencyPolicy
  invalid('DataResidencyPolicy', 'unknown mode', 'spec.mode', (s) => {
    s.mode = 'Block';
  }),
  invalid('DataResidencyPolicy', 'allows nowhere', 'spec', (s) => {
    delete s.allowedRegions;
    delete s.allowedJurisdictions;
  }),
  invalid('DataResidencyPolicy', 'lower-case jurisdiction', 'spec.allowedJurisdictions[0]', (s) => {
    s.allowedJurisdictions = ['eu'];
  }),
  invalid('DataResidencyPolicy', 'missing namespace selector', 'spec.namespaceSelector', (s) => {
    delete s.namespaceSelector;
  }),
  invalid('DataResidencyPolicy', 'catalog host given as a URL', 'spec.endpoints[0].host', (s) => {
    s.endpoints[0].host = 'https://llm-gateway.eu.example.com';
  }),
  // FallbackRoute
  invalid('FallbackRoute', 'empty target list', 'spec.targets', (s) => {
    s.targets = [];
  }),
  invalid('FallbackRoute', 'unknown provider', 'spec.targets[0].provider', (s) => {
    s.targets[0].provider = 'Gemini';
  }),
  invalid('FallbackRoute', 'endpoint without a scheme', 'spec.targets[0].endpoint', (s) => {
    s.targets[0].endpoint = 'eu.api.openai.com/v1';
  }),
  invalid('FallbackRoute', 'two targets with the same name', 'spec.targets[1]', (s) => {
    s.targets[1].name = s.targets[0].name;
  }),
  invalid(
    'FallbackRoute',
    'per-attempt timeout longer than the deadline',
    'spec.timeouts.perAttempt',
    (s) => {
      s.timeouts = { perAttempt: '60s', overall: '30s' };
    },
  ),
  invalid('FallbackRoute', 'timeout in words', 'spec.timeouts.overall', (s) => {
    s.timeouts.overall = '30 seconds';
  }),
  invalid('FallbackRoute', 'zero timeout', 'spec.targets[1].timeout', (s) => {
    s.targets[1].timeout = '0s';
  }),
  invalid('FallbackRoute', 'unknown compression step', 'spec.compression.steps[0]', (s) => {
    s.compression.steps = ['Summarise'];
  }),
  invalid('FallbackRoute', 'a compression step listed twice', 'spec.compression.steps[1]', (s) => {
    s.compression.steps = ['DropDuplicates', 'DropDuplicates'];
  }),
  invalid('FallbackRoute', 'compression keeping no turn', 'spec.compression.keepTurns', (s) => {
    s.compression.keepTurns = 0;
  }),
  invalid('FallbackRoute', 'compression keeping lines in words', 'spec.compression.keepLines', (s) => {
    s.compression.keepLines = 'three';
  }),
  invalid('FallbackRoute', 'Summarize without a summarizer model', 'spec.compression.summarize', (s) => {
    s.compression.steps = ['Summarize'];
    delete s.compression.summarize;
  }),
  invalid('FallbackRoute', 'summarize settings without the Summarize step', 'spec.compression.steps', (s) => {
    s.compression.steps = ['DropDuplicates'];
    s.compression.summarize = { model: 'gpt-4o-mini' };
  }),
  invalid(
    'FallbackRoute',
    'summaries asked of an unknown target',
    'spec.compression.summarize.target',
    (s) => {
      s.compression.steps = ['Summarize'];
      s.compression.summarize = { model: 'gpt-4o-mini', target: 'openai-us' };
    },
  ),
  invalid(
    'FallbackRoute',
    'a summary history limit too small',
    'spec.compression.summarize.maxHistoryTokens',
    (s) => {
      s.compression.steps = ['Summarize'];
      s.compression.summarize = { model: 'gpt-4o-mini', maxHistoryTokens: 10 };
    },
  ),
  invalid('FallbackRoute', 'experiment weights summing to 90', 'spec.experiment.variants', (s) => {
    s.experiment = {
      name: 'model',
      variants: [
        { name: 'a', weight: 50 },
        { name: 'b', weight: 40 },
      ],
    };
  }),
  invalid('FallbackRoute', 'an experiment of one variant', 'spec.experiment.variants', (s) => {
    s.experiment = { name: 'model', variants: [{ name: 'a', weight: 100 }] };
  }),
  invalid('FallbackRoute', 'an experiment variant listed twice', 'spec.experiment.variants[1]', (s) => {
    s.experiment = {
      name: 'model',
      variants: [
        { name: 'a', weight: 50 },
        { name: 'a', weight: 50 },
      ],
    };
  }),
  invalid('FallbackRoute', 'an experiment weight over 100', 'spec.experiment.variants[0].weight', (s) => {
    s.experiment = {
      name: 'model',
      variants: [
        { name: 'a', weight: 150 },
        { name: 'b', weight: -50 },
      ],
    };
  }),
  invalid('FallbackRoute', 'an experiment sticky header in capitals', 'spec.experiment.stickyBy', (s) => {
    s.experiment = {
      name: 'model',
      stickyBy: 'X-Conversation',
      variants: [
        { name: 'a', weight: 50 },
        { name: 'b', weight: 50 },
      ],
    };
  }),
  invalid('FallbackRoute', 'too many retries', 'spec.retries.attempts', (s) => {
    s.retries.attempts = 50;
  }),
  invalid('FallbackRoute', 'backoff base longer than its maximum', 'spec.retries.backoff.base', (s) => {
    s.retries.backoff = { base: '10s', max: '1s' };
  }),
  invalid(
    'FallbackRoute',
    'circuit breaker that never closes',
    'spec.circuitBreaker.failureThreshold',
    (s) => {
      s.circuitBreaker.failureThreshold = 0;
    },
  ),
  invalid('FallbackRoute', 'degrade to an unknown target', 'spec.degradeTo.target', (s) => {
    s.degradeTo.target = 'openai-us';
  }),
  invalid('FallbackRoute', 'missing model', 'spec.model', (s) => {
    delete s.model;
  }),
  // TokenBudget, pricing
  invalid('TokenBudget', 'unknown rule for unpriced models', 'spec.unpricedModels', (s) => {
    s.unpricedModels = 'Ignore';
  }),
  invalid('TokenBudget', 'currency that is no ISO 4217 code', 'spec.limits.currency', (s) => {
    s.limits.currency = 'euro';
  }),
  // ModelCatalog
  invalid('ModelCatalog', 'provider currency that is no ISO 4217 code', 'spec.providers[0].currency', (s) => {
    s.providers[0].currency = 'eur';
  }),
  invalid(
    'ModelCatalog',
    'model without prices or an output limit',
    'spec.providers[0].models[1].prices',
    (s) => {
      s.providers[0].models[1] = { name: 'gpt-4o-mini-prod' };
    },
  ),
  invalid('ModelCatalog', 'the same model twice in a provider', 'spec.providers[0].models[1]', (s) => {
    s.providers[0].models[1].name = 'gpt-4o-prod';
  }),
  invalid(
    'ModelCatalog',
    'price that is no decimal amount',
    'spec.providers[0].models[0].prices[0].input',
    (s) => {
      s.providers[0].models[0].prices[0].input = '2,30';
    },
  ),
  invalid(
    'ModelCatalog',
    'effectiveFrom that is no date',
    'spec.providers[0].models[0].prices[0].effectiveFrom',
    (s) => {
      s.providers[0].models[0].prices[0].effectiveFrom = 'next April';
    },
  ),
  invalid('ModelCatalog', 'two prices from the same day', 'spec.providers[0].models[0].prices[1]', (s) => {
    s.providers[0].models[0].prices[1].effectiveFrom = s.providers[0].models[0].prices[0].effectiveFrom;
  }),
  invalid('ModelCatalog', 'output limit of 0', 'spec.providers[0].models[0].maxOutputTokens', (s) => {
    s.providers[0].models[0].maxOutputTokens = 0;
  }),
  invalid('ModelCatalog', 'exchange rate of 0', 'spec.exchangeRates[0].rate', (s) => {
    s.exchangeRates[0].rate = '0';
  }),
  invalid('ModelCatalog', 'exchange rate from a currency to itself', 'spec.exchangeRates[0].to', (s) => {
    s.exchangeRates[0].to = s.exchangeRates[0].from;
  }),
  invalid('ModelCatalog', 'the same currency pair twice', 'spec.exchangeRates[1]', (s) => {
    s.exchangeRates.push({ ...s.exchangeRates[0], rate: '0.9' });
  }),
  invalid('ModelCatalog', 'exchange rate without its date', 'spec.exchangeRates[0].asOf', (s) => {
    delete s.exchangeRates[0].asOf;
  }),
  invalid('ModelCatalog', 'provider without models', 'spec.providers[1].models', (s) => {
    s.providers[1].models = [];
  }),
  // ApprovalPolicy, AgentApproval, RetentionPolicy
  invalid('ApprovalPolicy', 'a role nobody may hold', 'spec.roles[0].groups', (s) => {
    s.roles[0].groups = [];
  }),
  invalid('ApprovalPolicy', 'no roles', 'spec.roles', (s) => {
    s.roles = [];
  }),
  invalid('AgentApproval', 'a version that is no fingerprint', 'spec.version', (s) => {
    s.version = 'latest';
  }),
  invalid('RetentionPolicy', 'more usage history than a ledger keeps', 'spec.usageHistory', (s) => {
    s.usageHistory = '365d';
  }),
  // PromptTemplate
  // (A placeholder of an undeclared variable is zod's alone: apis/prompt-template.test.ts.)
  invalid('PromptTemplate', 'a malformed placeholder', 'spec.messages[1].content', (s) => {
    s.messages[1].content = 'My {{product name}} broke.';
  }),
  invalid('PromptTemplate', 'a variable name with a dash', 'spec.variables[0].name', (s) => {
    s.variables[0].name = 'customer-name';
  }),
  invalid('PromptTemplate', 'a role the providers do not take', 'spec.messages[0].role', (s) => {
    s.messages[0].role = 'developer';
  }),
  invalid('PromptTemplate', 'no messages', 'spec.messages', (s) => {
    s.messages = [];
  }),
  invalid('PromptTemplate', 'a version with a space', 'spec.version', (s) => {
    s.version = 'v 3';
  }),
  invalid('PromptTemplate', 'a required variable with a default', 'spec.variables[2].default', (s) => {
    s.variables[2].required = true;
  }),
  invalid('PromptTemplate', 'a default longer than maxLength', 'spec.variables[2].default', (s) => {
    s.variables[2].maxLength = 3;
  }),
  invalid('PromptTemplate', 'the same variable twice', 'spec.variables[3]', (s) => {
    s.variables.push({ name: 'customer' });
  }),
];
