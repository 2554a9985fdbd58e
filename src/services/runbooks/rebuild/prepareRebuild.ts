import type { CockpitConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { gatherFailoverFacts, probeDataDirs, probeDownHosts, probeDownTcp, probeServerLogs } from '../failover/failoverFacts.js';
import type { RunnerSource } from '../plan.js';
import { openPlanSessions, releasePlanSessions } from '../planSessionNodes.js';
import { probeReplicationLogins } from '../preflight/replicationLogin.js';
import type { PlanSessions } from '../sqlSessions.js';
import { readHostDisk } from './hostDisk.js';
import type { RebuildOptions, RebuildPlan } from './planRebuild.js';
import { planRebuild } from './planRebuild.js';

/**
 * One look at the cluster, then the rebuild plan; then, changing nothing,
 * the target's host is asked (does its server run, its data directory's
 * port and system identifier, free space and owner where the copy goes,
 * where it logs), the login the copy will make is tried from there as its OS
 * user, and the source's size is read; the plan is made again with the
 * answers. What the TUI modal and the CLI both start from.
 */
export async function prepareRebuild(
  config: CockpitConfig,
  target: string,
  options: RebuildOptions = {},
  prepare: { runners?: RunnerSource; sessions?: PlanSessions } = {},
): Promise<RebuildPlan> {
  const facts = await gatherFailoverFacts(config);
  const first = planRebuild(config, facts, target, options);
  const node = config.nodes.find((candidate) => candidate.name === target);
  if (!node || !first.source || (first.blocked && first.followerLogins.length === 0)) return first;
  const source = config.nodes.find((candidate) => candidate.name === first.source)!;
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    const runners = prepare.runners ?? own!;
    const [dataDirs, logins, serverLogs, disk, hosts, tcpOpen, sourceBytes] = await Promise.all([
      probeDataDirs(config, [target], runners),
      probeReplicationLogins(first.followerLogins, runners),
      probeServerLogs(config, [target], runners),
      readHostDisk(node, runners.forNode(target)),
      probeDownHosts(config, facts.view, runners),
      probeDownTcp(config, facts.view),
      withNodeClient(source, config, async (client) => Number((await client.query('select sum(pg_database_size(oid))::bigint as bytes from pg_database')).rows[0]?.bytes), {
        connectTimeoutMs: 5000,
        statementTimeoutMs: 10_000,
      }).catch(() => undefined),
      openPlanSessions(prepare.sessions, first, facts.view),
    ]);
    const plan = planRebuild(
      config,
      { ...facts, dataDirs, logins, serverLogs, disks: { [target]: disk }, hosts, tcpOpen, ...(sourceBytes !== undefined && Number.isFinite(sourceBytes) ? { sourceBytes } : {}) },
      target,
      options,
    );
    await (plan.blocked ? releasePlanSessions(prepare.sessions, first, facts.view) : openPlanSessions(prepare.sessions, plan, facts.view));
    return plan;
  } finally {
    await own?.close().catch(() => undefined);
  }
}
