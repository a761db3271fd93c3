// The AgentUsageLedger resource (apis/usage-ledger.ts) for the kube client. Defined here because
// runtime/kube/resources.ts does not list it (yet); move it there when the controllers read ledgers.
import { GROUP, VERSION } from '../apis/group-version.js';
import type { AgentUsageLedger } from '../apis/usage-ledger.js';
import { resourceType } from '../runtime/kube/resource-type.js';

export const agentUsageLedgers = resourceType<AgentUsageLedger>({
  group: GROUP,
  version: VERSION,
  plural: 'agentusageledgers',
  kind: 'AgentUsageLedger',
  namespaced: true,
});
