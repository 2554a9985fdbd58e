import { collectClusterView } from '../../cluster/collectClusterView.js';
import type { ClusterView } from '../../cluster/clusterView.js';
import type { CockpitConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';

/** What the live view's snapshot does not carry and a failover plan needs, per reachable node. */
export interface NodeExtras {
  /** primary_conninfo unmasked (needs superuser or pg_read_all_settings): its passfile and options are kept when re-pointing. */
  primaryConninfo: string;
  /** transaction_read_only of a new session: a primary that says on refuses writes. */
  transactionReadOnly: boolean;
  /** recovery_target_timeline: a standby follows a promotion only with "latest". */
  recoveryTargetTimeline: string;
}

export interface FailoverFacts {
  view: ClusterView;
  extras: Record<string, NodeExtras>;
}

const EXTRAS_SQL = `select
  coalesce((select setting from pg_settings where name = 'primary_conninfo'), '') as primary_conninfo,
  current_setting('transaction_read_only') = 'on' as transaction_read_only,
  current_setting('recovery_target_timeline') as recovery_target_timeline`;

/** One look at the cluster (the live view's snapshot) plus each reachable node's extras. */
export async function gatherFailoverFacts(config: CockpitConfig, timeoutMs = 5000): Promise<FailoverFacts> {
  const view = await collectClusterView(config, timeoutMs);
  const extras: Record<string, NodeExtras> = {};
  await Promise.all(
    view.nodes
      .filter((node) => node.status === 'up')
      .map(async (snapshot) => {
        const node = config.nodes.find((candidate) => candidate.name === snapshot.name);
        if (!node) return;
        try {
          const row = await withNodeClient(node, config, async (client) => (await client.query(EXTRAS_SQL)).rows[0], {
            connectTimeoutMs: timeoutMs,
            statementTimeoutMs: timeoutMs,
          });
          extras[node.name] = {
            primaryConninfo: String(row?.primary_conninfo ?? ''),
            transactionReadOnly: row?.transaction_read_only === true,
            recoveryTargetTimeline: String(row?.recovery_target_timeline ?? ''),
          };
        } catch {
          // Gone since the snapshot: the plan treats a node without extras with care.
        }
      }),
  );
  return { view, extras };
}
