import type { BackupEntry } from '../../backups/backupEntry.js';

/**
 * The end of a restore, as lines: how many objects the dump held and how many
 * rows each table has now, beside the estimate the catalog took when the dump
 * began (pg_class.reltuples: an estimate, -1 or 0 for a table never analysed).
 */
export function rowCountSummary(entry: Pick<BackupEntry, 'tables'>, names: readonly string[], counts: Readonly<Record<string, number>>, objects: number | undefined): string[] {
  const estimates = new Map((entry.tables ?? []).map((table) => [table.name, table.rowEstimate]));
  const total = names.reduce((sum, name) => sum + (counts[name] ?? 0), 0);
  const head = `restored ${objects !== undefined ? `${objects} objects, ` : ''}${names.length} table${names.length === 1 ? '' : 's'}, ${total} rows; 0 errors (pg_restore --exit-on-error)`;
  const width = Math.max(5, ...names.map((name) => name.length));
  return [
    head,
    ...names.map((name) => {
      const estimate = estimates.get(name);
      const shown = estimate === undefined || estimate < 0 ? 'no estimate' : `estimate ${Math.round(estimate)}`;
      return `  ${name.padEnd(width)}  ${String(counts[name] ?? '?').padStart(10)} rows  (${shown})`;
    }),
  ];
}
