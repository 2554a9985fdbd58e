import { z } from 'zod';

/**
 * One base backup (pg_basebackup) in the backup catalog, for point-in-time
 * recovery: the JSON file `<backups dir>/<cluster>/.base/<stamp>.json`
 * beside the backup `<stamp>/` (plain) or `<stamp>.tar/` (tar). The leading
 * dot keeps the tree apart from the per-database pg_dump folders (a
 * database's folder name never starts with a dot). Restorable only when
 * `status` is complete.
 */
export const baseBackupEntrySchema = z.object({
  /** "base-<UTC stamp>": unique in a cluster, what `pgcockpit pitr --backup ID` takes. */
  id: z.string().min(1),
  kind: z.literal('basebackup'),
  /** The backup's directory: a data directory (plain) or a directory of base.tar(.gz) and pg_wal.tar (tar). */
  path: z.string().min(1),
  /** The runner name of the host holding `path` (a node's name, or "jump host"). */
  host: z.string().min(1),
  /** The OS user that owns the files (the one pg_basebackup ran as). */
  osUser: z.string().min(1),
  cluster: z.string().min(1),
  /** The node it was taken from. */
  node: z.string().min(1),
  format: z.enum(['plain', 'tar']),
  /** The server's version ("17.10") and pg_basebackup's ("pg_basebackup (PostgreSQL) 17.10"). */
  serverVersion: z.string(),
  pgBasebackupVersion: z.string(),
  /** The cluster's database system identifier (pg_control), so a backup is never replayed with another cluster's WAL. */
  systemIdentifier: z.string().optional(),
  /** wal_segment_size in bytes. */
  walSegmentBytes: z.number().int().positive().optional(),
  /** The backup_label's LABEL. */
  label: z.string(),
  /** The timeline the backup was taken on, and its START / STOP WAL LOCATION ("0/5000028"). */
  timeline: z.number().int().positive().optional(),
  startLsn: z.string().optional(),
  endLsn: z.string().optional(),
  /** The backup's own START TIME and the time it ended, ISO 8601 with offset; `endTime` is the earliest point it can be recovered to. */
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  /** When pgcockpit started and finished the job, ISO 8601 with offset. */
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  /** backup_manifest was written (PostgreSQL 13 and later), and when pg_verifybackup last passed. */
  manifest: z.boolean().default(false),
  /** The manifest's own SHA-256 (its "Manifest-Checksum"): its files are listed with SHA-256 checksums, so this one value stands for the whole backup. */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  verifiedAt: z.string().optional(),
  status: z.enum(['running', 'complete', 'failed', 'cancelled']),
  /** Why it failed, in one sentence. */
  error: z.string().optional(),
});

export type BaseBackupEntry = z.infer<typeof baseBackupEntrySchema>;
