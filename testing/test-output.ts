// Where suites keep what a person may want to look at after a run — screenshots, rendered SVGs,
// PDFs: $AGENT_GOVERNOR_TEST_OUTPUT/<area>, else test-output/<area> in the repository (ignored by git).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-files.js';

export function testOutputDir(area: string): string {
  const dir = join(process.env['AGENT_GOVERNOR_TEST_OUTPUT'] ?? join(REPO_ROOT, 'test-output'), area);
  mkdirSync(dir, { recursive: true });
  return dir;
}
