import { formatBytes } from '../cluster/formatBytes.js';
import { formatDuration } from '../cluster/formatDuration.js';
import type { BackupRow } from './backupRow.js';
import type { BaseBackupEntry } from './baseBackupEntry.js';

/** "2026-11-30 14:45" in this machine's time zone, as the dumps' rows say it. */
function localTime(at: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** "✓" verified, "✗ failed", "… running", "" complete but not (yet) verified: as a dump's mark. */
function mark(entry: BaseBackupEntry): string {
  if (entry.status !== 'complete') return entry.status === 'running' ? '… running' : `✗ ${entry.status}`;
  return entry.verifiedAt ? '✓' : '';
}

/**
 * A base backup as a row of the backups picker, beside the dumps: its
 * database column "(all)" (it copies the whole node), its format "base"
 * (plain: a data directory) or "base tar", so the kind reads without colour.
 */
export function baseBackupRow(entry: BaseBackupEntry, now: number): BackupRow {
  const started = Date.parse(entry.startedAt);
  const finished = entry.finishedAt ? Date.parse(entry.finishedAt) : Number.NaN;
  return {
    id: entry.id,
    when: Number.isFinite(started) ? localTime(new Date(started)) : entry.startedAt,
    age: Number.isFinite(started) ? formatDuration(Math.max(0, now - started) / 1000) : '?',
    database: '(all)',
    node: entry.node,
    format: entry.format === 'plain' ? 'base' : 'base tar',
    size: entry.sizeBytes !== undefined ? formatBytes(entry.sizeBytes) : '-',
    duration: Number.isFinite(finished) && Number.isFinite(started) ? formatDuration((finished - started) / 1000) : '-',
    mark: mark(entry),
  };
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
