import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { NodePane } from './NodePane.js';
import { panesRowsWanted } from './paneRows.js';
import type { GridWindow } from './screenLayout.js';
import { useTheme } from './ThemeContext.js';

export interface NodeGridProps {
  grid: GridWindow;
  width: number;
  compact: boolean;
}

/**
 * The node panes that fit, in rows, each row as tall as the layout gives it;
 * the selected one is always among them. It selects nothing that changes on a
 * quiet tick (not the tick's time, not the history): the store keeps unchanged
 * nodes, links and marks as they were, so an idle cluster re-renders no pane.
 */
export function NodeGrid({ grid, width, compact }: NodeGridProps) {
  const theme = useTheme();
  const nodes = useCockpit((state) => state.nodes);
  const links = useCockpit((state) => state.links);
  const selectedNode = useCockpit((state) => state.selectedNode);
  const nodesFocused = useCockpit((state) => state.focus === 'nodes');
  const needsRebuild = useCockpit((state) => state.needsRebuild);
  const wanted = panesRowsWanted({ nodes, links, needsRebuild }, width);
  return (
    <Box flexDirection="column" width={width} height={grid.usedHeight} flexShrink={0}>
      {grid.scrollLine ? (
        <Text color={theme.muted} wrap="truncate-end">
          {' '}
          ▲ {grid.hiddenAbove} more above · ▼ {grid.hiddenBelow} more below · showing {grid.firstIndex + 1}–{grid.endIndex} of {nodes.length}
        </Text>
      ) : null}
      {grid.rowHeights.map((height, row) => {
        const first = grid.firstIndex + row * grid.perRow;
        return (
          <Box key={first} width={width} height={height} flexShrink={0}>
            {nodes.slice(first, Math.min(first + grid.perRow, grid.endIndex)).map((node, offset) => {
              const index = first + offset;
              return (
                <NodePane
                  key={node.name}
                  node={node}
                  link={links.find((link) => link.standby === node.name)}
                  index={index}
                  selected={index === selectedNode}
                  focused={nodesFocused}
                  needsRebuild={needsRebuild.includes(node.name)}
                  width={grid.paneWidth}
                  height={height}
                  hiddenRows={Math.max(0, (wanted[index] ?? 0) - height)}
                  compact={compact}
                />
              );
            })}
          </Box>
        );
      })}
    </Box>
  );
}
