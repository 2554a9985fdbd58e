import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { FailoverFacts, NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import { planFailover } from '../../src/services/runbooks/failover/planFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { down, healthyCluster, hostFor, NOW, slot, withServer } from '../support/snapshots.js';

const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}` })),
  replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
});

const standbyExtras = (upstream: string): NodeExtras => ({
  primaryConninfo: `user=replication passfile=/home/pg/.pgpass host=${hostFor(upstream)} port=5432 sslmode=prefer`,
  transactionReadOnly: true,
  recoveryTargetTimeline: 'latest',
  primarySlotName: '',
  systemIdentifier: '7000000000000000001',
});

function facts(nodes: NodeSnapshot[], extras: Record<string, NodeExtras> = {}): FailoverFacts {
  return {
    view: buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW),
    extras: {
      pg2: standbyExtras('pg1'),
      pg3: standbyExtras('pg1'),
      ...(nodes.find((n) => n.name === 'pg1')?.status === 'up'
        ? { pg1: { primaryConninfo: '', transactionReadOnly: false, recoveryTargetTimeline: 'latest', primarySlotName: '', systemIdentifier: '7000000000000000001' } }
        : {}),
      ...extras,
    },
  };
}

/** pg1 dead, pg2 and pg3 standbys that were streaming from it. */
function primaryDead(): NodeSnapshot[] {
  const [, pg2, pg3] = healthyCluster();
  const settings = { max_wal_senders: '10', max_replication_slots: '10' };
  return [
    down('pg1'),
    withServer(pg2, { walReceiver: null, receiveLsn: '0/5000100', replayLsn: '0/5000100', settings }),
    withServer(pg3, { walReceiver: null, receiveLsn: '0/5000080', replayLsn: '0/5000080', settings }),
  ];
}

describe('planFailover', () => {
  it('plans promote, checkpoint, slots, re-point and rebuild mark for a dead primary, with the exact SQL', () => {
    const plan = planFailover(config, { ...facts(primaryDead()), tcpOpen: { pg1: false } }, 'pg2');
    expect(plan.blocked).toBe(false);
    expect(plan.confirmWord).toBe('pg2');
    expect(plan.oldPrimary).toBe('pg1');
    expect(plan.targetReceivedLsn).toBe('0/5000100');
    expect(plan.lastKnownPrimaryLsn).toBe('0/5000100');
    expect(plan.steps.map((step) => `${step.node}: ${step.description}`)).toEqual([
      'pg2: promote pg2 and note its new timeline',
      'pg2: checkpoint on pg2',
      'pg2: create a physical slot on pg2 for pg3',
      'pg3: re-point pg3 to pg2 and wait until it streams',
      'pg1: mark pg1 as needing a rebuild',
    ]);
    expect(plan.steps[0]?.detail).toContain('select pg_promote(wait => false)');
    expect(plan.steps[1]?.detail).toBe('checkpoint');
    expect(plan.steps[2]?.detail).toContain("pg_create_physical_replication_slot('slot_pg3', true)");
    expect(plan.steps[3]?.detail).toContain(
      "alter system set primary_conninfo = 'host=10.0.0.2 port=5432 user=replication passfile=/home/pg/.pgpass sslmode=prefer'",
    );
    expect(plan.steps[3]?.detail).toContain("alter system set primary_slot_name = 'slot_pg3'");
    expect(plan.steps[3]?.detail).toContain('select pg_reload_conf()');
    expect(plan.steps[4]?.detail).toMatch(/No slot is made for it on pg2/);
    const unreachable = plan.checks.find((check) => check.label.startsWith('pg1 is gone'));
    expect(unreachable?.status).toBe('warn');
    expect(unreachable?.observed).toMatch(/pg1 is unreachable from here.*nothing accepts connections/);
    expect(plan.warnings).toHaveLength(1);
    const text = formatPlan(plan);
    expect(text).toContain('✓ pg2 is a reachable standby');
    expect(text).toContain('! pg1 is gone');
    expect(text).toContain('1/5 pg2: promote pg2');
  });

  it('restarts instead of reloading a PostgreSQL 12 standby', () => {
    const nodes = primaryDead();
    nodes[2] = withServer(nodes[2]!, { versionNum: 120018, version: '12.18' });
    const plan = planFailover(config, facts(nodes), 'pg2');
    const repoint = plan.steps.find((step) => step.node === 'pg3');
    expect(repoint?.detail).toContain('/data/pg3');
    expect(repoint?.detail).toContain('restart');
    expect(repoint?.detail).not.toContain('pg_reload_conf');
  });

  it('lets the target catch up first from a standby that received more', () => {
    const nodes = primaryDead();
    nodes[2] = withServer(nodes[2]!, { receiveLsn: '0/5000200', replayLsn: '0/5000180' });
    const plan = planFailover(config, facts(nodes), 'pg2');
    expect(plan.blocked).toBe(false);
    expect(plan.lastKnownPrimaryLsn).toBe('0/5000200');
    expect(plan.steps[0]?.description).toBe('let pg2 catch up from pg3 (received up to 0/5000200)');
    expect(plan.steps[0]?.detail).toContain("alter system set primary_conninfo = 'host=10.0.0.3 port=5432 user=replication passfile=/home/pg/.pgpass");
    expect(plan.steps[0]?.detail).toContain("alter system set primary_slot_name = ''");
    expect(plan.checks.find((check) => check.label === 'pg2 has the most WAL of the standbys')?.status).toBe('warn');
  });

  it('refuses an unknown node', () => {
    const plan = planFailover(config, facts(primaryDead()), 'pg9');
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(plan.blockedReasons[0]).toContain('no node named "pg9" (nodes: pg1, pg2, pg3)');
  });

  it('refuses to promote a primary', () => {
    const plan = planFailover(config, facts(healthyCluster()), 'pg1');
    expect(plan.blocked).toBe(true);
    expect(plan.blockedReasons[0]).toMatch(/pg1 is a primary already/);
  });

  it('refuses a failover while the primary is up and writable, pointing at switchover', () => {
    const plan = planFailover(config, facts(healthyCluster()), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(plan.blockedReasons.join(' ')).toMatch(/pg1 is up and writable.*use switchover/);
    // The offer is data on the plan: the modal reads it, not the check's label.
    expect(plan.offersSwitchover).toBe(true);
  });

  it('refuses a paused replay unless resuming is accepted, then resumes first', () => {
    const nodes = primaryDead();
    nodes[1] = withServer(nodes[1]!, { replayPaused: true, replayGapBytes: 4096 });
    const refused = planFailover(config, facts(nodes), 'pg2');
    expect(refused.blocked).toBe(true);
    expect(refused.blockedReasons[0]).toMatch(/replay is paused on pg2 with 4\.0 KB|replay is paused on pg2/);
    expect(refused.blockedReasons[0]).toContain('--resume-replay');
    const accepted = planFailover(config, facts(nodes), 'pg2', { resumeReplay: true });
    expect(accepted.blocked).toBe(false);
    expect(accepted.steps[0]?.detail).toBe('select pg_wal_replay_resume()');
  });

  it('offers to resume a paused replay only when that is the one refusal and resuming was not chosen', () => {
    const nodes = primaryDead();
    nodes[1] = withServer(nodes[1]!, { replayPaused: true, replayGapBytes: 4096 });
    const refused = planFailover(config, facts(nodes), 'pg2');
    expect(refused).toMatchObject({ blocked: true, resumeReplayOffer: true });
    expect(refused.checks.filter((check) => check.status === 'fail').map((check) => check.label)).toEqual(['WAL replay is not paused']);
    // Chosen: planned with the resume step, nothing left to offer.
    expect(planFailover(config, facts(nodes), 'pg2', { resumeReplay: true })).toMatchObject({ blocked: false, resumeReplayOffer: false });
    // Not paused, or refused for something else as well: no offer (resuming would not make it plannable).
    expect(planFailover(config, facts(primaryDead()), 'pg2').resumeReplayOffer).toBe(false);
    const crowded = [...nodes];
    crowded[1] = withServer(crowded[1]!, { settings: { max_wal_senders: '0', max_replication_slots: '1' } });
    const twice = planFailover(config, facts(crowded), 'pg2');
    expect(twice.blocked).toBe(true);
    expect(twice.blockedReasons.join('\n')).toMatch(/replay is paused on pg2/);
    expect(twice.resumeReplayOffer).toBe(false);
    // Refused before replay is looked at (split brain, unknown node): no offer.
    expect(planFailover(config, facts(healthyCluster()), 'pg2').resumeReplayOffer).toBe(false);
    expect(planFailover(config, facts(nodes), 'pg9').resumeReplayOffer).toBe(false);
  });

  it('refuses a down target and one without room for the other standbys', () => {
    const nodes = primaryDead();
    expect(planFailover(config, facts([nodes[0]!, down('pg2'), nodes[2]!]), 'pg2').blockedReasons[0]).toMatch(/pg2 is down/);
    nodes[1] = withServer(nodes[1]!, { settings: { max_wal_senders: '0', max_replication_slots: '1' } });
    const plan = planFailover(config, facts(nodes), 'pg2');
    expect(plan.blockedReasons.join('\n')).toMatch(/max_wal_senders on pg2: 0 free of 0, 1 needed/);
    nodes[1] = withServer(nodes[1]!, { settings: { max_wal_senders: '1', max_replication_slots: '0' } });
    expect(planFailover(config, facts(nodes), 'pg2').blockedReasons.join('\n')).toMatch(/max_replication_slots on pg2: 0 free of 0, 1 needed/);
  });

  it("keeps the password a standby's primary_conninfo holds (its own auto.conf) and skips a down standby", () => {
    const nodes = primaryDead();
    const withPassword = planFailover(
      config,
      facts(nodes, { pg3: { ...standbyExtras('pg1'), primaryConninfo: "host=10.0.0.1 user=replication password='hunter 2'", primarySlotName: 'repl_slot_01' } }),
      'pg2',
    );
    const repoint = withPassword.steps.find((step) => step.node === 'pg3' && step.description.startsWith('re-point'));
    expect(repoint?.detail).toContain("alter system set primary_conninfo = 'host=10.0.0.2 port=5432 user=replication password=''hunter 2'''");
    // Its own slot name is kept, and that slot is what is made on pg2.
    expect(repoint?.detail).toContain("alter system set primary_slot_name = 'repl_slot_01'");
    expect(withPassword.steps.map((step) => step.detail).join('\n')).toContain("pg_create_physical_replication_slot('repl_slot_01', true)");
    expect(withPassword.checks.find((check) => check.label === 'pg3 can follow pg2')?.observed).toMatch(/the password in its primary_conninfo stays there/);
    expect(withPassword.followerLogins).toEqual([expect.objectContaining({ upstream: 'pg2', conninfo: expect.stringContaining('password=') })]);
    const pg3Down = planFailover(config, facts([nodes[0]!, nodes[1]!, down('pg3')]), 'pg2');
    expect(pg3Down.blocked).toBe(false);
    expect(pg3Down.steps.some((step) => step.node === 'pg3')).toBe(false);
    expect(pg3Down.checks.find((check) => check.label === 'pg3 can follow pg2')?.observed).toMatch(/pg3 is down/);
  });

  describe('the old primary is alive although pgcockpit cannot log in', () => {
    const refusing = (reason: string): NodeSnapshot[] => {
      const nodes = primaryDead();
      nodes[0] = { ...down('pg1', reason), serverAnswered: true };
      return nodes;
    };

    it('refuses when its server answered the login (too many connections, password failed), offering the fence', () => {
      for (const reason of ['too many connections', 'password authentication failed']) {
        const plan = planFailover(config, { ...facts(refusing(reason)), hosts: { pg1: { state: 'running', detail: 'pg_ctl: server is running (PID: 7)' } } }, 'pg2');
        expect(plan.blocked, formatPlan(plan)).toBe(true);
        expect(plan.steps).toEqual([]);
        expect(plan.blockedReasons.join('\n')).toContain(`pg1 is alive: its server answered pgcockpit's login with "${reason}"`);
        expect(plan.blockedReasons.join('\n')).toContain('--fence');
        expect(plan.fenceOffer).toEqual(['pg1']);
        // Not a split brain between two writable primaries: no switchover offer.
        expect(plan.checks.some((check) => check.status === 'fail' && check.label.includes('split-brain'))).toBe(false);
        expect(plan.offersSwitchover).toBeUndefined();
      }
    });

    it('refuses when something accepts TCP on its address, or a standby still streams from it', () => {
      const timedOut = primaryDead();
      timedOut[0] = down('pg1', 'timeout');
      const tcp = planFailover(config, { ...facts(timedOut), tcpOpen: { pg1: true } }, 'pg2');
      expect(tcp.blockedReasons.join('\n')).toMatch(/pg1 is alive: it accepts TCP connections on 10\.0\.0\.1:5432/);
      const feeding = primaryDead();
      feeding[2] = withServer(healthyCluster()[2]!, {});
      const streaming = planFailover(config, { ...facts(feeding), tcpOpen: { pg1: false } }, 'pg2');
      expect(streaming.blockedReasons.join('\n')).toMatch(/pg3 still streams WAL from it/);
    });

    it('with --fence and a proven data directory: stops it first', () => {
      const plan = planFailover(
        config,
        {
          ...facts(refusing('too many connections')),
          hosts: { pg1: { state: 'running', detail: 'server is running' } },
          dataDirs: { pg1: { port: 5432, portSource: 'postmaster.pid', systemIdentifier: '7000000000000000001' } },
        },
        'pg2',
        { fence: true },
      );
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      expect(plan.steps[0]?.description).toBe("stop pg1's server (fence)");
    });

    it("with --fence but a data directory that is another server's: refused, nothing stopped", () => {
      const plan = planFailover(
        config,
        {
          ...facts(refusing('too many connections')),
          hosts: { pg1: { state: 'running', detail: 'server is running' } },
          dataDirs: { pg1: { port: 5433, portSource: 'postmaster.pid', systemIdentifier: '7000000000000000001' } },
        },
        'pg2',
        { fence: true },
      );
      expect(plan.blocked).toBe(true);
      expect(plan.blockedReasons.join('\n')).toMatch(/its port is 5433 \(postmaster\.pid\), pg1 listens on 5432/);
    });

    it('--allow-two-primaries plans it, loudly, and asks for "two primaries" typed', () => {
      const plan = planFailover(config, facts(refusing('too many connections')), 'pg2', { allowTwoPrimaries: true });
      expect(plan.blocked).toBe(false);
      expect(plan).toMatchObject({ confirmWord: 'two primaries', mustType: true });
      expect(plan.warnings.join('\n')).toMatch(/TWO PRIMARIES/);
    });
  });

  it('leaves a cascaded standby alone: it already follows the target, keeps its slot, no new slot is made for it', () => {
    const [, pg2, pg3] = healthyCluster();
    const settings = { max_wal_senders: '10', max_replication_slots: '10' };
    const nodes = [
      down('pg1'),
      withServer(pg2!, { walReceiver: null, settings, slots: [slot('slot_pg3')] }),
      withServer(pg3!, { walReceiver: { status: 'streaming', senderHost: hostFor('pg2'), senderPort: 5432, slotName: 'slot_pg3', receivedTimeline: 1, lastMessageAt: NOW } }),
    ];
    const plan = planFailover(config, { ...facts(nodes, { pg3: standbyExtras('pg2') }), tcpOpen: { pg1: false } }, 'pg2');
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    expect(plan.steps.map((step) => step.description)).toEqual(['promote pg2 and note its new timeline', 'checkpoint on pg2', 'mark pg1 as needing a rebuild']);
    expect(plan.checks.find((check) => check.label === 'pg3 can follow pg2')?.observed).toMatch(/streams from pg2 already \(a cascade\): left alone/);
  });

  describe('promoting the end of a cascade (pg1 -> pg2 -> pg3, promote pg3)', () => {
    const cascade = (pg1: NodeSnapshot): NodeSnapshot[] => {
      const [, pg2, pg3] = healthyCluster();
      const settings = { max_wal_senders: '10', max_replication_slots: '10' };
      return [
        pg1,
        withServer(pg2!, { walReceiver: null, settings }),
        withServer(pg3!, { settings, walReceiver: { status: 'streaming', senderHost: hostFor('pg2'), senderPort: 5432, slotName: 'slot_pg3', receivedTimeline: 1, lastMessageAt: NOW } }),
      ];
    };
    const cascadeFacts = (pg1: NodeSnapshot) => ({ ...facts(cascade(pg1), { pg3: standbyExtras('pg2') }), tcpOpen: { pg1: false } });

    it('the old primary is pg1, up the chain, not pg2: a pg1 that refuses the login refuses the failover', () => {
      const plan = planFailover(config, { ...cascadeFacts({ ...down('pg1', 'too many connections'), serverAnswered: true }) }, 'pg3');
      expect(plan.oldPrimary).toBe('pg1');
      expect(plan.blocked, formatPlan(plan)).toBe(true);
      expect(plan.blockedReasons.join('\n')).toContain('pg1 is alive');
    });

    it('with pg1 gone: pg2 (which followed pg1) is re-pointed to pg3, and pg1, not pg2, needs a rebuild', () => {
      const plan = planFailover(config, cascadeFacts(down('pg1')), 'pg3');
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      expect(plan.steps.map((step) => step.description)).toContain('re-point pg2 to pg3 and wait until it streams');
      expect(plan.steps.at(-1)?.description).toBe('mark pg1 as needing a rebuild');
    });
  });

  it("lists the slots the dead primary held that belong to no standby, as the cockpit last saw them", () => {
    const seenAt = Date.UTC(2026, 10, 30, 11, 20, 0);
    const plan = planFailover(
      config,
      { ...facts(primaryDead()), tcpOpen: { pg1: false }, lastSeenSlots: { pg1: { at: seenAt, slots: [slot('slot_pg2'), slot('slot_pg3'), slot('barman'), slot('decoder', { type: 'logical' })] } } },
      'pg2',
    );
    expect(plan.blocked).toBe(false);
    const listed = plan.checks.filter((check) => check.label.startsWith("pg1's slot"));
    expect(listed.map((check) => check.label)).toEqual([
      "pg1's slot barman (physical, last seen 2026-11-30 11:20:00 UTC)",
      "pg1's slot decoder (logical, last seen 2026-11-30 11:20:00 UTC)",
    ]);
    expect(listed[0]?.fix).toContain("select pg_create_physical_replication_slot('barman', true)");
    expect(listed[1]?.fix).toContain('cannot be recreated with its position');
  });

  it('a standby behind a standby that is down is re-pointed, not left stranded', () => {
    const nodes = primaryDead();
    const config4 = configSchema.parse({ ...config, nodes: ['pg1', 'pg2', 'pg3', 'pg4'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}` })) });
    const plan = planFailover(config4, { ...facts([nodes[0]!, nodes[1]!, nodes[2]!, down('pg4')], { pg3: standbyExtras('pg4') }), tcpOpen: { pg1: false, pg4: false } }, 'pg2');
    expect(plan.oldPrimary, formatPlan(plan)).toBe('pg1');
    expect(plan.steps.map((step) => step.description)).toContain('re-point pg3 to pg2 and wait until it streams');
  });

  it('a follower with paused replay: refused with the resume offer, or resumed before its re-point', () => {
    const nodes = primaryDead();
    nodes[2] = withServer(nodes[2]!, { replayPaused: true, replayGapBytes: 8192 });
    const refused = planFailover(config, { ...facts(nodes), tcpOpen: { pg1: false } }, 'pg2');
    expect(refused).toMatchObject({ blocked: true, resumeReplayOffer: true });
    expect(refused.blockedReasons.join('\n')).toMatch(/replay is paused on pg3.*cannot switch to the new timeline/);
    const resumed = planFailover(config, { ...facts(nodes), tcpOpen: { pg1: false } }, 'pg2', { resumeReplay: true });
    expect(resumed.blocked).toBe(false);
    const pg3Steps = resumed.steps.filter((step) => step.node === 'pg3').map((step) => step.detail.split('\n')[0]);
    expect(pg3Steps[0]).toBe('select pg_wal_replay_resume()');
  });

  it("a follower whose replication login failed: the promotion goes on, the plan says it will not follow and why", () => {
    const plan = planFailover(
      config,
      { ...facts(primaryDead()), tcpOpen: { pg1: false }, logins: { pg3: { ok: false, detail: 'FATAL:  no pg_hba.conf entry for replication connection from host "10.0.0.3"' } } },
      'pg2',
    );
    expect(plan.blocked).toBe(false);
    const login = plan.checks.find((check) => check.label.startsWith('pg3 can log in to pg2 for replication'));
    expect(login).toMatchObject({ status: 'warn', observed: expect.stringContaining('no pg_hba.conf entry') });
    expect(plan.warnings.join('\n')).toMatch(/pg3 will not follow pg2: FATAL: +no pg_hba.conf entry/);
  });
});
