import type { ClusterView } from '../services/cluster/clusterView.js';
import { healthExitCode } from '../services/cluster/healthExitCode.js';

const HEALTH = ['ok', 'warning', 'critical', 'unknown'] as const;

/** The machine-readable status: the same numbers the panes show, with a health word and exit code. */
export function statusJson(cluster: string, view: ClusterView) {
  const exitCode = healthExitCode(view);
  return {
    cluster,
    at: new Date(view.at).toISOString(),
    health: HEALTH[exitCode] ?? 'unknown',
    exitCode,
    nodes: view.nodes,
    links: view.links,
    alerts: view.alerts,
  };
}
