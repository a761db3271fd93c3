import { z } from 'zod';
import { conditions, observedGeneration } from './condition.js';
import { duration } from './duration.js';
import { labelSelector } from './label-selector.js';
import { mapList, setList } from './list-types.js';
import { resource } from './resource.js';
import { withRules } from './validation-rule.js';

export const RESIDENCY_MODES = ['Enforce', 'Warn', 'Audit'] as const;

const region = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be a region id such as eu-central-1' });
const jurisdiction = z
  .string()
  .regex(/^[A-Z]{2,3}$/, { message: 'must be an upper-case jurisdiction code such as EU, CH or US' });

const endpoint = z
  .object({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
        message: 'must be a lowercase host name, optionally starting with *. for subdomains',
      })
      .meta({ description: 'Host name, or *.suffix for every subdomain, e.g. llm.eu.example.com.' }),
    region: region.meta({ description: 'Region the host serves from, e.g. eu-west-1.' }),
    jurisdiction: jurisdiction.meta({ description: 'Jurisdiction of that region, e.g. EU.' }),
  })
  .meta({ description: 'An endpoint the built-in catalog does not know, and where it is.' });

export const dataResidencyPolicySpec = withRules(
  z.object({
    mode: z.enum(RESIDENCY_MODES).default('Enforce').meta({
      description:
        'Enforce (refuse at admission and run time), Warn (admission warnings) or Audit (record only).',
    }),
    namespaceSelector: labelSelector('Namespaces the policy applies to; {} selects all but the exempt ones.'),
    allowedRegions: setList(
      region,
      'Regions agent traffic may reach, e.g. eu-central-1, europe-west6.',
      64,
    ).optional(),
    allowedJurisdictions: setList(
      jurisdiction,
      'Jurisdictions whose every region is allowed, e.g. EU, CH.',
      32,
    ).optional(),
    endpoints: mapList(endpoint, 'host', 'Additions to the endpoint catalog.', 128).optional(),
    unknownEndpoints: z.enum(['Deny', 'Allow']).default('Deny').meta({
      description: 'What to do with an LLM endpoint the catalog cannot place: Deny (per mode) or Allow.',
    }),
    auditInterval: duration(
      'How often the existing workloads of the selected namespaces are re-audited (an admitted finding also starts an audit within seconds).',
    ).default('10m'),
  }),
  'Where the selected namespaces agent traffic may go.',
  [
    {
      rule: '(has(self.allowedRegions) && size(self.allowedRegions) > 0) || (has(self.allowedJurisdictions) && size(self.allowedJurisdictions) > 0)',
      message:
        'set allowedRegions, allowedJurisdictions or both; a policy that allows nowhere would refuse every agent',
      holds: (s) => (s.allowedRegions?.length ?? 0) + (s.allowedJurisdictions?.length ?? 0) > 0,
    },
  ],
);

/** Admission refusals a policy's status keeps (newest first); all are counted in refusalCount. */
export const MAX_RECORDED_REFUSALS = 50;

export const residencyRefusal = z
  .object({
    time: z
      .string()
      .max(64)
      .meta({ description: 'When admission refused it (RFC 3339).', format: 'date-time' }),
    namespace: z.string().max(63).meta({ description: 'Namespace of the workload.' }),
    kind: z.string().max(64).meta({ description: 'Workload kind.' }),
    name: z.string().max(253).meta({ description: 'Workload name.' }),
    agent: z.string().max(63).optional().meta({ description: 'Agent label of its pod template, if any.' }),
    user: z.string().max(253).optional().meta({ description: 'Who asked for it (the request user name).' }),
    container: z.string().max(253).optional().meta({ description: 'Container carrying the endpoint.' }),
    source: z.string().max(512).meta({ description: 'Where the endpoint was found.' }),
    endpoint: z.string().max(2048).meta({ description: 'The endpoint refused.' }),
    host: z.string().max(253).optional().meta({ description: 'The host it connects to.' }),
    region: z.string().max(64).optional().meta({ description: 'Its region, or empty when unknown.' }),
    jurisdiction: z
      .string()
      .max(8)
      .optional()
      .meta({ description: 'Its jurisdiction, or empty when unknown.' }),
  })
  .meta({ description: "A workload the admission webhook refused on this policy's word." });

export const dataResidencyPolicyStatus = z
  .object({
    violationCount: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Violations found at the last audit and admission.' }),
    violations: z
      .array(
        z
          .object({
            namespace: z.string().max(63).meta({ description: 'Namespace of the workload.' }),
            kind: z.string().max(64).meta({ description: 'Workload kind.' }),
            name: z.string().max(253).meta({ description: 'Workload name.' }),
            container: z
              .string()
              .max(253)
              .optional()
              .meta({ description: 'Container carrying the endpoint.' }),
            source: z.string().max(512).meta({
              description: 'Where the endpoint was found: env var, arg, ConfigMap key, annotation, route.',
            }),
            endpoint: z.string().max(2048).meta({ description: 'The endpoint.' }),
            region: z.string().max(64).optional().meta({ description: 'Its region, or empty when unknown.' }),
          })
          .meta({ description: 'A destination outside the allowed regions.' }),
      )
      .max(100)
      .optional()
      .meta({ description: 'First 100 violations.' }),
    lastAuditTime: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'When workloads were last audited (RFC 3339).', format: 'date-time' }),
    refusalCount: z
      .int()
      .min(0)
      .optional()
      .meta({ description: "Workloads refused at admission on this policy's word since it was created." }),
    refusals: z
      .array(residencyRefusal)
      .max(MAX_RECORDED_REFUSALS)
      .optional()
      .meta({ description: `The last ${MAX_RECORDED_REFUSALS} admission refusals, newest first.` }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'Audit results.' });

export const dataResidencyPolicy = resource(
  'DataResidencyPolicy',
  dataResidencyPolicySpec,
  dataResidencyPolicyStatus,
);
export type DataResidencyPolicy = z.infer<typeof dataResidencyPolicy>;
export type ResidencyRefusal = z.infer<typeof residencyRefusal>;
export type DataResidencyPolicySpec = z.infer<typeof dataResidencyPolicySpec>;
