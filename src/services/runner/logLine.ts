/**
 * A line of the cockpit's log: what a job printed or what the cockpit says.
 * It lives with the runner (which makes most of them) so services never
 * import the store; the store's log slice keeps these.
 */
export interface LogLine {
  at: number;
  text: string;
  /** header: a job's first line (what, where, as whom); info: the cockpit's own events. */
  stream: 'stdout' | 'stderr' | 'info' | 'header';
  /** The job that printed it, if any. */
  jobId?: number;
}
