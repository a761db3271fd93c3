/** Response headers the sidecar adds to every governed answer (docs/sidecar.md lists them). */
export const GOVERNOR_HEADERS = {
  /** Target that answered, e.g. `openai-eu`. */
  target: 'x-governor-target',
  /** Upstream attempts made for this call (retries and fallbacks included). */
  attempts: 'x-governor-attempts',
  /** Route the model matched. */
  route: 'x-governor-route',
  /** Why the answering target is not the first: `openai-eu:Timeout,openai-eu:CircuitOpen`. */
  fallbackReason: 'x-governor-fallback-reason',
  /** `static` when the route's last-resort answer was served. */
  fallback: 'x-governor-fallback',
  /** `hit`, `miss` (cache enabled) or `bypass` (cache off for the route). */
  cache: 'x-governor-cache',
  /** Version of the policy that decided. */
  policyVersion: 'x-governor-policy-version',
  /** Governance decisions taken: `degraded:gpt-4o-mini,clamped:max_tokens=4096`. */
  decision: 'x-governor-decision',
  /** The trace id the call was counted under. */
  traceId: 'x-governor-trace-id',
  /** The sidecar's estimate of the call's input tokens as the agent sent them. */
  inputTokensBefore: 'x-governor-input-tokens-before',
  /** The same estimate for what was sent, after the route's compression (equal without one). */
  inputTokensAfter: 'x-governor-input-tokens-after',
  /**
   * The route's Summarize step: `used; messages=24; tokens=310` (a summary of 24 old messages was
   * sent in their place), `writing` (a summary of this history is being written for the next calls),
   * `none` (the history is within maxHistoryTokens), or `used; …, writing`.
   */
  summary: 'x-governor-summary',
  /** The prompt template rendered into the call (or refused for it): `name@version` as the policy holds it. */
  promptTemplate: 'x-governor-prompt-template',
  /** `<experiment>/<variant>` when the route runs an experiment (docs/experiments.md). */
  variant: 'x-governor-variant',
} as const;

/** Request headers the sidecar reads. */
export const GOVERNOR_REQUEST_HEADERS = {
  traceId: 'x-governor-trace-id',
  chainDepth: 'x-governor-chain-depth',
  useCase: 'x-governor-use-case',
  /** `name` or `name@version` of a PromptTemplate to render into the call. */
  promptTemplate: 'x-governor-prompt-template',
  /** The template's variables, a JSON object. */
  promptVariables: 'x-governor-prompt-variables',
  /** Conversation id: the default header an experiment keeps a caller in one variant by. */
  conversationId: 'x-governor-conversation-id',
} as const;
