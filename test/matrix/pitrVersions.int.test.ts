import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { prepareBaseBackup } from '../../src/services/runbooks/basebackup/prepareBaseBackup.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { preparePitr } from '../../src/services/runbooks/pitr/preparePitr.js';
import type { PitrPlan } from '../../src/services/runbooks/pitr/planPitr.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { pgBinDirFor, requestedMajors } from '../support/pgVersions.js';
import type { VersionCluster } from '../support/versionCluster.js';
import { startVersionCluster } from '../support/versionCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * PITR side by side on the majors whose recovery speaks differently: 12 says
 * "recovery has paused" (13+: "pausing at the end of recovery") and, when
 * the archive ends before the target, promotes there instead of refusing
 * (13+: FATAL "recovery ended before configured recovery target was
 * reached"); none of 12 to 14 has log_startup_progress_interval (15+). The base
 * backup is taken with this machine's newer pg_basebackup, as a DBA's client
 * would be; this machine's pg_waldump cannot read their WAL, so the window
 * is not read and only the backup's end is checked (said in the plan).
 */
for (const major of [12, 13, 14]) {
  const run = requestedMajors().includes(major) ? describe : describe.skip;
  run(`pitr on PostgreSQL ${major}`, () => {
    let cluster: VersionCluster;
    let runners: NodeRunners;
    let target: string;
    const copies: string[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    beforeAll(async () => {
      await pgBinDirFor(major);
      cluster = await startVersionCluster(major, 1);
      const clientBinDir = await findPgBinDir();
      // No pg_waldump: this machine's cannot read an older major's WAL, so the window is left unread (the plan says so).
      for (const program of ['pg_basebackup', 'pg_verifybackup', 'pg_dump', 'pg_restore']) {
        await symlink(path.join(clientBinDir, program), path.join(cluster.config.nodes[0]!.pgBinDir!, program)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      }
      runners = createNodeRunners(cluster.config, { readOnly: false });
      const backup = await prepareBaseBackup(cluster.config, 'pg1', {}, { runners });
      expect(backup.blocked, formatPlan(backup)).toBe(false);
      const lines: string[] = [];
      expect((await executePlan(backup, { config: cluster.config, readOnly: false, runners, log: (line) => lines.push(line) })).succeeded, lines.join('\n')).toBe(true);
      await sleep(1100);
      await cluster.query('pg1', 'create table lost (id int primary key)');
      await cluster.query('pg1', 'insert into lost select generate_series(1, 3)');
      await sleep(1100);
      target = String((await cluster.query<{ t: string }>('pg1', "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || 'Z' as t"))[0]!.t);
      await sleep(1100);
      await cluster.query('pg1', 'insert into lost select generate_series(4, 6)');
      await cluster.query('pg1', 'drop table lost');
      const switched = String((await cluster.query<{ s: string }>('pg1', 'select pg_walfile_name(pg_switch_wal()) as s'))[0]!.s);
      await waitFor(async () => String((await cluster.query<{ w: string | null }>('pg1', 'select last_archived_wal as w from pg_stat_archiver'))[0]!.w ?? '') >= switched, `${switched} archived`, 60_000);
    }, 240_000);
    afterAll(async () => {
      for (const dir of copies) await execa(path.join(cluster.config.nodes[0]!.pgBinDir!, 'pg_ctl'), ['-D', dir, '-m', 'immediate', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
      await runners?.close();
      await cluster?.destroy();
    });

    const recover = async (time: string) => {
      const plan: PitrPlan = await preparePitr(cluster.config, 'auto', { target: { time } });
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      if (plan.dest) copies.push(plan.dest);
      const lines: string[] = [];
      const outcome = await executePlan(plan, { config: cluster.config, readOnly: false, runners, log: (line) => lines.push(line) });
      return { plan, outcome, log: lines.join('\n') };
    };

    it('pauses at T with exactly the rows committed before it; production untouched', async () => {
      const { plan, outcome, log } = await recover(target);
      expect(outcome.succeeded, log).toBe(true);
      expect(plan.warnings.join('\n')).toMatch(/recoverable window was not read .*only the backup's end was checked/);
      expect(plan.end).toMatchObject({ state: 'paused', stoppedAt: expect.stringMatching(/^recovery stopping before commit of transaction \d+/) });
      expect(log).toMatch(major === 12 ? /recovery has paused/ : /pausing at the end of recovery/);
      const node = cluster.node('pg1');
      const copy = { ...node, port: plan.port! };
      const { withNodeClient } = await import('../../src/services/postgres/connectNode.js');
      const rows = await withNodeClient(copy, cluster.config, async (client) => (await client.query<{ id: number }>('select id from lost order by id')).rows);
      expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
      expect(await cluster.query('pg1', "select 1 from pg_class where relname = 'lost'")).toEqual([]);
    }, 180_000);

    it(`a target the archive does not reach is a failure${major === 12 ? ' (12 promotes at the end of WAL: caught, not called a success)' : ''}; the copy stopped and kept aside`, async () => {
      const { outcome, log } = await recover(new Date(Date.now() + 3600_000).toISOString());
      expect(outcome.succeeded).toBe(false);
      expect(outcome.failedStep?.error).toMatch(major === 12 ? /without reaching the target and the copy was promoted there/ : /did not reach the target/);
      expect(log).toMatch(/the copy is kept at /);
    }, 180_000);
  });
}
