import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteFailure } from '../routing/route-runner.js';
import { failedRouteAnswer } from './failed-route-answer.js';

const failure = (overrides: Partial<RouteFailure>): RouteFailure => ({
  kind: 'failed',
  attempts: 2,
  reasons: ['primary:ServerError', 'secondary:ServerError'],
  upstreamMs: 5,
  unreadable: [],
  deadlineExceeded: false,
  ...overrides,
});

describe('failedRouteAnswer', () => {
  it("relays the provider's last JSON error with its retry-after", () => {
    const bytes = Buffer.from('{"error":{"message":"slow down"}}');
    const a = failedRouteAnswer(
      'chat.completions',
      'gpt-4o',
      failure({
        last: {
          target: 'secondary',
          failure: 'RateLimited',
          message: 'answered 429',
          status: 429,
          headers: { 'retry-after': '7' },
          bytes,
        },
      }),
    );
    assert.equal(a.status, 429);
    assert.equal(a.headers['retry-after'], '7');
    assert.deepEqual(a.body, bytes);
    assert.equal(a.outcome, 'ServerError');
  });

  const cases: [string, Partial<RouteFailure>, number, string, string, RegExp][] = [
    [
      'timeouts → 504',
      {
        reasons: ['primary:Timeout'],
        last: { target: 'primary', failure: 'Timeout', message: 'no answer within 100 ms' },
      },
      504,
      'upstream_timeout',
      'Timeout',
      /route gpt-4o: every target failed \(primary:Timeout\); last: primary: no answer within 100 ms/,
    ],
    [
      'the deadline → 504',
      {
        deadlineExceeded: true,
        reasons: ['primary:ServerError', 'primary:Deadline'],
        last: {
          target: 'primary',
          failure: 'ServerError',
          message: 'answered 500',
          status: 500,
          bytes: Buffer.from('oops'),
        },
      },
      504,
      'upstream_timeout',
      'Timeout',
      /no answer within the route's overall deadline/,
    ],
    [
      'garbage → 502',
      {
        reasons: ['primary:BadResponse'],
        last: {
          target: 'primary',
          failure: 'BadResponse',
          message: 'answered 200 with a body that is not JSON',
          status: 200,
        },
      },
      502,
      'bad_upstream_response',
      'ServerError',
      /not JSON/,
    ],
    [
      'refused connections → 502',
      {
        reasons: ['primary:ConnectionError'],
        last: { target: 'primary', failure: 'ConnectionError', message: 'connect ECONNREFUSED 127.0.0.1:1' },
      },
      502,
      'upstream_unavailable',
      'ServerError',
      /ECONNREFUSED/,
    ],
    [
      'every circuit open → 503',
      {
        attempts: 0,
        reasons: ['primary:CircuitOpen', 'secondary:CircuitOpen'],
        last: { target: 'primary', failure: 'ServerError', message: 'the circuit of primary is open' },
      },
      503,
      'circuit_open',
      'ServerError',
      /primary:CircuitOpen, secondary:CircuitOpen/,
    ],
    [
      'a missing key → 502 naming the variable',
      {
        attempts: 0,
        reasons: ['primary:NoCredentials'],
        last: {
          target: 'primary',
          failure: 'NoCredentials',
          message: 'environment variable OPENAI_API_KEY of the sidecar is not set',
        },
      },
      502,
      'upstream_credentials_missing',
      'ServerError',
      /OPENAI_API_KEY/,
    ],
  ];
  for (const [name, overrides, status, code, outcome, message] of cases) {
    it(name, () => {
      const a = failedRouteAnswer('chat.completions', 'gpt-4o', failure(overrides));
      const body = JSON.parse(a.body.toString());
      assert.equal(a.status, status);
      assert.equal(body.error.code, code);
      assert.match(body.error.message, message);
      assert.equal(a.outcome, outcome);
    });
  }

  it('answers Anthropic-style for Messages', () => {
    const a = failedRouteAnswer(
      'messages',
      'claude',
      failure({
        reasons: ['a:ConnectionError'],
        last: { target: 'a', failure: 'ConnectionError', message: 'refused' },
      }),
    );
    assert.equal(JSON.parse(a.body.toString()).type, 'error');
  });
});
