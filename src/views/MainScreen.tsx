import { Box } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { AlertListOverlay } from './AlertListOverlay.js';
import { BackupsOverlay } from './BackupsOverlay.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { JobBar } from './JobBar.js';
import { jobBarRows } from './jobBarRows.js';
import { KeyFooter } from './KeyFooter.js';
import { LogPane } from './LogPane.js';
import { NodeDetailOverlay } from './NodeDetailOverlay.js';
import { NodeGrid } from './NodeGrid.js';
import { OperationModal } from './OperationModal.js';
import { panesRowsWanted } from './paneRows.js';
import { operationModalMode } from '../state/operation.js';
import type { TerminalSize } from './screenLayout.js';
import { logRows, mainLayout } from './screenLayout.js';

/**
 * Header, then the node grid and the log (or the log alone, full screen, or an
 * overlay over either), then the key hints. The grid is as tall as its panes
 * need; the log gets the rest. While a job runs, the job bar
 * stands right above the log (under an overlay, at the bottom of the body), so
 * the job and the question to stop it are in view on every screen.
 */
export function MainScreen({ size }: { size: TerminalSize }) {
  // The operation modal covers the body like an overlay, and before any.
  const modal = useCockpit((state) => operationModalMode(state.operation) !== undefined);
  const overlay = useCockpit((state) => (modal ? 'modal' : state.overlay));
  const logFullScreen = useCockpit((state) => state.logFullScreen);
  const { columns } = size;
  // A string, so the selector's result compares equal while no pane's needs change (a fresh array would re-render for ever).
  const wanted = useCockpit((state) => panesRowsWanted(state, columns).join(','));
  const selectedNode = useCockpit((state) => state.selectedNode);
  const jobRows = useCockpit(jobBarRows);
  const layout = mainLayout(size, wanted === '' ? [] : wanted.split(',').map(Number), selectedNode, jobRows);
  const jobBar = jobRows > 0 ? <JobBar width={columns} /> : null;
  return (
    // One row short of the terminal: a root exactly `rows` tall makes Ink clear and redraw every frame.
    <Box flexDirection="column" width={columns} height={size.rows - 1}>
      <Header width={columns} />
      <Box flexDirection="column" width={columns} height={layout.body} flexShrink={0}>
        {overlay === 'modal' ? <OperationModal width={columns} height={layout.body - jobRows} /> : null}
        {overlay === 'help' ? <HelpOverlay width={columns} height={layout.body - jobRows} /> : null}
        {overlay === 'detail' ? <NodeDetailOverlay width={columns} height={layout.body - jobRows} /> : null}
        {overlay === 'alerts' ? <AlertListOverlay width={columns} height={layout.body - jobRows} /> : null}
        {overlay === 'backups' ? <BackupsOverlay width={columns} height={layout.body - jobRows} /> : null}
        {overlay !== 'none' ? jobBar : null}
        {overlay === 'none' && logFullScreen ? (
          <>
            {jobBar}
            <LogPane width={columns} lines={logRows(size, true, jobRows)} />
          </>
        ) : null}
        {overlay === 'none' && !logFullScreen ? (
          <>
            <NodeGrid grid={layout.grid} width={columns} compact={layout.compact} />
            {jobBar}
            <LogPane width={columns} lines={layout.logLines} />
          </>
        ) : null}
      </Box>
      <KeyFooter width={columns} />
    </Box>
  );
}
