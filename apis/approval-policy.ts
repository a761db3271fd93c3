import { z } from 'zod';
import { conditions, observedGeneration } from './condition.js';
import { RESIDENCY_MODES } from './data-residency-policy.js';
import { duration } from './duration.js';
import { labelSelector } from './label-selector.js';
import { mapList, setList } from './list-types.js';
import { resource } from './resource.js';

/**
 * `ApprovalPolicy` (cluster-scoped): which namespaces need which sign-offs before an agent version
 * runs there, and who may give each one. A role (e.g. `dpo`, `ciso`, `owner`) is mapped to
 * Kubernetes groups: only a user in one of them may create an `AgentApproval` for that role. The
 * admission webhook refuses (Enforce) or warns about (Warn, Audit) an agent workload whose version
 * lacks an approval of a required role; the periodic audit lists the versions still pending and the
 * running workloads approved only under an older version.
 */

export const APPROVAL_MODES = RESIDENCY_MODES;
/** Label the operator keeps on the namespaces an ApprovalPolicy selects: the approval webhook's scope. */
export const APPROVALS_GOVERNED_LABEL = 'governor.agents.dev/approvals';

export const roleName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase role name such as dpo or ciso' });

const role = z
  .object({
    name: roleName.meta({
      description: 'Role name, e.g. dpo, ciso, owner; AgentApprovals name it in spec.role.',
    }),
    description: z.string().max(256).optional().meta({ description: 'Who holds the role, for people.' }),
    groups: setList(
      z.string().min(1).max(253),
      'Kubernetes groups (from the authenticator: OIDC groups claim, client certificate O=) whose members may approve as this role.',
      32,
    )
      .min(1)
      .meta({
        description:
          'Kubernetes groups (from the authenticator: OIDC groups claim, client certificate O=) whose members may approve as this role.',
      }),
  })
  .meta({ description: 'A sign-off a version needs, and who may give it.' });

export const approvalPolicySpec = z
  .object({
    mode: z.enum(APPROVAL_MODES).default('Enforce').meta({
      description:
        'Enforce (refuse an unapproved version at admission), Warn (admission warnings) or Audit (record in status only).',
    }),
    namespaceSelector: labelSelector(
      'Namespaces whose agents need the approvals; {} selects all but the exempt ones (the operator namespace, kube-system).',
    ),
    roles: mapList(role, 'name', 'The approvals every agent version needs, one per role.', 16)
      .min(1)
      .meta({
        description: 'The approvals every agent version needs, one per role.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    auditInterval: duration(
      'How often the versions of the agents in the selected namespaces are audited (changes to workloads, approvals, routes start an audit too).',
    ).default('10m'),
  })
  .meta({ description: 'Which namespaces need which approvals, and who may give them.' });

const versionStatus = z
  .object({
    namespace: z.string().max(63).meta({ description: 'Namespace of the agent.' }),
    agent: z.string().max(63).meta({ description: 'Agent name.' }),
    workload: z.string().max(320).meta({ description: 'The workload running the version, as Kind/name.' }),
    version: z.string().max(64).meta({ description: 'The version fingerprint the workload runs now.' }),
    approvedRoles: z
      .array(z.string().max(63))
      .max(16)
      .meta({ description: 'Roles that approved this version.' }),
    missingRoles: z
      .array(z.string().max(63))
      .max(16)
      .meta({ description: 'Roles whose approval of this version is still pending.' }),
    approvedVersion: z.string().max(64).optional().meta({
      description:
        'When this version is not fully approved: the last version of the agent every role approved (the workload was approved under an older version).',
    }),
  })
  .meta({ description: 'The approvals of the version one workload runs.' });

export const approvalPolicyStatus = z
  .object({
    pendingCount: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Workloads whose version lacks at least one approval.' }),
    staleCount: z.int().min(0).optional().meta({
      description:
        'Running workloads approved only under an older version (a prompt ConfigMap or route changed).',
    }),
    versions: z.array(versionStatus).max(200).optional().meta({
      description: 'Every agent workload of the selected namespaces (first 200), pending ones first.',
    }),
    lastAuditTime: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'When versions were last audited (RFC 3339).', format: 'date-time' }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'Pending approvals and versions approved under an older fingerprint.' });

export const approvalPolicy = resource('ApprovalPolicy', approvalPolicySpec, approvalPolicyStatus);
export type ApprovalPolicy = z.infer<typeof approvalPolicy>;
export type ApprovalPolicySpec = z.infer<typeof approvalPolicySpec>;
export type ApprovalVersionStatus = z.infer<typeof versionStatus>;
