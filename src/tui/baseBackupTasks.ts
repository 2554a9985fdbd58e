import type { BackupEntry } from '../services/backups/backupEntry.js';
import type { BaseBackupListing } from '../services/backups/baseBackupCatalog.js';
import { listBaseBackups } from '../services/backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../services/backups/baseBackupEntry.js';
import { pgVerifybackupFor, verifyBaseBackupAndRecord } from '../services/backups/baseBackupVerify.js';
import type { CockpitConfig } from '../services/config/schema.js';
import type { RunnerSource } from '../services/runbooks/plan.js';
import type { Runner } from '../services/runner/runner.js';
import type { CatalogEntry } from '../state/slices/backups.js';

/**
 * The base backups' part of the picker's glue (bindBackupsToStore): read
 * them where the catalog is (the runner the dumps are read through), and
 * verify one with pg_verifybackup on the host that holds it, as the OS user
 * that owns it (entry.host's runner).
 */
export function baseBackupTasks(config: CockpitConfig, catalogRunner: () => Runner, runners: () => RunnerSource, dir: () => string) {
  return {
    list: (): Promise<BaseBackupListing> => listBaseBackups(catalogRunner(), dir(), config.cluster),
    /** The notice the picker shows: ✓ verified, or ✗ with the reasons. */
    async verify(entry: BaseBackupEntry): Promise<string> {
      const tool = pgVerifybackupFor(config, entry);
      if ('refused' in tool) return `✗ ${entry.id} cannot be verified here: ${tool.refused}`;
      const { verification } = await verifyBaseBackupAndRecord(entry, runners().forNode(entry.host), tool.program, new Date(), tool.parseWal);
      return verification.ok ? `✓ ${entry.id} verified: pg_verifybackup found every file as its manifest says` : `✗ ${entry.id} failed verification: ${verification.reasons.join('; ')}`;
    },
  };
}

/** Dumps and base backups in one list, newest first (as each catalog sorts its own). */
export function newestFirst(dumps: readonly BackupEntry[], base: readonly BaseBackupEntry[]): CatalogEntry[] {
  return [...dumps, ...base].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}
