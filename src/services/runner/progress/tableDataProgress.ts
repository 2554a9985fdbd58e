import type { ProgressReport } from '../jobRecord.js';

/**
 * pg_dump --verbose and pg_restore --verbose name each table as its data
 * starts (stderr, PostgreSQL 12 to 18, run with LC_MESSAGES=C):
 *
 *     pg_dump: dumping contents of table "public.orders"
 *     pg_restore: processing data for table "public.orders"
 *
 * Neither prints a percentage, so the fraction comes from the tables' sizes,
 * known before the command starts (pg_relation_size on the source for a dump;
 * the sizes recorded with the backup for a restore): the tables whose data has
 * started count as done, except the one now being copied. With --jobs the
 * order differs from the list's; only which tables have started matters.
 */
const TABLE_DATA = /^(?:pg_dump|pg_restore): (?:dumping contents of table|processing data for table) "(.+)"\s*$/;

/** The table ("schema.name", as the tool prints it) whose data starts on this line, or null. */
export function tableDataStarted(line: string): string | null {
  return TABLE_DATA.exec(line)?.[1] ?? null;
}

export interface TableSize {
  /** "schema.name", unquoted, as pg_dump prints it: "public.orders", "s.We ird". */
  name: string;
  bytes: number;
}

/**
 * Even an empty table costs a round trip; counting it as a page keeps a
 * thousand empty tables from looking like no work at all.
 */
const LEAST_BYTES = 8192;

/**
 * A parseProgress for runJob: reads the table-data lines of pg_dump or
 * pg_restore --verbose against the tables' sizes; null for any other line and
 * for a table not in the list (created after the sizes were read).
 */
export function tableDataProgress(tables: readonly TableSize[]): (line: string) => ProgressReport | null {
  const weight = new Map(tables.map((table) => [table.name, Math.max(LEAST_BYTES, table.bytes)]));
  const total = [...weight.values()].reduce((sum, bytes) => sum + bytes, 0);
  const started = new Set<string>();
  let done = 0;
  let current: string | undefined;
  return (line) => {
    const table = tableDataStarted(line);
    if (table === null || !weight.has(table) || total === 0) return null;
    // The table copied before this one is done (with --jobs, roughly: one of them is).
    if (current !== undefined) done += weight.get(current)!;
    current = started.has(table) ? undefined : table;
    started.add(table);
    return { fraction: done / total, amount: { done, total, unit: 'bytes' } };
  };
}
