import { z } from 'zod';

/** A JSON-schema node as emitted by zod and accepted by apiextensions.k8s.io/v1. */
export type SchemaNode = { [key: string]: unknown };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Converts a zod schema into a structural OpenAPI v3 schema for a CRD. Descriptions, CEL rules and
 * list types travel as zod metadata; anything structural schemas forbid is an error here, so a
 * schema that cannot become a valid CRD never reaches the cluster.
 */
export function toStructuralSchema(schema: z.ZodType, path: string): SchemaNode {
  const emitted = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
  }) as SchemaNode;
  delete emitted['$schema'];
  return clean(emitted, path);
}

function clean(node: SchemaNode, path: string): SchemaNode {
  for (const forbidden of ['anyOf', 'oneOf', 'allOf', '$ref', 'not', 'nullable']) {
    if (forbidden in node)
      throw new Error(`${path}: "${forbidden}" is not allowed in a structural CRD schema`);
  }
  const out: SchemaNode = { ...node };
  if (out['type'] === 'integer') {
    if (out['maximum'] === MAX_SAFE) delete out['maximum'];
    if (out['minimum'] === -MAX_SAFE) delete out['minimum'];
  }
  if (out['additionalProperties'] === false) delete out['additionalProperties'];
  const properties = out['properties'] as Record<string, SchemaNode> | undefined;
  if (properties) {
    out['properties'] = Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [name, clean(child, `${path}.${name}`)]),
    );
  }
  const additional = out['additionalProperties'];
  if (additional && typeof additional === 'object')
    out['additionalProperties'] = clean(additional as SchemaNode, `${path}[*]`);
  if (out['items']) out['items'] = clean(out['items'] as SchemaNode, `${path}[*]`);
  return out;
}

/** Paths of fields without a description, so `kubectl explain` never shows an empty field. */
export function undescribedFields(node: SchemaNode, path: string): string[] {
  const missing: string[] = [];
  if (typeof node['description'] !== 'string' || node['description'] === '') missing.push(path);
  const properties = node['properties'] as Record<string, SchemaNode> | undefined;
  for (const [name, child] of Object.entries(properties ?? {}))
    missing.push(...undescribedFields(child, `${path}.${name}`));
  const items = node['items'] as SchemaNode | undefined;
  if (items?.['type'] === 'object') missing.push(...undescribedFields(items, `${path}[*]`));
  return missing;
}
