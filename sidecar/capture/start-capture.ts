import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type CaptureSettingsInput, parseCaptureSettings } from '../../apis/capture-settings.js';
import { readCaptureKey } from './capture-cipher.js';
import { captureCounter } from './capture-metrics.js';
import { type CaptureSettings, CaptureStore } from './capture-store.js';
import { compilePatterns } from './redact.js';

export type LoadedCapture = Omit<CaptureSettings, 'dir'> & { dir?: string };

/**
 * Capture settings validated, the key read and the patterns compiled, before the sidecar starts
 * anything: an error names the field (`capture.keyFile` when there is no usable key).
 */
export function loadCapture(input: Partial<CaptureSettingsInput>): LoadedCapture {
  const spec = parseCaptureSettings(input);
  const loaded: LoadedCapture = {
    key: readCaptureKey(spec.keyFile, 'capture.keyFile'),
    sampleRate: spec.sampleRate,
    maxRecordChars: spec.maxRecordChars,
    maxFileBytes: spec.maxFileBytes,
    maxTotalBytes: spec.maxTotalBytes,
    retentionMs: spec.retentionHours * 3_600_000,
    patterns: compilePatterns(spec.redact, 'capture.redact'),
  };
  if (spec.dir !== undefined) loaded.dir = spec.dir;
  return loaded;
}

/** The capture store of a sidecar, in `<spool dir>/capture` unless told, its retention sweep started. */
export function startCapture(
  loaded: LoadedCapture,
  spoolDir: string,
  registry: Registry,
  logger: Logger,
): CaptureStore {
  const store = new CaptureStore(
    { ...loaded, dir: loaded.dir ?? join(spoolDir, 'capture') },
    captureCounter(registry),
    logger,
  );
  store.startSweeping();
  return store;
}
