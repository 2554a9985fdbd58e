import { describe, expect, it } from 'vitest';
import { deriveLinks } from '../../src/services/cluster/deriveLinks.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import {
  MiB,
  NOW,
  down,
  healthyCluster,
  primary,
  receiver,
  replicaRow,
  standby,
  unpolled,
  withServer,
} from './fixtures.js';

function linkOf(nodes: NodeSnapshot[], name: string) {
  const link = deriveLinks(nodes, NOW).find((candidate) => candidate.standby === name);
  if (!link) throw new Error(`no link for ${name}`);
  return link;
}

describe('deriveLinks: which standbys', () => {
  it('gives one link per standby that is up, none for the primary', () => {
    expect(deriveLinks(healthyCluster(), NOW).map((link) => link.standby)).toEqual(['pg2', 'pg3']);
  });

  it('skips standbys that are down or not polled yet', () => {
    const [pg1, pg2] = healthyCluster();
    expect(deriveLinks([pg1, pg2, down('pg3'), unpolled('pg4')], NOW).map((link) => link.standby)).toEqual(['pg2']);
  });

  it('reads a healthy, idle cluster as caught up: 0 bytes, 0 s, both ends seen', () => {
    expect(deriveLinks(healthyCluster(), NOW)).toEqual([
      { standby: 'pg2', upstream: 'pg1', receiverStreaming: true, senderSeen: true, walsenderPid: 4002, pairedBy: 'address', lagBytes: 0, lagSeconds: 0, caughtUp: true, replayPaused: false },
      { standby: 'pg3', upstream: 'pg1', receiverStreaming: true, senderSeen: true, walsenderPid: 4003, pairedBy: 'address', lagBytes: 0, lagSeconds: 0, caughtUp: true, replayPaused: false },
    ]);
  });
});

describe('deriveLinks: the upstream', () => {
  it("is the node at the receiver's sender_host:sender_port", () => {
    const pg1 = primary('pg1');
    const pg9 = primary('pg9');
    const pg2 = standby('pg2', pg9);
    expect(linkOf([pg1, pg9, pg2], 'pg2').upstream).toBe('pg9');
  });

  it('tells apart servers on one host by port', () => {
    const pg1 = primary('pg1', { host: '127.0.0.1', port: 5432 });
    const pg2 = standby('pg2', pg1, { host: '127.0.0.1', port: 5433 });
    const pg3 = standby('pg3', pg2, { host: '127.0.0.1', port: 5434 });
    expect(linkOf([pg1, pg2, pg3], 'pg2').upstream).toBe('pg1');
    expect(linkOf([pg1, pg2, pg3], 'pg3').upstream).toBe('pg2');
  });

  it.each([
    ['127.0.0.1', 'localhost'],
    ['localhost', '127.0.0.1'],
    ['127.0.0.1', '::1'],
    ['::1', 'localhost'],
    ['localhost', 'LOCALHOST'],
    ['::1', '[::1]'],
  ])('treats %s in the config and %s from the receiver as one host', (configured, reported) => {
    const pg1 = primary('pg1', { host: configured, port: 5432 });
    const pg2 = standby('pg2', pg1, { host: configured, port: 5433, server: { walReceiver: receiver(pg1, { senderHost: reported }) } });
    expect(linkOf([pg1, pg2], 'pg2').upstream).toBe('pg1');
  });

  it("takes a socket directory as sender_host to mean the standby's own machine", () => {
    const pg1 = primary('pg1', { host: '10.0.0.7', port: 5432 });
    const pg2 = standby('pg2', pg1, {
      host: '10.0.0.7',
      port: 5433,
      server: { walReceiver: receiver(pg1, { senderHost: '/var/run/postgresql' }) },
    });
    expect(linkOf([pg1, pg2], 'pg2').upstream).toBe('pg1');
  });

  it('finds a cascading standby\'s upstream standby', () => {
    const [pg1, pg2] = healthyCluster();
    const pg3 = standby('pg3', pg2);
    const link = linkOf([pg1, withServer(pg2, { replicas: [replicaRow('pg3')] }), pg3], 'pg3');
    expect(link).toMatchObject({ upstream: 'pg2', senderSeen: true, caughtUp: true });
  });

  it('is nobody when the sender is not a configured node', () => {
    const [pg1, pg2] = healthyCluster();
    const elsewhere = withServer(pg2, { walReceiver: receiver(pg1, { senderHost: '10.9.9.9' }) });
    expect(linkOf([pg1, elsewhere], 'pg2')).toMatchObject({ upstream: null, senderSeen: false, lagBytes: null, lagSeconds: null });
  });

  it('falls back to the only primary up when no receiver runs', () => {
    const [pg1, pg2] = healthyCluster();
    const link = linkOf([pg1, withServer(pg2, { walReceiver: null }), down('pg3')], 'pg2');
    // No receiver, no connection: pg1's row named pg2 cannot be its walsender (clusterAlerts reports that row).
    expect(link).toMatchObject({ upstream: 'pg1', receiverStreaming: false, senderSeen: false });
  });

  it('guesses no upstream without a receiver when two primaries, or none, are up', () => {
    const [pg1, pg2] = healthyCluster();
    const noReceiver = withServer(pg2, { walReceiver: null });
    expect(linkOf([pg1, primary('pg3'), noReceiver], 'pg2').upstream).toBeNull();
    expect(linkOf([down('pg1'), noReceiver], 'pg2').upstream).toBeNull();
  });

  it('points at an upstream that is down, without inventing a lag', () => {
    const pg1 = primary('pg1');
    const pg2 = standby('pg2', pg1, { server: { walReceiver: receiver(pg1, { status: 'waiting' }) } });
    const link = linkOf([down('pg1'), pg2], 'pg2');
    expect(link).toMatchObject({ upstream: 'pg1', receiverStreaming: false, senderSeen: false, lagBytes: null, lagSeconds: null, caughtUp: false });
  });
});

describe('deriveLinks: the sender side', () => {
  it("finds the walsender row by the standby's application_name", () => {
    const [pg1, pg2] = healthyCluster();
    const onlyPg3 = withServer(pg1, { replicas: [replicaRow('pg3')] });
    expect(linkOf([onlyPg3, pg2], 'pg2').senderSeen).toBe(false);
    expect(linkOf([pg1, pg2], 'pg2').senderSeen).toBe(true);
  });

  it('falls back to the one row from the standby\'s address (application_name left at walreceiver)', () => {
    const [pg1, pg2] = healthyCluster();
    const unnamed = withServer(pg1, { replicas: [replicaRow('pg3'), replicaRow('walreceiver', { clientAddr: pg2.host, replayLagBytes: 3 * MiB })] });
    expect(linkOf([unnamed, pg2], 'pg2')).toMatchObject({ senderSeen: true, lagBytes: 3 * MiB });
  });

  it('does not guess between two rows from the same address', () => {
    const pg1 = primary('pg1', { host: '127.0.0.1', port: 5432 });
    const pg2 = standby('pg2', pg1, { host: '127.0.0.1', port: 5433 });
    const rows = [replicaRow('walreceiver', { clientAddr: '127.0.0.1' }), replicaRow('walreceiver', { clientAddr: '127.0.0.1' })];
    expect(linkOf([withServer(pg1, { replicas: rows }), pg2], 'pg2').senderSeen).toBe(false);
  });

  it("ignores another configured node's row and base backups from the same address", () => {
    const pg1 = primary('pg1', { host: '127.0.0.1', port: 5432 });
    const pg2 = standby('pg2', pg1, { host: '127.0.0.1', port: 5433 });
    const pg3 = standby('pg3', pg1, { host: '127.0.0.1', port: 5434 });
    const otherNode = [replicaRow('pg3', { clientAddr: '127.0.0.1' })];
    expect(linkOf([withServer(pg1, { replicas: otherNode }), pg2, pg3], 'pg2').senderSeen).toBe(false);
    const baseBackup = [replicaRow('pg_basebackup', { clientAddr: '127.0.0.1', state: 'backup' })];
    expect(linkOf([withServer(pg1, { replicas: baseBackup }), pg2, pg3], 'pg2').senderSeen).toBe(false);
  });
});

describe('deriveLinks: lag in bytes', () => {
  it("is the walsender row's replay lag", () => {
    const [pg1, pg2] = healthyCluster();
    const behind = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: 20 * MiB, replayLagSeconds: 2.5 })] });
    expect(linkOf([behind, pg2], 'pg2')).toMatchObject({ lagBytes: 20 * MiB, lagSeconds: 2.5, caughtUp: false });
  });

  it("without a row, is the primary's current LSN minus the standby's replay LSN", () => {
    const pg1 = primary('pg1', { server: { currentLsn: '0/5000000' } });
    const pg2 = standby('pg2', pg1, { server: { replayLsn: '0/4000000', receiveLsn: '0/4000000' } });
    expect(linkOf([pg1, pg2], 'pg2')).toMatchObject({ senderSeen: false, lagBytes: 16 * MiB, caughtUp: false });
  });

  it("without a row, measures a cascading standby against its upstream's receive LSN", () => {
    const pg1 = primary('pg1', { server: { currentLsn: '0/9000000' } });
    const pg2 = standby('pg2', pg1, { server: { receiveLsn: '0/6000000', replayLsn: '0/6000000' } });
    const pg3 = standby('pg3', pg2, { server: { receiveLsn: '0/5000000', replayLsn: '0/5000000' } });
    expect(linkOf([pg1, pg2, pg3], 'pg3')).toMatchObject({ upstream: 'pg2', lagBytes: 16 * MiB });
  });

  it('uses the LSNs when the row has no replay lag yet (standby starting up)', () => {
    const pg1 = primary('pg1', { server: { currentLsn: '0/5100000', replicas: [replicaRow('pg2', { state: 'startup', replayLagBytes: null })] } });
    const pg2 = standby('pg2', pg1, { server: { replayLsn: '0/5000000' } });
    expect(linkOf([pg1, pg2], 'pg2')).toMatchObject({ senderSeen: true, lagBytes: MiB });
  });

  it('clamps a standby seen ahead of its upstream (polls are not simultaneous) to 0', () => {
    const pg1 = primary('pg1', { server: { currentLsn: '0/5000000' } });
    const pg2 = standby('pg2', pg1, { server: { replayLsn: '0/5001000', receiveLsn: '0/5001000' } });
    expect(linkOf([pg1, pg2], 'pg2')).toMatchObject({ lagBytes: 0, caughtUp: true, lagSeconds: 0 });
    const rowAhead = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: -4096 })] });
    expect(linkOf([rowAhead, pg2], 'pg2').lagBytes).toBe(0);
  });

  it('is not caught up while received WAL waits to be applied', () => {
    const [pg1, pg2] = healthyCluster();
    const gap = withServer(pg2, { replayGapBytes: 4096 });
    expect(linkOf([pg1, gap], 'pg2')).toMatchObject({ lagBytes: 0, caughtUp: false });
  });
});

describe('deriveLinks: lag in seconds, idle-safe', () => {
  it('is 0 when caught up, though replay_lag is NULL and the last replayed commit is an hour old', () => {
    const [pg1, pg2] = healthyCluster();
    expect(pg1.server?.replicas[0]?.replayLagSeconds).toBeNull();
    expect(pg2.server?.lastReplayedXactAt).toBe(NOW - 3_600_000);
    expect(linkOf([pg1, pg2], 'pg2')).toMatchObject({ caughtUp: true, lagSeconds: 0 });
  });

  it('is 0 when caught up even while replay_lag still shows its last measure', () => {
    const [pg1, pg2] = healthyCluster();
    const lingering = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagSeconds: 0.8 })] });
    expect(linkOf([lingering, pg2], 'pg2').lagSeconds).toBe(0);
  });

  it('is replay_lag when behind and the primary measured it', () => {
    const [pg1, pg2] = healthyCluster();
    const behind = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: MiB, replayLagSeconds: 12 })] });
    expect(linkOf([behind, pg2], 'pg2').lagSeconds).toBe(12);
  });

  it('is the age of the last replayed commit when behind and replay_lag is NULL', () => {
    const [pg1, pg2] = healthyCluster();
    const behind = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: 64 * MiB, replayLagSeconds: null })] });
    const old = withServer(pg2, { lastReplayedXactAt: NOW - 200_000 });
    expect(linkOf([behind, old], 'pg2')).toMatchObject({ caughtUp: false, lagSeconds: 200 });
  });

  it('never goes negative when the standby clock runs ahead', () => {
    const [pg1, pg2] = healthyCluster();
    const behind = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: MiB })] });
    expect(linkOf([behind, withServer(pg2, { lastReplayedXactAt: NOW + 5000 })], 'pg2').lagSeconds).toBe(0);
  });

  it('is unknown when behind with no replay_lag and no commit replayed yet', () => {
    const [pg1, pg2] = healthyCluster();
    const behind = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: MiB })] });
    expect(linkOf([behind, withServer(pg2, { lastReplayedXactAt: null })], 'pg2').lagSeconds).toBeNull();
  });

  it('is unknown, not the age of an old commit, when nothing says the standby is behind', () => {
    const [pg1, pg2] = healthyCluster();
    const unmeasured = withServer(pg2, { walReceiver: receiver(pg1, { senderHost: '10.9.9.9' }), replayGapBytes: null });
    expect(linkOf([pg1, unmeasured], 'pg2')).toMatchObject({ lagBytes: null, lagSeconds: null, caughtUp: false });
  });
});

describe('deriveLinks: paused replay', () => {
  it('keeps the byte lag: it is what shows the stall', () => {
    const pg1 = primary('pg1', { server: { currentLsn: '0/8000000', replicas: [replicaRow('pg2', { replayLagBytes: 48 * MiB, replayLagSeconds: null })] } });
    const pg2 = standby('pg2', pg1, {
      server: { receiveLsn: '0/8000000', replayLsn: '0/5000000', replayGapBytes: 48 * MiB, replayPaused: true, lastReplayedXactAt: NOW - 90_000 },
    });
    expect(linkOf([pg1, pg2], 'pg2')).toMatchObject({
      replayPaused: true,
      receiverStreaming: true,
      lagBytes: 48 * MiB,
      caughtUp: false,
      lagSeconds: 90,
    });
  });
});
