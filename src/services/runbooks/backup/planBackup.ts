import { shellJoin } from '../../os/shellQuote.js';
import { formatBytes } from '../../cluster/formatBytes.js';
import type { ClusterView } from '../../cluster/clusterView.js';
import type { CockpitConfig } from '../../config/schema.js';
import type { BackupFormat } from '../../backups/backupEntry.js';
import { backupPaths } from '../../backups/backupCatalog.js';
import { backupsHostLabel, backupsHostNode } from '../../backups/backupsHost.js';
import type { BackupsDirFacts } from '../../backups/backupsDirFacts.js';
import type { PgDumpCandidate } from '../../backups/pgDumpChoice.js';
import { choosePgDump } from '../../backups/pgDumpChoice.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
import { backupSteps } from './backupSteps.js';

export { BACKUP_FORMATS } from './backupFormats.js';

export interface BackupOptions {
  database?: string;
  /** Default custom (pg_dump -Fc: compressed, pg_restore picks tables from it). */
  format?: BackupFormat;
  /** pg_dump -j: parallel workers, directory format only. */
  jobs?: number;
  /** pg_dump -t: only these tables (patterns as pg_dump reads them). */
  tables?: readonly string[];
  /** The moment the dump is named after (tests pin it); default now. */
  now?: Date;
}

/** A user table of the database, as read before the dump: its size weighs the progress, its estimate goes into the catalog. */
export interface DumpTable {
  /** "schema.name", unquoted, as pg_dump --verbose prints it. */
  name: string;
  bytes: number;
  /** pg_class.reltuples (-1 on PostgreSQL 14+ for a table never vacuumed or analysed: unknown). */
  rowEstimate: number;
  /** The login may SELECT it (pg_dump fails on the first table it may not read). */
  readable: boolean;
}

/** What the node said about its databases (one connection, nothing changed). */
export interface NodeDatabases {
  databases: Array<{ name: string; bytes: number }>;
  /** The tables of the database to dump, when it exists. */
  tables?: DumpTable[];
  /** A standby's settings that decide whether replay cancels a long dump. */
  maxStandbyStreamingDelay?: string;
  hotStandbyFeedback?: string;
  /** Why the node could not be asked. */
  problem?: string;
}

export interface BackupFacts {
  view: ClusterView;
  /** The node's answer; absent: not asked (the node is down or unknown). */
  node?: NodeDatabases;
  /** The pg_dumps where the dump runs: the jump host, or backups.host's host (absent: not looked for). */
  pgDumps?: PgDumpCandidate[];
  /** config.backups.dir there (absent: not asked, or not configured). */
  backupsDir?: BackupsDirFacts;
  /** backups.host's host could not be asked (its runner failed): why. */
  backupsHostProblem?: string;
}

export interface BackupPlan extends Plan {
  database: string | null;
  format: BackupFormat;
  /** The catalog id and where the dump goes once complete (null when refused early). */
  id: string | null;
  path: string | null;
  /** The pg_dump that runs, and why it was chosen. */
  pgDump: string | null;
}

/** `--node standby`, unless a node has that name: a caught-up standby spares the primary. */
export const ANY_STANDBY = 'standby';

/**
 * The node `--node` names; `standby` (when no node is called that) is the
 * first caught-up streaming standby, else any streaming one, else the
 * primary: what a cron job that must spare the primary asks for.
 */
export function resolveBackupNode(config: Pick<CockpitConfig, 'nodes'>, view: ClusterView, asked: string): string {
  if (asked !== ANY_STANDBY || config.nodes.some((node) => node.name === ANY_STANDBY)) return asked;
  const up = new Set(view.nodes.filter((node) => node.status === 'up').map((node) => node.name));
  const streaming = view.links.filter((link) => link.receiverStreaming && up.has(link.standby));
  const chosen = streaming.find((link) => link.caughtUp) ?? streaming[0];
  return chosen?.standby ?? view.nodes.find((node) => node.status === 'up' && node.role === 'primary')?.name ?? asked;
}

/** "s.t" matches table t in schema s; "t" matches t in any schema; a pattern with wildcards is left to pg_dump. */
export function tableMatches(table: string, wanted: string): boolean {
  return table === wanted || table.endsWith(`.${wanted}`);
}

const PATTERN = /[*?]/;

/**
 * The plan that dumps one database of a node with pg_dump into
 * config.backups.dir, run on the jump host as the current user, or on
 * backups.host's host as its OS user (pure: facts in, plan out). A standby is the place to dump (it spares the primary); the dump is
 * written under a temporary name and renamed only once pg_restore read its
 * table of contents, with its catalog entry beside it from the start
 * (running, then complete; cancelled or failed with the partial removed).
 */
export function planBackup(config: CockpitConfig, facts: BackupFacts, asked: string, options: BackupOptions = {}): BackupPlan {
  const checks: PreflightCheck[] = [];
  const nodeName = resolveBackupNode(config, facts.view, asked);
  const warnings: string[] = [];
  const format = options.format ?? 'custom';
  const database = options.database ?? null;
  const tablesWanted = options.tables ?? [];
  let paths: ReturnType<typeof backupPaths> | undefined;
  let pgDump: string | null = null;
  const finish = (steps: PlanStep[]): BackupPlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    return {
      title: `backup ${database ?? '(no database)'} from ${nodeName}`,
      target: nodeName,
      confirmWord: nodeName,
      checks,
      steps: blocked ? [] : steps,
      blocked,
      blockedReasons,
      warnings,
      undoOnFailure: false,
      retryCommand: backupCommandLine(nodeName, { ...options, format }),
      database,
      format,
      id: paths?.id ?? null,
      path: paths?.path ?? null,
      pgDump,
    };
  };

  const node = config.nodes.find((candidate) => candidate.name === nodeName);
  if (!node) {
    checks.push(unknownNodeCheck(config, nodeName));
    return finish([]);
  }
  const snapshot = facts.view.nodes.find((candidate) => candidate.name === nodeName);
  const server = snapshot?.status === 'up' ? snapshot.server : undefined;
  if (!snapshot || !server) {
    checks.push({ label: `${nodeName} is up`, status: 'fail', observed: `${nodeName} is down: ${snapshot?.downReason ?? 'not polled'}`, fix: 'start it, or dump another node (--node)' });
    return finish([]);
  }
  const serverMajor = Math.floor(server.versionNum / 10000);
  const primary = facts.view.nodes.find((candidate) => candidate.status === 'up' && candidate.role === 'primary');
  const caughtUpStandbys = facts.view.links.filter((link) => link.caughtUp && link.receiverStreaming).map((link) => link.standby);
  if (snapshot.role === 'primary') {
    checks.push({ label: `${nodeName} is up`, status: 'ok', observed: `primary, PostgreSQL ${server.version}` });
    if (caughtUpStandbys.length > 0) warnings.push(`${nodeName} is the primary: the caught-up standby ${caughtUpStandbys[0]} could take the dump instead and spare it (--node ${caughtUpStandbys[0]})`);
  } else {
    const link = facts.view.links.find((candidate) => candidate.standby === nodeName);
    const lag = link?.lagBytes != null ? formatBytes(link.lagBytes) : 'unknown';
    checks.push({ label: `${nodeName} is up`, status: 'ok', observed: `standby, PostgreSQL ${server.version}${link?.caughtUp ? ', caught up' : `, replay ${lag} behind`}: the dump spares the primary` });
    if (link && !link.caughtUp) warnings.push(`${nodeName} is ${lag} behind${primary ? ` ${primary.name}` : ''}: the dump shows the data as ${nodeName} has replayed it when the dump starts`);
    const settings = facts.node;
    if (settings?.maxStandbyStreamingDelay !== undefined && settings.maxStandbyStreamingDelay !== '-1' && settings.hotStandbyFeedback !== 'on') {
      warnings.push(
        `${nodeName} has max_standby_streaming_delay = ${settings.maxStandbyStreamingDelay} and hot_standby_feedback = ${settings.hotStandbyFeedback ?? 'off'}: ` +
          'a dump that runs longer may be cancelled by a recovery conflict (raise the delay, set hot_standby_feedback = on, or dump the primary)',
      );
    }
  }

  // The backups directory, on the jump host or backups.host's host: where pg_dump runs, the dump and its catalog entry go.
  const dir = config.backups?.dir;
  if (!dir) {
    checks.push({ label: 'a backups directory', status: 'fail', observed: 'the config has no backups.dir', fix: 'add "backups: { dir: /path/on/this/machine }" to the config' });
    return finish([]);
  }
  const hostNode = backupsHostNode(config);
  const where = backupsHostLabel(config);
  const hostName = hostNode ? `${hostNode.name}'s host` : 'this machine';
  if (hostNode && facts.backupsHostProblem !== undefined) {
    checks.push({ label: `${hostName} answers (backups.host: pg_dump runs there)`, status: 'fail', observed: facts.backupsHostProblem, fix: `make ${hostNode.name}'s host reachable as ${hostNode.osUser}, or remove backups.host to dump from this machine` });
    return finish([]);
  }
  const dirFacts = facts.backupsDir;
  if (dirFacts) {
    const label = hostNode ? `${dir} is writable on ${where}` : `${dir} is writable here`;
    const user = hostNode ? hostNode.osUser : 'this user';
    checks.push(
      dirFacts.writable
        ? { label, status: 'ok', observed: dirFacts.exists ? 'it exists' : 'missing: it is created' }
        : { label, status: 'fail', observed: dirFacts.problem ?? 'not writable', fix: `create it for ${user}${hostNode ? ` on ${hostName}` : ''} (mkdir -p ${dir}), or set backups.dir to a directory ${user} may write` },
    );
  }

  // The database, from the live pg_database list.
  const answer = facts.node;
  const listed = answer?.databases.map((item) => `${item.name} ${formatBytes(item.bytes)}`).join(', ') ?? '';
  if (answer?.problem) {
    checks.push({ label: `${nodeName}'s databases`, status: 'fail', observed: `could not be read: ${answer.problem}` });
    return finish([]);
  }
  if (!database) {
    checks.push({ label: 'a database to dump', status: 'fail', observed: 'none named', fix: `--db one of: ${listed || '(not read)'}` });
    return finish([]);
  }
  const found = answer?.databases.find((item) => item.name === database);
  if (answer) {
    if (!found) {
      checks.push({ label: `database ${database} exists on ${nodeName}`, status: 'fail', observed: `no such database; there are: ${listed}`, fix: 'name one of those (--db)' });
      return finish([]);
    }
    checks.push({ label: `database ${database} exists on ${nodeName}`, status: 'ok', observed: `${formatBytes(found.bytes)}, ${answer.tables?.length ?? 0} tables` });
  }

  // What is dumped: every table, or the ones named.
  const tables = (answer?.tables ?? []).filter((table) => tablesWanted.length === 0 || tablesWanted.some((wanted) => PATTERN.test(wanted) || tableMatches(table.name, wanted)));
  const missing = tablesWanted.filter((wanted) => !PATTERN.test(wanted) && answer?.tables && !answer.tables.some((table) => tableMatches(table.name, wanted)));
  if (missing.length > 0) {
    checks.push({ label: `tables named exist in ${database}`, status: 'fail', observed: `not found: ${missing.join(', ')}`, fix: 'name them as schema.table (pg_dump -t patterns: * and ? are passed on)' });
  } else if (tablesWanted.length > 0) {
    checks.push({ label: `tables named exist in ${database}`, status: 'ok', observed: tables.map((table) => table.name).join(', ') });
  }
  const unreadable = tables.filter((table) => !table.readable);
  if (unreadable.length > 0) {
    checks.push({
      label: `${node.user} may read every table dumped`,
      status: 'fail',
      observed: `it may not SELECT ${unreadable.length} of them: ${unreadable.slice(0, 5).map((table) => table.name).join(', ')}${unreadable.length > 5 ? ', …' : ''}`,
      fix: `pg_dump logs in as the node's user (${node.user}): give it SELECT on them (or pg_read_all_data, PostgreSQL 14+), or dump as a role that may`,
    });
  }

  // The format: -j works with directory format only.
  if (options.jobs !== undefined && (!Number.isInteger(options.jobs) || options.jobs < 1)) {
    checks.push({ label: 'parallel jobs', status: 'fail', observed: `--jobs ${options.jobs}`, fix: 'a whole number ≥ 1' });
  } else if (options.jobs !== undefined && options.jobs > 1 && format !== 'directory') {
    checks.push({ label: 'parallel jobs', status: 'fail', observed: `--jobs ${options.jobs} with --format ${format}`, fix: 'pg_dump runs parallel workers into a directory only: --format directory' });
  }

  // pg_dump: its major version ≥ the server's.
  let chosenPgDump: PgDumpCandidate | undefined;
  if (facts.pgDumps) {
    const choice = choosePgDump(facts.pgDumps, serverMajor, hostName);
    const label = `a pg_dump ≥ ${serverMajor} on ${hostName}`;
    if (choice.chosen) {
      chosenPgDump = choice.chosen;
      pgDump = choice.chosen.path;
      checks.push({ label, status: 'ok', observed: choice.reason });
    } else {
      const binDirOf = hostNode ? hostNode.name : nodeName;
      checks.push({ label, status: 'fail', observed: choice.reason, fix: `install ${choice.install}${hostNode ? ` on ${hostName}` : ''}, or set ${binDirOf}'s pgBinDir to PostgreSQL ${serverMajor}+ binaries ${hostNode ? 'there' : 'here'}` });
    }
  }

  // Room for the dump: a plain dump is about the table data; a compressed one is usually much smaller.
  if (dirFacts?.freeBytes !== undefined && found) {
    const needed = tablesWanted.length > 0 ? tables.reduce((sum, table) => sum + table.bytes, 0) : found.bytes;
    const observed = `${formatBytes(dirFacts.freeBytes)} free, ${tablesWanted.length > 0 ? 'the tables take' : `${database} takes`} ${formatBytes(needed)}`;
    if (dirFacts.freeBytes >= needed) checks.push({ label: `room for the dump in ${dir}`, status: 'ok', observed });
    else if (format !== 'plain' && dirFacts.freeBytes >= needed / 4) checks.push({ label: `room for the dump in ${dir}`, status: 'warn', observed, fix: 'a compressed dump is usually far smaller; if the disk fills, the dump fails and its partial file is removed' });
    else checks.push({ label: `room for the dump in ${dir}`, status: 'fail', observed, fix: `free space in ${dir}, or point backups.dir elsewhere` });
  }

  if (!chosenPgDump || !found) return finish([]);
  paths = backupPaths(dir, config.cluster, database, format, options.now ?? new Date());
  const steps = backupSteps({
    config,
    node,
    database,
    format,
    ...(options.jobs !== undefined && options.jobs > 1 ? { jobs: options.jobs } : {}),
    tablesWanted,
    tables,
    paths,
    pgDump: chosenPgDump,
    serverVersion: server.version,
    ...(snapshot.role === 'standby' && primary ? { primary: primary.name } : {}),
    standby: snapshot.role === 'standby',
  });
  return finish(steps);
}

/** "pgcockpit backup --node pg2 --db shop --format directory --jobs 2 --yes". */
export function backupCommandLine(node: string, options: BackupOptions): string {
  const words = ['pgcockpit', 'backup', '--node', node];
  if (options.database) words.push('--db', options.database);
  if (options.format && options.format !== 'custom') words.push('--format', options.format);
  if (options.jobs !== undefined) words.push('--jobs', String(options.jobs));
  for (const table of options.tables ?? []) words.push('--table', table);
  words.push('--yes');
  return shellJoin(words);
}
