import { describe, expect, it } from 'vitest';
import { initialUiState } from '../../src/state/slices/ui.js';
import { freshStore } from './storeOnTest.js';

describe('ui slice', () => {
  it('starts on the first node, focus on the nodes, nothing covering them', () => {
    expect(freshStore().state()).toMatchObject(initialUiState());
    expect(initialUiState()).toEqual({
      selectedNode: 0,
      focus: 'nodes',
      overlay: 'none',
      stopJobPrompt: null,
      notice: null,
      helpTop: 0,
      alertsTop: 0,
      detailTop: 0,
      detailSize: { rows: 0, visible: 0 },
      modalTop: { operation: 0, top: 0 },
      logWrap: false,
    });
  });

  it('scrolls the alert list, the detail and the modal (an overlay opens at its top); w toggles wrapping', () => {
    const { store, state } = freshStore();
    state().openOverlay('alerts');
    state().setAlertsTop(4);
    state().setDetailTop(3);
    state().setModalTop(7, 12);
    expect(state()).toMatchObject({ alertsTop: 4, detailTop: 3, modalTop: { operation: 7, top: 12 } });
    state().openOverlay('detail');
    expect(state()).toMatchObject({ overlay: 'detail', alertsTop: 0, detailTop: 0 });
    // The detail's measured size: a set() only when it changed (the view reports after every render).
    let sets = 0;
    store.subscribe(() => sets++);
    state().setDetailSize(40, 20);
    state().setDetailSize(40, 20);
    expect(sets).toBe(1);
    state().toggleLogWrap();
    expect(state().logWrap).toBe(true);
    state().toggleLogWrap();
    expect(state().logWrap).toBe(false);
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
