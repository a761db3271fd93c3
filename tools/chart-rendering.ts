// The chart as `helm template` renders it, as objects: what the suites inspect, dry-run and apply,
// and what deploy/install.yaml is generated from (install-manifest.ts).
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../testing/repo-files.js';
import { gitopsTools, runTool } from './gitops-tools.js';

export const CHART_DIR = join(REPO_ROOT, 'charts', 'agent-governor');

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are inspected as plain JSON.
export type Manifest = Record<string, any>;

export interface RenderOptions {
  release?: string;
  namespace?: string;
  /** Values files, relative to the chart directory (e.g. ci/all-features-values.yaml) or absolute. */
  valuesFiles?: string[];
  /** Values as an object (written to helm's stdin as a values file). */
  values?: Record<string, unknown>;
  /** Another chart directory (a modified copy in a test). */
  chartDir?: string;
}

/** `helm template` arguments of a render (the release, namespace and values). */
export function templateArgs(options: RenderOptions = {}): string[] {
  const chart = options.chartDir ?? CHART_DIR;
  return [
    'template',
    options.release ?? 'agent-governor',
    chart,
    '--namespace',
    options.namespace ?? 'agent-governor-system',
    ...(options.valuesFiles ?? []).flatMap((file) => [
      '--values',
      file.startsWith('/') ? file : join(chart, file),
    ]),
    ...(options.values ? ['--values', '-'] : []),
  ];
}

/** The rendered YAML text; rejects with helm's message when the chart or the values are refused. */
export async function renderChartText(options: RenderOptions = {}): Promise<string> {
  const { helm } = gitopsTools();
  const result = await runTool(helm, templateArgs(options), {
    ...(options.values ? { input: stringify(options.values) } : {}),
  });
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Every object the chart renders, in helm's install order. */
export async function renderChart(options: RenderOptions = {}): Promise<Manifest[]> {
  return manifestObjects(await renderChartText(options));
}

/** The objects of a multi-document YAML text (empty documents skipped). */
export function manifestObjects(text: string): Manifest[] {
  const objects: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML is invalid: ${doc.errors[0]?.message}`);
    const object = doc.toJS() as Manifest | null;
    if (object) objects.push(object);
  }
  return objects;
}

/** The one object of `kind` (and `name`, when given); throws naming what is missing. */
export function findObject(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter(
    (o) => o['kind'] === kind && (name === undefined || o['metadata']?.name === name),
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''} in the render, found ${found.length}`);
  }
  return found[0] as Manifest;
}
