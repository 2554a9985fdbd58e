import { describe, expect, it } from 'vitest';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { applyTick } from '../../src/tui/bindPollerToStore.js';
import { clusterView, downSnapshot, primarySnapshot, standbySnapshot, TICK_AT } from '../views/fixtures.js';

describe('a poll tick into the store', () => {
  it('is one update, the log lines saying what changed included', () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    let updates = 0;
    store.subscribe(() => updates++);
    applyTick(store, clusterView({ nodes: [primarySnapshot(), standbySnapshot(), standbySnapshot('pg3', 5434)] }));
    expect(updates).toBe(1);
    // pg2 stops answering: the next tick's view and its "DOWN" line are one render.
    applyTick(store, clusterView({ nodes: [primarySnapshot(), downSnapshot('pg2', 5433), standbySnapshot('pg3', 5434)], at: TICK_AT + 1000 }));
    expect(updates).toBe(2);
    expect(store.getState().nodes[1]!.status).toBe('down');
    expect(store.getState().log.map((line) => line.text)).toEqual([expect.stringMatching(/^pg2 is DOWN: /)]);
    expect(store.getState().log[0]!.stream).toBe('info');
  });

  it('a steady tick adds no line', () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    applyTick(store, clusterView());
    applyTick(store, clusterView({ at: TICK_AT + 1000 }));
    expect(store.getState().log).toEqual([]);
  });
});
