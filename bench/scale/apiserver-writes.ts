// Writes the API server took, from its Prometheus text (`GET /metrics`): `apiserver_request_total`
// summed over the write verbs, by resource. Read before and after a window, the difference is what
// the window wrote. TokenReviews are POSTs that write nothing to etcd; they are kept apart.

export const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE', 'DELETECOLLECTION', 'APPLY'] as const;
/** Resources whose create is a question, not a write: nothing reaches etcd. */
export const REVIEW_RESOURCES = ['tokenreviews', 'subjectaccessreviews', 'selfsubjectaccessreviews'] as const;

/** Write requests by `resource` (with `subresource` as `resource/subresource`), summed over codes. */
export function writesByResource(metricsText: string): Map<string, number> {
  const writes = new Map<string, number>();
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const match = /^apiserver_request_total\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = new Map<string, string>();
    for (const pair of (match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g))
      labels.set(pair[1] ?? '', pair[2] ?? '');
    if (!(WRITE_VERBS as readonly string[]).includes(labels.get('verb') ?? '')) continue;
    const subresource = labels.get('subresource');
    const resource = `${labels.get('resource') ?? ''}${subresource ? `/${subresource}` : ''}`;
    writes.set(resource, (writes.get(resource) ?? 0) + Number(match[2]));
  }
  return writes;
}

export interface WindowWrites {
  /** Writes to etcd per second (reviews left out). */
  perSecond: number;
  /** Reviews (TokenReview, SubjectAccessReview) per second. */
  reviewsPerSecond: number;
  /** Writes in the window by resource, most first (reviews left out). */
  byResource: Array<[string, number]>;
}

/** What a window of `seconds` wrote, from the counters read before and after it. */
export function windowWrites(
  before: Map<string, number>,
  after: Map<string, number>,
  seconds: number,
): WindowWrites {
  if (!(seconds > 0)) throw new Error(`a window needs a positive length in seconds, got ${seconds}`);
  let writes = 0;
  let reviews = 0;
  const byResource: Array<[string, number]> = [];
  for (const [resource, count] of after) {
    const delta = count - (before.get(resource) ?? 0);
    if (delta <= 0) continue;
    if ((REVIEW_RESOURCES as readonly string[]).includes(resource)) {
      reviews += delta;
      continue;
    }
    writes += delta;
    byResource.push([resource, delta]);
  }
  byResource.sort((a, b) => b[1] - a[1]);
  return { perSecond: writes / seconds, reviewsPerSecond: reviews / seconds, byResource };
}
