// The controllers `agent-governor operator` runs. Add a controller's factory here (one line) when
// it is ready; see operator/README.md for the plug-in API.

import { agentSLOController } from '../controllers/agent-slo/agent-slo-controller.js';
import { policyCompilerController } from '../controllers/policy/policy-compiler-controller.js';
import { dataResidencyController } from '../controllers/residency/data-residency-controller.js';
import { fallbackRouteController } from '../controllers/route/fallback-route-controller.js';
import { tokenBudgetController } from '../controllers/token-budget/token-budget-controller.js';
import type { ControllerFactory } from './controller/controller-definition.js';
import type { OperatorService } from './runtime/operator-service.js';
import { PolicyStore } from './sidecar-services/policy-store.js';

/** The effective policies: the policy compiler publishes, the sidecar services serve and mirror them. */
export const policyStore = new PolicyStore();

export const registeredControllers: ControllerFactory[] = [
  tokenBudgetController(),
  agentSLOController(),
  policyCompilerController({ store: policyStore }),
  fallbackRouteController,
  dataResidencyController,
];

/** Services (policy long-poll, usage ingest, admission webhooks) the operator process runs. */
export const registeredServices: OperatorService[] = [];
