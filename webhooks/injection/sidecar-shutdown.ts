// How long the injected sidecar may take to stop (`--shutdown-seconds`), from the pod's termination
// grace period (docs/adr/0044-usage-delivery-within-the-grace-period.md). Pure.

/** Kubernetes' terminationGracePeriodSeconds when a pod spec sets none. */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;
/**
 * Left of the grace period for the sidecar to write its last log lines and exit before the kubelet's
 * SIGKILL; the kubelet's own bookkeeping between SIGTERM and the deadline eats a little too.
 */
export const SHUTDOWN_MARGIN_SECONDS = 3;

/**
 * The sidecar's shutdown window: the pod's grace period less the margin, at least 1 s (a grace of 0
 * or a few seconds still gets the one second of trying the sidecar always had).
 */
export function sidecarShutdownSeconds(terminationGracePeriodSeconds: number | undefined): number {
  const grace = terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS;
  if (!Number.isFinite(grace)) return 1;
  return Math.max(1, Math.floor(grace) - SHUTDOWN_MARGIN_SECONDS);
}
