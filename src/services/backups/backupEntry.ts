import { z } from 'zod';

/**
 * One dump in the backup catalog, as the JSON file written beside it
 * (`<stamp>.<ext>.json`). A dump is restorable only when `status` is
 * complete: a failed or cancelled one is kept in the catalog to say what
 * happened, with its partial file removed.
 */
export const backupEntrySchema = z.object({
  /** "<database>-<UTC stamp>": unique in a cluster, what `pgcockpit restore ID` takes. */
  id: z.string().min(1),
  kind: z.literal('pg_dump'),
  /** The dump: a file (custom, plain) or a directory (directory format). */
  path: z.string().min(1),
  cluster: z.string().min(1),
  /** The node it was taken from. */
  node: z.string().min(1),
  database: z.string().min(1),
  format: z.enum(['custom', 'directory', 'plain']),
  /** The server's version ("15.18") and pg_dump's ("pg_dump (PostgreSQL) 17.2"). */
  serverVersion: z.string(),
  pgDumpVersion: z.string(),
  /** ISO 8601 with offset. */
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  /** sha256 of the file; of a directory, of its files' "sha256  name" lines sorted by name. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** Tables dumped ("schema.name"), with the row estimate (pg_class.reltuples) and size when the dump began. */
  tables: z.array(z.object({ name: z.string(), rowEstimate: z.number(), bytes: z.number() })).optional(),
  /** Entries in the dump's table of contents (pg_restore --list), when read. */
  objects: z.number().int().nonnegative().optional(),
  status: z.enum(['running', 'complete', 'failed', 'cancelled']),
  /** Why it failed, in one sentence. */
  error: z.string().optional(),
  /** The last verification (checksum and readable table of contents) that passed. */
  verifiedAt: z.string().optional(),
  /** Options it was taken with: the tables or schemas named, the parallel jobs. */
  options: z.object({ tables: z.array(z.string()).default([]), jobs: z.number().int().positive().optional() }).default({ tables: [] }),
});

export type BackupEntry = z.infer<typeof backupEntrySchema>;
export type BackupFormat = BackupEntry['format'];

/** The file name extension of each format: `.dump` (custom), `.dir` (a directory), `.sql` (plain). */
export const FORMAT_EXTENSION: Record<BackupFormat, string> = { custom: 'dump', directory: 'dir', plain: 'sql' };
