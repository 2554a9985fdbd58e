import { describe, expect, it } from 'vitest';
import { initialClusterState, INTERVAL_STEPS_MS } from '../../src/state/slices/cluster.js';
import { clusterView, downSnapshot, primarySnapshot, standbySnapshot, TICK_AT } from '../views/fixtures.js';
import { freshStore } from './storeOnTest.js';

describe('cluster slice', () => {
  it('starts with every configured node unpolled, the interval and read-only mode asked for', () => {
    const { state } = freshStore({ refreshIntervalMs: 2000, readOnly: true });
    expect(state().nodes.map((node) => [node.name, node.status])).toEqual([['pg1', 'unknown'], ['pg2', 'unknown'], ['pg3', 'unknown']]);
    expect(state()).toMatchObject({ clusterName: 'test', refreshIntervalMs: 2000, readOnly: true, paused: false, needsRebuild: [] });
    expect(initialClusterState({ cluster: 'c', nodes: [] }, { refreshIntervalMs: 1000, readOnly: false })).toMatchObject({ nodes: [], links: [], alerts: [], history: {} });
  });

  it('one poll result is one update: nodes, links, alerts, history, slots seen, rebuild marks and its log lines together', () => {
    const { store, state, updates } = freshStore();
    // pg2 was marked after a failover; the live view now shows it streaming on the primary's timeline.
    store.setState({ needsRebuild: ['pg2', 'pg3'] });
    const before = updates();
    const view = clusterView({ nodes: [primarySnapshot(), standbySnapshot(), downSnapshot('pg3')] });
    state().applyView(view, [{ at: TICK_AT, text: 'pg3 is DOWN: connection refused', stream: 'info' }]);
    expect(updates() - before).toBe(1);
    expect(state().nodes).toBe(view.nodes);
    expect(state().lastTickAt).toBe(TICK_AT);
    expect(Object.keys(state().history)).toEqual(['pg1', 'pg2', 'pg3']);
    expect(Object.keys(state().lastSeenSlots)).toContain('pg1');
    expect(state().needsRebuild).toEqual(['pg3']);
    expect(state().log.map((line) => line.text)).toEqual(['pg3 is DOWN: connection refused']);
  });

  it('poll control: pause, a refresh request, the interval walking its steps and stopping at both ends', () => {
    const { state } = freshStore({ refreshIntervalMs: 1000 });
    state().togglePause();
    state().requestRefresh();
    state().requestRefresh();
    expect(state()).toMatchObject({ paused: true, refreshRequests: 2 });
    state().stepInterval(-1);
    state().stepInterval(-1);
    expect(state().refreshIntervalMs).toBe(INTERVAL_STEPS_MS[0]);
    for (let step = 0; step < 10; step++) state().stepInterval(1);
    expect(state().refreshIntervalMs).toBe(INTERVAL_STEPS_MS.at(-1));
  });
});
