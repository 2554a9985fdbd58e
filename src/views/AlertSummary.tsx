import { Text } from 'ink';
import type { Alert, AlertSeverity } from '../services/cluster/clusterView.js';
import { useCockpit } from '../state/storeContext.js';
import type { Theme } from './theme.js';
import { useTheme } from './ThemeContext.js';

/** Most severe first. */
const SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];
const MARK: Record<AlertSeverity, string> = { critical: '✗', warning: '▲', info: 'ℹ' };

/** One line: how many alerts of each severity, then the most severe one's message. */
export function AlertSummary() {
  const theme = useTheme();
  const alerts = useCockpit((state) => state.alerts);
  if (alerts.length === 0) {
    return <Text color={theme.ok}>✓ no alerts</Text>;
  }
  const worst = mostSevere(alerts);
  return (
    <Text wrap="truncate-end">
      {SEVERITIES.map((severity) => {
        const count = alerts.filter((alert) => alert.severity === severity).length;
        return count === 0 ? null : (
          <Text key={severity} color={colourOf(severity, theme)} bold>
            {MARK[severity]} {count} {severity}{'  '}
          </Text>
        );
      })}
      {worst ? <Text>{worst.message}</Text> : null}
    </Text>
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
