import { describe, expect, it } from 'vitest';
import { backupHistoryFileName, parseBackupHistory } from '../../src/services/pitr/backupHistoryFile.js';
import { segmentRanges, serverMajor, walDumpCommand } from '../../src/services/pitr/walDumpCommand.js';
import { isoFromWalTime, parseWalDumpRecords, readWalDump } from '../../src/services/pitr/walDumpRecords.js';
import { restorePointBytesCommand, restorePointTime } from '../../src/services/pitr/walDumpRestorePointTime.js';
import { pageMagicCommand, parseWalDumpWhich, unreadableWalText, walDumpWhichCommand, walMajorOfMagic } from '../../src/services/pitr/walDumpDiagnosis.js';
import { execa } from 'execa';

const MB16 = 16 * 1024 * 1024;

// Lines as pg_waldump 15 printed them (TZ=UTC) on a test server's archive: a catalog commit, a restore point,
// a rolled-back insert, a commit, and what it says when the archive's WAL ends inside a segment.
const DUMP = [
  'rmgr: Transaction len (rec/tot):     98/    98, tx:          3, lsn: 0/010B8178, prev 0/010B7028, desc: COMMIT 2026-11-30 16:26:36.901601 UTC; relcache init file inval dbid 1 tsid 1663; inval msgs: catcache 55 catcache 54 relcache 1260',
  'rmgr: XLOG        len (rec/tot):     98/    98, tx:        724, lsn: 0/015165C8, prev 0/01516588, desc: RESTORE_POINT before-drop',
  'rmgr: XLOG        len (rec/tot):     24/    24, tx:        724, lsn: 0/01516670, prev 0/01516630, desc: SWITCH ',
  'rmgr: XLOG        len (rec/tot):     34/    34, tx:          0, lsn: 0/030000D8, prev 0/03000060, desc: BACKUP_END 0/3000028',
  'rmgr: Transaction len (rec/tot):     34/    34, tx:        725, lsn: 0/040000E8, prev 0/04000028, desc: ABORT 2026-11-30 16:26:37.719040 UTC',
  'rmgr: Transaction len (rec/tot):     34/    34, tx:        726, lsn: 0/04000150, prev 0/04000110, desc: COMMIT 2026-11-30 16:26:37.719208 UTC',
  '',
].join('\n');

describe('pg_waldump output', () => {
  it('reads commits and aborts with their times (microseconds kept, explicit offset) and restore points by name; other records are skipped', () => {
    expect(parseWalDumpRecords(DUMP)).toEqual([
      { kind: 'commit', lsn: '0/10B8178', time: '2026-11-30T16:26:36.901601+00:00' },
      { kind: 'restorePoint', lsn: '0/15165C8', name: 'before-drop' },
      { kind: 'abort', lsn: '0/40000E8', time: '2026-11-30T16:26:37.719040+00:00' },
      { kind: 'commit', lsn: '0/4000150', time: '2026-11-30T16:26:37.719208+00:00' },
    ]);
  });

  it('reads a prepared transaction\'s commit, a numeric zone, and skips a time in a zone abbreviation it cannot place', () => {
    const lines = [
      'rmgr: Transaction len (rec/tot):     54/    54, tx:          0, lsn: 0/05000A10, prev 0/050009D8, desc: COMMIT_PREPARED 731: 2026-11-30 16:30:00.000123 UTC',
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        732, lsn: 0/05000B10, prev 0/05000A10, desc: COMMIT 2026-12-01 01:30:01.500000 +09',
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        733, lsn: 0/05000C10, prev 0/05000B10, desc: COMMIT 2026-12-01 01:30:02.000000 KST',
      'first record is after 0/05000000, at 0/05000028, skipping over 40 bytes',
    ].join('\n');
    expect(parseWalDumpRecords(lines)).toEqual([
      { kind: 'commit', lsn: '0/5000A10', time: '2026-11-30T16:30:00.000123+00:00' },
      { kind: 'commit', lsn: '0/5000B10', time: '2026-12-01T01:30:01.500000+09:00' },
    ]);
    expect(isoFromWalTime('2026-11-30', '12:00:00', '-0330')).toBe('2026-11-30T12:00:00-03:30');
  });

  it('takes the end of WAL in a partial segment as the end, not a failure; a missing file fails with pg_waldump\'s words', () => {
    const partial = readWalDump({
      exitCode: 1,
      stdout: 'rmgr: Standby     len (rec/tot):     50/    50, tx:          0, lsn: 0/05000028, prev 0/040001B0, desc: RUNNING_XACTS nextXid 727 latestCompletedXid 726 oldestRunningXid 727\n',
      stderr: 'pg_waldump: error: error in WAL record at 0/5000028: invalid record length at 0/5000060: wanted 24, got 0',
    });
    expect(partial).toEqual({ records: [], endOfWal: { message: 'error in WAL record at 0/5000028: invalid record length at 0/5000060: wanted 24, got 0' } });
    // What pg_waldump 15 says, and all it says, over PostgreSQL 13's WAL (page magic D106): nothing could be read, which is no end of WAL.
    expect(() => readWalDump({ exitCode: 1, stdout: '', stderr: 'pg_waldump: error: could not find a valid record after 0/1000000' })).toThrow('pg_waldump exited with 1: could not find a valid record after 0/1000000');
    expect(() => readWalDump({ exitCode: 1, stdout: '', stderr: 'pg_waldump: error: could not open file "000000010000000000000005"' })).toThrow(
      'pg_waldump exited with 1: could not open file "000000010000000000000005"',
    );
    expect(readWalDump({ exitCode: 0, stdout: DUMP, stderr: '' }).records).toHaveLength(4);
  });

  it('runs one pg_waldump per timeline of the segments, one resource manager, in UTC', () => {
    const ranges = segmentRanges([
      { timeline: 1, segno: 3n, name: '000000010000000000000003' },
      { timeline: 1, segno: 4n, name: '000000010000000000000004' },
      { timeline: 2, segno: 5n, name: '000000020000000000000005' },
    ]);
    expect(ranges).toEqual([
      { timeline: 1, first: '000000010000000000000003', last: '000000010000000000000004', count: 2 },
      { timeline: 2, first: '000000020000000000000005', last: '000000020000000000000005', count: 1 },
    ]);
    expect(walDumpCommand({ pgBinDir: '/usr/lib/postgresql/15/bin', serverMajor: 15 }, '/var/lib/archive', ranges[0]!, 'Transaction')).toMatchObject({
      program: '/usr/lib/postgresql/15/bin/pg_waldump',
      args: ['--path', '/var/lib/archive', '--rmgr', 'Transaction', '000000010000000000000003', '000000010000000000000004'],
      env: { TZ: 'UTC', LC_ALL: 'C' },
      mutating: false,
    });
    // No pgBinDir: the backup's major where distributions install it off PATH, else PATH's.
    const picked = walDumpCommand({ serverMajor: 17 }, '/arch', ranges[1]!, 'XLOG');
    expect(picked.program).toBe('sh');
    expect(picked.args.slice(2)).toEqual(['sh', '', '17', '--path', '/arch', '--rmgr', 'XLOG', '000000020000000000000005', '000000020000000000000005']);
    expect(picked.args[1]).toContain('/usr/lib/postgresql/$2/bin/pg_waldump');
    expect(walDumpCommand({}, '/arch', ranges[1]!, 'XLOG').program).toBe('pg_waldump');
    expect([serverMajor('17.10'), serverMajor('15'), serverMajor('?')]).toEqual([17, 15, undefined]);
  });
});

describe('a restore point\'s time from its record', () => {
  it('reads rp_time after the record header (od of the archived segment), little-endian', () => {
    // od -A n -t x1 -v -j $((0x5165C8 + 24)) -N 10 000000010000000000000001, on the record pg_waldump showed at 0/15165C8.
    expect(restorePointBytesCommand('/arch', '000000010000000000000001', '0/15165C8', MB16)?.args).toEqual(['-A', 'n', '-t', 'x1', '-v', '-j', String(0x5165c8 + 24), '-N', '10', '/arch/000000010000000000000001']);
    expect(restorePointTime(' ff 48 11 5f 81 a4 7f 04 03 00\n')).toBe('2026-11-30T16:26:37.431569+00:00');
    expect(restorePointTime(' ff 48 00 03 04 7f a4 81 5f 11')).toBe('2026-11-30T16:26:37.431569+00:00');
    expect(restorePointTime(' fe 48 11 5f 81 a4 7f 04 03 00')).toBeNull();
    // A record starting 20 bytes before a page's end has its time on the next page, behind a page header.
    expect(restorePointBytesCommand('/arch', '000000010000000000000001', '0/1517FEC', MB16)).toBeNull();
  });
});

describe('backup history files', () => {
  it('names and reads the .backup file the server archives when a backup stops', () => {
    expect(backupHistoryFileName(1, '0/3000028', MB16)).toBe('000000010000000000000003.00000028.backup');
    const text = [
      'START WAL LOCATION: 0/3000028 (file 000000010000000000000003)',
      'STOP WAL LOCATION: 0/3000100 (file 000000010000000000000003)',
      'CHECKPOINT LOCATION: 0/3000060',
      'BACKUP METHOD: streamed',
      'BACKUP FROM: primary',
      'START TIME: 2026-11-30 16:26:37 UTC',
      'LABEL: pg_basebackup base backup',
      'START TIMELINE: 1',
      'STOP TIME: 2026-11-30 16:26:38 UTC',
      'STOP TIMELINE: 1',
      '',
    ].join('\n');
    expect(parseBackupHistory(text)).toEqual({
      startLsn: '0/3000028',
      stopLsn: '0/3000100',
      startTime: '2026-11-30T16:26:37+00:00',
      stopTime: '2026-11-30T16:26:38+00:00',
      startTimeline: 1,
      stopTimeline: 1,
      label: 'pg_basebackup base backup',
    });
    // log_timezone Asia/Seoul writes "KST": not placeable without the zone, so left out.
    expect(parseBackupHistory(text.replace('STOP TIME: 2026-11-30 16:26:38 UTC', 'STOP TIME: 2026-12-01 01:26:38 KST'))?.stopTime).toBeUndefined();
    expect(parseBackupHistory('nothing')).toBeNull();
  });
});

describe('WAL pg_waldump cannot read', () => {
  it("names the WAL's major from its page magic (as initdb of each major wrote it), in either byte order", () => {
    expect(pageMagicCommand('/arch', '000000010000000000000001').args).toEqual(['-A', 'n', '-t', 'x1', '-N', '2', '/arch/000000010000000000000001']);
    expect(walMajorOfMagic(' 06 d1\n')).toEqual({ magic: 'D106', major: 13 });
    expect(walMajorOfMagic(' 10 d1')).toEqual({ magic: 'D110', major: 15 });
    expect(walMajorOfMagic(' d1 18')).toEqual({ magic: 'D118', major: 18 });
    expect(walMajorOfMagic(' 00 00')).toEqual({ magic: '0000' });
    expect(walMajorOfMagic('')).toBeNull();
  });

  it('says which pg_waldump the choice takes, from the real shell on this machine (pgBinDir, else the major\'s directory, else PATH)', async () => {
    const which = async (tool: Parameters<typeof walDumpWhichCommand>[0]) => {
      const spec = walDumpWhichCommand(tool);
      return parseWalDumpWhich((await execa(spec.program, [...spec.args], { env: { PATH: '/usr/bin:/bin' }, extendEnv: false })).stdout);
    };
    const debian15 = '/usr/lib/postgresql/15/bin';
    expect(await which({ pgBinDir: debian15, serverMajor: 13 })).toMatchObject({ source: 'pgBinDir', path: `${debian15}/pg_waldump`, major: 15, version: expect.stringMatching(/^pg_waldump \(PostgreSQL\) 15\./) });
    expect(await which({ serverMajor: 15 })).toMatchObject({ source: 'major', path: `${debian15}/pg_waldump`, major: 15 });
    // No PostgreSQL 12 here and none on PATH (Debian's is off PATH): the name alone, no version.
    expect(await which({ serverMajor: 12 })).toEqual({ source: 'PATH', path: 'pg_waldump' });
    expect(await which({ pgBinDir: '/opt/pg13/bin' })).toEqual({ source: 'pgBinDir', path: '/opt/pg13/bin/pg_waldump' });
  });

  it('says pg_waldump\'s words, which one ran and why, the WAL\'s major, and what to install or set', () => {
    const text = unreadableWalText({
      failure: 'pg_waldump exited with 1: could not find a valid record after 0/1000000',
      used: { source: 'pgBinDir', path: '/usr/lib/postgresql/15/bin/pg_waldump', version: 'pg_waldump (PostgreSQL) 15.18', major: 15 },
      wal: { magic: 'D106', major: 13 },
      host: 'db1 (ssh)',
      nodeName: 'pg1',
      serverMajor: 13,
    });
    expect(text).toBe(
      'pg_waldump exited with 1: could not find a valid record after 0/1000000; ' +
        'the pg_waldump used: /usr/lib/postgresql/15/bin/pg_waldump (pg_waldump (PostgreSQL) 15.18), chosen from nodes[pg1].pgBinDir; ' +
        "the archived WAL is PostgreSQL 13's (page magic D106): each major reads only its own WAL; " +
        "install PostgreSQL 13's pg_waldump on db1 (ssh) (looked for in /usr/lib/postgresql/13/bin and /usr/pgsql-13/bin when no pgBinDir is set), or set nodes[pg1].pgBinDir to the bin directory that has it",
    );
    // Missing altogether, on the jump host (no node's pgBinDir to set).
    const missing = unreadableWalText({ failure: 'cannot start pg_waldump (this machine): no such program', used: { source: 'PATH', path: 'pg_waldump' }, wal: { magic: 'D116', major: 17 }, host: 'this machine', serverMajor: 17 });
    expect(missing).toContain('the pg_waldump used: pg_waldump (not there, or no answer to --version), chosen from PATH');
    expect(missing).toMatch(/install PostgreSQL 17's pg_waldump on this machine \(looked for in \/usr\/lib\/postgresql\/17\/bin and \/usr\/pgsql-17\/bin when no pgBinDir is set\)$/);
  });
});
