import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { useTheme } from './ThemeContext.js';

/** Cluster name, how many nodes answer, and when the last poll landed. */
export function Header() {
  const theme = useTheme();
  const clusterName = useCockpit((state) => state.clusterName);
  const nodeCount = useCockpit((state) => state.nodes.length);
  const upCount = useCockpit((state) => state.nodes.filter((node) => node.status === 'up').length);
  const primaryCount = useCockpit((state) => state.nodes.filter((node) => node.role === 'primary').length);
  const lastTickAt = useCockpit((state) => state.lastTickAt);
  const interval = useCockpit((state) => state.refreshIntervalMs);
  return (
    <Box justifyContent="space-between" paddingX={1}>
      <Text>
        <Text bold>pgcockpit</Text> · cluster <Text bold color={theme.accent}>{clusterName}</Text> · {upCount}/{nodeCount} up ·{' '}
        {primaryCount === 1 ? '1 primary' : <Text color={theme.down} bold>{primaryCount} primaries</Text>}
      </Text>
      <Text color={theme.muted}>
        {lastTickAt ? new Date(lastTickAt).toLocaleTimeString('en-GB', { hour12: false }) : '--:--:--'} · every {interval / 1000} s
      </Text>
    </Box>
  );
}
