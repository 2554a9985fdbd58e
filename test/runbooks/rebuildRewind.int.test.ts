import { execa } from 'execa';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';
import { waitForExit } from './writeLoad.js';

/**
 * pg_rewind on a hand-built cluster with wal_log_hints (through the real
 * CLI; needs `npm run build`): the old primary wrote past the fork point,
 * crashed, and comes back as a standby of the new primary without a full
 * copy, with its own port and settings (pg_rewind copies the source's).
 */
describe('rebuild with pg_rewind', () => {
  let cluster: HandBuiltCluster;
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.configFile], { XDG_STATE_HOME: cluster.root });
  const one = async (node: string, sql: string) => Object.values((await cluster.superQuery(node, sql))[0] ?? {})[0];
  const receiver = async (node: string) => (await cluster.superQuery<{ status: string; sender_port: number }>(node, 'select status, sender_port from pg_stat_wal_receiver'))[0];

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 1, walLogHints: true });
    await cluster.superQuery('pg1', 'create table notes (note text)');
    await cluster.superQuery('pg1', "insert into notes values ('everyone has this')");
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('rewinds a crashed old primary that wrote past the fork point, and it streams from the new primary on its own port', async () => {
    await waitFor(async () => (await cluster.superQuery('pg2', "select 1 from notes where note = 'everyone has this'")).length === 1, 'pg2 has the row');
    // pg2 stops receiving; pg1 writes what pg2 never gets (the divergence), then crashes.
    const conninfo = String(await one('pg2', "select setting from pg_settings where name = 'primary_conninfo'"));
    await cluster.superQuery('pg2', `alter system set primary_conninfo = '${conninfo.replace(/port=\d+/, 'port=1').replaceAll("'", "''")}'`);
    await cluster.superQuery('pg2', 'select pg_reload_conf()');
    await waitFor(async () => (await receiver('pg2')) === undefined || (await receiver('pg2'))!.status !== 'streaming', 'pg2 cut off');
    await cluster.superQuery('pg1', "insert into notes select 'only pg1 had this' from generate_series(1, 1000)");
    const pid = Number((await readFile(path.join(cluster.dataDir('pg1'), 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid);
    const promoted = await cli('promote', 'pg2', '--yes');
    expect(promoted.exitCode, promoted.stdout + promoted.stderr).toBe(0);
    await cluster.superQuery('pg2', "insert into notes values ('written on the new primary')");

    // auto weighs what each moves: pg_rewind copies pg2's whole pg_wal.
    const auto = await cli('rebuild', 'pg1', '--dry-run');
    expect(auto.exitCode, auto.stdout + auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/method: pg_(basebackup|rewind)[^\n]*pg_wal/);

    const run = await cli('rebuild', 'pg1', '--method', 'rewind', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('finish pg1\'s crash recovery (single-user, no port)');
    expect(run.stdout).toMatch(/rewound onto pg2's history/);
    for (const secret of [cluster.replicationPassword, cluster.superuserPassword]) expect(run.stdout + run.stderr).not.toContain(secret);

    await waitFor(async () => (await receiver('pg1').catch(() => undefined))?.status === 'streaming', 'pg1 streaming');
    expect(await receiver('pg1')).toMatchObject({ sender_port: cluster.node('pg2').port });
    expect(Number(await one('pg1', 'show port'))).toBe(cluster.node('pg1').port);
    await waitFor(async () => (await cluster.superQuery('pg1', "select 1 from notes where note = 'written on the new primary'")).length === 1, 'the new row on pg1');
    // What only the old primary had is gone: it now follows pg2's history.
    expect(Number(await one('pg1', "select count(*) from notes where note = 'only pg1 had this'"))).toBe(0);
    expect(((await stat(cluster.dataDir('pg1'))).mode & 0o777).toString(8)).toBe('700');
    const notOwned = await execa('find', [cluster.dataDir('pg1'), '!', '-user', cluster.osUser.name, '-print'], { reject: false });
    expect(String(notOwned.stdout)).toBe('');
    const status = await cli('status', '--json');
    expect(status.stdout).not.toMatch(/needs-rebuild|"needsRebuild":\s*\{/);
    // In place: no data directory was kept aside, only its configuration files.
    const kept = (await readdir(path.dirname(cluster.dataDir('pg1')))).filter((name) => name.startsWith('pg1.pgcockpit-'));
    expect(kept).toEqual([expect.stringMatching(/^pg1\.pgcockpit-conf-\d{8}T\d{6}Z$/)]);
  });

  it('refuses --method rewind where it cannot work, saying why and what to use', async () => {
    // pg1 now streams on pg2's timeline: nothing forked.
    const refused = await cli('rebuild', 'pg1', '--method', 'rewind', '--yes');
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout + refused.stderr).toMatch(/no fork to rewind.*--method basebackup/s);
  });
});
