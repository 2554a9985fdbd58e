import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { alertListWindow } from './alertListRows.js';
import { ModalRowText } from './ModalRowText.js';
import { useTheme } from './ThemeContext.js';

/**
 * Every alert in full (the header has room for the worst one only, cut): its
 * severity, node and code, its cause, and what to do about it. Scrolls with
 * ↑/↓ and PgUp/PgDn when they do not fit; `a` or Esc closes it.
 */
export function AlertListOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const alerts = useCockpit((state) => state.alerts);
  const top = useCockpit((state) => state.alertsTop);
  const body = alertListWindow(alerts, width, height, top);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden" flexShrink={0}>
      <Box justifyContent="space-between" flexShrink={0}>
        <Text bold wrap="truncate-end">
          Alerts ({alerts.length}): cause and fix
        </Text>
        <Box flexShrink={0} marginLeft={1}>
          <Text color={theme.muted}>a or Esc closes</Text>
        </Box>
      </Box>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {body.shown.map((row, index) => (
          <ModalRowText key={index} row={row} />
        ))}
      </Box>
    </Box>
  );
}
