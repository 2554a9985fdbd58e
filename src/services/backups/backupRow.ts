import { formatBytes } from '../cluster/formatBytes.js';
import { formatDuration } from '../cluster/formatDuration.js';
import type { BackupEntry } from './backupEntry.js';

/** One dump as the picker and `pgcockpit backups` show it: every column already text. */
export interface BackupRow {
  id: string;
  /** Local time, "2026-11-30 14:45". */
  when: string;
  /** How long ago: "2 h 5 min". */
  age: string;
  database: string;
  node: string;
  format: string;
  size: string;
  duration: string;
  /** "✓" (verified), "✗ failed", "✗ cancelled", "… running", "" (complete, never verified): short, the picker fits 80 columns. */
  mark: string;
}

/** The row of an entry, its age as of `now` (ms). */
export function backupRow(entry: BackupEntry, now: number): BackupRow {
  return catalogRow(entry, now, { database: entry.database, format: entry.format });
}

/** What a row reads of any catalog entry, a dump's or a base backup's. */
export interface CatalogRowSource {
  id: string;
  node: string;
  startedAt: string;
  finishedAt?: string | undefined;
  sizeBytes?: number | undefined;
  status: 'running' | 'complete' | 'failed' | 'cancelled';
  verifiedAt?: string | undefined;
}

/** A catalog entry as a row: when, age, size, duration and mark the same for every kind; the database and format columns as the kind says them. */
export function catalogRow(entry: CatalogRowSource, now: number, columns: Pick<BackupRow, 'database' | 'format'>): BackupRow {
  const started = Date.parse(entry.startedAt);
  const finished = entry.finishedAt ? Date.parse(entry.finishedAt) : Number.NaN;
  return {
    id: entry.id,
    when: Number.isFinite(started) ? localTime(new Date(started)) : entry.startedAt,
    age: Number.isFinite(started) ? formatDuration(Math.max(0, now - started) / 1000) : '?',
    ...columns,
    node: entry.node,
    size: entry.sizeBytes !== undefined ? formatBytes(entry.sizeBytes) : '-',
    duration: Number.isFinite(finished) && Number.isFinite(started) ? formatDuration((finished - started) / 1000) : '-',
    mark: entry.status !== 'complete' ? (entry.status === 'running' ? '… running' : `✗ ${entry.status}`) : entry.verifiedAt ? '✓' : '',
  };
}

/** "2026-11-30 14:45" in this machine's time zone. */
function localTime(at: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** Rows as aligned text columns, a header first: what `pgcockpit backups` prints. */
export function backupTable(rows: readonly BackupRow[], options: { withId?: boolean } = {}): string[] {
  const header: BackupRow = { id: 'ID', when: 'WHEN', age: 'AGE', database: 'DATABASE', node: 'NODE', format: 'FORMAT', size: 'SIZE', duration: 'TOOK', mark: 'VERIFIED' };
  // The picker leaves the id out (its details and the restore form name it); the CLI prints it, for restore ID.
  const columns = [...(options.withId === false ? [] : (['id'] as const)), 'when', 'age', 'database', 'node', 'format', 'size', 'duration', 'mark'] as const;
  const all = [header, ...rows];
  const widths = columns.map((column) => Math.max(...all.map((row) => row[column].length)));
  return all.map((row) => columns.map((column, index) => row[column].padEnd(widths[index]!)).join('  ').trimEnd());
}
