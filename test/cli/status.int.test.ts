import { execa } from 'execa';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLsn } from '../../src/services/postgres/lsn.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';

interface StatusJson {
  health: string;
  exitCode: number;
  nodes: Array<{ name: string; status: string; role: string; server?: { timeline: number; currentLsn: string | null; replayLsn: string | null; slots: Array<{ name: string; active: boolean }>; replicas: Array<{ applicationName: string; state: string }>; archiver: { archivedCount: number; enabled: boolean } } }>;
  alerts: Array<{ code: string; severity: string; node?: string }>;
}

describe('pgcockpit status', () => {
  let cluster: TestCluster;
  /** psql, the DBA's own tool, as the independent witness. */
  const psql = async (node: string, sql: string) => {
    const config = cluster.node(node);
    const result = await execa(path.join(cluster.pgBinDir, 'psql'), ['-X', '-At', '-h', config.host, '-p', String(config.port), '-U', config.user, '-d', config.database, '-c', sql], {
      env: { PGPASSFILE: cluster.layout.passfile },
    });
    return result.stdout.trim();
  };
  const status = async (...extra: string[]) => {
    const result = await runCli(['status', '--config', cluster.layout.configFile, ...extra]);
    return { ...result, json: extra.includes('--json') ? (JSON.parse(result.stdout) as StatusJson) : undefined };
  };

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    await waitFor(async () => (await psql('pg1', "select count(*) from pg_stat_replication where state = 'streaming'")) === '2', 'both streaming');
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('--json reports the same roles, timeline, slots, replicas and archive counts as psql, and exits 0', async () => {
    const lsnBefore = parseLsn(await psql('pg1', 'select pg_current_wal_lsn()'));
    const { exitCode, json } = await status('--json');
    const lsnAfter = parseLsn(await psql('pg1', 'select pg_current_wal_lsn()'));
    expect(json?.health).toBe('ok');
    expect(exitCode).toBe(0);
    for (const node of ['pg1', 'pg2', 'pg3']) {
      const reported = json?.nodes.find((n) => n.name === node);
      const inRecovery = (await psql(node, 'select pg_is_in_recovery()')) === 't';
      expect(reported?.role).toBe(inRecovery ? 'standby' : 'primary');
      expect(String(reported?.server?.timeline)).toBe(await psql(node, 'select timeline_id from pg_control_checkpoint()'));
    }
    const primary = json?.nodes.find((n) => n.name === 'pg1')?.server;
    const currentLsn = parseLsn(primary?.currentLsn ?? '0/0');
    expect(currentLsn >= lsnBefore && currentLsn <= lsnAfter).toBe(true);
    const slots = (await psql('pg1', "select slot_name || ':' || case when active then 't' else 'f' end from pg_replication_slots order by 1")).split('\n');
    expect(primary?.slots.map((slot) => `${slot.name}:${slot.active ? 't' : 'f'}`).sort()).toEqual(slots);
    const replicas = (await psql('pg1', "select application_name || ':' || state from pg_stat_replication order by 1")).split('\n');
    expect(primary?.replicas.map((r) => `${r.applicationName}:${r.state}`).sort()).toEqual(replicas);
    const archived = Number(await psql('pg1', 'select archived_count from pg_stat_archiver'));
    expect(primary?.archiver.archivedCount).toBeLessThanOrEqual(archived);
    expect(primary?.archiver.archivedCount).toBeGreaterThanOrEqual(archived - 1);
  });

  it('prints a table for a person', async () => {
    const { exitCode, stdout } = await status();
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/cluster demo: OK/);
    expect(stdout).toMatch(/pg1\s+PRIMARY/);
    expect(stdout).toMatch(/pg2\s+STANDBY.*caught up/);
  });

  it('exits 1 (Nagios WARNING) with a down standby while the primary is up, naming it', async () => {
    await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', cluster.node('pg3').dataDir ?? '', '-m', 'fast', '-w', 'stop'], {
      uid: cluster.osUser.uid, gid: cluster.osUser.gid, cwd: '/',
    });
    const { exitCode, json } = await status('--json');
    expect(json?.nodes.find((n) => n.name === 'pg3')?.status).toBe('down');
    // One standby down with the primary serving is a warning, not critical: README's Nagios codes, 1 = warning.
    expect(json?.alerts).toEqual([expect.objectContaining({ code: 'node-down', severity: 'warning', node: 'pg3' })]);
    expect(json?.health).toBe('warning');
    expect(json?.exitCode).toBe(1);
    expect(exitCode).toBe(1);
    const text = await status();
    expect(text.stdout).toMatch(/pg3\s+✗ DOWN.*refused/);
  });
});
