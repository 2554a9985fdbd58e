import { backupsHostNode } from '../../backups/backupsHost.js';
import type { BackupsDirFacts } from '../../backups/backupsDirFacts.js';
import { readBackupsDir } from '../../backups/backupsDirFacts.js';
import { catalogStoreFor } from '../../backups/catalogStoreFor.js';
import { findPgDumps } from '../../backups/findPgDump.js';
import { findPgDumpsOnHost } from '../../backups/findPgDumpOnHost.js';
import type { PgDumpCandidate } from '../../backups/pgDumpChoice.js';
import { runnerHostCommand } from '../../backups/runnerCatalogStore.js';
import { collectClusterView } from '../../cluster/collectClusterView.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import { formatBytes } from '../../cluster/formatBytes.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import type { LiveChoice } from '../form.js';
import type { RunnerSource } from '../plan.js';
import type { BackupFacts, BackupOptions, BackupPlan, DumpTable, NodeDatabases } from './planBackup.js';
import { planBackup, resolveBackupNode } from './planBackup.js';

/** The databases a dump can be taken of (templates and those refusing connections cannot), with their sizes, and a standby's conflict settings. */
const DATABASES_SQL = `select datname as name, pg_database_size(oid)::text as bytes,
  current_setting('max_standby_streaming_delay') as delay, current_setting('hot_standby_feedback') as feedback
from pg_database where datallowconn and not datistemplate order by datname`;

/**
 * The user tables (and materialized views) pg_dump dumps the data of, named
 * as its --verbose prints them, with size, row estimate and whether this
 * login may read them; extension and system schemas left out. The size is
 * pg_class.relpages (as of the last VACUUM or ANALYZE), not
 * pg_relation_size: that one waits for a lock an ALTER TABLE or a LOCK
 * holds, and planning must not hang behind it.
 */
const TABLES_SQL = `select n.nspname || '.' || c.relname as name, (c.relpages::bigint * current_setting('block_size')::bigint)::text as bytes, c.reltuples::float8 as rows,
  has_table_privilege(c.oid, 'select') as readable
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1`;

async function readNodeDatabases(config: CockpitConfig, node: NodeConfig, database: string | undefined): Promise<NodeDatabases> {
  const options = { connectTimeoutMs: 5000, statementTimeoutMs: 30_000 };
  try {
    const rows = await withNodeClient(node, config, async (client) => (await client.query<{ name: string; bytes: string; delay: string; feedback: string }>(DATABASES_SQL)).rows, options);
    const answer: NodeDatabases = {
      databases: rows.map((row) => ({ name: row.name, bytes: Number(row.bytes) })),
      ...(rows[0] ? { maxStandbyStreamingDelay: rows[0].delay, hotStandbyFeedback: rows[0].feedback } : {}),
    };
    if (database === undefined || !answer.databases.some((item) => item.name === database)) return answer;
    const tables = await withNodeClient(
      { ...node, database },
      config,
      async (client) => (await client.query<{ name: string; bytes: string; rows: number; readable: boolean }>(TABLES_SQL)).rows,
      options,
    );
    const dumpTables: DumpTable[] = tables.map((row) => ({ name: row.name, bytes: Number(row.bytes), rowEstimate: Number(row.rows), readable: row.readable }));
    return { ...answer, tables: dumpTables };
  } catch (error) {
    return { databases: [], problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The node's databases for the form's choice, largest first, each with its
 * size as its note; a node that does not answer: the error, in words.
 */
export async function readDatabaseChoices(config: CockpitConfig, target: string): Promise<LiveChoice[]> {
  const node = config.nodes.find((candidate) => candidate.name === target);
  if (!node) throw new Error(`no node named "${target}" in the config`);
  const answer = await readNodeDatabases(config, node, undefined);
  if (answer.problem) throw new Error(answer.problem);
  return [...answer.databases].sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)).map((database) => ({ value: database.name, note: formatBytes(database.bytes) }));
}

/**
 * The pg_dumps and the backups directory where the dump will run: this
 * machine, or backups.host's host through its runner (as its OS user). A
 * host that cannot be asked is a fact too, said in words.
 */
async function readDumpPlace(config: CockpitConfig, node: NodeConfig, runners: RunnerSource | undefined): Promise<Pick<BackupFacts, 'pgDumps' | 'backupsDir' | 'backupsHostProblem'>> {
  const hostNode = backupsHostNode(config);
  if (!hostNode || !config.backups) {
    const [pgDumps, backupsDir] = await Promise.all([findPgDumps(node.pgBinDir), config.backups ? readBackupsDir(config.backups.dir) : Promise.resolve(undefined)]);
    return { pgDumps, ...(backupsDir ? { backupsDir } : {}) };
  }
  const own = runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    const source = runners ?? own!;
    const [pgDumps, backupsDir]: [PgDumpCandidate[], BackupsDirFacts] = await Promise.all([
      findPgDumpsOnHost(runnerHostCommand(source.forNode(hostNode.name)), hostNode.pgBinDir),
      catalogStoreFor(config, source).dirFacts(config.backups.dir),
    ]);
    return { pgDumps, backupsDir };
  } catch (error) {
    return { backupsHostProblem: error instanceof Error ? error.message : String(error) };
  } finally {
    await own?.close();
  }
}

/**
 * One look at the cluster, then, changing nothing: the node's databases
 * (pg_database with sizes) and the tables of the one to dump, the pg_dumps
 * where the dump runs (this machine, or backups.host's host) with their
 * versions, and the backups directory there (writable, free space); the plan
 * is made from the answers. What the cockpit's modal and `pgcockpit backup`
 * both start from.
 */
export async function prepareBackup(config: CockpitConfig, asked: string, options: BackupOptions = {}, prepare: { runners?: RunnerSource } = {}): Promise<BackupPlan> {
  const view = await collectClusterView(config);
  const target = resolveBackupNode(config, view, asked);
  const node = config.nodes.find((candidate) => candidate.name === target);
  const up = view.nodes.some((snapshot) => snapshot.name === target && snapshot.status === 'up');
  if (!node || !up) return planBackup(config, { view }, target, options);
  const [answer, place] = await Promise.all([readNodeDatabases(config, node, options.database), readDumpPlace(config, node, prepare.runners)]);
  return planBackup(config, { view, node: answer, ...place }, target, options);
}
