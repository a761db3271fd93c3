// The operator never serves provider keys: a route target's `credentialsSecretRef` becomes a file
// path, and the injected sidecar mounts that Secret there (the admission webhook adds the volume;
// see controllers/policy-compiler/README.md). Only the sidecar container gets the mount, never the agent.

/** Directory under which the sidecar mounts each referenced Secret, one sub-directory per Secret. */
export const CREDENTIALS_MOUNT_ROOT = '/var/run/agent-governor/credentials';

/** `/var/run/agent-governor/credentials/<secret>/<key>`: where the sidecar reads a target's key. */
export function credentialsFile(secretRef: { name: string; key: string }): string {
  return `${CREDENTIALS_MOUNT_ROOT}/${secretRef.name}/${secretRef.key}`;
}
