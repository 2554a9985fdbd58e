import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { AlertSummary } from './AlertSummary.js';
import { intervalText } from './intervalText.js';
import { useTheme } from './ThemeContext.js';
import { TickClock } from './TickClock.js';

/**
 * Two lines: the cluster and the poll (last tick, interval, PAUSED), then the alerts. Nothing
 * here selects the tick's time: the clock (TickClock) does, or the clock line writes it.
 */
export function Header({ width }: { width: number }) {
  const theme = useTheme();
  const clusterName = useCockpit((state) => state.clusterName);
  const nodeCount = useCockpit((state) => state.nodes.length);
  const upCount = useCockpit((state) => state.nodes.filter((node) => node.status === 'up').length);
  const primaryCount = useCockpit((state) => state.nodes.filter((node) => node.role === 'primary').length);
  const interval = useCockpit((state) => state.refreshIntervalMs);
  const paused = useCockpit((state) => state.paused);
  const readOnly = useCockpit((state) => state.readOnly);
  return (
    <Box flexDirection="column" width={width} height={2} flexShrink={0}>
      <Box paddingX={1}>
        {/* The cluster side gives way (truncated) so the poll side always shows whole. */}
        <Box flexGrow={1} flexShrink={1} minWidth={0}>
          <Text wrap="truncate-end">
            <Text bold>pgcockpit</Text> · cluster <Text bold color={theme.accent}>{clusterName}</Text> · {upCount}/{nodeCount} up ·{' '}
            {primaryCount === 1 ? (
              '1 primary'
            ) : (
              <Text color={theme.critical} bold>
                {primaryCount} primaries
              </Text>
            )}
          </Text>
        </Box>
        <Box flexShrink={0} marginLeft={1}>
          <TickClock />
          <Text>
            <Text color={theme.muted}> · every {intervalText(interval)}</Text>
            {readOnly ? (
              <Text bold inverse>
                {' '}
                READ-ONLY{' '}
              </Text>
            ) : null}
            {paused ? (
              <Text bold inverse color={theme.warning}>
                {' '}
                ⏸ PAUSED{' '}
              </Text>
            ) : null}
          </Text>
        </Box>
      </Box>
      <Box paddingX={1} width={width}>
        <AlertSummary />
      </Box>
    </Box>
  );
}
