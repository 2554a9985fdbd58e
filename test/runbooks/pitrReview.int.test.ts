import { execa } from 'execa';
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { writeBaseBackupEntry } from '../../src/services/backups/baseBackupCatalog.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import type { PitrOptions, PitrPlan } from '../../src/services/runbooks/pitr/planPitr.js';
import { planPitr } from '../../src/services/runbooks/pitr/planPitr.js';
import { preparePitr, readPitrFacts } from '../../src/services/runbooks/pitr/preparePitr.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { baseBackupByHand } from '../support/handBaseBackup.js';
import { queryOnPort, runPlanned, serverNow as serverNowOf, sleep, switchAndArchive } from '../support/pitrScenario.js';

/**
 * What a review of the PITR runbook found, each on real servers of a
 * hand-built cluster: a table recreated on the primary between the plan and
 * the copy-back is refused and left as it is (no DROP); a mixed-case
 * --copy-back name dumps that table, not its lower-case namesake; an earlier
 * run's log inside the backup is never read as this run's end; in place, the
 * recovery settings leave the node's postgresql.auto.conf once promoted (and
 * are listed while paused); a backup without postgresql.conf (Debian-style)
 * gets a minimal one and recovers.
 */
describe('PITR review fixes on a hand-built cluster', () => {
  let cluster: HandBuiltCluster;
  let config: CockpitConfig;
  let backup: BaseBackupEntry;
  let targetUtc: string;
  const started: string[] = [];

  const serverNow = () => serverNowOf(cluster);
  const asOs = (program: string, args: string[]) => execa(program, args, { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
  const pgCtl = (...args: string[]) => asOs(path.join(cluster.pgBinDir, 'pg_ctl'), args);

  /** A second catalog entry: the backup copied, then changed by `change` (as the OS user). */
  const variant = async (suffix: string, change: string, ...args: string[]): Promise<BaseBackupEntry> => {
    const runner = localRunner(cluster.osUser);
    const copy = { ...backup, id: `${backup.id}-${suffix}`, path: `${backup.path}-${suffix}` };
    await runChecked(runner, { program: 'cp', args: ['-a', backup.path, copy.path], mutating: true });
    await runChecked(runner, { program: 'sh', args: ['-c', change, 'sh', copy.path, ...args], mutating: true });
    await writeBaseBackupEntry(runner, copy);
    return copy;
  };

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 1 });
    const os = cluster.osUser;
    const backupsDir = path.join(cluster.root, 'backups');
    await mkdir(backupsDir, { mode: 0o750 });
    await chown(backupsDir, os.uid, os.gid);
    config = { ...cluster.config, backups: { dir: backupsDir, host: 'pg1' } };

    backup = await baseBackupByHand(cluster, config, backupsDir);

    // "Orders" (3 rows) beside its lower-case namesake orders (7 rows); T; then "Orders" dropped, orders kept.
    await sleep(1100);
    await cluster.superQuery('pg1', 'create table "Orders" (id int primary key, note text)');
    await cluster.superQuery('pg1', `insert into "Orders" select g, 'at T ' || g from generate_series(1, 3) g`);
    await cluster.superQuery('pg1', 'create table orders (id int primary key, note text)');
    await cluster.superQuery('pg1', `insert into orders select g, 'lower ' || g from generate_series(1, 7) g`);
    await sleep(1100);
    targetUtc = await serverNow();
    await sleep(1100);
    await cluster.superQuery('pg1', 'drop table "Orders"');
    await switchAndArchive(cluster);
  }, 180_000);

  afterAll(async () => {
    for (const dir of started) await pgCtl('-D', dir, '-m', 'immediate', 'stop');
    await cluster?.destroy();
  });

  const plan = (options: PitrOptions, asked = backup.id) => preparePitr(config, asked, options);
  const run = (planned: PitrPlan) => {
    if (planned.dest) started.push(planned.dest);
    return runPlanned(config, planned);
  };
  const onPort = <Row extends pg.QueryResultRow>(port: number, sql: string) => queryOnPort<Row>(cluster, port, sql);

  it('--copy-back public.Orders: paused right before the DROP, a clear refusal; a table recreated on the primary after the plan is refused and kept; then "Orders" (not orders) is restored, in one transaction', async () => {
    // T is just before the DROP: paused there, the copy holds the DROP's lock on "Orders" (logged before its commit) for ever.
    // Without --action, --copy-back promotes; pause is asked for here, and the plan warns about it.
    expect((await plan({ target: { time: targetUtc }, copyBack: 'public.Orders' })).action).toBe('promote');
    const paused = await plan({ target: { time: targetUtc }, copyBack: 'public.Orders', action: 'pause' });
    expect(paused.blocked, paused.blockedReasons.join('\n')).toBe(false);
    expect(paused.checks).toContainEqual(expect.objectContaining({ status: 'warn', label: 'the copy can be read at the target' }));
    const locked = await run(paused);
    expect(locked.outcome.succeeded).toBe(false);
    expect(locked.outcome.failedStep?.error).toMatch(/public\."Orders" is locked on the copy: paused, it holds the lock of the first transaction after the target .*recover with --action promote/);
    started.push(/the copy is kept at (\S+)/.exec(locked.lines)![1]!);

    const planned = await plan({ target: { time: targetUtc }, copyBack: 'public.Orders', action: 'promote' });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const restore = planned.steps.at(-1)!;
    expect(restore.detail).toContain('--single-transaction');
    expect(restore.undo).toBeUndefined();
    expect(planned.steps.at(-2)!.detail).toContain(`-t 'public."Orders"'`);

    // Hours later, someone made "Orders" again and wrote to it: the restore must not touch it.
    await cluster.superQuery('pg1', 'create table "Orders" (id int primary key, note text)');
    await cluster.superQuery('pg1', `insert into "Orders" select g, 'new ' || g from generate_series(1, 5) g`);
    const refused = await run(planned);
    expect(refused.outcome.succeeded).toBe(false);
    expect(refused.outcome.failedStep?.error).toMatch(/public\."Orders" exists in postgres on pg1 now \(created since the plan looked\): nothing was restored/);
    expect(refused.lines).not.toMatch(/drop table/i);
    started.push(/the copy is kept at (\S+)/.exec(refused.lines)![1]!);
    expect(await cluster.superQuery('pg1', 'select count(*)::int as n, min(note) as note from "Orders"')).toEqual([{ n: 5, note: 'new 1' }]);
    expect(await cluster.superQuery('pg1', 'select count(*)::int as n from orders')).toEqual([{ n: 7 }]);

    // Gone again: the copy-back restores "Orders" as at T, and the lower-case orders is untouched (pg_dump -t Orders would have dumped orders).
    await cluster.superQuery('pg1', 'drop table "Orders"');
    const again = await plan({ target: { time: targetUtc }, copyBack: 'public.Orders', action: 'promote' });
    expect(again.blocked, again.blockedReasons.join('\n')).toBe(false);
    const { outcome, lines } = await run(again);
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toContain('public.Orders is back on pg1: 3 rows, as at the target');
    expect(await cluster.superQuery('pg1', 'select id, note from "Orders" order by id')).toEqual([1, 2, 3].map((id) => ({ id, note: `at T ${id}` })));
    expect(await cluster.superQuery('pg1', 'select count(*)::int as n from orders')).toEqual([{ n: 7 }]);
    await pgCtl('-D', again.dest!, '-m', 'fast', '-w', 'stop');
  }, 240_000);

  it("an earlier run's log inside the backup is not read as this run's end: a target the archive does not reach still fails", async () => {
    const later = new Date(Date.parse(targetUtc.replace(' ', 'T')) + 3600_000).toISOString();
    const facts = await readPitrFacts(config, backup.id, { target: { time: later } });
    const probe = planPitr(config, { ...facts, windows: undefined }, { target: { time: later } });
    // A data directory that came from an earlier recovery: its log (under the old name and this run's) says it paused at its target.
    const stale = 'LOG:  recovery stopping before commit of transaction 1, time 2026-01-01 00:00:00+00\nLOG:  pausing at the end of recovery\nLOG:  database system is ready to accept connections\n';
    const earlier = await variant('earlier', 'printf "%s" "$2" > "$1/pgcockpit-recovery.log"; printf "%s" "$2" > "$1/$3"', stale, path.posix.basename(probe.logFile!));
    const earlierFacts = await readPitrFacts(config, earlier.id, { target: { time: later } });
    const planned = planPitr(config, { ...earlierFacts, windows: undefined }, { target: { time: later } });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(false);
    expect(outcome.failedStep?.error).toMatch(/did not reach the target \(recovery ended before configured recovery target was reached/);
    // This run's name is taken when planned (its UTC second): when it is the one the backup carries, that one was moved aside first.
    if (path.posix.basename(planned.logFile!) === path.posix.basename(probe.logFile!)) expect(lines).toMatch(/an earlier pgcockpit-recovery-\d{8}T\d{6}Z\.log moved to /);
    const aside = /the copy is kept at (\S+)/.exec(lines)![1]!;
    started.push(aside);
    await runChecked(localRunner(cluster.osUser), { program: 'rm', args: ['-f', `${earlier.path}.json`], mutating: true });
  }, 180_000);

  it('a backup without postgresql.conf or pg_hba.conf (Debian-style): said in the plan, a minimal one written, the copy recovers to T', async () => {
    const debian = await variant('debian', 'rm -f "$1/postgresql.conf" "$1/pg_hba.conf" "$1/pg_ident.conf"');
    const planned = await plan({ target: { time: targetUtc } }, debian.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    expect(planned.warnings.join('\n')).toMatch(/has no postgresql\.conf \(a Debian-style cluster keeps it in \/etc\/postgresql\): step 2 writes a minimal one/);
    expect(planned.steps[1]!.detail).toMatch(/write .*\/postgresql\.conf: listen_addresses = 'localhost'/);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toMatch(/postgresql\.conf written \(the backup had none\); pg_hba\.conf written/);
    expect(planned.end?.state).toBe('paused');
    // (Paused just before the DROP, "Orders" is locked by it: orders is read.)
    expect(await onPort(planned.port!, 'select count(*)::int as n from orders')).toEqual([{ n: 7 }]);
    expect(await onPort(planned.port!, "select current_setting('listen_addresses') as l, current_setting('data_directory') as d")).toEqual([{ l: 'localhost', d: planned.dest }]);
    await pgCtl('-D', planned.dest!, '-m', 'fast', '-w', 'stop');
    await runChecked(localRunner(cluster.osUser), { program: 'rm', args: ['-f', `${debian.path}.json`], mutating: true });
  }, 180_000);

  it("in place: paused, the recovery settings stay and the result lists them; promoted, they are gone from pg2's postgresql.auto.conf and pg2 archives again after a restart", async () => {
    const dataDir = cluster.dataDir('pg2');
    const autoConf = path.join(dataDir, 'postgresql.auto.conf');
    const readAuto = async () => String((await asOs('cat', [autoConf])).stdout);
    expect((await pgCtl('-D', dataDir, '-m', 'fast', '-w', 'stop')).exitCode).toBe(0);

    const paused = await plan({ target: { time: targetUtc }, inPlace: 'pg2' });
    expect(paused.blocked, paused.blockedReasons.join('\n')).toBe(false);
    const first = await run(paused);
    expect(first.outcome.succeeded, first.lines).toBe(true);
    expect(paused.end?.state).toBe('paused');
    expect(first.lines).toMatch(/left in .*postgresql\.auto\.conf: they keep pg2 at the target while it is paused; .*promote it .*remove these \d+ lines and restart it/);
    expect(first.lines).toContain("  archive_mode = 'off'");
    expect(await readAuto()).toContain('# added by pgcockpit pitr');
    expect((await pgCtl('-D', dataDir, '-m', 'fast', '-w', 'stop')).exitCode).toBe(0);

    const promoted = await plan({ target: { time: targetUtc }, inPlace: 'pg2', action: 'promote' });
    expect(promoted.blocked, promoted.blockedReasons.join('\n')).toBe(false);
    const second = await run(promoted);
    expect(second.outcome.succeeded, second.lines).toBe(true);
    expect(promoted.end?.state).toBe('promoted');
    expect(second.lines).toMatch(/the \d+ lines of the recovery are out of .*postgresql\.auto\.conf/);
    const after = await readAuto();
    expect(after).not.toContain('# added by pgcockpit pitr');
    expect(after).not.toMatch(/recovery_target|archive_mode|primary_conninfo = ''|restore_command/);
    const pg2 = cluster.node('pg2');
    expect(await onPort(pg2.port, 'select count(*)::int as n from "Orders"')).toEqual([{ n: 3 }]);
    // The node's own settings again once restarted: it archives (archive_mode from its postgresql.conf), no recovery target left.
    expect((await pgCtl('-D', dataDir, '-m', 'fast', '-w', 'restart', '-l', path.join(cluster.logDir('pg2'), 'restart.log'))).exitCode).toBe(0);
    expect(await onPort(pg2.port, "select current_setting('archive_mode') as a, current_setting('recovery_target_time') as t, pg_is_in_recovery() as r")).toEqual([{ a: 'on', t: '', r: false }]);
  }, 300_000);
});
