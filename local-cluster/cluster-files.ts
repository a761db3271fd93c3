// Writing and removing the files of a cluster directory: the PKI, the two kubeconfigs, and the
// cleanup that `down` and a fresh `up` share. Only entries named by the layout are ever removed.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ClusterCertificates } from './certificates.js';
import { type ClusterLayout, clusterEntries, pkiFiles } from './cluster-layout.js';
import { clusterName } from './component-flags.js';
import { adminUser, controllerManagerUser } from './identities.js';
import { renderKubeconfig } from './kubeconfig.js';

export function writePki(layout: ClusterLayout, certificates: ClusterCertificates): void {
  mkdirSync(layout.pki, { recursive: true, mode: 0o700 });
  const files = pkiFiles(layout);
  const write = (path: string, text: string, secret: boolean) => {
    writeFileSync(path, text, { mode: secret ? 0o600 : 0o644 });
    chmodSync(path, secret ? 0o600 : 0o644);
  };
  write(files.caCertificate, certificates.ca.certificate, false);
  write(files.caKey, certificates.ca.privateKey, true);
  write(files.apiServerCertificate, certificates.apiServer.certificate, false);
  write(files.apiServerKey, certificates.apiServer.privateKey, true);
  write(files.adminCertificate, certificates.admin.certificate, false);
  write(files.adminKey, certificates.admin.privateKey, true);
  write(files.controllerManagerCertificate, certificates.controllerManager.certificate, false);
  write(files.controllerManagerKey, certificates.controllerManager.privateKey, true);
  write(files.frontProxyClientCertificate, certificates.frontProxyClient.certificate, false);
  write(files.frontProxyClientKey, certificates.frontProxyClient.privateKey, true);
  write(files.serviceAccountPublicKey, certificates.serviceAccount.publicKey, false);
  write(files.serviceAccountKey, certificates.serviceAccount.privateKey, true);
}

export function writeKubeconfigs(
  layout: ClusterLayout,
  server: string,
  certificates: ClusterCertificates,
): void {
  const common = { name: clusterName, server, caCertificate: certificates.ca.certificate };
  const admin = renderKubeconfig({
    ...common,
    user: adminUser.commonName,
    clientCertificate: certificates.admin.certificate,
    clientKey: certificates.admin.privateKey,
  });
  const controllerManager = renderKubeconfig({
    ...common,
    user: controllerManagerUser.commonName,
    clientCertificate: certificates.controllerManager.certificate,
    clientKey: certificates.controllerManager.privateKey,
  });
  writeFileSync(layout.kubeconfig, admin, { mode: 0o600 });
  writeFileSync(layout.controllerManagerKubeconfig, controllerManager, { mode: 0o600 });
}

/** Removes the cluster's files: its state, data, PKI and kubeconfigs, and the logs unless kept. */
export function removeClusterFiles(layout: ClusterLayout, { keepLogs }: { keepLogs: boolean }): void {
  if (!existsSync(layout.dir)) return;
  for (const entry of clusterEntries(layout)) {
    if (keepLogs && entry === basename(layout.logs)) continue;
    rmSync(join(layout.dir, entry), { recursive: true, force: true });
  }
  for (const name of readdirSync(layout.dir)) {
    if (isStateTemporary(name)) rmSync(join(layout.dir, name), { force: true });
  }
}

/** Entries of the directory that no cluster creates; `up` refuses to mix its files with them. */
export function foreignEntries(layout: ClusterLayout): string[] {
  const ours = new Set(clusterEntries(layout));
  return readdirSync(layout.dir).filter((name) => !ours.has(name) && !isStateTemporary(name));
}

/** Whether the directory holds any cluster file besides logs. */
export function hasClusterFiles(layout: ClusterLayout): boolean {
  const ours = new Set(clusterEntries(layout));
  ours.delete(basename(layout.logs));
  return readdirSync(layout.dir).some((name) => ours.has(name));
}

/** A state.json being written (see writeClusterState) that a killed launcher left behind. */
function isStateTemporary(name: string): boolean {
  return /^state\.json\.\d+\.tmp$/.test(name);
}
