/** The API group and version every governor kind belongs to. */
export const GROUP = 'governor.agents.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Pod-template label that makes a workload an agent; its value is the agent's name. */
export const AGENT_LABEL = `${GROUP}/agent`;
/** Pod-template label value `critical` marks an agent that is degraded but never suspended. */
export const CRITICALITY_LABEL = `${GROUP}/criticality`;
/** Category shared by all kinds, so `kubectl get governor` lists them together. */
export const CATEGORY = 'governor';
