import { describe, expect, it } from 'vitest';
import { downNodeForked } from '../../src/services/cluster/needsRebuildDown.js';
import type { TimelineFork } from '../../src/services/cluster/nodeSnapshot.js';
import { primary } from './fixtures.js';

/** pg2, the primary on timeline 2 since 0/5000060 (its history readable, or not). */
const pg2 = (history: TimelineFork[] | null = [{ timeline: 1, switchpoint: '0/5000060' }]) => primary('pg2', { server: { timeline: 2, timelineHistory: history } });

describe("downNodeForked: a down node's pg_controldata against the primary's history", () => {
  it('the old primary SIGKILLed before the failover (in production on timeline 1) needs a rebuild, even with its last checkpoint before the fork', () => {
    expect(downNodeForked({ clusterState: 'in production', latestCheckpointLsn: '0/4000028', timeline: 1 }, pg2())).toMatch(
      /^crashed as a primary on timeline 1 .* pg2's history left timeline 1 at 0\/5000060$/,
    );
  });

  it('a node whose last checkpoint is past the fork point needs one', () => {
    expect(downNodeForked({ clusterState: 'shut down', latestCheckpointLsn: '0/5800000', timeline: 1 }, pg2())).toMatch(/past 0\/5000060/);
    expect(downNodeForked({ clusterState: 'shut down in recovery', latestCheckpointLsn: '0/5800000', timeline: 1 }, pg2())).not.toBeNull();
  });

  it('a node stopped cleanly before the fork point can follow; so can one on the primary timeline', () => {
    expect(downNodeForked({ clusterState: 'shut down', latestCheckpointLsn: '0/5000060', timeline: 1 }, pg2())).toBeNull();
    expect(downNodeForked({ clusterState: 'shut down in recovery', latestCheckpointLsn: '0/4000000', timeline: 1 }, pg2())).toBeNull();
    expect(downNodeForked({ clusterState: 'in production', latestCheckpointLsn: '0/9000000', timeline: 2 }, pg2())).toBeNull();
  });

  it('a newer timeline, or one not in the history, needs one', () => {
    expect(downNodeForked({ clusterState: 'shut down', latestCheckpointLsn: '0/1000000', timeline: 3 }, pg2())).toMatch(/newer than pg2's 2/);
    expect(downNodeForked({ clusterState: 'shut down', latestCheckpointLsn: '0/1000000', timeline: 1 }, pg2([]))).toMatch(/not in pg2's history/);
  });

  it('without the history: a former primary on an older timeline needs one, a standby cannot be told', () => {
    expect(downNodeForked({ clusterState: 'in production', latestCheckpointLsn: '0/1000000', timeline: 1 }, pg2(null))).toMatch(/stopped as a primary on timeline 1/);
    expect(downNodeForked({ clusterState: 'shut down in recovery', latestCheckpointLsn: '0/9000000', timeline: 1 }, pg2(null))).toBeNull();
  });
});
