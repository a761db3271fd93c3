// One context of a kubeconfig file turned into a connection. Certificates, keys and tokens inline
// or in files (relative to the kubeconfig, as kubectl resolves them), basic auth; users with an
// `exec` plugin or an `auth-provider` are handed to client-node's KubeConfig, loaded only then
// (importing it costs ~70 MB of memory, more than the rest of the operator).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { delegatedCredentials } from './delegated-credentials.js';
import type { Credentials, KubeConnection, TlsMaterial } from './kube-connection.js';
import { staticToken, type TokenSource, tokenFile } from './token-source.js';

type Fields = Record<string, unknown>;

export function kubeconfigConnection(path: string, context?: string): KubeConnection {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the kubeconfig ${path}: ${(err as Error).message}`);
  }
  return parseKubeconfig(text, { path, context, readFile: (file) => readFileSync(file, 'utf8') });
}

export interface ParseKubeconfigOptions {
  /** The file the text came from: relative paths inside resolve against its directory. */
  path: string;
  context?: string | undefined;
  readFile: (path: string) => string;
}

export function parseKubeconfig(text: string, options: ParseKubeconfigOptions): KubeConnection {
  const where = `kubeconfig ${options.path}`;
  let document: unknown;
  try {
    document = parse(text);
  } catch (err) {
    throw new Error(`${where} is not YAML: ${(err as Error).message}`);
  }
  if (!isFields(document)) throw new Error(`${where} is empty or not a mapping`);
  const contextName = options.context ?? stringField(document, 'current-context');
  if (!contextName) {
    throw new Error(
      `${where} has no current-context; pass a context or set one with kubectl config use-context`,
    );
  }
  const context = named(document, 'contexts', 'context', contextName, where);
  const clusterName = stringField(context, 'cluster');
  const userName = stringField(context, 'user');
  if (!clusterName) throw new Error(`${where}: context "${contextName}" names no cluster`);
  const cluster = named(document, 'clusters', 'cluster', clusterName, where);
  const user = userName ? named(document, 'users', 'user', userName, where) : {};

  const server = stringField(cluster, 'server')?.replace(/\/+$/, '');
  if (!server) throw new Error(`${where}: cluster "${clusterName}" has no server`);
  if (cluster['proxy-url']) {
    throw new Error(`${where}: cluster "${clusterName}" uses proxy-url, which the operator does not support`);
  }
  const base = dirname(resolve(options.path));
  const material = (dataKey: string, fileKey: string, of: Fields, owner: string) => {
    const data = stringField(of, dataKey);
    if (data) return Buffer.from(data, 'base64').toString('utf8');
    const file = stringField(of, fileKey);
    if (!file) return undefined;
    const full = isAbsolute(file) ? file : resolve(base, file);
    try {
      return options.readFile(full);
    } catch (err) {
      throw new Error(`${where}: ${owner} ${fileKey} ${full} cannot be read: ${(err as Error).message}`);
    }
  };
  const tls: TlsMaterial = {
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
  };
  const ca = material(
    'certificate-authority-data',
    'certificate-authority',
    cluster,
    `cluster "${clusterName}"`,
  );
  if (ca) tls.ca = ca;
  const servername = stringField(cluster, 'tls-server-name');
  if (servername) tls.servername = servername;
  const userLabel = `user "${userName}"`;
  const cert = material('client-certificate-data', 'client-certificate', user, userLabel);
  const key = material('client-key-data', 'client-key', user, userLabel);
  if (cert && key) {
    tls.cert = cert;
    tls.key = key;
  } else if (cert || key) {
    throw new Error(`${where}: ${userLabel} has a client certificate or key but not both`);
  }

  const namespace = stringField(context, 'namespace') ?? 'default';
  const source = `kubeconfig ${options.path} (context ${contextName}, ${server})`;
  const connection = (credentials: () => Promise<Credentials>): KubeConnection => ({
    server,
    tls,
    credentials,
    namespace,
    source,
  });

  if (user['exec'] || user['auth-provider']) {
    return connection(delegatedCredentials(options.path, contextName));
  }
  let token: TokenSource | undefined;
  const inlineToken = stringField(user, 'token');
  const file = stringField(user, 'tokenFile');
  if (inlineToken) token = staticToken(inlineToken);
  else if (file) token = tokenFile(isAbsolute(file) ? file : resolve(base, file));
  const username = stringField(user, 'username');
  const password = stringField(user, 'password');
  if (token) {
    const bearer = token;
    return connection(async () => ({ headers: { authorization: `Bearer ${await bearer()}` } }));
  }
  if (username !== undefined && password !== undefined) {
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    return connection(() => Promise.resolve({ headers: { authorization: basic } }));
  }
  return connection(() => Promise.resolve({ headers: {} }));
}

function named(document: Fields, list: string, field: string, name: string, where: string): Fields {
  const entries = Array.isArray(document[list]) ? (document[list] as unknown[]) : [];
  const names: string[] = [];
  for (const entry of entries) {
    if (!isFields(entry)) continue;
    const entryName = stringField(entry, 'name');
    if (entryName) names.push(entryName);
    if (entryName === name) return isFields(entry[field]) ? entry[field] : {};
  }
  const known = names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : 'none';
  throw new Error(`${where} has no ${field} named "${name}" (it has: ${known})`);
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(of: Fields, field: string): string | undefined {
  const value = of[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
