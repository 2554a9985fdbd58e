import type { Runner } from '../runner/runner.js';
import type { BackupEntry } from './backupEntry.js';
import { writeBackupEntry } from './backupCatalog.js';
import type { CatalogStore } from './catalogStore.js';
import { localCatalogStore } from './localCatalogStore.js';
import type { DumpToc } from './dumpToc.js';
import { readDumpToc } from './dumpToc.js';

/** What a verification found: ok, or the reasons a restore must not start from this dump. */
export interface Verification {
  ok: boolean;
  /** One sentence each: "sha256 differs: the catalog has 3f2a…, the file is 9c01…". */
  reasons: string[];
  /** The checksum and size as read now (absent: the dump could not be read). */
  sha256?: string;
  sizeBytes?: number;
  /** The table of contents (custom and directory formats), when readable. */
  toc?: DumpToc;
}

/** pg_dump ends a complete plain dump with this comment; a file cut short lacks it. */
const PLAIN_END = '-- PostgreSQL database dump complete';

/**
 * Checks a dump against its catalog entry before anything trusts it: the
 * entry says complete, the file's sha256 is the one recorded, and (custom,
 * directory) `pg_restore --list` reads its whole table of contents, or
 * (plain) the file ends with pg_dump's "dump complete" line. Writes nothing.
 * `runner` runs pg_restore where the store keeps the files.
 */
export async function verifyBackup(entry: BackupEntry, runner: Runner, pgRestore = 'pg_restore', store: CatalogStore = localCatalogStore()): Promise<Verification> {
  const reasons: string[] = [];
  if (entry.status !== 'complete') reasons.push(`the catalog says the dump is ${entry.status}${entry.error ? ` (${entry.error})` : ''}: not restorable`);
  const read = await store.checksum(entry.path).catch((error: unknown) => {
    reasons.push(`cannot read ${entry.path}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (!read) return { ok: false, reasons };
  if (!entry.sha256) reasons.push('the catalog has no sha256 for it: nothing to check the file against');
  else if (entry.sha256 !== read.sha256)
    reasons.push(`sha256 differs: the catalog has ${entry.sha256.slice(0, 12)}…, the file is ${read.sha256.slice(0, 12)}… (${read.sizeBytes} bytes${entry.sizeBytes !== undefined ? `, the catalog says ${entry.sizeBytes}` : ''}): changed or cut short since it was taken`);
  let toc: DumpToc | undefined;
  if (entry.format === 'plain') {
    const tail = await store.tail(entry.path, 4096).catch(() => '');
    if (!tail.includes(PLAIN_END)) reasons.push(`${entry.path} does not end with pg_dump's "${PLAIN_END}" line: cut short`);
  } else {
    toc = await readDumpToc(runner, entry.path, pgRestore).catch((error: unknown) => {
      reasons.push(error instanceof Error ? error.message : String(error));
      return undefined;
    });
  }
  return { ok: reasons.length === 0, reasons, sha256: read.sha256, sizeBytes: read.sizeBytes, ...(toc ? { toc } : {}) };
}

/** Verifies and, when it passes, records the moment in the entry (verifiedAt, objects): the picker's ✓. */
export async function verifyAndRecord(
  entry: BackupEntry,
  runner: Runner,
  pgRestore = 'pg_restore',
  now = new Date(),
  store: CatalogStore = localCatalogStore(),
): Promise<{ verification: Verification; entry: BackupEntry }> {
  const verification = await verifyBackup(entry, runner, pgRestore, store);
  if (!verification.ok) return { verification, entry };
  const updated: BackupEntry = { ...entry, verifiedAt: now.toISOString(), ...(verification.toc ? { objects: verification.toc.entries.length } : {}) };
  await writeBackupEntry(updated, store);
  return { verification, entry: updated };
}
