import type { NodeConfig } from '../../config/schema.js';
import type { StepContext } from '../plan.js';

/** A string literal for a utility statement (ALTER SYSTEM takes no bind parameters); standard_conforming_strings is on since 9.1. */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The statements that point a standby at a new upstream; the caller reloads (>= 13) or restarts (12). */
export function repointStatements(conninfo: string, slotName: string): string[] {
  return [`alter system set primary_conninfo = ${sqlLiteral(conninfo)}`, `alter system set primary_slot_name = ${sqlLiteral(slotName)}`];
}

/** primary_conninfo and primary_slot_name became reloadable in PostgreSQL 13; before, the standby must restart. */
export const RELOADS_PRIMARY_CONNINFO = 130000;

/**
 * Waits until `standby` streams from `upstream`, seen from both ends: its WAL
 * receiver is streaming with sender_port = the upstream's port, and the
 * upstream's pg_stat_replication has it (by application_name) streaming.
 */
export async function waitForStandbyStreaming(
  ctx: StepContext,
  standby: NodeConfig,
  upstream: NodeConfig,
  timeoutMs: number,
): Promise<{ elapsedMs: number }> {
  const startedAt = Date.now();
  let lastSeen = 'no WAL receiver';
  while (Date.now() - startedAt < timeoutMs) {
    try {
      const [receiver] = await ctx.sql<{ status: string; sender_port: number | null }>(
        standby.name,
        'select status, sender_port from pg_stat_wal_receiver',
        { mutating: false },
      );
      lastSeen = receiver ? `WAL receiver ${receiver.status} from port ${receiver.sender_port ?? '?'}` : 'no WAL receiver';
      if (receiver?.status === 'streaming' && receiver.sender_port === upstream.port) {
        const rows = await ctx.sql<{ state: string }>(
          upstream.name,
          'select state from pg_stat_replication where application_name = $1',
          { mutating: false, params: [standby.name] },
        );
        if (rows.some((row) => row.state === 'streaming')) return { elapsedMs: Date.now() - startedAt };
        lastSeen += `, ${upstream.name} shows ${rows.map((row) => row.state).join(', ') || 'no walsender for it'}`;
      }
    } catch (error) {
      // A standby restarting (PostgreSQL 12) refuses connections for a moment.
      lastSeen = error instanceof Error ? error.message : String(error);
      await ctx.resetSession(standby.name);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${standby.name} not streaming from ${upstream.name} after ${timeoutMs / 1000} s (last seen: ${lastSeen}); see ${standby.name}'s server log`);
}
