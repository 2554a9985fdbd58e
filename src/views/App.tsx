import { Box, useApp, useInput } from 'ink';
import { useCockpit, useCockpitStore } from '../state/storeContext.js';
import { commandFor } from '../state/keyTable.js';
import { Header } from './Header.js';
import { KeyFooter } from './KeyFooter.js';
import { NodePane } from './NodePane.js';
import { useTerminalSize } from './useTerminalSize.js';

/** The cockpit's one screen: header, node panes, key footer. */
export function App() {
  const { exit } = useApp();
  const store = useCockpitStore();
  const { columns, rows } = useTerminalSize();
  const nodes = useCockpit((state) => state.nodes);
  const selectedNode = useCockpit((state) => state.selectedNode);

  useInput((input, key) => {
    const command = commandFor({ input, ...key });
    const state = store.getState();
    switch (command) {
      case 'quit':
        exit();
        break;
      case 'nextNode':
        state.selectNode((state.selectedNode + 1) % state.nodes.length);
        break;
      case 'previousNode':
        state.selectNode((state.selectedNode - 1 + state.nodes.length) % state.nodes.length);
        break;
      case 'selectNodeByNumber':
        state.selectNode(Number(input) - 1);
        break;
    }
  });

  const perRow = Math.max(1, Math.min(nodes.length, 4, Math.floor(columns / 36)));
  const paneWidth = Math.floor(columns / perRow);
  // One row short of the terminal: a root exactly `rows` tall makes Ink clear and redraw every frame.
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Header />
      <Box flexWrap="wrap" flexGrow={1}>
        {nodes.map((node, index) => (
          <NodePane key={node.name} node={node} index={index} selected={index === selectedNode} width={paneWidth} />
        ))}
      </Box>
      <KeyFooter />
    </Box>
  );
}
