import type { BackupEntry } from '../../backups/backupEntry.js';
import type { Verification } from '../../backups/verifyBackup.js';
import type { CockpitConfig } from '../../config/schema.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
import { toolPlace } from './restoreCommands.js';
import { countRowsStep, createDatabaseStep, createSchemasStep, dropAsideStep, moveTablesAsideStep, renameAsideStep, restoreStep, verifyStep } from './restoreSteps.js';

export interface RestoreOptions {
  /** The node to restore on; absent or "primary": the current primary. */
  to?: string;
  /** The database to restore into; absent: a new one, <db>_restored_<UTC stamp>. */
  database?: string;
  /** Only these tables ("schema.name" or "name" for public.name). */
  tables?: readonly string[];
  /** An existing database (or, with tables, existing tables) may be replaced: moved aside first, never dropped. */
  replace?: boolean;
  /** With replace: drop the database renamed aside once the restore succeeded. */
  dropReplaced?: boolean;
  /** pg_restore -j (default 2). */
  jobs?: number;
  /** The moment names are made from (tests pin it); default now. */
  now?: Date;
}

/** What the target node said when asked, read-only. */
export interface RestoreTargetFacts {
  /** Did not answer: why. */
  error?: string;
  inRecovery?: boolean;
  /** default_transaction_read_only or transaction_read_only is on. */
  readOnly?: boolean;
  serverVersionNum?: number;
  databases?: string[];
  /** Sessions connected to the database a --replace would rename (rename needs none). */
  sessionsOnDatabase?: number;
  /** Of the tables asked for, those the target database has already ("schema.name"). */
  existingTables?: string[];
}

export interface RestoreFacts {
  /** The catalog entry, or why it could not be found. */
  entry?: BackupEntry;
  entryProblem?: string;
  verification?: Verification;
  /** The node the target resolves to ("primary": the one not in recovery), or why none. */
  targetNode?: string;
  targetProblem?: string;
  target?: RestoreTargetFacts;
}

export type RestoreMode = 'new' | 'replace' | 'tables';

export interface RestorePlan extends Plan {
  backupId: string;
  /** The database the dump goes into. */
  database: string;
  mode: RestoreMode;
  tool: 'pg_restore' | 'psql';
  toolReason: string;
  /** replace: where the old database is kept. */
  asideDatabase: string | null;
}

/** "20261130_134501": a name part in lower case (a database name without quotes), sorting by time. */
export function restoreStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '_').replace(/\.\d+Z$/, '').toLowerCase();
}

/** PostgreSQL cuts identifiers at 63 bytes (NAMEDATALEN - 1) without a word: a longer name would land elsewhere. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The plan that restores catalog dump `backupId` (pure: the facts come from
 * prepareRestore). The dump's format picks the tool (pg_restore for custom
 * and directory, psql for plain: never pg_dump); the target must be a
 * writable primary; the default is a new database, so nothing there is
 * touched; an existing database is only replaced with `replace`, renamed
 * aside first (the typed confirmation is its name); tables go into an existing
 * database only where they do not exist, unless `replace` moves the old ones
 * into a schema of their own. The checksum and table of contents are checked
 * before the plan is offered, and the checksum again before anything is
 * written. A failure or a cancel undoes what was made (undoOnFailure).
 */
export function planRestore(config: CockpitConfig, facts: RestoreFacts, backupId: string, options: RestoreOptions = {}): RestorePlan {
  const checks: PreflightCheck[] = [];
  const warnings: string[] = [];
  const entry = facts.entry;
  const tables = [...(options.tables ?? [])].map((name) => (name.includes('.') ? name : `public.${name}`));
  const stamp = restoreStamp(options.now ?? new Date());
  const database = options.database && options.database !== '' ? options.database : `${entry?.database ?? 'db'}_restored_${stamp}`;
  const tool = entry?.format === 'plain' ? 'psql' : 'pg_restore';
  const jobs = options.jobs ?? 2;
  const toolReason =
    entry?.format === 'plain'
      ? 'a plain dump is an SQL script: psql runs it (-v ON_ERROR_STOP=1, in one transaction); pg_dump would only write another dump'
      : `a ${entry?.format ?? 'custom'}-format dump has a table of contents: pg_restore reads it${jobs > 1 ? ` and restores ${jobs} tables at a time (-j ${jobs})` : ''}; pg_dump would only write another dump`;
  let mode: RestoreMode = 'new';
  let asideDatabase: string | null = null;
  const nodeName = facts.targetNode ?? (options.to && options.to !== 'primary' ? options.to : 'primary');
  const finish = (steps: PlanStep[]): RestorePlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    return {
      title: `restore ${backupId} into ${database} on ${nodeName}`,
      target: nodeName,
      // A new database's name, or the database being replaced: what the DBA types is what the restore writes into.
      confirmWord: database,
      // Replacing a database is confirmed by typing its name, even with --yes.
      ...(mode === 'replace' ? { mustType: true } : {}),
      checks,
      steps: blocked ? [] : steps,
      blocked,
      blockedReasons,
      warnings,
      undoOnFailure: true,
      retryCommand: `pgcockpit restore ${backupId} --to ${nodeName} --db ${database}${tables.map((name) => ` --table ${name}`).join('')}${options.replace ? ' --replace' : ''} --yes`,
      backupId,
      database,
      mode,
      tool,
      toolReason,
      asideDatabase,
    };
  };

  if (!entry) {
    checks.push({ label: `${backupId} is in the backup catalog`, status: 'fail', observed: facts.entryProblem ?? 'not found', fix: 'pgcockpit backups lists the dumps there are' });
    return finish([]);
  }
  checks.push({ label: `${backupId} is in the backup catalog`, status: 'ok', observed: `${entry.format} dump of ${entry.database} from ${entry.node}, taken ${entry.startedAt}` });
  const verification = facts.verification;
  const wholeLabel = `the dump is whole: sha256 as in the catalog, ${entry.format === 'plain' ? "pg_dump's last line there" : 'its table of contents readable'}`;
  checks.push(
    verification?.ok
      ? {
          label: wholeLabel,
          status: 'ok',
          observed: `sha256 ${verification.sha256?.slice(0, 12)}…, ${verification.sizeBytes} bytes${verification.toc ? `, ${verification.toc.entries.length} objects in its table of contents` : ''}`,
        }
      : {
          label: wholeLabel,
          status: 'fail',
          observed: verification ? verification.reasons.join('; ') : 'not checked',
          fix: 'restore another dump (pgcockpit backups), or take a new one',
        },
  );
  checks.push({ label: 'the tool for its format', status: 'ok', observed: `${tool}: ${toolReason}` });

  const node = config.nodes.find((candidate) => candidate.name === facts.targetNode);
  if (!facts.targetNode || !node) {
    if (facts.targetNode || (options.to && options.to !== 'primary')) checks.push(unknownNodeCheck(config, facts.targetNode ?? options.to!));
    else checks.push({ label: 'the target is a writable primary', status: 'fail', observed: facts.targetProblem ?? 'no primary answered', fix: 'name a node with --to' });
    return finish([]);
  }
  const target = facts.target ?? {};
  if (target.error !== undefined) {
    checks.push({ label: `${node.name} is a writable primary`, status: 'fail', observed: `does not answer: ${target.error}`, fix: `start ${node.name}, or restore on another node (--to)` });
    return finish([]);
  }
  if (target.inRecovery) {
    checks.push({ label: `${node.name} is a writable primary`, status: 'fail', observed: `${node.name} is a standby (in recovery): it cannot be written to`, fix: 'restore on the primary (--to primary); the standbys get the rows by replication' });
  } else if (target.readOnly) {
    checks.push({ label: `${node.name} is a writable primary`, status: 'fail', observed: `${node.name} is read-only (default_transaction_read_only is on)`, fix: `restore on a writable primary, or turn default_transaction_read_only off on ${node.name}` });
  } else {
    checks.push({ label: `${node.name} is a writable primary`, status: 'ok', observed: `primary, PostgreSQL ${Math.floor((target.serverVersionNum ?? 0) / 10000)}` });
  }
  const exists = (target.databases ?? []).includes(database);
  if (Buffer.byteLength(database) > MAX_IDENTIFIER_BYTES) {
    checks.push({ label: `the database name ${database}`, status: 'fail', observed: `${Buffer.byteLength(database)} bytes: PostgreSQL cuts names at ${MAX_IDENTIFIER_BYTES}`, fix: 'name a shorter one with --db' });
  }
  if (tables.length > 0) {
    mode = exists ? 'tables' : 'new';
    if (entry.format === 'plain') {
      checks.push({ label: 'single tables can be picked from the dump', status: 'fail', observed: 'a plain dump is one SQL script: no tool can restore one table out of it', fix: 'restore it whole into a new database, or take a custom-format dump' });
    }
    const inDump = new Set([...(verification?.toc?.entries ?? []).filter((item) => item.type === 'TABLE').map((item) => `${item.schema}.${item.name}`), ...(entry.tables ?? []).map((table) => table.name)]);
    const missing = tables.filter((name) => !inDump.has(name));
    checks.push(
      missing.length > 0
        ? { label: 'the tables asked for are in the dump', status: 'fail', observed: `not in the dump: ${missing.join(', ')}`, fix: `pgcockpit backups --show ${backupId} lists its tables` }
        : { label: 'the tables asked for are in the dump', status: 'ok', observed: tables.join(', ') },
    );
    const present = exists ? (target.existingTables ?? []) : [];
    if (present.length > 0 && !options.replace) {
      checks.push({ label: `${tables.join(', ')} do not exist in ${database} yet`, status: 'fail', observed: `${database} has ${present.join(', ')} already: the restore would not overwrite them`, fix: `--replace moves them aside into a schema of their own first (kept, not dropped), or restore into a new database (leave out --db)` });
    } else if (exists) {
      checks.push({ label: `${tables.join(', ')} do not exist in ${database} yet`, status: 'ok', observed: present.length > 0 ? `${present.join(', ')} will be moved aside into schema pgcockpit_aside_${stamp}` : 'none of them exists' });
    }
    if (exists) warnings.push(`pg_restore -t restores a table's definition and rows, not its indexes, constraints or triggers: recreate those in ${database} if it needs them`);
  } else if (exists) {
    if (!options.replace) {
      checks.push({ label: `${database} does not exist on ${node.name}`, status: 'fail', observed: `${database} exists: restoring into it would mix the dump with what is there`, fix: `--replace renames it aside first (kept, not dropped; you type its name), or leave out --db for a new database` });
    } else {
      mode = 'replace';
      asideDatabase = `${database}_replaced_${stamp}`;
      if (database === node.database) {
        checks.push({ label: `${database} can be renamed aside`, status: 'fail', observed: `${database} is the database pgcockpit logs into on ${node.name}`, fix: 'restore into a new database and rename it by hand' });
      } else if ((target.sessionsOnDatabase ?? 0) > 0) {
        checks.push({ label: `${database} can be renamed aside`, status: 'fail', observed: `${target.sessionsOnDatabase} session(s) connected to it: ALTER DATABASE RENAME needs none`, fix: `end them (select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}') or stop the application` });
      } else {
        checks.push({ label: `${database} can be renamed aside`, status: 'ok', observed: `no session on it; it will be kept as ${asideDatabase}${options.dropReplaced ? ' and dropped at the end (--drop-replaced)' : ''}` });
      }
    }
  } else {
    checks.push({ label: `${database} does not exist on ${node.name}`, status: 'ok', observed: 'a new database: nothing there is touched' });
    if (options.replace) warnings.push(`--replace: ${database} does not exist, so nothing is replaced`);
  }

  const version = target.serverVersionNum ?? 0;
  const place = toolPlace(config, node);
  const steps: PlanStep[] = [verifyStep(node, place, entry)];
  if (mode === 'replace') steps.push(renameAsideStep(node, place, database, asideDatabase!));
  if (mode !== 'tables') steps.push(createDatabaseStep(node, place, database, version));
  const schemas = [...new Set(tables.map((name) => name.slice(0, name.indexOf('.'))))].filter((schema) => schema !== 'public');
  if (mode === 'new' && schemas.length > 0) steps.push(createSchemasStep(node, place, database, schemas));
  const moved = mode === 'tables' ? (target.existingTables ?? []) : [];
  if (moved.length > 0 && options.replace) steps.push(moveTablesAsideStep(node, place, database, moved, `pgcockpit_aside_${stamp}`));
  steps.push(restoreStep(node, place, entry, { database, tables, jobs, intoExisting: mode === 'tables' }));
  steps.push(countRowsStep(node, place, entry, database, tables, verification?.toc?.entries.length));
  if (mode === 'replace' && options.dropReplaced) steps.push(dropAsideStep(node, place, asideDatabase!, version));
  return finish(steps);
}
