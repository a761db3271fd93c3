// A release of the chart in a real cluster, the way a platform team installs it (`helm install`,
// `upgrade`, `uninstall` with the real helm), and a kubeconfig that acts as the chart's
// ServiceAccount (a TokenRequest token), so whatever uses it has exactly the chart's RBAC.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import type { Kubectl } from '../../testing/kubectl.js';
import { CHART_DIR } from '../../tools/chart-rendering.js';
import { gitopsTools, runTool, type ToolResult } from '../../tools/gitops-tools.js';

export type Helm = (args: string[], options?: { input?: string; check?: boolean }) => Promise<ToolResult>;

/** helm against one cluster, with its own config, cache and data directories under `dir`. */
export function helmFor(kubeconfig: string, dir: string): Helm {
  const { helm } = gitopsTools();
  const env = {
    HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
    HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
    HELM_DATA_HOME: join(dir, 'helm', 'data'),
  };
  for (const path of Object.values(env)) mkdirSync(path, { recursive: true });
  return (args, options = {}) =>
    runTool(helm, ['--kubeconfig', kubeconfig, ...args], {
      env,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.check !== undefined ? { check: options.check } : {}),
    });
}

export interface ReleaseOptions {
  release?: string;
  namespace: string;
  values?: Record<string, unknown>;
  chartDir?: string;
}

/** `helm install` (creating the namespace), values given on stdin; rejects with helm's message. */
export async function installRelease(helm: Helm, options: ReleaseOptions): Promise<ToolResult> {
  return helm(releaseArgs('install', options, ['--create-namespace']), {
    input: stringify(options.values ?? {}),
    check: true,
  });
}

/** `helm upgrade` of the release, values given on stdin (replacing the previous ones). */
export async function upgradeRelease(helm: Helm, options: ReleaseOptions): Promise<ToolResult> {
  return helm(releaseArgs('upgrade', options), { input: stringify(options.values ?? {}), check: true });
}

function releaseArgs(verb: string, options: ReleaseOptions, extra: string[] = []): string[] {
  return [
    verb,
    options.release ?? 'agent-governor',
    options.chartDir ?? CHART_DIR,
    '--namespace',
    options.namespace,
    '--values',
    '-',
    '--timeout',
    '2m',
    ...extra,
  ];
}

/**
 * A kubeconfig that authenticates as ServiceAccount `namespace/name` with a token from the
 * TokenRequest API (`kubectl create token`), for the cluster of `adminKubeconfig`.
 */
export async function serviceAccountKubeconfig(
  kubectl: Kubectl,
  adminKubeconfig: string,
  account: { namespace: string; name: string },
  file: string,
): Promise<string> {
  const token = await kubectl(['create', 'token', account.name, '-n', account.namespace, '--duration=2h'], {
    check: true,
  });
  const admin = kubeconfigConnection(adminKubeconfig);
  const name = `${account.namespace}-${account.name}`;
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: {
            server: admin.server,
            'certificate-authority-data': Buffer.from(admin.tls.ca ?? '').toString('base64'),
          },
        },
      ],
      users: [{ name, user: { token: token.stdout.trim() } }],
      contexts: [{ name, context: { cluster: name, user: name, namespace: account.namespace } }],
      'current-context': name,
    }),
    { mode: 0o600 },
  );
  return file;
}
