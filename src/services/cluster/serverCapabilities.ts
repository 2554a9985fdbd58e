import type pg from 'pg';

/**
 * What one server offers, read once per connection and never guessed from
 * its version number: the statement pgcockpit polls with is built from it,
 * so a column a build lacks (or a new one it has) is simply not asked for.
 * Column drift between majors is what breaks replication tools most often:
 * pg_replication_slots gained wal_status and safe_wal_size in 13,
 * conflicting in 16, invalidation_reason, inactive_since, failover and synced
 * in 17; checkpointer statistics moved to pg_stat_checkpointer in 17.
 */
export interface ServerCapabilities {
  /** server_version_num, e.g. 170010: shown, and kept for the few behaviours no catalog reveals. */
  versionNum: number;
  /** The columns pg_replication_slots has on this server. */
  slotColumns: ReadonlySet<string>;
  /** pg_stat_checkpointer exists (17 and later): checkpoints are counted there, not in pg_stat_bgwriter. */
  statCheckpointer: boolean;
}

/** One round trip: the version, the slot view's columns, and whether pg_stat_checkpointer exists. */
export const CAPABILITIES_SQL = `select
  current_setting('server_version_num')::int as version_num,
  array(select attname::text from pg_attribute
        where attrelid = 'pg_catalog.pg_replication_slots'::regclass and attnum > 0 and not attisdropped
        order by attnum) as slot_columns,
  to_regclass('pg_catalog.pg_stat_checkpointer') is not null as stat_checkpointer`;

/** Reads them; call once after connecting, not per tick. */
export async function readServerCapabilities(client: pg.Client): Promise<ServerCapabilities> {
  const row = (await client.query<{ version_num: number; slot_columns: string[]; stat_checkpointer: boolean }>(CAPABILITIES_SQL)).rows[0];
  if (!row || typeof row.version_num !== 'number' || !Number.isInteger(row.version_num)) throw new Error('server_version_num: no integer in the answer');
  return { versionNum: row.version_num, slotColumns: new Set(row.slot_columns), statCheckpointer: row.stat_checkpointer === true };
}

/** True when the server's pg_replication_slots has `column`. */
export function hasSlotColumn(capabilities: ServerCapabilities, column: string): boolean {
  return capabilities.slotColumns.has(column);
}
