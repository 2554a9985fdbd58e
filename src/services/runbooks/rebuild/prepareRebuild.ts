import type { CockpitConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { gatherFailoverFacts, probeDataDirs, probeDownHosts, probeDownTcp, probeServerLogs } from '../failover/failoverFacts.js';
import type { RunnerSource } from '../plan.js';
import { openPlanSessions, releasePlanSessions } from '../planSessionNodes.js';
import { probeReplicationLogins } from '../preflight/replicationLogin.js';
import type { PlanSessions } from '../sqlSessions.js';
import { readHostDisk } from './hostDisk.js';
import { readTargetControl } from './targetControl.js';
import type { RebuildOptions, RebuildPlan } from './planRebuild.js';
import { planRebuild } from './planRebuild.js';

interface SourceSizes {
  databases: string | null;
  wal: string | null;
  reads_files: boolean;
}

/**
 * What each method would move: the databases (pg_basebackup) and pg_wal
 * (pg_rewind copies it whole; pg_ls_waldir needs pg_monitor, else null),
 * and whether this login could be pg_rewind's source.
 */
const SOURCE_SIZES_SQL = `select
  (select sum(pg_database_size(oid)) from pg_database)::text as databases,
  case when pg_has_role(current_user, 'pg_monitor', 'usage') or (select rolsuper from pg_roles where rolname = current_user)
       then (select sum(size) from pg_ls_waldir())::text end as wal,
  (select rolsuper from pg_roles where rolname = current_user)
    or (has_function_privilege('pg_ls_dir(text, boolean, boolean)', 'execute')
        and has_function_privilege('pg_stat_file(text, boolean)', 'execute')
        and has_function_privilege('pg_read_binary_file(text, bigint, bigint, boolean)', 'execute')) as reads_files`;

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
    const [dataDirs, logins, serverLogs, disk, hosts, tcpOpen, control, sizes] = await Promise.all([
      probeDataDirs(config, [target], runners),
      probeReplicationLogins(first.followerLogins, runners),
      probeServerLogs(config, [target], runners),
      readHostDisk(node, runners.forNode(target)),
      // Only the target's host and port matter here: the other nodes' are not asked.
      probeDownHosts({ ...config, nodes: [node] }, facts.view, runners),
      probeDownTcp({ ...config, nodes: [node] }, facts.view),
      readTargetControl(node, runners.forNode(target)),
      withNodeClient(source, config, async (client) => (await client.query<SourceSizes>(SOURCE_SIZES_SQL)).rows[0], { connectTimeoutMs: 5000, statementTimeoutMs: 10_000 }).catch(() => undefined),
      openPlanSessions(prepare.sessions, first, facts.view),
    ]);
    const number = (value: string | null | undefined) => (value == null || !Number.isFinite(Number(value)) ? undefined : Number(value));
    const sourceBytes = number(sizes?.databases);
    const sourceWalBytes = number(sizes?.wal);
    const plan = planRebuild(
      config,
      {
        ...facts,
        dataDirs,
        logins,
        serverLogs,
        disks: { [target]: disk },
        hosts,
        tcpOpen,
        control: { [target]: control },
        ...(sourceBytes !== undefined ? { sourceBytes } : {}),
        ...(sourceWalBytes !== undefined ? { sourceWalBytes } : {}),
        ...(sizes
          ? {
              sourceFileAccess: sizes.reads_files
                ? { ok: true, detail: `${source.user} may read ${source.name}'s files` }
                : { ok: false, detail: `pgcockpit's login on ${source.name} (${source.user}) may not read its files, as pg_rewind's source must (a superuser, or EXECUTE on pg_ls_dir, pg_stat_file, pg_read_binary_file)` },
            }
          : {}),
      },
      target,
      options,
    );
    await (plan.blocked ? releasePlanSessions(prepare.sessions, first, facts.view) : openPlanSessions(prepare.sessions, plan, facts.view));
    return plan;
  } finally {
    await own?.close().catch(() => undefined);
  }
}
