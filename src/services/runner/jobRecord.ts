/**
 * A command run on a node's host, as runJob reports it and the store's jobs
 * slice records it. It lives with the runner so services never import the store.
 */
export interface JobRecord {
  id: number;
  title: string;
  /** The node it runs for, if any: "pg2". */
  node?: string;
  /** "local as postgres", "ssh admin@db2:22, sudo to postgres" */
  where: string;
  startedAt: number;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  endedAt?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** How far it is, 0..1, when its output says so (pg_basebackup --progress); absent: unknown. */
  progress?: number;
  /** The amounts behind the fraction, when the tool prints them (pg_basebackup's kB): the job bar's rate and time left. */
  progressAmount?: ProgressAmount;
}

/** Done and total in one unit, as a tool reports them. */
export interface ProgressAmount {
  done: number;
  total: number;
  unit: 'bytes';
}

/** What a progress parser reads off a line: the fraction, with the amounts when the tool prints them. */
export interface ProgressReport {
  fraction: number;
  amount?: ProgressAmount;
}
