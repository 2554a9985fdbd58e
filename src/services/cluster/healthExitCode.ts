import type { ClusterView } from './clusterView.js';

/** Monitoring-plugin (Nagios) exit codes, so `pgcockpit status` can be a check command as is. */
export const HEALTH_OK = 0;
export const HEALTH_WARNING = 1;
export const HEALTH_CRITICAL = 2;
export const HEALTH_UNKNOWN = 3;

export type HealthExitCode = typeof HEALTH_OK | typeof HEALTH_WARNING | typeof HEALTH_CRITICAL | typeof HEALTH_UNKNOWN;

/**
 * The worst alert decides; info alerts do not count. Unknown when nothing
 * was learnt: no node, or no node polled yet (a node that is down is known).
 */
export function healthExitCode(view: ClusterView): HealthExitCode {
  if (view.nodes.every((node) => node.status === 'unknown')) return HEALTH_UNKNOWN;
  if (view.alerts.some((alert) => alert.severity === 'critical')) return HEALTH_CRITICAL;
  if (view.alerts.some((alert) => alert.severity === 'warning')) return HEALTH_WARNING;
  return HEALTH_OK;
}

const HEALTH_WORDS = ['ok', 'warning', 'critical', 'unknown'] as const;

/** The exit code as a word ("ok", "warning", "critical", "unknown"), as status output prints it. */
export function healthWord(code: HealthExitCode): (typeof HEALTH_WORDS)[number] {
  return HEALTH_WORDS[code];
}
