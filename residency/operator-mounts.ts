// The ConfigMap mounts the operator itself puts into a pod, which residency does not read as the
// workload's configuration: the policy mirror `governor-policy-<agent>` the injected sidecar mounts
// (its route targets are judged as the agent's route targets, with their declared regions, and the
// mirror may not exist yet when the pod is admitted). Only that exact pairing — the sidecar
// container, a mirror's name — is skipped: the same ConfigMap mounted into any other container is
// read like any other. Pure.
import { POLICY_CONFIG_MAP_PREFIX } from '../agents/policy-config-map.js';
import type { SkippedMount } from '../apis/mounted-config-files.js';

/** The injected sidecar container's name (webhooks/injection/sidecar-container.ts; a test holds them equal). */
export const SIDECAR_CONTAINER_NAME = 'agent-governor-sidecar';

export const operatorMount: SkippedMount = (container, configMap) =>
  container === SIDECAR_CONTAINER_NAME && configMap.startsWith(POLICY_CONFIG_MAP_PREFIX);
