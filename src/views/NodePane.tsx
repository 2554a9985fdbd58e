import { Box, Text } from 'ink';
import { memo } from 'react';
import type { StandbyLink } from '../services/cluster/clusterView.js';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { AddressLine } from './AddressLine.js';
import { ArchiverLines } from './ArchiverLines.js';
import { DownLines } from './DownLines.js';
import { PrimaryLines } from './PrimaryLines.js';
import { ReplicaLines } from './ReplicaLines.js';
import { RoleBadge } from './RoleBadge.js';
import { SlotLines } from './SlotLines.js';
import { StandbyLines } from './StandbyLines.js';
import { useTheme } from './ThemeContext.js';

export interface NodePaneProps {
  node: NodeSnapshot;
  /** This node's replication link when it is a standby (the store's object, so memo holds). */
  link: StandbyLink | undefined;
  index: number;
  selected: boolean;
  /** The node grid has the keyboard focus (the selected pane's border says so). */
  focused: boolean;
  /** A runbook left it needing a rebuild (the old primary after a failover): its data forked from the new timeline. */
  needsRebuild?: boolean;
  width: number;
  height: number;
  /** Lines the pane has no room for (what it wants less its height): its last line says so, and that Enter shows them. */
  hiddenRows?: number;
  /** Narrow terminal: the less important lines go. */
  compact: boolean;
}

/**
 * One node. Memoised: props are the store's own objects and primitives, so a
 * pane redraws only when its node's data, its selection or the layout change,
 * not when the log grows or another pane is selected. What changes with every
 * tick is not a prop: the lines showing an age or the lag history select them
 * from the store (useTickAge, StandbyLines), so a tick that changed nothing of
 * a node leaves its pane alone.
 */
export const NodePane = memo(function NodePane(props: NodePaneProps) {
  const { node, index, selected, focused, width, height } = props;
  const hidden = props.hiddenRows ?? 0;
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      overflow="hidden"
      borderStyle={selected ? 'double' : 'single'}
      borderColor={selected && focused ? theme.selectedBorder : theme.border}
      paddingX={1}
    >
      {/* Lines keep their height; a pane too short clips the last ones instead of squeezing them together, and says so. */}
      <Box flexDirection="column" flexShrink={0} height={hidden > 0 ? height - 3 : undefined} overflow="hidden">
        <Box flexDirection="column" flexShrink={0}>
          <Box justifyContent="space-between">
            <Text bold inverse={selected} wrap="truncate-end">
              {index + 1} {node.name}
            </Text>
            <Box flexShrink={0} marginLeft={1}>
              <RoleBadge node={node} />
            </Box>
        </Box>
        {props.needsRebuild ? (
          <Text bold inverse color={theme.warning} wrap="truncate-end">
            {' '}⚠ NEEDS REBUILD{' '}
          </Text>
        ) : null}
        <AddressLine node={node} />
        <PaneBody {...props} />
        </Box>
      </Box>
      {hidden > 0 ? (
        <Text color={theme.muted} wrap="truncate-end">
          … {hidden + 1} more lines · Enter: all
        </Text>
      ) : null}
    </Box>
  );
});

function PaneBody({ node, link, width, compact }: NodePaneProps) {
  const theme = useTheme();
  if (node.status === 'down') return <DownLines node={node} />;
  if (node.status === 'unknown' || !node.server) return <Text color={theme.muted}>connecting…</Text>;
  const server = node.server;
  // Border and padding take two columns each side.
  const innerWidth = width - 4;
  // Most important first: a pane too short for its content loses its last lines (slots).
  return (
    <>
      {node.role === 'primary' ? <PrimaryLines server={server} /> : null}
      {node.role === 'standby' ? (
        <StandbyLines name={node.name} server={server} link={link} compact={compact} innerWidth={innerWidth} />
      ) : null}
      {/* A cascading standby serves standbys of its own (pg1 → pg2 → pg3: pg3 is listed on pg2). */}
      {node.role === 'standby' && server.replicas.length > 0 ? <ReplicaLines replicas={server.replicas} /> : null}
      <ArchiverLines archiver={server.archiver} />
      {node.role === 'primary' || server.slots.length > 0 ? <SlotLines slots={server.slots} compact={compact} /> : null}
    </>
  );
}
