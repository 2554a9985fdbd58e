import { Box } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { KeyFooter } from './KeyFooter.js';
import { LogPane } from './LogPane.js';
import { NodeDetailOverlay } from './NodeDetailOverlay.js';
import { NodeGrid } from './NodeGrid.js';
import type { TerminalSize } from './screenLayout.js';
import { logRows, mainLayout } from './screenLayout.js';

/**
 * Header, then the node grid and the log (or the log alone, full screen, or an
 * overlay over either), then the key hints.
 */
export function MainScreen({ size }: { size: TerminalSize }) {
  const overlay = useCockpit((state) => state.overlay);
  const logFullScreen = useCockpit((state) => state.logFullScreen);
  const nodeCount = useCockpit((state) => state.nodes.length);
  const selectedNode = useCockpit((state) => state.selectedNode);
  const layout = mainLayout(size, nodeCount, selectedNode);
  const { columns } = size;
  return (
    // One row short of the terminal: a root exactly `rows` tall makes Ink clear and redraw every frame.
    <Box flexDirection="column" width={columns} height={size.rows - 1}>
      <Header width={columns} />
      <Box flexDirection="column" width={columns} height={layout.body} flexShrink={0}>
        {overlay === 'help' ? <HelpOverlay width={columns} height={layout.body} /> : null}
        {overlay === 'detail' ? <NodeDetailOverlay width={columns} height={layout.body} /> : null}
        {overlay === 'none' && logFullScreen ? <LogPane width={columns} lines={logRows(size, true)} /> : null}
        {overlay === 'none' && !logFullScreen ? (
          <>
            <NodeGrid grid={layout.grid} width={columns} compact={layout.compact} />
            <LogPane width={columns} lines={layout.logLines} />
          </>
        ) : null}
      </Box>
      <KeyFooter width={columns} />
    </Box>
  );
}
