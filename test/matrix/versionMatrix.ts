import path from 'node:path';
import { expect, it } from 'vitest';
import { collectClusterView } from '../../src/services/cluster/collectClusterView.js';
import { pgCtlStart } from '../../src/services/postgres/pgCtl.js';
import { waitForStreaming } from '../../src/services/postgres/waitForStreaming.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { prepareSwitchover } from '../../src/services/runbooks/switchover/prepareSwitchover.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import { parseControlData } from '../../src/services/runbooks/switchover/controlData.js';
import { killPostmaster, waitForExit } from '../runbooks/writeLoad.js';
import { describeMajor, versionClusterFor } from '../support/versionSuite.js';
import type { VersionCluster } from '../support/versionCluster.js';
import { startVersionCluster } from '../support/versionCluster.js';
import { waitFor } from '../support/waitFor.js';
import { expectSnapshotMatches, readTruth, stableLook } from './serverTruth.js';

const ALL = ['pg1', 'pg2', 'pg3'];

/**
 * The matrix for one PostgreSQL major, on one cluster shared by its tests (in
 * order: they build on each other, the switchover and then the failover last): pg1 primary, pg2 and
 * pg3 standbys through slots, archive on. Not in $PGCOCKPIT_TEST_PG, or its
 * server cannot run on this machine: skipped, and the title says why.
 */
export function describeVersion(major: number): void {
  describeMajor(major, `PostgreSQL ${major}`, () => {
    /** The cluster, or a skip naming the version and the reason. */
    const need = versionClusterFor(major, () => startVersionCluster(major));

    it(`runs PostgreSQL ${major}`, async ({ skip }) => {
      const c = need(skip);
      expect(Math.floor(c.versionNum / 10000)).toBe(major);
    });

    it("the pg_controldata stand-in reads this version's control file as the server does", async ({ skip }) => {
      const c = need(skip);
      // The switchover and the failover's pre-flight rely on these fields (see STAND_IN_PROGRAMS in versionCluster.ts).
      await c.query('pg1', 'checkpoint');
      const [sql] = await c.query<{ system_identifier: string; checkpoint_lsn: string; timeline_id: number }>(
        'pg1',
        'select s.system_identifier::text, k.checkpoint_lsn::text, k.timeline_id from pg_control_system() s, pg_control_checkpoint() k',
      );
      const run = await runChecked(localRunner(c.osUser), { program: path.join(c.pgBinDir, 'pg_controldata'), args: ['-D', c.layout.dataDir('pg1')], env: { LC_ALL: 'C' }, mutating: false });
      expect(run.stdout).toMatch(new RegExp(`^Database system identifier:\\s+${sql!.system_identifier}$`, 'm'));
      expect(run.stdout).toMatch(/^Database cluster state:\s+in production$/m);
      expect(parseControlData(run.stdout)).toMatchObject({ latestCheckpointLsn: sql!.checkpoint_lsn, timeline: sql!.timeline_id });
    });

    it('the live view matches what SQL reads on each server: roles, timelines, LSNs, lag, slots, archiver, .ready backlog', async ({ skip }) => {
      const c = need(skip);
      // Something to archive and replicate, then a checkpoint so the primary's control file names its timeline.
      await c.query('pg1', 'create table matrix_rows as select g from generate_series(1, 1000) g');
      await c.query('pg1', 'select pg_switch_wal()');
      await c.query('pg1', 'checkpoint');
      await waitFor(async () => (await readTruth(c, 'pg1')).archiver.archivedCount > 0, 'the first segment archived');
      const { view, truth } = await stableLook(c, ALL);
      for (const name of ALL) expectSnapshotMatches(view, name, truth[name]!);
      expect(truth.pg1!.replicas.map((r) => r.applicationName)).toEqual(['pg2', 'pg3']);
      expect(truth.pg1!.slots.map((s) => [s.name, s.active])).toEqual([['slot_pg2', true], ['slot_pg3', true]]);
      expect(view.alerts.filter((alert) => alert.severity === 'critical')).toEqual([]);
    });

    it('a failing archive_command: the .ready backlog and the failures in the view are what SQL reads', async ({ skip }) => {
      const c = need(skip);
      await c.query('pg1', "alter system set archive_command = 'false'");
      await c.query('pg1', 'select pg_reload_conf()');
      try {
        // Two segments with something in them (a switch on an empty segment is a no-op); the switch wakes the archiver.
        for (const round of [1, 2]) {
          await c.query('pg1', `insert into matrix_rows select g from generate_series(1, 100) g -- round ${round}`);
          await c.query('pg1', 'select pg_switch_wal()');
        }
        await waitFor(async () => {
          const truth = await readTruth(c, 'pg1');
          return truth.readyCount >= 2 && truth.archiver.failedCount > 0;
        }, 'two segments waiting and a failure counted on pg1');
        const { view, truth } = await stableLook(c, ALL);
        expectSnapshotMatches(view, 'pg1', truth.pg1!);
        const archiver = view.nodes.find((node) => node.name === 'pg1')!.server!.archiver;
        expect(archiver).toMatchObject({ failing: true, canReadStatusDir: true });
        expect(archiver.oldestReadyAt).toBeGreaterThan(0);
        expect(view.alerts.map((alert) => `${alert.code} ${alert.node}`)).toContain('archiver-failing pg1');
      } finally {
        await c.query('pg1', 'alter system reset archive_command');
        await c.query('pg1', 'select pg_reload_conf()');
      }
      // After its failures the archiver sleeps (up to a minute); a switch wakes it (a reload does not on 12).
      await waitFor(async () => {
        await c.query('pg1', 'insert into matrix_rows values (0)');
        await c.query('pg1', 'select pg_switch_wal()');
        return (await readTruth(c, 'pg1')).readyCount === 0;
      }, 'the backlog archived once archive_command works again', 30_000, 1000);
    });

    it('replay paused on a standby shows in the view, and resumed it clears', async ({ skip }) => {
      const c = need(skip);
      await c.query('pg2', 'select pg_wal_replay_pause()');
      try {
        const { view, truth } = await stableLook(c, ALL);
        expect(truth.pg2!.replayPaused).toBe(true);
        expectSnapshotMatches(view, 'pg2', truth.pg2!);
        expect(view.links.find((link) => link.standby === 'pg2')?.replayPaused).toBe(true);
        expect(view.alerts.map((alert) => `${alert.code} ${alert.node}`)).toContain('replay-paused pg2');
      } finally {
        await c.query('pg2', 'select pg_wal_replay_resume()');
      }
      const after = await collectClusterView(c.config);
      expect(after.nodes.find((node) => node.name === 'pg2')?.server?.replayPaused).toBe(false);
    });

    it('a killed standby shows down, its slot inactive on the primary; started again it streams', async ({ skip }) => {
      const c = need(skip);
      await waitForExit(await killPostmaster(c, 'pg3'));
      const { view, truth } = await stableLook(c, ['pg1', 'pg2']);
      expect(view.nodes.find((node) => node.name === 'pg3')?.status).toBe('down');
      expect(view.alerts.map((alert) => `${alert.code} ${alert.node}`)).toContain('node-down pg3');
      expectSnapshotMatches(view, 'pg1', truth.pg1!);
      expect(truth.pg1!.slots.find((slot) => slot.name === 'slot_pg3')?.active).toBe(false);
      // The postmaster's children leave once they notice it gone; until then the old shared memory blocks a start.
      await waitFor(
        async () => {
          try {
            await pgCtlStart({ pgBinDir: c.pgBinDir, dataDir: c.layout.dataDir('pg3'), runner: localRunner(c.osUser) }, c.layout.logFile('pg3'));
            return true;
          } catch {
            return false;
          }
        },
        'pg3 started again',
        30_000,
        500,
      );
      await waitForStreaming(c.node('pg1'), c.config, ['pg2', 'pg3'], 30_000);
    });

    it('switchover: pg2 becomes the primary, pg1 its standby, pg3 follows pg2', async ({ skip }) => {
      const c = need(skip);
      // The old primary is stopped and started as a standby (pg_ctl on its host): runners that may change things.
      const runners = createNodeRunners(c.config, { readOnly: false });
      const lines: string[] = [];
      try {
        const plan = await prepareSwitchover(c.config, 'pg2', {}, { runners });
        const planText = formatPlan(plan);
        expect(plan.blocked, planText).toBe(false);
        const outcome = await executePlan(plan, { config: c.config, readOnly: false, runners, log: (text) => lines.push(text) });
        expect(outcome.succeeded, lines.join('\n')).toBe(true);
      } finally {
        await runners.close();
      }
      await c.query('pg2', 'checkpoint');
      await waitForStreaming(c.node('pg2'), c.config, ['pg1', 'pg3'], 30_000);
      const { view, truth } = await stableLook(c, ALL);
      for (const name of ALL) expectSnapshotMatches(view, name, truth[name]!);
      expect(truth.pg2).toMatchObject({ inRecovery: false, checkpointTimeline: 2 });
      expect(truth.pg1!.receiver).toMatchObject({ status: 'streaming', senderPort: c.node('pg2').port, slotName: 'slot_pg1', receivedTimeline: 2 });
      expect(truth.pg3!.receiver).toMatchObject({ status: 'streaming', senderPort: c.node('pg2').port, slotName: 'slot_pg3', receivedTimeline: 2 });
    });

    it(`failover: pg2 killed, pg1 promoted, pg3 re-pointed by ${major < 13 ? 'a restart (primary_conninfo needs one on 12)' : 'a reload'}`, async ({ skip }) => {
      const c = need(skip);
      await waitForExit(await killPostmaster(c, 'pg2'));
      for (const standby of ['pg1', 'pg3']) {
        await waitFor(async () => (await readTruth(c, standby)).receiver?.status !== 'streaming', `${standby} no longer streaming from the dead pg2`);
      }
      const plan = await prepareFailover(c.config, 'pg1', { streamTimeoutMs: 30_000 });
      const planText = formatPlan(plan);
      expect(plan.blocked, planText).toBe(false);
      expect(planText).toContain('select pg_promote(wait => false)');
      if (major < 13) expect(planText).toMatch(/pg_ctl .*restart/);
      else expect(planText).toContain('select pg_reload_conf()');

      const lines: string[] = [];
      // PostgreSQL 12's re-pointing runs pg_ctl restart on pg3's host: the plan needs runners that may change things.
      const runners = createNodeRunners(c.config, { readOnly: false });
      const outcome = await executePlan(plan, { config: c.config, readOnly: false, runners, log: (text) => lines.push(text) }).finally(() => runners.close());
      expect(outcome.succeeded, lines.join('\n')).toBe(true);

      await c.query('pg1', 'checkpoint');
      const { view, truth } = await stableLook(c, ['pg1', 'pg3']);
      expect(truth.pg1).toMatchObject({ inRecovery: false, checkpointTimeline: 3 });
      expect(truth.pg3!.receiver).toMatchObject({ status: 'streaming', senderPort: c.node('pg1').port, slotName: 'slot_pg3', receivedTimeline: 3 });
      expectSnapshotMatches(view, 'pg1', truth.pg1!);
      expectSnapshotMatches(view, 'pg3', truth.pg3!);
      expect(view.nodes.find((node) => node.name === 'pg2')?.status).toBe('down');
      expect(view.links.find((link) => link.standby === 'pg3')).toMatchObject({ upstream: 'pg1', receiverStreaming: true });
    });
  });
}
