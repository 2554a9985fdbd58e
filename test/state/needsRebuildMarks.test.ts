import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { NOW, down, primary, replicaRow, slot, standby } from '../cluster/fixtures.js';
import { freshStore } from './storeOnTest.js';

/** pg2 promoted (timeline 2), pg3 streaming from it; pg1 as the step makes it. */
function afterFailover(pg1: 'second primary' | 'down' | 'streaming') {
  const pg2 = primary('pg2', { server: { timeline: 2, replicas: [replicaRow('pg3')], slots: [slot('slot_pg3')] } });
  const old = pg1 === 'second primary' ? primary('pg1', { server: { timeline: 1 } }) : pg1 === 'down' ? down('pg1') : standby('pg1', pg2);
  return buildClusterView([old, pg2, standby('pg3', pg2)], DEFAULT_THRESHOLDS, NOW);
}

describe('the panes mark NEEDS REBUILD from the derived fact, through the store', () => {
  it('a look that derives it marks the node, with no failover run by this cockpit; the mark outlives the node going down; streaming clears it', () => {
    const { state } = freshStore();
    state().applyView(afterFailover('second primary'));
    expect(state().needsRebuild).toEqual(['pg1']);
    // Fenced: the look no longer sees it, the cockpit remembers.
    state().applyView(afterFailover('down'));
    expect(state().needsRebuild).toEqual(['pg1']);
    state().applyView(afterFailover('streaming'));
    expect(state().needsRebuild).toEqual([]);
  });

  it('a failover mark stays on a down node and is not doubled by the derivation', () => {
    const { store, state } = freshStore();
    store.setState({ needsRebuild: ['pg1'] });
    state().applyView(afterFailover('down'));
    expect(state().needsRebuild).toEqual(['pg1']);
    state().applyView(afterFailover('second primary'));
    expect(state().needsRebuild).toEqual(['pg1']);
  });
});
