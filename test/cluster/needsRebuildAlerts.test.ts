import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { Alert } from '../../src/services/cluster/clusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { formatStatusText } from '../../src/commands/formatStatusText.js';
import { statusJson } from '../../src/commands/statusJson.js';
import { MiB, NOW, primary, receiver, replicaRow, slot, standby } from './fixtures.js';

function alertsOf(nodes: NodeSnapshot[]): Alert[] {
  return buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW).alerts;
}

/** pg1 primary whose pg_wal starts at segment 9; pg2 stopped streaming at segment 3, its WAL receiver retrying. */
function lostWal(options: { lastArchivedWal?: string; archiveCommand?: string; slotLost?: boolean; restoreCommand?: string } = {}): NodeSnapshot[] {
  const pg1 = primary('pg1', {
    server: {
      currentLsn: '0/9000100',
      oldestWalSegment: '000000010000000000000009',
      walSegmentBytes: 16 * MiB,
      slots: [slot('slot_pg2', { active: false, walStatus: options.slotLost ? 'lost' : 'reserved' })],
      settings: { archive_command: options.archiveCommand ?? safeArchiveCommand('/var/lib/pgarchive') },
      archiver: { lastArchivedWal: options.lastArchivedWal ?? '000000010000000000000008' },
    },
  });
  const pg2 = standby('pg2', pg1, {
    server: {
      receiveLsn: '0/3000060',
      replayLsn: '0/3000060',
      walSegmentBytes: 16 * MiB,
      walReceiver: receiver(pg1, { status: 'waiting' }),
      settings: { primary_slot_name: 'slot_pg2', ...(options.restoreCommand ? { restore_command: options.restoreCommand } : {}) },
    },
  });
  return [pg1, pg2];
}

describe('alerts: a standby whose WAL was removed is told apart from a login or network problem', () => {
  it('the archive holds it: the fix is the restore_command to set, no copy, and never primary_conninfo', () => {
    const alerts = alertsOf(lostWal());
    const pg2 = alerts.filter((alert) => alert.node === 'pg2');
    expect(pg2.map((alert) => alert.code)).toEqual(['standby-wal-removed']);
    expect(pg2[0]!.message).toBe(
      "pg2 cannot stream: pg1 has removed WAL it needs (000000010000000000000003; pg1's pg_wal starts at 000000010000000000000009), " +
        'but the archive still holds it (pg1 archived up to 000000010000000000000008): ' +
        "give pg2 restore_command = 'cp /var/lib/pgarchive/%f %p' (ALTER SYSTEM SET restore_command, then reload; restart before PostgreSQL 14), no copy needed",
    );
    expect(alerts.map((alert) => alert.message).join('\n')).not.toMatch(/primary_conninfo|pg_hba/);
  });

  it('an archive_command it cannot read back: says to give one that reads that archive', () => {
    const [alert] = alertsOf(lostWal({ archiveCommand: 'pgbackrest --stanza=main archive-push %p' })).filter((candidate) => candidate.node === 'pg2');
    expect(alert?.message).toMatch(/give pg2 a restore_command that reads that archive \(the counterpart of pg1's archive_command\), no copy needed$/);
  });

  it('the archive does not hold it: needs a rebuild, with the command', () => {
    const alerts = alertsOf(lostWal({ lastArchivedWal: '000000010000000000000002' }));
    const pg2 = alerts.filter((alert) => alert.node === 'pg2');
    expect(pg2.map((alert) => alert.code)).toEqual(['needs-rebuild']);
    expect(pg2[0]!.message).toMatch(/^pg2 needs a rebuild: the WAL it needs \(000000010000000000000003\) is gone: .*: pgcockpit rebuild pg2 --yes$/);
  });

  it("a lost slot names its consumer and points at the consumer's alert", () => {
    const alerts = alertsOf(lostWal({ slotLost: true }));
    const slotAlert = alerts.find((alert) => alert.code === 'slot-at-risk');
    expect(slotAlert?.message).toMatch(/see pg2's alert: the archive may still hold that WAL, else pgcockpit rebuild pg2 --yes$/);
  });

  it('a standby not streaming for another reason still gets the login/network advice', () => {
    const [pg1, pg2] = lostWal();
    const fine = { ...pg1!, server: { ...pg1!.server!, oldestWalSegment: '000000010000000000000001' } };
    const alerts = alertsOf([fine, pg2!]);
    expect(alerts.find((alert) => alert.node === 'pg2')?.message).toMatch(/check primary_conninfo/);
  });
});

describe('status: the old primary back as a second primary', () => {
  const pg2 = primary('pg2', { server: { timeline: 2, replicas: [replicaRow('pg3')], slots: [slot('slot_pg3')] } });
  const nodes = [primary('pg1', { server: { timeline: 1 } }), pg2, standby('pg3', pg2)];
  const view = buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW);

  it('--json has a needsRebuild field on that node only', () => {
    const json = statusJson('c', view);
    expect(json.nodes.find((node) => node.name === 'pg1')?.needsRebuild).toMatchObject({ cause: 'second-primary', command: 'pgcockpit rebuild pg1 --yes' });
    expect(json.nodes.filter((node) => node.needsRebuild)).toHaveLength(1);
    expect(json.alerts.find((alert) => alert.code === 'needs-rebuild')?.node).toBe('pg1');
  });

  it('the text says NEEDS REBUILD on its row and the alert says why', () => {
    const text = formatStatusText('c', view);
    expect(text.split('\n').find((line) => line.startsWith('pg1'))).toMatch(/NEEDS REBUILD \(pgcockpit rebuild pg1 --yes\)/);
    expect(text).toMatch(/CRITICAL {2}pg1 needs a rebuild: up as a primary on timeline 1 beside pg2/);
  });
});
