import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { FailoverFacts, NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { commandLine } from '../../src/services/os/shellQuote.js';
import { controlDataCommand, serviceCommand } from '../../src/services/runbooks/serviceControl.js';
import { parseControlData } from '../../src/services/runbooks/switchover/controlData.js';
import { planSwitchover } from '../../src/services/runbooks/switchover/planSwitchover.js';
import { rejoinSettings } from '../../src/services/runbooks/switchover/switchoverSteps.js';
import { healthyCluster, hostFor, MiB, NOW, replicaRow, slot, withServer } from '../support/snapshots.js';

const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}`, pgBinDir: '/usr/lib/postgresql/16/bin' })),
  replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
});

const standbyExtras = (upstream: string): NodeExtras => ({
  primaryConninfo: `user=replication passfile=/home/pg/.pgpass host=${hostFor(upstream)} port=5432 application_name=pg9 sslmode=prefer`,
  transactionReadOnly: true,
  recoveryTargetTimeline: 'latest',
  primarySlotName: '',
  systemIdentifier: '7711654492489296641',
});

function facts(nodes: NodeSnapshot[], extras: Record<string, NodeExtras> = {}): FailoverFacts {
  return {
    view: buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW),
    extras: {
      pg1: { primaryConninfo: '', transactionReadOnly: false, recoveryTargetTimeline: 'latest', primarySlotName: '', systemIdentifier: '7711654492489296641' },
      pg2: standbyExtras('pg1'),
      pg3: standbyExtras('pg1'),
      ...extras,
    },
  };
}

const settings = { max_wal_senders: '10', max_replication_slots: '10' };
function healthy(): NodeSnapshot[] {
  return healthyCluster().map((node) => withServer(node, { settings }));
}

const PG_CONTROLDATA_15 = `pg_control version number:            1300
Catalog version number:               202209061
Database system identifier:           7711654492489296641
Database cluster state:               shut down
pg_control last modified:             Tue Nov 24 08:38:04 2026
Latest checkpoint location:           0/5000028
Latest checkpoint's REDO location:    0/5000028
Latest checkpoint's REDO WAL file:    000000010000000000000005
Latest checkpoint's TimeLineID:       1
Latest checkpoint's PrevTimeLineID:   1
`;

describe('parseControlData', () => {
  it('reads the cluster state, the latest checkpoint location and its timeline', () => {
    expect(parseControlData(PG_CONTROLDATA_15)).toEqual({ clusterState: 'shut down', latestCheckpointLsn: '0/5000028', timeline: 1 });
  });
  it('tells a running or standby cluster apart from a cleanly shut down primary', () => {
    expect(parseControlData(PG_CONTROLDATA_15.replace('shut down', 'in production')).clusterState).toBe('in production');
    expect(parseControlData(PG_CONTROLDATA_15.replace('shut down', 'shut down in recovery')).clusterState).toBe('shut down in recovery');
  });
  it('throws naming the missing field', () => {
    expect(() => parseControlData('Database cluster state: shut down\n')).toThrow(/Latest checkpoint location/);
    expect(() => parseControlData('Latest checkpoint location: 0/1\n')).toThrow(/Database cluster state/);
    expect(() => parseControlData(PG_CONTROLDATA_15.replace('0/5000028\n', 'garbage\n'))).toThrow(/garbage/);
  });
});

describe('serviceCommand', () => {
  const node = config.nodes[0]!;
  it('defaults to pg_ctl -D {dataDir}, with a log file for start', () => {
    expect(commandLine(serviceCommand(node, 'stop'))).toBe('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -m fast -w -t 300 stop');
    expect(commandLine(serviceCommand(node, 'start'))).toBe('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -l /data/server.log -w -t 120 start');
    expect(serviceCommand(node, 'status').mutating).toBe(false);
  });
  it('uses the configured service argv with its placeholders filled', () => {
    const custom = { ...node, service: { stop: ['sudo', 'systemctl', 'stop', 'postgresql@{node}'], start: ['{pgBinDir}/pg_ctl', '-D', '{dataDir}', 'start'] } };
    expect(serviceCommand(custom, 'stop')).toMatchObject({ program: 'sudo', args: ['systemctl', 'stop', 'postgresql@pg1'], mutating: true });
    expect(commandLine(serviceCommand(custom, 'start'))).toBe('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 start');
  });
  it('runs pg_controldata untranslated', () => {
    expect(controlDataCommand(node)).toMatchObject({ program: '/usr/lib/postgresql/16/bin/pg_controldata', args: ['-D', '/data/pg1'], env: { LC_ALL: 'C' }, mutating: false });
  });
  it('quotes arguments with spaces or quotes', () => {
    expect(commandLine({ program: 'sh', args: ['-c', "echo 'x'"] })).toBe(`sh -c 'echo '\\''x'\\'''`);
  });
});

describe('planSwitchover', () => {
  it('plans checkpoint, clean stop, pg_controldata, replay wait, promote, slots, re-point and the old primary rejoining', () => {
    const plan = planSwitchover(config, facts(healthy()), 'pg2');
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    expect(plan.oldPrimary).toBe('pg1');
    expect(plan.confirmWord).toBe('pg2');
    expect(plan.streamingStandbys).toBe(2);
    expect(plan.steps.map((step) => `${step.node}: ${step.description}`)).toEqual([
      'pg1: checkpoint on pg1',
      'pg1: stop pg1 cleanly (fast shutdown: writes the shutdown checkpoint, sends it to the standbys, archives)',
      "pg1: read pg1's shutdown checkpoint LSN",
      "pg2: wait until pg2 has received and replayed pg1's shutdown checkpoint (no loss allowed)",
      'pg2: promote pg2 and note its new timeline',
      'pg2: checkpoint on pg2',
      'pg2: create a physical slot on pg2 for pg3, pg1',
      'pg3: re-point pg3 to pg2 and wait until it streams',
      'pg1: make pg1 a standby of pg2, start it and wait until it streams',
      "pg1: drop pg1's old slots for the standbys (they would retain WAL there)",
    ]);
    expect(plan.steps.every((step) => step.mutating || step.description.startsWith('read') || step.description.startsWith('wait'))).toBe(true);
    const text = formatPlan(plan);
    expect(text).toContain('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -m fast -w -t 300 stop');
    expect(text).toContain('LC_ALL=C /usr/lib/postgresql/16/bin/pg_controldata -D /data/pg1');
    expect(text).toContain('touch /data/pg1/standby.signal');
    // The old primary's conninfo is the target's, pointed at the target, named for pg1, passfile kept.
    expect(text).toContain('primary_conninfo = host=10.0.0.2 port=5432 user=replication passfile=/home/pg/.pgpass application_name=pg1 sslmode=prefer');
    expect(plan.followerLogins.map((login) => `${login.node.name}->${login.upstream}`)).toEqual(['pg3->pg2', 'pg1->pg2']);
    expect(plan.dataDirNodes).toEqual(['pg1']);
  });

  it("the old primary rejoins with the target's credentials (password included) when it has none of its own; shown masked", () => {
    const withPassword = { ...standbyExtras('pg1'), primaryConninfo: 'host=10.0.0.1 user=replication password=s3cret passfile=/p' };
    const plan = planSwitchover(config, facts(healthy(), { pg2: withPassword }), 'pg2');
    expect(plan.blocked).toBe(false);
    const rejoin = plan.steps.find((step) => step.description.startsWith('make pg1 a standby'));
    expect(rejoin?.detail).toContain("primary_conninfo = 'host=10.0.0.2 port=5432 user=replication password=s3cret passfile=/p'");
    expect(formatPlan(plan)).not.toContain('s3cret');
    expect(plan.checks.find((check) => check.label === 'pg1 can stream from pg2')).toMatchObject({ status: 'ok', observed: expect.stringContaining("credentials from pg2's primary_conninfo") });
  });

  it('blocks on a failed replication login, a data directory that is not the old primary\'s, and lists other slots', () => {
    const [pg1, pg2, pg3] = healthy();
    const nodes = [withServer(pg1!, { slots: [...pg1!.server!.slots, slot('barman')] }), pg2!, pg3!];
    const plan = planSwitchover(
      config,
      {
        ...facts(nodes),
        logins: { pg1: { ok: false, detail: 'FATAL:  password authentication failed for user "replication"' }, pg3: { ok: true, detail: 'IDENTIFY_SYSTEM answered' } },
        dataDirs: { pg1: { port: 5433, portSource: 'postmaster.pid', systemIdentifier: '7711654492489296641' } },
      },
      'pg2',
    );
    expect(plan.blocked).toBe(true);
    const reasons = plan.blockedReasons.join('\n');
    expect(reasons).toMatch(/pg1 can log in to pg2 for replication .*password authentication failed/);
    expect(reasons).toMatch(/its port is 5433 \(postmaster\.pid\), pg1 listens on 5432: it belongs to another server/);
    expect(plan.checks.find((check) => check.label.startsWith("pg1's slot barman"))).toMatchObject({ status: 'warn', fix: expect.stringContaining('--copy-slots') });
    const copied = planSwitchover(config, facts(nodes), 'pg2', { copySlots: true });
    expect(copied.steps.map((step) => step.detail).join('\n')).toContain("pg_create_physical_replication_slot('barman', true)");
    expect(copied.steps.at(-1)?.detail).toContain("'barman'");
  });

  it('refuses a paused target, a lagging standby, an archive backlog and a failing archiver, with no steps', () => {
    const [pg1, pg2, pg3] = healthy();
    const nodes = [
      withServer(pg1!, { archiver: { readyCount: 40 }, replicas: [replicaRow('pg2'), replicaRow('pg3', { replayLagBytes: 40 * MiB })] }),
      withServer(pg2!, { replayPaused: true, replayGapBytes: 2 * MiB }),
      pg3!,
    ];
    const plan = planSwitchover(config, facts(nodes), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    const failed = plan.checks.filter((check) => check.status === 'fail').map((check) => check.label);
    expect(failed).toContain('WAL replay is not paused');
    expect(failed).toContain('no archive backlog on pg1');
    expect(failed).toContain('pg3 streams from pg1 and is caught up');
    const failing = planSwitchover(config, facts([withServer(pg1!, { archiver: { failing: true } }), pg2!, pg3!]), 'pg2');
    expect(failing.blockedReasons.join(';')).toMatch(/archive_command is failing/);
  });

  it('refuses a standby that is not streaming, and sends a dead primary to promote', () => {
    const [pg1, pg2, pg3] = healthy();
    const notStreaming = planSwitchover(config, facts([pg1!, pg2!, withServer(pg3!, { walReceiver: null })]), 'pg2');
    expect(notStreaming.blockedReasons.join(';')).toMatch(/pg3 streams from pg1 and is caught up: not streaming/);
    const noPrimary = planSwitchover(config, facts([{ ...pg1!, status: 'down', server: undefined, downReason: 'connection refused' }, pg2!, pg3!]), 'pg2');
    expect(noPrimary.blocked).toBe(true);
    expect(noPrimary.blockedReasons.join(';')).toContain('use promote pg2 (failover)');
    const refusing = planSwitchover(config, facts([{ ...pg1!, status: 'down', server: undefined, downReason: 'too many connections', serverAnswered: true }, pg2!, pg3!]), 'pg2');
    expect(refusing.blockedReasons.join(';')).toMatch(/pg1 is up but refuses pgcockpit's login: too many connections.*do not promote/);
    // Config-file quoting: the conninfo's own backslash escape survives the config parser (quotes and backslashes doubled).
    expect(rejoinSettings({ conninfo: String.raw`host=a passfile='/var/lib/o\'brien/.pgpass'`, slot: 'slot_pg1' })).toEqual([
      String.raw`primary_conninfo = 'host=a passfile=''/var/lib/o\\''brien/.pgpass'''`,
      "primary_slot_name = 'slot_pg1'",
    ]);
  });
});

describe('synchronized_standby_slots after a switchover (PostgreSQL 17+ failover slots)', () => {
  /** pg1 primary naming its standbys' slots and a DR standby's (slot_dr) pgcockpit does not manage; pg2 has slot_dr already when `drOnTarget`. */
  function withStandbySlots(drOnTarget: boolean): NodeSnapshot[] {
    const [pg1, pg2, pg3] = healthy();
    return [
      withServer(pg1!, { settings: { ...settings, synchronized_standby_slots: 'slot_pg2, slot_pg3, slot_dr' }, slots: [slot('slot_pg2'), slot('slot_pg3'), slot('slot_dr')] }),
      withServer(pg2!, drOnTarget ? { slots: [slot('slot_dr', { active: false })] } : {}),
      pg3!,
    ];
  }
  const check = (plan: ReturnType<typeof planSwitchover>) => plan.checks.find((candidate) => candidate.label === 'synchronized_standby_slots on pg2 afterwards');

  it("keeps the old list's other slots where they exist on the new primary, beside its standbys' slots", () => {
    const plan = planSwitchover(config, facts(withStandbySlots(true)), 'pg2');
    expect(check(plan)).toMatchObject({ status: 'ok', observed: "'slot_pg3, slot_pg1, slot_dr' (was 'slot_pg2, slot_pg3, slot_dr' on pg1)" });
    expect(plan.steps.find((step) => step.description.startsWith('set synchronized_standby_slots'))?.detail).toContain("alter system set synchronized_standby_slots = 'slot_pg3, slot_pg1, slot_dr'");
  });

  it('leaves out, with a warning and the fix, a slot the new primary lacks (it would hold back every subscriber)', () => {
    const plan = planSwitchover(config, facts(withStandbySlots(false)), 'pg2');
    expect(check(plan)).toMatchObject({ status: 'warn', observed: expect.stringContaining('left out: slot_dr (no such slot on pg2'), fix: expect.stringContaining('create slot_dr on pg2') });
    expect(plan.steps.find((step) => step.description.startsWith('set synchronized_standby_slots'))?.detail).toContain("= 'slot_pg3, slot_pg1'");
  });
});
