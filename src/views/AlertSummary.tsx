import { Box, Text } from 'ink';
import type { Alert, AlertSeverity } from '../services/cluster/clusterView.js';
import { SEVERITIES, SEVERITY_MARK } from './alertListRows.js';
import { useCockpit } from '../state/storeContext.js';
import type { Theme } from './theme.js';
import { useTheme } from './ThemeContext.js';

/**
 * One line: how many alerts of each severity, then the most severe one's
 * message, as much as fits (cut with …), and at the right, always in view,
 * the key that shows every alert whole with its cause and fix.
 */
export function AlertSummary() {
  const theme = useTheme();
  const alerts = useCockpit((state) => state.alerts);
  if (alerts.length === 0) {
    return <Text color={theme.ok}>✓ no alerts</Text>;
  }
  const worst = mostSevere(alerts);
  return (
    <Box flexGrow={1}>
      <Box flexGrow={1} flexShrink={1} minWidth={0}>
        <Text wrap="truncate-end">
          {SEVERITIES.map((severity) => {
            const count = alerts.filter((alert) => alert.severity === severity).length;
            return count === 0 ? null : (
              <Text key={severity} color={colourOf(severity, theme)} bold>
                {SEVERITY_MARK[severity]} {count} {severity}
                {'  '}
              </Text>
            );
          })}
          {worst ? <Text>{worst.message}</Text> : null}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text color={theme.muted}>a: all alerts</Text>
      </Box>
    </Box>
  );
}

function mostSevere(alerts: readonly Alert[]): Alert | undefined {
  for (const severity of SEVERITIES) {
    const alert = alerts.find((candidate) => candidate.severity === severity);
    if (alert) return alert;
  }
  return undefined;
}

function colourOf(severity: AlertSeverity, theme: Theme): string | undefined {
  return severity === 'critical' ? theme.critical : severity === 'warning' ? theme.warning : theme.info;
}
