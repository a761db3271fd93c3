// The cross-object validating webhook (`/validate/governor-objects`): what the schema of the four
// kinds cannot see, because it depends on other objects — route targets against residency, routes
// claiming the same model for the same agents, references to routes that do not exist, a new
// policy against the routes it would forbid. The object is read with its schema (defaults applied
// as the API server applied them); one the schema refuses was already refused by the API server's
// own validation, so it is let through with a warning rather than judged half-read. Never writes.
import { type AgentSLO, agentSLO } from '../../apis/agent-slo.js';
import { type DataResidencyPolicy, dataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { type FallbackRoute, fallbackRoute } from '../../apis/fallback-route.js';
import { GROUP } from '../../apis/group-version.js';
import { type TokenBudget, tokenBudget } from '../../apis/token-budget.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import type { AdmissionHandler, AdmissionRequest, AdmissionVerdict } from '../admission/admission-review.js';
import { GOVERNOR_OBJECTS_WEBHOOK } from '../registration/webhook-names.js';
import { fallbackRouteFindings } from './fallback-route-checks.js';
import { type ObjectFinding, objectName, objectVerdict } from './object-findings.js';
import { residencyPolicyFindings } from './residency-policy-checks.js';
import { agentSLOFindings, tokenBudgetFindings } from './route-references.js';

interface KindCheck {
  parse(object: unknown): { success: true; data: unknown } | { success: false; error: { issues: unknown[] } };
  findings(object: never, view: AdmissionClusterView): ObjectFinding[];
}

const check = <T>(
  schema: {
    safeParse(o: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } };
  },
  findings: (object: T, view: AdmissionClusterView) => ObjectFinding[],
): KindCheck => ({ parse: (o) => schema.safeParse(o), findings: findings as KindCheck['findings'] });

const CHECKS: Record<string, KindCheck> = {
  FallbackRoute: check<FallbackRoute>(fallbackRoute, fallbackRouteFindings),
  TokenBudget: check<TokenBudget>(tokenBudget, tokenBudgetFindings),
  AgentSLO: check<AgentSLO>(agentSLO, agentSLOFindings),
  DataResidencyPolicy: check<DataResidencyPolicy>(dataResidencyPolicy, residencyPolicyFindings),
};

const ALLOWED: AdmissionVerdict = { allowed: true };

export function governorObjectsHandler(view: AdmissionClusterView): AdmissionHandler {
  return {
    name: 'governor-objects',
    path: GOVERNOR_OBJECTS_WEBHOOK.path,
    async handle(request: AdmissionRequest): Promise<AdmissionVerdict> {
      if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOWED;
      if (request.kind.group !== GROUP) return ALLOWED;
      const kind = request.kind.kind;
      const kindCheck = CHECKS[kind];
      if (!kindCheck || request.subResource) return ALLOWED;
      const object = withNamespace(request.object, request.namespace);
      const parsed = kindCheck.parse(object);
      if (!parsed.success) {
        const name = objectName(
          kind,
          (object as { metadata?: { name?: string; namespace?: string } }).metadata,
        );
        return {
          allowed: true,
          warnings: [
            `${name} could not be read for cross-object checks (${parsed.error.issues.length} schema issues); not checked`,
          ],
        };
      }
      const metadata = (parsed.data as { metadata?: { deletionTimestamp?: unknown } }).metadata;
      // Removing the last finalizer of an object being deleted is an UPDATE; it is leaving anyway.
      if (metadata?.deletionTimestamp) return ALLOWED;
      const findings = kindCheck.findings(parsed.data as never, view);
      let before: ObjectFinding[] | undefined;
      if (request.operation === 'UPDATE' && findings.some((f) => f.severity === 'deny')) {
        const old = kindCheck.parse(withNamespace(request.oldObject, request.namespace));
        if (old.success) before = kindCheck.findings(old.data as never, view);
      }
      return objectVerdict(findings, before);
    },
  };
}

/** The object with the request's namespace when it carries none (namespaced kinds on CREATE). */
function withNamespace(object: unknown, namespace: string | undefined): unknown {
  if (!namespace || typeof object !== 'object' || object === null) return object;
  const metadata = (object as { metadata?: Record<string, unknown> }).metadata ?? {};
  return metadata.namespace ? object : { ...object, metadata: { ...metadata, namespace } };
}
