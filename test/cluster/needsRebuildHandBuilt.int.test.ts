import { appendFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { pgCtlStart, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';
import { waitForExit } from '../runbooks/writeLoad.js';

const escapeLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

interface StatusNode {
  name: string;
  status: string;
  role: string;
  needsRebuild?: { cause: string; reason: string; command: string };
}
interface StatusJson {
  exitCode: number;
  nodes: StatusNode[];
  alerts: { code: string; node?: string; message: string }[];
}

/**
 * "Needs rebuild" as a fact of the cluster, read by `pgcockpit status` (a
 * fresh process, remembering nothing) on a cluster built by hand, through
 * the real CLI (needs `npm run build`): the old primary started again after
 * a failover is a second primary that needs a rebuild, and after
 * `pgcockpit rebuild pg1 --yes` no longer does; a standby whose WAL the
 * primary removed is told to read it from the archive, and does.
 */
describe('needs rebuild, derived by status on a hand-built cluster', () => {
  let cluster: HandBuiltCluster;
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.configFile], { XDG_STATE_HOME: cluster.root });
  const status = async (): Promise<StatusJson> => {
    const result = await cli('status', '--json');
    return JSON.parse(result.stdout) as StatusJson;
  };
  const nodeIn = (json: StatusJson, name: string) => json.nodes.find((node) => node.name === name)!;
  const ctl = (name: string) => ({ pgBinDir: cluster.pgBinDir, dataDir: cluster.dataDir(name), runner: localRunner(cluster.osUser) });
  const receiverStatus = async (name: string) =>
    (await cluster.superQuery<{ status: string }>(name, 'select status from pg_stat_wal_receiver').catch(() => []))[0]?.status;

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 2 });
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('after a failover the old primary, started again, is a second primary that needs a rebuild; after the rebuild it no longer does', async () => {
    await cluster.superQuery('pg1', 'create table marks (note text)');
    await waitFor(async () => (await receiverStatus('pg2')) === 'streaming' && (await receiverStatus('pg3')) === 'streaming', 'pg2 and pg3 streaming');
    const pid = Number((await readFile(path.join(cluster.dataDir('pg1'), 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid);
    const promoted = await cli('promote', 'pg2', '--yes');
    expect(promoted.exitCode, promoted.stdout + promoted.stderr).toBe(0);
    // The last line names the exact command.
    expect(promoted.stdout.trimEnd().split('\n').at(-1)).toContain('needs rebuild: pg1 (pgcockpit rebuild pg1 --yes)');

    // Down, it cannot say it: status asks its host (pg_controldata) and compares with pg2's timeline history.
    const whileDown = await status();
    expect(nodeIn(whileDown, 'pg1')).toMatchObject({ status: 'down', needsRebuild: { cause: 'forked', command: 'pgcockpit rebuild pg1 --yes' } });
    expect(nodeIn(whileDown, 'pg1').needsRebuild?.reason).toMatch(/^crashed as a primary on timeline 1 .*pg2's history left timeline 1 at [0-9A-F]+\/[0-9A-F]+$/);
    expect(whileDown.alerts.find((alert) => alert.code === 'needs-rebuild')?.node).toBe('pg1');

    // The old primary comes back as it was: a primary on timeline 1, beside pg2 which pg3 follows.
    await pgCtlStart(ctl('pg1'), path.join(cluster.logDir('pg1'), 'startup.log'));
    await waitFor(async () => nodeIn(await status(), 'pg1').role === 'primary', 'status sees pg1 up as a primary');
    const json = await status();
    expect(nodeIn(json, 'pg1').needsRebuild).toMatchObject({
      cause: 'second-primary',
      reason: expect.stringMatching(/^up as a primary on timeline 1 beside pg2 \(timeline 2\)/),
      command: 'pgcockpit rebuild pg1 --yes',
    });
    expect(json.nodes.filter((node) => node.needsRebuild).map((node) => node.name)).toEqual(['pg1']);
    expect(json.alerts.find((alert) => alert.code === 'needs-rebuild')?.message).toMatch(/^pg1 needs a rebuild: .*: pgcockpit rebuild pg1 --yes$/);
    expect(json.exitCode).toBe(2);
    const text = await cli('status');
    expect(text.stdout.split('\n').find((line) => line.startsWith('pg1'))).toMatch(/PRIMARY .*⚠ NEEDS REBUILD \(pgcockpit rebuild pg1 --yes\)/);

    const rebuilt = await cli('rebuild', 'pg1', '--yes');
    expect(rebuilt.exitCode, rebuilt.stdout + rebuilt.stderr).toBe(0);
    await waitFor(async () => (await receiverStatus('pg1')) === 'streaming', 'pg1 streaming from pg2');
    const after = await status();
    expect(after.nodes.filter((node) => node.needsRebuild)).toEqual([]);
    expect(after.alerts.filter((alert) => alert.code === 'needs-rebuild')).toEqual([]);
    expect(nodeIn(after, 'pg1')).toMatchObject({ status: 'up', role: 'standby' });
  });

  it('a standby whose WAL the primary removed is told to read it from the archive (not to check primary_conninfo), and streams once it does', async () => {
    // pg3 without its slot, stopped, while pg2 writes, switches and checkpoints: the segments it needs leave pg2's pg_wal (archived first).
    await waitFor(async () => (await receiverStatus('pg3')) === 'streaming', 'pg3 streaming');
    const slot = (await cluster.superQuery<{ slot_name: string }>('pg3', 'select slot_name from pg_stat_wal_receiver'))[0]?.slot_name;
    await pgCtlStop(ctl('pg3'), 'fast');
    await appendFile(path.join(cluster.dataDir('pg3'), 'postgresql.auto.conf'), "primary_slot_name = ''\n");
    if (slot) await cluster.superQuery('pg2', 'select pg_drop_replication_slot($1)', [slot]);
    await cluster.superQuery('pg2', 'alter system set wal_keep_size = 0');
    // The runbook's `test ! -f && cp` refuses a segment pg1 archived before the failover (its own alert says so): the idempotent one.
    await cluster.superQuery('pg2', `alter system set archive_command = ${escapeLiteral(safeArchiveCommand(cluster.archiveDir))}`);
    await cluster.superQuery('pg2', 'select pg_reload_conf()');
    for (let round = 0; round < 4; round++) {
      await cluster.superQuery('pg2', "insert into marks select 'filler ' || g from generate_series(1, 1000) g");
      await cluster.superQuery('pg2', 'select pg_switch_wal()');
      await cluster.superQuery('pg2', 'checkpoint');
    }
    const archiver = async () =>
      (await cluster.superQuery<{ ready: string; failed: string | null }>('pg2', "select (select count(*) from pg_ls_archive_statusdir() where name like '%.ready') as ready, (select last_failed_wal from pg_stat_archiver) as failed"))[0]!;
    await waitFor(async () => (await archiver()).ready === '0', 'pg2 archived everything').catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await archiver())}, ${(await readdir(cluster.archiveDir)).join(' ')}`);
    });
    await pgCtlStart(ctl('pg3'), path.join(cluster.logDir('pg3'), 'startup.log'));

    const restore = `cp ${cluster.archiveDir}/%f %p`;
    // (The archive directory needs no quoting: mkdtemp's name.)
    await waitFor(async () => (await status()).alerts.some((alert) => alert.code === 'standby-wal-removed' && alert.node === 'pg3'), 'status says pg3 lost its WAL');
    const json = await status();
    const alert = json.alerts.find((candidate) => candidate.node === 'pg3')!;
    expect(alert.code).toBe('standby-wal-removed');
    expect(alert.message).toMatch(/^pg3 cannot stream: pg2 has removed WAL it needs \(0000000200000000[0-9A-F]{8}; pg2's pg_wal starts at /);
    expect(alert.message).toContain(`but the archive still holds it (pg2 archived up to`);
    expect(alert.message).toContain(`give pg3 restore_command = '${restore}'`);
    expect(alert.message).not.toMatch(/primary_conninfo|pg_hba/);
    expect(nodeIn(json, 'pg3').needsRebuild).toBeUndefined();
    // What the standby's log says, which pgcockpit did not need to read.
    const logs = await Promise.all((await readdir(cluster.logDir('pg3'))).map((name) => readFile(path.join(cluster.logDir('pg3'), name), 'utf8')));
    expect(logs.join('\n')).toMatch(/requested WAL segment \S+ has already been removed/);

    // The fix as the alert gives it: no copy, the standby reads the archive and streams again.
    await cluster.superQuery('pg3', `alter system set restore_command = ${escapeLiteral(restore)}`);
    await cluster.superQuery('pg3', 'select pg_reload_conf()');
    await waitFor(async () => (await receiverStatus('pg3')) === 'streaming', 'pg3 streaming again', 60_000);
    const healed = await status();
    // (The hand-built archive_command's own warning stays: it is about the command, not about pg3 following.)
    expect(healed.alerts.filter((candidate) => candidate.node === 'pg3' && candidate.code !== 'archive-command-not-idempotent')).toEqual([]);
  });
});
