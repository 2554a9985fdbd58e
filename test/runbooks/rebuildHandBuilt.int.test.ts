import { execa } from 'execa';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli, runCliInterrupted } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';
import { pgrep } from './cancelRunbook.js';
import { waitForExit } from './writeLoad.js';

/**
 * Rebuild on a cluster built by hand (ports in postgresql.conf, so a copied
 * config would clash; the password in primary_conninfo; logs in a directory
 * of their own), through the real CLI (needs `npm run build`): the old
 * primary after a failover, a damaged standby, a cancel during the copy, and
 * the refusals that change nothing.
 */
describe('rebuild on a hand-built cluster', () => {
  let cluster: HandBuiltCluster;
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.configFile], { XDG_STATE_HOME: cluster.root });
  const one = async (node: string, sql: string) => Object.values((await cluster.superQuery(node, sql))[0] ?? {})[0];
  const receiver = async (node: string) =>
    (await cluster.superQuery<{ status: string; sender_port: number; slot_name: string }>(node, 'select status, sender_port, slot_name from pg_stat_wal_receiver'))[0];
  const kept_ = async (node: string) => (await readdir(path.dirname(cluster.dataDir(node)))).filter((name) => name.startsWith(`${node}.pgcockpit-`)).sort();
  const secrets = () => [cluster.replicationPassword, cluster.superuserPassword, cluster.monitorPassword];
  const expectNoSecrets = (...texts: string[]) => {
    for (const text of texts) for (const secret of secrets()) expect(text).not.toContain(secret);
  };
  /** The rebuilt node streams from pg2 on its own port, owned by the OS user, mode 0700, and a row written on pg2 arrives. */
  const expectStreamingStandby = async (node: string, row: string) => {
    await waitFor(async () => (await receiver(node).catch(() => undefined))?.status === 'streaming', `${node} streaming`);
    expect(await receiver(node)).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port });
    expect(await one(node, 'select pg_is_in_recovery()')).toBe(true);
    expect(Number(await one(node, 'show port'))).toBe(cluster.node(node).port);
    const mode = (await stat(cluster.dataDir(node))).mode & 0o777;
    expect(mode.toString(8)).toBe('700');
    const notOwned = await execa('find', [cluster.dataDir(node), '!', '-user', cluster.osUser.name, '-print'], { reject: false });
    expect(String(notOwned.stdout)).toBe('');
    await cluster.superQuery('pg2', `insert into rebuilt_rows values ('${row}')`);
    await waitFor(async () => (await cluster.superQuery(node, `select 1 from rebuilt_rows where note = '${row}'`)).length === 1, `row ${row} on ${node}`);
  };

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 1 });
    await cluster.superQuery('pg1', 'create table rebuilt_rows (note text)');
    await cluster.superQuery('pg1', "insert into rebuilt_rows values ('before the failover')");
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('after a failover, rebuilds the old primary as a standby of the new one: its own port, owner and mode, streaming, the old directory kept', async () => {
    await waitFor(async () => (await receiver('pg2'))?.status === 'streaming', 'pg2 streaming');
    const pid = Number((await readFile(path.join(cluster.dataDir('pg1'), 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid);
    const promoted = await cli('promote', 'pg2', '--yes');
    expect(promoted.exitCode, promoted.stdout + promoted.stderr).toBe(0);

    const dry = await cli('rebuild', 'pg1', '--dry-run');
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('rebuild pg1 as a standby of pg2');
    expect(dry.stdout).toMatch(/pg_basebackup -d .* -X stream -S slot_pg1/);

    const run = await cli('rebuild', 'pg1', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/pg1 streams from pg2/);
    expectNoSecrets(dry.stdout, dry.stderr, run.stdout, run.stderr);
    await expectStreamingStandby('pg1', 'after the rebuild');
    expect(await kept_('pg1')).toHaveLength(1);
    const status = await cli('status', '--json');
    expect(status.stdout).not.toMatch(/needs[- ]rebuild|"needsRebuild":\s*\{/i);
  });

  it('rebuilds a standby whose data directory was damaged (a file removed): back and streaming, the damaged directory kept', async () => {
    const relation = String(await one('pg1', "select pg_relation_filepath('rebuilt_rows')"));
    await rm(path.join(cluster.dataDir('pg1'), relation));
    const before = await kept_('pg1');
    const run = await cli('rebuild', 'pg1', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    await expectStreamingStandby('pg1', 'after the second rebuild');
    expect(await kept_('pg1')).toHaveLength(before.length + 1);
  });

  it('refuses, changing nothing: the primary the others follow, too little disk, a source that is not there, the node itself as source, --read-only', async () => {
    const primary = await cli('rebuild', 'pg2', '--yes');
    expect(primary.exitCode).toBe(2);
    expect(primary.stdout + primary.stderr).toMatch(/pg2 is the only primary, followed by pg1/);
    const disk = await cli('rebuild', 'pg1', '--yes', '--min-free', '1000000');
    expect(disk.exitCode).toBe(2);
    expect(disk.stdout + disk.stderr).toMatch(/room for the copy on pg1.s host/);
    const unknown = await cli('rebuild', 'pg1', '--yes', '--from', 'pg9');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stdout + unknown.stderr).toMatch(/--from: choose one of primary, pg1, pg2/);
    const itself = await cli('rebuild', 'pg1', '--yes', '--from', 'pg1');
    expect(itself.exitCode).toBe(2);
    expect(itself.stdout + itself.stderr).toMatch(/cannot be copied from itself/);
    const readOnly = await runCli(['--read-only', 'rebuild', 'pg1', '--yes', '--config', cluster.configFile], { XDG_STATE_HOME: cluster.root });
    expect(readOnly.exitCode).not.toBe(0);
    expect(readOnly.stdout + readOnly.stderr).toMatch(/read-only/);
    const before = await kept_('pg1');
    expect(await receiver('pg1')).toMatchObject({ status: 'streaming' });
    expect(await kept_('pg1')).toEqual(before);
  });

  it('a cancel (SIGINT) during the copy kills pg_basebackup, puts the data directory back and starts it again', async () => {
    // 40 MB at 1 MiB/s: the copy runs long enough to be cancelled half-way.
    await cluster.superQuery('pg2', "create table ballast as select i, repeat('z', 400) as pad from generate_series(1, 100000) i");
    await waitFor(async () => (await cluster.superQuery('pg1', "select 1 from pg_class where relname = 'ballast'")).length === 1, 'ballast on pg1');
    const before = await kept_('pg1');
    const run = await runCliInterrupted(
      ['rebuild', 'pg1', '--yes', '--max-rate', '1', '--config', cluster.configFile],
      { XDG_STATE_HOME: cluster.root },
      /\d+\/\d+ kB \(\d+%\)/,
      'SIGINT',
    );
    expect(run.signalled).toBe(true);
    expect(run.exitCode, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/cancelled at step \d\/\d \(SIGINT\)/);
    expect(run.stdout).toMatch(/undone: .*copy pg2.*keep pg1's data directory aside.*stop pg1/);
    expect(await pgrep(`pg_basebackup .*-D ${cluster.dataDir('pg1')} `)).toEqual([]);
    // The data directory is back (no kept copy added: the partial copy is set aside under its own name).
    expect(await kept_('pg1')).toEqual([...before, ...(await kept_('pg1')).filter((name) => name.includes('partial'))].sort());
    await expectStreamingStandby('pg1', 'after the cancel');
    expect(await one('pg2', "select count(*)::int from pg_replication_slots where slot_name = 'slot_pg1'")).toBe(1);
  });

  it('cleanup lists what the rebuilds kept, with sizes, and removes one only by its exact path; nothing else', async () => {
    const listed = await cli('cleanup');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const kept = await kept_('pg1');
    for (const name of kept) expect(listed.stdout).toContain(path.join(path.dirname(cluster.dataDir('pg1')), name));
    expect(listed.stdout).toMatch(/pg1 +\d+(\.\d+)? [kMG]?B +data directory +\//);
    expect(listed.stdout).toMatch(/partial copy/);

    const outside = await cli('cleanup', '--remove', cluster.dataDir('pg1'), '--yes');
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toMatch(/is not a directory a rebuild kept/);
    const oldest = path.join(path.dirname(cluster.dataDir('pg1')), kept[0]!);
    const removed = await cli('cleanup', '--remove', oldest, '--yes');
    expect(removed.exitCode, removed.stdout + removed.stderr).toBe(0);
    expect(await kept_('pg1')).toEqual(kept.slice(1));
    expect(await receiver('pg1')).toMatchObject({ status: 'streaming' });
  });
});
