import fs from 'node:fs/promises';
import { execa } from 'execa';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { prepareBaseBackup } from '../../src/services/runbooks/basebackup/prepareBaseBackup.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { PitrPlan } from '../../src/services/runbooks/pitr/planPitr.js';
import { preparePitr } from '../../src/services/runbooks/pitr/preparePitr.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';
import { pgrep } from './cancelRunbook.js';

/**
 * PITR where the backup and the archive are on a host reached over ssh (a
 * real sshd on loopback; that "remote" host is this machine, so pgrep sees
 * what ran there): the base backup taken there by `basebackup`, the copy,
 * its settings, its start and the watch of its log all go through ssh + sudo
 * to the OS user. Then a cancel during the replay: the remote watch is
 * stopped, the copy's server stopped, its directory moved aside.
 */
describe('pitr over ssh', () => {
  let cluster: TestCluster;
  let sshd: TestSshd;
  let home: string;
  let config: CockpitConfig;
  let runners: NodeRunners;
  let target: string;
  const started: string[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const nowUtc = async () => String((await cluster.query<{ t: string }>('pg1', "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || 'Z' as t"))[0]!.t);
  const switchAndArchive = async () => {
    const switched = String((await cluster.query<{ s: string }>('pg1', 'select pg_walfile_name(pg_switch_wal()) as s'))[0]!.s);
    await waitFor(async () => String((await cluster.query<{ w: string | null }>('pg1', 'select last_archived_wal as w from pg_stat_archiver'))[0]!.w ?? '') >= switched, `${switched} archived`, 60_000);
  };

  beforeAll(async () => {
    [cluster, sshd, home] = await Promise.all([startTestCluster(2), startSshd(), scratchHome()]);
    const ssh = { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys: false };
    // pg2's host holds the backups and the archive, reached over ssh.
    config = {
      ...cluster.config,
      nodes: cluster.config.nodes.map((node) => (node.name === 'pg2' ? { ...node, ssh } : node)),
      backups: { dir: cluster.layout.backupsDir, host: 'pg2' },
      archive: { dir: cluster.layout.archiveDir, host: 'pg2' },
    };
    const env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
    runners = createNodeRunners(config, { readOnly: false, sshEnvironment: env });
    const backup = await prepareBaseBackup(config, 'pg1', {}, { runners });
    expect(backup.blocked, formatPlan(backup)).toBe(false);
    const lines: string[] = [];
    expect((await executePlan(backup, { config, readOnly: false, runners, log: (line) => lines.push(line) })).succeeded, lines.join('\n')).toBe(true);
    await sleep(1100);
    await cluster.query('pg1', 'create table lost (id int primary key)');
    await cluster.query('pg1', 'insert into lost select generate_series(1, 3)');
    await sleep(1100);
    target = await nowUtc();
    await sleep(1100);
    await cluster.query('pg1', 'insert into lost select generate_series(4, 6)');
    await cluster.query('pg1', 'drop table lost');
    await switchAndArchive();
  }, 180_000);
  afterAll(async () => {
    for (const dir of started) await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', dir, '-m', 'immediate', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    await runners?.close();
    await cluster?.destroy();
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  const run = async (plan: PitrPlan, cancelAt?: (event: PlanEvent) => boolean) => {
    if (plan.dest) started.push(plan.dest);
    const abort = new AbortController();
    const events: PlanEvent[] = [];
    const outcome = await executePlan(plan, {
      config,
      readOnly: false,
      runners,
      cancel: abort.signal,
      onEvent: (event) => {
        events.push(event);
        if (cancelAt?.(event) && !abort.signal.aborted) abort.abort('SIGINT');
      },
    });
    return { outcome, events, lines: events.flatMap(planEventLines).join('\n') };
  };

  it("recovers to T on pg2's host through ssh: the rows before T, every step's program ran there", async () => {
    const plan = await preparePitr(config, 'auto', { target: { time: target } }, { runners });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    expect(plan.dest).toMatch(/pg2\/data\.pgcockpit-pitr-/);
    const { outcome, events, lines } = await run(plan);
    expect(outcome.succeeded, lines).toBe(true);
    const jobs = events.flatMap((event) => (event.type === 'job-started' ? [event.job] : []));
    expect(jobs.every((job) => job.where.startsWith('ssh root@127.0.0.1')), jobs.map((job) => job.where).join('\n')).toBe(true);
    const rows = await withNodeClient({ ...cluster.node('pg1'), port: plan.port! }, config, async (client) => (await client.query<{ id: number }>('select id from lost order by id')).rows);
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
  }, 180_000);

  it('a cancel during the replay over ssh stops the remote watch and the copy, and removes the copy', async () => {
    await cluster.query('pg1', "create table bulk as select g as id, repeat('x', 60) as pad from generate_series(1, 1500000) g");
    await sleep(300);
    const later = await nowUtc();
    await sleep(300);
    await cluster.query('pg1', 'create table after_it (i int)');
    await switchAndArchive();
    const plan = await preparePitr(config, 'auto', { target: { time: later } }, { runners });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    const { outcome, lines } = await run(plan, (event) => event.type === 'job-progress' && event.number === 5);
    expect(outcome.cancelled, lines).toMatchObject({ stoppedStep: 5 });
    expect(lines).toContain(`the copy at ${plan.dest} is removed`);
    await expect(fs.access(plan.dest!)).rejects.toThrow();
    await waitFor(async () => (await pgrep(plan.dest!)).length === 0, 'no process on the copy any more', 10_000);
    expect(await pgrep(`tail -n \\+1 -s 0.2 -F -- ${plan.dest}`)).toEqual([]);
  }, 180_000);
});
