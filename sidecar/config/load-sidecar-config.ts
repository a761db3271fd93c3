import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { compileSidecarConfig } from '../../apis/compile/sidecar-config.js';
import { type EffectivePolicy, effectivePolicy } from '../../apis/effective-policy.js';
import { SIDECAR_CONFIG_API_VERSION, SIDECAR_CONFIG_KIND, sidecarConfig } from '../../apis/sidecar-config.js';
import { fieldPath } from '../../apis/validate.js';
import { parseConfigDocument } from './config-document.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import type { ConfigEnv } from './env-interpolation.js';

export interface LoadedConfig {
  policy: EffectivePolicy;
  /** Hash of the file text; a reload that finds the same text changes nothing. */
  digest: string;
}

export interface LoadOptions {
  env?: ConfigEnv;
  /** The policy's clock (generatedAt, budget periods); default: now. */
  now?: Date;
}

/**
 * Reads, interpolates, validates and compiles a standalone sidecar file. Every fault is reported at
 * once as `file:line:column: field: problem`; a file that compiles is a complete, valid policy.
 */
export function loadSidecarConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new ConfigError(file, [{ message: `cannot read the config file: ${why}` }]);
  }
  return compileConfigText(text, file, options);
}

export function compileConfigText(text: string, file: string, options: LoadOptions = {}): LoadedConfig {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const doc = parseConfigDocument(text, file, options.env ?? process.env);
  const raw = doc.value as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [
      { line: 1, message: `expected a ${SIDECAR_CONFIG_KIND} mapping (apiVersion, kind, routes, ...)` },
    ]);
  }
  const parsed = sidecarConfig.safeParse(raw);
  if (!parsed.success) {
    const problems: ConfigProblem[] = parsed.error.issues.map((issue) => {
      const pos = doc.positionOf(issue.path);
      const field = fieldPath(issue.path) || undefined;
      let message = issue.message;
      if (issue.path.length === 1 && issue.path[0] === 'apiVersion') {
        message = `must be ${SIDECAR_CONFIG_API_VERSION}`;
      } else if (issue.path.length === 1 && issue.path[0] === 'kind') {
        message = `must be ${SIDECAR_CONFIG_KIND}`;
      }
      return { line: pos?.line, column: pos?.column, field, message };
    });
    throw new ConfigError(file, problems);
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  config.routes.forEach((route, r) => {
    route.targets.forEach((target, t) => {
      if (target.apiKeyFile === undefined) return;
      const path = ['routes', r, 'targets', t, 'apiKeyFile'];
      try {
        if (!statSync(target.apiKeyFile).isFile()) throw new Error('not a file');
      } catch {
        const pos = doc.positionOf(path);
        problems.push({
          line: pos?.line,
          column: pos?.column,
          field: fieldPath(path),
          message: `${target.apiKeyFile} is not a readable file`,
        });
      }
    });
  });
  if (problems.length > 0) throw new ConfigError(file, problems);

  const now = options.now ?? new Date();
  const compiled = compileSidecarConfig(config, { version: digest, now });
  // The compiled policy must be what the operator would serve; a mismatch is a bug, said plainly.
  const checked = effectivePolicy.safeParse(compiled);
  if (!checked.success) {
    throw new ConfigError(file, [
      {
        message: `compiles to an invalid policy: ${checked.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`).join('; ')}`,
      },
    ]);
  }
  return { policy: checked.data, digest };
}
