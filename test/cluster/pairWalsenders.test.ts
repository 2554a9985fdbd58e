import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { deriveLinks } from '../../src/services/cluster/deriveLinks.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { MiB, NOW, primary, receiver, replicaRow, slot, standby, withServer } from './fixtures.js';

/**
 * Issue 8 item 13: the two ends of a link are paired by what identifies them
 * (receiver slot ↔ slot active_pid ↔ walsender pid, then address, then
 * application_name), so standbys cloned with pg_basebackup -R, which all
 * connect as "walreceiver", pair right even when they share a host.
 */
const LOCAL = '127.0.0.1';

/** pg1 on loopback with pg2 and pg3 cloned as the runbook does: walreceiver rows, slot_pg2/slot_pg3. */
function runbookCluster(lagging = true): NodeSnapshot[] {
  const rows = { pg2: 5102, pg3: 5103 };
  const base = primary('pg1', { host: LOCAL, port: 5432 });
  const pg1 = withServer(base, {
    // pg3's row first: pairing must not depend on the order of pg_stat_replication.
    replicas: [
      replicaRow('walreceiver', { pid: rows.pg3, clientAddr: LOCAL, replayLagBytes: lagging ? 7 * MiB : 0 }),
      replicaRow('walreceiver', { pid: rows.pg2, clientAddr: LOCAL, replayLagBytes: lagging ? 2 * MiB : 0 }),
    ],
    slots: [slot('slot_pg2', { activePid: rows.pg2 }), slot('slot_pg3', { activePid: rows.pg3 })],
  });
  const pg2 = standby('pg2', pg1, { host: LOCAL, port: 5433, server: { walReceiver: receiver(pg1, { slotName: 'slot_pg2' }) } });
  const pg3 = standby('pg3', pg1, { host: LOCAL, port: 5434, server: { walReceiver: receiver(pg1, { slotName: 'slot_pg3' }) } });
  return [pg1, pg2, pg3];
}

function link(nodes: NodeSnapshot[], name: string) {
  const found = deriveLinks(nodes, NOW).find((candidate) => candidate.standby === name);
  if (!found) throw new Error(`no link for ${name}`);
  return found;
}

describe('pairing a standby with its walsender', () => {
  it('pairs standbys that all say "walreceiver" from one host by slot: receiver slot → active_pid → walsender pid', () => {
    const nodes = runbookCluster();
    expect(link(nodes, 'pg2')).toMatchObject({ upstream: 'pg1', senderSeen: true, walsenderPid: 5102, pairedBy: 'slot', lagBytes: 2 * MiB });
    expect(link(nodes, 'pg3')).toMatchObject({ upstream: 'pg1', senderSeen: true, walsenderPid: 5103, pairedBy: 'slot', lagBytes: 7 * MiB });
  });

  it('gives such a healthy cluster no alert, and names each walsender row after its standby', () => {
    const view = buildClusterView(runbookCluster(false), DEFAULT_THRESHOLDS, NOW);
    expect(view.alerts).toEqual([]);
    const rows = view.nodes[0]?.server?.replicas.map((row) => [row.pid, row.applicationName, row.standby]);
    expect(rows).toEqual([
      [5103, 'walreceiver', 'pg3'],
      [5102, 'walreceiver', 'pg2'],
    ]);
  });

  it('trusts the slot over a misleading application_name (a standby cloned from another kept its cluster_name)', () => {
    const [pg1, pg2, pg3] = runbookCluster();
    const misnamed = withServer(pg1!, {
      replicas: [replicaRow('pg2', { pid: 5103, clientAddr: LOCAL }), replicaRow('walreceiver', { pid: 5102, clientAddr: LOCAL })],
    });
    expect(link([misnamed, pg2!, pg3!], 'pg2')).toMatchObject({ walsenderPid: 5102, pairedBy: 'slot' });
    expect(link([misnamed, pg2!, pg3!], 'pg3')).toMatchObject({ walsenderPid: 5103, pairedBy: 'slot' });
  });

  it("uses primary_slot_name when the receiver's slot is hidden (a login without pg_read_all_stats)", () => {
    const [pg1, pg2] = runbookCluster();
    const hidden = withServer(pg2!, {
      walReceiver: receiver(pg1!, { status: 'unknown', senderHost: null, senderPort: null, slotName: null }),
      settings: { primary_slot_name: 'slot_pg2' },
    });
    expect(link([pg1!, hidden], 'pg2')).toMatchObject({ upstream: 'pg1', walsenderPid: 5102, pairedBy: 'slot' });
  });

  it('then by address: the one walsender from the standby\'s host, whatever its name', () => {
    const pg1 = primary('pg1', { server: { replicas: [replicaRow('walreceiver', { pid: 6002, clientAddr: '10.0.0.2' }), replicaRow('walreceiver', { pid: 6003, clientAddr: '10.0.0.3' })] } });
    const nodes = [pg1, standby('pg2', pg1), standby('pg3', pg1)];
    expect(link(nodes, 'pg2')).toMatchObject({ walsenderPid: 6002, pairedBy: 'address' });
    expect(link(nodes, 'pg3')).toMatchObject({ walsenderPid: 6003, pairedBy: 'address' });
  });

  it('then by application_name, when the address does not tell (no slot, connected over a Unix socket)', () => {
    const pg1 = primary('pg1', {
      host: LOCAL,
      server: { replicas: [replicaRow('pg3', { pid: 6003, clientAddr: null }), replicaRow('pg2', { pid: 6002, clientAddr: null })] },
    });
    const nodes = [pg1, standby('pg2', pg1, { host: LOCAL, port: 5433 }), standby('pg3', pg1, { host: LOCAL, port: 5434 })];
    expect(link(nodes, 'pg2')).toMatchObject({ walsenderPid: 6002, pairedBy: 'application_name' });
    expect(link(nodes, 'pg3')).toMatchObject({ walsenderPid: 6003, pairedBy: 'application_name' });
  });

  it("never guesses a walsender that streams through another slot than the standby's", () => {
    const [pg1, pg2] = runbookCluster();
    // pg2 says it uses slot_pg2, which nobody holds; the one row from its host streams through slot_pg3.
    const onlyPg3s = withServer(pg1!, {
      replicas: [replicaRow('walreceiver', { pid: 5103, clientAddr: LOCAL })],
      slots: [slot('slot_pg2', { active: false }), slot('slot_pg3', { activePid: 5103 })],
    });
    expect(link([onlyPg3s, pg2!], 'pg2')).toMatchObject({ senderSeen: false, walsenderPid: null, pairedBy: null });
    // Without a slot of its own, the address still decides.
    const noSlot = withServer(pg2!, { walReceiver: receiver(pg1!, { slotName: null }) });
    expect(link([onlyPg3s, noSlot], 'pg2')).toMatchObject({ walsenderPid: 5103, pairedBy: 'address' });
  });

  it('gives one walsender to one standby only', () => {
    const [pg1, pg2, pg3] = runbookCluster();
    // Both claim slot_pg2 (pg3's primary_slot_name copied by mistake): only the slot's streamer gets it.
    const copied = withServer(pg3!, { walReceiver: receiver(pg1!, { slotName: 'slot_pg2' }) });
    const links = deriveLinks([pg1!, pg2!, copied], NOW);
    expect(links.filter((candidate) => candidate.walsenderPid === 5102)).toHaveLength(1);
  });
});

describe('cascading standbys (pg1 → pg2 → pg3)', () => {
  function cascade(): NodeSnapshot[] {
    const pg1 = primary('pg1', {
      host: LOCAL,
      port: 5432,
      server: { replicas: [replicaRow('walreceiver', { pid: 5102, clientAddr: LOCAL })], slots: [slot('slot_pg2', { activePid: 5102 })] },
    });
    const pg2Base = standby('pg2', pg1, { host: LOCAL, port: 5433, server: { walReceiver: receiver(pg1, { slotName: 'slot_pg2' }) } });
    // A cascading walsender: pg2 serves pg3 through its own slot_pg3, lag measured against what pg2 received.
    const pg2 = withServer(pg2Base, {
      replicas: [replicaRow('walreceiver', { pid: 5203, clientAddr: LOCAL })],
      slots: [slot('slot_pg3', { activePid: 5203 })],
      archiver: { enabled: false },
    });
    const pg3 = standby('pg3', pg2, { host: LOCAL, port: 5434, server: { walReceiver: receiver(pg2, { slotName: 'slot_pg3' }), archiver: { enabled: false } } });
    return [pg1, pg2, pg3];
  }

  it("pairs pg3 with pg2's walsender and pg2 with pg1's", () => {
    const nodes = cascade();
    expect(link(nodes, 'pg2')).toMatchObject({ upstream: 'pg1', walsenderPid: 5102, pairedBy: 'slot', caughtUp: true });
    expect(link(nodes, 'pg3')).toMatchObject({ upstream: 'pg2', walsenderPid: 5203, pairedBy: 'slot', caughtUp: true });
  });

  it("is healthy: no alert, and pg2's walsender row is named pg3", () => {
    const view = buildClusterView(cascade(), DEFAULT_THRESHOLDS, NOW);
    expect(view.alerts).toEqual([]);
    expect(view.nodes[1]?.server?.replicas.map((row) => row.standby)).toEqual(['pg3']);
    expect(view.nodes[0]?.server?.replicas.map((row) => row.standby)).toEqual(['pg2']);
  });
});
