import { describe, expect, it } from 'vitest';
import { archiveCoverage, archivedSegments, parseHistoryFile, segmentName } from '../../src/services/pitr/archiveCoverage.js';

const MB16 = 16 * 1024 * 1024;
const seg = (timeline: number, n: number) => segmentName(timeline, BigInt(n), MB16);

describe('segment names', () => {
  it('reads and writes segment file names, ignoring history, backup and partial files', () => {
    expect(seg(1, 0x10a)).toBe('00000001000000010000000A');
    expect(archivedSegments(['00000001000000010000000A', '00000002.history', '000000010000000000000003.00000028.backup', '000000010000000000000004.partial'], MB16)).toEqual([{ timeline: 1, segno: 0x10an }]);
    expect(parseHistoryFile('1\t0/3000060\tno recovery target specified\n\n')).toEqual([{ timeline: 1, switchLsn: 0x3000060n, reason: 'no recovery target specified' }]);
  });
});

describe('archiveCoverage', () => {
  it('follows one timeline from the backup to the last contiguous segment', () => {
    const names = [seg(1, 2), seg(1, 3), seg(1, 4), seg(1, 5), '000000010000000000000003.00000028.backup'];
    expect(archiveCoverage({ names, histories: {}, segmentBytes: MB16, backup: { timeline: 1, startLsn: '0/3000028' } })).toEqual({
      path: [{ timeline: 1, beginLsn: null }],
      from: '0/3000028',
      to: '0/6000000',
      segments: 3,
    });
  });

  it('stops at a gap, naming the missing segment', () => {
    const names = [seg(1, 3), seg(1, 4), seg(1, 6), seg(1, 7)];
    expect(archiveCoverage({ names, histories: {}, segmentBytes: MB16, backup: { timeline: 1, startLsn: '0/3000028' } })).toMatchObject({
      to: '0/5000000',
      gap: { segment: '000000010000000000000005', atLsn: '0/5000000' },
    });
  });

  it('crosses a promotion onto the newer timeline (its file for the switch segment), and ignores a timeline forked before the backup', () => {
    // Timeline 2 began at 0/5000100; timeline 3 forked from timeline 1 at 0/2000000, before the backup began.
    const names = [seg(1, 3), seg(1, 4), seg(1, 5), seg(2, 5), seg(2, 6), seg(2, 7), seg(3, 2)];
    const histories = { 2: '1\t0/5000100\tno recovery target specified\n', 3: '1\t0/2000000\tbefore transaction 700\n' };
    expect(archiveCoverage({ names, histories, segmentBytes: MB16, backup: { timeline: 1, startLsn: '0/3000028' } })).toEqual({
      path: [{ timeline: 1, beginLsn: null }, { timeline: 2, beginLsn: '0/5000100' }],
      from: '0/3000028',
      to: '0/8000000',
      segments: 5,
    });
    // Without timeline 2's copy of the switch segment, recovery cannot cross.
    expect(archiveCoverage({ names: names.filter((name) => name !== seg(2, 5)), histories, segmentBytes: MB16, backup: { timeline: 1, startLsn: '0/3000028' } }).gap).toEqual({ segment: seg(2, 5), atLsn: '0/5000000' });
    expect(() => archiveCoverage({ names, histories, segmentBytes: MB16, backup: { timeline: 1, startLsn: '0/3000028' }, targetTimeline: 3 })).toThrow(/timeline 3 does not descend from the backup's timeline 1 after the backup began/);
  });
});
