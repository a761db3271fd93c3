// The residency table: every row a manifest, the cluster around it and the webhook's expected
// answer. Run by residency-validation-handler.test.ts against an in-memory view; exported so the
// e2e suites can replay rows through the real API server (rows with operation CREATE and no
// subResource apply as they are; see README.md).
import { MOUNTED_FILE_CASES } from './cases-mounted-files.js';
import { POLICY_CASES } from './cases-policies.js';
import { REGIONAL_ENDPOINT_CASES } from './cases-regional-endpoints.js';
import { SERVICE_ALIAS_CASES } from './cases-service-aliases.js';
import { SOURCE_CASES } from './cases-sources.js';
import { TRICKY_URL_CASES } from './cases-tricky-urls.js';
import { WORKLOAD_KIND_CASES } from './cases-workload-kinds.js';
import type { ResidencyCase } from './residency-case.js';

export type { ResidencyCase, ResidencyExpectation } from './residency-case.js';
export { admissionRequestOf, clusterObjectsOf } from './residency-case.js';

export const RESIDENCY_CASES: readonly ResidencyCase[] = [
  ...WORKLOAD_KIND_CASES,
  ...SOURCE_CASES,
  ...TRICKY_URL_CASES,
  ...POLICY_CASES,
  ...REGIONAL_ENDPOINT_CASES,
  ...SERVICE_ALIAS_CASES,
  ...MOUNTED_FILE_CASES,
];
