import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { deriveLinks } from '../../src/services/cluster/deriveLinks.js';
import { deriveNeedsRebuild, followedPrimary } from '../../src/services/cluster/needsRebuild.js';
import { restoreCommandFor, walRemovedFor } from '../../src/services/cluster/needsRebuildWal.js';
import type { NodeSnapshot, TimelineFork } from '../../src/services/cluster/nodeSnapshot.js';
import { parseTimelineHistory } from '../../src/services/cluster/parseSnapshot.js';
import { segmentName, segmentNumberOf, segmentNumberOfName } from '../../src/services/cluster/walSegment.js';
import { safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { MiB, NOW, down, primary, receiver, replicaRow, slot, standby, withServer } from './fixtures.js';

const SEGMENT = 16 * MiB;

function derive(nodes: NodeSnapshot[]) {
  return deriveNeedsRebuild(nodes, deriveLinks(nodes, NOW));
}

/**
 * After a failover: pg2 promoted at 0/5000060 (timeline 2, its history file
 * readable), pg3 streaming from it; pg1 as the test makes it.
 */
function afterFailover(pg1: (pg2: NodeSnapshot) => NodeSnapshot, history: TimelineFork[] | null = [{ timeline: 1, switchpoint: '0/5000060' }]) {
  const pg2 = primary('pg2', {
    server: { timeline: 2, currentLsn: '0/6000000', timelineHistory: history, replicas: [replicaRow('pg3')], slots: [slot('slot_pg3'), slot('slot_pg1', { active: false })] },
  });
  return [pg1(pg2), pg2, standby('pg3', pg2)];
}

describe('deriveNeedsRebuild: the old primary back as a second primary', () => {
  it('is the primary nobody follows, beside the one the standbys stream from', () => {
    const nodes = afterFailover(() => primary('pg1', { server: { timeline: 1, currentLsn: '0/5800000' } }));
    expect(followedPrimary(nodes, deriveLinks(nodes, NOW))?.name).toBe('pg2');
    const facts = derive(nodes);
    expect([...facts.keys()]).toEqual(['pg1']);
    expect(facts.get('pg1')).toEqual({
      cause: 'second-primary',
      reason: expect.stringMatching(/^up as a primary on timeline 1 beside pg2 \(timeline 2\), which the standbys follow/),
      command: 'pgcockpit rebuild pg1 --yes',
    });
  });

  it('without followers (two nodes), the primary on the newer timeline is the one kept', () => {
    const pg2 = primary('pg2', { server: { timeline: 2 } });
    const pg1 = primary('pg1', { server: { timeline: 1 } });
    expect([...derive([pg1, pg2]).keys()]).toEqual(['pg1']);
  });

  it('says nothing when the two cannot be told apart (same followers, same timeline): the split-brain alert speaks', () => {
    const pg1 = primary('pg1');
    const pg2 = primary('pg2');
    expect(followedPrimary([pg1, pg2], [])).toBeUndefined();
    expect(derive([pg1, pg2]).size).toBe(0);
  });

  it('a single healthy primary with streaming standbys needs nothing', () => {
    const nodes = afterFailover(() => down('pg1'));
    expect(derive(nodes).size).toBe(0);
  });
});

describe('deriveNeedsRebuild: a standby off the primary history', () => {
  const notStreaming = (position: string, timeline = 1) => () =>
    standby('pg1', primary('pg0'), { server: { timeline, receiveLsn: position, replayLsn: position, walReceiver: null } });

  it('on the old timeline past the switch point cannot follow', () => {
    const facts = derive(afterFailover(notStreaming('0/5800000')));
    expect(facts.get('pg1')).toMatchObject({ cause: 'forked', reason: 'on timeline 1 up to 0/5800000, past 0/5000060 where pg2\'s history left timeline 1' });
  });

  it('on the old timeline before the switch point can still follow: nothing', () => {
    expect(derive(afterFailover(notStreaming('0/4000000'))).size).toBe(0);
    expect(derive(afterFailover(notStreaming('0/5000060'))).size).toBe(0);
  });

  it('on a timeline newer than the primary, or one not in its history, cannot follow', () => {
    expect(derive(afterFailover(notStreaming('0/4000000', 3))).get('pg1')?.reason).toMatch(/timeline 3, newer than pg2's 2/);
    const nodes = afterFailover(notStreaming('0/4000000', 1), [{ timeline: 5, switchpoint: '0/1000000' }]);
    expect(derive(nodes).get('pg1')?.reason).toMatch(/timeline 1, which is not in pg2's history/);
  });

  it('cannot be told without the history (the login may not read it): nothing', () => {
    expect(derive(afterFailover(notStreaming('0/5800000'), null)).size).toBe(0);
  });

  it('a standby streaming from the primary never needs one', () => {
    const nodes = afterFailover((pg2) => standby('pg1', pg2));
    expect(derive(nodes).size).toBe(0);
  });
});

/** pg1 primary (pg_wal from segment 9), pg2 stopped streaming at 0/3000060 (segment 3). */
function lostWal(options: { slotLost?: boolean; lastArchivedWal?: string | null; restoreCommand?: string; oldest?: string | null } = {}) {
  const pg1 = primary('pg1', {
    server: {
      currentLsn: '0/9000100',
      oldestWalSegment: options.oldest === undefined ? '000000010000000000000009' : options.oldest,
      walSegmentBytes: SEGMENT,
      replicas: [],
      slots: [slot('slot_pg2', { active: false, walStatus: options.slotLost ? 'lost' : 'reserved' })],
      settings: { archive_command: safeArchiveCommand('/var/lib/pgarchive') },
      archiver: { lastArchivedWal: options.lastArchivedWal === undefined ? '000000010000000000000008' : options.lastArchivedWal },
    },
  });
  const pg2 = standby('pg2', pg1, {
    server: {
      receiveLsn: '0/3000060',
      replayLsn: '0/3000060',
      walSegmentBytes: SEGMENT,
      walReceiver: receiver(pg1, { status: 'waiting', slotName: null }),
      settings: { primary_slot_name: 'slot_pg2', ...(options.restoreCommand ? { restore_command: options.restoreCommand } : {}) },
    },
  });
  return [pg1, pg2];
}

describe('walRemovedFor: a standby whose upstream removed the WAL it needs', () => {
  it('is seen from the oldest segment left in the upstream pg_wal, and the archive that still holds it', () => {
    const nodes = lostWal();
    expect(walRemovedFor(nodes[1]!, nodes, deriveLinks(nodes, NOW))).toEqual({
      standby: 'pg2',
      upstream: 'pg1',
      segment: '000000010000000000000003',
      evidence: "pg1's pg_wal starts at 000000010000000000000009",
      archived: { by: 'pg1', lastArchivedWal: '000000010000000000000008' },
      hasRestoreCommand: false,
      restoreCommand: "cp /var/lib/pgarchive/%f %p",
    });
    // Recoverable from the archive: not a rebuild.
    expect(derive(nodes).size).toBe(0);
  });

  it('is seen from its slot lost, even when pg_wal cannot be listed', () => {
    const nodes = lostWal({ slotLost: true, oldest: null });
    expect(walRemovedFor(nodes[1]!, nodes, deriveLinks(nodes, NOW))?.evidence).toBe('its slot slot_pg2 on pg1 has wal_status = lost');
  });

  it('needs a rebuild when the archive does not hold it', () => {
    const facts = derive(lostWal({ lastArchivedWal: '000000010000000000000002' }));
    expect(facts.get('pg2')).toMatchObject({ cause: 'wal-removed', command: 'pgcockpit rebuild pg2 --yes' });
    expect(facts.get('pg2')?.reason).toMatch(/000000010000000000000003.*the archive does not hold it/);
    expect(derive(lostWal({ lastArchivedWal: null })).has('pg2')).toBe(true);
  });

  it('is nothing while the upstream still has the segment', () => {
    const nodes = lostWal({ oldest: '000000010000000000000003' });
    expect(walRemovedFor(nodes[1]!, nodes, deriveLinks(nodes, NOW))).toBeNull();
  });
});

describe('restoreCommandFor', () => {
  it('reads back what a copying archive_command wrote', () => {
    expect(restoreCommandFor('test ! -f /mnt/server/archivedir/%f && cp %p /mnt/server/archivedir/%f')).toBe('cp /mnt/server/archivedir/%f %p');
    expect(restoreCommandFor(safeArchiveCommand('/srv/wal archive'))).toBe("cp '/srv/wal archive'/%f %p");
    expect(restoreCommandFor('pgbackrest --stanza=main archive-push %p')).toBeNull();
  });
});

describe('WAL segment names', () => {
  it('computes what pg_walfile_name prints', () => {
    expect(segmentNumberOf('1/2000060', SEGMENT)).toBe(0x102n);
    expect(segmentName(2, 0x102n, SEGMENT)).toBe('000000020000000100000002');
    expect(segmentNumberOfName('000000020000000100000002', SEGMENT)).toBe(0x102n);
    expect(segmentNumberOfName('00000002.history', SEGMENT)).toBeNull();
  });
});

describe('parseTimelineHistory', () => {
  it('reads the switch points and skips comments', () => {
    expect(parseTimelineHistory('1\t0/5000060\tno recovery target specified\n\n# note\n2\t0/7000000\tat restore point &quot;x&quot;\n')).toEqual([
      { timeline: 1, switchpoint: '0/5000060' },
      { timeline: 2, switchpoint: '0/7000000' },
    ]);
    expect(parseTimelineHistory(null)).toBeNull();
  });
});

describe('buildClusterView: the fact on each node', () => {
  it('sets needsRebuild on the node that needs one, and only there', () => {
    const nodes = afterFailover(() => primary('pg1', { server: { timeline: 1 } }));
    const view = buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW);
    expect(view.nodes.find((node) => node.name === 'pg1')?.needsRebuild?.cause).toBe('second-primary');
    expect(view.nodes.filter((node) => node.needsRebuild)).toHaveLength(1);
    expect(view.nodes[2]).toBe(nodes[2]);
    expect(withServer(nodes[1]!, {}).needsRebuild).toBeUndefined();
  });
});
