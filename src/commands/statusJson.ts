import type { ClusterView } from '../services/cluster/clusterView.js';
import { healthExitCode, healthWord } from '../services/cluster/healthExitCode.js';
import { maskSecretsDeep } from '../services/runner/secretMasker.js';

/**
 * The machine-readable status: the same numbers the panes show, with a
 * health word and exit code. Passwords read password=******** as everywhere
 * (the poll already masks primary_conninfo in SQL; this catches any other).
 */
export function statusJson(cluster: string, view: ClusterView) {
  const exitCode = healthExitCode(view);
  return maskSecretsDeep({
    cluster,
    at: new Date(view.at).toISOString(),
    health: healthWord(exitCode),
    exitCode,
    nodes: view.nodes,
    links: view.links,
    alerts: view.alerts,
  });
}
