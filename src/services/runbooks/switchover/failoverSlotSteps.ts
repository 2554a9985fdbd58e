import type { NodeConfig } from '../../config/schema.js';
import { sqlLiteral } from '../failover/repointStandby.js';
import type { PlanStep } from '../plan.js';

/**
 * After a switchover, the new primary must hold logical changes back until
 * its own standbys have them (PostgreSQL 17+ failover slots): its
 * synchronized_standby_slots names their physical slots, the old primary's
 * among them. Set by ALTER SYSTEM and a reload (it needs no restart).
 */
export function synchronizedStandbySlotsStep(newPrimary: NodeConfig, slots: readonly string[]): PlanStep {
  const value = slots.join(', ');
  const sql = [`alter system set synchronized_standby_slots = ${sqlLiteral(value)}`, 'select pg_reload_conf()'];
  return {
    node: newPrimary.name,
    description: `set synchronized_standby_slots on ${newPrimary.name} to its standbys' slots`,
    detail: sql.join('; '),
    mutating: true,
    async run(ctx) {
      for (const statement of sql) await ctx.sql(newPrimary.name, statement, { mutating: true });
      return `synchronized_standby_slots = '${value}'`;
    },
  };
}

/**
 * The old primary, a standby now, still holds its own failover slots, not
 * synced copies: the slot sync worker refuses to sync a slot whose name is
 * taken by one it did not make, so they are dropped (inactive ones only) and
 * come back as synced copies of the new primary's.
 */
export function dropUnsyncedFailoverSlotsStep(oldPrimary: NodeConfig, slots: readonly string[]): PlanStep {
  const sql =
    `select slot_name, pg_drop_replication_slot(slot_name) from pg_replication_slots ` +
    `where slot_type = 'logical' and failover and not synced and not active and slot_name in (${slots.map(sqlLiteral).join(', ')})`;
  return {
    node: oldPrimary.name,
    description: `drop ${oldPrimary.name}'s own failover slots, so that it syncs copies from the new primary`,
    detail: sql,
    mutating: true,
    async run(ctx) {
      const rows = await ctx.sql<{ slot_name: string }>(oldPrimary.name, sql, { mutating: true });
      return rows.length > 0 ? `dropped ${rows.map((row) => row.slot_name).join(', ')}` : 'none left to drop';
    },
  };
}
