/**
 * The HTTP protocol between sidecars and the operator, the one channel between the two sides
 * (ARCHITECTURE.md, "Operator ↔ sidecar contract"; why long-poll:
 * docs/adr/0031-policy-long-poll-and-fail-static-mirror.md).
 *
 * - Policy: `GET {POLICY_PATH}/{namespace}/{agent}?after=<version>` with
 *   `Authorization: Bearer <projected ServiceAccount token>` (audience `TOKEN_AUDIENCE`). Answers
 *   200 with an `EffectivePolicy` as soon as its version differs from `after` (at once when `after`
 *   is absent), or 304 with no body after about `LONG_POLL_SECONDS` without a change.
 *   With `&watch=true` the answer is a stream (`POLICY_WATCH_CONTENT_TYPE`): 200 and its headers at
 *   once, then one line per version — an `EffectivePolicy` as JSON and a newline, the first at once
 *   when the version differs from `after` — written as the version changes, and the end of the
 *   stream after about `LONG_POLL_SECONDS`, when the sidecar asks again with its token and the last
 *   version it read (docs/adr/0075-policy-watch-stream.md). Errors are answered as for a poll.
 * - Usage: `POST {USAGE_PATH}` with a `UsageBatch` body. Answers 200 with a `UsageAck` only after the
 *   batch is durably recorded; a resend of a recorded (instance, sequence) answers 200 with
 *   `duplicate: true`.
 * - Calls per trace: `POST {TRACE_CALLS_PATH}/{namespace}/{agent}` with a `TraceCallTake`
 *   (`apis/trace-call-count.ts`) answers 200 with a `TraceCallCount`: the trace's calls across all
 *   pods of the agent (docs/adr/0042-calls-per-trace-across-pods.md).
 * - Budget leases: `POST {BUDGET_LEASES_PATH}` (apis/budget-lease.ts) with a `BudgetLeaseRequest`
 *   answers a `BudgetLeaseAnswer`: slices of the agent's token budgets (docs/adr/0062-budget-leases.md);
 *   501 when the services keep no lease books (the API-server usage store).
 * - A follower (not the leader) answers 503 with `Retry-After`; 401 / 403 when the token is missing,
 *   invalid, or from another namespace; 400 with an OpenAI-style error body for a malformed request.
 */
export const POLICY_PATH = '/v1/policies';
export const USAGE_PATH = '/v1/usage';
export const TRACE_CALLS_PATH = '/v1/trace-calls';
export const LONG_POLL_SECONDS = 30;
export const TOKEN_AUDIENCE = 'agent-governor';
/**
 * The audience of the token an agent in gateway mode sends as its API key; the gateway passes the
 * same token on to these services, which take it too (docs/adr/0059-gateway-mode.md).
 */
export const GATEWAY_TOKEN_AUDIENCE = 'agent-governor-gateway';
/** The content type of a policy watch: newline-delimited JSON, one `EffectivePolicy` a line. */
export const POLICY_WATCH_CONTENT_TYPE = 'application/x-ndjson';
/** Header on policy answers: the version, so a client can log it without parsing the body. */
export const POLICY_VERSION_HEADER = 'x-governor-policy-version';
