// Whether a pod gets the sidecar: it must be an agent's (the agent label), opted in by its namespace
// or itself (label `governor.agents.dev/inject: "true"`), and not opted out (the pod's annotation
// or label `governor.agents.dev/inject: "false"` — the pod's own word wins over its namespace's). Pure.
import { AGENT_LABEL } from '../../apis/group-version.js';
import { INJECT_ANNOTATION, INJECT_LABEL } from './injection-labels.js';

export type InjectionDecision = { inject: true; agent: string } | { inject: false; reason: string };

export interface PodMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function injectionDecision(
  pod: PodMetadata | undefined,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): InjectionDecision {
  const agent = pod?.labels?.[AGENT_LABEL];
  if (!agent) return { inject: false, reason: `the pod has no ${AGENT_LABEL} label: not an agent` };
  if (pod?.annotations?.[INJECT_ANNOTATION] === 'false') {
    return { inject: false, reason: `the pod opts out (annotation ${INJECT_ANNOTATION}: "false")` };
  }
  const podSays = pod?.labels?.[INJECT_LABEL];
  if (podSays === 'false')
    return { inject: false, reason: `the pod opts out (label ${INJECT_LABEL}: "false")` };
  if (podSays === 'true') return { inject: true, agent };
  if (namespaceLabels?.[INJECT_LABEL] === 'true') return { inject: true, agent };
  return {
    inject: false,
    reason: `neither the pod nor its namespace has the label ${INJECT_LABEL}: "true"`,
  };
}
