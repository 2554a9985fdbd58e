import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBaseBackups } from '../../src/services/backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { catalogDir } from '../../src/services/backups/catalogDir.js';
import { backupHistoryFileName, parseBackupHistory } from '../../src/services/pitr/backupHistoryFile.js';
import type { RecoverableWindow } from '../../src/services/pitr/recoverableWindowTypes.js';
import { freePort } from '../../src/services/os/freePort.js';
import { pgCtlStart, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { nodePassword } from '../../src/services/postgres/nodePassword.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runCli } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The acceptance point "the recoverable window shown for the sandbox matches
 * the times of the first and last commits that a psql check finds", through
 * the real CLI (needs `npm run build`): `pgcockpit basebackup --node pg1
 * --yes`, rows committed in separate transactions, the WAL switched out and
 * archived, then `pgcockpit window --json` compared with what psql reads.
 *
 * track_commit_timestamp is turned on (ALTER SYSTEM and a restart), so psql
 * reads each row's commit time with pg_xact_commit_timestamp(xmin) and the
 * server's last commit with pg_last_committed_xact(): the very value the
 * commit record carries, which pg_waldump prints, so `to` must equal it to
 * the microsecond. autovacuum is off so that no background ANALYZE commits
 * after the last row (it would be the server's last commit, legitimately).
 *
 * Then the window's ends as `pgcockpit pitr` targets, as a DBA reads them:
 * its start gives none of the rows after the backup; its end, the last
 * commit's own time, must give every row. Two of these fail at the time of
 * writing (bugs reported to the PITR code's owner, not fixed here):
 * - a target equal to `to`, with no transaction record after it, passes
 *   the window check (`≤ to`) but PostgreSQL 13+ stops a time target only
 *   *before* a later record whose time is past it, so it replays to the end
 *   and ends with FATAL "recovery ended before configured recovery target
 *   was reached";
 * - the window check compares at millisecond precision (Date.parse), so a
 *   target a few microseconds after the last commit is accepted and the
 *   recovery fails the same way, after the copy was made.
 */

/** A time as psql prints it below (UTC, microseconds) or as pgcockpit does (ISO, offset), in microseconds since the epoch, so both compare exactly. */
function micros(iso: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(iso);
  if (!match) throw new Error(`not an ISO time with an offset: ${iso}`);
  const [, date, time, fraction = '', zone] = match;
  const offset = zone === 'Z' ? 'Z' : zone!.length === 3 ? `${zone}:00` : zone!.includes(':') ? zone : `${zone!.slice(0, 3)}:${zone!.slice(3)}`;
  const seconds = Date.parse(`${date}T${time}${offset}`);
  if (Number.isNaN(seconds)) throw new Error(`not a time: ${iso}`);
  return BigInt(seconds) * 1000n + BigInt(fraction.padEnd(6, '0'));
}

/** The same instant the way psql prints it with to_char in UTC. */
const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'`;
const utc = (expression: string) => `to_char((${expression}) at time zone 'UTC', ${UTC_ISO})`;

interface NotedCommit {
  /** clock_timestamp() read just before and just after, in the same session: the commit lies between. */
  before: string;
  after: string;
  /** pg_xact_commit_timestamp of the row's xmin, read afterwards. */
  committedAt: string;
}

describe("pgcockpit window on the sandbox, against psql's own reading of the commits", () => {
  let cluster: TestCluster;
  let entry: BaseBackupEntry;
  /** The last commit before the backup began: outside the window. */
  let beforeBackup: string;
  const commits: NotedCommit[] = [];
  /** pg_last_committed_xact() after the last commit (and a rolled-back transaction after it). */
  let lastCommitted: { xid: string; at: string };

  const cli = (...args: string[]) => runCli([...args, '--config', cluster.layout.configFile], { XDG_STATE_HOME: cluster.layout.root });

  /** psql as a DBA runs it: one -c per statement, so each is its own transaction in one session; -At prints bare values. */
  const psql = async (...statements: string[]): Promise<string[]> => {
    const node = cluster.node('pg1');
    const run = await execa(
      path.join(cluster.pgBinDir, 'psql'),
      ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', node.host, '-p', String(node.port), '-U', node.user ?? 'postgres', '-d', node.database ?? 'postgres', ...statements.flatMap((sql) => ['-c', sql])],
      { env: { PGPASSFILE: cluster.layout.passfile, PGTZ: 'UTC' }, reject: false },
    );
    if (run.exitCode !== 0) throw new Error(`psql failed (exit ${run.exitCode}): ${String(run.stderr)}`);
    return String(run.stdout).split('\n').filter((line) => line !== '');
  };

  /** One transaction (an INSERT in autocommit), bracketed by the session's clock. */
  const commitRow = async (note: string): Promise<Omit<NotedCommit, 'committedAt'>> => {
    const [before, after] = await psql(`select ${utc('clock_timestamp()')}`, `insert into window_probe (note) values ('${note}')`, `select ${utc('clock_timestamp()')}`);
    return { before: before!, after: after! };
  };

  beforeAll(async () => {
    cluster = await startTestCluster(1);
    const pg1 = cluster.node('pg1');
    await cluster.query('pg1', 'alter system set track_commit_timestamp = on');
    await cluster.query('pg1', 'alter system set autovacuum = off');
    const target = { pgBinDir: cluster.pgBinDir, dataDir: pg1.dataDir!, runner: localRunner(cluster.osUser) };
    await pgCtlStop(target, 'fast');
    await pgCtlStart(target, cluster.layout.logFile('pg1'));
    expect(await psql('show track_commit_timestamp')).toEqual(['on']);

    await psql('create table window_probe (id serial primary key, note text not null)');
    await commitRow('before the backup');
    [beforeBackup] = await psql(`select ${utc('pg_xact_commit_timestamp(xmin)')} from window_probe where note = 'before the backup'`) as [string];

    const taken = await cli('basebackup', '--node', 'pg1', '--yes');
    expect(taken.exitCode, taken.stdout + taken.stderr).toBe(0);
    const listing = await listBaseBackups(localRunner(cluster.osUser), catalogDir(cluster.config), cluster.config.cluster);
    expect(listing.problems).toEqual([]);
    expect(listing.entries).toHaveLength(1);
    entry = listing.entries[0]!;
    expect(entry.status).toBe('complete');

    // Three transactions a little apart, then one rolled back: an abort is no commit, the window must not end there.
    const bracketed = [];
    for (const note of ['first after the backup', 'second', 'last']) {
      bracketed.push({ note, ...(await commitRow(note)) });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await psql('begin', "insert into window_probe (note) values ('rolled back')", 'select txid_current()', 'rollback');
    for (const { note, before, after } of bracketed) {
      const [committedAt] = await psql(`select ${utc('pg_xact_commit_timestamp(xmin)')} from window_probe where note = '${note}'`);
      commits.push({ before, after, committedAt: committedAt! });
    }
    const [last] = await psql(`select xid || ' ' || ${utc('timestamp')} from pg_last_committed_xact()`);
    const [xid, at] = last!.split(' ');
    lastCommitted = { xid: xid!, at: at! };

    const [switched] = await psql('select pg_walfile_name(pg_switch_wal())');
    await waitFor(async () => (await psql('select coalesce(last_archived_wal, \'\') from pg_stat_archiver'))[0]! >= switched!, `${switched} archived`, 60_000);
  }, 240_000);

  afterAll(async () => {
    // The recovered copies live below pg1's node directory (the sandbox's own): stopped here, removed with it.
    if (cluster) {
      const nodeDir = cluster.layout.nodeDir('pg1');
      for (const name of (await readdir(nodeDir).catch(() => [])).filter((entry) => entry.startsWith('pitr-'))) {
        await localRunner(cluster.osUser).run({ program: path.join(cluster.pgBinDir, 'pg_ctl'), args: ['-D', path.join(nodeDir, name), '-m', 'immediate', '-w', 'stop'], mutating: true }).catch(() => undefined);
      }
    }
    await cluster?.destroy();
  });

  it("psql's own reading: each commit lies within its client's bracket, in order, and the last one is the server's last commit", () => {
    for (const commit of commits) {
      expect(micros(commit.committedAt) >= micros(commit.before) && micros(commit.committedAt) <= micros(commit.after), JSON.stringify(commit)).toBe(true);
    }
    expect(micros(commits[0]!.committedAt) < micros(commits[1]!.committedAt) && micros(commits[1]!.committedAt) < micros(commits[2]!.committedAt)).toBe(true);
    expect(lastCommitted.at).toBe(commits.at(-1)!.committedAt);
  });

  it("window --json: from is the backup's end, before the first commit after it; to is the last commit's time to the microsecond", async () => {
    const run = await cli('window', '--json');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const windows = JSON.parse(run.stdout) as RecoverableWindow[];
    expect(windows).toHaveLength(1);
    const [window] = windows;
    const seen = JSON.stringify({ window, entry, beforeBackup, commits, lastCommitted }, null, 2);
    expect(window, seen).toMatchObject({ backupId: entry.id, timeline: 1, from: entry.endTime, fromLsn: entry.endLsn, gaps: [] });
    expect(window!.problem, seen).toBeUndefined();

    // from: after the last commit before the backup, at or before the first one after it.
    const from = micros(window!.from);
    expect(from > micros(beforeBackup), seen).toBe(true);
    expect(from <= micros(commits[0]!.committedAt), seen).toBe(true);
    // And not before the server's own stop of the backup (its .backup history file in the archive; whole seconds).
    const historyName = backupHistoryFileName(entry.timeline!, entry.startLsn!, 16 * 1024 * 1024);
    const history = parseBackupHistory(await readFile(path.join(cluster.layout.archiveDir, historyName), 'utf8'));
    expect(history?.stopTime, seen).toBeDefined();
    expect(from >= micros(history!.stopTime!), `${seen}\nhistory: ${JSON.stringify(history)}`).toBe(true);

    // to: exactly the last commit psql finds (the rolled-back transaction after it changes nothing).
    expect(window!.to, seen).not.toBeNull();
    expect(micros(window!.to!), seen).toBe(micros(lastCommitted.at));
    expect(micros(window!.to!) >= micros(commits.at(-1)!.before) && micros(window!.to!) <= micros(commits.at(-1)!.after), seen).toBe(true);

    // The text form shows the same two instants.
    const text = await cli('window');
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${entry.id}  ${window!.from} → ${window!.to}  timeline 1  no gaps`);
  });

  /**
   * The window's two ends used as targets, as a DBA would after reading it:
   * `pgcockpit pitr` side by side, promoted, and the copy's rows counted.
   * Before this, one more commit, so that the last transaction record in the
   * archive is a commit (no abort after it).
   */
  const recoverTo = async (targetTime: string, name: string) => {
    const port = await freePort();
    const dest = path.join(cluster.layout.nodeDir('pg1'), `pitr-${name}`);
    const run = await cli('pitr', '--backup', entry.id, '--target-time', targetTime, '--action', 'promote', '--restore-to', dest, '--port', String(port), '--yes');
    return { ...run, dest, port };
  };
  const copyNotes = async (port: number): Promise<string[]> => {
    const node = cluster.node('pg1');
    const lookup = await nodePassword(node, cluster.config.passfile);
    const client = new pg.Client({ host: '127.0.0.1', port, user: node.user ?? 'postgres', database: node.database ?? 'postgres', ...(lookup.found ? { password: lookup.password } : {}) });
    await client.connect();
    try {
      return (await client.query<{ note: string }>('select note from window_probe order by id')).rows.map((row) => row.note);
    } finally {
      await client.end();
    }
  };
  const newestWindow = async (): Promise<RecoverableWindow> => {
    const run = await cli('window', '--json');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as RecoverableWindow[])[0]!;
  };

  it("a recovery to the window's end (the last commit's own time, no transaction after it) has every row, that commit's too", async () => {
    await commitRow('the very last');
    const [switched] = await psql('select pg_walfile_name(pg_switch_wal())');
    await waitFor(async () => (await psql("select coalesce(last_archived_wal, '') from pg_stat_archiver"))[0]! >= switched!, `${switched} archived`, 60_000);
    const [last] = await psql(`select ${utc('timestamp')} from pg_last_committed_xact()`);
    const window = await newestWindow();
    expect(micros(window.to!)).toBe(micros(last!));

    const run = await recoverTo(window.to!, 'to-end');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(await copyNotes(run.port)).toEqual(['before the backup', 'first after the backup', 'second', 'last', 'the very last']);
  });

  it('a target a fraction of a millisecond after the last commit is refused before anything is written', async () => {
    const window = await newestWindow();
    const to = micros(window.to!);
    // The same millisecond, later microseconds: after the last commit, yet equal to it at millisecond precision.
    const later = to - (to % 1000n) + 999n;
    if (later === to) return; // the commit fell on the millisecond's last microsecond: no such target exists
    const seconds = new Date(Number(later / 1000n)).toISOString().slice(0, 19);
    const target = `${seconds}.${String(later % 1_000_000n).padStart(6, '0')}+00:00`;
    expect(micros(target)).toBe(later);
    const run = await recoverTo(target, 'past-end');
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/after the last archived commit/);
    expect(await readdir(cluster.layout.nodeDir('pg1'))).not.toContain('pitr-past-end');
  });

  it("a recovery to the window's end as a WAL location (toLsn, the last commit's record) has every row: the last commit is reachable that way", async () => {
    const window = await newestWindow();
    const port = await freePort();
    const dest = path.join(cluster.layout.nodeDir('pg1'), 'pitr-to-lsn');
    const run = await cli('pitr', '--backup', entry.id, '--target-lsn', window.toLsn!, '--action', 'promote', '--restore-to', dest, '--port', String(port), '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(await copyNotes(port)).toEqual(['before the backup', 'first after the backup', 'second', 'last', 'the very last']);
  });

  it("a recovery to the window's start (the backup's end) has none of the rows committed after the backup", async () => {
    const window = await newestWindow();
    const run = await recoverTo(window.from, 'from-start');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(await copyNotes(run.port)).toEqual(['before the backup']);
  });
});
