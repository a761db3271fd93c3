// Flows a team declares because nothing in the pod spec shows them — a nightly export to a bucket,
// a hand-off to a partner's API. Written as the annotation `governor.agents.dev/dataflows` on the
// workload or its pod template: a YAML (or JSON) list, e.g.
//
//   governor.agents.dev/dataflows: |
//     - name: nightly-export
//       to: s3://acme-campaign-exports/daily/
//       region: us-east-1
//       description: campaign results for the analytics team
//
// `region` is needed only where the destination's host does not say it. Pure.
import { parse } from 'yaml';
import { z } from 'zod';

export const DATAFLOWS_ANNOTATION = 'governor.agents.dev/dataflows';

const declaredFlow = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase name such as nightly-export' }),
  to: z.string().min(1).max(2048),
  region: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be a region id such as eu-central-1' })
    .optional(),
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2,3}$/, { message: 'must be a jurisdiction code such as EU' })
    .optional(),
  description: z.string().max(512).optional(),
});

export type DeclaredFlow = z.infer<typeof declaredFlow>;

export type DeclaredFlows = { flows: DeclaredFlow[]; problem?: undefined } | { flows: []; problem: string };

/** The flows an annotation declares; a malformed one declares none and says what is wrong, and where. */
export function declaredFlows(annotation: string | undefined, where: string): DeclaredFlows {
  if (annotation === undefined || annotation.trim() === '') return { flows: [] };
  let parsed: unknown;
  try {
    parsed = parse(annotation);
  } catch (err) {
    return {
      flows: [],
      problem: `${where}: annotation ${DATAFLOWS_ANNOTATION} is not YAML: ${(err as Error).message.split('\n')[0]}`,
    };
  }
  const result = z.array(declaredFlow).max(32).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const [item, field] = issue?.path ?? [];
    const at =
      item === undefined
        ? ''
        : field === undefined
          ? `, item ${String(item)}`
          : `, item ${String(item)}, field ${String(field)}`;
    return {
      flows: [],
      problem:
        `${where}: annotation ${DATAFLOWS_ANNOTATION}${at}: ${issue?.message ?? 'invalid'}` +
        ' (expected a list of {name, to, region?, jurisdiction?, description?})',
    };
  }
  return { flows: result.data };
}
