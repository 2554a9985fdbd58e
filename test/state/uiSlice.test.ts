import { describe, expect, it } from 'vitest';
import { initialUiState } from '../../src/state/slices/ui.js';
import { freshStore } from './storeOnTest.js';

describe('ui slice', () => {
  it('starts on the first node, focus on the nodes, nothing covering them', () => {
    expect(freshStore().state()).toMatchObject(initialUiState());
    expect(initialUiState()).toEqual({ selectedNode: 0, focus: 'nodes', overlay: 'none', stopJobPrompt: null, notice: null });
  });

  it('the selection wraps when moved and is clamped when set; focus cycles; overlays open and close', () => {
    const { state } = freshStore();
    state().moveSelection(-1);
    expect(state().selectedNode).toBe(2);
    state().moveSelection(1);
    expect(state().selectedNode).toBe(0);
    state().selectNode(9);
    expect(state().selectedNode).toBe(2);
    state().cycleFocus();
    state().openOverlay('help');
    expect(state()).toMatchObject({ focus: 'log', overlay: 'help' });
    state().cycleFocus();
    state().closeOverlay();
    expect(state()).toMatchObject({ focus: 'nodes', overlay: 'none' });
  });

  it('the "stop it?" question is only about a running job; a notice shows until cleared', () => {
    const { state } = freshStore();
    state().askStopJob(1);
    expect(state().stopJobPrompt).toBeNull();
    state().startJob({ id: 1, title: 'pg_dump', where: 'local as postgres', startedAt: 0 });
    state().askStopJob(1);
    expect(state().stopJobPrompt).toBe(1);
    state().dismissStopJob();
    state().showNotice('a job is running: stop it first');
    expect(state()).toMatchObject({ stopJobPrompt: null, notice: 'a job is running: stop it first' });
    state().clearNotice();
    expect(state().notice).toBeNull();
  });
});
