import { execa } from 'execa';
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { prepareCopyFollowUp } from '../../src/services/runbooks/pitr/copyFollowUp.js';
import { prepareCopyBackFollowUp } from '../../src/services/runbooks/pitr/copyBackFollowUp.js';
import type { PitrPlan } from '../../src/services/runbooks/pitr/planPitr.js';
import { preparePitr } from '../../src/services/runbooks/pitr/preparePitr.js';
import type { RecoveredCopy } from '../../src/services/runbooks/pitr/recoveredCopy.js';
import { recoveredCopyOf } from '../../src/services/runbooks/pitr/recoveredCopy.js';
import type { Plan } from '../../src/services/runbooks/plan.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { baseBackupByHand } from '../support/handBaseBackup.js';
import { lostTableScenario, queryOnPort, runPlanned } from '../support/pitrScenario.js';
import { waitFor } from '../support/waitFor.js';

/**
 * A PITR copy paused at its target, then promoted by the cockpit's Ctrl-P
 * plan (pg_promote() on this major, 13 or later): one recovery on a
 * hand-built primary and one standby, as pitrHandBuilt sets it up: a base
 * backup by hand, rows before T, rows after, DROP TABLE, the WAL archived.
 * Afterwards, read with SQL on the copy: out of recovery, on a new
 * timeline, a write goes through, the rows are those before T; production
 * is untouched. Planned again, the copy is no longer paused: refused.
 * Then, from the promoted copy, Ctrl-T's copy-back: the dropped table back
 * in production with exactly the rows before T; planned again, refused.
 */
describe('a paused PITR copy promoted by its plan', () => {
  let cluster: HandBuiltCluster;
  let config: CockpitConfig;
  let targetUtc: string;
  const started: string[] = [];
  /** The copy the first test recovered and promoted; the copy-back reads from it. */
  let promoted: RecoveredCopy | undefined;

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 1 });
    const os = cluster.osUser;
    const backupsDir = path.join(cluster.root, 'backups');
    await mkdir(backupsDir, { mode: 0o750 });
    await chown(backupsDir, os.uid, os.gid);
    config = { ...cluster.config, backups: { dir: backupsDir, host: 'pg1' } };
    await baseBackupByHand(cluster, config, backupsDir);
    targetUtc = await lostTableScenario(cluster);
  }, 180_000);

  afterAll(async () => {
    for (const dir of started) {
      await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', dir, '-m', 'immediate', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    }
    await cluster?.destroy();
  });

  const run = (planned: Plan) => runPlanned(config, planned);
  const onCopy = <Row extends pg.QueryResultRow>(port: number, sql: string) => queryOnPort<Row>(cluster, port, sql);

  it('checks it is the copy and paused, promotes it, and ends with it read-write on a new timeline; production untouched', async () => {
    const recovery = (await preparePitr(config, 'auto', { target: { time: targetUtc } })) as PitrPlan;
    expect(recovery.blocked, recovery.blockedReasons.join('\n')).toBe(false);
    started.push(recovery.dest!);
    const recovered = await run(recovery);
    expect(recovered.outcome.succeeded, recovered.lines).toBe(true);
    const copy = recoveredCopyOf(recovery);
    expect(copy, JSON.stringify(recovery.end)).toMatchObject({ host: 'pg1', port: recovery.port, dest: recovery.dest, user: 'postgres', paused: true });
    expect(copy!.major).toBeGreaterThanOrEqual(13);
    expect(recovery.succeededLine()).toContain(`-c 'select pg_wal_replay_resume()', or as its OS user on pg1: ${path.join(cluster.pgBinDir, 'pg_ctl')} -D ${recovery.dest} promote`);

    const planned = await prepareCopyFollowUp(config, copy!, 'promote', { readOnly: false });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    expect(planned.checks[0]).toMatchObject({ status: 'ok', observed: expect.stringMatching(/^in recovery, replay paused, read-only/) });
    expect(planned.steps[1]!.detail).toBe('select pg_promote(true, 60)');
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toMatch(/step 3\/3 ✓ the copy is read-write, out of recovery, timeline 2 \(.*\): promoted; production was not touched/);
    expect(planned.ended).toMatchObject({ inRecovery: false, readOnly: false, timeline: 2 });

    // On the copy: out of recovery, writable, the rows before T.
    expect((await onCopy<{ r: boolean }>(copy!.port, 'select pg_is_in_recovery() as r'))[0]!.r).toBe(false);
    // The write goes to a table of its own: lost stays as at the target for the copy-back below.
    await onCopy(copy!.port, "create table written_after (note text); insert into written_after values ('written after the promotion')");
    expect((await onCopy<{ id: number }>(copy!.port, 'select id from lost order by id')).map((row) => row.id)).toEqual([1, 2, 3]);
    // Production: still no table, still the primary on its timeline.
    expect(await cluster.superQuery('pg1', "select 1 from pg_class where relname = 'lost'")).toEqual([]);
    expect((await cluster.superQuery<{ r: boolean; t: number }>('pg1', 'select pg_is_in_recovery() as r, timeline_id as t from pg_control_checkpoint()'))[0]).toEqual({ r: false, t: 1 });

    // Planned again: the copy is no longer paused; refused, nothing run, the offer stale.
    const again = await prepareCopyFollowUp(config, copy!, 'resume', { readOnly: false });
    expect(again).toMatchObject({ blocked: true, copyGone: true, steps: [] });
    expect(again.blockedReasons.join('\n')).toMatch(/out of recovery already \(read-write, out of recovery, timeline 2/);
    promoted = { ...copy!, paused: false };
  }, 240_000);

  it("Ctrl-T's copy-back from the promoted copy: the dropped table is back on the primary with the rows before T; planned again, refused", async () => {
    expect(promoted, 'the copy recovered and promoted by the test before').toBeDefined();
    const request = { table: 'public.lost', database: promoted!.database };
    const planned = await prepareCopyBackFollowUp(config, promoted!, request, { readOnly: false });
    expect(planned.blocked, planned.blockedReasons.join('\n')).toBe(false);
    expect(planned.checks.map((check) => check.status)).toEqual(['ok', 'ok', 'ok']);
    expect(planned.target).toBe('pg1');
    expect(planned.confirmWord).toBe('public.lost');
    const { outcome, lines } = await run(planned);
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toMatch(/3 rows of public\.lost in pgcockpit-copy-back-public\.lost\.dump/);
    expect(lines).toMatch(/public\.lost is back on pg1: 3 rows, as at the target/);
    // Production: exactly the rows before T, and the standby streams them.
    const beforeT = [1, 2, 3].map((id) => ({ id, note: `before T ${id}` }));
    expect(await cluster.superQuery('pg1', 'select id, note from lost order by id')).toEqual(beforeT);
    await waitFor(async () => JSON.stringify(await cluster.superQuery('pg2', "select id, note from lost order by id").catch(() => [])) === JSON.stringify(beforeT), 'pg2 streams the restored table', 20_000);

    const again = await prepareCopyBackFollowUp(config, promoted!, request, { readOnly: false });
    expect(again).toMatchObject({ blocked: true, steps: [] });
    expect(again.copyGone).toBeUndefined();
    expect(again.blockedReasons.join('\n')).toMatch(/public\.lost is not in postgres on the primary pg1 \(nothing is replaced\): it exists there/);
  }, 60_000);
});
