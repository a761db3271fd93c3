// The flows of a dataflow map as they are found (pure): one flow per agent and destination, however
// many ways lead there (a route target, an env variable, a declaration, a refusal); the strictest
// verdict of those ways wins — refused over unknown over allowed — and what the sidecars saw adds up
// per model.

import type { ObservedTarget } from '../apis/usage-ledger.js';
import type { MapDestination, MapFlow } from './dataflow-map.js';
import type { FlowResidency, FlowVerdict } from './flow-residency.js';

export class FlowTable {
  private readonly destinations = new Map<string, MapDestination>();
  private readonly flows = new Map<string, MapFlow>();

  add(
    agent: string,
    destination: MapDestination,
    via: string,
    verdict: FlowVerdict,
    extra: { model?: string | undefined; declared?: boolean; refusedAtAdmission?: boolean } = {},
  ): MapFlow {
    this.destinations.set(destination.id, this.destinations.get(destination.id) ?? destination);
    const key = `${agent}\n${destination.id}`;
    const flow = this.flows.get(key) ?? {
      agent,
      destination: destination.id,
      via: [],
      models: [],
      residency: verdict.residency,
      message: verdict.message,
      declared: extra.declared ?? false,
      refusedAtAdmission: false,
      observed: [],
    };
    if (!flow.via.includes(via)) flow.via.push(via);
    if (extra.model && !flow.models.includes(extra.model)) flow.models.push(extra.model);
    if (rank(verdict.residency) > rank(flow.residency)) {
      flow.residency = verdict.residency;
      flow.message = verdict.message;
      delete flow.policy;
      delete flow.mode;
    }
    if (flow.residency === verdict.residency && verdict.policy && !flow.policy) {
      flow.policy = verdict.policy;
      if (verdict.mode) flow.mode = verdict.mode;
    }
    // Declared only while no way in the spec shows it.
    flow.declared &&= extra.declared ?? false;
    if (extra.refusedAtAdmission) flow.refusedAtAdmission = true;
    this.flows.set(key, flow);
    return flow;
  }

  /** Adds what the sidecars saw a target answer to the flow that reaches it. */
  observe(flow: MapFlow, seen: ObservedTarget): void {
    const existing = flow.observed.find((o) => o.model === seen.model);
    if (existing) {
      existing.requests += seen.requests;
      existing.inputTokens += seen.inputTokens;
      existing.outputTokens += seen.outputTokens;
      if (seen.lastSeen > existing.lastSeen) existing.lastSeen = seen.lastSeen;
    } else {
      flow.observed.push({
        model: seen.model,
        requests: seen.requests,
        inputTokens: seen.inputTokens,
        outputTokens: seen.outputTokens,
        lastSeen: seen.lastSeen,
      });
    }
    flow.observed.sort((a, b) => a.model.localeCompare(b.model));
  }

  /** Destinations by id, flows by agent then destination. */
  sorted(): { destinations: MapDestination[]; flows: MapFlow[] } {
    return {
      destinations: [...this.destinations.values()].sort((a, b) => a.id.localeCompare(b.id)),
      flows: [...this.flows.values()].sort((a, b) =>
        a.agent === b.agent ? a.destination.localeCompare(b.destination) : a.agent.localeCompare(b.agent),
      ),
    };
  }
}

function rank(residency: FlowResidency): number {
  return residency === 'refused' ? 2 : residency === 'unknown' ? 1 : 0;
}
