import { z } from 'zod';
import { roleName } from './approval-policy.js';
import { API_VERSION } from './group-version.js';
import { objectMeta } from './resource.js';
import { withRules } from './validation-rule.js';

/**
 * `AgentApproval`: one sign-off, by one person in one role, of one version of one agent. The
 * version is a fingerprint of what can change the agent's behaviour or data flows (images,
 * commands, settings, the routes and models it uses, the content of the ConfigMaps it reads):
 * change any of those and the running version needs new approvals. The admission webhook lets only
 * a member of the role's groups create one, and only with `spec.approver` set to their own user
 * name; the spec cannot change afterwards — approve a new version with a new object. No status: a
 * record, like the usage ledger; the ApprovalPolicy's status says what is still pending.
 */

/** `v1-` and the first 20 hex digits of a sha256 (docs/adr/0032-agent-version-fingerprint.md). */
export const AGENT_VERSION_PATTERN = /^v1-[0-9a-f]{20}$/;

export const agentApprovalSpec = withRules(
  z.object({
    agent: z
      .string()
      .min(1)
      .max(63)
      .meta({ description: 'Agent name (value of the governor.agents.dev/agent label) in this namespace.' }),
    version: z
      .string()
      .regex(AGENT_VERSION_PATTERN, { message: 'must be an agent version such as v1-3f2a9c0b1d4e5f607182' })
      .meta({
        description:
          'The version approved, as the ApprovalPolicy status, `agent-governor dataflows` or an admission refusal names it.',
      }),
    role: roleName.meta({
      description: 'The role approving, as an ApprovalPolicy of this namespace names it.',
    }),
    approver: z.string().min(1).max(253).meta({
      description: 'User name of the person approving; admission refuses anyone else creating it.',
    }),
    comment: z.string().max(1024).optional().meta({ description: 'Why, or the ticket it follows.' }),
  }),
  'One sign-off of one agent version by one role.',
  [
    {
      rule: 'self == oldSelf',
      message: 'an approval cannot change: create a new AgentApproval for another version or role',
      holds: () => true,
    },
  ],
);

export const agentApproval = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('AgentApproval'),
  metadata: objectMeta,
  spec: agentApprovalSpec,
});

export type AgentApproval = z.infer<typeof agentApproval>;
export type AgentApprovalSpec = z.infer<typeof agentApprovalSpec>;
