import { describe, expect, it } from 'vitest';
import { keptSnapshots } from '../../src/state/keptSnapshots.js';
import { sameData } from '../../src/state/sameData.js';
import { alert, clusterView, primarySnapshot, standbyLink, standbySnapshot, TICK_AT } from '../views/fixtures.js';
import { freshStore } from './storeOnTest.js';

/** The same cluster as the last tick, polled a second later: fresh objects, equal facts. */
function quietView(tick: number) {
  const at = TICK_AT + tick * 1000;
  return clusterView({
    at,
    nodes: [primarySnapshot('pg1', 5432, {}, { polledAt: at }), standbySnapshot('pg2', 5433, {}, { polledAt: at }), standbySnapshot('pg3', 5434, {}, { polledAt: at })],
    links: [standbyLink(), standbyLink({ standby: 'pg3' })],
    alerts: [alert({ severity: 'info', code: 'sync-off', message: 'no synchronous standby' })],
  });
}

describe('a tick that changed nothing keeps the store references', () => {
  it('nodes, links, alerts and rebuild marks stay the same objects; the tick time and history move on', () => {
    const { state } = freshStore();
    state().applyView(quietView(0));
    const before = state();
    state().applyView(quietView(1));
    const after = state();
    expect(after.nodes).toBe(before.nodes);
    expect(after.links).toBe(before.links);
    expect(after.alerts).toBe(before.alerts);
    expect(after.needsRebuild).toBe(before.needsRebuild);
    expect(after.lastTickAt).toBe(TICK_AT + 1000);
    expect(after.history.pg2).toHaveLength(2);
    // The kept snapshot's polledAt stays at the first poll that saw its facts; lastPolledAt says each node answered this tick.
    expect(after.nodes[0]?.polledAt).toBe(TICK_AT);
    expect(after.lastPolledAt).toEqual({ pg1: TICK_AT + 1000, pg2: TICK_AT + 1000, pg3: TICK_AT + 1000 });
  });

  it('a node whose facts changed gets its new object; the others keep theirs', () => {
    const { state } = freshStore();
    state().applyView(quietView(0));
    const before = state().nodes;
    const next = quietView(1);
    next.nodes[1] = standbySnapshot('pg2', 5433, { replayLsn: '0/3000100', replayGapBytes: 72 }, { polledAt: TICK_AT + 1000 });
    state().applyView(next);
    const after = state().nodes;
    expect(after).not.toBe(before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(next.nodes[1]);
    expect(after[1]!.server!.replayLsn).toBe('0/3000100');
    expect(after[2]).toBe(before[2]);
  });

  it('any changed field counts, a timestamp included (only polledAt does not)', () => {
    const old = standbySnapshot();
    const receiverHeard = standbySnapshot('pg2', 5433, { walReceiver: { ...old.server!.walReceiver!, lastMessageAt: TICK_AT + 500 } });
    expect(keptSnapshots([old], [receiverHeard])[0]).toBe(receiverHeard);
    const polledLater = { ...old, polledAt: TICK_AT + 1000 };
    expect(keptSnapshots([old], [polledLater])[0]).toBe(old);
    // A node that went stale (its poll still running) is a change: the pane says so.
    expect(keptSnapshots([old], [{ ...old, stale: true }])[0]).not.toBe(old);
  });

  it('the first tick after start takes the poll result as it is', () => {
    const { state } = freshStore();
    const view = quietView(0);
    state().applyView(view);
    expect(state().nodes).toBe(view.nodes);
  });
});

describe('sameData', () => {
  it('compares plain data by value: nested arrays and objects, NaN, an undefined key as absent', () => {
    expect(sameData({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true);
    expect(sameData({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameData({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameData({ a: null }, { a: undefined })).toBe(false);
    expect(sameData(Number.NaN, Number.NaN)).toBe(true);
    expect(sameData([], {})).toBe(false);
    expect(sameData({ a: 0 }, { a: '0' })).toBe(false);
  });
});
