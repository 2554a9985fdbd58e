import type { CockpitState } from '../state/createCockpitStore.js';
import { jobBarRows } from './jobBarRows.js';
import { panesRowsWanted } from './paneRows.js';
import type { TerminalSize } from './screenLayout.js';
import { logRows, mainLayout } from './screenLayout.js';

/**
 * The log lines on screen now, which a page scroll moves: all the body when
 * the log has the whole screen, else what the node panes leave it (the same
 * arithmetic MainScreen lays the screen out with).
 */
export function logPageRows(
  size: TerminalSize,
  state: Pick<CockpitState, 'nodes' | 'links' | 'needsRebuild' | 'selectedNode' | 'logFullScreen' | 'jobs' | 'stopJobPrompt' | 'operation'>,
): number {
  const jobRows = jobBarRows(state);
  if (state.logFullScreen) return logRows(size, true, jobRows);
  return mainLayout(size, panesRowsWanted(state, size.columns), state.selectedNode, jobRows).logLines;
}
