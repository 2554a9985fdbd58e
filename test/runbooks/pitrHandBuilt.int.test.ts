import { execa } from 'execa';
import { access, chown, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { writeBaseBackupEntry } from '../../src/services/backups/baseBackupCatalog.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { freePort } from '../../src/services/os/freePort.js';
import type { PitrOptions, PitrPlan } from '../../src/services/runbooks/pitr/planPitr.js';
import { planPitr } from '../../src/services/runbooks/pitr/planPitr.js';
import { preparePitr, readPitrFacts } from '../../src/services/runbooks/pitr/preparePitr.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { baseBackupByHand } from '../support/handBaseBackup.js';
import { lostTableScenario, queryOnPort, runPlanned, serverNow as serverNowOf, sleep, switchAndArchive } from '../support/pitrScenario.js';
import { runCli } from '../support/runCli.js';
import { pgrep } from './cancelRunbook.js';
import { waitFor } from '../support/waitFor.js';
import { parse, stringify } from 'yaml';

/**
 * The runbook's PITR scenario on a cluster built by hand (its `test ! -f && cp`
 * archive, TimeZone Asia/Seoul, the runbook's +09): a base backup taken with
 * pg_basebackup as the OS user and recorded in the catalog; a table made,
 * rows committed, T noted, more rows, DROP TABLE, the WAL switched and
 * archived. PITR to T side by side: the copy has the table with exactly the
 * rows committed before T; production still has no table, its primary is
 * still the primary and its standbys stream. Refused with nothing written: a
 * target before the backup's end, a zone abbreviation, a port in use.
 */
describe('point-in-time recovery side by side on a hand-built cluster', () => {
  let cluster: HandBuiltCluster;
  let config: CockpitConfig;
  let configFile: string;
  let backup: BaseBackupEntry;
  /** Before the backup, T (after the first rows), in UTC. */
  let beforeBackup: string;
  let targetUtc: string;
  const started: string[] = [];

  const serverNow = () => serverNowOf(cluster);

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 2 });
    const os = cluster.osUser;
    const backupsDir = path.join(cluster.root, 'backups');
    await mkdir(backupsDir, { mode: 0o750 });
    await chown(backupsDir, os.uid, os.gid);
    // The backups dir on pg1's host, as its OS user: where pg_basebackup wrote.
    config = { ...cluster.config, backups: { dir: backupsDir, host: 'pg1' } };
    configFile = path.join(cluster.root, 'pitr.yaml');
    await writeFile(configFile, stringify({ ...parse(await readFile(cluster.configFile, 'utf8')), backups: { dir: backupsDir, host: 'pg1' } }));
    // The runbook's server, in Seoul.
    await cluster.superQuery('pg1', "alter system set timezone = 'Asia/Seoul'");
    await cluster.superQuery('pg1', 'select pg_reload_conf()');
    beforeBackup = await serverNow();
    await sleep(1100);

    backup = await baseBackupByHand(cluster, config, backupsDir);

    targetUtc = await lostTableScenario(cluster);
  }, 180_000);

  afterAll(async () => {
    for (const dir of started) {
      await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', dir, '-m', 'immediate', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    }
    await cluster?.destroy();
  });

  const plan = (options: PitrOptions, asked = 'auto') => preparePitr(config, asked, options);
  const run = (planned: PitrPlan, cancel?: (event: PlanEvent, abort: AbortController) => void) => {
    if (planned.dest) started.push(planned.dest);
    return runPlanned(config, planned, cancel);
  };
  const onCopy = <Row extends pg.QueryResultRow>(port: number, sql: string) => queryOnPort<Row>(cluster, port, sql);
  const exists = (dir: string) => access(dir).then(() => true, () => false);

  it('recovers to T beside production: exactly the rows committed before T, production untouched', async () => {
    const planned = await plan({ target: { time: targetUtc } });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    // The instant given in UTC, shown as the Seoul server reads it.
    expect(planned.checks.map((check) => check.observed).join('\n')).toMatch(/Asia\/Seoul shows it as .*\+09:00/);
    expect(planned.dest).toMatch(/data\/pg1\.pgcockpit-pitr-\d{8}T\d{6}Z$/);
    // Checked against the window read from the archive (pg_waldump's last commit: the DROP TABLE).
    expect(planned.checks.find((check) => /recoverable window/.test(check.label)), JSON.stringify(planned.warnings)).toMatchObject({ status: 'ok' });
    const { outcome, lines, events } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toMatch(/recovery stopping before commit of transaction \d+, time/);
    expect(planned.end?.state).toBe('paused');
    expect(planned.succeededLine()).toMatch(new RegExp(`psql -h 127.0.0.1 -p ${planned.port} -U postgres`));
    const replay = events.flatMap((event) => (event.type === 'job-progress' && event.number === 5 ? [event.fraction] : []));
    expect(replay.at(-1)).toBe(1);

    const rows = await onCopy<{ id: number; note: string }>(planned.port!, 'select id, note from lost order by id');
    expect(rows).toEqual([1, 2, 3].map((id) => ({ id, note: `before T ${id}` })));
    expect((await onCopy<{ r: boolean }>(planned.port!, 'select pg_is_in_recovery() as r'))[0]!.r).toBe(true);
    expect((await onCopy<{ d: string }>(planned.port!, "select current_setting('data_directory') as d"))[0]!.d).toBe(planned.dest);

    // Production: the table still dropped, pg1 still the primary, both standbys streaming.
    expect(await cluster.superQuery('pg1', "select 1 from pg_class where relname = 'lost'")).toEqual([]);
    expect((await cluster.superQuery<{ r: boolean }>('pg1', 'select pg_is_in_recovery() as r'))[0]!.r).toBe(false);
    expect((await cluster.superQuery<{ n: number }>('pg1', "select count(*)::int as n from pg_stat_replication where state = 'streaming'"))[0]!.n).toBe(2);
    // The copy archived nothing into production's archive (archive_mode off): no new timeline history there.
    expect((await cluster.superQuery<{ n: number }>('pg1', 'select archived_count::int as n from pg_stat_archiver'))[0]!.n).toBeGreaterThan(0);
  }, 180_000);

  it('the same instant written with the runbook\'s +09, promoted: the same rows, and a writable copy', async () => {
    const seoul = new Date(Date.parse(targetUtc.replace(' ', 'T')) + 9 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
    const planned = await plan({ target: { time: `${seoul}+09` }, action: 'promote' });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(planned.end?.state).toBe('promoted');
    expect((await onCopy<{ n: number }>(planned.port!, 'select count(*)::int as n from lost'))[0]!.n).toBe(3);
    expect((await onCopy<{ r: boolean }>(planned.port!, 'select pg_is_in_recovery() as r'))[0]!.r).toBe(false);
  }, 180_000);

  it('a target the archive does not reach fails with the reason; the copy is stopped and moved aside, kept', async () => {
    // Past the last archived commit, with the window left unread (as before the reader existed): only the server can tell.
    const later = new Date(Date.parse(targetUtc.replace(' ', 'T')) + 3600_000).toISOString();
    const facts = await readPitrFacts(config, backup.id, { target: { time: later } });
    const planned = planPitr(config, { ...facts, windows: undefined }, { target: { time: later } });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded).toBe(false);
    expect(outcome.failedStep?.error).toMatch(/did not reach the target \(recovery ended before configured recovery target was reached/);
    expect(lines).toMatch(/the copy is kept at .*pg1\.pgcockpit-partial-/);
    expect(await exists(planned.dest!)).toBe(false);
    const aside = /the copy is kept at (\S+)/.exec(lines)![1]!;
    started.push(aside);
    const status = await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', aside, 'status'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    expect(status.exitCode, status.stdout).toBe(3);
  }, 180_000);

  it('the command line (needs npm run build): --dry-run prints the plan with the time as the server reads it; an abbreviation exits 2', async () => {
    const cli = (...args: string[]) => runCli(['pitr', ...args, '--config', configFile], { XDG_STATE_HOME: cluster.root });
    const dry = await cli('--backup', 'auto', '--target-time', targetUtc, '--dry-run');
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Asia\/Seoul shows it as/);
    expect(dry.stdout).toMatch(/recovery_target_time = '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\+00:00'/);
    expect(dry.stdout).toMatch(/-- must say /);
    const dest = /pg_ctl -D (\S+pgcockpit-pitr-\S+) -l/.exec(dry.stdout)?.[1];
    expect(dest, dry.stdout).toBeDefined();
    expect(await exists(dest!)).toBe(false);
    expect(dry.stdout).toContain("recovery_target_action = 'pause'");
    // --action auto, the default: promote with --copy-back (paused before the DROP's commit, the copy would hold the table's lock).
    const copying = await cli('--backup', 'auto', '--target-time', targetUtc, '--copy-back', 'public.lost', '--dry-run');
    expect(copying.stdout, copying.stderr).toContain("recovery_target_action = 'promote'");
    const abbreviated = await cli('--backup', 'auto', '--target-time', `${targetUtc.replace('Z', '')} KST`, '--yes');
    expect(abbreviated.exitCode).toBe(2);
    expect(abbreviated.stdout + abbreviated.stderr).toMatch(/"KST" is a zone abbreviation/);
  }, 60_000);

  it('refuses with nothing written: a target before the backup, a zone abbreviation, a port in use', async () => {
    const before = await plan({ target: { time: beforeBackup } }, backup.id);
    expect(before.blocked).toBe(true);
    expect(before.blockedReasons.join('\n')).toMatch(/before the backup's end/);
    expect(before.steps).toEqual([]);
    const future = await plan({ target: { time: new Date(Date.now() + 3600_000).toISOString() } }, backup.id);
    expect(future.blockedReasons.join('\n')).toMatch(/after the last archived commit .*it can reach from /);
    const abbreviated = await plan({ target: { time: `${targetUtc.replace('Z', '')} KST` } });
    expect(abbreviated.blockedReasons.join('\n')).toMatch(/"KST" is a zone abbreviation/);

    const pg2 = cluster.node('pg2');
    const configured = await plan({ target: { time: targetUtc }, port: pg2.port });
    expect(configured.blockedReasons.join('\n')).toMatch(new RegExp(`port ${pg2.port} is free.*pg2 is configured on it`));
    const squatter = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const taken = await plan({ target: { time: targetUtc }, port });
      expect(taken.blocked).toBe(true);
      expect(taken.blockedReasons.join('\n')).toMatch(/something accepts connections there/);
      expect(await exists(taken.dest!)).toBe(false);
    } finally {
      squatter.close();
    }
    for (const refused of [before, configured]) if (refused.dest) expect(await exists(refused.dest)).toBe(false);
  }, 120_000);

  it('in place: refused on a running node; on a stopped one a failure puts its data directory back, a recovery replaces it (kept aside)', async () => {
    const pgCtl = (...args: string[]) => execa(path.join(cluster.pgBinDir, 'pg_ctl'), args, { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    const running = await plan({ target: { time: targetUtc }, inPlace: 'pg3' }, backup.id);
    expect(running.blocked).toBe(true);
    expect(running.blockedReasons.join('\n')).toMatch(/pg3 is stopped .*a server runs on/);

    const dataDir = cluster.dataDir('pg3');
    expect((await pgCtl('-D', dataDir, '-m', 'fast', '-w', 'stop')).exitCode).toBe(0);
    // A target the archive does not reach (the window left unread): the failure moves the copy aside and puts pg3's own directory back.
    const later = new Date(Date.parse(targetUtc.replace(' ', 'T')) + 3600_000).toISOString();
    const facts = await readPitrFacts(config, backup.id, { target: { time: later }, inPlace: 'pg3' });
    const failing = planPitr(config, { ...facts, windows: undefined }, { target: { time: later }, inPlace: 'pg3' });
    expect(failing.blocked, failing.blockedReasons.join('\n')).toBe(false);
    expect(failing.steps[0]!.description).toMatch(/keep pg3's data directory aside/);
    const failed = await run(failing);
    expect(failed.outcome.succeeded).toBe(false);
    expect(failed.lines).toMatch(/pg3's data directory is back at/);
    await access(path.join(dataDir, 'standby.signal'));
    const aside = /the copy is kept at (\S+)/.exec(failed.lines)![1]!;
    started.push(aside);

    const planned = await plan({ target: { time: targetUtc }, inPlace: 'pg3', action: 'promote' }, backup.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    expect(planned.confirmWord).toBe('pg3');
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(planned.succeededLine()).toMatch(/pg3 recovered in place .*former data directory is kept at .*pg3\.pgcockpit-\d{8}T\d{6}Z/);
    const pg3 = cluster.node('pg3');
    expect((await onCopy<{ n: number }>(pg3.port, 'select count(*)::int as n from lost'))[0]!.n).toBe(3);
    expect((await onCopy<{ d: string }>(pg3.port, "select current_setting('data_directory') as d"))[0]!.d).toBe(dataDir);
    await access(path.join(planned.inPlace!.keptDir, 'standby.signal'));
    // The others untouched: pg1 the primary without the table, pg2 streaming from it.
    expect(await cluster.superQuery('pg1', "select 1 from pg_class where relname = 'lost'")).toEqual([]);
    expect((await cluster.superQuery<{ n: number }>('pg1', "select count(*)::int as n from pg_stat_replication where state = 'streaming'"))[0]!.n).toBe(1);
  }, 240_000);

  it('a cancel during the replay stops the copy and removes it (pgcockpit\'s own); production untouched', async () => {
    // About 200 MB of WAL after the backup, so replay is still running when the cancel comes; T2 after it.
    await cluster.superQuery('pg1', "create table bulk as select g as id, repeat('x', 60) as pad from generate_series(1, 1500000) g");
    await sleep(300);
    const t2 = await serverNow();
    await sleep(300);
    await cluster.superQuery('pg1', 'create table after_t2 (i int)');
    await switchAndArchive(cluster, 60_000);
    const planned = await plan({ target: { time: t2 } }, backup.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const beside = await readdir(path.dirname(planned.dest!));
    const { outcome, lines } = await run(planned, (event, abort) => {
      if (event.type === 'job-progress' && event.number === 5 && !abort.signal.aborted) abort.abort('SIGINT');
    });
    expect(outcome.cancelled, lines).toMatchObject({ stoppedStep: 5 });
    expect(outcome.cancelled!.undone.join('; ')).toMatch(/step 4 .*step 1 /);
    expect(lines).toContain(`the copy at ${planned.dest} is removed`);
    expect(await exists(planned.dest!)).toBe(false);
    // Nothing kept aside either: no partial directory beside it.
    expect(lines).not.toMatch(/the copy is kept at/);
    expect(await readdir(path.dirname(planned.dest!))).toEqual(beside);
    expect(await pgrep(planned.dest!)).toEqual([]);
    expect((await cluster.superQuery<{ r: boolean }>('pg1', 'select pg_is_in_recovery() as r'))[0]!.r).toBe(false);
  }, 240_000);

  it('a cancel during the restore of the backup removes the copy; the backup stays', async () => {
    const planned = await plan({ target: { time: targetUtc } }, backup.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const { outcome, lines } = await run(planned, (event, abort) => {
      if (event.type === 'job-started' && event.number === 1 && !abort.signal.aborted) abort.abort('SIGINT');
    });
    // Stopped before cp made the directory, during the copy, or just after it: either way the undo of step 1 runs and nothing is left.
    expect(outcome.cancelled, lines).toBeDefined();
    expect(outcome.cancelled!.undone.join('; ')).toMatch(/step 1 /);
    expect(lines).toMatch(new RegExp(`the copy at ${planned.dest} is removed|no copy was made at ${planned.dest}`));
    expect(await exists(planned.dest!)).toBe(false);
    await access(path.join(backup.path, 'PG_VERSION'));
  }, 120_000);

  it('a --restore-to filled after the plan (another recovery into it): step 1 refuses, and the undo leaves that directory as it is', async () => {
    const dir = path.join(cluster.root, 'pitr-restore-to');
    const planned = await plan({ target: { time: targetUtc }, restoreTo: dir }, backup.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    // Someone else's copy lands there between the plan and the run.
    await mkdir(dir, { mode: 0o700 });
    await writeFile(path.join(dir, 'PG_VERSION'), '15\n');
    await chown(dir, cluster.osUser.uid, cluster.osUser.gid);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded).toBe(false);
    expect(lines).toContain(`${dir} is not empty: nothing was copied`);
    expect(lines).toMatch(new RegExp(`${dir} is not this run's copy \\(no pgcockpit-pitr-\\d{8}T\\d{6}Z\\.claim\\): left as it is`));
    expect(lines).not.toMatch(/the copy is kept at|is removed/);
    expect(await readdir(dir)).toEqual(['PG_VERSION']);
  }, 60_000);

  it('a copied configuration that points data_directory elsewhere is caught before the start (the runbook started the wrong cluster)', async () => {
    // A second catalog entry: the same backup copied, its postgresql.conf naming pg1's data directory.
    const runner = localRunner(cluster.osUser);
    const trap = { ...backup, id: `${backup.id}-trap`, path: `${backup.path}-trap` };
    await runChecked(runner, { program: 'cp', args: ['-a', backup.path, trap.path], mutating: true });
    await runChecked(runner, { program: 'sh', args: ['-c', 'printf "%s\\n" "$2" >> "$1/postgresql.conf"', 'sh', trap.path, `data_directory = '${cluster.dataDir('pg1')}'`], mutating: true });
    await writeBaseBackupEntry(runner, trap);
    const planned = await plan({ target: { time: targetUtc } }, trap.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded).toBe(false);
    expect(outcome.failedStep?.number).toBe(3);
    expect(outcome.failedStep?.error).toContain(`-C data_directory says "${cluster.dataDir('pg1')}", not "${planned.dest}"`);
    expect(lines).toMatch(/the copy is kept at /);
    expect((await cluster.superQuery<{ r: boolean }>('pg1', 'select pg_is_in_recovery() as r'))[0]!.r).toBe(false);
    // Out of the catalog again: --backup auto must not pick it in the tests after this one.
    await runChecked(runner, { program: 'rm', args: ['-f', `${trap.path}.json`], mutating: true });
  }, 120_000);

  it('a segment missing from the archive between the backup and the target is refused with the window it can reach', async () => {
    // One more segment archived after the rest, so the one taken away is a gap and not the archive's end.
    await cluster.superQuery('pg1', 'create table later_on (i int)');
    await switchAndArchive(cluster);
    const segments = (await readdir(cluster.archiveDir)).filter((name) => /^[0-9A-F]{24}$/.test(name)).sort();
    // The segment the backup began in, on the primary's timeline; the first after it holds the table's commits.
    const startSegment = String((await cluster.superQuery<{ s: string }>('pg1', 'select pg_walfile_name($1::pg_lsn) as s', [backup.startLsn]))[0]!.s);
    const after = segments.filter((name) => name > startSegment);
    const missing = after[0]!;
    await rename(path.join(cluster.archiveDir, missing), path.join(cluster.root, missing));
    try {
      const planned = await plan({ target: { time: targetUtc } }, backup.id);
      expect(planned.blocked).toBe(true);
      expect(planned.blockedReasons.join('\n')).toMatch(new RegExp(`recovery cannot pass the missing segment ${missing}.*it can reach from .*segment ${missing} is missing from the archive`));
      expect(planned.steps).toEqual([]);
    } finally {
      await rename(path.join(cluster.root, missing), path.join(cluster.archiveDir, missing));
    }
  }, 120_000);

  it('--copy-back: the table as it was at T restored into the production primary; refused once it is there', async () => {
    const planned = await plan({ target: { time: targetUtc }, copyBack: 'public.lost' }, backup.id);
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    expect(planned.steps.map((step) => step.description).slice(-2)).toEqual([
      expect.stringMatching(/^dump public\.lost from the recovered copy/),
      expect.stringMatching(/^restore public\.lost into postgres on the primary pg1/),
    ]);
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toContain('public.lost is back on pg1: 3 rows, as at the target');
    expect(lines).not.toContain(cluster.superuserPassword);
    expect(await cluster.superQuery('pg1', 'select id, note from lost order by id')).toEqual([1, 2, 3].map((id) => ({ id, note: `before T ${id}` })));
    // Streamed to the standbys like any write.
    await waitFor(async () => (await cluster.superQuery<{ n: number }>('pg2', 'select count(*)::int as n from lost'))[0]?.n === 3, 'lost on pg2');

    const again = await plan({ target: { time: targetUtc }, copyBack: 'public.lost' }, backup.id);
    expect(again.blockedReasons.join('\n')).toMatch(/public\.lost is not in postgres on the primary pg1 .*it exists there/);
  }, 180_000);
});
