import type { Alert } from './clusterView.js';
import type { NodeSnapshot } from './nodeSnapshot.js';

interface Moment {
  nodes: readonly NodeSnapshot[];
  alerts: readonly Alert[];
}

/**
 * What changed between two ticks, as lines for the log pane: a node going
 * down or coming back, a role or timeline change (a promotion), an alert
 * raised or cleared. Steady state says nothing.
 */
export function clusterEvents(previous: Moment, next: Moment): string[] {
  const events: string[] = [];
  for (const node of next.nodes) {
    const before = previous.nodes.find((candidate) => candidate.name === node.name);
    if (!before) continue;
    if (node.status === 'down' && (before.status !== 'down' || node.serverAnswered !== before.serverAnswered)) {
      // A server that answered with an error (too many connections, password failed) is up, not down.
      events.push(node.serverAnswered ? `${node.name} is up but refuses pgcockpit's login: ${node.downReason ?? 'refused'}` : `${node.name} is DOWN: ${node.downReason ?? 'no answer'}`);
    } else if (node.status === 'up' && before.status !== 'up') {
      const version = node.server ? `, PostgreSQL ${node.server.version}` : '';
      events.push(`${node.name} is ${before.status === 'down' ? 'up again' : 'up'}: ${node.role.toUpperCase()}${version}`);
    } else if (node.status === 'up' && before.status === 'up') {
      if (node.role !== before.role) events.push(`${node.name} is now ${node.role.toUpperCase()} (was ${before.role.toUpperCase()})`);
      const timeline = node.server?.timeline;
      const timelineBefore = before.server?.timeline;
      if (timeline != null && timelineBefore != null && timeline !== timelineBefore) {
        events.push(`${node.name} timeline ${timelineBefore} → ${timeline}`);
      }
    }
  }
  const key = (alert: Alert) => `${alert.code}|${alert.node ?? ''}`;
  const before = new Map(previous.alerts.map((alert) => [key(alert), alert]));
  const after = new Map(next.alerts.map((alert) => [key(alert), alert]));
  for (const [id, alert] of after) {
    const old = before.get(id);
    if (!old || old.severity !== alert.severity) events.push(`${alert.severity.toUpperCase()}: ${alert.message}`);
  }
  for (const [id, alert] of before) {
    if (!after.has(id)) events.push(`cleared: ${alert.message}`);
  }
  return events;
}
