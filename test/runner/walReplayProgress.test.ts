import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReplayLine, segmentStartLsn, walReplayProgress } from '../../src/services/runner/progress/walReplayProgress.js';

// A real PostgreSQL 15 point-in-time recovery from a base backup and a `test ! -f && cp` archive
// (log_startup_progress_interval = 10ms, one "redo in progress" line in 12 kept), that ran out of
// archive before its target: "recovery ended before configured recovery target was reached".
const LOG = readFileSync(new URL('./fixtures/pitr-replay-pg15.txt', import.meta.url), 'utf8').split('\n');

describe('segmentStartLsn', () => {
  it('reads a segment file name as the position where it starts', () => {
    expect(segmentStartLsn('00000001000000000000000A')).toBe(0xa000000n);
    expect(segmentStartLsn('000000020000001600000003')).toBe((0x16n << 32n) + 3n * 0x1000000n);
    expect(segmentStartLsn('000000010000000000000003', 64 * 1024 * 1024)).toBe(3n * 0x4000000n);
    expect(() => segmentStartLsn('00000002.history')).toThrow(/not a WAL segment/);
  });
});

describe('parseReplayLine', () => {
  it('finds the replay lines of a real recovery log and nothing else', () => {
    const kinds = LOG.map((line) => parseReplayLine(line)?.kind ?? null).filter(Boolean);
    expect(kinds[0]).toBe('restored');
    expect(kinds).toContain('starts');
    expect(kinds).toContain('at');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.filter((kind) => kind === 'restored')).toHaveLength(10);
    expect(parseReplayLine("cp: cannot stat '/tmp/lp/arch/00000001000000000000000D': No such file or directory")).toBeNull();
    expect(parseReplayLine('2026-11-30 13:36:14.998 UTC [30175] LOG:  starting point-in-time recovery to 2026-11-30 13:36:10.676743+00')).toBeNull();
  });

  it('reads where a recovery stopped at its target', () => {
    expect(parseReplayLine('LOG:  recovery stopping before commit of transaction 735, time 2026-11-30 13:36:10.654075+00')).toEqual({
      kind: 'stopping',
      text: 'recovery stopping before commit of transaction 735, time 2026-11-30 13:36:10.654075+00',
    });
  });
});

describe('walReplayProgress', () => {
  it('follows a real recovery from its redo start to the end of the archive, never backwards, 1 when redo is done', () => {
    // The archive ended with segment C: the range is the base backup's redo LSN to the end of C.
    const parse = walReplayProgress({ from: '0/3000028', to: '0/D000000' });
    const reports = LOG.map(parse).filter((report) => report !== null);
    const fractions = reports.map((report) => report.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect(reports.at(-1)!.amount).toEqual({ done: 0xd000000 - 0x3000028, total: 0xd000000 - 0x3000028, unit: 'bytes' });
    // Halfway through the log, it is somewhere in the middle.
    const middle = walReplayProgress({ from: '0/3000028', to: '0/D000000' });
    const half = LOG.slice(0, LOG.findIndex((line) => line.includes('"000000010000000000000008"')) + 1).map(middle).filter(Boolean).at(-1)!;
    expect(half.fraction).toBeCloseTo((0x8000000 - 0x3000028) / (0xd000000 - 0x3000028), 5);
  });

  it('learns where replay starts from "redo starts at" when not told', () => {
    const parse = walReplayProgress({ to: '0/5000028' });
    expect(parse('LOG:  restored log file "000000010000000000000003" from archive')).toBeNull();
    expect(parse('LOG:  redo starts at 0/3000028')).toMatchObject({ fraction: 0 });
    expect(parse('LOG:  redo in progress, elapsed time: 0.02 s, current LSN: 0/4000028')).toMatchObject({ fraction: 0.5 });
    expect(parse('LOG:  recovery stopping before commit of transaction 735, time 2026-11-30 13:36:10+00')).toMatchObject({ fraction: 1 });
  });
});
