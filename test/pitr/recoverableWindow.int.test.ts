import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { baseBackupEntrySchema } from '../../src/services/backups/baseBackupEntry.js';
import { makeOwnedDir } from '../../src/services/os/ownedPath.js';
import { parseLsn } from '../../src/services/postgres/lsn.js';
import { backupHistoryFileName, parseBackupHistory } from '../../src/services/pitr/backupHistoryFile.js';
import type { RecoverableWindow } from '../../src/services/pitr/recoverableWindowTypes.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';
import { startVersionCluster } from '../support/versionCluster.js';
import { describeMajor, versionClusterFor } from '../support/versionSuite.js';
import { WAL_UNREAD } from '../../src/services/pitr/recoverableWindow.js';
import { readRecoverableWindows } from '../../src/services/pitr/readRecoverableWindows.js';
import { formatWindowLine } from '../../src/services/pitr/recoverableWindowText.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { readRecoveryTarget } from '../../src/services/runbooks/pitr/recoveryTarget.js';
import type { RecoveryTarget } from '../../src/services/runbooks/pitr/recoveryTarget.js';
import { chooseBackup, targetInWindowCheck, windowUnread } from '../../src/services/runbooks/pitr/targetWindow.js';

/**
 * `pgcockpit window` through the real CLI (needs `npm run build`) on
 * clusters built by hand with the runbook's archive_command: a base backup
 * taken with pg_basebackup as the OS user and written into the catalog as
 * the base backup runbook does, rows committed at noted times, WAL switched
 * out; then a segment removed from the archive; and a promotion.
 */

interface Committed {
  segment: string;
  /** The committing transaction's start: its commit record's time is at or after it. */
  committedAt: string;
  lsn: string;
}

/** The window's config: the hand-built one with a backups dir whose `.base` folder the OS user may write (pg_basebackup runs as it). */
async function windowConfig(cluster: HandBuiltCluster): Promise<{ configFile: string; folder: string }> {
  const backupsDir = path.join(cluster.root, 'backups');
  const folder = path.join(backupsDir, 'handbuilt', '.base');
  for (const dir of [backupsDir, path.dirname(folder), folder]) await makeOwnedDir(dir, cluster.osUser, 0o750);
  const configFile = path.join(cluster.root, 'window.yaml');
  await writeFile(configFile, stringify({ ...parse(await readFile(cluster.configFile, 'utf8')), backups: { dir: backupsDir } }));
  return { configFile, folder };
}

async function archived(cluster: HandBuiltCluster): Promise<string[]> {
  return (await runChecked(localRunner(cluster.osUser), { program: 'ls', args: ['-1', cluster.archiveDir], mutating: false })).stdout.split('\n');
}

/** pg_basebackup from `node` as the OS user into the catalog, and its entry as the base backup runbook writes it: the stop from the backup history file the server archived. */
async function takeBaseBackup(cluster: HandBuiltCluster, folder: string, node: string, stamp: string): Promise<BaseBackupEntry> {
  const backupPath = path.join(folder, stamp);
  const startedAt = new Date().toISOString();
  await runChecked(localRunner(cluster.osUser), {
    program: path.join(cluster.pgBinDir, 'pg_basebackup'),
    args: ['-h', '127.0.0.1', '-p', String(cluster.node(node).port), '-U', 'replication', '-D', backupPath, '-X', 'stream', '-c', 'fast', '-l', `pgcockpit base-${stamp}`],
    env: { PGPASSWORD: cluster.replicationPassword },
    mutating: true,
  });
  const label = await readFile(path.join(backupPath, 'backup_label'), 'utf8');
  const startLsn = /^START WAL LOCATION: (\S+)/m.exec(label)![1]!;
  const timeline = Number(/^START TIMELINE: (\d+)/m.exec(label)![1]);
  const historyName = backupHistoryFileName(timeline, startLsn, 16 * 1024 * 1024);
  await waitFor(async () => (await archived(cluster)).includes(historyName), `${historyName} archived`, 30_000);
  const history = parseBackupHistory(await readFile(path.join(cluster.archiveDir, historyName), 'utf8'))!;
  const entry = baseBackupEntrySchema.parse({
    id: `base-${stamp}`,
    kind: 'basebackup',
    path: backupPath,
    host: node,
    osUser: cluster.osUser.name,
    cluster: 'handbuilt',
    node,
    format: 'plain',
    serverVersion: '15',
    pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 15',
    label: `pgcockpit base-${stamp}`,
    timeline,
    startLsn,
    endLsn: history.stopLsn,
    startTime: history.startTime,
    endTime: history.stopTime,
    startedAt,
    finishedAt: new Date().toISOString(),
    status: 'complete',
  });
  await writeFile(path.join(folder, `${stamp}.json`), JSON.stringify(entry, null, 2));
  return entry;
}

/** Commits a row on `node`, notes when and where, switches the segment out and waits for the archive to have it. */
async function commitAndSwitch(cluster: HandBuiltCluster, node: string, value: number): Promise<Committed> {
  const [row] = await cluster.superQuery<{ at: string; lsn: string; segment: string }>(
    node,
    `with ins as (insert into lost_rows values (${value}) returning 1)
     select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') as at, pg_current_wal_insert_lsn()::text as lsn, pg_walfile_name(pg_current_wal_insert_lsn()) as segment from ins`,
  );
  await cluster.superQuery(node, 'select pg_switch_wal()');
  await waitFor(async () => (await archived(cluster)).includes(row!.segment), `${row!.segment} archived`, 30_000);
  return { segment: row!.segment, committedAt: row!.at, lsn: row!.lsn };
}

function time(input: string): RecoveryTarget {
  const read = readRecoveryTarget({ time: input }, 'UTC');
  if (!read.ok) throw new Error(read.reason);
  return read.target;
}

async function windows(cluster: HandBuiltCluster, configFile: string, ...args: string[]): Promise<RecoverableWindow[]> {
  const run = await runCli(['window', '--json', '--config', configFile, ...args], { XDG_STATE_HOME: cluster.root });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  return JSON.parse(run.stdout) as RecoverableWindow[];
}

describe('pgcockpit window', () => {
  let cluster: HandBuiltCluster;
  let configFile: string;
  let entry: BaseBackupEntry;
  const committed: Committed[] = [];

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 0 });
    const made = await windowConfig(cluster);
    configFile = made.configFile;
    await cluster.superQuery('pg1', 'create table lost_rows (n int)');
    await cluster.superQuery('pg1', "select pg_create_restore_point('before-backup')");
    entry = await takeBaseBackup(cluster, made.folder, 'pg1', '20261130T120000Z');
    // A failed attempt beside it: not a window.
    await writeFile(path.join(made.folder, '20261130T110000Z.json'), JSON.stringify({ ...entry, id: 'base-20261130T110000Z', status: 'failed', error: 'cancelled' }));
    committed.push(await commitAndSwitch(cluster, 'pg1', 1));
    await cluster.superQuery('pg1', "select pg_create_restore_point('before-drop')");
    committed.push(await commitAndSwitch(cluster, 'pg1', 2));
    committed.push(await commitAndSwitch(cluster, 'pg1', 3));
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it("runs from the backup's end to the last archived commit, on timeline 1, with the restore point made after the backup", async () => {
    const [window, ...others] = await windows(cluster, configFile);
    expect(others).toEqual([]);
    const last = committed.at(-1)!;
    expect(window).toMatchObject({ backupId: entry.id, timeline: 1, from: entry.endTime, fromLsn: entry.endLsn, gaps: [] });
    expect(window!.to).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    expect(Date.parse(window!.to!)).toBeGreaterThanOrEqual(Date.parse(last.committedAt));
    expect(Date.parse(window!.to!)).toBeLessThanOrEqual(Date.now());
    // The commit record follows the insert: it starts where the insert left the WAL, or later.
    expect(parseLsn(window!.toLsn!) >= parseLsn(last.lsn), JSON.stringify({ window, committed })).toBe(true);
    // The restore point before the backup is out of reach; the one after it has its own time, between the commits around it.
    expect(window!.restorePoints.map((point) => point.name)).toEqual(['before-drop']);
    const at = Date.parse(window!.restorePoints[0]!.at);
    expect(at).toBeGreaterThanOrEqual(Date.parse(committed[0]!.committedAt));
    expect(at).toBeLessThanOrEqual(Date.parse(committed[1]!.committedAt) + 1000);

    const text = await runCli(['window', '--config', configFile], { XDG_STATE_HOME: cluster.root });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${entry.id}  ${entry.endTime} → ${window!.to}  timeline 1  no gaps  restore points: before-drop`);
  });

  it('a search stopped at its bound (WAL written without a commit since, as by a VACUUM FREEZE) leaves the window incomplete: the PITR check warns, never refuses', async () => {
    // Three segments of WAL without a commit (a non-transactional message has no transaction to commit), each archived.
    for (let i = 0; i < 3; i++) {
      const [row] = await cluster.superQuery<{ segment: string }>('pg1', "select pg_walfile_name(pg_logical_emit_message(false, 'pgcockpit', repeat('x', 1000))) as segment");
      await cluster.superQuery('pg1', 'select pg_switch_wal()');
      await waitFor(async () => (await archived(cluster)).includes(row!.segment), `${row!.segment} archived`, 30_000);
    }
    const runners = createNodeRunners(cluster.config, { readOnly: true });
    try {
      // The newest 2 segments only, as 64 of 2 GB of WAL would be: no commit there, and the restore point is older.
      const [bounded] = await readRecoverableWindows(cluster.config, cluster.node('pg1'), runners, [entry], { firstSegments: 1, maxCommitSegments: 2, restorePointSegments: 2 });
      expect(bounded, JSON.stringify(bounded)).toMatchObject({ to: null, toLsn: null, restorePoints: [], incomplete: { lastCommit: expect.stringMatching(/^no commit in the newest 32 MB .*the last archived commit is not known$/), restorePoints: expect.stringMatching(/^restore points were looked for only in the newest 32 MB/) } });
      expect(bounded!.problem).toBeUndefined();
      expect(formatWindowLine(bounded!)).toMatch(/→ \?  timeline 1  no gaps  \? no commit in the newest 32 MB/);
      const after = time(new Date(Date.parse(committed[1]!.committedAt)).toISOString());
      expect(targetInWindowCheck(after, entry, bounded!)).toMatchObject({ status: 'warn', observed: expect.stringContaining('the last archived commit is not known') });
      expect(targetInWindowCheck({ kind: 'name', value: 'before-drop' }, entry, bounded!)).toMatchObject({ status: 'warn' });
      expect(targetInWindowCheck(time('2000-01-01 00:00:00Z'), entry, bounded!).status).toBe('fail');
      // The default bound reaches back past the quiet segments: the last commit and the restore point, complete.
      const [whole] = await readRecoverableWindows(cluster.config, cluster.node('pg1'), runners, [entry]);
      expect(whole!.incomplete).toBeUndefined();
      expect(whole!.restorePoints.map((point) => point.name)).toEqual(['before-drop']);
      expect(Date.parse(whole!.to!)).toBeGreaterThanOrEqual(Date.parse(committed.at(-1)!.committedAt));
      // A PITR to a time asks for no restore points: the same end, none listed and none said missing.
      const [timeOnly] = await readRecoverableWindows(cluster.config, cluster.node('pg1'), runners, [entry], { restorePointSegments: 0 });
      expect(timeOnly).toMatchObject({ to: whole!.to, toLsn: whole!.toLsn, restorePoints: [] });
      expect(timeOnly!.incomplete).toBeUndefined();
    } finally {
      await runners.close();
    }
  });

  it('a segment removed from the archive is a gap: the window ends at the last commit before it', async () => {
    const [first, removed] = committed;
    await rm(path.join(cluster.archiveDir, removed!.segment));
    const [window] = await windows(cluster, configFile);
    expect(window!.gaps[0]).toMatchObject({ segment: removed!.segment });
    expect(Date.parse(window!.to!)).toBeGreaterThanOrEqual(Date.parse(first!.committedAt));
    expect(Date.parse(window!.to!)).toBeLessThan(Date.parse(removed!.committedAt));
    const text = await runCli(['window', '--config', configFile], { XDG_STATE_HOME: cluster.root });
    expect(text.stdout).toContain(`✗ gap at ${removed!.segment}`);
  });
});

describe('pgcockpit window after a promotion', () => {
  let cluster: HandBuiltCluster;

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 1 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it("follows the promoted standby's timeline: the commit made there after the promotion is the window's end", async () => {
    const { configFile, folder } = await windowConfig(cluster);
    await cluster.superQuery('pg1', 'create table lost_rows (n int)');
    const entry = await takeBaseBackup(cluster, folder, 'pg1', '20261130T130000Z');
    // A second backup as pgcockpit's own runbook takes and records it.
    const taken = await runCli(['basebackup', '--node', 'pg1', '--yes', '--config', configFile], { XDG_STATE_HOME: cluster.root });
    expect(taken.exitCode, taken.stdout + taken.stderr).toBe(0);
    const before = await commitAndSwitch(cluster, 'pg1', 1);
    const [{ lsn } = { lsn: '' }] = await cluster.superQuery<{ lsn: string }>('pg1', 'select pg_current_wal_lsn()::text as lsn');
    await waitFor(async () => (await cluster.superQuery<{ caught: boolean }>('pg2', `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as caught`))[0]!.caught, 'pg2 replayed pg1', 30_000);
    await cluster.superQuery('pg2', 'select pg_promote()');
    await waitFor(async () => (await archived(cluster)).includes('00000002.history'), '00000002.history archived', 30_000);
    const after = await commitAndSwitch(cluster, 'pg2', 2);
    expect(after.segment.startsWith('00000002')).toBe(true);

    const found = await windows(cluster, configFile, '--node', 'pg2');
    expect(found).toHaveLength(2);
    const window = found.find((candidate) => candidate.backupId === entry.id);
    expect(window).toMatchObject({ timeline: 2, from: entry.endTime, gaps: [] });
    expect(Date.parse(window!.to!)).toBeGreaterThanOrEqual(Date.parse(after.committedAt));
    expect(Date.parse(before.committedAt)).toBeLessThan(Date.parse(window!.to!));
    const runbooks = found.find((candidate) => candidate.backupId !== entry.id)!;
    expect(runbooks).toMatchObject({ timeline: 2, gaps: [], to: window!.to });
    expect(runbooks.problem).toBeUndefined();
    expect(Date.parse(runbooks.from)).toBeGreaterThanOrEqual(Date.parse(entry.endTime!));
  });
});

/**
 * WAL of another major than the pg_waldump that reads it: this machine's
 * PostgreSQL 15 pg_waldump over a PostgreSQL 13 archive (the embedded 13
 * package has no pg_waldump of its own). It reads nothing and says only
 * "could not find a valid record", which was taken for the end of WAL and
 * so for "no commit after the backup": every PITR target refused.
 */
describeMajor(13, 'pgcockpit window over PostgreSQL 13 WAL', () => {
  const clusterOf = versionClusterFor(13, () => startVersionCluster(13, 0));

  it("is unread, not empty: the problem names the pg_waldump used and why, the WAL's major, and the fix; the PITR check falls back to the backup's end", async ({ skip }) => {
    const cluster = clusterOf(skip);
    const primary = cluster.config.nodes[0]!;
    const q = <Row extends Record<string, unknown>>(sql: string) => cluster.query<Row>(primary.name, sql);
    await q('create table window_rows (n int)');
    // A backup's start and end as the catalog would hold them: the start of a fresh segment and a little after, on timeline 1.
    const [start] = await q<{ lsn: string; at: string }>("select pg_switch_wal()::text, pg_current_wal_insert_lsn()::text as lsn, to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') as at");
    await q('insert into window_rows values (1)');
    const [end] = await q<{ lsn: string; at: string; segment: string }>("select pg_current_wal_insert_lsn()::text as lsn, to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') as at, pg_walfile_name(pg_current_wal_insert_lsn()) as segment");
    await q('insert into window_rows values (2)');
    await q('select pg_switch_wal()');
    const listing = () => runChecked(localRunner(cluster.osUser), { program: 'ls', args: ['-1', cluster.layout.archiveDir], mutating: false }).then((run) => run.stdout.split('\n'));
    await waitFor(async () => (await listing()).includes(end!.segment), `${end!.segment} archived`, 30_000);
    const entry = baseBackupEntrySchema.parse({
      id: 'base-20261130T130000Z', kind: 'basebackup', path: '/nowhere', host: primary.name, osUser: cluster.osUser.name, cluster: cluster.config.cluster, node: primary.name,
      format: 'plain', serverVersion: '13.23', pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 15', label: 'pgcockpit', timeline: 1,
      startLsn: start!.lsn, endLsn: end!.lsn, startTime: start!.at, endTime: end!.at, startedAt: start!.at, finishedAt: end!.at, status: 'complete',
    });
    const read = async (pgBinDir: string) => {
      const config = { ...cluster.config, nodes: cluster.config.nodes.map((node) => ({ ...node, pgBinDir })) };
      const runners = createNodeRunners(config, { readOnly: true });
      try {
        return (await readRecoverableWindows(config, config.nodes[0]!, runners, [entry]))[0]!;
      } finally {
        await runners.close();
      }
    };

    // The node's pgBinDir set to this machine's PostgreSQL 15: its pg_waldump runs, and reads none of 13's WAL.
    const other = await read('/usr/lib/postgresql/15/bin');
    expect(other.problem, JSON.stringify(other)).toMatch(new RegExp(`^${WAL_UNREAD}: pg_waldump exited with 1: could not find a valid record after `));
    expect(other.problem).toContain(`the pg_waldump used: /usr/lib/postgresql/15/bin/pg_waldump (pg_waldump (PostgreSQL) 15.`);
    expect(other.problem).toContain(`chosen from nodes[${primary.name}].pgBinDir`);
    expect(other.problem).toContain("the archived WAL is PostgreSQL 13's (page magic D106): each major reads only its own WAL");
    expect(other.problem).toContain(`install PostgreSQL 13's pg_waldump on`);
    expect(other.problem).toContain(`or set nodes[${primary.name}].pgBinDir to the bin directory that has it`);
    expect(formatWindowLine(other)).toContain(`→ ?  timeline 1  no gaps  ✗ ${WAL_UNREAD}`);
    // Unknown, not "no commit": a time after the backup's end goes on (the plan warns that only the end was checked); one before it is still refused.
    expect(windowUnread(other)).toBe(true);
    expect(targetInWindowCheck(time(new Date(Date.parse(end!.at) + 1000).toISOString()), entry, other).status).toBe('ok');
    expect(chooseBackup([entry], time(new Date(Date.parse(end!.at) + 1000).toISOString()), [other])).toMatchObject({ ok: true });
    expect(targetInWindowCheck(time('2000-01-01 00:00:00Z'), entry, other).status).toBe('fail');

    // The cluster's own pgBinDir (the package's server programs): no pg_waldump there at all.
    const missing = await read(cluster.pgBinDir);
    expect(missing.problem).toMatch(new RegExp(`^${WAL_UNREAD}: cannot start ${cluster.pgBinDir}/pg_waldump`));
    expect(missing.problem).toContain(`the pg_waldump used: ${cluster.pgBinDir}/pg_waldump (not there, or no answer to --version), chosen from nodes[${primary.name}].pgBinDir`);
    expect(missing.problem).toContain("the archived WAL is PostgreSQL 13's (page magic D106)");
  });
});
