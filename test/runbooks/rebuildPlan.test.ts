import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import type { RebuildFacts } from '../../src/services/runbooks/rebuild/planRebuild.js';
import { asideStamp, planRebuild } from '../../src/services/runbooks/rebuild/planRebuild.js';
import { basebackupCommand } from '../../src/services/runbooks/rebuild/copySteps.js';
import { down, GiB, hostFor, MiB, NOW, primary, replicaRow, slot, standby } from '../support/snapshots.js';

const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}/main`, pgBinDir: '/usr/lib/postgresql/16/bin' })),
  replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
});
const SYSTEM = '7711654492489296641';
const extras = (conninfo: string): NodeExtras => ({ primaryConninfo: conninfo, transactionReadOnly: false, recoveryTargetTimeline: 'latest', primarySlotName: '', systemIdentifier: SYSTEM });
const now = new Date('2026-11-30T13:45:01.123Z');

/** After a failover: pg2 the primary on timeline 2 (pg3 follows it), pg1 down. */
function afterFailover(overrides: Partial<RebuildFacts> = {}, pg1: NodeSnapshot = down('pg1')): RebuildFacts {
  const pg2 = primary('pg2', { server: { timeline: 2, replicas: [replicaRow('pg3')], slots: [slot('slot_pg3')] } });
  return {
    view: buildClusterView([pg1, pg2, standby('pg3', pg2)], DEFAULT_THRESHOLDS, NOW),
    extras: { pg2: extras(`host=${hostFor('pg1')} port=5432 user=replication password=s3cret application_name=walreceiver`), pg3: extras('') },
    hosts: { pg1: { state: 'stopped', detail: 'pg_ctl: no server running' } },
    tcpOpen: { pg1: false },
    dataDirs: { pg1: { systemIdentifier: SYSTEM, port: 5432, portSource: 'its configuration' } },
    disks: { pg1: { parent: '/data/pg1', freeBytes: 100 * GiB, owner: 'postgres' } },
    sourceBytes: 2 * GiB,
    logins: { pg1: { ok: true, detail: 'IDENTIFY_SYSTEM answered: system 7711654492489296641, timeline 2' } },
    ...overrides,
  };
}
const failing = (plan: ReturnType<typeof planRebuild>) => plan.checks.filter((check) => check.status === 'fail').map((check) => `${check.label}: ${check.observed}`);

describe('planRebuild', () => {
  it('after a failover: keeps the stopped old primary aside, copies the current primary, gives it its own settings, starts it', () => {
    const plan = planRebuild(config, afterFailover(), 'pg1', { now });
    expect(failing(plan)).toEqual([]);
    expect(plan).toMatchObject({ title: 'rebuild pg1 as a standby of pg2', source: 'pg2', blocked: false, undoOnFailure: true, asideDir: '/data/pg1/main.pgcockpit-20261130T134501Z' });
    expect(plan.steps.map((step) => step.description)).toEqual([
      "keep pg1's data directory aside (it is not deleted)",
      'copy pg2 into /data/pg1/main with pg_basebackup as postgres',
      "give the copy pg1's own settings (port, primary_conninfo, slot), standby.signal, mode 0700",
      'start pg1 and wait until it streams from pg2',
    ]);
    // The copy may be cancelled; its undo sets the partial copy aside and drops the slot it created.
    expect(plan.steps[1]).toMatchObject({ cancellable: true });
    // Credentials from pg2's own conninfo (pg1 was a primary): kept out of argv.
    expect(plan.steps[1]!.detail).not.toContain('s3cret');
    expect(plan.steps[1]!.detail).toContain('--create-slot');
  });

  it('stops a running target first, and a standby streaming through its own slot is no conflict', () => {
    const pg2 = primary('pg2', { server: { timeline: 2, replicas: [replicaRow('pg1'), replicaRow('pg3')], slots: [slot('slot_pg1'), slot('slot_pg3')] } });
    const pg1 = standby('pg1', pg2);
    const facts = afterFailover({ view: buildClusterView([pg1, pg2, standby('pg3', pg2)], DEFAULT_THRESHOLDS, NOW), hosts: {}, dataDirs: { pg1: { systemIdentifier: SYSTEM, port: 5432, portSource: 'postmaster.pid' } } });
    const plan = planRebuild(config, facts, 'pg1', { now });
    expect(failing(plan)).toEqual([]);
    expect(plan.steps[0]!.description).toBe('stop pg1 and wait until its port 5432 is free');
    expect(plan.checks.find((check) => check.label === 'slot slot_pg1 on pg2')?.observed).toMatch(/in use by pg1 itself/);
    expect(plan.steps[2]!.detail).not.toContain('--create-slot');
  });

  it('a new standby (no data directory yet): copy, its own port and name and the config\'s replication passfile, start; nothing to keep aside', () => {
    const withPassfile = configSchema.parse({ ...config, replication: { ...config.replication, passfile: '/etc/pgcockpit/replication.pgpass' } });
    const facts = afterFailover({ hosts: { pg1: { state: 'unknown', detail: 'pg_ctl: directory "/data/pg1/main" does not exist (exit 4)' } }, dataDirs: { pg1: { problem: 'pg_controldata: no such file' } }, disks: { pg1: { parent: '/data/pg1', freeBytes: 100 * GiB, owner: 'postgres', dataDirExists: false } } });
    facts.extras.pg2 = extras('');
    const plan = planRebuild(withPassfile, facts, 'pg1', { now });
    expect(failing(plan)).toEqual([]);
    expect(plan.asideDir).toBeNull();
    expect(plan.checks.find((check) => check.label === "pg1's server")?.observed).toBe('no data directory at /data/pg1/main yet: a new standby, the copy creates it');
    expect(plan.steps.map((step) => step.description)).toEqual([
      'copy pg2 into /data/pg1/main with pg_basebackup as postgres',
      "give the copy pg1's own settings (port, primary_conninfo, slot), standby.signal, mode 0700",
      'start pg1 and wait until it streams from pg2',
    ]);
    expect(plan.steps[1]!.detail).toContain("port = 5432\n  cluster_name = 'pg1'\n  primary_conninfo = 'host=" + hostFor('pg2') + " port=5432 user=replication passfile=/etc/pgcockpit/replication.pgpass'");
  });

  it('refuses to rebuild the primary the others follow', () => {
    const plan = planRebuild(config, afterFailover(), 'pg2', { now });
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(failing(plan)).toEqual(["pg2 is not the primary the cluster writes to: pg2 is the only primary, followed by pg3: rebuilding it would throw away the cluster's newest writes"]);
  });

  it('refuses with too little room, a parent the OS user does not own, a port something else holds, a source that is down', () => {
    const tight = planRebuild(config, afterFailover({ disks: { pg1: { parent: '/data/pg1', freeBytes: 2 * GiB, owner: 'root' } } }), 'pg1', { now });
    expect(failing(tight)).toEqual([
      '/data/pg1 belongs to postgres: owner root: postgres cannot move the data directory aside or create the copy there',
      "room for the copy on pg1's host: 2 GB free in /data/pg1, the copy needs 2 GB and 461 MB must stay free",
    ]);
    const taken = planRebuild(config, afterFailover({ tcpOpen: { pg1: true } }), 'pg1', { now });
    expect(failing(taken)).toEqual([`port 5432 on ${hostFor('pg1')} is free: pg1's server is stopped, yet something accepts connections on ${hostFor('pg1')}:5432`]);
    const sourceDown = planRebuild(config, afterFailover(), 'pg1', { now, from: 'pg3', minFreeBytes: MiB });
    expect(sourceDown.blocked).toBe(false);
    const facts = afterFailover();
    const gone = planRebuild(config, { ...facts, view: buildClusterView([down('pg1'), facts.view.nodes[1]!, down('pg3')], DEFAULT_THRESHOLDS, NOW) }, 'pg1', { now, from: 'pg3' });
    expect(failing(gone)).toEqual(['pg3 is up to copy from: pg3 is down: connection refused (server not running?)']);
  });

  it('refuses a data directory that is another server\'s, and a host that does not answer', () => {
    const other = planRebuild(config, afterFailover({ dataDirs: { pg1: { systemIdentifier: '1', port: 5433, portSource: 'its configuration' } } }), 'pg1', { now });
    expect(failing(other)[0]).toMatch(/its port is 5433 .* it belongs to another server/);
    const silent = planRebuild(config, afterFailover({ hosts: { pg1: { state: 'noAnswer', detail: 'ssh: connect refused' } } }), 'pg1', { now });
    expect(failing(silent)).toEqual(["pg1's host answers: no answer: ssh: connect refused"]);
  });
});

describe('basebackupCommand', () => {
  it('runs pg_basebackup with the conninfo minus its password, which travels in PGPASSWORD', () => {
    const spec = basebackupCommand(config.nodes[0]!, { conninfo: "host=h port=5 user=replication password='a b' sslmode=require", slot: 'slot_pg1', createSlot: true, maxRateKbps: 1024, asideDir: '/x' });
    expect(spec.args).toEqual(['-d', 'host=h port=5 user=replication sslmode=require', '-D', '/data/pg1/main', '-X', 'stream', '-S', 'slot_pg1', '--create-slot', '-c', 'fast', '--max-rate', '1024k', '--progress', '--verbose']);
    expect(spec.env).toEqual({ LC_MESSAGES: 'C', PGPASSWORD: 'a b' });
    expect(spec.program).toBe('/usr/lib/postgresql/16/bin/pg_basebackup');
  });
});

describe('asideStamp', () => {
  it('names the kept directory by the UTC second, sortable and with nothing to quote', () => {
    expect(asideStamp(now)).toBe('20261130T134501Z');
  });
});
