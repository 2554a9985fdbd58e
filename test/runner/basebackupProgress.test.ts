import { describe, expect, it } from 'vitest';
import { basebackupProgressFraction, parseBasebackupProgress } from '../../src/services/runner/progress/basebackupProgress.js';

// Lines as PostgreSQL 15's pg_basebackup --progress wrote them (stderr, split on \r and \n by the
// local runner) when cloning a 134 MB sandbox primary with -v --max-rate=32M, LC_ALL=C.
const REAL_VERBOSE_RUN = [
  'pg_basebackup: initiating base backup, waiting for checkpoint to complete',
  'pg_basebackup: checkpoint completed',
  'pg_basebackup: write-ahead log start point: 0/B000028 on timeline 1',
  'pg_basebackup: starting background WAL receiver',
  'pg_basebackup: created temporary replication slot "pg_basebackup_10188"',
  ' 32810/137344 kB (23%), 0/1 tablespace (...7-1795508447309/base/16385/16408)',
  ' 66218/137344 kB (48%), 0/1 tablespace (...7-1795508447309/base/16385/16408)',
  '102442/137344 kB (74%), 0/1 tablespace (...7-1795508447309/base/16385/16408)',
  // The estimate was short (WAL came on top): pg_basebackup raised the total to what was done.
  '137355/137355 kB (100%), 0/1 tablespace (...-1795508447309/global/pg_control)',
  `137355/137355 kB (100%), 1/1 tablespace ${' '.repeat(40)}`,
  'pg_basebackup: write-ahead log end point: 0/B000100',
  'pg_basebackup: waiting for background process to finish streaming ...',
  'pg_basebackup: syncing data to disk ...',
  'pg_basebackup: renaming backup_manifest.tmp to backup_manifest',
  'pg_basebackup: base backup completed',
];

describe('parseBasebackupProgress', () => {
  it('reads every report of a real verbose run and nothing else', () => {
    const reports = REAL_VERBOSE_RUN.map(parseBasebackupProgress);
    expect(reports.filter((report) => report !== null)).toEqual([
      { doneKb: 32810, totalKb: 137344, percent: 23, tablespacesDone: 0, tablespaceCount: 1, file: '...7-1795508447309/base/16385/16408' },
      { doneKb: 66218, totalKb: 137344, percent: 48, tablespacesDone: 0, tablespaceCount: 1, file: '...7-1795508447309/base/16385/16408' },
      { doneKb: 102442, totalKb: 137344, percent: 74, tablespacesDone: 0, tablespaceCount: 1, file: '...7-1795508447309/base/16385/16408' },
      { doneKb: 137355, totalKb: 137355, percent: 100, tablespacesDone: 0, tablespaceCount: 1, file: '...-1795508447309/global/pg_control' },
      { doneKb: 137355, totalKb: 137355, percent: 100, tablespacesDone: 1, tablespaceCount: 1 },
    ]);
    expect(reports.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(reports.slice(-5)).toEqual([null, null, null, null, null]);
  });

  it('reads the plain (not verbose) format, padded and plural', () => {
    expect(parseBasebackupProgress('  23456/123456 kB (19%), 0/1 tablespace')).toEqual({
      doneKb: 23456,
      totalKb: 123456,
      percent: 19,
      tablespacesDone: 0,
      tablespaceCount: 1,
    });
    expect(parseBasebackupProgress('123456/123456 kB (100%), 1/1 tablespace')).toMatchObject({ percent: 100, tablespacesDone: 1 });
    expect(parseBasebackupProgress('    900/40000 kB (2%), 1/3 tablespaces')).toMatchObject({ doneKb: 900, tablespacesDone: 1, tablespaceCount: 3 });
    // The file name is padded inside the parentheses, and may hold anything, parentheses too.
    expect(parseBasebackupProgress(' 1/9 kB (11%), 0/2 tablespaces (base/1/1259 (copy)        )')?.file).toBe('base/1/1259 (copy)');
  });

  it.each([
    'waiting for checkpoint',
    '',
    '1/2 kB',
    'pg_basebackup: error: could not connect to server: Connection refused',
    '23456/123456 kB (19%)',
    '12/100 kB (12%) copied', // pg_rewind's format, not pg_basebackup's
  ])('%j is no report', (line) => {
    expect(parseBasebackupProgress(line)).toBeNull();
    expect(basebackupProgressFraction(line)).toBeNull();
  });
});

describe('basebackupProgressFraction', () => {
  it('follows a real run from the kB columns, finer than the whole percent', () => {
    const fractions = REAL_VERBOSE_RUN.map(basebackupProgressFraction).filter((fraction) => fraction !== null);
    expect(fractions.map((fraction) => Math.round(fraction * 1000) / 1000)).toEqual([0.239, 0.482, 0.746, 1, 1]);
  });

  it('is 0.19 and then 1 for the two plain lines', () => {
    expect(basebackupProgressFraction('  23456/123456 kB (19%), 0/1 tablespace')).toBeCloseTo(0.19, 2);
    expect(basebackupProgressFraction('123456/123456 kB (100%), 1/1 tablespace')).toBe(1);
  });

  it('says nothing when the size was not estimated (the total only follows the done column)', () => {
    expect(basebackupProgressFraction('  5000/5000 kB (0%), 0/1 tablespace')).toBeNull();
    expect(basebackupProgressFraction('0/0 kB (0%), 0/1 tablespace')).toBeNull();
  });

  it('starts at 0', () => {
    expect(basebackupProgressFraction('     0/137344 kB (0%), 0/1 tablespace')).toBe(0);
  });
});
