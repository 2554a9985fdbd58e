import type { StateCreator } from 'zustand/vanilla';
import { clamp } from '../clamp.js';
import type { CockpitState } from '../createCockpitStore.js';

/** Which part of the screen hears the keys that panes listen to. */
export type Focus = 'nodes' | 'log';
/** What covers the node grid, if anything: the key help, the selected node's detail, every alert in full, or the backups picker. */
export type Overlay = 'none' | 'help' | 'detail' | 'alerts' | 'backups';

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
  /** The help overlay's first entry shown (it scrolls when the terminal is too short for it); 0 each time it opens. */
  helpTop: number;
  /** The alert list's first row shown (it scrolls when the alerts do not fit); 0 each time an overlay opens. */
  alertsTop: number;
  /** The node detail's first row shown (it scrolls when the node has more than fits); 0 each time an overlay opens. */
  detailTop: number;
  /** The node detail's content rows and the rows it has on screen, as drawn last (the view measures both): how far it may scroll. */
  detailSize: { rows: number; visible: number };
  /** The operation modal's first row shown, for the operation whose id it names (another operation starts at its top). */
  modalTop: { operation: number; top: number };
  /** Log lines longer than the log is wide continue on the next rows instead of being cut at the edge. */
  logWrap: boolean;
}

export interface UiActions {
  selectNode(index: number): void;
  moveSelection(delta: number): void;
  cycleFocus(): void;
  openOverlay(overlay: Overlay): void;
  closeOverlay(): void;
  setHelpTop(top: number): void;
  setAlertsTop(top: number): void;
  setDetailTop(top: number): void;
  setDetailSize(rows: number, visible: number): void;
  /** Scrolls the modal of operation `operation` to row `top`. */
  setModalTop(operation: number, top: number): void;
  toggleLogWrap(): void;
  /** Opens the "stop it?" question for a running job, or ('operation') for the running operation. */
  askStopJob(id: number | 'operation'): void;
  dismissStopJob(): void;
  showNotice(text: string): void;
  clearNotice(): void;
}

export type UiSlice = UiState & UiActions;

export function initialUiState(): UiState {
  return { selectedNode: 0, focus: 'nodes', overlay: 'none', stopJobPrompt: null, notice: null, helpTop: 0, alertsTop: 0, detailTop: 0, detailSize: { rows: 0, visible: 0 }, modalTop: { operation: 0, top: 0 }, logWrap: false };
}

export const createUiSlice: StateCreator<CockpitState, [], [], UiSlice> = (set) => ({
  ...initialUiState(),
  selectNode: (index) => set((state) => ({ selectedNode: clamp(index, 0, state.nodes.length - 1) })),
  moveSelection: (delta) =>
    set((state) => ({ selectedNode: (state.selectedNode + delta + state.nodes.length) % Math.max(1, state.nodes.length) })),
  cycleFocus: () => set((state) => ({ focus: state.focus === 'nodes' ? 'log' : 'nodes' })),
  openOverlay: (overlay) => set({ overlay, helpTop: 0, alertsTop: 0, detailTop: 0 }),
  closeOverlay: () => set({ overlay: 'none' }),
  setHelpTop: (top) => set({ helpTop: top }),
  setAlertsTop: (top) => set({ alertsTop: top }),
  setDetailTop: (top) => set({ detailTop: top }),
  // Only a change: the view reports after every render.
  setDetailSize: (rows, visible) =>
    set((state) => (state.detailSize.rows === rows && state.detailSize.visible === visible ? state : { detailSize: { rows, visible } })),
  setModalTop: (operation, top) => set({ modalTop: { operation, top } }),
  toggleLogWrap: () => set((state) => ({ logWrap: !state.logWrap })),
  // Only about a job still running: a finished one needs no stopping (finishJob closes the question too).
  askStopJob: (id) =>
    set((state) =>
      (id === 'operation' ? state.operation?.phase === 'running' : state.jobs.some((job) => job.id === id && job.status === 'running')) ? { stopJobPrompt: id } : state,
    ),
  dismissStopJob: () => set({ stopJobPrompt: null }),
  showNotice: (text) => set({ notice: text }),
  clearNotice: () => set({ notice: null }),
});
