import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portInUse } from '../../src/services/os/freePort.js';
import { pathExists } from '../../src/services/os/pathExists.js';
import type { HandBuiltCluster } from './handBuiltCluster.js';
import { startHandBuiltCluster } from './handBuiltCluster.js';

interface Link {
  slot_name: string;
  application_name: string;
  state: string;
}

/** Who streams from `upstream`, paired by the slot each walsender holds. */
function links(cluster: HandBuiltCluster, upstream: string): Promise<Link[]> {
  return cluster.superQuery<Link>(
    upstream,
    `select s.slot_name, r.application_name, r.state
       from pg_stat_replication r join pg_replication_slots s on s.active_pid = r.pid
      order by s.slot_name`,
  );
}

/** The primary_conninfo the standby runs with (the last one -R wrote into postgresql.auto.conf). */
async function primaryConninfo(cluster: HandBuiltCluster, name: string): Promise<string> {
  const [row] = await cluster.superQuery<{ primary_conninfo: string }>(name, 'show primary_conninfo');
  return row!.primary_conninfo;
}

async function expectGone(cluster: HandBuiltCluster): Promise<void> {
  await cluster.destroy();
  for (const node of cluster.config.nodes) expect(await portInUse(node.port)).toBe(false);
  expect(await pathExists(cluster.root)).toBe(false);
  await cluster.destroy(); // safe twice
}

describe('a cluster built by hand with plain PostgreSQL tools', () => {
  let cluster: HandBuiltCluster;
  beforeAll(async () => {
    cluster = await startHandBuiltCluster();
  });
  afterAll(() => cluster?.destroy());

  it('has both standbys streaming from pg1 through their own slots, as "walreceiver"', async () => {
    expect(await links(cluster, 'pg1')).toEqual([
      { slot_name: 'slot_pg2', application_name: 'walreceiver', state: 'streaming' },
      { slot_name: 'slot_pg3', application_name: 'walreceiver', state: 'streaming' },
    ]);
    for (const name of ['pg2', 'pg3']) {
      const [row] = await cluster.query<{ in_recovery: boolean }>(name, 'select pg_is_in_recovery() as in_recovery');
      expect(row!.in_recovery).toBe(true);
    }
  });

  it('has the password pg_basebackup -R wrote in each primary_conninfo, and no application_name', async () => {
    for (const name of ['pg2', 'pg3']) {
      const conninfo = await primaryConninfo(cluster, name);
      // pg_basebackup quotes a value holding anything but letters, digits, "_" and ".": password='…' then.
      expect(conninfo).toMatch(new RegExp(`password='?${cluster.replicationPassword.replace(/[-]/g, '\\$&')}'?( |$)`));
      expect(conninfo).toContain(`port=${cluster.node('pg1').port}`);
      expect(conninfo).not.toContain('application_name');
      const autoConf = await readFile(path.join(cluster.dataDir(name), 'postgresql.auto.conf'), 'utf8');
      expect(autoConf).toContain('password=');
    }
    const [name] = await cluster.superQuery<{ cluster_name: string }>('pg1', 'show cluster_name');
    expect(name!.cluster_name).toBe('');
  });

  it('keeps each node its own port in postgresql.conf and its log outside the data directory', async () => {
    for (const node of cluster.config.nodes) {
      const conf = await readFile(path.join(cluster.dataDir(node.name), 'postgresql.conf'), 'utf8');
      expect(conf).toMatch(new RegExp(`^port = ${node.port}$`, 'm'));
      const [row] = await cluster.superQuery<{ log_directory: string }>(node.name, 'show log_directory');
      expect(row!.log_directory).toBe(cluster.logDir(node.name));
    }
    const [archive] = await cluster.superQuery<{ archive_command: string }>('pg1', 'show archive_command');
    expect(archive!.archive_command).toBe(`test ! -f ${cluster.archiveDir}/%f && cp %p ${cluster.archiveDir}/%f`);
  });

  it("gives pgcockpit a passfile of its own, 0600, without the replication password, and the monitor pg_monitor", async () => {
    const passfile = await readFile(cluster.passfile, 'utf8');
    expect(passfile).not.toContain(cluster.replicationPassword);
    expect((await stat(cluster.passfile)).mode & 0o777).toBe(0o600);
    const [row] = await cluster.superQuery<{ granted: boolean }>('pg1', "select pg_has_role('monitor', 'pg_monitor', 'member') as granted");
    expect(row!.granted).toBe(true);
    expect(await readFile(cluster.configFile, 'utf8')).toContain(`passfile: ${cluster.passfile}`);
  });

  it('stops every server and removes everything on destroy', () => expectGone(cluster));
});

describe('a hand-built cascade: pg1 → pg2 → pg3, monitored by a login without pg_monitor', () => {
  let cluster: HandBuiltCluster;
  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ cascade: true, configUser: 'monitor', monitorHasPgMonitor: false });
  });
  afterAll(() => cluster?.destroy());

  it('has pg3 streaming from pg2 through a slot on pg2', async () => {
    expect(await links(cluster, 'pg1')).toEqual([{ slot_name: 'slot_pg2', application_name: 'walreceiver', state: 'streaming' }]);
    expect(await links(cluster, 'pg2')).toEqual([{ slot_name: 'slot_pg3', application_name: 'walreceiver', state: 'streaming' }]);
    const conninfo = await primaryConninfo(cluster, 'pg3');
    expect(conninfo).toContain(`port=${cluster.node('pg2').port}`);
    expect(conninfo).toContain('password=');
    expect(conninfo).not.toContain('application_name');
  });

  it('logs pgcockpit in as monitor, which has no pg_monitor', async () => {
    const [row] = await cluster.query<{ who: string; granted: boolean }>(
      'pg1',
      "select current_user as who, pg_has_role(current_user, 'pg_monitor', 'member') as granted",
    );
    expect(row).toEqual({ who: 'monitor', granted: false });
  });

  it('stops every server and removes everything on destroy', () => expectGone(cluster));
});
