import { collectClusterView, openClusterLooks } from '../services/cluster/collectClusterView.js';
import type { ClusterView } from '../services/cluster/clusterView.js';
import { healthExitCode } from '../services/cluster/healthExitCode.js';
import { loadConfig } from '../services/config/loadConfig.js';
import type { NodeRunners } from '../services/runner/nodeRunners.js';
import { formatStatusText } from './formatStatusText.js';
import { requireConfigPath } from './requireConfigPath.js';
import { statusJson } from './statusJson.js';

export interface StatusOptions {
  config?: string;
  json: boolean;
  watch: boolean;
  /** Seconds between looks with --watch. */
  interval: number;
}

/**
 * `pgcockpit status`: the cockpit's snapshot without the TUI. Exit code by
 * the Nagios convention: 0 healthy, 1 warning, 2 critical, 3 unknown.
 */
export async function statusCommand(options: StatusOptions): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  const print = (view: ClusterView) => {
    const text = options.json ? `${JSON.stringify(statusJson(config.cluster, view), null, 2)}\n` : formatStatusText(config.cluster, view);
    process.stdout.write(options.watch && !options.json && process.stdout.isTTY ? `\x1b[H\x1b[2J${text}` : text);
    process.exitCode = healthExitCode(view);
  };
  // A down node cannot say whether it forked from the primary's history: its host can (pg_controldata, read-only).
  // The runners (and what they load) only when a node is down: a healthy cluster's check stays quick.
  let runners: NodeRunners | undefined;
  const ask = async (view: ClusterView) => {
    if (view.nodes.every((node) => node.status === 'up')) return view;
    const [{ createNodeRunners }, { withDownNodesAsked }] = await Promise.all([import('../services/runner/nodeRunners.js'), import('../services/cluster/needsRebuildDown.js')]);
    runners ??= createNodeRunners(config, { readOnly: true });
    return withDownNodesAsked(view, config, runners);
  };
  try {
    if (!options.watch) {
      print(await ask(await collectClusterView(config)));
      return;
    }
    // One set of connections for the whole watch: a standby's timeline never goes backwards between looks.
    const looks = openClusterLooks(config);
    try {
      print(await ask(await looks.look()));
      let stopped = false;
      process.once('SIGINT', () => (stopped = true));
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, options.interval * 1000));
        if (!stopped) print(await ask(await looks.look()));
      }
    } finally {
      await looks.close();
    }
  } finally {
    await runners?.close();
  }
}
