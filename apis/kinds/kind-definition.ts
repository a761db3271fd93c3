// What the CRD of one kind is generated from (apis/generate/), and the columns every kind shows.
import type { z } from 'zod';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

/** Everything the CRD of one kind is generated from. */
export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: z.ZodType;
  /** Absent for a record without a status subresource (the usage ledger). */
  status?: z.ZodType;
  /** Default: the `governor` category, so `kubectl get governor` lists the kind. */
  categories?: string[];
  printerColumns: PrinterColumn[];
}

export const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether the object is reconciled and healthy.',
};
export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Age.',
};
