import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { collectClusterView } from '../../src/services/cluster/collectClusterView.js';
import { rememberSlots } from '../../src/services/cluster/lastSeenSlots.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { PreflightCheck } from '../../src/services/runbooks/plan.js';
import { prepareSwitchover } from '../../src/services/runbooks/switchover/prepareSwitchover.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { waitForStreaming } from '../../src/services/postgres/waitForStreaming.js';
import { killPostmaster, waitForExit } from '../runbooks/writeLoad.js';
import type { VersionCluster } from '../support/versionCluster.js';
import { startVersionCluster } from '../support/versionCluster.js';
import { describeMajor, versionClusterFor } from '../support/versionSuite.js';
import { waitFor } from '../support/waitFor.js';

/**
 * Failover slots on the majors that have them (17, 18): a logical slot
 * created with failover = true on the primary must have a synced copy on the
 * node about to be promoted. The plan shows ✗ with the fix while it has none,
 * ✓ once the slot sync worker made it; a switchover leaves the new primary's
 * synchronized_standby_slots naming its standbys and the demoted node syncing
 * copies again; a failover then keeps the slot usable on the promoted node.
 */
for (const major of [17, 18]) {
  describeMajor(major, `failover slots on PostgreSQL ${major}`, () => {
    const need = versionClusterFor(major, async () => {
      // Slot sync needs logical WAL, feedback, and a dbname in primary_conninfo; it is switched on later, so that the copy is missing first.
      const cluster = await startVersionCluster(major, 2, { settings: { wal_level: 'logical', hot_standby_feedback: true }, conninfo: { dbname: 'postgres' } });
      await cluster.query('pg1', "alter system set synchronized_standby_slots = 'slot_pg2, slot_pg3'");
      await cluster.query('pg1', 'select pg_reload_conf()');
      await cluster.query('pg1', "select pg_create_logical_replication_slot('sub1', 'pgoutput', false, false, true)");
      return cluster;
    });
    const slotCheck = (checks: readonly PreflightCheck[], target: string) => checks.find((check) => check.label === `failover slots are synced on ${target} and valid`);
    const synced = async (c: VersionCluster, node: string) =>
      (await c.query<{ synced: boolean }>(node, "select synced and not temporary as synced from pg_replication_slots where slot_name = 'sub1' and invalidation_reason is null"))[0]?.synced === true;
    /**
     * What a subscriber does: WAL to replay, and its slot confirmed up to the
     * end of it. A synced copy stays temporary until the primary's slot has
     * moved past where the copy began (and a temporary copy would be dropped at a promotion).
     */
    const consume = async (c: VersionCluster, primary: string) => {
      await c.query(primary, 'select txid_current()');
      await c.query(primary, 'select pg_switch_wal()');
      await c.query(primary, "select pg_replication_slot_advance('sub1', pg_current_wal_lsn())");
    };
    const syncEverywhere = async (c: VersionCluster) => {
      for (const node of ['pg1', 'pg2', 'pg3']) {
        await c.query(node, 'alter system set sync_replication_slots = on');
        await c.query(node, 'select pg_reload_conf()');
      }
    };

    it('the promotion plan shows ✗ with the fix while the target has no synced copy, ✓ once it has', async ({ skip }) => {
      const c = need(skip);
      const before = await prepareFailover(c.config, 'pg2');
      expect(slotCheck(before.checks, 'pg2'), formatPlan(before)).toMatchObject({ status: 'fail', observed: 'sub1 (database postgres): no synced copy on pg2' });
      expect(formatPlan(before)).toMatch(/✗ failover slots are synced on pg2 and valid[\s\S]*sync_replication_slots = on/);
      expect(before.checks.find((check) => check.label === 'pg2 keeps failover slots in sync')).toMatchObject({ status: 'warn', observed: expect.stringContaining('sync_replication_slots = off') });
      expect(before.checks.find((check) => check.label === "pg1's synchronized_standby_slots names pg2's slot")?.status).toBe('ok');

      await syncEverywhere(c);
      // The worker syncs once the standby has replayed past the slot's position: give it WAL to replay.
      await waitFor(async () => {
        await consume(c, 'pg1');
        return (await synced(c, 'pg2')) && (await synced(c, 'pg3'));
      }, 'sub1 synced on pg2 and pg3', 60_000, 500);
      const after = await prepareFailover(c.config, 'pg2');
      expect(slotCheck(after.checks, 'pg2')).toMatchObject({ status: 'ok', observed: 'sub1: synced on pg2' });
      expect(formatPlan(after)).toMatch(/✓ failover slots are synced on pg2 and valid/);
      expect(after.checks.find((check) => check.label === 'pg2 keeps failover slots in sync')?.status).toBe('ok');
    });

    it("a switchover sets the new primary's synchronized_standby_slots and the demoted node syncs the slot again; pg3, with allow_alter_system = off, is re-pointed through its postgresql.auto.conf", async ({ skip }) => {
      const c = need(skip);
      // The configuration tool's side of allow_alter_system: the setting lives in postgresql.conf, and ALTER SYSTEM is refused.
      await appendFile(path.join(c.layout.dataDir('pg3'), 'postgresql.conf'), 'allow_alter_system = off\n');
      await c.query('pg3', 'select pg_reload_conf()');
      await waitFor(async () => (await c.query<{ value: string }>('pg3', "select current_setting('allow_alter_system') as value"))[0]?.value === 'off', 'allow_alter_system off on pg3');
      const runners = createNodeRunners(c.config, { readOnly: false });
      const lines: string[] = [];
      try {
        const plan = await prepareSwitchover(c.config, 'pg2', {}, { runners });
        const planText = formatPlan(plan);
        expect(plan.blocked, planText).toBe(false);
        expect(slotCheck(plan.checks, 'pg2')?.status).toBe('ok');
        expect(planText).toContain("drop pg1's own failover slots");
        expect(plan.checks.find((check) => check.label === 'pg3 can be re-pointed')).toMatchObject({ status: 'warn', observed: expect.stringContaining('allow_alter_system = off on pg3') });
        expect(planText).toMatch(/append to .*pg3.*postgresql\.auto\.conf \(allow_alter_system = off refuses ALTER SYSTEM\)/);
        const outcome = await executePlan(plan, { config: c.config, readOnly: false, runners, log: (text) => lines.push(text) });
        expect(outcome.succeeded, lines.join('\n')).toBe(true);
      } finally {
        await runners.close();
      }
      await waitForStreaming(c.node('pg2'), c.config, ['pg1', 'pg3'], 30_000);
      const [receiver] = await c.query<{ sender_port: number; slot_name: string }>('pg3', 'select sender_port, slot_name from pg_stat_wal_receiver');
      expect(receiver).toMatchObject({ sender_port: c.node('pg2').port, slot_name: 'slot_pg3' });
      expect(await readFile(path.join(c.layout.dataDir('pg3'), 'postgresql.auto.conf'), 'utf8')).toMatch(/# added by pgcockpit re-point \(allow_alter_system = off\)\nprimary_conninfo = '[^']*port=\d+[^']*'\nprimary_slot_name = 'slot_pg3'/);
      const [setting] = await c.query<{ value: string }>('pg2', "select current_setting('synchronized_standby_slots') as value");
      expect(setting!.value.split(',').map((item) => item.trim()).sort()).toEqual(['slot_pg1', 'slot_pg3']);
      await waitFor(async () => {
        await consume(c, 'pg2');
        return (await synced(c, 'pg1')) && (await synced(c, 'pg3'));
      }, 'sub1 synced again on pg1 (demoted) and pg3', 60_000, 500);
    });

    it('a failover to a node with the synced copy keeps the slot usable there', async ({ skip }) => {
      const c = need(skip);
      // The cockpit remembers the slots of a node that dies; the plan reads the dead primary's from there.
      const lastSeenSlots = rememberSlots({}, await collectClusterView(c.config));
      await waitForExit(await killPostmaster(c, 'pg2'));
      const plan = await prepareFailover(c.config, 'pg3', { streamTimeoutMs: 30_000 }, { lastSeenSlots });
      expect(slotCheck(plan.checks, 'pg3'), formatPlan(plan)).toMatchObject({ status: 'ok' });
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      const runners = createNodeRunners(c.config, { readOnly: false });
      const lines: string[] = [];
      const outcome = await executePlan(plan, { config: c.config, readOnly: false, runners, log: (text) => lines.push(text) }).finally(() => runners.close());
      expect(outcome.succeeded, lines.join('\n')).toBe(true);
      const [slot] = await c.query<{ invalidation_reason: string | null; advanced: string }>(
        'pg3',
        "select invalidation_reason, (select end_lsn::text from pg_replication_slot_advance('sub1', pg_current_wal_lsn())) as advanced from pg_replication_slots where slot_name = 'sub1'",
      );
      expect(slot).toMatchObject({ invalidation_reason: null });
      expect(slot!.advanced).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    });
  });
}
