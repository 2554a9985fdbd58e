import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { useCockpit } from '../state/storeContext.js';
import { NodePane } from './NodePane.js';
import { paneRowsWanted } from './paneRows.js';
import type { GridWindow } from './screenLayout.js';
import { isCompact, paneInnerWidth } from './screenLayout.js';
import { useTheme } from './ThemeContext.js';

export interface NodeGridProps {
  grid: GridWindow;
  width: number;
  compact: boolean;
}

/**
 * The node panes that fit, in rows, each row as tall as the layout gives it;
 * the selected one is always among them. It selects nothing that changes on a
 * quiet tick (not the tick's time, not the history) and, of the nodes, only
 * those shown: the store keeps unchanged nodes, links and marks as they were,
 * so an idle cluster re-renders no pane, and neither does a change on a node
 * scrolled out of view (50 configured nodes, a dozen panes on screen).
 */
export function NodeGrid({ grid, width, compact }: NodeGridProps) {
  const theme = useTheme();
  const nodeCount = useCockpit((state) => state.nodes.length);
  const shown = useCockpit(useShallow((state) => state.nodes.slice(grid.firstIndex, grid.endIndex)));
  const links = useCockpit((state) => state.links);
  const selectedNode = useCockpit((state) => state.selectedNode);
  const nodesFocused = useCockpit((state) => state.focus === 'nodes');
  const needsRebuild = useCockpit((state) => state.needsRebuild);
  // What each pane shown would need (paneRows.ts, as the layout counted it), to say what it cuts.
  const wantOptions = { compact: isCompact(width), innerWidth: paneInnerWidth(nodeCount, width) };
  return (
    <Box flexDirection="column" width={width} height={grid.usedHeight} flexShrink={0}>
      {grid.scrollLine ? (
        <Text color={theme.muted} wrap="truncate-end">
          {' '}
          ▲ {grid.hiddenAbove} more above · ▼ {grid.hiddenBelow} more below · showing {grid.firstIndex + 1}–{grid.endIndex} of {nodeCount}
        </Text>
      ) : null}
      {grid.rowHeights.map((height, row) => {
        const first = row * grid.perRow;
        return (
          <Box key={grid.firstIndex + first} width={width} height={height} flexShrink={0}>
            {shown.slice(first, first + grid.perRow).map((node, offset) => {
              const index = grid.firstIndex + first + offset;
              const link = links.find((candidate) => candidate.standby === node.name);
              const marked = needsRebuild.includes(node.name);
              return (
                <NodePane
                  key={node.name}
                  node={node}
                  link={link}
                  index={index}
                  selected={index === selectedNode}
                  focused={nodesFocused}
                  needsRebuild={marked}
                  width={grid.paneWidth}
                  height={height}
                  hiddenRows={Math.max(0, paneRowsWanted(node, link, { ...wantOptions, needsRebuild: marked }) - height)}
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
