// The data stores an agent is wired to, besides LLM endpoints: vector stores and indexes (pgvector /
// Postgres, Qdrant, Weaviate, Milvus, Pinecone, OpenSearch / Elasticsearch), Redis, object storage
// buckets. Found in env values (URLs by scheme or by a well-known managed-service host) and in
// well-known variable names (QDRANT_URL, PGHOST, S3_BUCKET, …). Placed in a region when the host
// says so (AWS, GCP, Azure region names inside managed-service hosts) or a variable does
// (AWS_REGION for a bucket without one); a cluster-internal host keeps the data in the cluster;
// anything else is "unknown". Pure.
import { jurisdictionOfRegion } from '../apis/cloud-regions.js';
import { isClusterInternal } from '../apis/cluster-internal-host.js';
import { endpointHost, expandVarReferences } from '../apis/endpoint-host.js';

export const DATA_STORE_KINDS = [
  'Postgres',
  'pgvector',
  'Qdrant',
  'Weaviate',
  'Milvus',
  'Pinecone',
  'OpenSearch',
  'Elasticsearch',
  'Redis',
  'MongoDB',
  'S3',
  'GCS',
  'AzureBlob',
] as const;
export type DataStoreKind = (typeof DATA_STORE_KINDS)[number];

export interface DataStore {
  kind: DataStoreKind;
  /** The host (or `s3://bucket` style name for a bucket). */
  host: string;
  /** Bucket, index or database name when the value shows it. */
  resource?: string;
  region?: string;
  jurisdiction?: string;
  /** Cluster-internal: the data stays in the cluster. */
  internal: boolean;
  /** `env QDRANT_URL` in container `agent`. */
  source: string;
  container: string;
}

interface EnvLike {
  name: string;
  value?: string;
}
interface ContainerLike {
  name: string;
  env?: EnvLike[];
}

const SCHEMES: Record<string, DataStoreKind> = {
  postgres: 'Postgres',
  postgresql: 'Postgres',
  redis: 'Redis',
  rediss: 'Redis',
  mongodb: 'MongoDB',
  'mongodb+srv': 'MongoDB',
  s3: 'S3',
  gs: 'GCS',
};

/** Managed-service hosts and where the region sits in them. */
const HOSTS: Array<{
  kind: DataStoreKind;
  pattern: RegExp;
  region?: (m: RegExpExecArray) => string | undefined;
}> = [
  // xyz.eu-central-1-0.aws.cloud.qdrant.io, xyz.us-east4-0.gcp.cloud.qdrant.io
  {
    kind: 'Qdrant',
    pattern: /\.([a-z]+-[a-z]+\d?(?:-\d+)?)-\d+\.(?:aws|gcp|azure)\.cloud\.qdrant\.io$/,
    region: (m) => m[1],
  },
  { kind: 'Qdrant', pattern: /(^|\.)qdrant\.io$/ },
  // xyz.c0.europe-west3.gcp.weaviate.cloud
  { kind: 'Weaviate', pattern: /\.([a-z]+-[a-z]+\d+)\.gcp\.weaviate\.cloud$/, region: (m) => m[1] },
  { kind: 'Weaviate', pattern: /\.weaviate\.(?:cloud|network)$/ },
  // index-abc.svc.us-east1-gcp.pinecone.io (pod indexes), *.svc.aped-….pinecone.io (serverless: no region)
  {
    kind: 'Pinecone',
    pattern: /\.svc\.([a-z]+-[a-z]+\d)-(?:gcp|aws|azure)\.pinecone\.io$/,
    region: (m) => m[1],
  },
  { kind: 'Pinecone', pattern: /\.pinecone\.io$/ },
  // in01-abc.aws-eu-central-1.vectordb.zillizcloud.com
  {
    kind: 'Milvus',
    pattern: /\.(?:aws|gcp|az)-([a-z]+-[a-z]+\d?-?\d*)\.vectordb\.zillizcloud\.com$/,
    region: (m) => m[1],
  },
  { kind: 'Milvus', pattern: /\.zillizcloud\.com$/ },
  // search-x.eu-west-1.es.amazonaws.com, x.eu-west-1.aoss.amazonaws.com
  {
    kind: 'OpenSearch',
    pattern: /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.(?:es|aoss)\.amazonaws\.com$/,
    region: (m) => m[1],
  },
  // x.es.europe-west3.gcp.cloud.es.io, x.eu-central-1.aws.cloud.es.io
  {
    kind: 'Elasticsearch',
    pattern: /\.(?:es\.)?([a-z]+-[a-z]+\d?-?\d*)\.(?:gcp|aws|azure)\.(?:cloud\.es\.io|elastic-cloud\.com)$/,
    region: (m) => m[1],
  },
  // bucket.s3.eu-central-1.amazonaws.com, s3.eu-central-1.amazonaws.com/bucket, bucket.s3-eu-west-1.amazonaws.com
  {
    kind: 'S3',
    pattern: /(?:^|\.)s3[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com$/,
    region: (m) => m[1],
  },
  { kind: 'S3', pattern: /(?:^|\.)s3\.amazonaws\.com$/ },
  { kind: 'GCS', pattern: /^storage\.googleapis\.com$/ },
  { kind: 'AzureBlob', pattern: /\.blob\.core\.windows\.net$/ },
  // x.cache.amazonaws.com (ElastiCache): …​.euc1.cache.amazonaws.com carries a short code, no region id
  { kind: 'Redis', pattern: /\.cache\.amazonaws\.com$/ },
  // RDS / Aurora: x.abc.eu-central-1.rds.amazonaws.com
  { kind: 'Postgres', pattern: /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.rds\.amazonaws\.com$/, region: (m) => m[1] },
];

/** Variable names that name a store even when their value is a bare host. */
const VARIABLES: Array<{ kind: DataStoreKind; pattern: RegExp; bucket?: boolean }> = [
  { kind: 'pgvector', pattern: /^PGVECTOR_(URL|HOST|CONNECTION(_STRING)?|DSN)$/ },
  { kind: 'Postgres', pattern: /^(PGHOST|POSTGRES(QL)?_(HOST|URL|DSN)|DATABASE_HOST)$/ },
  { kind: 'Qdrant', pattern: /^QDRANT_(URL|HOST|ENDPOINT)$/ },
  { kind: 'Weaviate', pattern: /^WEAVIATE_(URL|HOST|ENDPOINT)$/ },
  { kind: 'Milvus', pattern: /^(MILVUS|ZILLIZ)_(URI|URL|HOST|ENDPOINT)$/ },
  { kind: 'Pinecone', pattern: /^PINECONE_(INDEX_)?HOST$/ },
  { kind: 'OpenSearch', pattern: /^OPENSEARCH_(URL|HOST|HOSTS|ENDPOINT)$/ },
  { kind: 'Elasticsearch', pattern: /^(ELASTICSEARCH|ES|ELASTIC)_(URL|HOST|HOSTS|ENDPOINT)$/ },
  { kind: 'Redis', pattern: /^(REDIS|VALKEY)_(URL|HOST|ENDPOINT)$/ },
  { kind: 'S3', pattern: /^(AWS_)?S3_BUCKET(_NAME)?$/, bucket: true },
  { kind: 'GCS', pattern: /^(GCS|GOOGLE_CLOUD_STORAGE)_BUCKET(_NAME)?$/, bucket: true },
  { kind: 'AzureBlob', pattern: /^AZURE_(STORAGE_)?CONTAINER(_NAME)?$/, bucket: true },
];

const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>,;]+/gi;

/** The data stores the containers of a pod template are wired to, each once per container and value. */
export function dataStores(containers: readonly ContainerLike[]): DataStore[] {
  const found: DataStore[] = [];
  const seen = new Set<string>();
  for (const container of containers) {
    const env = new Map<string, string>();
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) env.set(variable.name, expandVarReferences(variable.value, env));
    }
    const awsRegion = env.get('AWS_REGION') ?? env.get('AWS_DEFAULT_REGION');
    for (const [name, value] of env) {
      for (const store of storesIn(name, value, awsRegion)) {
        const key = `${container.name}\n${store.kind}\n${store.host}\n${store.resource ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ ...store, source: `env ${name}`, container: container.name });
      }
    }
  }
  return found;
}

type Found = Omit<DataStore, 'source' | 'container'>;

function storesIn(name: string, value: string, awsRegion: string | undefined): Found[] {
  const upper = name.toUpperCase();
  const variable = VARIABLES.find((v) => v.pattern.test(upper));
  if (variable?.bucket) {
    const bucket =
      value
        .trim()
        .replace(/^[a-z0-9]+:\/\//, '')
        .split('/')[0] ?? '';
    if (bucket === '') return [];
    const scheme = variable.kind === 'S3' ? 's3' : variable.kind === 'GCS' ? 'gs' : 'azure';
    return [
      placed(
        { kind: variable.kind, host: `${scheme}://${bucket}`, resource: bucket, internal: false },
        variable.kind === 'S3' ? awsRegion : undefined,
      ),
    ];
  }
  const urls = value.match(URL_IN_TEXT) ?? [];
  const stores: Found[] = [];
  for (const url of urls) {
    const store = storeAt(url, variable?.kind, awsRegion);
    if (store) stores.push(store);
  }
  if (urls.length === 0 && variable) {
    // A bare host (or host:port, or a comma-separated list) in a store's own variable.
    for (const part of value.split(/[\s,]+/).filter(Boolean)) {
      const store = storeAt(part, variable.kind, awsRegion);
      if (store) stores.push(store);
    }
  }
  return stores;
}

function storeAt(
  text: string,
  named: DataStoreKind | undefined,
  awsRegion: string | undefined,
): Found | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 'gs') {
    const bucket = text.slice(scheme.length + 3).split('/')[0] ?? '';
    if (!bucket) return undefined;
    return placed(
      {
        kind: SCHEMES[scheme] as DataStoreKind,
        host: `${scheme}://${bucket}`,
        resource: bucket,
        internal: false,
      },
      scheme === 's3' ? awsRegion : undefined,
    );
  }
  const endpoint = endpointHost(text);
  if (!endpoint) return undefined;
  const host = endpoint.host;
  const managed = HOSTS.map((h) => ({ h, m: h.pattern.exec(host) })).find((x) => x.m !== null);
  const kind =
    named === 'pgvector' ? 'pgvector' : (managed?.h.kind ?? (scheme ? SCHEMES[scheme] : undefined) ?? named);
  if (!kind) return undefined;
  const region = managed?.m && managed.h.region ? managed.h.region(managed.m) : undefined;
  const resource = kind === 'S3' && managed ? bucketOfS3Host(host, text) : undefined;
  return placed(
    { kind, host, ...(resource ? { resource } : {}), internal: isClusterInternal(endpoint) },
    region,
  );
}

function bucketOfS3Host(host: string, text: string): string | undefined {
  const virtual = /^(.+)\.s3[.-]/.exec(host)?.[1];
  if (virtual) return virtual;
  const path = text.replace(/^[a-z]+:\/\/[^/]+\/?/i, '').split('/')[0];
  return path || undefined;
}

function placed(store: Found, region: string | undefined): Found {
  if (store.internal || region === undefined) return store;
  const jurisdiction = jurisdictionOfRegion(region);
  return { ...store, region, ...(jurisdiction ? { jurisdiction } : {}) };
}
