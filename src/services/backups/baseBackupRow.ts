import type { BackupRow } from './backupRow.js';
import { catalogRow } from './backupRow.js';
import type { BaseBackupEntry } from './baseBackupEntry.js';

/**
 * A base backup as a row of the backups picker, beside the dumps: its
 * database column "(all)" (it copies the whole node), its format "base"
 * (plain: a data directory) or "base tar", so the kind reads without colour.
 */
export function baseBackupRow(entry: BaseBackupEntry, now: number): BackupRow {
  return catalogRow(entry, now, { database: '(all)', format: entry.format === 'plain' ? 'base' : 'base tar' });
}

/**
 * The base backups as `pgcockpit backups` prints them under the dumps: one
 * aligned row each with what a recovery needs to know (timeline, the WAL
 * from its start to its end), a header first; nothing when there are none.
 */
export function baseBackupTable(entries: readonly BaseBackupEntry[], now: number): string[] {
  if (entries.length === 0) return [];
  const header = ['ID', 'WHEN', 'AGE', 'NODE', 'FORMAT', 'SIZE', 'TOOK', 'TIMELINE', 'WAL', 'VERIFIED'];
  const rows = entries.map((entry) => {
    const row = baseBackupRow(entry, now);
    return [row.id, row.when, row.age, row.node, entry.format, row.size, row.duration, entry.timeline !== undefined ? String(entry.timeline) : '-', entry.startLsn ? `${entry.startLsn} → ${entry.endLsn ?? '?'}` : '-', row.mark];
  });
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return ['base backups (pgcockpit basebackup; recovery: pgcockpit window, pgcockpit pitr):', ...all.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd())];
}
