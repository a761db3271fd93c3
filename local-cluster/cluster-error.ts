// Errors of `cluster up|down|status` that a caller may want to tell apart (the CLI maps none of
// them specially today, but tests and scripts match on `reason`).
export type ClusterErrorReason =
  /** `up` on a directory whose cluster runs: nothing was changed. */
  | 'already-running'
  /** `up` while another launcher is bringing a cluster up in the same directory. */
  | 'starting'
  /** The directory holds files that are not a cluster's; nothing was touched. */
  | 'not-a-cluster-directory'
  /** A component did not become ready; everything started was stopped again. */
  | 'start-failed';

export class ClusterError extends Error {
  constructor(
    readonly reason: ClusterErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}
