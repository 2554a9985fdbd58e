import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_CRITICAL, HEALTH_OK, HEALTH_WARNING } from '../../src/services/cluster/healthExitCode.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { CLI, runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';

/**
 * Issue 8 on clusters built by hand (initdb, pg_basebackup -R, no
 * application_name: every standby is "walreceiver"), judged by `pgcockpit status`.
 */
interface StatusJson {
  health: string;
  exitCode: number;
  nodes: Array<{ name: string; status: string; role: string; server?: { replicas: Array<{ pid: number; applicationName: string; standby?: string }> } }>;
  links: Array<{ standby: string; upstream: string | null; walsenderPid: number | null; pairedBy: string | null; receiverStreaming: boolean }>;
  alerts: Array<{ code: string; severity: string; message: string }>;
}

/**
 * Alerts that another change owns: the hand-built archive_command is the
 * runbook's `test ! -f … && cp`, which pgcockpit flags as not idempotent.
 */
const NOT_OURS = new Set(['archive-command-not-idempotent']);

async function status(cluster: HandBuiltCluster, json: boolean) {
  const result = await runCli(['status', '--config', cluster.configFile, ...(json ? ['--json'] : [])]);
  return { ...result, json: json ? (JSON.parse(result.stdout) as StatusJson) : undefined };
}

function ours(alerts: StatusJson['alerts']) {
  return alerts.filter((alert) => !NOT_OURS.has(alert.code));
}

/** The upstream's walsender pid for `standby`, paired independently: its slot's active_pid, as a DBA would join them. */
async function walsenderPidOf(cluster: HandBuiltCluster, upstream: string, standby: string): Promise<number> {
  const [row] = await cluster.superQuery<{ pid: number }>(
    upstream,
    "select r.pid from pg_replication_slots s join pg_stat_replication r on r.pid = s.active_pid where s.slot_name = $1 and r.state = 'streaming'",
    [`slot_${standby}`],
  );
  if (!row) throw new Error(`no walsender for slot_${standby} on ${upstream}`);
  return row.pid;
}

describe('status on a hand-built cluster, standbys cloned without application_name', () => {
  let cluster: HandBuiltCluster;
  beforeAll(async () => {
    cluster = await startHandBuiltCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('is healthy (exit 0) and pairs each standby with its own walsender, by slot', async () => {
    const applicationNames = await cluster.superQuery<{ application_name: string }>('pg1', 'select application_name from pg_stat_replication');
    expect(applicationNames.map((row) => row.application_name)).toEqual(['walreceiver', 'walreceiver']);

    const { exitCode, json } = await status(cluster, true);
    expect(ours(json!.alerts)).toEqual([]);
    // Only the archive_command alert (owned elsewhere) may be raised, and only as a warning.
    const others = json!.alerts.filter((alert) => NOT_OURS.has(alert.code));
    expect(others.every((alert) => alert.severity === 'warning')).toBe(true);
    expect(exitCode).toBe(others.length === 0 ? HEALTH_OK : HEALTH_WARNING);

    const expected = await Promise.all(['pg2', 'pg3'].map(async (name) => [name, 'pg1', await walsenderPidOf(cluster, 'pg1', name), 'slot', true]));
    expect(json!.links.map((link) => [link.standby, link.upstream, link.walsenderPid, link.pairedBy, link.receiverStreaming])).toEqual(expected);
    const rows = json!.nodes.find((node) => node.name === 'pg1')?.server?.replicas ?? [];
    expect(rows.map((row) => [row.pid, row.standby]).sort()).toEqual(expected.map(([name, , pid]) => [pid, name]).sort());
  });

  it('prints no warning at all apart from the archive_command one', async () => {
    const { exitCode, stdout } = await status(cluster, false);
    const alertLines = stdout.slice(stdout.indexOf('alerts:')).split('\n').slice(1).filter((line) => line.trim() !== '');
    const notOurs = alertLines.filter((line) => /^  WARNING\s+pg\d's archive_command /.test(line));
    expect(alertLines.filter((line) => !notOurs.includes(line))).toEqual(notOurs.length === 0 ? ['  none'] : []);
    expect(exitCode === HEALTH_OK || exitCode === HEALTH_WARNING).toBe(true);
    expect(stdout).toMatch(/^pg1\s+PRIMARY .*replicas pg2 pg3/m);
  });

  it('with the archive_command its alert advises: exit 0, no warning at all', async () => {
    await applyArchiveAdvice(cluster);
    await waitFor(async () => (await status(cluster, false)).exitCode === HEALTH_OK, 'status exit 0', 20_000, 250);
    const { stdout } = await status(cluster, false);
    expect(stdout.slice(stdout.indexOf('alerts:')).split('\n').slice(1).filter((line) => line.trim() !== '')).toEqual(['  none']);
  });

  it('--watch looks again and again over the same connections, and stops on SIGINT', async () => {
    const watch = execa('node', [CLI, 'status', '--watch', '--interval', '0.5', '--config', cluster.configFile], { reject: false, stdin: 'ignore' });
    let output = '';
    watch.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => (output.match(/^cluster handbuilt: /gm) ?? []).length >= 3, 'three looks printed');
    watch.kill('SIGINT');
    const result = await watch;
    expect(result.exitCode === HEALTH_OK || result.exitCode === HEALTH_WARNING).toBe(true);
    expect(output).not.toMatch(/link-unreconciled|no walsender/);
  });

  it('with every connection of the primary taken: exit 2, says pg1 is up and full, never "promote"', async () => {
    // Hold every slot, superuser_reserved_connections included, as idle superuser sessions (pgcockpit logs in as postgres).
    const held: pg.Client[] = [];
    try {
      for (;;) {
        const client = new pg.Client({ host: '127.0.0.1', port: cluster.node('pg1').port, user: 'postgres', database: 'postgres', password: cluster.superuserPassword });
        client.on('error', () => undefined);
        try {
          await client.connect();
        } catch (error) {
          expect((error as { code?: string }).code).toBe('53300');
          break;
        }
        held.push(client);
        if (held.length > 100) throw new Error('max_connections never reached');
      }
      const { exitCode, stdout } = await status(cluster, false);
      expect(stdout).toMatch(/^pg1\s+✗ NO LOGIN\s+127\.0\.0\.1:\d+\s+up, refuses login: too many connections$/m);
      expect(stdout).toMatch(/CRITICAL\s+pg1 \(127\.0\.0\.1:\d+\) is up but refuses pgcockpit's login: too many connections \(max_connections reached\); pg2 and pg3 still stream from it, it is most likely the primary and still accepts writes, so do not fail over to a standby/);
      // "promote" nowhere (the archive_command warning, owned elsewhere, may speak of "a promotion" as a past event).
      expect(stdout).not.toMatch(/promote/i);
      expect(exitCode).toBe(HEALTH_CRITICAL);
      const { json } = await status(cluster, true);
      expect(JSON.stringify(json)).not.toMatch(/promote/i);
      expect(JSON.stringify(ours(json!.alerts))).not.toMatch(/promot/i);
      expect(json!.alerts.find((alert) => alert.code === 'login-refused')).toMatchObject({ severity: 'critical' });
    } finally {
      await Promise.all(held.map((client) => client.end().catch(() => undefined)));
    }
    // The primary was never touched: it still streams to both and takes writes.
    const [row] = await cluster.superQuery<{ recovery: boolean }>('pg1', 'select pg_is_in_recovery() as recovery');
    expect(row?.recovery).toBe(false);
  });
});

/** What the archive-command-not-idempotent alert advises, set on every node: the one warning of a hand-built cluster goes. */
async function applyArchiveAdvice(cluster: HandBuiltCluster): Promise<void> {
  const command = `if test -f ${cluster.archiveDir}/%f; then cmp -s %p ${cluster.archiveDir}/%f; else cp %p ${cluster.archiveDir}/%f; fi`;
  for (const name of ['pg1', 'pg2', 'pg3']) {
    await cluster.superQuery(name, `alter system set archive_command = '${command}'`);
    await cluster.superQuery(name, 'select pg_reload_conf()');
  }
}

describe('status on a hand-built cascade pg1 → pg2 → pg3', () => {
  let cluster: HandBuiltCluster;
  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ cascade: true });
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('is healthy, pg3 streams from pg2 and pg2 lists pg3 as its replica', async () => {
    const { exitCode, json } = await status(cluster, true);
    expect(ours(json!.alerts)).toEqual([]);
    expect(json!.alerts.every((alert) => alert.severity === 'warning' && NOT_OURS.has(alert.code))).toBe(true);
    expect(exitCode).toBe(json!.alerts.length === 0 ? HEALTH_OK : HEALTH_WARNING);
    expect(json!.links.map((link) => [link.standby, link.upstream, link.walsenderPid, link.pairedBy])).toEqual([
      ['pg2', 'pg1', await walsenderPidOf(cluster, 'pg1', 'pg2'), 'slot'],
      ['pg3', 'pg2', await walsenderPidOf(cluster, 'pg2', 'pg3'), 'slot'],
    ]);
    const replicasOf = (name: string) => json!.nodes.find((node) => node.name === name)?.server?.replicas.map((row) => row.standby);
    expect(replicasOf('pg1')).toEqual(['pg2']);
    expect(replicasOf('pg2')).toEqual(['pg3']);
    const { stdout } = await status(cluster, false);
    expect(stdout).toMatch(/^pg2\s+STANDBY .*from pg1, replicas pg3/m);
    expect(stdout).toMatch(/^pg3\s+STANDBY .*from pg2/m);
  });

  it('with the archive_command its alert advises: exit 0, no alert at all', async () => {
    await applyArchiveAdvice(cluster);
    await waitFor(async () => (await status(cluster, false)).exitCode === HEALTH_OK, 'status exit 0', 20_000, 250);
    expect((await status(cluster, true)).json!.alerts).toEqual([]);
  });
});

describe('status logged in as a monitoring role without pg_monitor', () => {
  let cluster: HandBuiltCluster;
  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ configUser: 'monitor', monitorHasPgMonitor: false });
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('says to grant pg_monitor to monitor, with no false CRITICAL "not streaming" (exit 1)', async () => {
    // The role really cannot see the details: the receiver's status reads as NULL.
    const [hidden] = await cluster.query<{ status: string | null }>('pg2', 'select status from pg_stat_wal_receiver');
    expect(hidden?.status).toBeNull();

    const { exitCode, json } = await status(cluster, true);
    expect(ours(json!.alerts).map((alert) => [alert.severity, alert.code, alert.message])).toEqual([
      [
        'warning',
        'monitoring-login-privileges',
        'pgcockpit logs in to pg1, pg2 and pg3 as monitor, which lacks pg_monitor, so WAL receivers and walsenders read as NULL and replication cannot be checked: grant pg_monitor to monitor on the primary',
      ],
    ]);
    expect(json!.alerts.some((alert) => alert.severity === 'critical')).toBe(false);
    expect(exitCode).toBe(HEALTH_WARNING);
    const { stdout } = await status(cluster, false);
    expect(stdout).toContain('grant pg_monitor to monitor');
    expect(stdout).not.toContain('not streaming');
  });

  it('is healthy once the grant is given', async () => {
    await cluster.superQuery('pg1', 'grant pg_monitor to monitor');
    // The grant replays on the standbys.
    await waitFor(async () => {
      const [row] = await cluster.query<{ granted: boolean }>('pg3', "select pg_has_role('pg_monitor', 'usage') as granted");
      return row?.granted === true;
    }, 'the grant replayed on pg3');
    const { json } = await status(cluster, true);
    expect(ours(json!.alerts)).toEqual([]);
  });
});
