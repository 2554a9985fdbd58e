import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { rememberSlots } from '../../src/services/cluster/lastSeenSlots.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import type { CockpitMemory } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { down, healthyCluster, NOW } from '../support/snapshots.js';
import { waitFor } from '../support/waitFor.js';

describe("the cockpit remembers each node's slots for a failover", () => {
  it('keeps what a node held while it answered, through the ticks it is down', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const up = rememberSlots({}, buildClusterView([pg1, pg2, pg3], DEFAULT_THRESHOLDS, NOW));
    expect(up.pg1?.slots.map((slot) => slot.name)).toEqual(['slot_pg2', 'slot_pg3']);
    const later = rememberSlots(up, buildClusterView([down('pg1'), pg2, pg3], DEFAULT_THRESHOLDS, NOW + 5000));
    expect(later.pg1).toEqual(up.pg1);
  });

  it('hands the slots last seen to the failover preparer', async () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    const [pg1, pg2, pg3] = healthyCluster();
    store.getState().applyView(buildClusterView([pg1, pg2, pg3], DEFAULT_THRESHOLDS, NOW));
    store.getState().applyView(buildClusterView([down('pg1'), pg2, pg3], DEFAULT_THRESHOLDS, NOW + 1000));
    const seen: CockpitMemory[] = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        failover: async (_config, target, _choices, memory) => {
          seen.push(memory ?? {});
          return { title: 'x', target, checks: [], steps: [], blocked: true, blockedReasons: ['x'], confirmWord: target, warnings: [] };
        },
      },
    });
    try {
      store.getState().requestOperation('failover', 'pg2');
      await waitFor(() => seen.length === 1, 'the preparer called');
      expect(seen[0]?.lastSeenSlots?.pg1?.slots.map((slot) => slot.name)).toEqual(['slot_pg2', 'slot_pg3']);
    } finally {
      await stop();
    }
  });
});
