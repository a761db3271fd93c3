// Budget crossing → enforcement, as a sidecar sees it: for each trial team, the sidecar's own
// long-poll client (sidecar/policy-source/operator-policy-source.ts) follows one agent's policy
// while another agent of the team posts a usage batch that takes the team's budget past its limit.
// Measured from the batch's acknowledgement (the ledger write that crossed is durable) and from the
// post, to the moment the client holds a policy saying Exhausted. One crossing a second: each meets
// an operator done with the last one's actions (scaling the team down, Events, alerts).

import { OperatorPolicySource } from '../../sidecar/policy-source/operator-policy-source.js';
import { usageBatchOf } from '../../testing/services-fixture.js';
import type { Team } from './scale-population.js';
import { SidecarProtocolClient } from './sidecar-protocol-client.js';

export interface EnforcementSamples {
  /** Ack of the crossing batch → Exhausted policy at the client, ms. */
  fromAckMs: number[];
  /** Post of the crossing batch → Exhausted policy at the client, ms. */
  fromPostMs: number[];
  /** Trials whose crossing did not reach the client within the timeout. */
  missed: number;
  /** Each trial on the wall clock (epoch ms), to line up with the operator's log (`--profile`). */
  timeline: { team: string; agent: string; postedAt: number; ackedAt: number; seenAt?: number }[];
}

export async function enforcementTrials(options: {
  servicesUrl: string;
  tokenFiles: ReadonlyMap<string, string>;
  /** The services' CA bundle (HTTPS). */
  caFile?: string;
  teams: readonly Team[];
  budgetTokens: number;
  timeoutMs?: number;
  /** Pause between trials, so each crossing meets an operator done with the last one; default 1 s. */
  pauseMs?: number;
}): Promise<EnforcementSamples> {
  const client = new SidecarProtocolClient(options.servicesUrl, options.tokenFiles, 4, options.caFile);
  const samples: EnforcementSamples = { fromAckMs: [], fromPostMs: [], missed: 0, timeline: [] };
  const epoch = (at: number) => Math.round(performance.timeOrigin + at);
  for (const [index, team] of options.teams.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 1_000));
    const [, watched, spender] = team.agents;
    if (!watched || !spender) throw new Error(`team ${team.name} needs at least three agents`);
    const source = new OperatorPolicySource({
      operatorUrl: options.servicesUrl,
      agent: { namespace: team.namespace, name: watched },
      tokenFile: options.tokenFiles.get(team.namespace) as string,
      ...(options.caFile ? { operatorCaFile: options.caFile } : {}),
      retry: { baseMs: 20, maxMs: 200 },
    });
    await source.start();
    try {
      const exhausted = (policy: { budgets: { phase: string }[] }) =>
        policy.budgets[0]?.phase === 'Exhausted';
      const seen = new Promise<number>((resolve) => {
        if (exhausted(source.current())) resolve(performance.now());
        source.onChange((policy) => {
          if (exhausted(policy)) resolve(performance.now());
        });
      });
      const batch = usageBatchOf(team.namespace, spender, `bench-crossing-${team.name}`, 1, 1);
      const entry = batch.entries[0];
      if (entry) entry.inputTokens = options.budgetTokens;
      const postedAt = performance.now();
      const answer = await client.postUsage(batch);
      if (answer.status !== 200)
        throw new Error(`the crossing batch of ${team.name} got HTTP ${answer.status}`);
      const ackedAt = performance.now();
      const timeout = new Promise<undefined>((resolve) =>
        setTimeout(resolve, options.timeoutMs ?? 10_000, undefined).unref(),
      );
      const seenAt = await Promise.race([seen, timeout]);
      samples.timeline.push({
        team: team.name,
        agent: `${team.namespace}/${watched}`,
        postedAt: epoch(postedAt),
        ackedAt: epoch(ackedAt),
        ...(seenAt === undefined ? {} : { seenAt: epoch(seenAt) }),
      });
      if (seenAt === undefined) {
        samples.missed++;
        continue;
      }
      samples.fromAckMs.push(Math.max(0, seenAt - ackedAt));
      samples.fromPostMs.push(seenAt - postedAt);
    } finally {
      await source.stop();
    }
  }
  await client.close();
  return samples;
}
