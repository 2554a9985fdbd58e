import { describe, expect, it } from 'vitest';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { configSchema } from '../../src/services/config/schema.js';
import type { CopyState } from '../../src/services/runbooks/pitr/copyFollowUp.js';
import { copyPsql, copyStateSql, endRecoverySql, isCopyFollowUp, planCopyFollowUp, readCopyState } from '../../src/services/runbooks/pitr/copyFollowUp.js';
import type { PitrHostFacts } from '../../src/services/runbooks/pitr/planPitr.js';
import { pitrSucceeded, planPitr } from '../../src/services/runbooks/pitr/planPitr.js';
import { pausedCopyCommands, recoveredCopyOf } from '../../src/services/runbooks/pitr/recoveredCopy.js';
import { recoveredCopy } from './recoveredCopyFixture.js';

const copy = recoveredCopy;

const paused: CopyState = { dataDirectory: copy.dest, port: 5499, inRecovery: true, pauseState: 'paused', readOnly: true };

describe("a paused copy's state", () => {
  it('asks the pause state the version has, and the timeline only out of recovery', () => {
    expect(copyStateSql(17)).toContain('pg_get_wal_replay_pause_state()');
    expect(copyStateSql(13)).not.toContain('pg_get_wal_replay_pause_state');
    expect(copyStateSql(13)).toContain('pg_is_wal_replay_paused()');
    expect(copyStateSql(12)).toMatch(/case when not pg_is_in_recovery\(\) then .*pg_walfile_name/);
  });

  it("reads psql's row, in recovery and out of it", () => {
    expect(readCopyState(`${copy.dest}|5499|t|paused||on\n`)).toEqual(paused);
    expect(readCopyState(`${copy.dest}|5499|f|||off`)).toEqual({ dataDirectory: copy.dest, port: 5499, inRecovery: false, readOnly: false });
    expect(readCopyState(`${copy.dest}|5499|f||2|off`)).toMatchObject({ inRecovery: false, timeline: 2, readOnly: false });
    expect(readCopyState('psql: error: connection refused')).toBeUndefined();
  });
});

describe('the plan that resumes or promotes a paused copy', () => {
  it('resume: checks it is the copy and paused, then pg_wal_replay_resume(), then waits out of recovery; the port is typed', () => {
    const plan = planCopyFollowUp(copy, 'resume', { state: paused });
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    expect(plan.checks).toEqual([expect.objectContaining({ status: 'ok', label: expect.stringContaining(`port 5499 is the copy in ${copy.dest}`), observed: expect.stringMatching(/in recovery, replay paused, read-only/) })]);
    expect(plan.steps.map((step) => [step.node, step.mutating, step.detail.split('\n')[0]])).toEqual([
      ['pg1', false, expect.stringContaining("current_setting('data_directory')")],
      ['pg1', true, 'select pg_wal_replay_resume()'],
      ['pg1', false, expect.stringMatching(/^do \$\$ .*exit when not pg_is_in_recovery\(\)/)],
    ]);
    expect(plan.steps.some((step) => step.cancellable)).toBe(false);
    expect(plan.confirmWord).toBe('5499');
    expect(plan.title).toBe('pitr: resume the copy paused at the target (base-20261130T100000Z, port 5499)');
    expect(plan.warnings.join('\n')).toMatch(/ends the copy's recovery for good/);
    expect(isCopyFollowUp(plan)).toBe(true);
  });

  it('promote: pg_promote(true, 60) from 13 on; on 12 (which does not promote a paused server) a resume, said in the plan', () => {
    expect(endRecoverySql(copy, 'promote')).toBe('select pg_promote(true, 60)');
    expect(endRecoverySql({ ...copy, major: 13 }, 'promote')).toBe('select pg_promote(true, 60)');
    expect(endRecoverySql({ ...copy, major: 12 }, 'promote')).toBe('select pg_wal_replay_resume()');
    expect(endRecoverySql({ ...copy, major: 12 }, 'resume')).toBe('select pg_wal_replay_resume()');
    const on12 = planCopyFollowUp({ ...copy, major: 12 }, 'promote', { state: paused });
    expect(on12.steps[1]!.detail).toBe('select pg_wal_replay_resume()');
    expect(on12.warnings.join('\n')).toMatch(/PostgreSQL 12 does not promote a server paused at its target/);
    const on17 = planCopyFollowUp(copy, 'promote', { state: paused });
    expect(on17.steps[1]!.description).toMatch(/^promote the copy/);
    expect(on17.warnings.join('\n')).not.toMatch(/PostgreSQL 12/);
  });

  it('refuses another server on the port, a copy out of recovery or not paused, or one that does not answer; the offer is stale then', () => {
    const refused = (seen: Parameters<typeof planCopyFollowUp>[2]) => {
      const plan = planCopyFollowUp(copy, 'resume', seen);
      expect(plan.blocked).toBe(true);
      expect(plan.steps).toEqual([]);
      expect(plan.copyGone).toBe(true);
      return plan.blockedReasons.join('\n');
    };
    expect(refused({ state: { ...paused, dataDirectory: '/var/lib/pgsql/17/data' } })).toMatch(/runs on \/var\/lib\/pgsql\/17\/data, port 5499: not the copy/);
    expect(refused({ state: { ...paused, port: 5432 } })).toMatch(/not the copy/);
    expect(refused({ state: { ...paused, inRecovery: false, readOnly: false, timeline: 2 } })).toMatch(/out of recovery already \(read-write, out of recovery, timeline 2/);
    expect(refused({ state: { ...paused, pauseState: 'not paused' } })).toMatch(/replay is not paused, not paused at the target/);
    expect(refused({ problem: 'psql to 127.0.0.1:5499 on pg1: connection refused' })).toMatch(/connection refused.*is it running\? \/usr\/pgsql-17\/bin\/pg_ctl -D/);
  });

  it("reaches the copy with psql on its host as production's login, the password in the environment, never argv", () => {
    const spec = copyPsql(copy, ['select 1'], { PGPASSWORD: 's3cret' }, { mutating: true });
    expect(spec.program).toBe('/usr/pgsql-17/bin/psql');
    expect(spec.args).toEqual(['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', '5499', '-U', 'cockpit', '-d', 'app', '-c', 'select 1']);
    expect(spec.args.join(' ')).not.toContain('s3cret');
    expect(spec.env).toMatchObject({ PGPASSWORD: 's3cret' });
  });
});

describe("the PITR's result when it ended paused", () => {
  const config = configSchema.parse({
    cluster: 'c',
    nodes: [{ name: 'pg1', host: '127.0.0.1', port: 5432, user: 'cockpit', database: 'app', dataDir: '/var/lib/pgsql/17/data', osUser: 'postgres', pgBinDir: '/usr/pgsql-17/bin' }],
    archive: { dir: '/var/lib/pgsql/archive' },
    backups: { dir: '/backups' },
  });
  const backup: BaseBackupEntry = {
    id: 'base-20261130T100000Z',
    kind: 'basebackup',
    path: '/backups/c/.base/20261130T100000Z',
    host: 'pg1',
    osUser: 'postgres',
    cluster: 'c',
    node: 'pg1',
    format: 'plain',
    serverVersion: '12.22',
    pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 12.22',
    label: 'pgcockpit',
    timeline: 1,
    startLsn: '0/2000028',
    endLsn: '0/2000120',
    startTime: '2026-11-30T10:00:05+00:00',
    endTime: '2026-11-30T10:00:05+00:00',
    startedAt: '2026-11-30T10:00:05+00:00',
    manifest: false,
    status: 'complete',
  };
  const host: PitrHostFacts = {
    host: 'pg1',
    address: '127.0.0.1',
    dest: copy.dest,
    defaultDest: true,
    asideDir: '/var/lib/pgsql/17/data.pgcockpit-partial-20261130T120000Z',
    destState: 'absent',
    port: 5499,
    backupPresent: true,
    postgresVersion: 'postgres (PostgreSQL) 12.22',
    pgCtl: '/usr/pgsql-17/bin/pg_ctl',
    postgres: '/usr/pgsql-17/bin/postgres',
    archiveDir: '/var/lib/pgsql/archive',
    archiveReadable: true,
    newestSegment: '000000010000000000000009',
  };

  it("says where the copy is (for the cockpit's offer) and names the shell commands that end its recovery", () => {
    const plan = planPitr(config, { asked: backup.id, backups: [backup], catalogProblems: [], timeZone: { zone: 'UTC', node: 'pg1' }, hostFacts: host }, { target: { time: '2026-11-30 10:30:00Z' } });
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    expect(plan.copy).toEqual({ ...copy, major: 12 });
    expect(recoveredCopyOf(plan)).toBeUndefined();
    plan.end = { state: 'paused', stoppedAt: 'recovery stopping before commit of transaction 745' };
    expect(recoveredCopyOf(plan)).toEqual({ ...plan.copy, paused: true });
    const line = pitrSucceeded(plan);
    expect(line).toContain("paused at the target, read-only; to end recovery (a writable copy on a new timeline): /usr/pgsql-17/bin/psql -h 127.0.0.1 -p 5499 -U cockpit -d app -c 'select pg_wal_replay_resume()'");
    expect(line).toContain('PostgreSQL 12 does not promote a paused server');
    // One clause for a table back into production from the shell (the cockpit's Ctrl-T).
    expect(line).toContain('; a table back into production: /usr/pgsql-17/bin/pg_dump -Fc -h 127.0.0.1 -p 5499 -U cockpit -d app -t SCHEMA.TABLE | /usr/pgsql-17/bin/pg_restore --single-transaction');
    plan.end = { state: 'promoted' };
    // No longer paused: the copy is offered for a copy-back only.
    expect(recoveredCopyOf(plan)).toEqual({ ...plan.copy, paused: false });
    expect(pitrSucceeded(plan)).toMatch(/promoted: a writable copy; .*; a table back into production: .*pg_dump -Fc/);
    plan.end = { state: 'shut down' };
    expect(pitrSucceeded(plan)).not.toContain('a table back into production');
  });

  it('from 13 on, pg_ctl promote as its OS user on its host does the same', () => {
    expect(pausedCopyCommands(copy)).toBe(
      `end recovery (a writable copy on a new timeline): /usr/pgsql-17/bin/psql -h 127.0.0.1 -p 5499 -U cockpit -d app -c 'select pg_wal_replay_resume()', or as its OS user on pg1: /usr/pgsql-17/bin/pg_ctl -D ${copy.dest} promote`,
    );
    expect(pausedCopyCommands({ ...copy, host: 'jump host' })).toContain('as its OS user here:');
  });
});
