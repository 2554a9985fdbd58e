import type { CockpitConfig } from '../../config/schema.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { gatherFailoverFacts, probeDataDirs } from '../failover/failoverFacts.js';
import type { RunnerSource } from '../plan.js';
import { probeReplicationLogins } from '../preflight/replicationLogin.js';
import type { SwitchoverOptions, SwitchoverPlan } from './planSwitchover.js';
import { planSwitchover } from './planSwitchover.js';

/**
 * One look at the cluster, then the switchover plan to `target`; then,
 * without changing anything, the old primary's data directory is proven its
 * own and every node that will stream from the target tries the replication
 * login it will make, from its own host, and the plan is made again with the
 * answers. What the TUI modal and the CLI both start from.
 */
export async function prepareSwitchover(
  config: CockpitConfig,
  target: string,
  options: SwitchoverOptions = {},
  prepare: { runners?: RunnerSource } = {},
): Promise<SwitchoverPlan> {
  const facts = await gatherFailoverFacts(config);
  const first = planSwitchover(config, facts, target, options);
  if (first.blocked && first.followerLogins.length === 0) return first;
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    const runners = prepare.runners ?? own!;
    const [dataDirs, logins] = await Promise.all([probeDataDirs(config, first.dataDirNodes, runners), probeReplicationLogins(first.followerLogins, runners)]);
    return planSwitchover(config, { ...facts, dataDirs, logins }, target, options);
  } finally {
    await own?.close().catch(() => undefined);
  }
}
