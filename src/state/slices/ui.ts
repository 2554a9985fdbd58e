import type { StateCreator } from 'zustand/vanilla';
import { clamp } from '../clamp.js';
import type { CockpitState } from '../createCockpitStore.js';

/** Which part of the screen hears the keys that panes listen to. */
export type Focus = 'nodes' | 'log';
/** What covers the node grid, if anything. */
export type Overlay = 'none' | 'help' | 'detail';

/** What the screen shows around the cluster: the node picked, the focus, an overlay, a question or a notice. */
export interface UiState {
  selectedNode: number;
  focus: Focus;
  overlay: Overlay;
  /**
   * What the "stop it?" question is about: a running job's id, or 'operation'
   * (the running runbook's cancellable step: y cancels it and runs the undo);
   * null: no question open.
   */
  stopJobPrompt: number | 'operation' | null;
  /** A one-line message for the DBA ("a job is running: stop it first"), gone at the next key. */
  notice: string | null;
}

export interface UiActions {
  selectNode(index: number): void;
  moveSelection(delta: number): void;
  cycleFocus(): void;
  openOverlay(overlay: Overlay): void;
  closeOverlay(): void;
  /** Opens the "stop it?" question for a running job, or ('operation') for the running operation. */
  askStopJob(id: number | 'operation'): void;
  dismissStopJob(): void;
  showNotice(text: string): void;
  clearNotice(): void;
}

export type UiSlice = UiState & UiActions;

export function initialUiState(): UiState {
  return { selectedNode: 0, focus: 'nodes', overlay: 'none', stopJobPrompt: null, notice: null };
}

export const createUiSlice: StateCreator<CockpitState, [], [], UiSlice> = (set) => ({
  ...initialUiState(),
  selectNode: (index) => set((state) => ({ selectedNode: clamp(index, 0, state.nodes.length - 1) })),
  moveSelection: (delta) =>
    set((state) => ({ selectedNode: (state.selectedNode + delta + state.nodes.length) % Math.max(1, state.nodes.length) })),
  cycleFocus: () => set((state) => ({ focus: state.focus === 'nodes' ? 'log' : 'nodes' })),
  openOverlay: (overlay) => set({ overlay }),
  closeOverlay: () => set({ overlay: 'none' }),
  // Only about a job still running: a finished one needs no stopping (finishJob closes the question too).
  askStopJob: (id) =>
    set((state) =>
      (id === 'operation' ? state.operation?.phase === 'running' : state.jobs.some((job) => job.id === id && job.status === 'running')) ? { stopJobPrompt: id } : state,
    ),
  dismissStopJob: () => set({ stopJobPrompt: null }),
  showNotice: (text) => set({ notice: text }),
  clearNotice: () => set({ notice: null }),
});
