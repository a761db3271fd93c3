// Step 2: the chart's resources — CRDs, the operator's namespace, ServiceAccount and RBAC from the
// rendered install manifest; until that manifest is generated in this checkout, the CRDs from crds/
// and the namespace alone.
import { relative } from 'node:path';
import { stringify } from 'yaml';
import { GROUP } from '../../apis/group-version.js';
import { KINDS } from '../../apis/kinds.js';
import { resourceType } from '../../runtime/kube/resource-type.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { connected, DEMO, waitFor } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';
import { findInstallManifest, localInstall, type ManifestObject, readManifest } from '../install-manifest.js';

interface CustomResourceDefinition {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

const customResourceDefinitions = resourceType<CustomResourceDefinition>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
});

export const installStep: DemoStep = {
  title: "Install the chart's resources: CRDs, the operator's namespace, ServiceAccount and RBAC",
  checks: [{ step: 'install', expected: 'the CRDs Established, the RBAC applied' }],
  required: true,
  async run(context, observe) {
    const { kubectl, kube } = connected(context);
    const { narrator, layout } = context;
    const manifest = findInstallManifest(layout.packageRoot);
    let applied: string;
    if (manifest) {
      const { apply, skipped } = localInstall(readManifest(manifest));
      await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
        input: apply.map((object) => stringify(object)).join('---\n'),
        check: true,
      });
      const account = apply.find((o) => o.kind === 'ServiceAccount');
      if (account?.metadata?.namespace) context.operatorNamespace = account.metadata.namespace;
      if (account?.metadata?.name) context.operatorServiceAccount = account.metadata.name;
      applied = `${countKinds(apply)} from ${relative(layout.packageRoot, manifest)}`;
      narrator.info(`applied ${applied}`);
      narrator.info(
        `left out: ${skipped.join(', ') || 'nothing'} — no kubelet runs here, so the operator runs out of ` +
          'cluster as a process (next step) instead of the Deployment, and registers webhooks pointing at itself',
      );
    } else {
      narrator.info(
        'no rendered install manifest in this checkout yet (deploy/install.yaml): applying the CRDs from crds/ ' +
          `and creating namespace ${DEMO.operatorNamespace}; the operator runs with cluster-admin`,
      );
      await kubectl(['apply', '--server-side', '--force-conflicts', '-f', `${layout.packageRoot}/crds`], {
        check: true,
      });
      await kube.create(namespaces, { metadata: { name: DEMO.operatorNamespace } });
      applied = `${KINDS.length} CRDs from crds/ (no RBAC: the install manifest does not exist yet)`;
    }
    const names = KINDS.map((kind) => `${kind.plural}.${GROUP}`);
    await waitFor(
      context,
      'the CRDs to be Established',
      async () => {
        const pending: string[] = [];
        for (const name of names) {
          const crd = await kube.get(customResourceDefinitions, { name });
          const established = crd?.status?.conditions?.some(
            (c) => c.type === 'Established' && c.status === 'True',
          );
          if (!established) pending.push(name);
        }
        return pending.length === 0 ? true : `not yet Established: ${pending.join(', ')}`;
      },
      30_000,
    );
    observe(`${names.length} CRDs Established; applied ${applied}`, true);
  },
};

/** `5 CustomResourceDefinitions, 1 Namespace, 2 ClusterRoles, …` */
function countKinds(objects: readonly ManifestObject[]): string {
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(object.kind ?? '?', (counts.get(object.kind ?? '?') ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`).join(', ');
}
