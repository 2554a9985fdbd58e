import type { NodeConfig } from '../../config/schema.js';
import type { BackupEntry } from '../../backups/backupEntry.js';
import { catalogStoreInStep } from '../../backups/catalogStoreFor.js';
import { commandLine } from '../../os/shellQuote.js';
import { nodePassword } from '../../postgres/nodePassword.js';
import { tableDataProgress } from '../../runner/progress/tableDataProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { PlanStep, StepContext } from '../plan.js';
import type { RestoreToolOptions, ToolPlace } from './restoreCommands.js';
import { psqlStatement, qualifiedTable, restoreCommand, splitTable, sqlIdent } from './restoreCommands.js';
import { rowCountSummary } from './rowCountSummary.js';

/**
 * Runs a client tool where the dumps are (the jump host as the DBA who runs
 * pgcockpit, or backups.host's host as its OS user) against the node, its
 * password in PGPASSWORD, looked up now: never in argv, never in the plan.
 */
async function withPassword(ctx: StepContext, node: NodeConfig, place: ToolPlace, spec: CommandSpec, options?: Parameters<StepContext['command']>[2]): Promise<string> {
  const lookup = await nodePassword(node, ctx.config.passfile);
  return ctx.command(place.runner, lookup.found ? { ...spec, env: { ...spec.env, PGPASSWORD: lookup.password } } : spec, options);
}

function psqlStep(node: NodeConfig, place: ToolPlace, database: string, description: string, sql: string, extra: Partial<PlanStep> = {}): PlanStep {
  const spec = psqlStatement(node, database, sql, { mutating: true, place });
  return {
    node: node.name,
    description,
    detail: `${sql}   (psql on ${database})`,
    mutating: true,
    async run(ctx) {
      await withPassword(ctx, node, place, spec);
      return description;
    },
    ...extra,
  };
}

/** Reads the dump again and compares its sha256 with the catalog's, right before anything is written. */
export function verifyStep(node: NodeConfig, place: ToolPlace, entry: BackupEntry): PlanStep {
  return {
    node: node.name,
    description: `check ${entry.id}'s sha256 against the catalog before anything is written${place.where ? ` (on ${place.where})` : ''}`,
    detail: `sha256 of ${entry.path} = ${entry.sha256 ?? '?'}`,
    mutating: false,
    async run(ctx) {
      const { sha256 } = await catalogStoreInStep(ctx).checksum(entry.path);
      if (sha256 !== entry.sha256) throw new Error(`${entry.path} changed since it was planned: sha256 ${sha256.slice(0, 12)}…, the catalog has ${entry.sha256?.slice(0, 12)}…; nothing was written`);
      return `sha256 ${sha256.slice(0, 12)}… matches the catalog`;
    },
  };
}

/** DROP DATABASE that also ends sessions on it (WITH (FORCE), PostgreSQL 13+). */
function dropDatabaseSql(database: string, serverVersionNum: number): string {
  return `drop database if exists ${sqlIdent(database)}${serverVersionNum >= 130000 ? ' with (force)' : ''}`;
}

/** Creates the database the dump goes into, from template0 (template1 may hold objects the dump brings again); its undo drops it: it is new, nothing is lost. */
export function createDatabaseStep(node: NodeConfig, place: ToolPlace, database: string, serverVersionNum: number): PlanStep {
  return psqlStep(node, place, node.database, `create the new database ${database} on ${node.name}`, `create database ${sqlIdent(database)} template template0`, {
    undo: [psqlStep(node, place, node.database, `drop the new database ${database} (created by this restore: nothing is lost)`, dropDatabaseSql(database, serverVersionNum))],
    ifStoppedAfter: () => `${database} exists on ${node.name}, empty; drop it: psql -c 'drop database ${sqlIdent(database)}'`,
  });
}

/** The schemas of the tables asked for, in a new database (pg_restore -t restores a table, not its schema); the database's undo drops them with it. */
export function createSchemasStep(node: NodeConfig, place: ToolPlace, database: string, schemas: readonly string[]): PlanStep {
  return psqlStep(node, place, database, `create schema ${schemas.join(', ')} in ${database} (pg_restore -t restores the tables, not their schemas)`, schemas.map((schema) => `create schema if not exists ${sqlIdent(schema)}`).join('; '), {
    // Nothing of its own to undo: the new database's undo drops it with them.
    undo: [],
  });
}

/** Renames the database being replaced aside (it is not dropped); its undo renames it back. */
export function renameAsideStep(node: NodeConfig, place: ToolPlace, database: string, aside: string): PlanStep {
  return psqlStep(node, place, node.database, `rename ${database} to ${aside} (kept, not dropped)`, `alter database ${sqlIdent(database)} rename to ${sqlIdent(aside)}`, {
    undo: [psqlStep(node, place, node.database, `rename ${aside} back to ${database}`, `alter database ${sqlIdent(aside)} rename to ${sqlIdent(database)}`)],
    ifStoppedAfter: () => `${database} is now ${aside} on ${node.name}; to put it back: alter database ${sqlIdent(aside)} rename to ${sqlIdent(database)}`,
  });
}

/** Drops the database renamed aside: only when asked (--drop-replaced), as the last step. */
export function dropAsideStep(node: NodeConfig, place: ToolPlace, aside: string, serverVersionNum: number): PlanStep {
  return psqlStep(node, place, node.database, `drop ${aside}, the database replaced (asked for with --drop-replaced)`, dropDatabaseSql(aside, serverVersionNum));
}

/** Moves existing tables into a schema of their own (indexes, constraints and owned sequences go with them, so no name collides); the undo moves them back. */
export function moveTablesAsideStep(node: NodeConfig, place: ToolPlace, database: string, tables: readonly string[], asideSchema: string): PlanStep {
  const moves = tables.map((name) => `alter table ${qualifiedTable(name)} set schema ${sqlIdent(asideSchema)}`);
  const backs = tables.map((name) => {
    const { schema, table } = splitTable(name);
    return `alter table ${sqlIdent(asideSchema)}.${sqlIdent(table)} set schema ${sqlIdent(schema)}`;
  });
  return psqlStep(node, place, database, `move ${tables.join(', ')} aside into schema ${asideSchema} (kept, not dropped)`, ['begin', `create schema ${sqlIdent(asideSchema)}`, ...moves, 'commit'].join('; '), {
    undo: [psqlStep(node, place, database, `move ${tables.join(', ')} back from ${asideSchema}`, ['begin', ...backs, `drop schema ${sqlIdent(asideSchema)}`, 'commit'].join('; '))],
    ifStoppedAfter: () => `${tables.join(', ')} are in schema ${asideSchema} of ${database}`,
  });
}

/** The restore itself, with progress from pg_restore --verbose weighed by the catalog's table sizes. Its undo: the tables it made (the database's own undo drops a new one). */
export function restoreStep(node: NodeConfig, place: ToolPlace, entry: BackupEntry, options: RestoreToolOptions & { intoExisting: boolean }): PlanStep {
  const spec = restoreCommand(node, entry, { ...options, place });
  const sizes = (entry.tables ?? []).filter((table) => options.tables.length === 0 || options.tables.includes(table.name));
  const dropTables = options.tables.map((name) => `drop table if exists ${qualifiedTable(name)}`).join('; ');
  return {
    node: node.name,
    description: `restore ${entry.id} into ${options.database} with ${spec.program.split('/').at(-1)}${options.tables.length > 0 ? ` (tables ${options.tables.join(', ')})` : ''}${place.where ? ` on ${place.where}` : ''}`,
    detail: `PGPASSWORD=… ${commandLine(spec)}`,
    mutating: true,
    cancellable: true,
    // Into an existing database: drop the tables it made. Into a new one: nothing of its own (the new database's undo drops it all).
    undo: options.intoExisting ? [psqlStep(node, place, options.database, `drop the tables this restore made in ${options.database} (${options.tables.join(', ')}; they were not there)`, dropTables)] : [],
    async run(ctx) {
      await withPassword(ctx, node, place, spec, entry.format === 'plain' ? {} : { parseProgress: tableDataProgress(sizes) });
      return `${entry.id} restored into ${options.database} on ${node.name}`;
    },
  };
}

/** Counts the restored tables' rows, next to the catalog's estimates: the end summary. */
export function countRowsStep(node: NodeConfig, place: ToolPlace, entry: BackupEntry, database: string, tables: readonly string[], objects: number | undefined): PlanStep {
  const names = tables.length > 0 ? tables : (entry.tables ?? []).map((table) => table.name);
  const sql = names.length > 0 ? names.map((name) => `select ${literal(name)}, count(*) from ${qualifiedTable(name)}`).join(' union all ') : 'select 1 where false';
  const spec = psqlStatement(node, database, sql, { mutating: false, place });
  return {
    node: node.name,
    description: `count the restored rows in ${database}, next to the catalog's estimates`,
    detail: names.length > 0 ? `select count(*) of each of ${names.join(', ')}   (psql on ${database})` : 'no tables in the catalog entry',
    mutating: false,
    async run(ctx) {
      const out = names.length > 0 ? await withPassword(ctx, node, place, spec, { logStdout: false }) : '';
      const counts = Object.fromEntries(out.split('\n').filter((line) => line.includes('|')).map((line) => [line.slice(0, line.lastIndexOf('|')), Number(line.slice(line.lastIndexOf('|') + 1))]));
      const lines = rowCountSummary(entry, names, counts, objects);
      for (const line of lines) ctx.log(line);
      return lines[0];
    },
  };
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
