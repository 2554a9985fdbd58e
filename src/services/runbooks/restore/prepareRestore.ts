import type { BackupEntry } from '../../backups/backupEntry.js';
import { findBackup } from '../../backups/backupCatalog.js';
import { catalogDir } from '../../backups/catalogDir.js';
import { catalogStoreFor } from '../../backups/catalogStoreFor.js';
import { verifyBackup } from '../../backups/verifyBackup.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import type { RunnerSource } from '../plan.js';
import type { PlanSessions } from '../sqlSessions.js';
import type { RestoreFacts, RestoreOptions, RestorePlan, RestoreTargetFacts } from './planRestore.js';
import { planRestore } from './planRestore.js';
import { toolIn, toolPlace } from './restoreCommands.js';

const TARGET_SQL = `select pg_is_in_recovery() as in_recovery,
  current_setting('default_transaction_read_only') = 'on' or current_setting('transaction_read_only') = 'on' as read_only,
  current_setting('server_version_num')::int as version,
  (select array_agg(datname::text order by datname) from pg_database) as databases,
  (select count(*)::int from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) as sessions`;

interface TargetRow {
  in_recovery: boolean;
  read_only: boolean;
  version: number;
  databases: string[];
  sessions: number;
}

/** Asks a node (read-only) what a restore onto it needs to know; a node that does not answer says why. */
async function probeTarget(config: CockpitConfig, node: NodeConfig, database: string, tables: readonly string[]): Promise<RestoreTargetFacts> {
  try {
    const row = await withNodeClient(node, config, async (client) => (await client.query<TargetRow>(TARGET_SQL, [database])).rows[0]!, { connectTimeoutMs: 5000, statementTimeoutMs: 10_000 });
    const facts: RestoreTargetFacts = { inRecovery: row.in_recovery, readOnly: row.read_only, serverVersionNum: row.version, databases: row.databases, sessionsOnDatabase: row.sessions };
    if (tables.length > 0 && row.databases.includes(database)) {
      // The tables asked for that the target database has already (to_regclass: null for a missing one, no error).
      facts.existingTables = await withNodeClient(
        { ...node, database },
        config,
        async (client) => (await client.query<{ name: string }>('select name from unnest($1::text[]) as name where to_regclass(name) is not null', [tables])).rows.map((found) => found.name),
        { connectTimeoutMs: 5000, statementTimeoutMs: 10_000 },
      );
    }
    return facts;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** "primary": the first node that answers out of recovery; else the node named. */
async function resolveTarget(config: CockpitConfig, to: string | undefined): Promise<{ name?: string; problem?: string }> {
  if (to && to !== 'primary') return { name: to };
  const answers = await Promise.all(
    config.nodes.map((node) =>
      withNodeClient(node, config, async (client) => (await client.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r, { connectTimeoutMs: 3000 }).then(
        (inRecovery) => ({ node: node.name, inRecovery }),
        () => ({ node: node.name, inRecovery: undefined }),
      ),
    ),
  );
  const primary = answers.find((answer) => answer.inRecovery === false);
  return primary ? { name: primary.node } : { problem: `no node answered out of recovery (${answers.map((answer) => `${answer.node}: ${answer.inRecovery === undefined ? 'no answer' : 'standby'}`).join(', ')})` };
}

/**
 * One read-only look, then the restore plan: the catalog entry, the dump
 * verified (sha256 against the catalog, pg_restore --list reading its whole
 * table of contents, where the dumps are: as this machine's user, or on
 * backups.host's host as its OS user), the target resolved and asked
 * whether it is a writable primary, which databases and tables it has.
 */
export async function prepareRestore(
  config: CockpitConfig,
  backupId: string,
  options: RestoreOptions = {},
  prepare: { sessions?: PlanSessions; dir?: string; runners?: RunnerSource } = {},
): Promise<RestorePlan> {
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    return await prepareWith(config, backupId, options, prepare.dir, prepare.runners ?? own!);
  } finally {
    await own?.close();
  }
}

async function prepareWith(config: CockpitConfig, backupId: string, options: RestoreOptions, dirGiven: string | undefined, runners: RunnerSource): Promise<RestorePlan> {
  let dir: string;
  try {
    dir = dirGiven ?? catalogDir(config);
  } catch (error) {
    return planRestore(config, { entryProblem: error instanceof Error ? error.message : String(error) }, backupId, options);
  }
  // One moment for both looks: the new database's name is the same in the plan shown and the plan run.
  options = { ...options, now: options.now ?? new Date() };
  const facts: RestoreFacts = {};
  const store = catalogStoreFor(config, runners);
  let entry: BackupEntry | undefined;
  try {
    entry = await findBackup(dir, config.cluster, backupId, store);
    facts.entry = entry;
  } catch (error) {
    facts.entryProblem = error instanceof Error ? error.message : String(error);
    return planRestore(config, facts, backupId, options);
  }
  const first = planRestore(config, facts, backupId, options);
  const resolved = await resolveTarget(config, options.to);
  const node = config.nodes.find((candidate) => candidate.name === resolved.name);
  const tables = (options.tables ?? []).map((name) => (name.includes('.') ? name : `public.${name}`));
  const place = toolPlace(config, node ?? {});
  const [verification, target] = await Promise.all([
    verifyBackup(entry, runners.forNode(place.runner), toolIn(place, 'pg_restore'), store),
    node ? probeTarget(config, node, first.database, tables) : Promise.resolve(undefined),
  ]);
  return planRestore(
    config,
    { ...facts, verification, ...(resolved.name ? { targetNode: resolved.name } : {}), ...(resolved.problem ? { targetProblem: resolved.problem } : {}), ...(target ? { target } : {}) },
    backupId,
    options,
  );
}
