import type { ClusterView } from '../../cluster/clusterView.js';
import type { LastSeenSlots } from '../../cluster/lastSeenSlots.js';
import type { CockpitConfig } from '../../config/schema.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import type { RunnerSource } from '../plan.js';
import { openPlanSessions, releasePlanSessions } from '../planSessionNodes.js';
import { probeReplicationLogins } from '../preflight/replicationLogin.js';
import type { PlanSessions } from '../sqlSessions.js';
import { gatherFailoverFacts, probeDataDirs, probeDownHosts, probeDownTcp, probeServerLogs } from './failoverFacts.js';
import type { FailoverOptions, FailoverPlan } from './planFailover.js';
import { planFailover } from './planFailover.js';

export interface PrepareFailoverOptions {
  /** The runners that ask nodes' hosts (server status, data directory, replication logins); default: read-only ones made (and closed) here. */
  runners?: RunnerSource;
  /** The slots each node held when the cockpit last saw it (the dead primary's own slots cannot be read any more). */
  lastSeenSlots?: Readonly<Record<string, LastSeenSlots>>;
  /** Sessions to open for the plan's steps while it is on screen (see openPlanSessions); the caller closes them. */
  sessions?: PlanSessions;
}

/**
 * One look at the cluster, plus what only the hosts can tell, all without
 * changing anything: for each node that is down, whether its host says its
 * server still runs, whether anything accepts TCP on its address, and what
 * its data directory says; then the plan, and then each standby that will
 * follow the target tries the replication login it will make, and the plan
 * is made again with the answers. With `sessions`, the statements' sessions
 * are opened meanwhile, so that none is opened after the DBA confirms. What
 * the TUI modal and the CLI both start from.
 */
export async function prepareFailover(
  config: CockpitConfig,
  target: string,
  options: FailoverOptions = {},
  prepare: PrepareFailoverOptions = {},
): Promise<FailoverPlan> {
  const facts = await gatherFailoverFacts(config);
  // Asking changes nothing: read-only runners are enough.
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  const runners = prepare.runners ?? own!;
  try {
    const [hosts, tcpOpen] = await Promise.all([probeDownHosts(config, facts.view, runners), probeDownTcp(config, facts.view)]);
    const seen = prepare.lastSeenSlots ? { lastSeenSlots: prepare.lastSeenSlots } : {};
    const first = planFailover(config, { ...facts, hosts, tcpOpen, ...seen }, target, options);
    const [dataDirs, logins, serverLogs] = await Promise.all([
      probeDataDirs(config, first.dataDirNodes, runners),
      probeReplicationLogins(first.followerLogins, runners),
      // The standbys it may restart (PostgreSQL 12: the target to catch up, the re-pointed) go on logging where they did; the old primary is not started.
      probeServerLogs(config, [...(restartsToCatchUp(facts.view, target) ? [target] : []), ...first.dataDirNodes.filter((name) => name !== first.oldPrimary)], runners),
      // Beside the probes, not after them: the plan is shown no later for it.
      openPlanSessions(prepare.sessions, first, facts.view),
    ]);
    const plan = planFailover(config, { ...facts, hosts, tcpOpen, dataDirs, logins, serverLogs, ...seen }, target, options);
    await (plan.blocked ? releasePlanSessions(prepare.sessions, first, facts.view) : openPlanSessions(prepare.sessions, plan, facts.view));
    return plan;
  } finally {
    await own?.close().catch(() => undefined);
  }
}

/** A PostgreSQL 12 target is restarted if it must catch up from another standby (it reads primary_conninfo only at start). */
function restartsToCatchUp(view: ClusterView, target: string): boolean {
  const versionNum = view.nodes.find((node) => node.name === target)?.server?.versionNum;
  return versionNum !== undefined && versionNum < 130000;
}
