import type { BackupEntry } from '../services/backups/backupEntry.js';
import { backupRow, backupTable } from '../services/backups/backupRow.js';
import { baseBackupRow } from '../services/backups/baseBackupRow.js';
import type { CatalogEntry } from '../state/slices/backups.js';
import type { TocEntry } from '../services/backups/dumpToc.js';
import type { BackupDetail } from '../state/slices/backups.js';

/** One line of the picker: its text, and whether it is the row picked (drawn inverse). */
export interface PickerLine {
  text: string;
  selected?: boolean;
  muted?: boolean;
}

/**
 * The catalog as the picker's lines: a header, then one aligned row a dump
 * (when, age, database, node, format, size, duration, verified mark), the
 * picked one marked `›`, cut to `rows` around the pick.
 */
export function backupListLines(entries: readonly CatalogEntry[], selected: number, now: number, rows: number): PickerLine[] {
  if (entries.length === 0) return [{ text: 'no dumps match', muted: true }];
  const [header, ...table] = backupTable(
    // A base backup's row says "(all)" for the database and "base" for the format.
    entries.map((entry) => (entry.kind === 'basebackup' ? baseBackupRow(entry, now) : backupRow(entry, now))),
    { withId: false },
  );
  const body = table.map((text, index): PickerLine => ({ text: `${index === selected ? '›' : ' '} ${text}`, selected: index === selected }));
  const room = Math.max(1, rows - 1);
  const top = Math.max(0, Math.min(selected - Math.floor(room / 2), body.length - room));
  return [{ text: `  ${header!}`, muted: true }, ...body.slice(top, top + room)];
}

/** Counts of a table of contents by type: "12 TABLE, 12 TABLE DATA, 8 INDEX". */
function typeCounts(toc: readonly TocEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of toc) counts.set(entry.type, (counts.get(entry.type) ?? 0) + 1);
  return [...counts].map(([type, count]) => `${count} ${type}`).join(', ');
}

/** What Enter shows about a dump: where it is, what it was taken with, its tables' row estimates, its objects. */
export function backupDetailLines(entry: BackupEntry, detail: BackupDetail): PickerLine[] {
  const lines: PickerLine[] = [
    { text: `${entry.id}  (${entry.status}${entry.verifiedAt ? `, verified ${entry.verifiedAt}` : ', not verified'})` },
    { text: `path      ${entry.path}` },
    { text: `database  ${entry.database} on ${entry.node} (PostgreSQL ${entry.serverVersion}), ${entry.format} format, ${entry.pgDumpVersion}` },
    { text: `taken     ${entry.startedAt} → ${entry.finishedAt ?? '?'}` },
    { text: `sha256    ${entry.sha256 ?? '?'}` },
  ];
  if (entry.error) lines.push({ text: `error     ${entry.error}` });
  const tables = entry.tables ?? [];
  lines.push({ text: `tables (${tables.length}), rows as estimated when the dump began:`, muted: true });
  const width = Math.max(0, ...tables.map((table) => table.name.length));
  for (const table of tables) lines.push({ text: `  ${table.name.padEnd(width)}  ${table.rowEstimate < 0 ? 'no estimate' : `~${Math.round(table.rowEstimate)} rows`}` });
  if (detail.error) lines.push({ text: `objects: ${detail.error}` });
  else if (detail.toc === null) lines.push({ text: 'objects: reading pg_restore --list…', muted: true });
  else {
    lines.push({ text: `objects (pg_restore --list): ${detail.toc.length}: ${typeCounts(detail.toc)}`, muted: true });
    for (const item of detail.toc) lines.push({ text: `  ${item.type} ${item.schema === '-' ? '' : `${item.schema}.`}${item.name}` });
  }
  return lines;
}
