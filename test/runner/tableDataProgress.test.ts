import { describe, expect, it } from 'vitest';
import { tableDataProgress, tableDataStarted } from '../../src/services/runner/progress/tableDataProgress.js';

// What PostgreSQL 15's pg_dump -Fc --verbose and pg_restore --verbose printed (stderr, LC_MESSAGES=C)
// for a database with public.a (3.6 MB), public.b (40 kB) and an empty s."We ird".
const DUMP = [
  'pg_dump: last built-in OID is 16383',
  'pg_dump: reading extensions',
  'pg_dump: reading user-defined tables',
  'pg_dump: saving database definition',
  'pg_dump: dumping contents of table "public.a"',
  'pg_dump: dumping contents of table "public.b"',
  'pg_dump: dumping contents of table "s.We ird"',
];
const RESTORE = [
  'pg_restore: connecting to database for restore',
  'pg_restore: creating SCHEMA "s"',
  'pg_restore: creating TABLE "public.a"',
  'pg_restore: creating TABLE "public.b"',
  'pg_restore: creating TABLE "s.We ird"',
  'pg_restore: processing data for table "public.a"',
  'pg_restore: processing data for table "public.b"',
  'pg_restore: processing data for table "s.We ird"',
];
const SIZES = [
  { name: 'public.a', bytes: 3629056 },
  { name: 'public.b', bytes: 40960 },
  { name: 's.We ird', bytes: 0 },
];

describe('tableDataStarted', () => {
  it('names the table of each table-data line of pg_dump and pg_restore, and nothing else', () => {
    expect(DUMP.map(tableDataStarted).filter(Boolean)).toEqual(['public.a', 'public.b', 's.We ird']);
    expect(RESTORE.map(tableDataStarted).filter(Boolean)).toEqual(['public.a', 'public.b', 's.We ird']);
    expect(tableDataStarted('pg_restore: creating TABLE "public.a"')).toBeNull();
  });
});

describe('tableDataProgress', () => {
  it('counts the tables whose data is done by their size (an empty table as a page), for a dump and a restore alike', () => {
    const total = 3629056 + 40960 + 8192;
    for (const lines of [DUMP, RESTORE]) {
      const parse = tableDataProgress(SIZES);
      const reports = lines.map(parse).filter((report) => report !== null);
      expect(reports).toEqual([
        { fraction: 0, amount: { done: 0, total, unit: 'bytes' } },
        { fraction: 3629056 / total, amount: { done: 3629056, total, unit: 'bytes' } },
        { fraction: (3629056 + 40960) / total, amount: { done: 3629056 + 40960, total, unit: 'bytes' } },
      ]);
    }
  });

  it('ignores a table it was not told about, and a list with nothing in it', () => {
    expect(tableDataProgress(SIZES)('pg_dump: dumping contents of table "public.new"')).toBeNull();
    expect(tableDataProgress([])('pg_dump: dumping contents of table "public.a"')).toBeNull();
  });

  it('with --jobs, tables come in any order and the fraction still only grows', () => {
    const parse = tableDataProgress(SIZES);
    const fractions = [RESTORE[7]!, RESTORE[5]!, RESTORE[6]!].map((line) => parse(line)!.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });
});
