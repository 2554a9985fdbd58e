import type { ClusterView } from '../services/cluster/clusterView.js';
import { healthExitCode, healthWord } from '../services/cluster/healthExitCode.js';

/** The machine-readable status: the same numbers the panes show, with a health word and exit code. */
export function statusJson(cluster: string, view: ClusterView) {
  const exitCode = healthExitCode(view);
  return {
    cluster,
    at: new Date(view.at).toISOString(),
    health: healthWord(exitCode),
    exitCode,
    nodes: view.nodes,
    links: view.links,
    alerts: view.alerts,
  };
}
