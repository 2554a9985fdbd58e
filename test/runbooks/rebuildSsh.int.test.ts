import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import { prepareRebuild } from '../../src/services/runbooks/rebuild/prepareRebuild.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { sshRunnerForNode } from '../../src/services/runner/sshRunner.js';
import { SshConnectionPool } from '../../src/services/ssh/sshConnectionPool.js';
import type { TestSshd } from '../support/sshd.js';
import { descendantsOf, scratchHome, startSshd } from '../support/sshd.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';
import { pgrep } from './cancelRunbook.js';

/**
 * Rebuild with the target reached over ssh (a real sshd on loopback; the
 * "remote" host is this machine, so pgrep and find see what ran there): pg2's
 * stop, move aside, pg_basebackup, settings and start all go through ssh +
 * sudo to its OS user. A full rebuild, then a cancel half-way through a
 * throttled copy: the remote pg_basebackup is killed (its process group), the
 * partial copy set aside, pg2's own directory put back and started again.
 * Then the connection lost mid-copy, two ways: sshd's sessions killed (the
 * copy's output pipe breaks, it dies), and sshd's sessions frozen as behind a
 * network cut (the copy runs on; the undo must stop it before moving
 * anything). Neither leaves a pg_basebackup, and pg2 is as it was.
 */
describe('rebuild over ssh', () => {
  let cluster: TestCluster;
  let sshd: TestSshd;
  let home: string;
  let config: CockpitConfig;
  let runners: NodeRunners;

  const dataDir = () => cluster.node('pg2').dataDir ?? '';
  /** What rebuilds kept beside pg2's data directory (data.pgcockpit-..., data.pgcockpit-partial-...). */
  const kept = async () => (await fs.readdir(path.dirname(dataDir()))).filter((name) => name.startsWith(`${path.basename(dataDir())}.pgcockpit-`)).sort();
  /** pg_basebackup processes writing into this test's pg2 data directory (other tests' copies left out). */
  const basebackups = async () => (await pgrep('pg_basebackup')).filter((line) => line.includes(dataDir()));
  const receiver = async () => (await cluster.query<{ status: string; sender_port: number }>('pg2', 'select status, sender_port from pg_stat_wal_receiver'))[0];
  /** The files these processes (pgrep lines) hold open. */
  const openFiles = async (processes: string[]) => {
    const files: string[] = [];
    for (const pid of processes.map((line) => line.split(' ')[0])) {
      for (const fd of await fs.readdir(`/proc/${pid}/fd`).catch(() => [])) files.push(await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
    }
    return files;
  };
  /** pg2's own directory, told apart from a copy: a file only it has, owned by the OS user as the rest. */
  const markPg2 = async () => {
    const mark = path.join(dataDir(), 'pgcockpit-test-mark');
    await fs.writeFile(mark, 'the old pg2\n');
    await fs.chown(mark, cluster.osUser.uid, cluster.osUser.gid);
    return mark;
  };
  const systemIdentifier = async (node: string) => String((await cluster.query<{ id: string }>(node, 'select system_identifier::text as id from pg_control_system()'))[0]?.id);

  /** pg2 streams from pg1 on its own port, every file owned by the OS user, and a row written on pg1 arrives. */
  const expectStreamingStandby = async (row: string) => {
    await waitFor(async () => (await receiver())?.status === 'streaming', 'pg2 streaming', 30_000);
    expect(await receiver()).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg1').port });
    expect((await cluster.query<{ port: string }>('pg2', 'show port'))[0]?.port).toBe(String(cluster.node('pg2').port));
    expect((await cluster.query<{ r: boolean }>('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(true);
    const notOwned = await execa('find', [dataDir(), '!', '-user', cluster.osUser.name, '-print'], { reject: false });
    expect(String(notOwned.stdout)).toBe('');
    expect(((await fs.stat(dataDir())).mode & 0o777).toString(8)).toBe('700');
    await cluster.query('pg1', 'insert into rebuilt_rows values ($1)', [row]);
    await waitFor(async () => (await cluster.query('pg2', 'select 1 from rebuilt_rows where note = $1', [row])).length === 1, `row ${row} on pg2`);
  };

  beforeAll(async () => {
    [cluster, sshd, home] = await Promise.all([startTestCluster(2), startSshd(), scratchHome()]);
    config = {
      ...cluster.config,
      nodes: cluster.config.nodes.map((node) =>
        node.name === 'pg2' ? { ...node, ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys: false } } : node,
      ),
    };
    const env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
    runners = createNodeRunners(config, { readOnly: false, sshEnvironment: env });
    await cluster.query('pg1', 'create table rebuilt_rows (note text)');
    // 40 MB: at 1 MiB/s (--max-rate) the copy runs long enough to be cut half-way.
    await cluster.query('pg1', "create table ballast as select i, repeat('z', 400) as pad from generate_series(1, 100000) i");
  }, 120_000);
  afterAll(async () => {
    await runners?.close();
    await cluster?.destroy();
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('rebuilds the standby pg2 through ssh: its steps ran there, it streams from pg1 on its own port, the old directory kept', async () => {
    await waitFor(async () => (await receiver())?.status === 'streaming', 'pg2 streaming');
    const plan = await prepareRebuild(config, 'pg2', { method: 'basebackup' }, { runners });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    const events: PlanEvent[] = [];
    const outcome = await executePlan(plan, { config, readOnly: false, runners, onEvent: (event) => events.push(event) });
    const lines = events.flatMap(planEventLines).join('\n');
    expect(outcome.succeeded, lines).toBe(true);
    // Every program of the rebuild ran on pg2's host through this sshd, pg_basebackup among them.
    const jobs = events.flatMap((event) => (event.type === 'job-started' ? [event.job] : []));
    expect(jobs.length).toBeGreaterThan(3);
    expect(jobs.every((job) => job.where.startsWith('ssh root@127.0.0.1')), jobs.map((job) => job.where).join('\n')).toBe(true);
    expect(lines).toMatch(/pg_basebackup -d .* -X stream -S slot_pg2/);
    expect(sshd.log()).toMatch(/Accepted publickey for root from 127\.0\.0\.1/);

    await expectStreamingStandby('after the rebuild over ssh');
    expect(await systemIdentifier('pg2')).toBe(await systemIdentifier('pg1'));
    expect(await kept()).toEqual([path.basename(plan.asideDir ?? '')]);
    expect((await fs.stat(path.join(plan.asideDir ?? '', 'PG_VERSION'))).isFile()).toBe(true);
  }, 120_000);

  it('a cancel during the throttled copy kills the remote pg_basebackup, keeps the partial copy aside, puts pg2 back and streaming', async () => {
    const before = await kept();
    const mark = await markPg2();

    const plan = await prepareRebuild(config, 'pg2', { method: 'basebackup', maxRateKbps: 1024 }, { runners });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    const copyStep = plan.steps.findIndex((step) => step.description.includes('with pg_basebackup')) + 1;
    expect(copyStep).toBeGreaterThan(0);
    const events: PlanEvent[] = [];
    const cancel = new AbortController();
    const running = executePlan(plan, { config, readOnly: false, runners, cancel: cancel.signal, onEvent: (event) => events.push(event) });
    // Cancelled once the copy reports progress, with its pg_basebackup seen running.
    await waitFor(() => events.some((event) => event.type === 'job-progress' && event.number === copyStep && event.undoOf === undefined && event.fraction > 0), 'the copy to report progress', 60_000);
    expect(await basebackups()).not.toEqual([]);
    cancel.abort('SIGINT');
    const outcome = await running;
    const lines = events.flatMap(planEventLines).join('\n');

    expect(outcome.cancelled, lines).toMatchObject({ stoppedStep: copyStep, nothingLeftChanged: true });
    expect(outcome.cancelled?.undone.join(', '), lines).toMatch(/copy pg1.*keep pg2's data directory aside.*stop pg2/);
    expect(await basebackups()).toEqual([]);
    // pg2's own directory is back (the mark is there), and the partial copy is kept aside under its own name.
    expect(await fs.readFile(mark, 'utf8')).toBe('the old pg2\n');
    const added = (await kept()).filter((name) => !before.includes(name));
    expect(added).toEqual([expect.stringMatching(/\.pgcockpit-partial-\d{8}T\d{6}Z$/)]);
    await expectStreamingStandby('after the cancel over ssh');
    expect((await cluster.query('pg1', "select count(*)::int as n from pg_replication_slots where slot_name = 'slot_pg2'"))[0]?.n).toBe(1);
  }, 120_000);

  it('the ssh session dropping during the copy leaves no pg_basebackup behind (its stderr pipe breaks), and the failed copy is undone over a new connection', async () => {
    const before = await kept();
    await markPg2();
    const plan = await prepareRebuild(config, 'pg2', { method: 'basebackup', maxRateKbps: 1024 }, { runners });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    const copyStep = plan.steps.findIndex((step) => step.description.includes('with pg_basebackup')) + 1;
    const events: PlanEvent[] = [];
    const running = executePlan(plan, { config, readOnly: false, runners, onEvent: (event) => events.push(event) });
    await waitFor(() => events.some((event) => event.type === 'job-progress' && event.number === copyStep && event.undoOf === undefined && event.fraction > 0), 'the copy to report progress', 60_000);
    expect(await basebackups()).not.toEqual([]);
    await sshd.dropConnections();
    const outcome = await running;
    const lines = events.flatMap(planEventLines).join('\n');

    expect(outcome.failedStep, lines).toMatchObject({ number: copyStep, error: expect.stringMatching(/the connection broke while .*pg_basebackup was running/) });
    expect(outcome.undone, lines).toMatchObject({ nothingLeftChanged: true });
    // By the time the undo has put pg2 back and started it, the copy is gone (not left writing beside it).
    expect(await basebackups()).toEqual([]);
    expect(await fs.readFile(path.join(dataDir(), 'pgcockpit-test-mark'), 'utf8')).toBe('the old pg2\n');
    expect((await kept()).filter((name) => !before.includes(name))).toEqual([expect.stringMatching(/\.pgcockpit-partial-\d{8}T\d{6}Z$/)]);
    await expectStreamingStandby('after the dropped session');
  }, 120_000);

  it('the connection breaking while sshd keeps the session (a network cut): the undo stops the pg_basebackup still writing there before it puts pg2 back', async () => {
    const before = await kept();
    await markPg2();
    // Keepalives every 300 ms: the cut is noticed in about a second instead of 45 s.
    const env = testSshEnvironment(home);
    const pool = new SshConnectionPool({ env, keepaliveIntervalMs: 300 });
    const pg2 = sshRunnerForNode(config.nodes.find((node) => node.name === 'pg2')!, { pool, env });
    const cut = { forNode: (name: string) => (name === 'pg2' ? pg2 : localRunner(cluster.osUser)) };
    const stopped: number[] = [];
    try {
      const plan = await prepareRebuild(config, 'pg2', { method: 'basebackup', maxRateKbps: 1024 }, { runners: cut });
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      const copyStep = plan.steps.findIndex((step) => step.description.includes('with pg_basebackup')) + 1;
      const events: PlanEvent[] = [];
      const running = executePlan(plan, { config, readOnly: false, runners: cut, onEvent: (event) => events.push(event) });
      // Cut while pg_basebackup writes the ballast's file (40 MB at 1 MiB/s): it goes on writing for many seconds.
      const ballast = path.join(dataDir(), String((await cluster.query<{ file: string }>('pg1', "select pg_relation_filepath('ballast') as file"))[0]?.file));
      await waitFor(async () => (await openFiles(await basebackups())).includes(ballast), `pg_basebackup writing ${ballast}`, 60_000, 20);
      // The session's sshd processes freeze (as behind a dead link): the client hears nothing more, and
      // pg_basebackup, whose output pipe stays open, goes on copying.
      for (const pid of descendantsOf(sshd.pid)) {
        if ((await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).startsWith('sshd')) {
          process.kill(pid, 'SIGSTOP');
          stopped.push(pid);
        }
      }
      expect(stopped).not.toEqual([]);
      const outcome = await running;
      const lines = events.flatMap(planEventLines).join('\n');

      expect(outcome.failedStep, lines).toMatchObject({ number: copyStep, error: expect.stringMatching(/the connection broke while .*pg_basebackup was running/) });
      expect(outcome.undone, lines).toMatchObject({ nothingLeftChanged: true });
      // The runner could not stop it (no answer on the old connection): the undo did, before moving anything.
      expect(lines).toMatch(/undo 1\/3 ✓ stopped a pg_basebackup still copying into \S+; the partial copy is at /);
      expect(await basebackups(), lines).toEqual([]);
      expect(await fs.readFile(path.join(dataDir(), 'pgcockpit-test-mark'), 'utf8')).toBe('the old pg2\n');
      await expect(fs.stat(path.join(dataDir(), 'backup_label'))).rejects.toThrow();
      expect((await kept()).filter((name) => !before.includes(name))).toEqual([expect.stringMatching(/\.pgcockpit-partial-\d{8}T\d{6}Z$/)]);
      await expectStreamingStandby('after the cut');
    } finally {
      for (const pid of stopped) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await pg2.close();
      await pool.close();
    }
  }, 120_000);
});
