// Leader fail-over on the real controllers, with no double action: two operator processes (the
// registered controllers and sidecar services, leader election with short lease timings, an
// injectable clock — clocked-operator.ts) and a budget that crosses to Exhausted. The leader is
// killed (SIGKILL) in the middle of acting on it: the crossing published (status Exhausted, still
// Reconciling), the workloads suspended and told in Events, the 100 % alert sent but its answer held
// back by the receiver, the final status not yet written. The standby
// takes over and finishes: the Deployment is scaled down once (its kept replica count is the
// original 2, not the 0 a second scale-down would record), each workload has one suspend Event, and
// the receiver sees one alert id per threshold. At the reset the standby restores the exact replicas.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { tokenBudgets } from '../../agents/governor-resources.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import { ALERTS_SENT_ANNOTATION } from '../../controllers/token-budget/alert-dedup.js';
import {
  SUSPENDED_BY_ANNOTATION,
  SUSPENDED_REPLICAS_ANNOTATION,
} from '../../controllers/token-budget/suspend-plan.js';
import { cronJobs, deployments, events, leases } from '../../runtime/kube/resources.js';
import { recordUsage, TestClock, usageEntry } from '../../testing/budget-fixture.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import {
  createMarketingAgents,
  type GovernedAgents,
  governedAgents,
  teamBudget,
} from '../../testing/governed-agents.js';
import { scrape } from '../operator-runtime/operator-process.js';
import { type HoldingAlertReceiver, startHoldingAlertReceiver } from './holding-alert-receiver.js';

const script = fileURLToPath(new URL('./clocked-operator.js', import.meta.url));
const LEASE = 'failover-leader';

interface ClockedOperator extends CliProcess {
  identity: string;
  metricsUrl: string;
  healthUrl: string;
}

describe('leader fail-over on the real controllers, with no double action', { timeout: 300_000 }, () => {
  let env: GovernedAgents;
  let receiver: HoldingAlertReceiver;
  const clock = new TestClock();
  let clockFile: string;
  const operators = new Map<string, ClockedOperator>();
  const budgetKey = () => ({ namespace: env.namespace, name: 'marketing-daily' });

  const startClockedOperator = async (identity: string): Promise<ClockedOperator> => {
    const cli = await startCliProcess(
      [env.cluster.kubeconfig, env.operatorNamespace, identity, LEASE, clockFile],
      /^(\{"identity".*\})$/m,
      { script },
    );
    const { metricsUrl, healthUrl } = JSON.parse(cli.ready[1] ?? '{}') as Record<string, string>;
    const operator = { ...cli, identity, metricsUrl: metricsUrl ?? '', healthUrl: healthUrl ?? '' };
    operators.set(identity, operator);
    return operator;
  };
  const moveClock = (to: Date) => {
    clock.moveTo(to);
    writeFileSync(clockFile, String(clock.offsetMs));
  };
  const holder = async () =>
    (await env.client.get(leases, { namespace: env.operatorNamespace, name: LEASE }))?.spec?.holderIdentity;
  const budgetWhere = (what: string, holds: (b: TokenBudget) => boolean, timeoutMs = 30_000) =>
    eventually(
      `TokenBudget ${what}`,
      async () => {
        const found = await env.client.get(tokenBudgets, budgetKey());
        return found && holds(found) ? found : undefined;
      },
      { timeoutMs },
    );
  const eventsAbout = async (reason: string, name: string) =>
    (await env.client.list(events, { namespace: env.namespace })).filter(
      (e) => e.reason === reason && e.regarding?.name === name,
    );
  /** Occurrences of an Event: one object, counted once, unless repeats joined its series. */
  const occurrences = async (reason: string, name: string) =>
    (await eventsAbout(reason, name)).reduce((sum, e) => sum + (e.series?.count ?? 1), 0);
  const use = (agent: string, tokens: number) =>
    recordUsage(env.client, env.namespace, agent, [usageEntry(clock.now(), { tokens })], clock.now());

  before(async () => {
    env = await governedAgents('failover');
    receiver = await startHoldingAlertReceiver();
    clockFile = join(env.dir, 'clock-offset-ms');
    writeFileSync(clockFile, '0');
    const ns = env.namespace;
    await createMarketingAgents(env.client, ns);
    await env.client.create(
      tokenBudgets,
      teamBudget(ns, {
        name: 'marketing-daily',
        team: 'marketing',
        tokens: 1_000,
        route: 'gpt-4o',
        alertUrl: receiver.url,
      }),
    );
    await startClockedOperator('operator-a');
    await eventually('operator-a to lead', async () =>
      (await holder()) === 'operator-a' ? true : undefined,
    );
    const standby = await startClockedOperator('operator-b');
    await eventually('operator-b to stand by, ready', async () =>
      (await fetch(`${standby.healthUrl}/readyz`)).status === 200 ? true : undefined,
    );
  });

  after(async () => {
    for (const operator of operators.values()) await operator.stop('SIGKILL');
    await receiver?.close();
    await env?.close();
  });

  it('the leader moves the budget to Warning and alerts once; the standby does nothing', async () => {
    await budgetWhere('Active', (b) => b.status?.phase === 'Active');
    await use('writer', 800);
    await budgetWhere('Warning', (b) => b.status?.phase === 'Warning');
    await eventually('the 75 % alert', () => (receiver.idsFor(75).length === 1 ? true : undefined));
    const standby = await scrape(operators.get('operator-b')?.metricsUrl ?? '');
    assert.equal(metricValue(standby, 'governor_operator_leader'), 0);
    assert.equal(
      metricValue(standby, 'governor_operator_reconciles_total', { controller: 'token-budget' }),
      0,
    );
  });

  it('the leader killed mid-action at 100 %: the standby finishes without acting twice', async (t) => {
    receiver.hold = 100;
    await use('support', 300);
    // The kill point: the workloads acted on and told, the alert sent, its answer not yet read.
    await eventually('the 100 % alert to arrive (held)', () =>
      receiver.deliveries.some((d) => d.threshold === 100 && d.held) ? true : undefined,
    );
    await eventually('the suspend Events', async () =>
      (await occurrences('ScaledToZero', 'writer')) === 1 && (await occurrences('Suspended', 'digest')) === 1
        ? true
        : undefined,
    );
    const writerAtKill = await env.client.get(deployments, { namespace: env.namespace, name: 'writer' });
    assert.equal(writerAtKill?.spec?.replicas, 0, 'the leader scaled the writer down before the kill');
    const atKill = (await env.client.get(tokenBudgets, budgetKey()))?.status;
    assert.equal(atKill?.phase, 'Exhausted', 'the crossing is published before the slower actions');
    assert.equal(atKill?.conditions?.find((c) => c.type === 'Reconciling')?.status, 'True');
    assert.deepEqual(
      atKill?.suspendedWorkloads,
      [],
      'the final status, listing what is held, is not written yet',
    );
    const leader = operators.get('operator-a');
    assert.equal(await holder(), 'operator-a');
    const killedAt = Date.now();
    assert.equal(await leader?.stop('SIGKILL'), 'SIGKILL');
    receiver.hold = undefined;

    await eventually(
      'operator-b to take the Lease',
      async () => ((await holder()) === 'operator-b' ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    t.diagnostic(`the standby took over ${Date.now() - killedAt} ms after the kill`);
    const b = await budgetWhere(
      'Exhausted, written by the new leader, with the alert recorded',
      (x) =>
        x.status?.phase === 'Exhausted' &&
        (x.status.suspendedWorkloads?.length ?? 0) === 2 &&
        /=75,100$/.test(x.metadata.annotations?.[ALERTS_SENT_ANNOTATION] ?? ''),
    );
    assert.deepEqual(
      b.status?.suspendedWorkloads?.map((w) => `${w.kind}/${w.name}/${w.previousReplicas ?? '-'}`).sort(),
      ['CronJob/digest/-', 'Deployment/writer/2'],
    );
    // Events are written in the background right after each action: give a repeat time to show.
    await sleep(1_500);
    const writer = await env.client.get(deployments, { namespace: env.namespace, name: 'writer' });
    assert.equal(writer?.spec?.replicas, 0);
    assert.equal(
      writer?.metadata?.annotations?.[SUSPENDED_REPLICAS_ANNOTATION],
      '2',
      'the replicas kept are the original count: no second scale-down',
    );
    assert.equal(await occurrences('ScaledToZero', 'writer'), 1, 'one scale-down Event for the writer');
    assert.equal(await occurrences('Suspended', 'digest'), 1, 'one suspend Event for the CronJob');
    assert.equal(
      (await env.client.get(cronJobs, { namespace: env.namespace, name: 'digest' }))?.spec?.suspend,
      true,
    );
    const support = await env.client.get(deployments, { namespace: env.namespace, name: 'support' });
    assert.equal(support?.spec?.replicas, 3, 'the critical agent is never scaled');
    assert.equal(support?.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION], undefined);

    // The held delivery never got its answer, so the new leader sent the alert again — under the
    // same id, which is what a receiver de-duplicates by; one alert per threshold per period.
    assert.equal(receiver.idsFor(75).length, 1);
    assert.equal(receiver.idsFor(100).length, 1);
    assert.ok(receiver.deliveries.filter((d) => d.threshold === 100 && !d.held).length >= 1);
    const newLeader = await scrape(operators.get('operator-b')?.metricsUrl ?? '');
    assert.equal(metricValue(newLeader, 'governor_operator_leader'), 1);
    assert.ok(
      metricValue(newLeader, 'governor_operator_reconciles_total', { controller: 'token-budget' }) > 0,
    );
  });

  it('at the reset the new leader restores the exact replicas and resumes the CronJob', async () => {
    const before = await env.client.get(tokenBudgets, budgetKey());
    const periodEnd = new Date(before?.status?.periodEnd ?? '');
    assert.ok(!Number.isNaN(periodEnd.getTime()));
    moveClock(new Date(periodEnd.getTime() + 1_000));
    const b = await budgetWhere(
      'Active in the next period',
      (x) => x.status?.periodStart === periodEnd.toISOString() && x.status.phase === 'Active',
    );
    assert.equal(b.status?.used?.tokens, 0);
    assert.deepEqual(b.status?.suspendedWorkloads, []);
    const writer = await eventually('the writer restored', async () => {
      const d = await env.client.get(deployments, { namespace: env.namespace, name: 'writer' });
      return d?.spec?.replicas === 2 ? d : undefined;
    });
    assert.equal(writer.metadata?.annotations?.[SUSPENDED_REPLICAS_ANNOTATION], undefined);
    assert.equal(writer.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION], undefined);
    await eventually('the digest CronJob resumed', async () =>
      (await env.client.get(cronJobs, { namespace: env.namespace, name: 'digest' }))?.spec?.suspend === false
        ? true
        : undefined,
    );
    await eventually('one Restored Event for the writer', async () =>
      (await occurrences('Restored', 'writer')) === 1 ? true : undefined,
    );
    assert.equal(
      (await env.client.get(deployments, { namespace: env.namespace, name: 'support' }))?.spec?.replicas,
      3,
    );
  });
});
