import type { CockpitState } from '../state/createCockpitStore.js';
import { alertListWindow } from './alertListRows.js';
import { jobBarRows } from './jobBarRows.js';
import { modalTopOf, operationModalLayout } from './operationModalLayout.js';
import type { ModalWindow } from './operationModalRows.js';
import type { TerminalSize } from './screenLayout.js';
import { bodyHeight } from './screenLayout.js';

/** What scrolls: the operation modal's plan, the alert list, or the node detail. */
export type ScrollTarget = 'modal' | 'alerts' | 'detail';

/**
 * Where the modal's or the alert list's view is now and how far it may go,
 * from the same arithmetic that draws them (they cover the body but the job
 * bar, as MainScreen lays them out): what a scroll key needs to stay inside.
 */
export function scrollWindowOf(
  target: ScrollTarget,
  size: TerminalSize,
  state: Pick<CockpitState, 'operation' | 'modalTop' | 'alerts' | 'alertsTop' | 'detailTop' | 'detailSize' | 'jobs' | 'stopJobPrompt'>,
): Pick<ModalWindow, 'top' | 'maxTop' | 'page'> {
  const height = bodyHeight(size.rows) - jobBarRows(state);
  if (target === 'alerts') return alertListWindow(state.alerts, size.columns, height, state.alertsTop);
  if (target === 'detail') return detailWindow(state.detailSize, state.detailTop);
  if (!state.operation) return { top: 0, maxTop: 0, page: 1 };
  return operationModalLayout(state.operation, size.columns, height, modalTopOf(state.modalTop, state.operation.id)).body;
}

/** The node detail's view: its content `rows` (as the view measured them) in `visible` rows, from row `top`. */
export function detailWindow({ rows, visible }: { rows: number; visible: number }, top: number): Pick<ModalWindow, 'top' | 'maxTop' | 'page'> {
  const maxTop = Math.max(0, rows - visible);
  return { top: Math.max(0, Math.min(top, maxTop)), maxTop, page: Math.max(1, visible) };
}
