// The controllers, services and admission handlers `agent-governor operator` runs. Add a
// controller's factory here (one line); runtime/README.md ("Writing a controller") has the plug-in API.

import { LedgerDocumentsChoice } from '../agents/ledger-documents.js';
import { agentSLOController } from '../controllers/agent-slo/agent-slo-controller.js';
import { approvalPolicyController } from '../controllers/approval-policy/approval-policy-controller.js';
import { dataResidencyControllerWith } from '../controllers/data-residency/data-residency-controller.js';
import { ResidencyAuditRequests } from '../controllers/data-residency/residency-audit-requests.js';
import { residencyScopeController } from '../controllers/data-residency/residency-scope-controller.js';
import { evaluationGateController } from '../controllers/evaluation-gate/evaluation-gate-controller.js';
import { fallbackRouteController } from '../controllers/fallback-route/fallback-route-controller.js';
import { modelCatalogController } from '../controllers/model-catalog/model-catalog-controller.js';
import { policyCompilerController } from '../controllers/policy-compiler/policy-compiler-controller.js';
import { promptTemplateController } from '../controllers/prompt-template/prompt-template-controller.js';
import { retentionController } from '../controllers/retention/retention-controller.js';
import { tokenBudgetController } from '../controllers/token-budget/token-budget-controller.js';
import type { ControllerFactory } from '../runtime/controller/controller-definition.js';
import { createEventRecorder, type EventRecorder } from '../runtime/events/event-recorder.js';
import type { OperatorService, ServiceContext } from '../runtime/manager/operator-service.js';
import { PolicyStore } from '../sidecar-services/policy-store.js';
import type { AdmissionClusterView } from '../webhooks/admission/admission-cluster-view.js';
import type { AdmissionHandler } from '../webhooks/admission/admission-review.js';
import { type ApprovalRefusal, approvalHandler } from '../webhooks/approvals/approval-handler.js';
import { governorObjectsHandler } from '../webhooks/cross-object/governor-objects-handler.js';
import type { SidecarInjectionOptions } from '../webhooks/injection/injection-options.js';
import { packageVersion, SIDECAR_IMAGE_REPOSITORY } from '../webhooks/injection/injection-options.js';
import { sidecarInjectionHandler } from '../webhooks/injection/sidecar-injection-handler.js';
import { ResidencyRefusalRecorder } from '../webhooks/residency/residency-refusal-recorder.js';
import { residencyValidationHandler } from '../webhooks/residency/residency-validation-handler.js';
import { rolloutHoldHandler } from '../webhooks/rollout-hold/rollout-hold-handler.js';

/** The effective policies: the policy compiler publishes, the sidecar services serve and mirror them. */
export const policyStore = new PolicyStore();

/** Where the ledgers are kept when not in the API server (`--usage-store redis`, set by the CLI). */
export const ledgerDocuments = new LedgerDocumentsChoice();

/**
 * Audits the residency webhook asks for when it admits a workload a policy objects to; the
 * DataResidencyPolicy controller runs them (only while this process leads).
 */
export const residencyAuditRequests = new ResidencyAuditRequests();

export const registeredControllers: ControllerFactory[] = [
  tokenBudgetController({ ledgers: ledgerDocuments }),
  agentSLOController(),
  policyCompilerController({ store: policyStore }),
  fallbackRouteController,
  dataResidencyControllerWith({ auditRequests: residencyAuditRequests }),
  residencyScopeController,
  modelCatalogController,
  approvalPolicyController,
  retentionController({ ledgers: ledgerDocuments }),
  promptTemplateController,
  evaluationGateController({ defaultImage: `${SIDECAR_IMAGE_REPOSITORY}:${packageVersion()}` }),
];

/**
 * Services the operator process always runs. The sidecar services and the admission webhooks are
 * added by the CLI (cli/operator-command.ts), which knows their flags.
 */
export const registeredServices: OperatorService[] = [];

/** The admission webhooks the webhook server answers (webhooks/README.md), over the cluster view. */
export function registeredAdmissionHandlers(
  view: AdmissionClusterView,
  injection: SidecarInjectionOptions,
  context?: ServiceContext,
): AdmissionHandler[] {
  const refusals = context
    ? new ResidencyRefusalRecorder({ ...context, events: admissionEventsOnce(context) })
    : undefined;
  return [
    residencyValidationHandler(view, {
      onAuditFinding: (policy) => residencyAuditRequests.request(policy),
      ...(refusals ? { onRefusal: (refused) => refusals.record(refused) } : {}),
    }),
    governorObjectsHandler(view),
    approvalHandler(view, {
      ...(context ? { onRefusal: approvalRefusalEvents(view, admissionEventsOnce(context)) } : {}),
    }),
    sidecarInjectionHandler(view, injection),
    rolloutHoldHandler(view),
  ];
}

/** Events the admission webhooks' recorders write (refusals), as `governor.agents.dev/admission`. */
const eventRecorders = new WeakMap<ServiceContext, EventRecorder>();
function admissionEventsOnce(context: ServiceContext): EventRecorder {
  const known = eventRecorders.get(context);
  if (known) return known;
  const recorder = createEventRecorder({
    client: context.client,
    reportingController: 'governor.agents.dev/admission',
    reportingInstance: context.identity.slice(0, 128),
    log: context.log,
  });
  eventRecorders.set(context, recorder);
  return recorder;
}

/** A Warning Event on the ApprovalPolicy for each approval or version admission refused. */
function approvalRefusalEvents(view: AdmissionClusterView, events: EventRecorder) {
  return (refusal: ApprovalRefusal) => {
    const policy = view.approvalPolicies().find((p) => p.metadata?.name === refusal.policy);
    if (policy) events.warning(policy, refusal.reason, refusal.message, 'Admission');
  };
}
