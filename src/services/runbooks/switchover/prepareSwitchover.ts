import type { CockpitConfig } from '../../config/schema.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { gatherFailoverFacts, probeDataDirs, probeServerLogs } from '../failover/failoverFacts.js';
import type { RunnerSource } from '../plan.js';
import { openPlanSessions, releasePlanSessions } from '../planSessionNodes.js';
import { probeReplicationLogins } from '../preflight/replicationLogin.js';
import type { PlanSessions } from '../sqlSessions.js';
import type { SwitchoverOptions, SwitchoverPlan } from './planSwitchover.js';
import { planSwitchover } from './planSwitchover.js';

/**
 * One look at the cluster, then the switchover plan to `target`; then,
 * without changing anything, the old primary's data directory is proven its
 * own and every node that will stream from the target tries the replication
 * login it will make, from its own host, and where each server it starts
 * again logs now is read; the plan is made again with the answers. With `sessions`, the statements' sessions are opened meanwhile
 * (prepareFailover says why). What the TUI modal and the CLI both start from.
 */
export async function prepareSwitchover(
  config: CockpitConfig,
  target: string,
  options: SwitchoverOptions = {},
  prepare: { runners?: RunnerSource; sessions?: PlanSessions } = {},
): Promise<SwitchoverPlan> {
  const facts = await gatherFailoverFacts(config);
  const first = planSwitchover(config, facts, target, options);
  if (first.blocked && first.followerLogins.length === 0) return first;
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    const runners = prepare.runners ?? own!;
    const [dataDirs, logins, serverLogs] = await Promise.all([
      probeDataDirs(config, first.dataDirNodes, runners),
      probeReplicationLogins(first.followerLogins, runners),
      // The nodes it starts again (the old primary, PostgreSQL 12 standbys): they go on logging where they did.
      probeServerLogs(config, first.dataDirNodes, runners),
      // Beside the probes, not after them: the plan is shown no later for it.
      openPlanSessions(prepare.sessions, first, facts.view),
    ]);
    const plan = planSwitchover(config, { ...facts, dataDirs, logins, serverLogs }, target, options);
    await (plan.blocked ? releasePlanSessions(prepare.sessions, first, facts.view) : openPlanSessions(prepare.sessions, plan, facts.view));
    return plan;
  } finally {
    await own?.close().catch(() => undefined);
  }
}
