// From residency findings to the answer the API server gets (pure): Enforce findings deny (403
// Forbidden) with one message naming the workload and, for each finding, the container, source,
// endpoint, host, region and policy — all of them, the list capped with "and N more"; Warn findings
// become admission warnings (kubectl prints them); Audit findings an audit annotation. An Enforce
// finding the object already had before an UPDATE is warned about, not denied (see
// docs/adr/0017-residency-admission-ratchets-updates.md).
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { GLOBAL_REGION } from '../../apis/region-catalog.js';
import type { AdmissionVerdict } from '../admission/admission-review.js';
import type { AdmittedWorkload } from './admitted-workload.js';
import { findingKey, type ResidencyFinding } from './residency-findings.js';

/** Findings listed in a denial message; the rest are counted. */
export const MAX_LISTED_FINDINGS = 10;
/** Residency warnings per answer; the rest are counted in one more warning. */
export const MAX_WARNINGS = 10;
/** The API server may cut longer warnings. */
const MAX_WARNING_LENGTH = 250;
/** Key of the audit annotation (the API server prefixes it with the webhook's name). */
export const AUDIT_ANNOTATION = 'residency-violations';

export interface VerdictInputs {
  workload: AdmittedWorkload;
  findings: readonly ResidencyFinding[];
  /** Keys (findingKey) of the findings the object already had before this UPDATE. */
  preexisting: ReadonlySet<string>;
  /** The policies that apply (for what each allows). */
  policies: readonly DataResidencyPolicy[];
}

export function residencyVerdict(inputs: VerdictInputs): AdmissionVerdict {
  const denied: ResidencyFinding[] = [];
  const warned: Array<{ finding: ResidencyFinding; preexisting: boolean }> = [];
  const audited: ResidencyFinding[] = [];
  for (const finding of inputs.findings) {
    if (finding.mode === 'Audit') audited.push(finding);
    else if (finding.mode === 'Warn') warned.push({ finding, preexisting: false });
    else if (inputs.preexisting.has(findingKey(finding))) warned.push({ finding, preexisting: true });
    else denied.push(finding);
  }
  const warnings = residencyWarnings(warned);
  if (denied.length > 0) {
    return {
      allowed: false,
      code: 403,
      reason: 'Forbidden',
      message: denialMessage(inputs.workload, denied, inputs.policies),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }
  return {
    allowed: true,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(audited.length > 0
      ? { auditAnnotations: { [AUDIT_ANNOTATION]: auditNote(inputs.workload, audited) } }
      : {}),
  };
}

/** `Deployment agents/chat`. */
export function workloadName(workload: AdmittedWorkload): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

function denialMessage(
  workload: AdmittedWorkload,
  denied: readonly ResidencyFinding[],
  policies: readonly DataResidencyPolicy[],
): string {
  const lines = [
    `${workloadName(workload)} would send data outside the regions data residency allows ` +
      `(${denied.length} ${denied.length === 1 ? 'endpoint' : 'endpoints'}):`,
    ...denied
      .slice(0, MAX_LISTED_FINDINGS)
      .map((f) => `- ${where(f)}: ${f.endpoint} → ${placement(f)}; policy ${f.policy}`),
  ];
  if (denied.length > MAX_LISTED_FINDINGS) lines.push(`- and ${denied.length - MAX_LISTED_FINDINGS} more`);
  const named = new Set(denied.map((f) => f.policy));
  for (const policy of policies) {
    const name = policy.metadata?.name ?? '';
    if (named.has(name)) lines.push(`Policy ${name} (${policy.spec.mode}) allows ${allowList(policy)}.`);
  }
  lines.push(
    denied.some((f) => f.unknown)
      ? "Point each endpoint at an allowed region; a host the catalog cannot place needs an entry with its region in the policy's spec.endpoints."
      : 'Point each endpoint at an allowed region.',
  );
  return lines.join('\n');
}

function residencyWarnings(
  warned: ReadonlyArray<{ finding: ResidencyFinding; preexisting: boolean }>,
): string[] {
  const warnings = warned.slice(0, MAX_WARNINGS).map(({ finding: f, preexisting }) => {
    const text =
      `residency policy ${f.policy} (${f.mode}): ${where(f)} → ${placement(f)} is not allowed` +
      (preexisting ? '; already there before this update, so not refused this time — fix it' : '');
    return text.length > MAX_WARNING_LENGTH ? `${text.slice(0, MAX_WARNING_LENGTH - 1)}…` : text;
  });
  if (warned.length > MAX_WARNINGS)
    warnings.push(`and ${warned.length - MAX_WARNINGS} more residency warnings`);
  return warnings;
}

function auditNote(workload: AdmittedWorkload, audited: readonly ResidencyFinding[]): string {
  const notes = audited
    .slice(0, MAX_LISTED_FINDINGS)
    .map((f) => `policy ${f.policy}: ${workloadName(workload)} ${where(f)} → ${placement(f)}`);
  if (audited.length > MAX_LISTED_FINDINGS) notes.push(`and ${audited.length - MAX_LISTED_FINDINGS} more`);
  return notes.join('; ');
}

/** `container agent, env OPENAI_BASE_URL` or `annotation governor.agents.dev/egress`. */
function where(finding: ResidencyFinding): string {
  return finding.container === undefined
    ? finding.source
    : `container ${finding.container}, ${finding.source}`;
}

/**
 * `api.openai.com, region us (US)`, `llm.example.com, region unknown`, `aiplatform.googleapis.com,
 * region global (the provider picks the region)`, or for a two-label host
 * `otel-collector.observability, region unknown (not a Service: no namespace observability)`.
 */
function placement(finding: ResidencyFinding): string {
  if (finding.region === undefined) {
    const namespace = finding.serviceNamespace;
    return namespace === undefined
      ? `${finding.host}, region unknown`
      : `${finding.host}, region unknown (not a Service: no namespace ${namespace})`;
  }
  if (finding.region === GLOBAL_REGION)
    return `${finding.host}, region global (the provider picks the region)`;
  return `${finding.host}, region ${finding.region}${finding.jurisdiction ? ` (${finding.jurisdiction})` : ''}`;
}

function allowList(policy: DataResidencyPolicy): string {
  const regions = policy.spec.allowedRegions ?? [];
  const jurisdictions = policy.spec.allowedJurisdictions ?? [];
  return `regions: ${regions.length ? regions.join(', ') : 'none'}; jurisdictions: ${jurisdictions.length ? jurisdictions.join(', ') : 'none'}`;
}
