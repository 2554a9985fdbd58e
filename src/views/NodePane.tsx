import { Box, Text } from 'ink';
import { memo } from 'react';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';

export interface NodePaneProps {
  node: NodeSnapshot;
  index: number;
  selected: boolean;
  width: number;
}

/** One node: name, role badge, address, up or down with the reason. */
export const NodePane = memo(function NodePane({ node, index, selected, width }: NodePaneProps) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle={selected ? 'double' : 'single'}
      borderColor={selected ? theme.selectedBorder : theme.border}
      paddingX={1}
    >
      <Box justifyContent="space-between">
        <Text bold inverse={selected}>
          {index + 1} {node.name}
        </Text>
        <RoleBadge node={node} />
      </Box>
      <Text color={theme.muted}>
        {node.host}:{node.port}
        {node.serverVersion ? `  PostgreSQL ${node.serverVersion}` : ''}
      </Text>
      <StatusLine node={node} />
    </Box>
  );
});

function RoleBadge({ node }: { node: NodeSnapshot }) {
  const theme = useTheme();
  if (node.status === 'down') return <Text color={theme.down} bold>✗ DOWN</Text>;
  if (node.role === 'primary') return <Text color={theme.primary} bold>PRIMARY</Text>;
  if (node.role === 'standby') return <Text color={theme.standby} bold>STANDBY</Text>;
  return <Text color={theme.muted}>…</Text>;
}

function StatusLine({ node }: { node: NodeSnapshot }) {
  const theme = useTheme();
  if (node.status === 'down') return <Text color={theme.down} wrap="truncate-end">down: {node.downReason ?? 'no answer'}</Text>;
  if (node.status === 'unknown') return <Text color={theme.muted}>connecting…</Text>;
  return <Text>up{node.role === 'standby' ? ' · read-only' : ' · accepts writes'}</Text>;
}
