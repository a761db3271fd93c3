import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataStores } from './data-stores.js';

const cases: Array<[string, Record<string, string>, Array<Record<string, unknown>>]> = [
  [
    'Qdrant Cloud in a GCP region',
    { QDRANT_URL: 'https://abc.us-east4-0.gcp.cloud.qdrant.io:6333' },
    [{ kind: 'Qdrant', host: 'abc.us-east4-0.gcp.cloud.qdrant.io', region: 'us-east4', jurisdiction: 'US' }],
  ],
  [
    'Weaviate Cloud',
    { WEAVIATE_URL: 'https://x.c0.europe-west3.gcp.weaviate.cloud' },
    [{ kind: 'Weaviate', region: 'europe-west3', jurisdiction: 'EU' }],
  ],
  [
    'Pinecone serverless (no region in the host)',
    { PINECONE_HOST: 'idx-abc.svc.aped-4627-b74a.pinecone.io' },
    [{ kind: 'Pinecone', host: 'idx-abc.svc.aped-4627-b74a.pinecone.io' }],
  ],
  [
    'Zilliz (Milvus)',
    { MILVUS_URI: 'https://in01-x.aws-eu-central-1.vectordb.zillizcloud.com:19530' },
    [{ kind: 'Milvus', region: 'eu-central-1', jurisdiction: 'EU' }],
  ],
  [
    'Amazon OpenSearch',
    { OPENSEARCH_URL: 'https://search-kb-x.eu-west-1.es.amazonaws.com' },
    [{ kind: 'OpenSearch', region: 'eu-west-1', jurisdiction: 'EU' }],
  ],
  [
    'Elastic Cloud',
    { ELASTICSEARCH_URL: 'https://kb.es.us-east-1.aws.cloud.es.io:443' },
    [{ kind: 'Elasticsearch', region: 'us-east-1', jurisdiction: 'US' }],
  ],
  [
    'pgvector on RDS',
    { PGVECTOR_URL: 'postgres://u@kb.x.eu-central-1.rds.amazonaws.com:5432/kb' },
    [{ kind: 'pgvector', region: 'eu-central-1' }],
  ],
  [
    'Postgres by URL scheme, host unknown',
    { DATABASE_URL: 'postgresql://db.example.net/app' },
    [{ kind: 'Postgres', host: 'db.example.net', internal: false }],
  ],
  [
    'Redis in the cluster',
    { REDIS_URL: 'redis://cache.agents.svc.cluster.local:6379' },
    [{ kind: 'Redis', internal: true }],
  ],
  [
    'a bare host in a well-known variable',
    { PGHOST: 'pg.data.svc' },
    [{ kind: 'Postgres', host: 'pg.data.svc', internal: true }],
  ],
  [
    'an S3 bucket by name, region from AWS_REGION',
    { S3_BUCKET: 'exports', AWS_REGION: 'eu-north-1' },
    [{ kind: 'S3', host: 's3://exports', resource: 'exports', region: 'eu-north-1', jurisdiction: 'EU' }],
  ],
  [
    'an S3 URL',
    { EXPORT_TO: 's3://exports/daily/' },
    [{ kind: 'S3', host: 's3://exports', resource: 'exports' }],
  ],
  [
    'a virtual-hosted S3 bucket',
    { DOCS: 'https://docs.s3.us-west-2.amazonaws.com/a.pdf' },
    [{ kind: 'S3', resource: 'docs', region: 'us-west-2' }],
  ],
  ['Azure Blob', { BLOB: 'https://acct.blob.core.windows.net/c' }, [{ kind: 'AzureBlob' }]],
  ['an LLM endpoint is no data store', { OPENAI_BASE_URL: 'https://api.openai.com/v1' }, []],
  ['an unknown https URL is no data store', { WEBHOOK: 'https://hooks.example.com/x' }, []],
];

describe('dataStores', () => {
  for (const [name, env, expected] of cases) {
    it(name, () => {
      const found = dataStores([
        { name: 'app', env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) },
      ]);
      assert.equal(found.length, expected.length, JSON.stringify(found));
      expected.forEach((want, i) => {
        for (const [key, value] of Object.entries(want))
          assert.deepEqual(found[i]?.[key as keyof (typeof found)[number]], value, key);
      });
    });
  }

  it('expands $(VAR) references and names the variable and container', () => {
    const [store] = dataStores([
      {
        name: 'app',
        env: [
          { name: 'QHOST', value: 'abc.us-east4-0.gcp.cloud.qdrant.io' },
          { name: 'QDRANT_URL', value: 'https://$(QHOST)' },
        ],
      },
    ]);
    assert.deepEqual([store?.kind, store?.source, store?.container], ['Qdrant', 'env QDRANT_URL', 'app']);
  });
});
