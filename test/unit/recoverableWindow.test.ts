import { describe, expect, it } from 'vitest';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { baseBackupEntrySchema } from '../../src/services/backups/baseBackupEntry.js';
import { segmentName } from '../../src/services/pitr/archiveCoverage.js';
import { recoverableWindow, windowBasis } from '../../src/services/pitr/recoverableWindow.js';
import { formatWindowLine } from '../../src/services/pitr/recoverableWindowText.js';
import { windowTimelineLines } from '../../src/views/windowTimelineLines.js';
import type { WalRecordFact } from '../../src/services/pitr/walDumpRecords.js';

const MB16 = 16 * 1024 * 1024;
const seg = (timeline: number, n: number) => segmentName(timeline, BigInt(n), MB16);
const segs = (timeline: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => seg(timeline, from + i));

function backup(fields: Partial<BaseBackupEntry> = {}): BaseBackupEntry {
  return baseBackupEntrySchema.parse({
    id: 'base-20261130T162637Z',
    kind: 'basebackup',
    path: '/backups/main/.base/20261130T162637Z',
    host: 'jump host',
    osUser: 'postgres',
    cluster: 'main',
    node: 'pg1',
    format: 'plain',
    serverVersion: '15.10',
    pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 15.10',
    label: 'pgcockpit base-20261130T162637Z',
    timeline: 1,
    startLsn: '0/3000028',
    endLsn: '0/3000100',
    startTime: '2026-11-30T16:26:37+00:00',
    endTime: '2026-11-30T16:26:38+00:00',
    startedAt: '2026-11-30T16:26:36.500+00:00',
    finishedAt: '2026-11-30T16:26:39.000+00:00',
    status: 'complete',
    ...fields,
  });
}

const commit = (lsn: string, time: string): WalRecordFact => ({ kind: 'commit', lsn, time });

describe('the recoverable window', () => {
  it('runs from the backup\'s end to the last commit after it, not an abort, not a commit before the backup\'s end', () => {
    const window = recoverableWindow({
      backup: backup(),
      archive: { names: [...segs(1, 1, 5), '000000010000000000000003.00000028.backup'], histories: {} },
      records: [
        commit('0/3000050', '2026-11-30T16:26:37.100000+00:00'),
        commit('0/4000150', '2026-11-30T16:30:00.719208+00:00'),
        { kind: 'abort', lsn: '0/5000200', time: '2026-11-30T16:31:00.000000+00:00' },
        { kind: 'restorePoint', lsn: '0/4000300', name: 'before-drop' },
      ],
    });
    expect(window).toEqual({
      backupId: 'base-20261130T162637Z',
      timeline: 1,
      from: '2026-11-30T16:26:38+00:00',
      fromLsn: '0/3000100',
      to: '2026-11-30T16:30:00.719208+00:00',
      toLsn: '0/4000150',
      gaps: [],
      restorePoints: [{ name: 'before-drop', at: '2026-11-30T16:30:00.719208+00:00', lsn: '0/4000300' }],
    });
    expect(formatWindowLine(window)).toBe('base-20261130T162637Z  2026-11-30T16:26:38+00:00 → 2026-11-30T16:30:00.719208+00:00  timeline 1  no gaps  restore points: before-drop');
    // No commit after the backup's end: nothing to recover to but the end itself.
    const quiet = recoverableWindow({ backup: backup(), archive: { names: segs(1, 3, 3), histories: {} }, records: [commit('0/3000050', '2026-11-30T16:26:37.100000+00:00')] });
    expect(quiet).toMatchObject({ to: null, toLsn: null });
    expect(formatWindowLine(quiet)).toContain("→ (no commit after the backup's end)");
  });

  it('stops at a gap: commits past the missing segment are out of reach; every missing segment is listed', () => {
    const names = [...segs(1, 3, 4), ...segs(1, 7, 8), seg(1, 10)];
    const window = recoverableWindow({
      backup: backup(),
      archive: { names, histories: {} },
      records: [commit('0/4000150', '2026-11-30T16:30:00.000001+00:00'), commit('0/7000150', '2026-11-30T16:40:00.000000+00:00')],
    });
    expect(window.to).toBe('2026-11-30T16:30:00.000001+00:00');
    expect(window.gaps).toEqual([
      { segment: seg(1, 5), atLsn: '0/5000000' },
      { segment: seg(1, 6), atLsn: '0/6000000' },
      { segment: seg(1, 9), atLsn: '0/9000000' },
    ]);
    expect(formatWindowLine(window)).toContain('✗ gap at 000000010000000000000005, 0/5000000 (3 segments missing): recovery stops there');
  });

  it('after a promotion follows the newest timeline descending from the backup, reading its copy of the switch segment', () => {
    // Timeline 2 began at 0/5000100 (a standby promoted); timeline 3 forked from 1 at 0/2000000, before this backup began.
    const names = [...segs(1, 3, 5), ...segs(2, 5, 7), seg(3, 2), '00000002.history', '00000003.history'];
    const histories = { 2: '1\t0/5000100\tno recovery target specified\n', 3: '1\t0/2000000\tbefore transaction 700\n' };
    const basis = windowBasis(backup(), { names, histories });
    expect(basis.timeline).toBe(2);
    expect(basis.run.map((segment) => segment.name)).toEqual([seg(1, 3), seg(1, 4), seg(2, 5), seg(2, 6), seg(2, 7)]);
    expect(basis.runEndLsn).toBe('0/8000000');
    const window = recoverableWindow({ backup: backup(), archive: { names, histories }, records: [commit('0/7000010', '2026-11-30T17:00:00.000000+00:00')] });
    expect(window).toMatchObject({ timeline: 2, to: '2026-11-30T17:00:00.000000+00:00', gaps: [] });
    // The old timeline kept writing after the switch (a primary not yet fenced): its segments are not on the path, and no gap.
    expect(windowBasis(backup(), { names: [...names, seg(1, 6), seg(1, 9)], histories }).gaps).toEqual([]);
    // A backup taken on timeline 3 after its fork has its own window on timeline 3.
    expect(windowBasis(backup({ timeline: 3, startLsn: '0/2000028', endLsn: '0/2000100' }), { names, histories })).toMatchObject({ timeline: 3, runEndLsn: '0/3000000', gaps: [] });
  });

  it('has no window when WAL is missing before the backup\'s end, or where its WAL begins is unknown', () => {
    const missing = recoverableWindow({ backup: backup({ endLsn: '0/4000100' }), archive: { names: [seg(1, 3), seg(1, 5)], histories: {} }, records: [] });
    expect(missing.problem).toBe("000000010000000000000004 is not in the archive: recovery cannot reach the backup's end (0/4000100), so this backup cannot be made consistent from the archive");
    expect(missing.to).toBeNull();
    expect(formatWindowLine(missing)).toMatch(/→ \?  timeline 1  ✗ gap at 000000010000000000000004.*  ✗ 000000010000000000000004 is not in the archive/);
    const unknown = recoverableWindow({ backup: backup({ startLsn: undefined, timeline: undefined }), archive: { names: segs(1, 3, 4), histories: {} }, records: [] });
    expect(unknown.problem).toMatch(/does not say where the backup's WAL begins/);
  });

  it('takes the stop from the backup history file when the catalog entry lacks it', () => {
    const window = recoverableWindow({
      backup: backup({ endLsn: undefined, endTime: undefined }),
      archive: { names: segs(1, 3, 4), histories: {} },
      backupHistory: { startLsn: '0/3000028', stopLsn: '0/3000100', stopTime: '2026-11-30T16:26:38+00:00' },
      records: [],
    });
    expect(window).toMatchObject({ from: '2026-11-30T16:26:38+00:00', fromLsn: '0/3000100' });
    // Neither knows the time: the job's finish, later than the stop, so still a point recovery can reach.
    expect(windowBasis(backup({ endTime: undefined }), { names: segs(1, 3, 4), histories: {} }).from).toBe('2026-11-30T16:26:39.000+00:00');
  });

  it('a search stopped at its bound says what it left unread: no commit found is "not known", not "none"; restore points older than the search are not taken for absent', () => {
    // A backup 130 segments (2 GB) back; VACUUM FREEZE since, no commit in the newest 64 segments read; restore points looked for in the newest 64.
    const names = segs(1, 3, 132);
    const quietTail = recoverableWindow({
      backup: backup(),
      archive: { names, histories: {} },
      records: [{ kind: 'restorePoint', lsn: '0/84000100', name: 'after-freeze' }],
      search: { commitsFromLsn: '0/45000000', restorePointsFromLsn: '0/45000000' },
    });
    expect(quietTail).toMatchObject({ to: null, toLsn: null, restorePoints: [{ name: 'after-freeze', lsn: '0/84000100' }] });
    expect(quietTail.incomplete).toEqual({
      lastCommit: "no commit in the newest 1 GB (0/45000000 to 0/85000000) of the 2 GB after the backup's end; the search stops there, so the last archived commit is not known",
      restorePoints: "restore points were looked for only in the newest 1 GB (0/45000000 to 0/85000000) of the 2 GB after the backup's end; one made before 0/45000000 is not listed",
    });
    const line = formatWindowLine(quietTail);
    expect(line).toContain('2026-11-30T16:26:38+00:00 → ?  timeline 1  no gaps  restore points: after-freeze  ? no commit in the newest 1 GB');
    expect(line).toContain('? restore points were looked for only in the newest 1 GB');
    expect(line).not.toContain('no commit after the backup');
    // The picker's timeline says the same (w in the backups picker).
    const timeline = windowTimelineLines([quietTail], 120).map((entry) => entry.text.trim());
    expect(timeline).toContain('from 2026-11-30T16:26:38+00:00 to ?');
    expect(timeline.some((text) => text.startsWith('? no commit in the newest 1 GB'))).toBe(true);

    // A commit found in the newest segments is the last one: only the restore points are incomplete.
    const found = recoverableWindow({
      backup: backup(),
      archive: { names, histories: {} },
      records: [commit('0/84000100', '2026-11-30T18:00:00.000001+00:00')],
      search: { commitsFromLsn: '0/81000000', restorePointsFromLsn: '0/45000000' },
    });
    expect(found).toMatchObject({ to: '2026-11-30T18:00:00.000001+00:00', incomplete: { restorePoints: expect.stringContaining('one made before 0/45000000 is not listed') } });
    expect(found.incomplete?.lastCommit).toBeUndefined();

    // A search that reached back to the backup's start read everything: complete, no note.
    const whole = recoverableWindow({ backup: backup(), archive: { names: segs(1, 3, 10), histories: {} }, records: [], search: { commitsFromLsn: '0/3000000', restorePointsFromLsn: '0/3000000' } });
    expect(whole).toMatchObject({ to: null });
    expect(whole.incomplete).toBeUndefined();
    expect(formatWindowLine(whole)).toContain("→ (no commit after the backup's end)");
  });
});
