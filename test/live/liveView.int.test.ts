import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { startLiveView } from '../support/liveView.js';
import { waitFor } from '../support/waitFor.js';

const MiB = 1024 * 1024;

describe('live cluster view on a real 3-node cluster', () => {
  let cluster: TestCluster;
  let live: ReturnType<typeof startLiveView>;
  beforeAll(async () => {
    cluster = await startTestCluster(3);
    live = startLiveView(cluster.config, {
      intervalMs: 500,
      thresholds: { slotRetainedBytesWarning: 2 * MiB, archiveReadyWarning: 1, archiveReadyAgeSecondsWarning: 3600 },
    });
    await live.until((state) => state.nodes.every((node) => node.status === 'up') && state.links.length === 2, 'all nodes up, both links');
  });
  afterAll(async () => {
    await live?.stop();
    await cluster?.destroy();
  });

  /** About `megabytes` MB of WAL on the primary. */
  const writeWal = async (megabytes: number) => {
    await cluster.query('pg1', 'create table if not exists ballast (id bigint, pad text)');
    await cluster.query('pg1', `insert into ballast select n, repeat('x', 1000) from generate_series(1, $1::int) n`, [megabytes * 900]);
  };

  it('starts healthy: roles, timeline, both standbys caught up, no alerts', async () => {
    await live.until((state) => state.links.every((link) => link.caughtUp), 'both standbys caught up');
    expect(live.node('pg1')?.role).toBe('primary');
    expect(live.node('pg2')?.role).toBe('standby');
    expect(live.node('pg1')?.server?.timeline).toBe(1);
    expect(live.link('pg2')).toMatchObject({ upstream: 'pg1', receiverStreaming: true, senderSeen: true, lagBytes: 0, lagSeconds: 0 });
    expect(live.state().alerts).toEqual([]);
  });

  it('replay paused: byte lag grows and the paused alert shows; resumed: back to 0 and caught up', async () => {
    await cluster.query('pg3', 'select pg_wal_replay_pause()');
    await writeWal(4);
    await live.until((state) => (state.links.find((l) => l.standby === 'pg3')?.lagBytes ?? 0) > 1 * MiB, 'pg3 byte lag over 1 MB');
    await live.until(() => live.alert('replay-paused', 'pg3') !== undefined, 'replay-paused alert');
    expect(live.link('pg3')?.replayPaused).toBe(true);
    expect(live.link('pg3')?.caughtUp).toBe(false);
    // pg2 replays the same 4 MB and may still be at it: wait for it rather than catch it mid-replay.
    await live.until(() => live.link('pg2')?.caughtUp === true, 'pg2 caught up while pg3 stays paused');
    expect(live.link('pg3')).toMatchObject({ replayPaused: true, caughtUp: false });
    await cluster.query('pg3', 'select pg_wal_replay_resume()');
    await live.until((state) => state.links.find((l) => l.standby === 'pg3')?.caughtUp === true, 'pg3 caught up again');
    expect(live.link('pg3')).toMatchObject({ lagBytes: 0, lagSeconds: 0, replayPaused: false });
    expect(live.alert('replay-paused')).toBeUndefined();
  });

  it('an inactive slot: retained WAL grows and the alert names it', async () => {
    await cluster.query('pg1', "select pg_create_physical_replication_slot('forgotten', true)");
    const retained = () => live.node('pg1')?.server?.slots.find((slot) => slot.name === 'forgotten')?.retainedBytes ?? 0;
    await live.until(() => live.node('pg1')?.server?.slots.some((slot) => slot.name === 'forgotten') === true, 'slot seen');
    const before = retained();
    await writeWal(4);
    await live.until(() => retained() > before + 2 * MiB, 'retained WAL grows by 2 MB');
    await live.until(() => live.alert('slot-retaining', 'pg1') !== undefined, 'slot-retaining alert');
    expect(live.alert('slot-retaining', 'pg1')?.message).toContain('forgotten');
    await cluster.query('pg1', "select pg_drop_replication_slot('forgotten')");
    await live.until(() => live.alert('slot-retaining') === undefined, 'alert gone with the slot');
  });

  it('a failing archive_command: failed count rises, .ready backlog and its age grow, alert shows', async () => {
    await cluster.query('pg1', "alter system set archive_command = 'false'");
    await cluster.query('pg1', 'select pg_reload_conf()');
    const failedBefore = live.node('pg1')?.server?.archiver.failedCount ?? 0;
    await writeWal(1);
    await cluster.query('pg1', 'select pg_switch_wal()');
    await writeWal(1);
    await cluster.query('pg1', 'select pg_switch_wal()');
    await live.until(() => (live.node('pg1')?.server?.archiver.failedCount ?? 0) > failedBefore, 'failed count rises');
    await live.until(() => (live.node('pg1')?.server?.archiver.readyCount ?? 0) >= 2, 'two segments waiting');
    await live.until(() => live.alert('archiver-failing', 'pg1') !== undefined, 'archiver-failing alert');
    await live.until(() => live.alert('archive-backlog', 'pg1') !== undefined, 'archive-backlog alert');
    const archiver = live.node('pg1')?.server?.archiver;
    expect(archiver?.failing).toBe(true);
    expect(archiver?.oldestReadyAt).toBeLessThan(Date.now());
    await cluster.query('pg1', 'alter system reset archive_command');
    await cluster.query('pg1', 'select pg_reload_conf()');
    await live.until(() => live.node('pg1')?.server?.archiver.readyCount === 0, 'backlog drained after the fix', 60_000);
    await live.until(() => live.alert('archiver-failing') === undefined, 'archiver alert gone');
  });

  it('a standby killed with SIGKILL is DOWN within 2 ticks while the others keep updating; back when restarted', async () => {
    const pg2 = cluster.node('pg2');
    const pidFile = await readFile(path.join(pg2.dataDir ?? '', 'postmaster.pid'), 'utf8');
    const postmasterPid = Number(pidFile.split('\n')[0]);
    const polledAt = (name: string) => live.state().lastPolledAt[name] ?? 0;
    const ticksAtKill = live.ticks();
    // One sample per check of the wait below: the tick count and when pg1 and pg3 were last polled.
    const seen = [{ tick: ticksAtKill, pg1: polledAt('pg1'), pg3: polledAt('pg3') }];
    process.kill(postmasterPid, 'SIGKILL');
    await live.until((state) => {
      seen.push({ tick: live.ticks(), pg1: polledAt('pg1'), pg3: polledAt('pg3') });
      return state.nodes.find((node) => node.name === 'pg2')?.status === 'down';
    }, 'pg2 DOWN');
    expect(live.ticks() - ticksAtKill).toBeLessThanOrEqual(2);
    // While pg2 was dying, every tick brought fresh answers from pg1 and pg3.
    const ticked = seen.flatMap((sample, i) => (i > 0 && sample.tick > seen[i - 1]!.tick ? [{ before: seen[i - 1]!, after: sample }] : []));
    expect(ticked.length).toBeGreaterThan(0);
    const notRefreshed = ticked.flatMap(({ before, after }) =>
      (['pg1', 'pg3'] as const).filter((name) => !(after[name] > before[name])).map((name) => `${name} at tick ${after.tick}`),
    );
    expect(notRefreshed).toEqual([]);
    expect(live.node('pg2')?.downReason).toMatch(/refused|terminated|lost|shutting down|unexpected/);
    expect(live.state().log.some((line) => line.text.startsWith('pg2 is DOWN: '))).toBe(true);
    // The others kept answering on every tick, none marked stale.
    const ticksBefore = live.ticks();
    const pg1Before = polledAt('pg1');
    await live.until(() => live.ticks() >= ticksBefore + 2, 'two more ticks');
    expect(polledAt('pg1')).toBeGreaterThan(pg1Before);
    expect(live.node('pg1')?.stale).toBeFalsy();
    expect(live.node('pg3')?.status).toBe('up');
    // Restart it (the killed postmaster's children exit on their own first).
    await waitFor(async () => {
      const result = await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', pg2.dataDir ?? '', '-l', cluster.layout.logFile('pg2'), '-w', 'start'], {
        uid: cluster.osUser.uid, gid: cluster.osUser.gid, cwd: '/', reject: false,
      });
      return result.exitCode === 0;
    }, 'pg2 restarted', 30_000, 500);
    await live.until((state) => state.nodes.find((node) => node.name === 'pg2')?.status === 'up', 'pg2 back up');
    await live.until(() => live.link('pg2')?.receiverStreaming === true, 'pg2 streaming again', 30_000);
  });

  it('a standby promoted behind the cockpit\'s back: split-brain alert', async () => {
    await cluster.query('pg3', 'select pg_promote(true, 30)');
    await live.until(() => live.alert('split-brain') !== undefined, 'split-brain alert');
    expect(live.alert('split-brain')?.severity).toBe('critical');
    expect(live.alert('split-brain')?.message).toMatch(/pg1.*pg3|pg3.*pg1/);
    expect(live.node('pg3')?.role).toBe('primary');
    expect(live.node('pg3')?.server?.timeline).toBe(2);
    await live.until((state) => state.log.some((line) => line.text === 'pg3 is now PRIMARY (was STANDBY)'), 'promotion in the log');
    expect(live.state().log.some((line) => line.text.startsWith('CRITICAL: ') && line.text.includes('split brain'))).toBe(true);
  });
});
