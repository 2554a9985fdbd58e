import { describe, expect, it } from 'vitest';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { configSchema } from '../../src/services/config/schema.js';
import { WAL_UNREAD } from '../../src/services/pitr/recoverableWindow.js';
import type { RecoverableWindow } from '../../src/services/pitr/recoverableWindowTypes.js';
import type { PitrFacts, PitrHostFacts } from '../../src/services/runbooks/pitr/planPitr.js';
import { planPitr } from '../../src/services/runbooks/pitr/planPitr.js';
import { readRecoveryEnd } from '../../src/services/runbooks/pitr/recoveryEnd.js';
import type { RecoveryTarget } from '../../src/services/runbooks/pitr/recoveryTarget.js';
import { readRecoveryTarget } from '../../src/services/runbooks/pitr/recoveryTarget.js';
import { recoverySettings } from '../../src/services/runbooks/pitr/recoverySettings.js';
import { startProof } from '../../src/services/runbooks/pitr/pitrSteps.js';
import { chooseBackup, targetAfterBackupCheck, isoMicros, targetInWindowCheck, writtenTarget } from '../../src/services/runbooks/pitr/targetWindow.js';

const backup = (id: string, endTime: string, extra: Partial<BaseBackupEntry> = {}): BaseBackupEntry => ({
  id,
  kind: 'basebackup',
  path: `/backups/c/.base/${id.slice(5)}`,
  host: 'pg1',
  osUser: 'postgres',
  cluster: 'c',
  node: 'pg1',
  format: 'plain',
  serverVersion: '17.2',
  pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 17.2',
  label: 'pgcockpit',
  timeline: 1,
  startLsn: '0/2000028',
  endLsn: '0/2000120',
  startTime: endTime,
  endTime,
  startedAt: endTime,
  manifest: true,
  status: 'complete',
  ...extra,
});

const time = (input: string): RecoveryTarget => {
  const read = readRecoveryTarget({ time: input }, 'UTC');
  if (!read.ok) throw new Error(read.reason);
  return read.target;
};

const window: RecoverableWindow = {
  backupId: 'base-20261130T100000Z',
  timeline: 1,
  from: '2026-11-30T10:00:05+00:00',
  fromLsn: '0/2000120',
  to: '2026-11-30T11:00:00+00:00',
  toLsn: '0/9000100',
  gaps: [],
  restorePoints: [{ name: 'before_drop', at: '2026-11-30T10:30:00+00:00', lsn: '0/5000000' }],
};

describe('the recovery target', () => {
  it('takes exactly one target', () => {
    expect(readRecoveryTarget({}, 'UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/no recovery target/) });
    expect(readRecoveryTarget({ time: '2026-11-30 12:00:00Z', lsn: '0/3000000' }, 'UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/--target-time and --target-lsn given/) });
    expect(readRecoveryTarget({ target: 'latest' }, 'UTC')).toMatchObject({ ok: false });
    expect(readRecoveryTarget({ lsn: '0/30' }, 'UTC')).toEqual({ ok: true, target: { kind: 'lsn', value: '0/30' } });
    expect(readRecoveryTarget({ lsn: '30' }, 'UTC')).toMatchObject({ ok: false });
  });

  it('reads a time with an explicit offset and refuses an abbreviation', () => {
    // The runbook's time, meant in Seoul: the same instant in UTC.
    const seoul = readRecoveryTarget({ time: '2022-04-24 18:16:29.651735+09' }, 'UTC');
    expect(seoul).toMatchObject({ ok: true, target: { kind: 'time', value: '2022-04-24 18:16:29.651735+09:00', utc: '2022-04-24 09:16:29.651735Z' } });
    const noZone = readRecoveryTarget({ time: '2022-04-24 18:16:29' }, 'Asia/Seoul');
    expect(noZone).toMatchObject({ ok: true, target: { value: '2022-04-24 18:16:29+09:00' } });
    expect(readRecoveryTarget({ time: '2022-04-24 18:16:29 KST' }, 'UTC')).toMatchObject({ ok: false, reason: expect.stringMatching(/abbreviation/) });
  });
});

describe('the target against the window', () => {
  const b = backup('base-20261130T100000Z', '2026-11-30T10:00:05+00:00');
  it('refuses a target before the backup, after the last commit, past a gap, or a restore point not there', () => {
    expect(targetInWindowCheck(time('2026-11-30 09:59:00Z'), b, window)).toMatchObject({ status: 'fail', observed: expect.stringMatching(/before the backup's end.*it can reach from 2026-11-30T10:00:05/) });
    expect(targetInWindowCheck(time('2026-11-30 11:00:01Z'), b, window)).toMatchObject({ status: 'fail', observed: expect.stringMatching(/after the last archived commit/) });
    const gap = { ...window, to: '2026-11-30T10:20:00+00:00', gaps: [{ segment: '000000010000000000000006', atLsn: '0/6000000' }] };
    expect(targetInWindowCheck(time('2026-11-30 10:40:00Z'), b, gap)).toMatchObject({ status: 'fail', observed: expect.stringMatching(/cannot pass the missing segment 000000010000000000000006/) });
    expect(targetInWindowCheck({ kind: 'name', value: 'nope' }, b, window)).toMatchObject({ status: 'fail', observed: expect.stringMatching(/there are "before_drop"/) });
    expect(targetInWindowCheck({ ...time('2026-11-30 10:30:00Z') }, b, { ...window, problem: 'the timeline forked before the backup' })).toMatchObject({ status: 'fail' });
  });
  it('refuses a few microseconds after the last commit; its own time is written as its LSN (no later commit would stop a time target)', () => {
    const last = { ...window, to: '2026-11-30T11:00:00.123456+00:00', toLsn: '0/7000100' };
    expect(targetInWindowCheck(time('2026-11-30 11:00:00.123459Z'), b, last)).toMatchObject({ status: 'fail', observed: expect.stringMatching(/after the last archived commit/), fix: expect.stringContaining('--target-lsn 0/7000100') });
    expect(targetInWindowCheck(time('2026-11-30 11:00:00.123456Z'), b, last)).toMatchObject({ status: 'ok', observed: expect.stringContaining("recovery_target_lsn = '0/7000100'") });
    expect(writtenTarget(time('2026-11-30 11:00:00.123456Z'), last)).toEqual({ kind: 'lsn', value: '0/7000100' });
    expect(writtenTarget(time('2026-11-30 11:00:00.123455Z'), last)).toMatchObject({ kind: 'time' });
    expect(targetInWindowCheck(time('2026-11-30 11:00:00.123455Z'), b, last).status).toBe('ok');
    expect(isoMicros('2026-11-30T11:00:00.123456+00:00') - isoMicros('2026-11-30 11:00:00.5Z')).toBe(-376_544n);
  });
  it('accepts a target inside it', () => {
    expect(targetInWindowCheck(time('2026-11-30 19:30:00+09:00'), b, window)).toMatchObject({ status: 'ok' });
    expect(targetInWindowCheck({ kind: 'lsn', value: '0/5000000' }, b, window)).toMatchObject({ status: 'ok' });
    expect(targetInWindowCheck({ kind: 'name', value: 'before_drop' }, b, window)).toMatchObject({ status: 'ok' });
  });
  it('without a window, checks the backup end only', () => {
    expect(targetAfterBackupCheck(time('2026-11-30 10:00:00Z'), b)).toMatchObject({ status: 'fail' });
    expect(targetAfterBackupCheck(time('2026-11-30 10:00:06Z'), b)).toMatchObject({ status: 'ok' });
    expect(targetAfterBackupCheck({ kind: 'lsn', value: '0/2000100' }, b)).toMatchObject({ status: 'fail' });
  });
  it('a window pg_waldump could not read is unknown, not empty: only the backup end is checked', () => {
    const unread = { ...window, to: null, toLsn: null, restorePoints: [], problem: `${WAL_UNREAD}: pg_waldump exited with 1: could not find a valid record after 0/2000000; the pg_waldump used: /usr/lib/postgresql/15/bin/pg_waldump` };
    expect(chooseBackup([b], time('2026-11-30 10:30:00Z'), [unread])).toMatchObject({ ok: true, backup: { id: b.id } });
    expect(targetInWindowCheck(time('2026-11-30 10:30:00Z'), b, unread).status).toBe('ok');
    expect(targetInWindowCheck({ kind: 'name', value: 'before_upgrade' }, b, unread).status).toBe('warn');
    expect(targetInWindowCheck(time('2026-11-30 09:00:00Z'), b, unread).status).toBe('fail');
  });
  it('a search stopped at its bound is "not known", a warning, never a refusal; what is known (the backup end) is still checked', () => {
    // No commit in the newest 64 segments (a VACUUM FREEZE since): every --target-time after the backup's end was refused "no commit was archived".
    const frozen: RecoverableWindow = { ...window, to: null, toLsn: null, restorePoints: [], incomplete: { lastCommit: "no commit in the newest 1 GB (0/45000000 to 0/85000000) of the 2 GB after the backup's end; the search stops there, so the last archived commit is not known", restorePoints: 'restore points were looked for only in the newest 1 GB (0/45000000 to 0/85000000)' } };
    expect(targetInWindowCheck(time('2026-11-30 10:30:00Z'), b, frozen)).toMatchObject({ status: 'warn', observed: expect.stringMatching(/^2026-11-30T10:00:05\+00:00 ≤ 2026-11-30 10:30:00\+00:00; no commit in the newest 1 GB .*the last archived commit is not known$/) });
    expect(targetInWindowCheck({ kind: 'lsn', value: '0/5000000' }, b, frozen)).toMatchObject({ status: 'warn' });
    expect(targetInWindowCheck(time('2026-11-30 09:59:00Z'), b, frozen)).toMatchObject({ status: 'fail', observed: expect.stringMatching(/before the backup's end/) });
    expect(targetInWindowCheck({ kind: 'lsn', value: '0/2000100' }, b, frozen).status).toBe('fail');
    expect(writtenTarget(time('2026-11-30 10:30:00Z'), frozen)).toMatchObject({ kind: 'time' });
    // --target-name before_upgrade made 2 GB of WAL ago: not in the newest segments read, so not known, not absent.
    const old: RecoverableWindow = { ...window, incomplete: { restorePoints: 'restore points were looked for only in the newest 1 GB (0/45000000 to 0/85000000) of the 2 GB after the backup\'s end; one made before 0/45000000 is not listed' } };
    expect(targetInWindowCheck({ kind: 'name', value: 'before_upgrade' }, b, old)).toMatchObject({ status: 'warn', observed: expect.stringMatching(/no restore point "before_upgrade" in the WAL read \(there are "before_drop"\), but restore points were looked for only/) });
    // Found in the WAL read: reachable, though a same-named one in the WAL not read would stop recovery first.
    expect(targetInWindowCheck({ kind: 'name', value: 'before_drop' }, b, old)).toMatchObject({ status: 'ok', observed: expect.stringMatching(/is not listed, and recovery would stop at an earlier one of the same name first$/) });
    // The commit found is the newest: a time after it is still refused.
    expect(targetInWindowCheck(time('2026-11-30 11:00:01Z'), b, old).status).toBe('fail');
    // --backup auto: one whose window holds the target first, else the newest that could not say.
    const older = backup('base-20261130T080000Z', '2026-11-30T08:00:05+00:00');
    const olderWindow: RecoverableWindow = { ...window, backupId: older.id, from: '2026-11-30T08:00:05+00:00', restorePoints: [{ name: 'before_upgrade', at: '2026-11-30T09:00:00+00:00', lsn: '0/1500000' }] };
    expect(chooseBackup([b, older], { kind: 'name', value: 'before_upgrade' }, [old, olderWindow])).toMatchObject({ ok: true, backup: { id: older.id } });
    expect(chooseBackup([b, older], { kind: 'name', value: 'before_upgrade' }, [old, { ...olderWindow, restorePoints: [], incomplete: old.incomplete! }])).toMatchObject({ ok: true, backup: { id: b.id } });
    expect(chooseBackup([b], time('2026-11-30 10:30:00Z'), [frozen])).toMatchObject({ ok: true, backup: { id: b.id } });
  });
  it('a plan on an incomplete window goes on, the check a warning (the server stops with its own reason)', () => {
    const config = configSchema.parse({ cluster: 'c', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 5432, dataDir: '/var/lib/pgsql/17/data', osUser: 'postgres' }], archive: { dir: '/arch' }, backups: { dir: '/backups' } });
    const host: PitrHostFacts = { host: 'pg1', address: '127.0.0.1', dest: '/var/lib/pgsql/17/data.pgcockpit-pitr-x', defaultDest: true, asideDir: '/var/lib/pgsql/17/data.pgcockpit-partial-x', destState: 'absent', port: 5499, backupPresent: true, postgresVersion: 'postgres (PostgreSQL) 17.2', pgCtl: 'pg_ctl', postgres: 'postgres', archiveDir: '/arch', archiveReadable: true, newestSegment: '000000010000000000000085' };
    const frozen: RecoverableWindow = { ...window, to: null, toLsn: null, restorePoints: [], incomplete: { lastCommit: 'no commit in the newest 1 GB', restorePoints: 'restore points were looked for only in the newest 1 GB' } };
    const facts: PitrFacts = { asked: b.id, backups: [b], catalogProblems: [], timeZone: { zone: 'UTC', node: 'pg1' }, hostFacts: host, windows: [frozen] };
    for (const target of [{ time: '2026-11-30 10:30:00Z' }, { name: 'before_upgrade' }]) {
      const plan = planPitr(config, facts, { target });
      expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
      expect(plan.checks.find((check) => /recoverable window/.test(check.label))).toMatchObject({ status: 'warn' });
    }
    expect(planPitr(config, facts, { target: { time: '2026-11-30 09:00:00Z' } }).blocked).toBe(true);
  });
  it('--backup auto takes the newest complete backup that ended before the target', () => {
    const older = backup('base-20261130T080000Z', '2026-11-30T08:00:05+00:00');
    const newer = backup('base-20261130T120000Z', '2026-11-30T12:00:05+00:00');
    const failed = backup('base-20261130T113000Z', '2026-11-30T11:30:05+00:00', { status: 'failed' });
    expect(chooseBackup([older, newer, failed, b], time('2026-11-30 11:45:00Z'))).toMatchObject({ ok: true, backup: { id: b.id } });
    expect(chooseBackup([older, newer], time('2026-11-30 07:00:00Z'))).toMatchObject({ ok: false, reason: expect.stringMatching(/no complete base backup can reach/) });
  });
});

describe('the recovery settings', () => {
  it('one target, the archive, a new port, no archiving, no upstream', () => {
    const lines = recoverySettings({ target: time('2026-11-30 12:00:00+09:00'), action: 'pause', inclusive: false, timeline: 'latest', restoreCommand: "cp '/var/lib/pgsql/archive'/%f %p", port: 5499, clusterName: 'pitr', major: 14 });
    expect(lines).toContain("recovery_target_time = '2026-11-30 12:00:00+09:00'");
    expect(lines).toContain("restore_command = 'cp ''/var/lib/pgsql/archive''/%f %p'");
    expect(lines).toContain("recovery_target_lsn = ''");
    expect(lines).not.toContain("recovery_target_time = ''");
    expect(lines).toEqual(expect.arrayContaining(['recovery_target_inclusive = off', "recovery_target_action = 'pause'", 'port = 5499', "archive_mode = 'off'", "primary_conninfo = ''", "primary_slot_name = ''"]));
    // The empty targets come before the one set: the server checks for a second target as it reads them in order.
    expect(lines.indexOf("recovery_target_lsn = ''")).toBeLessThan(lines.indexOf("recovery_target_time = '2026-11-30 12:00:00+09:00'"));
    expect(lines.some((line) => line.startsWith('log_startup_progress_interval'))).toBe(false);
    expect(startProof({ dest: '/d', port: 5499, targetSetting: { name: 'recovery_target', value: 'immediate' } })).toContainEqual({ name: 'data_directory', expected: '/d' });
  });
});

describe('how recovery ended', () => {
  it('reads the stop point, a pause, a promotion, a target not reached', () => {
    const paused = [
      '2026-11-30 12:00:09.1 UTC [77] LOG:  restored log file "000000010000000000000003" from archive',
      '2026-11-30 12:00:09.2 UTC [77] LOG:  recovery stopping before commit of transaction 745, time 2026-11-30 12:00:03.5+00',
      '2026-11-30 12:00:09.2 UTC [77] LOG:  pausing at the end of recovery',
      '2026-11-30 12:00:09.2 UTC [77] HINT:  Execute pg_wal_replay_resume() to promote.',
    ];
    expect(readRecoveryEnd(paused, 'pause')).toEqual({ state: 'paused', stoppedAt: 'recovery stopping before commit of transaction 745, time 2026-11-30 12:00:03.5+00' });
    const promoted = ['LOG:  recovery stopping after reaching consistency', 'LOG:  archive recovery complete', 'LOG:  last completed transaction was at log time 2026-11-30 12:00:01+00', 'LOG:  database system is ready to accept connections'];
    expect(readRecoveryEnd(promoted, 'promote')).toMatchObject({ state: 'promoted', lastTransaction: '2026-11-30 12:00:01+00' });
    const short = ['LOG:  last completed transaction was at log time 2026-11-30 12:00:01+00', 'FATAL:  recovery ended before configured recovery target was reached', 'LOG:  startup process (PID 9) exited with exit code 1'];
    expect(readRecoveryEnd(short, 'pause')).toMatchObject({ state: 'not reached', reason: expect.stringMatching(/did not reach the target.*12:00:01/) });
    expect(readRecoveryEnd(['FATAL:  could not open file "x"'], 'pause')).toMatchObject({ state: 'failed', reason: 'the server stopped: could not open file "x"' });
    // The port taken between the check before the start and the bind: said as such, not as a bare FATAL.
    const bind = ['LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', 'WARNING:  could not create listen socket for "127.0.0.1"', 'FATAL:  could not create any TCP/IP sockets', 'LOG:  database system is shut down'];
    expect(readRecoveryEnd(bind, 'pause')).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^the copy could not listen: could not bind IPv4 address "127.0.0.1": Address already in use .*plan it again: a free port is chosen$/) });
    // PostgreSQL 12 at the end of WAL without the target: promoted anyway, no stop line.
    expect(readRecoveryEnd(['LOG:  redo done at 0/3000100', 'LOG:  last completed transaction was at log time 2026-11-30 12:00:01+00', 'LOG:  archive recovery complete', 'LOG:  database system is ready to accept connections'], 'pause')).toMatchObject({ state: 'not reached', reason: expect.stringMatching(/promoted there \(PostgreSQL 12/) });
  });
});

describe('the plan', () => {
  const config = configSchema.parse({
    cluster: 'c',
    nodes: [{ name: 'pg1', host: '127.0.0.1', port: 5432, dataDir: '/var/lib/pgsql/14/data', osUser: 'postgres' }],
    archive: { dir: '/var/lib/pgsql/archive' },
    backups: { dir: '/backups' },
  });
  const b = backup('base-20261130T100000Z', '2026-11-30T10:00:05+00:00');
  const host: PitrHostFacts = {
    host: 'pg1',
    address: '127.0.0.1',
    dest: '/var/lib/pgsql/14/data.pgcockpit-pitr-20261130T120000Z',
    defaultDest: true,
    asideDir: '/var/lib/pgsql/14/data.pgcockpit-partial-20261130T120000Z',
    destState: 'absent',
    port: 5499,
    backupPresent: true,
    postgresVersion: 'postgres (PostgreSQL) 17.2',
    pgCtl: 'pg_ctl',
    postgres: 'postgres',
    archiveDir: '/var/lib/pgsql/archive',
    archiveReadable: true,
    newestSegment: '000000010000000000000009',
  };
  const facts: PitrFacts = { asked: 'auto', backups: [b], catalogProblems: [], timeZone: { zone: 'Asia/Seoul', node: 'pg1' }, hostFacts: host };

  it('shows the time as the server reads it, then copy, settings, proof, start, replay', () => {
    const plan = planPitr(config, facts, { target: { time: '2026-11-30 20:00:00' } });
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    expect(plan.checks[0]!.observed).toMatch(/2026-11-30 20:00:00\+09:00 \(2026-11-30 11:00:00Z\).*Asia\/Seoul/);
    expect(plan.steps.map((step) => step.description)).toEqual([
      expect.stringMatching(/^copy base backup base-20261130T100000Z into the new data directory/),
      expect.stringMatching(/^empty the copy's pg_wal/),
      expect.stringMatching(/^check that the start command really uses/),
      expect.stringMatching(/^start the copy's server/),
      expect.stringMatching(/^replay the archived WAL/),
    ]);
    expect(plan.steps[1]!.detail).toContain("recovery_target_time = '2026-11-30 20:00:00+09:00'");
    expect(plan.undoOnFailure).toBe(true);
    expect(plan.retryCommand).toBe("pgcockpit pitr --backup base-20261130T100000Z --target-time '2026-11-30 20:00:00' --action pause --yes");
  });

  it("one log per run (named by the plan's UTC second); a plain backup without postgresql.conf gets a minimal one, said in the plan", () => {
    const stamped = planPitr(config, { ...facts, hostFacts: { ...host, stamp: '20261130T120000Z', confPresent: false } }, { target: { time: '2026-11-30 20:00:00Z' } });
    expect(stamped.logFile).toBe(`${host.dest}/pgcockpit-recovery-20261130T120000Z.log`);
    expect(stamped.steps[3]!.detail).toContain(`-l ${host.dest}/pgcockpit-recovery-20261130T120000Z.log`);
    expect(stamped.warnings.join('\n')).toMatch(/has no postgresql\.conf \(a Debian-style cluster keeps it in \/etc\/postgresql\)/);
    expect(stamped.steps[1]!.detail).toMatch(/^write .*\/postgresql\.conf: listen_addresses = 'localhost', unix_socket_directories = ''/m);
    const withConf = planPitr(config, { ...facts, hostFacts: { ...host, confPresent: true } }, { target: { time: '2026-11-30 20:00:00Z' } });
    expect(withConf.steps[1]!.detail).not.toContain('postgresql.conf:');
    expect(withConf.warnings.join('\n')).not.toContain('postgresql.conf');
  });

  it('--copy-back public.Orders: pg_dump -t gets the quoted name; the restore is one transaction, its absence read again first, with no undo', () => {
    const plan = planPitr(config, { ...facts, copyBack: { primary: 'pg1', database: 'postgres', tableAbsent: true } }, { target: { time: '2026-11-30 20:00:00Z' }, copyBack: 'public.Orders' });
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    const [dump, restore] = plan.steps.slice(-2);
    expect(dump!.detail).toContain(`-t 'public."Orders"'`);
    expect(restore!.detail).toContain(`select to_regclass('public."Orders"') is null`);
    expect(restore!.detail).toContain('--single-transaction');
    expect(restore!.undo).toBeUndefined();
    // No --action: promote, so the copy holds no lock of the transaction it stopped before.
    expect(plan.action).toBe('promote');
    expect(planPitr(config, facts, { target: { time: '2026-11-30 20:00:00Z' } }).action).toBe('pause');
  });

  it("a copy beside production gets at most 1 GB of shared_buffers (the plan says so); in place keeps the node's own", () => {
    const big = { ...facts, timeZone: { zone: 'UTC', node: 'pg1', sharedBuffersBytes: 8 * 1024 ** 3 } };
    const plan = planPitr(config, big, { target: { time: '2026-11-30 20:00:00Z' } });
    expect(plan.steps[1]!.detail).toContain("shared_buffers = '1GB'");
    expect(plan.warnings.join('\n')).toMatch(/shared_buffers is 8192 MB on pg1: the copy gets 1 GB/);
    const small = planPitr(config, { ...facts, timeZone: { zone: 'UTC', node: 'pg1', sharedBuffersBytes: 128 * 1024 ** 2 } }, { target: { time: '2026-11-30 20:00:00Z' } });
    expect(small.steps[1]!.detail).not.toContain('shared_buffers');
  });

  it('refuses, writing nothing: a target before the backup, an abbreviation, a port in use, a used directory, another major', () => {
    const refused = (options: Parameters<typeof planPitr>[2], hostFacts: PitrHostFacts = host) => {
      const plan = planPitr(config, { ...facts, hostFacts }, options);
      expect(plan.blocked).toBe(true);
      expect(plan.steps).toEqual([]);
      return plan.blockedReasons.join('\n');
    };
    expect(refused({ target: { time: '2026-11-30 09:00:00Z' } })).toMatch(/no complete base backup can reach/);
    expect(refused({ target: { time: '2026-11-30 20:00:00 KST' } })).toMatch(/zone abbreviation/);
    expect(refused({ target: { time: '2026-11-30 20:00:00Z' } }, { ...host, portTaken: 'something accepts connections there' })).toMatch(/port 5499 is free.*something accepts/);
    expect(refused({ target: { time: '2026-11-30 20:00:00Z' } }, { ...host, destState: 'non-empty' })).toMatch(/is new or empty: non-empty/);
    expect(refused({ target: { time: '2026-11-30 20:00:00Z' } }, { ...host, postgresVersion: 'postgres (PostgreSQL) 16.4' })).toMatch(/PostgreSQL 17 programs/);
  });
});

describe('in place', () => {
  const config = configSchema.parse({
    cluster: 'c',
    nodes: [{ name: 'pg1', host: '127.0.0.1', port: 5432, dataDir: '/var/lib/pgsql/14/data', osUser: 'postgres' }],
    archive: { dir: '/var/lib/pgsql/archive' },
    backups: { dir: '/backups' },
  });
  const b = backup('base-20261130T100000Z', '2026-11-30T10:00:05+00:00');
  const host: PitrHostFacts = {
    host: 'pg1',
    address: '127.0.0.1',
    dest: '/var/lib/pgsql/14/data',
    defaultDest: false,
    asideDir: '/var/lib/pgsql/14/data.pgcockpit-partial-20261130T120000Z',
    destState: 'non-empty',
    port: 5432,
    backupPresent: true,
    postgresVersion: 'postgres (PostgreSQL) 17.2',
    pgCtl: 'pg_ctl',
    postgres: 'postgres',
    archiveDir: '/var/lib/pgsql/archive',
    archiveReadable: true,
    inPlace: { node: 'pg1', keptDir: '/var/lib/pgsql/14/data.pgcockpit-20261130T120000Z', running: false, answers: false, parentWritable: true, sameMachine: true },
  };
  const facts: PitrFacts = { asked: b.id, backups: [b], catalogProblems: [], timeZone: { zone: 'UTC', node: 'pg1' }, hostFacts: host };
  it('keeps the data directory aside first, on its own port, the node typed to confirm', () => {
    const plan = planPitr(config, facts, { target: { time: '2026-11-30 10:30:00Z' }, inPlace: 'pg1' });
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    expect(plan.confirmWord).toBe('pg1');
    expect(plan.steps[0]!.detail).toBe('mv /var/lib/pgsql/14/data /var/lib/pgsql/14/data.pgcockpit-20261130T120000Z');
    expect(plan.steps[2]!.detail).toContain('port = 5432');
    // A node, not a copy: no Ctrl-R/Ctrl-P offer once paused (promoting it is a failover's decision).
    expect(plan.copy).toBeUndefined();
  });
  it('refuses a running node, and a new directory or port beside --in-place', () => {
    const running = planPitr(config, { ...facts, hostFacts: { ...host, inPlace: { ...host.inPlace!, running: true } } }, { target: { time: '2026-11-30 10:30:00Z' }, inPlace: 'pg1' });
    expect(running.blockedReasons.join('\n')).toMatch(/pg1 is stopped .*a server runs on \/var\/lib\/pgsql\/14\/data/);
    const mixed = planPitr(config, facts, { target: { time: '2026-11-30 10:30:00Z' }, inPlace: 'pg1', port: 5499 });
    expect(mixed.blockedReasons.join('\n')).toMatch(/--in-place was given with --restore-to or --port/);
  });
});

describe('--copy-back', () => {
  it('needs a copy that stays up beside production, its primary, and the table absent there', async () => {
    const { copyBackChecks } = await import('../../src/services/runbooks/pitr/planPitr.js');
    const facts = { primary: 'pg1', database: 'shop', tableAbsent: true };
    expect(copyBackChecks({ copyBack: 'public.lost' }, 'promote', facts)).toEqual([expect.objectContaining({ status: 'ok', label: 'public.lost is not in shop on the primary pg1 (nothing is replaced)' })]);
    expect(copyBackChecks({ copyBack: 'public.lost' }, 'promote', { ...facts, tableAbsent: false })[0]).toMatchObject({ status: 'fail', observed: 'it exists there' });
    // Paused, the copy may hold the dropped table's lock: warned, with the way out.
    expect(copyBackChecks({ copyBack: 'public.lost' }, 'pause', facts)[0]).toMatchObject({ status: 'warn', observed: expect.stringMatching(/holds its lock on the table/), fix: '--action promote, or auto (the default: promote with --copy-back)' });
    expect(copyBackChecks({ copyBack: 'public.lost' }, 'shutdown', facts)[0]).toMatchObject({ status: 'fail', observed: '--action shutdown stops it at the target' });
    expect(copyBackChecks({ copyBack: 'public.lost', inPlace: 'pg1' }, 'pause', facts)[0]).toMatchObject({ status: 'fail' });
    expect(copyBackChecks({ copyBack: 'public.lost' }, 'promote', { database: 'shop', problem: 'no node answered as the primary' })[0]).toMatchObject({ status: 'fail', observed: 'no node answered as the primary' });
  });
});

describe('the recovered copy and pgcockpit cleanup', () => {
  it('lists the default destination as a recovered copy, the moved-aside one as a partial copy', async () => {
    const { keptKind } = await import('../../src/services/runbooks/rebuild/keptDirectories.js');
    expect(keptKind('/var/lib/pgsql/14/data', '/var/lib/pgsql/14/data.pgcockpit-pitr-20261130T120000Z')).toEqual({ kind: 'recovered copy', keptAt: '20261130T120000Z' });
    expect(keptKind('/var/lib/pgsql/14/data', '/var/lib/pgsql/14/data.pgcockpit-partial-20261130T120000Z')).toMatchObject({ kind: 'partial copy' });
  });
});
