import path from 'node:path';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import type { BackupEntry } from '../../backups/backupEntry.js';
import { backupsHostLabel, backupsHostNode } from '../../backups/backupsHost.js';
import { JUMP_HOST } from '../../runner/nodeRunners.js';
import type { CommandSpec } from '../../runner/runner.js';

/** A database or table name as SQL must spell it: always in double quotes (a restored name may hold capitals). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** "schema.table" as SQL spells it; a bare name is in public. */
export function qualifiedTable(name: string): string {
  const { schema, table } = splitTable(name);
  return `${sqlIdent(schema)}.${sqlIdent(table)}`;
}

/** "public.orders" → { schema: public, table: orders }; "orders" → public.orders. */
export function splitTable(name: string): { schema: string; table: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { schema: 'public', table: name } : { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

/**
 * A client tool on this machine (the jump host, where the dumps are): the
 * node's pgBinDir when the node is on this machine too, else the one on PATH.
 */
export function clientTool(node: Pick<NodeConfig, 'pgBinDir' | 'ssh'>, name: string): string {
  return node.pgBinDir && !node.ssh ? path.join(node.pgBinDir, name) : name;
}

/**
 * Where a restore's client tools (psql, pg_restore) run: beside the dumps.
 * The runner's name, and the directory of the tools there (absent: PATH's).
 */
export interface ToolPlace {
  runner: string;
  binDir?: string;
  /** "db2's host as postgres", for the plan; absent on the jump host. */
  where?: string;
}

/**
 * backups.host's host with its node's pgBinDir, or the jump host with the
 * target's pgBinDir when the target is on this machine too (as clientTool).
 */
export function toolPlace(config: Pick<CockpitConfig, 'backups' | 'nodes'>, target: Pick<NodeConfig, 'pgBinDir' | 'ssh'>): ToolPlace {
  const host = backupsHostNode(config);
  if (host) return { runner: host.name, where: backupsHostLabel(config), ...(host.pgBinDir ? { binDir: host.pgBinDir } : {}) };
  return { runner: JUMP_HOST, ...(target.pgBinDir && !target.ssh ? { binDir: target.pgBinDir } : {}) };
}

/** A tool's path in a place: in its binDir, else the name (found on PATH there). */
export function toolIn(place: ToolPlace | undefined, name: string): string {
  return place?.binDir ? path.join(place.binDir, name) : name;
}

/** How the tools reach the node: its address and login; the password never here (PGPASSWORD, added when the step runs). */
function connection(node: NodeConfig, database: string): string[] {
  return ['-h', node.host, '-p', String(node.port), '-U', node.user, '-d', database];
}

/** One statement through psql on a database of the node, stopping at the first error. */
export function psqlStatement(node: NodeConfig, database: string, sql: string, options: { mutating: boolean; place?: ToolPlace }): CommandSpec {
  return {
    program: options.place ? toolIn(options.place, 'psql') : clientTool(node, 'psql'),
    args: ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', ...connection(node, database), '-c', sql],
    env: { LC_MESSAGES: 'C' },
    mutating: options.mutating,
    timeoutMs: 10 * 60_000,
  };
}

export interface RestoreToolOptions {
  database: string;
  /** Tables to restore ("schema.name"); empty: the whole dump. */
  tables: readonly string[];
  jobs: number;
  /** Where the tool runs (default: this machine, as clientTool). */
  place?: ToolPlace;
}

/**
 * The tool the dump's format needs, never pg_dump: pg_restore for the custom
 * and directory formats (their table of contents lets it pick tables and run
 * `-j` jobs in parallel, one per table); psql for a plain dump, which is an
 * SQL script. --exit-on-error: a restore that hit an error stops and its new
 * database is dropped, instead of a half-restored database that looks fine.
 */
export function restoreCommand(node: NodeConfig, entry: Pick<BackupEntry, 'format' | 'path'>, options: RestoreToolOptions): CommandSpec {
  if (entry.format === 'plain') {
    return {
      program: options.place ? toolIn(options.place, 'psql') : clientTool(node, 'psql'),
      args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', ...connection(node, options.database), '-f', entry.path],
      env: { LC_MESSAGES: 'C' },
      mutating: true,
    };
  }
  const selection = options.tables.flatMap((name) => {
    const { schema, table } = splitTable(name);
    return ['-n', schema, '-t', table];
  });
  return {
    program: options.place ? toolIn(options.place, 'pg_restore') : clientTool(node, 'pg_restore'),
    args: ['--verbose', '--exit-on-error', ...(options.jobs > 1 ? ['-j', String(options.jobs)] : []), ...connection(node, options.database), ...selection, entry.path],
    env: { LC_MESSAGES: 'C' },
    mutating: true,
  };
}
