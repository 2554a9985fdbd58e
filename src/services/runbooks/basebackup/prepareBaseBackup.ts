import { readBaseBackupFolder } from '../../backups/baseBackupFolder.js';
import { baseBackupFolder } from '../../backups/baseBackupCatalog.js';
import { catalogDir } from '../../backups/catalogDir.js';
import type { CockpitConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { runCollected } from '../../runner/runChecked.js';
import type { Runner } from '../../runner/runner.js';
import { gatherFailoverFacts } from '../failover/failoverFacts.js';
import type { RunnerSource } from '../plan.js';
import { openPlanSessions, releasePlanSessions } from '../planSessionNodes.js';
import { probeReplicationLogins } from '../preflight/replicationLogin.js';
import { pgTool } from '../serviceControl.js';
import type { PlanSessions } from '../sqlSessions.js';
import type { BaseBackupOptions, BaseBackupPlan, ToolFacts } from './planBaseBackup.js';
import { planBaseBackup } from './planBaseBackup.js';

/** `<tool> --version` on the backups host: "pg_basebackup (PostgreSQL) 15.10" and its major. */
export async function readToolVersion(runner: Runner, program: string): Promise<ToolFacts> {
  try {
    const run = await runCollected(runner, { program, args: ['--version'], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 });
    const version = run.stdout.trim().split('\n')[0] ?? '';
    const major = /\(PostgreSQL\) (\d+)/.exec(version)?.[1];
    if (run.result.exitCode === 0 && major) return { path: program, version, major: Number(major) };
    return { path: program, problem: run.stderr.trim().split('\n').at(-1) || `exit ${run.result.exitCode ?? run.result.signal}` };
  } catch (error) {
    return { path: program, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The size of the node's databases: about what a base backup copies (needs CONNECT on each, or pg_read_all_stats). */
const DATABASES_SQL = 'select sum(pg_database_size(oid))::text as bytes from pg_database where datallowconn';

/**
 * One look at the cluster and a first plan; then, changing nothing, the
 * backups host is asked as its OS user (pg_basebackup's and
 * pg_verifybackup's versions, the `.base` folder: writable, free space), the
 * replication login is tried from there, and the node's size is read; the
 * plan is made again with the answers. What `pgcockpit basebackup` starts from.
 */
export async function prepareBaseBackup(
  config: CockpitConfig,
  asked: string,
  options: BaseBackupOptions = {},
  prepare: { runners?: RunnerSource; sessions?: PlanSessions } = {},
): Promise<BaseBackupPlan> {
  const facts = await gatherFailoverFacts(config);
  const first = planBaseBackup(config, facts, asked, options);
  const node = config.nodes.find((candidate) => candidate.name === first.target);
  const host = config.nodes.find((candidate) => candidate.name === first.host);
  if (!node || !host || !first.host || first.blocked) return first;
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    const runners = prepare.runners ?? own!;
    const runner = runners.forNode(first.host);
    const [pgBasebackup, pgVerifybackup, folder, logins, databaseBytes] = await Promise.all([
      readToolVersion(runner, pgTool(host, 'pg_basebackup')),
      readToolVersion(runner, pgTool(host, 'pg_verifybackup')),
      readBaseBackupFolder(runner, baseBackupFolder(catalogDir(config), config.cluster)),
      probeReplicationLogins(first.followerLogins, runners),
      withNodeClient(node, config, async (client) => (await client.query<{ bytes: string | null }>(DATABASES_SQL)).rows[0]?.bytes, { connectTimeoutMs: 5000, statementTimeoutMs: 10_000 }).catch(() => undefined),
    ]);
    const bytes = databaseBytes == null ? undefined : Number(databaseBytes);
    const plan = planBaseBackup(
      config,
      { ...facts, pgBasebackup, pgVerifybackup, folder, logins, ...(bytes !== undefined && Number.isFinite(bytes) ? { databaseBytes: bytes } : {}) },
      asked,
      options,
    );
    await (plan.blocked ? releasePlanSessions(prepare.sessions, first, facts.view) : openPlanSessions(prepare.sessions, plan, facts.view));
    return plan;
  } finally {
    await own?.close().catch(() => undefined);
  }
}
