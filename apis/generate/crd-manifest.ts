import { CATEGORY, GROUP, VERSION } from '../group-version.js';
import type { KindDefinition } from '../kinds.js';
import { type SchemaNode, toStructuralSchema, undescribedFields } from './openapi-schema.js';

/** The apiextensions.k8s.io/v1 CustomResourceDefinition of one kind. */
export function crdManifest(def: KindDefinition): SchemaNode {
  const spec = toStructuralSchema(def.spec, `${def.kind}.spec`);
  const status = def.status ? toStructuralSchema(def.status, `${def.kind}.status`) : undefined;
  const categories = def.categories ?? [CATEGORY];
  const openAPIV3Schema: SchemaNode = {
    description: def.description,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: {
        description: 'APIVersion defines the versioned schema of this representation of an object.',
        type: 'string',
      },
      kind: {
        description: 'Kind is a string value representing the REST resource this object represents.',
        type: 'string',
      },
      metadata: { type: 'object' },
      spec,
      ...(status ? { status } : {}),
    },
  };
  const missing = [
    ...undescribedFields(spec, `${def.kind}.spec`),
    ...(status ? undescribedFields(status, `${def.kind}.status`) : []),
  ];
  if (missing.length > 0)
    throw new Error(`fields without a description (kubectl explain would be empty): ${missing.join(', ')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'agent-governor', 'app.kubernetes.io/part-of': 'agent-governor' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        ...(categories.length > 0 ? { categories } : {}),
      },
      scope: def.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          ...(status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: def.printerColumns,
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}
